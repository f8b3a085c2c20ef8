"""The model functions a question bank may call, by name: one flat table.

A bank computes a number with a model of the lessons by naming a function of
this table, never a module path::

    {from: function, function: corridor.tube_diameters, index: 1, attribute: value}

To let a bank use another function, add one line to ``_TABLE`` (and a loader
for its module if there is none); to move a function to another module, change
its line (and the loader). Names are ``<model>.<function>`` in lower case, as
the bank schema's ``function`` pattern requires. ``tests/test_quiz_items.py``
checks that every name a bank uses is here and that every function here is used
by a bank or shown in an example of this module's or :mod:`widgets.quiz.keys`'s
docstring.

A model's module is imported the first time a bank calls one of its
functions, not when the quiz is imported: each lesson's bank calls only models
its lesson has already imported, and importing every module of the table would
add about 0.2 s to lesson 00's quiz cell (``items_for_lesson("00-start-here")``
after lesson 00's imports: 0.19-0.28 s with the models loaded as needed,
0.41-0.67 s with all of them; five runs each on the 2-core reference machine).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

__all__ = ["UnknownFunction", "lookup", "names"]


class UnknownFunction(LookupError):
    """A bank names a function that is not in the table."""


# The modules, each imported on first use (see the module docstring).


def _comparator():
    from widgets.access import comparator

    return comparator


def _conditions():
    from widgets.conditions import model

    return model


def _corridor():
    from widgets.access import corridor

    return corridor


def _evidence():
    from widgets.evidence import analysis

    return analysis


def _learning_curve():
    from widgets.evidence import learning_curve

    return learning_curve


def _navigation():
    from widgets.imaging import navigation

    return navigation


def _recovery():
    from widgets.perioperative import recovery

    return recovery


def _screws():
    from widgets.imaging import screws

    return screws


def _units():
    from widgets.quiz import units

    return units


#: name in the banks -> the function (one line each; the module loads on first use)
_TABLE: dict[str, Callable[[], Callable[..., Any]]] = {
    "comparator.compare": lambda: _comparator().compare,
    "comparator.tube_options": lambda: _comparator().tube_options,
    "conditions.cobb_result": lambda: _conditions().cobb_result,
    "conditions.grade_slip": lambda: _conditions().grade_slip,
    "corridor.incision_difference": lambda: _corridor().incision_difference,
    "corridor.open_wound": lambda: _corridor().open_wound,
    "corridor.tube_diameters": lambda: _corridor().tube_diameters,
    "corridor.tubular_corridor": lambda: _corridor().tubular_corridor,
    "evidence.pooled_value": lambda: _evidence().pooled_value,
    "evidence.weight_share": lambda: _evidence().weight_share,
    "learning_curve.constructed_change_point": lambda: _learning_curve().constructed_change_point,
    "learning_curve.published_curve": lambda: _learning_curve().published_curve,
    "learning_curve.spread_value": lambda: _learning_curve().spread_value,
    "navigation.tip_error": lambda: _navigation().tip_error,
    "recovery.arm_milestones": lambda: _recovery().arm_milestones,
    "screws.choose_diameter": lambda: _screws().choose_diameter,
    "screws.deformation_ceiling": lambda: _screws().deformation_ceiling,
    "screws.deformation_rule": lambda: _screws().deformation_rule,
    "screws.preset": lambda: _screws().preset,
    "units.convert": lambda: _units().convert,
}


def names() -> list[str]:
    """Return every name a bank may use, sorted."""
    return sorted(_TABLE)


def lookup(name: str) -> Callable[..., Any]:
    """Return the function registered as ``name``.

    Raises
    ------
    UnknownFunction
        In one line, with the registered names closest to ``name``.
    """
    if isinstance(name, str) and name in _TABLE:
        return _TABLE[name]()
    close = difflib.get_close_matches(str(name), _TABLE, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "see widgets.quiz.functions for the names"
    raise UnknownFunction(f"no function named {name!r} in widgets.quiz.functions; {hint}")
