"""Lesson tooling: the lesson map, parameter specs, execution and checks.

Command line: ``python -m widgets.lessons --help``.
"""

from widgets.lessons import specs  # noqa: F401  (registers each lesson's parameters)
from widgets.lessons.catalog import LESSONS, Lesson, lesson_map_table

__all__ = ["LESSONS", "Lesson", "lesson_map_table"]
