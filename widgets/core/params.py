"""Typed, range-checked lesson parameters for papermill runs.

Each lesson declares its parameters once, as :class:`Param` values in its entry of
:mod:`widgets.core.catalog`; :mod:`widgets.lessons.registry` turns them into a
:class:`ParameterSpec`. The notebook's ``parameters`` cell repeats the same names, annotated types
and defaults (a test keeps the two in step), and the cell after it calls
:func:`widgets.lessons.registry.check_notebook_parameters`, so that a wrong name, type or value
stops the run at once with one line naming the parameter and what is allowed. papermill itself
only warns on unknown names and never checks types; this module closes that gap.
:func:`notebook_values` reads which names the parameters cells assigned (see its docstring).
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Param",
    "ParameterError",
    "ParameterSpec",
    "notebook_values",
]


class ParameterError(ValueError):
    """A lesson parameter has a wrong name, type or value (one-line message)."""


# A number as a person writes it: 30, -2, 27.5, .5, 1e2, 1.5E-3 (no nan, inf, hex or '_').
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def read_number(text: str) -> int | float | None:
    """Return the number ``text`` spells (int when it has no point or exponent), else ``None``.

    ``"1e2"`` is 100.0 (YAML 1.1 reads it as a string); ``"nan"``, ``"inf"``
    and anything that is not a plain decimal number give ``None``.
    """
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    return float(text)


@dataclass(frozen=True)
class Param:
    """One lesson parameter: its type, default and what values are allowed.

    ``optional=True`` lets the parameter also be ``None``; its notebook line
    keeps the plain type annotation (``age: int = None``).
    """

    name: str
    type: type
    default: Any
    help: str
    choices: Sequence[Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False

    def allowed(self) -> str:
        """Describe the allowed values in a few words."""
        return self._allowed() + (", or None" if self.optional else "")

    def _allowed(self) -> str:
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        tname = self.type.__name__
        tname = ("an " if tname[0] in "aeiou" else "a ") + tname
        if self.minimum is not None and self.maximum is not None:
            return f"{tname} from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"{tname} >= {self.minimum}"
        if self.maximum is not None:
            return f"{tname} <= {self.maximum}"
        return tname

    def check(self, value: Any) -> Any:
        """Return ``value`` if it is allowed, else raise :class:`ParameterError`.

        An ``optional`` parameter also accepts ``None`` (for example "take this
        value from elsewhere", as the case lesson's patient fields do).
        """
        if value is None and self.optional:
            return None
        if self.type is int and isinstance(value, float) and math.isfinite(value) \
                and value.is_integer():
            value = int(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise ParameterError(
                f"parameter {self.name!r} must be {self.allowed()}; got {value!r}"
                " (not a finite number)")
        ok_type = isinstance(value, self.type) and not (
            self.type in (int, float) and isinstance(value, bool)
        )
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok_type = float(value), True
        if not ok_type:
            raise ParameterError(
                f"parameter {self.name!r} must be {self.allowed()}; got {value!r}"
                f" ({type(value).__name__})"
            )
        if ((self.choices is not None and value not in self.choices)
                or (self.minimum is not None and value < self.minimum)
                or (self.maximum is not None and value > self.maximum)):
            raise ParameterError(f"parameter {self.name!r} must be {self.allowed()}; got {value!r}")
        return value


@dataclass(frozen=True)
class ParameterSpec:
    """The parameters of one lesson, plus an optional cross-parameter check."""

    lesson: str
    params: tuple[Param, ...]
    consistency: Callable[[dict[str, Any]], None] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The parameter names, in declaration order."""
        return tuple(p.name for p in self.params)

    def defaults(self) -> dict[str, Any]:
        """Return the default value of every parameter."""
        return {p.name: p.default for p in self.params}

    def validate(self, values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
        """Check ``values`` and return the full, typed parameter set.

        With ``partial=True`` missing names take their defaults (as in a
        papermill run that overrides only some of them).
        """
        by_name = {p.name: p for p in self.params}
        for name in values:
            if name not in by_name:
                close = difflib.get_close_matches(name, by_name, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParameterError(
                    f"unknown parameter {name!r} for lesson {self.lesson!r}{hint};"
                    f" allowed: {', '.join(by_name)}"
                )
        out = {}
        for p in self.params:
            if p.name in values:
                out[p.name] = p.check(values[p.name])
            elif partial:
                out[p.name] = p.default
            else:
                raise ParameterError(f"parameter {p.name!r} is missing; it must be {p.allowed()}")
        if self.consistency is not None:
            self.consistency(out)
        return out


#: The first line of the cell papermill injects after the ``parameters`` cell.
INJECTED_HEADER = "# Parameters"


def _assigned(source: str, *, annotated: bool) -> list[str] | None:
    """Return the names a cell assigns, if it holds only assignments to names, else ``None``.

    With ``annotated`` the assignments must be ``name: type = value``, else ``name = value``.
    """
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    kind = ast.AnnAssign if annotated else ast.Assign
    names = []
    for node in body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if not (isinstance(node, kind) and node.value is not None and len(targets) == 1
                and isinstance(targets[0], ast.Name)):
            return None
        names.append(targets[0].id)
    return names or None


def notebook_values(namespace: Mapping[str, Any], declared: Sequence[str]) -> dict[str, Any]:
    """Return the parameters a notebook kernel was given: the names its parameters cells assigned.

    ``namespace`` is the notebook's ``globals()``; ``declared`` the lesson's parameter names. Its
    ``In`` (IPython's list of the cell sources the kernel has run, in order) is read from the end
    for the last run of the ``parameters`` cell, the last input made only of
    ``name: type = value`` lines (the form every lesson's parameters cell has, which a test
    enforces), and for papermill's injected cell run after it (its first line is
    ``# Parameters``, then ``name = value`` lines). The names those cells assign, in order, are
    returned with their values in ``namespace``. Nothing else in the kernel counts, so a lesson
    may keep top-level variables of its own, and a name papermill injected that the lesson does
    not declare is still seen (and refused by :meth:`ParameterSpec.validate`).

    Why this design: scanning ``globals()`` caught every top-level variable of the lesson;
    taking only the declared names would let a misspelt injected name pass unnoticed; and the
    kernel cannot reliably find its notebook file (papermill writes to another one). The input
    history is IPython's own record of what ran, whatever ran since.

    When the history holds no parameters cell, the ``declared`` names found in ``namespace``
    are returned instead: nbval runs cells without storing them in ``In`` (and injects
    nothing), and after a kernel restart the declared names are then reported missing.
    """
    history = namespace.get("In")
    history = history if isinstance(history, list) else []
    start = next((i for i in range(len(history) - 1, -1, -1)
                  if _assigned(history[i], annotated=True)), None)
    if start is None:
        return {name: namespace[name] for name in declared if name in namespace}
    names = dict.fromkeys(_assigned(history[start], annotated=True))
    for source in history[start + 1:]:
        if source.lstrip().startswith(INJECTED_HEADER):
            names.update(dict.fromkeys(_assigned(source, annotated=False) or ()))
    return {name: namespace[name] for name in names if name in namespace}
