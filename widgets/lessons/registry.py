"""Find a lesson's parameter spec, and check the parameters a notebook kernel holds.

A lesson's :class:`~widgets.core.params.ParameterSpec` is a plain module-level
value in ``widgets/lessons/specs.py`` (lessons whose parameters need no model)
or in ``widgets/lessons/spec_<stem>.py`` (lessons whose choices come from their
model). The spec modules import nothing from here: this module finds the specs
in them, so the lesson tooling and the parameter types form no import circle.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import types
from collections.abc import Mapping
from typing import Any

from widgets.core.params import ParameterError, ParameterSpec
from widgets.lessons import specs as _shared_specs

__all__ = ["check_notebook_parameters", "get_spec", "import_all_specs", "register"]

_REGISTRY: dict[str, ParameterSpec] = {}


def register(spec: ParameterSpec) -> ParameterSpec:
    """Register the parameter spec of a lesson (by its notebook stem); return it."""
    _REGISTRY[spec.lesson] = spec
    return spec


def _collect(module: types.ModuleType) -> None:
    """Register every ParameterSpec a spec module defines at its top level."""
    for value in vars(module).values():
        if isinstance(value, ParameterSpec):
            _REGISTRY.setdefault(value.lesson, value)


_collect(_shared_specs)


def import_all_specs() -> None:
    """Import every ``spec_*`` module, registering every lesson's parameters."""
    package = importlib.import_module("widgets.lessons")
    for mod in pkgutil.iter_modules(package.__path__):
        if mod.name.startswith("spec_"):
            _collect(importlib.import_module(f"widgets.lessons.{mod.name}"))


def get_spec(lesson: str) -> ParameterSpec:
    """Return the spec declared for ``lesson``.

    Imports only that lesson's spec module (``widgets/lessons/spec_<stem>.py``,
    or the shared ``specs.py``), so a lesson kernel does not import every other
    lesson's models; all of them only to name the known lessons in an error.
    """
    if lesson not in _REGISTRY and isinstance(lesson, str):
        name = "widgets.lessons.spec_" + re.sub(r"[^0-9A-Za-z]", "_", lesson)
        if importlib.util.find_spec(name) is not None:
            _collect(importlib.import_module(name))
    if lesson not in _REGISTRY:
        import_all_specs()
        raise ParameterError(
            f"no parameters are declared for lesson {lesson!r}; known: {', '.join(sorted(_REGISTRY))}"
        )
    return _REGISTRY[lesson]


_IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "open"}


def check_notebook_parameters(lesson: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the parameters a notebook kernel holds, as the cell after ``parameters`` does.

    Every public, non-module, non-callable global counts as a parameter, so a
    name injected by papermill that the lesson does not declare is caught.
    """
    spec = get_spec(lesson)
    values = {
        k: v
        for k, v in namespace.items()
        if not k.startswith("_")
        and k not in _IPYTHON_NAMES
        and not isinstance(v, types.ModuleType)
        and not callable(v)
        and isinstance(v, str | int | float | bool | list | dict | type(None))
    }
    return spec.validate(values)
