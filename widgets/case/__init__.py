"""The case lesson (07): one patient from presentation to recovery.

- :mod:`widgets.case.model`: the cases of ``data/cases``, the decisions and their feedback.
- :mod:`widgets.case.view`: the lesson's widgets.
"""
