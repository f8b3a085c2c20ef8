"""Lesson tooling: parameter specs, execution, class builds and checks.

The lesson map itself (ids, titles, minutes, objectives) is pure data in
:mod:`widgets.core.catalog`. Parameter specs live in ``widgets/lessons/specs.py``
and in one module per lesson, ``widgets/lessons/spec_<name>.py``, found when the
lesson's spec is first asked for (:func:`widgets.lessons.registry.get_spec`).
Command line: ``python -m widgets.lessons --help``.
"""

from widgets.core.catalog import LESSONS, Lesson, lesson_map_table
from widgets.lessons.registry import import_all_specs

__all__ = ["LESSONS", "Lesson", "import_all_specs", "lesson_map_table"]
