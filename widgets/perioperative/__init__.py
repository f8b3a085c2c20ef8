"""Care around surgery (lesson 06): evidence on benefits and drawbacks, recovery milestones.

- :mod:`widgets.perioperative.comparisons`: where MISS is better, no different or
  worse than open surgery, with the strength of the evidence.
- :mod:`widgets.perioperative.verdicts`: the verdict of one printed comparison
  (importance against the smallest difference that matters, reported significance).
- :mod:`widgets.perioperative.selectors`: which rows of the evidence tables the
  lesson reads for its findings and its risks (the learning curve among them).
- :mod:`widgets.perioperative.recovery`: recovery milestones after MISS and
  open surgery, as printed (medians and means labelled), for the timeline.
- :mod:`widgets.perioperative.tables`: the tables a student reads (findings,
  risks, recovery, learning curves, anaesthesia by technique, operative time, the evidence behind
  advice after surgery).

The access comparator of the same lesson is :mod:`widgets.access.comparator`.
"""

__all__ = ["lesson_sources"]


def lesson_sources() -> list[str]:
    """Return every source key behind a number or a quiz item of lesson 06, without repeats."""
    from widgets.access import comparator
    from widgets.perioperative import tables
    from widgets.quiz.items import items_for_lesson

    keys = comparator.sources() + tables.comparison_sources() + tables.recovery_sources()
    keys += list(tables.anaesthesia_table()["source"])
    keys += list(tables.recovery_advice_table()["source"])
    for item in items_for_lesson("06-around-surgery"):
        keys += list(item.sources)
    return list(dict.fromkeys(keys))
