"""The case lesson (07): one patient from presentation to recovery.

- :mod:`widgets.case.conditions`: the conditions of ``data/cases/conditions.yaml``, the vocabulary.
- :mod:`widgets.case.patients`: the patient of a named case and the lesson's parameters.
- :mod:`widgets.case.evidence`: the cited comparisons, patient factors and trial criteria.
- :mod:`widgets.case.rules`: the rules that judge selection (next step, applicability).
- :mod:`widgets.case.model`: one run of the lesson (the case as run and its settings).
- :mod:`widgets.case.quiz`: the quiz a case generates and what only its solution shows.
- :mod:`widgets.case.tables`: the display frames of the lesson.
- :mod:`widgets.case.view`: the lesson's widgets.
"""
