"""Question banks as a learning-management system imports them: QTI 1.2 and Moodle XML.

An export is an instructor's file: it carries every key and every feedback by
nature, so it is never written into what students receive (the class build
never calls it). Each item leaves in its type's LMS form
(:class:`~widgets.quiz.types.base.LmsForm`: choice, numerical or match), with
its numbers resolved from ``data/``, its per-option feedback, and its
explanation and full citations as the general feedback.

Items go in :class:`Pool` s. A pool of one item is asked as it is; a pool of
resolved *variants* of one question (the case lesson's questions, whose numbers
depend on the case) is asked one-of: a QTI section that selects one item, or a
Moodle category from which a quiz draws a random question.

:mod:`widgets.quiz.lms.qti12` and :mod:`widgets.quiz.lms.moodle` write and read
back the two formats; the XML is written with lxml (no maintained library on
PyPI writes QTI 1.2 *and* Moodle XML from arbitrary items with per-option
feedback, matching questions and pools: text2qti writes Canvas QTI from its own
plain-text format, without matching questions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FORMATS", "ExportError", "Pool", "feedback_text", "ident", "pools_of_items",
           "stem_text"]

#: The formats, by the name the command line takes.
FORMATS = ("qti12", "moodle")


class ExportError(ValueError):
    """An export cannot be written (one line says why)."""


@dataclass(frozen=True)
class Pool:
    """Items asked together: all of them (``pick`` None) or ``pick`` drawn at random."""

    id: str
    title: str
    items: tuple[Any, ...]
    pick: int | None = None

    def __post_init__(self):
        if not self.items:
            raise ExportError(f"pool {self.id!r} has no items")
        if self.pick is not None and not 1 <= self.pick <= len(self.items):
            raise ExportError(f"pool {self.id!r}: pick {self.pick} is not between 1 and"
                              f" {len(self.items)} (its number of items)")


def pools_of_items(items: Sequence[Any]) -> list[Pool]:
    """Return one pool per item (every item asked)."""
    return [Pool(item.id, item.id, (item,)) for item in items]


_IDENT = re.compile(r"[^A-Za-z0-9_.-]")


def ident(text: str) -> str:
    """Return ``text`` as an XML identifier (letters, digits, ``_ . -``; starting with a letter)."""
    out = _IDENT.sub("_", text)
    return out if out[:1].isalpha() else f"i{out}"


def stem_text(item: Any, form: Any) -> str:
    """Return the question text: the stem and, for a numeric question, the unit to answer in."""
    if form.kind == "numerical" and form.unit and form.unit != "ratio":
        return f"{item.stem}\n\nAnswer in {form.unit}."
    if form.note.startswith("ordering"):
        return f"{item.stem}\n\nPut the steps in order: match each position with its step."
    return item.stem


def feedback_text(item: Any) -> str:
    """Return the general feedback: the explanation, then the sources in full."""
    sources = "; ".join(item.citations)
    return f"{item.explanation}\n\nSources: {sources}" if sources else item.explanation
