"""Lesson tooling: parameter specs, execution, class builds and collection.

What each lesson is (id, title, minutes, objectives, parameters) is pure data in
:mod:`widgets.core.catalog`; :mod:`widgets.lessons.registry` builds each lesson's parameter spec
from it and holds the check a notebook runs after its ``parameters`` cell.
Command line: ``python -m widgets.lessons --help``.
"""
