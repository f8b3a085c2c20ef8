"""The rules that judge a case: the next step for the patient, and how directly evidence applies.

:func:`decide` and :func:`applicability` are small, pure and tested; they are
the lesson's teaching rules, not clinical guidance.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.case.conditions import conditions
from widgets.case.evidence import TrialCriteria, select_row, trial_criteria
from widgets.case.patients import Patient

__all__ = ["Applicability", "Decision", "applicability", "decide"]


@dataclass(frozen=True)
class Decision:
    """The lesson's rule for the next step: ``conservative``, ``elective`` or ``urgent``, and why.

    ``reason`` is ``urgent-condition``, ``not-tried``, ``too-early``,
    ``criteria-met`` or ``tried`` (elective without a duration criterion).
    """

    step: str
    reason: str
    criteria: tuple[TrialCriteria, ...] = ()
    sources: tuple[str, ...] = ()


def decide(patient: Patient) -> Decision:
    """Apply the lesson's selection rule to a patient.

    1. An urgent condition (cauda equina syndrome, an unstable metastasis):
       ``urgent``.
    2. A condition treated conservatively first, when conservative care has not
       been tried: ``conservative``.
    3. When the condition's trials set a minimum symptom duration and the
       patient meets none of them: ``conservative`` (too early); when the
       patient meets at least one: ``elective``.
    4. Otherwise ``elective``.
    """
    cond = conditions()[patient.diagnosis]
    crits = tuple(trial_criteria(k) for k in cond.threshold_trials)
    sources = tuple(dict.fromkeys((*cond.threshold_trials, *cond.decision_sources)))
    if cond.timing == "urgent":
        return Decision("urgent", "urgent-condition", crits, sources)
    if cond.conservative_first and not patient.conservative_care:
        return Decision("conservative", "not-tried", crits, sources)
    bounds = [c for c in crits if c.is_lower_bound()]
    if bounds:
        if any(c.duration_ok(patient.duration_weeks) for c in bounds):
            return Decision("elective", "criteria-met", crits, sources)
        return Decision("conservative", "too-early", crits, sources)
    return Decision("elective", "tried", crits, sources)


@dataclass(frozen=True)
class Applicability:
    """How directly a cited comparison applies to the patient, and why."""

    verdict: str  # direct, condition, age, duration
    source_key: str
    label: str
    population: str
    confidence: str
    criteria: TrialCriteria | None = None


def applicability(patient: Patient) -> Applicability:
    """Judge how directly the condition's applicability source applies to this patient.

    In order: a source that studied another condition (``condition``); a
    patient outside its age range (``age``); symptoms outside its duration
    criterion (``duration``); otherwise ``direct``.
    """
    cond = conditions()[patient.diagnosis]
    spec = cond.applicability
    if "trial" in spec:
        crit = trial_criteria(spec["trial"])
        base = dict(source_key=crit.source_key, label=crit.label, population=crit.population,
                    confidence=crit.confidence, criteria=crit)
    else:
        row = select_row("outcomes_mis_vs_open", spec["meta"], f"condition {cond.name!r} applicability")
        base = dict(source_key=str(row["source_key"]), label=str(row["source_label"]),
                    population=str(row["procedure"]), confidence=str(row["confidence"]), criteria=None)
    crit = base["criteria"]
    if not spec.get("same_condition", True):
        verdict = "condition"
    elif crit is not None and crit.age_ok(patient.age) is False:
        verdict = "age"
    elif crit is not None and crit.duration_ok(patient.duration_weeks) is False:
        verdict = "duration"
    else:
        verdict = "direct"
    return Applicability(verdict=verdict, **base)
