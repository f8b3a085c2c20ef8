"""Lesson tooling: the lesson map, parameter specs, execution and checks.

Parameter specs live in ``widgets/lessons/specs.py`` and in one module per
lesson, ``widgets/lessons/spec_<name>.py``, imported when the lesson's spec is
first asked for (:func:`widgets.params.get_spec`). Command line: ``python -m widgets.lessons --help``.
"""

import importlib as _importlib
import pkgutil as _pkgutil

from widgets.lessons import specs  # noqa: F401  (registers the lessons without their own module)
from widgets.lessons.catalog import LESSONS, Lesson, lesson_map_table


def import_all_specs() -> None:
    """Import every ``spec_*`` module, registering every lesson's parameters.

    :func:`widgets.params.get_spec` imports just the one a lesson needs.
    """
    for mod in _pkgutil.iter_modules(__path__):
        if mod.name.startswith("spec_"):
            _importlib.import_module(f"{__name__}.{mod.name}")


__all__ = ["LESSONS", "Lesson", "import_all_specs", "lesson_map_table"]
