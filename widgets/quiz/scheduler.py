"""Spaced review with Leitner boxes: which items are due, across every lesson.

The rule (Leitner, 1972; the spacing effect: Kerfoot et al., 2007-2010)
------------------------------------------------------------------------
Every item sits in one of five boxes. An item never answered is *new*: it is
in box 1 and due at once. After each answer:

- fully correct (``correct`` true; partial credit does not count) -> the
  item moves up one box (box 5 is the top);
- anything else -> the item goes back to box 1.

An item is due :data:`INTERVAL_DAYS` [box] days after its last answer:

====  ========================
box   due again after (days)
====  ========================
1     0 (the next review)
2     1
3     3
4     7
5     21
====  ========================

So an item answered right three times in a row, a day or more apart, comes
back after 1, 3 and then 7 days; one slip sends it back to the start.
Everything is a pure function of the records and a clock ``now`` (passed
explicitly in tests), so the same history always gives the same schedule.

Order of what is due: items seen before come first, the most overdue first
(ties: lower box, then item id); then new items, taken in turn from each
lesson (round robin in lesson order), so that a review quiz mixes lessons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from widgets.quiz.store import has_verdict, now_utc, parse_time

__all__ = ["INTERVAL_DAYS", "MAX_BOX", "ItemState", "due_items", "leitner_states", "schedule_table"]

INTERVAL_DAYS: dict[int, float] = {1: 0.0, 2: 1.0, 3: 3.0, 4: 7.0, 5: 21.0}
MAX_BOX = 5


@dataclass(frozen=True)
class ItemState:
    """Where one item stands for one learner.

    Attributes
    ----------
    item_id
        The item.
    box
        Its Leitner box (1 to 5).
    last_seen
        When it was last answered (``None`` if never).
    due
        When it is next due (``None`` for a new item, which is due at once).
    attempts, correct
        How many answers were recorded, and how many were fully correct.
    """

    item_id: str
    box: int = 1
    last_seen: datetime | None = None
    due: datetime | None = None
    attempts: int = 0
    correct: int = 0

    @property
    def is_new(self) -> bool:
        """Whether the item was never answered."""
        return self.last_seen is None

    def is_due(self, now: datetime) -> bool:
        """Whether the item is due at ``now``."""
        return self.due is None or self.due <= now


def leitner_states(records: Iterable[Mapping[str, Any]]) -> dict[str, ItemState]:
    """Replay ``records`` (oldest first by their time) and return the state of each item.

    Records with no verdict (exam drafts and hand-ins, graded by the instructor)
    are skipped.
    """
    records = [rec for rec in records if has_verdict(rec)]
    ordered = sorted(enumerate(records), key=lambda pair: (parse_time(pair[1]["t"]), pair[0]))
    states: dict[str, ItemState] = {}
    for _, rec in ordered:
        item_id = str(rec["item"])
        old = states.get(item_id, ItemState(item_id))
        when = parse_time(rec["t"])
        right = bool(rec.get("correct"))
        box = min(old.box + 1, MAX_BOX) if right else 1
        states[item_id] = ItemState(
            item_id=item_id,
            box=box,
            last_seen=when,
            due=when + timedelta(days=INTERVAL_DAYS[box]),
            attempts=old.attempts + 1,
            correct=old.correct + int(right),
        )
    return states


def due_items(items: Sequence[Any], records: Iterable[Mapping[str, Any]],
              now: datetime | None = None, limit: int | None = None) -> list[Any]:
    """Return the items due at ``now``, in review order (see the module docstring).

    Parameters
    ----------
    items
        The candidate items (objects with ``id`` and ``lesson``), e.g.
        :func:`widgets.quiz.items.all_items`.
    records
        The learner's answer records (:meth:`ProgressStore.records`).
    now
        The clock; the current time when omitted.
    limit
        At most this many items.
    """
    now = now or now_utc()
    states = leitner_states(records)
    seen, new_by_lesson = [], defaultdict(list)
    lessons: list[str] = []
    for item in items:
        state = states.get(item.id)
        if state is None:
            if item.lesson not in new_by_lesson:
                lessons.append(item.lesson)
            new_by_lesson[item.lesson].append(item)
        elif state.is_due(now):
            seen.append((state.due, state.box, item.id, item))
    out = [entry[-1] for entry in sorted(seen, key=lambda e: e[:3])]
    queues = [list(new_by_lesson[lesson]) for lesson in lessons]
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out[:limit] if limit is not None else out


def schedule_table(items: Sequence[Any], records: Iterable[Mapping[str, Any]],
                   now: datetime | None = None):
    """Return one row per item: lesson, box, status and days until due (relative to ``now``).

    Days are relative so the table reads the same whenever it is printed.
    """
    import pandas as pd

    now = now or now_utc()
    states = leitner_states(records)
    rows = []
    for item in items:
        state = states.get(item.id, ItemState(item.id))
        if state.is_new:
            status, days = "new", 0.0
        else:
            days = round((state.due - now).total_seconds() / 86400.0, 1)
            status = "due" if state.is_due(now) else "waiting"
        rows.append({"item": item.id, "lesson": item.lesson, "box": state.box, "status": status,
                     "due in (days)": max(days, 0.0), "answers": state.attempts,
                     "correct": state.correct})
    return pd.DataFrame(rows, columns=["item", "lesson", "box", "status", "due in (days)",
                                       "answers", "correct"])
