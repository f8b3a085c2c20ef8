"""One learner's review: what is due, mastery per objective, and the next mixed quiz.

Used by the review notebook (``notebooks/90-review.ipynb``). The learner's
answers come from the progress store (:mod:`widgets.quiz.store`); the schedule
from :mod:`widgets.quiz.scheduler`; mastery from :mod:`widgets.quiz.analytics`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from widgets.quiz.analytics import MASTERY_THRESHOLD, mastery, responses_frame
from widgets.quiz.items import Item, ItemInfo, item_index, items_by_id
from widgets.quiz.scheduler import INTERVAL_DAYS, MAX_BOX, due_items, schedule_table
from widgets.quiz.store import learner_store

__all__ = [
    "bank_references",
    "due_table",
    "leitner_walkthrough",
    "mastery_table",
    "review_items",
    "store_summary",
]

def review_items(learner: str | None = None, n_items: int = 10, now: datetime | None = None,
                 items: Sequence[Item] | None = None) -> list[Item]:
    """Return up to ``n_items`` items due for ``learner``, across every lesson.

    The schedule is worked out on the item index; only the banks holding the
    chosen items are resolved.
    """
    if items is not None:
        return due_items(list(items), learner_store(learner).records(), now=now, limit=n_items)
    chosen = due_items(item_index(), learner_store(learner).records(), now=now, limit=n_items)
    return items_by_id([info.id for info in chosen])


def due_table(learner: str | None = None, now: datetime | None = None,
              items: Sequence[Item | ItemInfo] | None = None) -> pd.DataFrame:
    """Return how many items are new, due and waiting, per lesson (counts, no dates)."""
    pool = list(items) if items is not None else item_index()
    table = schedule_table(pool, learner_store(learner).records(), now=now)
    counts = (table.groupby(["lesson", "status"]).size().unstack(fill_value=0)
              .reindex(columns=["new", "due", "waiting"], fill_value=0))
    counts["total"] = counts.sum(axis=1)
    counts.columns.name = None
    return counts


def mastery_table(learner: str | None = None, items: Sequence[Item | ItemInfo] | None = None,
                  threshold: float = MASTERY_THRESHOLD) -> pd.DataFrame:
    """Return mastery per objective for one learner (unanswered items count 0).

    Columns: lesson, objective, items, answered, mastery (%), mastered.
    """
    pool = list(items) if items is not None else item_index()
    store = learner_store(learner)
    frame = responses_frame(store.records())
    per = mastery(frame, pool, threshold=threshold, learners=[store.learner])
    per = per.assign(_order=[_objective_rank(lesson, objective)
                             for lesson, objective in zip(per["lesson"], per["objective"],
                                                          strict=True)])
    per = per.sort_values("_order", kind="stable")
    return pd.DataFrame({
        "lesson": per["lesson"],
        "objective": per["objective"],
        "items": per["items"],
        "answered": per["answered"],
        "mastery (%)": (100 * per["mastery"]).round(0).astype(int),
        "mastered": per["mastered"].map({True: "yes", False: "not yet"}),
    }).reset_index(drop=True)


def _objective_rank(lesson: str, objective: str) -> tuple[int, int]:
    """Order objectives as the lesson map lists them (unknown ones last)."""
    from widgets.core.catalog import LESSONS

    for i, entry in enumerate(LESSONS):
        if entry.stem == lesson:
            objectives = list(entry.objectives)
            return i, objectives.index(objective) if objective in objectives else len(objectives)
    return len(LESSONS), 0


def store_summary(learner: str | None = None) -> pd.DataFrame:
    """Return a one-row table: answers recorded, broken lines skipped (never file paths)."""
    result = learner_store(learner).read()
    return pd.DataFrame([{"answers recorded": len(result.records),
                          "unreadable lines skipped": len(result.skipped)}])


def leitner_walkthrough(results: Sequence[bool]) -> pd.DataFrame:
    """Show the Leitner rule on one item answered each time it falls due.

    Parameters
    ----------
    results
        Whether each successive answer was correct.

    Returns
    -------
    pandas.DataFrame
        One row per answer: the day it was given (day 0 is the first), whether
        it was right, the box after it and the day the item is due again.
    """
    rows = []
    day, box = 0.0, 1
    for n, right in enumerate(results, start=1):
        box = min(box + 1, MAX_BOX) if right else 1
        due = day + INTERVAL_DAYS[box]
        rows.append({"answer": n, "day": day, "correct": "yes" if right else "no",
                     "box after": box, "due again on day": due})
        day = due
    return pd.DataFrame(rows).set_index("answer")


def bank_references(items: Sequence[Item | ItemInfo] | None = None) -> list[str]:
    """Return the source keys cited by the question banks (every item by default), sorted."""
    pool = list(items) if items is not None else item_index()
    return sorted({key for item in pool for key in item.sources})

