"""Conditions and selection (lesson 02).

- :mod:`widgets.conditions.slip`: the Meyerding grade of a measured slip.
- :mod:`widgets.conditions.curve`: the Cobb angle of a generated curve, and the scoliosis threshold.
- :mod:`widgets.conditions.roots`: the root behind a deficit, and the root a herniation compresses.
- :mod:`widgets.conditions.tables`: the tables a student reads, with their sources, and the
  lesson's references.
- :mod:`widgets.conditions.selection`: the selection tree of ``data/selection_tree.yaml``.
- :mod:`widgets.conditions.view`: the lesson's widgets.
"""
