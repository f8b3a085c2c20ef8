"""What every question type shares: the grade, option statuses, and helpers for choice items.

A type module (:mod:`widgets.quiz.types.single` and its siblings) imports from
here; nothing here knows a type by name. Defaults for the optional hooks of the
type protocol (see :mod:`widgets.quiz.types`) are here too, so that a type
module names every hook it has: its own, or a default bound to the hook's name.
"""

from __future__ import annotations

import functools
import html
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CHOOSE",
    "CHOSEN_RIGHT",
    "CHOSEN_WRONG",
    "LEFT_OUT",
    "LENGTH_RATIO",
    "MARKS",
    "MISSED",
    "Grade",
    "ItemCheck",
    "LmsForm",
    "check_ids",
    "choice_counts_of",
    "choice_feedback_html",
    "choice_lint",
    "choice_lms_form",
    "choice_status",
    "esc",
    "graded",
    "id_list",
    "no_choice_counts",
    "no_lms_form",
    "no_numbers",
    "no_signature",
    "not_counted",
    "numbers_ascending",
    "option_kind",
    "option_texts_feedback",
    "seeded_order",
    "wide",
    "text_of",
]

CHOSEN_RIGHT = "chosen, correct"
CHOSEN_WRONG = "chosen, incorrect"
MISSED = "not chosen, but correct"
LEFT_OUT = "not chosen, incorrect"

#: How the practice feedback marks an option of each status.
MARKS = {CHOSEN_RIGHT: "✔ your choice, correct", CHOSEN_WRONG: "✘ your choice, incorrect",
         MISSED: "✔ correct answer (not chosen)"}

#: ``longest-answer-cue``: the key may be at most this many times the distractors' mean length.
LENGTH_RATIO = 1.5

_NUMBER_OPTION = re.compile(
    r"^\s*(?:about\s+|~\s*)?[-+−]?\d+(?:[.,]\d+)?(?:\s*(?:to|-|–)\s*[-+−]?\d+(?:[.,]\d+)?)?"
    r"\s*(?P<unit>[^\d\s].*?)?\s*$"
)


@dataclass(frozen=True)
class Grade:
    """The result of grading one response.

    Attributes
    ----------
    item_id
        The item graded.
    correct
        Whether the response is fully right.
    score
        From 0 to 1 (partial credit for multiple select, ordering, matching).
    feedback
        Feedback per option id (or per prompt id for matching, or under
        ``"answer"`` for numeric items).
    status
        Per option (or prompt) id: chosen/not chosen and correct/incorrect
        (for the view's marks).
    explanation, citation
        The item's explanation and its full citations.
    message
        One line summing up the grade (misplaced steps, a unit problem...).
    misplaced
        Ordering items: the 1-based positions holding the wrong step.
    response
        The response as recorded (JSON-serialisable).
    """

    item_id: str
    correct: bool
    score: float
    feedback: Mapping[str, str]
    explanation: str
    citation: str
    status: Mapping[str, str] = field(default_factory=dict)
    message: str = ""
    misplaced: tuple[int, ...] = ()
    response: Any = None


@dataclass(frozen=True)
class LmsForm:
    """An item as a learning-management system holds it (for the QTI and Moodle XML exports).

    Three kinds cover every type: ``choice`` (one or several keyed options;
    ``options`` are ``(id, text, feedback, keyed)``), ``numerical`` (``key``
    within an absolute ``tolerance``, in ``unit``; ``feedback`` under
    ``correct``, ``low`` and ``high``) and ``match`` (``prompts`` and
    ``choices`` as ``(id, text)``, ``pairs`` from prompt id to choice id).
    ``note`` says how the type was approximated, when it was.
    """

    kind: str
    multiple: bool = False
    options: tuple[tuple[str, str, str, bool], ...] = ()
    prompts: tuple[tuple[str, str], ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    pairs: Mapping[str, str] = field(default_factory=dict)
    key: float | None = None
    tolerance: float | None = None
    unit: str | None = None
    feedback: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


def no_lms_form(item: Any) -> LmsForm:
    """Raise: the default ``lms_form`` hook of a type that has no form in an LMS."""
    raise ValueError(f"item {item.id!r}: question type {item.type!r} has no LMS form yet")


def choice_lms_form(item: Any, keyed: set, *, multiple: bool) -> LmsForm:
    """Return a choice item's LMS form: its options in bank order, each with its feedback."""
    return LmsForm("choice", multiple=multiple,
                   options=tuple((o.id, o.text, o.feedback, o.id in keyed) for o in item.options))


def id_list(min_items: int) -> dict[str, Any]:
    """Return the schema of an answer that lists option ids (at least ``min_items``, no repeats)."""
    return {"type": "array", "minItems": min_items, "uniqueItems": True,
            "items": {"$ref": "#/$defs/slug"}}


class ItemCheck(ValueError):
    """A bank item breaks its type's rules; ``key`` names the item field to point at."""

    def __init__(self, message: str, key: str = "answer"):
        super().__init__(message)
        self.key = key


def graded(item: Any, **kwargs: Any) -> Grade:
    """Return a :class:`Grade` of ``item`` (its id, explanation and citation filled in)."""
    return Grade(item_id=item.id, explanation=item.explanation, citation=item.citation, **kwargs)


def check_ids(item: Any, ids: Iterable[str | None], what: str = "option") -> None:
    """Raise ``ValueError`` unless every id (``None`` aside) is one of the item's options (or choices)."""
    known = {o.id for o in (item.options if what == "option" else item.choices)}
    for i in ids:
        if i is not None and i not in known:
            raise ValueError(f"item {item.id!r} has no {what} {i!r}; known: {sorted(known)}")


def choice_status(item: Any, chosen: set, keyed: set) -> dict[str, str]:
    """Per option: chosen or not, keyed or not (for the view's marks)."""
    status = {}
    for o in item.options:
        if o.id in chosen:
            status[o.id] = CHOSEN_RIGHT if o.id in keyed else CHOSEN_WRONG
        else:
            status[o.id] = MISSED if o.id in keyed else LEFT_OUT
    return status


# --------------------------------------------------------------------------- options


def option_kind(text: str) -> tuple[str, str]:
    """Classify an option's text as ``("number", unit)`` or ``("text", "")``."""
    m = _NUMBER_OPTION.match(text)
    if m:
        return "number", (m.group("unit") or "").strip()
    return "text", ""


def _number(text: str) -> float:
    match = re.search(r"[-+−]?\d+(?:[.,]\d+)?", text)
    return float(match.group(0).replace("−", "-").replace(",", ".")) if match else 0.0


def numbers_ascending(item: Any, which: str) -> list[str] | None:
    """Option ids in ascending order when every option is a number (NBME), else ``None``."""
    opts = list(getattr(item, which))
    if which != "options" or {option_kind(o.text)[0] for o in opts} != {"number"}:
        return None
    return [o.id for o in sorted(opts, key=lambda o: _number(o.text))]


def seeded_order(item: Any, which: str, seed: int, always: bool = False) -> list[str]:
    """Return the ids of ``item``'s options (or ``"choices"``) shuffled by ``seed``.

    Left in bank order when the item says ``shuffle: false`` (unless ``always``).
    """
    ids = [o.id for o in getattr(item, which)]
    if not item.shuffle and not always:
        return ids
    random.Random(f"miss-quiz-options:{seed}:{item.id}:{which}").shuffle(ids)
    return ids


def text_of(item: Any, option_id: str) -> str:
    """Return the option (or choice) text, whitespace collapsed and lower case (to compare answers)."""
    return " ".join(item.option(option_id).text.lower().split())


def no_signature(item: Any) -> None:
    """Default ``answer_signature``: the type's answers are not compared across items."""
    return None


# --------------------------------------------------------------------------- lint of choice items


def choice_lint(item: Any, keyed: set) -> list[tuple[str, str]]:
    """``longest-answer-cue`` and ``heterogeneous-options`` for an item whose options are answers."""
    out: list[tuple[str, str]] = []
    if not item.options:
        return out
    right = [len(o.text) for o in item.options if o.id in keyed]
    wrong = [len(o.text) for o in item.options if o.id not in keyed]
    if right and wrong:
        mean_wrong = sum(wrong) / len(wrong)
        longest = max(right)
        if longest > LENGTH_RATIO * mean_wrong:
            out.append(("longest-answer-cue",
                        f"the keyed option has {longest} characters, over {LENGTH_RATIO} x the"
                        f" distractors' mean of {mean_wrong:.0f}: shorten it or lengthen them"))
    kinds = {option_kind(o.text) for o in item.options}
    if len({k for k, _ in kinds}) > 1:
        out.append(("heterogeneous-options", "mixes number and text options; make them one kind"))
    elif len(kinds) > 1:
        units = sorted(u or "(none)" for _, u in kinds)
        out.append(("heterogeneous-options",
                    f"number options in different units: {', '.join(units)}"))
    return out


def not_counted(item: Any) -> None:
    """Default ``key_is_longest``: the type is not counted in the per-bank longest-key share."""
    return None


# --------------------------------------------------------------------------- analytics


def choice_counts_of(item: Any, answers: Sequence[Any], keyed: set, chose) -> list[dict[str, Any]]:
    """Rows of :func:`widgets.quiz.analytics.distractor_rates` for one choice item.

    ``chose(response, option_id)`` says whether a recorded response picked the option.
    """
    rows = []
    for opt in item.options:
        count = sum(1 for r in answers if chose(r, opt.id))
        rows.append({"item": item.id, "option": opt.id, "text": opt.text,
                     "keyed": opt.id in keyed, "chosen": count, "n": len(answers),
                     "rate": round(count / len(answers), 4)})
    return rows


def no_choice_counts(item: Any, answers: Sequence[Any]) -> list[dict[str, Any]]:
    """Default ``choice_counts``: the type has no options to count."""
    return []


def no_numbers(raw: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[dict[str, Any], Mapping]:
    """Default ``resolve``: the type adds no numbers of its own to the item."""
    return {}, values


# --------------------------------------------------------------------------- rendering


def esc(text: str) -> str:
    """HTML-escape ``text``."""
    return html.escape(text)


#: The empty first entry of a drop-down (ordering and matching).
CHOOSE = "(choose)"


@functools.cache
def wide():
    """Return the one layout of full-width controls (imports ipywidgets only when a question is drawn)."""
    import ipywidgets as ipw

    return ipw.Layout(width="98%")


def choice_feedback_html(item: Any, result: Grade, order: Sequence[str]) -> str:
    """Every option in display order, marked, with its feedback (single and multiple choice)."""
    rows = []
    for oid in order:
        opt = item.option(oid)
        mark = MARKS.get(result.status.get(oid, ""), "")
        label = f" <em>[{mark}]</em>" if mark else ""
        rows.append(f"<li><strong>{esc(opt.text)}</strong>{label}:"
                    f" {esc(result.feedback.get(oid, ''))}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def option_texts_feedback(item: Any, order: Sequence[str]) -> list[tuple[str, str]]:
    """(text, feedback) of each option in display order: the answer key of a choice item."""
    return [(item.option(i).text, item.option(i).feedback) for i in order]
