"""Techniques step by step (lesson 03).

- :mod:`widgets.techniques.model`: the techniques, their steps and drills.
- :mod:`widgets.techniques.view`: the lesson's widgets.
"""
