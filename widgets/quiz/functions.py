"""The model functions a question bank may call, by name: one flat table.

A bank computes a number with a model of the lessons by naming a function of
this table, never a module path::

    {from: function, function: corridor.tube_diameters, index: 1, attribute: value}

To let a bank use another function, add one line to the table in
:func:`_table` (and its module's import above it); to move a function to
another module, change its import. Names are ``<model>.<function>`` in lower
case, as the bank schema's ``function`` pattern requires.
``tests/test_quiz_items.py`` checks that every name a bank uses is here and that
every function here is used by a bank or shown in an example of this module's
or :mod:`widgets.quiz.keys`'s docstring.

The table is built when a bank first calls a function, not when the quiz is
imported, so a lesson or tool that reads only table values never loads the
models of every topic. It is built whole: loading each model only when called
would save lesson 00's quiz cell 0.04-0.06 s of CPU (0.11-0.13 s against
0.15-0.17 s for ``items_for_lesson("00-start-here")`` after the lesson's own
imports, four runs each on the 2-core reference machine), not worth a second
level of indirection in a table people edit by hand.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from typing import Any

__all__ = ["UnknownFunction", "lookup", "names"]


class UnknownFunction(LookupError):
    """A bank names a function that is not in the table."""


@functools.cache
def _table() -> dict[str, Callable[..., Any]]:
    from widgets.access import comparator, corridor
    from widgets.conditions import curve, slip
    from widgets.evidence import analysis as evidence
    from widgets.evidence import learning_curve
    from widgets.imaging import navigation, screws
    from widgets.interbody import chooser as interbody
    from widgets.perioperative import recovery
    from widgets.quiz import units

    return {
        "comparator.compare": comparator.compare,
        "comparator.tube_options": comparator.tube_options,
        "conditions.cobb_result": curve.cobb_result,
        "conditions.grade_slip": slip.grade_slip,
        "corridor.incision_difference": corridor.incision_difference,
        "corridor.open_wound": corridor.open_wound,
        "corridor.tube_diameters": corridor.tube_diameters,
        "corridor.tubular_corridor": corridor.tubular_corridor,
        "evidence.pooled_value": evidence.pooled_value,
        "evidence.weight_share": evidence.weight_share,
        "interbody.corridor_number": interbody.corridor_number,
        "learning_curve.constructed_change_point": learning_curve.constructed_change_point,
        "learning_curve.published_curve": learning_curve.published_curve,
        "learning_curve.spread_value": learning_curve.spread_value,
        "navigation.tip_error": navigation.tip_error,
        "recovery.arm_milestones": recovery.arm_milestones,
        "screws.choose_diameter": screws.choose_diameter,
        "screws.deformation_ceiling": screws.deformation_ceiling,
        "screws.deformation_rule": screws.deformation_rule,
        "screws.preset": screws.preset,
        "units.convert": units.convert,
    }


def names() -> list[str]:
    """Return every name a bank may use, sorted."""
    return sorted(_table())


def lookup(name: str) -> Callable[..., Any]:
    """Return the function registered as ``name``.

    Raises
    ------
    UnknownFunction
        In one line, with the registered names closest to ``name``.
    """
    table = _table()
    if isinstance(name, str) and name in table:
        return table[name]
    close = difflib.get_close_matches(str(name), table, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "see widgets.quiz.functions for the names"
    raise UnknownFunction(f"no function named {name!r} in widgets.quiz.functions; {hint}")
