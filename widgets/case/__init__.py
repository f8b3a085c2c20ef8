"""The case lesson (07): one patient from presentation to recovery.

- :mod:`widgets.case.model`: the cases of ``data/cases`` (fictional teaching vignettes) and the lesson's run.
- :mod:`widgets.case.view`: the lesson's widgets.
"""
