"""Lesson tooling: the lesson map, parameter specs, execution and checks.

Parameter specs live in ``widgets/lessons/specs.py`` and in one module per
lesson, ``widgets/lessons/spec_<name>.py``; importing this package registers
them all. Command line: ``python -m widgets.lessons --help``.
"""

import importlib as _importlib
import pkgutil as _pkgutil

from widgets.lessons import specs  # noqa: F401  (registers each lesson's parameters)
from widgets.lessons.catalog import LESSONS, Lesson, lesson_map_table

for _mod in _pkgutil.iter_modules(__path__):
    if _mod.name.startswith("spec_"):
        _importlib.import_module(f"{__name__}.{_mod.name}")

__all__ = ["LESSONS", "Lesson", "lesson_map_table"]
