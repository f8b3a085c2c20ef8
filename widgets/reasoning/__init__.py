"""From symptoms to the decision to operate (lesson 08).

- :mod:`widgets.reasoning.exam`: the examination simulator: patients drawn from a seed by a model of
  root and cord syndromes, with cited test accuracy.
- :mod:`widgets.reasoning.triage`: the history's pain patterns, the red flags and the next step.
- :mod:`widgets.reasoning.timing`: the early-surgery trials for sciatica, as published.
- :mod:`widgets.reasoning.scores`: ODI and NDI scoring, and one patient's change against the MCID.
- :mod:`widgets.reasoning.consent`: benefit and risks per 100 patients for the consent card.
- :mod:`widgets.reasoning.tables`: the tables a student reads; :mod:`widgets.reasoning.view`: the widgets.

The quiz resolves some numbers with these models, so the models never import the quiz;
:func:`lesson_sources`, which joins the two, lives here.
"""

__all__ = ["lesson_sources"]


def lesson_sources() -> list[str]:
    """Return every source key behind a number or a quiz item of lesson 08, without repeats."""
    from widgets.quiz.items import items_for_lesson
    from widgets.reasoning.tables import lesson_references

    keys = lesson_references()
    keys += [k for item in items_for_lesson("08-from-symptoms-to-decision") for k in item.sources]
    return list(dict.fromkeys(keys))
