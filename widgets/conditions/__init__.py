"""Conditions and selection (lesson 02).

- :mod:`widgets.conditions.model`: grading a slip, measuring a curve, the root behind a deficit.
- :mod:`widgets.conditions.tables`: the tables a student reads, with their sources.
- :mod:`widgets.conditions.selection`: the selection tree of ``data/selection_tree.yaml``.
- :mod:`widgets.conditions.view`: the lesson's widgets.

The quiz computes some of its numbers with these models, so the models never
import the quiz; :func:`lesson_sources`, which joins the two, lives here.
"""

__all__ = ["lesson_sources"]


def lesson_sources() -> list[str]:
    """Return every source key behind a number or a quiz item of lesson 02, without repeats."""
    from widgets.conditions.model import lesson_references
    from widgets.quiz.items import items_for_lesson

    keys = lesson_references()
    keys += [k for item in items_for_lesson("02-conditions-and-selection") for k in item.sources]
    return list(dict.fromkeys(keys))
