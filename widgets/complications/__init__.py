"""Complications of spine surgery and their management (lesson 10).

- :mod:`widgets.complications.scenarios`: the branching scenarios of the recogniser, schema-checked,
  and a pure engine that walks them.
- :mod:`widgets.complications.frequency`: how often each complication happens, from the cited tables.
- :mod:`widgets.complications.tables`: the tables a student reads.
- :mod:`widgets.complications.view`: the complication recogniser.
"""

from __future__ import annotations

__all__ = ["lesson_sources"]


def lesson_sources() -> list[str]:
    """Return every source key behind a number or a quiz item of lesson 10, without repeats."""
    from widgets.complications.frequency import sources
    from widgets.quiz.items import items_for_lesson

    keys = sources()
    for item in items_for_lesson("10-complications"):
        keys += list(item.sources)
    return list(dict.fromkeys(keys))
