"""Techniques step by step (lesson 03).

- :mod:`widgets.techniques.model`: the steps as data, a step-order grader, comparisons.
- :mod:`widgets.techniques.view`: the lesson's widgets.
"""
