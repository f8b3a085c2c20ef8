"""The cervical spine (lesson 09): radiculopathy and myelopathy, and the anterior and posterior routes.

- :mod:`widgets.cervical.comparator`: which approach reaches which pathology (rules from data), the
  structures each corridor puts at risk, and the cited outcomes.
- :mod:`widgets.cervical.evidence`: the randomised comparisons, each judged against its MCID.
- :mod:`widgets.cervical.diagram`: the labelled axial diagram of the two corridors (pure geometry).
- :mod:`widgets.cervical.tables`: the tables a student reads.
- :mod:`widgets.cervical.view`: the cervical approach comparator.
"""

from __future__ import annotations

__all__ = ["CONTEXT_SOURCES", "lesson_sources"]

#: Sources the lesson's prose names without taking a number from them (the FORVAD trial's design,
#: the review of MIS against open posterior foraminotomy).
CONTEXT_SOURCES = ("Thomson2023HealthTechnolAssess", "Platt2020JSpineSurg")


def lesson_sources() -> list[str]:
    """Return every source key behind a number or a quiz item of lesson 09, without repeats."""
    from widgets.cervical.comparator import sources
    from widgets.quiz.items import items_for_lesson

    keys = sources() + list(CONTEXT_SOURCES)
    for item in items_for_lesson("09-cervical-spine"):
        keys += list(item.sources)
    return list(dict.fromkeys(keys))
