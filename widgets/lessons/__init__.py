"""Lesson tooling: parameter specs and their registry, execution, class builds and collection.

The lesson map itself (ids, titles, minutes, objectives) is pure data in
:mod:`widgets.core.catalog`. Parameter specs live in ``widgets/lessons/specs.py``
and in one module per lesson, ``widgets/lessons/spec_<name>.py``, found when the
lesson's spec is first asked for (:func:`widgets.lessons.registry.get_spec`).
Command line: ``python -m widgets.lessons --help``.
"""
