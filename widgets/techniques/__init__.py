"""Techniques step by step (lesson 03).

- :mod:`widgets.techniques.model`: the steps as data, a step-order grader, comparisons.
- :mod:`widgets.techniques.tables`: the tables a student reads, and the lesson's references.
- :mod:`widgets.techniques.view`: the lesson's widgets.
"""
