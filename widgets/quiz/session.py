"""A quiz being taken: question order, option order, responses, grades and the score.

:class:`QuizSession` holds no widgets, so tests drive it directly; the view
(:mod:`widgets.quiz.view`) is a thin layer over it.

Shuffling is seeded: the same seed gives the same question order and the same
option order for every item (``random.Random`` seeded with a string is stable
across Python runs and platforms). Options that are all numbers are shown in
ascending order instead (NBME: order numeric options logically), and an
ordering item's steps are never offered in their correct order.

Modes
-----
``practice``
    Each response is graded at once; the grade (feedback per option, the
    explanation and its citation) is returned and recorded in the progress
    store.
``exam``
    Nothing is graded until :meth:`submit`. Each saved answer is written to
    the progress store at once as a *draft* (mode ``"draft"``: no verdict, no
    feedback, never counted in a grade or a review), so a kernel restart, a
    crash or an idle cull loses nothing: a new session of the same quiz
    restores the drafts saved since the learner's last hand-in. :meth:`submit`
    records the hand-in (mode ``"exam"``), again with no verdict in the
    learner's own file (``collect`` grades the responses for the instructor), and
    the session reports how many were recorded, not the answers.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from widgets.quiz import types
from widgets.quiz.grading import Grade, grade
from widgets.quiz.items import Item
from widgets.quiz.store import ProgressStore

__all__ = ["DRAFT", "MODES", "QuizSession", "Summary", "option_order", "shuffled_items"]

MODES = ("practice", "exam")
DRAFT = "draft"


def shuffled_items(items: Sequence[Item], seed: int) -> list[Item]:
    """Return ``items`` in a seeded random order (same seed, same order)."""
    out = list(items)
    random.Random(f"miss-quiz-order:{seed}").shuffle(out)
    return out


def option_order(item: Item, seed: int, which: str = "options") -> list[str]:
    """Return the ids of an item's options (or ``"choices"``) in the order to show them."""
    return types.of(item.type).option_order(item, which, seed)


@dataclass(frozen=True)
class Summary:
    """The score so far: items, answered, fully correct and points (first attempts)."""

    items: int
    answered: int
    correct: int
    points: float

    def text(self) -> str:
        """One line for the learner."""
        from widgets.core.numbers import format_percent, format_score

        share = f"{format_percent(self.points / self.answered)}; " if self.answered else ""
        return (f"Score: {format_score(self.points, self.answered)} answered"
                f" ({share}{self.correct} fully correct; {self.items} questions in this quiz).")


class QuizSession:
    """One sitting of a quiz.

    Parameters
    ----------
    items
        The items, in bank order; they are shuffled with ``seed``.
    mode
        ``"practice"`` or ``"exam"``.
    seed
        Seeds the question and option order.
    store
        Where responses are recorded (``None``: not recorded).
    shuffle
        Whether to shuffle the questions (options are shuffled regardless).
    """

    def __init__(self, items: Sequence[Item], mode: str = "practice", seed: int = 0,
                 store: ProgressStore | None = None, shuffle: bool = True):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        if not items:
            raise ValueError("a quiz needs at least one item")
        self.mode = mode
        self.seed = seed
        self.store = store
        self.items: list[Item] = shuffled_items(items, seed) if shuffle else list(items)
        self._by_id = {item.id: item for item in self.items}
        self.responses: dict[str, Any] = {}
        self.first_grades: dict[str, Grade] = {}
        self.last_grades: dict[str, Grade] = {}
        self.submitted = False
        self.restored = self._restore_drafts() if mode == "exam" else 0

    def _restore_drafts(self) -> int:
        """Take back the drafts saved since the last hand-in of each item; return how many."""
        if self.store is None:
            return 0
        latest: dict[str, tuple[str, str, Any]] = {}
        for rec in self.store.records():
            item_id = rec.get("item")
            if item_id not in self._by_id or rec.get("mode") not in (DRAFT, "exam"):
                continue
            key = (str(rec.get("t", "")), rec.get("mode"), rec.get("response"))
            if item_id not in latest or key[0] >= latest[item_id][0]:
                latest[item_id] = key
        for item_id, (_t, mode, response) in latest.items():
            if mode == DRAFT:
                self.responses[item_id] = response
        return sum(1 for _t, mode, _r in latest.values() if mode == DRAFT)

    def item(self, item_id: str) -> Item:
        """Return the item with id ``item_id``."""
        return self._by_id[item_id]

    def options(self, item_id: str, which: str = "options") -> list[str]:
        """Return the option (or choice) ids of an item in display order."""
        return option_order(self._by_id[item_id], self.seed, which)

    def respond(self, item_id: str, response: Any) -> Grade | None:
        """Take a response; in practice mode grade and record it and return the grade.

        In exam mode the response is saved as a draft (on disk, when the
        session has a store) and ``None`` is returned; it is graded at
        :meth:`submit`.
        """
        item = self._by_id[item_id]
        if self.mode == "exam":
            if self.submitted:
                raise RuntimeError("this exam was already submitted")
            if self.store is not None:
                self.store.record(item.id, response, correct=None, score=None, lesson=item.lesson,
                                  objective=item.objective, mode=DRAFT)
            self.responses[item_id] = response
            return None
        result = grade(item, response)
        self.responses[item_id] = response
        self.first_grades.setdefault(item_id, result)
        self.last_grades[item_id] = result
        if self.store is not None:
            self.store.record_grade(item, result, mode=self.mode)
        return result

    def submit(self) -> int:
        """Exam mode: grade every response in Python, record them all; return how many."""
        if self.mode != "exam":
            raise RuntimeError("submit() is for exam mode; practice answers are graded at once")
        if self.submitted:
            raise RuntimeError("this exam was already submitted")
        records = []
        for item in self.items:
            if item.id not in self.responses:
                continue
            result = grade(item, self.responses[item.id])
            self.first_grades[item.id] = self.last_grades[item.id] = result
            records.append((item, result))
        if self.store is not None:   # the hand-in, in one write: responses only, no verdict
            self.store.append([
                self.store.make_record(item.id, result.response, correct=None, score=None,
                                       lesson=item.lesson, objective=item.objective, mode="exam")
                for item, result in records])
        self.submitted = True
        return len(records)

    def summary(self) -> Summary:
        """Return the score so far (first attempts)."""
        grades = self.first_grades.values()
        return Summary(
            items=len(self.items),
            answered=len(self.first_grades),
            correct=sum(1 for g in grades if g.correct),
            points=round(sum(g.score for g in grades), 3),
        )
