"""Each lesson's parameter spec, built from the catalog, and the check a notebook's kernel runs.

A lesson's parameters (names, types, defaults, allowed values) are declared in its entry of
:mod:`widgets.core.catalog`, and nowhere else. This module adds the few rules that check
parameters *together* and need a topic's model (:data:`CHECKS`), and gives
:func:`get_spec` to the lesson tooling and :func:`check_notebook_parameters` to the cell after
each notebook's ``parameters`` cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from widgets.core.catalog import lesson as catalog_entry
from widgets.core.params import ParameterError, ParameterSpec, notebook_values

__all__ = ["CHECKS", "check_notebook_parameters", "get_spec"]


def _measure_fits_outcome(values: dict) -> None:
    """Check the effect measure applies to the outcome (e.g. no odds ratio for blood loss)."""
    from widgets.evidence.studies import measure_for

    try:
        measure_for(values["outcome"], values["measure"])
    except ValueError as exc:
        raise ParameterError(f"parameter 'measure': {exc}") from None


def _case_is_consistent(values: dict) -> None:
    """Check the case lesson's parameters together (:func:`widgets.case.patients.check_parameters`)."""
    from widgets.case.patients import check_parameters

    check_parameters(values)


def _learner_is_a_safe_name(values: dict) -> None:
    """Check the learner id, which names a progress file (letters, digits, '_', '.', '-')."""
    from widgets.quiz.store import StoreError, check_learner

    try:
        check_learner(values["learner"])
    except StoreError as exc:
        raise ParameterError(f"parameter 'learner': {exc}") from None


#: Checks of a lesson's parameters taken together, by lesson (most lessons need none). Each
#: imports its model only when called, so validating a lesson's parameters stays cheap.
CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "05-evidence": _measure_fits_outcome,
    "07-case": _case_is_consistent,
    "90-review": _learner_is_a_safe_name,
}


def get_spec(lesson: str) -> ParameterSpec:
    """Return the parameter spec of ``lesson`` (its catalog entry's parameters and its check)."""
    try:
        entry = catalog_entry(lesson)
    except KeyError as exc:
        raise ParameterError(f"no parameters are declared for lesson {lesson!r}:"
                             f" {exc.args[0]}") from None
    return ParameterSpec(lesson=entry.stem, params=entry.params, consistency=CHECKS.get(entry.stem))


def check_notebook_parameters(lesson: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the parameters a lesson's kernel was given, as the cell after ``parameters`` does.

    ``namespace`` is the notebook's ``globals()``; only the names that the ``parameters`` cell and
    papermill's injected cell assigned are checked (:func:`widgets.core.params.notebook_values`
    says how they are found and why), so an injected name the lesson does not declare is refused
    with one line, and the lesson's other top-level variables are not looked at.
    """
    spec = get_spec(lesson)
    return spec.validate(notebook_values(namespace, spec.names))
