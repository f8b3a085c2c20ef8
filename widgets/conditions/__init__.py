"""Conditions and selection (lesson 02).

- :mod:`widgets.conditions.slip`: the Meyerding grade of a measured slip.
- :mod:`widgets.conditions.curve`: the Cobb angle of a generated curve, and the scoliosis threshold.
- :mod:`widgets.conditions.roots`: the root behind a deficit, and the root a herniation compresses.
- :mod:`widgets.conditions.tables`: the tables a student reads, with their sources, and the
  lesson's references.
- :mod:`widgets.conditions.selection`: the selection tree of ``data/selection_tree.yaml``.
- :mod:`widgets.conditions.view`: the lesson's widgets.

The quiz computes some of its numbers with these models, so the models never
import the quiz; :func:`lesson_sources`, which joins the two, lives here.
"""

__all__ = ["lesson_sources"]


def lesson_sources() -> list[str]:
    """Return every source key behind a number or a quiz item of lesson 02, without repeats."""
    from widgets.conditions.tables import lesson_references
    from widgets.quiz.items import items_for_lesson

    keys = lesson_references()
    keys += [k for item in items_for_lesson("02-conditions-and-selection") for k in item.sources]
    return list(dict.fromkeys(keys))
