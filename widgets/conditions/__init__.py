"""Conditions and selection (lesson 02).

- :mod:`widgets.conditions.model`: conditions, roots, red flags and their tables.
- :mod:`widgets.conditions.selection`: the selection tree of ``data/selection_tree.yaml``.
- :mod:`widgets.conditions.view`: the lesson's widgets.
"""
