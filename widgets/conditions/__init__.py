"""Conditions and selection (lesson 02).

- :mod:`widgets.conditions.model`: grading a slip, measuring a curve, the root behind a deficit.
- :mod:`widgets.conditions.tables`: the tables a student reads, with their sources.
- :mod:`widgets.conditions.selection`: the selection tree of ``data/selection_tree.yaml``.
- :mod:`widgets.conditions.view`: the lesson's widgets.
"""
