"""One run of the case lesson (``notebooks/07-case.ipynb``): the case as run and the lesson settings.

:func:`case_run` validates the lesson's parameters and returns a
:class:`CaseRun`: the named (or custom) case with any parameter overrides
applied, and the difficulty, seed, mode and learner. The run answers the
questions the lesson asks of the case: the cited evidence
(:mod:`widgets.case.evidence`), the next step and the approaches the solution
accepts (:mod:`widgets.case.rules`). Its tables are in
:mod:`widgets.case.tables`, its quiz in :mod:`widgets.case.quiz`.

Modes: ``"student"`` shows no answer, key or tutor explanation;
``"solution"`` shows them. :func:`widgets.case.quiz.answer_key_strings` lists
every string that only a solution may contain, so tests can search built
notebooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from widgets.case.conditions import Condition, conditions
from widgets.case.evidence import Evidence, TrialCriteria, evidence, patient_factors, trial_criteria
from widgets.case.patients import (
    CUSTOM,
    LESSON,
    PATIENT_FIELDS,
    Case,
    Patient,
    check_parameters,
    load_case,
)
from widgets.case.rules import Decision, decide

__all__ = ["CaseRun", "case_run"]


@dataclass(frozen=True)
class CaseRun:
    """One run of the case lesson: the case (with overrides applied) and the lesson settings."""

    case: Case
    difficulty: str = "medium"
    seed: int = 0
    mode: str = "student"
    learner: str = "student"

    @classmethod
    def from_parameters(cls, values: Mapping[str, Any]) -> CaseRun:
        """Build a run from a *validated* parameter set (see :func:`case_run`)."""
        patient_values = {name: values.get(name) for name in PATIENT_FIELDS}
        if values["case"] == CUSTOM:
            merged = dict(patient_values)
            patient = Patient(**{**merged, "bmi": float(merged["bmi"]),
                                 "comorbidities": tuple(merged["comorbidities"])})
            cond = conditions()[patient.diagnosis]
            case = Case(
                id=CUSTOM,
                title=f"A custom case: {patient.diagnosis} at {patient.level}",
                patient=patient,
                complaint="Built from the parameters; no narrative is written for a custom case.",
                history=cond.summary,
                examination="Not described: the instructor set the patient fields only.",
                imaging=f"The parameters place the {patient.diagnosis} at {patient.level}.",
                tutor_approaches=tuple(a.id for a in cond.approaches if a.role != "conservative"
                                       and (a.role == "urgent") == (cond.timing == "urgent")),
                tutor_notes=("A custom case has no tutor notes of its own; the keys below follow the"
                             " lesson's rules for the condition."),
            )
        else:
            case = load_case(values["case"])
            base = case.patient.as_dict()
            overrides = {name: base[name] for name, v in patient_values.items()
                         if v is not None and v != base[name]}
            if overrides:
                merged = {name: (base[name] if patient_values[name] is None else patient_values[name])
                          for name in PATIENT_FIELDS}
                patient = Patient(**{**merged, "bmi": float(merged["bmi"]),
                                     "comorbidities": tuple(merged["comorbidities"])})
                case = replace(case, patient=patient, overrides=overrides)
        return cls(case=case, difficulty=values.get("difficulty", "medium"),
                   seed=int(values.get("seed", 0)), mode=values.get("mode", "student"),
                   learner=values.get("learner", "student"))

    @property
    def solution(self) -> bool:
        """Whether this run shows answers (mode ``"solution"``)."""
        return self.mode == "solution"

    @property
    def condition(self) -> Condition:
        """The patient's condition."""
        return self.case.condition

    def evidence(self) -> list[Evidence]:
        """Return the cited comparisons for the patient's condition (see :func:`evidence`)."""
        return evidence(self.condition)

    def factors(self) -> list[Evidence]:
        """Return the cited rows this patient's own features bring in (:func:`patient_factors`)."""
        return patient_factors(self.case.patient)

    def criteria(self) -> list[TrialCriteria]:
        """Return the entry criteria of the trials this run cites (threshold and applicability)."""
        keys = list(self.condition.threshold_trials)
        trial = self.condition.applicability.get("trial")
        if trial and trial not in keys:
            keys.append(trial)
        return [trial_criteria(k) for k in keys]

    def decision(self) -> Decision:
        """Return the lesson's rule for the next step (see :func:`decide`)."""
        return decide(self.case.patient)

    def acceptable_approaches(self) -> tuple[str, ...]:
        """Return the approach ids the solution accepts for this run.

        The tutor's list for the case as written, unless the lesson's rule
        (:func:`decide`) says otherwise for the fields as run: then the
        conservative approaches (conservative step) or the urgent ones.
        """
        cond = self.condition
        step = self.decision().step
        if step == "conservative":
            return tuple(a.id for a in cond.approaches if a.role == "conservative")
        if step == "urgent":
            urgent = tuple(a for a in self.case.tutor_approaches if cond.approach(a).role == "urgent")
            return urgent or tuple(a.id for a in cond.approaches if a.role == "urgent")
        chosen = tuple(a for a in self.case.tutor_approaches if cond.approach(a).role != "urgent")
        return chosen or tuple(a.id for a in cond.approaches if a.role == "surgical")


def case_run(namespace: Mapping[str, Any]) -> CaseRun:
    """Validate the lesson's parameters held in ``namespace`` and return the run.

    ``namespace`` is the notebook's ``globals()`` (whose parameters cells
    :func:`~widgets.core.params.notebook_values` reads) or a dict of
    parameters, where missing ones take their defaults.
    """
    from widgets.core.catalog import lesson
    from widgets.core.params import ParameterSpec, notebook_values

    spec = ParameterSpec(LESSON, lesson(LESSON).params, consistency=check_parameters)
    if "__name__" in namespace or "get_ipython" in namespace:
        values = spec.validate(notebook_values(namespace, spec.names))
    else:
        values = spec.validate(dict(namespace), partial=True)
    return CaseRun.from_parameters(values)
