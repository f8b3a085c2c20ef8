"""The tables the case lesson shows (display frames, one per section of the lesson).

Each takes a :class:`~widgets.case.model.CaseRun` and returns a
:class:`pandas.DataFrame`; the view shows it in full. Only the solution
version of :func:`evidence_table` carries the verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence

from widgets.case.conditions import Condition
from widgets.case.evidence import Evidence
from widgets.case.model import CaseRun
from widgets.case.patients import CUSTOM, PATIENT_FIELDS
from widgets.case.quiz import quiz_items
from widgets.case.rules import applicability

__all__ = [
    "applicability_table",
    "comparisons_table",
    "evidence_table",
    "factor_table",
    "patient_table",
    "sources",
]


def patient_table(run: CaseRun):
    """Return the patient fields as a table, marking those a parameter changed."""
    import pandas as pd

    p = run.case.patient
    labels = {
        "age": ("age", f"{p.age} years"),
        "sex": ("sex", p.sex),
        "bmi": ("body mass index", f"{p.bmi:g} kg/m²"),
        "diagnosis": ("diagnosis", p.diagnosis),
        "level": ("level", p.level),
        "duration_weeks": ("duration of symptoms", f"{p.duration_weeks} weeks"),
        "conservative_care": ("conservative care tried", "yes" if p.conservative_care else "no"),
        "bone_quality": ("bone quality", p.bone_quality),
        "comorbidities": ("comorbidities", ", ".join(p.comorbidities) or "none"),
        "prior_surgery": ("previous surgery at this level", "yes" if p.prior_surgery else "no"),
    }
    rows = []
    for name in PATIENT_FIELDS:
        label, shown = labels[name]
        if name in run.case.overrides:
            old = run.case.overrides[name]
            old = ", ".join(old) if isinstance(old, list | tuple) else old
            note = f"set for this run (the case has {old if old != '' else 'none'})"
        elif run.case.id == CUSTOM:
            note = "set for this run (custom case)"
        else:
            note = "as in the case"
        rows.append({"field": label, "value": shown, "where it comes from": note})
    return pd.DataFrame(rows).set_index("field")


def evidence_table(run: CaseRun):
    """Return the run's cited comparisons as a table; the verdict columns only in solution mode."""
    return comparisons_table(run.evidence(), run.condition, solution=run.solution)


def _label(confidence: str) -> str:
    return ("secondary source: check the primary paper" if confidence == "secondary-source"
            else "read in the source")


def comparisons_table(rows: Sequence[Evidence], cond: Condition, solution: bool = False):
    """Return the cited comparisons as a :class:`pandas.DataFrame`.

    The student version shows the arms, the effect with its CI, which
    direction is better for the patient and the smallest difference that
    matters; the verdict (the evidence map's rule: an important difference, no
    important difference or inconclusive), why, and the certainty are the
    student's to work out and appear only in the solution version.
    """
    import pandas as pd

    if not rows:
        return pd.DataFrame([{
            "outcome": "none",
            "comparison": (f"No comparison of {cond.procedure} is in this suite's data"
                           + (f" ({cond.indirect_reason})" if cond.indirect_reason else "") + "."),
        }]).set_index("outcome")
    out = []
    for r in rows:
        rec = {
            "outcome": r.outcome,
            "comparison": r.comparison + (" [indirect]" if cond.indirect else ""),
            "MISS arm": r.mis_text or "not reported",
            "comparator arm": r.comparator_text or "not reported",
            "effect (95% CI)": r.effect_text,
            "unit": r.unit,
            "better for the patient": r.better,
            "smallest difference that matters": r.threshold or "none cited",
            "source": r.source_key,
            "evidence label": _label(r.confidence),
        }
        if solution:
            rec["verdict (solution)"] = r.verdict
            rec["why (solution)"] = r.basis
            rec["certainty (solution)"] = (f"{r.certainty}: {r.certainty_basis}" if r.certainty
                                           else "not graded")
        out.append(rec)
    return pd.DataFrame(out).set_index("outcome")


def factor_table(run: CaseRun):
    """Return the rows brought in by the patient's own features (or a one-line note)."""
    import pandas as pd

    rows = run.factors()
    if not rows:
        return pd.DataFrame([{"patient feature": "none",
                              "what the cited source reports": "No feature of this patient brings in"
                              " a further cited row in this suite's data.",
                              "source": "", "evidence label": ""}]).set_index("patient feature")
    return pd.DataFrame([{
        "patient feature": r.outcome,
        "what the cited source reports": r.mis_text,
        "source": r.source_key,
        "evidence label": _label(r.confidence),
    } for r in rows]).set_index("patient feature")


def applicability_table(run: CaseRun):
    """Return how the patient compares with the studied populations (no verdicts)."""
    import pandas as pd

    p = run.case.patient
    rows = []
    for crit in run.criteria():
        rows.append({
            "study": crit.label,
            "population studied": crit.population,
            "its age range": crit.age_text() or "not stated",
            "its symptom duration": crit.duration_text() or "not stated",
            "this patient": f"{p.age} years; {p.duration_weeks} weeks of symptoms",
            "source": crit.source_key,
            "evidence label": _label(crit.confidence),
        })
    if not rows:
        rows.append({"study": "none", "population studied": "No trial population is cited for"
                     " this condition in this suite's data.", "its age range": "",
                     "its symptom duration": "", "this patient": "", "source": "",
                     "evidence label": ""})
    return pd.DataFrame(rows).set_index("study")


def sources(run: CaseRun) -> list[str]:
    """Every source key this run cites, sorted (for the References table)."""
    keys = {r.source_key for r in run.evidence()} | {r.source_key for r in run.factors()}
    keys |= {c.source_key for c in run.criteria()}
    app = applicability(run.case.patient)
    keys.add(app.source_key)
    for item in quiz_items(run):
        keys |= set(item.sources)
    return sorted(keys)
