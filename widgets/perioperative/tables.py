"""The tables a student reads in lesson 06: each a :class:`pandas.DataFrame`, as the sources print it.

The findings, risks, recovery figures and learning curves come from the pure models
(:mod:`widgets.perioperative.comparisons`, :mod:`widgets.perioperative.selectors`,
:mod:`widgets.perioperative.recovery`) and the
tables in ``data/``; these functions only lay them out. :func:`anaesthesia_table` reads the
anaesthesia rows of ``technique_profiles`` (the table of the techniques lesson) with each
technique's name; :func:`operative_time_table` is the operative-time part of
:func:`benefits_drawbacks_table`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from widgets.core.data import load_table
from widgets.core.numbers import cell_text, optional_float
from widgets.perioperative.comparisons import Finding, ci_text, finding_rows, findings
from widgets.perioperative.recovery import arm_milestones, pooled_differences, recovery_rows
from widgets.perioperative.selectors import RISKS, one_row

__all__ = [
    "anaesthesia_table",
    "benefits_drawbacks_table",
    "comparison_sources",
    "gaps",
    "learning_curve_table",
    "operative_time_table",
    "recovery_advice_table",
    "recovery_sources",
    "recovery_table",
    "risk_table",
    "same_day_discharge",
]


def benefits_drawbacks_table(family: str | None = None, verdict: str | None = None,
                             group: str | None = None, not_better: bool = False):
    """Return the findings as a :class:`pandas.DataFrame`, optionally filtered.

    Parameters
    ----------
    family, verdict, group
        Keep only one procedure family (:data:`~widgets.perioperative.selectors.FAMILIES`),
        verdict (:data:`~widgets.perioperative.verdicts.VERDICTS`) or outcome group;
        ``None`` keeps all.
    not_better
        Keep only the findings where MISS is *not* better (no clear
        difference, worse, or a MISS-only cost).
    """
    import pandas as pd

    rows = finding_rows(family, verdict, group, not_better)
    columns = list(Finding("mixed", "", "", "", "", "", "", "", "", "", "").as_row())
    return pd.DataFrame(rows, columns=columns)


def _risk_printed(table: str, row: Mapping[str, Any]) -> str:
    unit = cell_text(row.get("unit"))
    arms = {}
    for arm in ("mis", "open"):
        value = optional_float(row.get(f"{arm}_value"))
        text = cell_text(row.get(f"{arm}_value_text"))
        if value is not None or text:
            arms[arm] = text or f"{value:g}"
    if len(arms) == 2:
        printed = f"MIS {arms['mis']} vs open {arms['open']}"
    else:
        printed = next(iter(arms.values()), "")
    if printed and unit:
        printed += f" ({unit})"
    extra = cell_text(row.get("effect")) or cell_text(row.get("pooled_difference_text"))
    estimate = optional_float(row.get("pooled_difference"))
    if table == "outcomes_mis_vs_open" and estimate is not None and not extra:
        extra = f"{estimate:g}"
    if extra:
        printed = f"{printed}; {extra}" if printed else extra
    printed += ci_text(optional_float(row.get("ci_low")), optional_float(row.get("ci_high")))
    return printed or "not printed"


def risk_table():
    """Return, for each risk the lesson names, what the tables hold (as printed) and from where.

    A risk with no row in the tables gets one row saying so; the lesson does
    not fill the gap with a number.
    """
    import pandas as pd

    rows = []
    for risk, refs in RISKS:
        if not refs:
            rows.append({"risk": risk, "procedure": "", "what the source reports": "no figure in this suite's"
                         " tables", "sample": "", "source": "", "confidence": ""})
            continue
        for table, where in refs:
            row = one_row(table, where)
            procedure = cell_text(row.get("procedure"))
            rows.append({
                "risk": risk,
                "procedure": procedure,
                "what the source reports": _risk_printed(table, row),
                "sample": next((cell_text(row.get(c)) for c in ("n", "n_patients", "n_studies")
                                if cell_text(row.get(c))), ""),
                "source": str(row["source_key"]),
                "confidence": cell_text(row.get("confidence_detail")) or str(row["confidence"]),
            })
    return pd.DataFrame(rows)


def _number_text(value: Any) -> str:
    """Write a number cell as printed ("12", "2.5"), or "" where it is empty."""
    number = optional_float(value)
    return "" if number is None else f"{number:g}"


def _early_late(early: str, late: str, unit: str) -> str:
    if early and late:
        text = f"{early} vs {late}"
    elif early or late:
        text = f"early: {early}" if early else f"late: {late}"
    else:
        return ""
    return f"{text} ({unit})" if unit else text


def learning_curve_table():
    """Return the learning-curve figures (cases to a plateau, early vs late values) as printed.

    Rows that describe a trial's design or give context rather than a learning
    curve (their procedure ends in "(trial design)" or "(context)") are left out.
    """
    import pandas as pd

    table = load_table("learning_curve")
    rows = []
    for r in table.to_dict("records"):
        if str(r["procedure"]).endswith(("(trial design)", "(context)")):
            continue
        plateau = _number_text(r["cases_to_plateau"]) or cell_text(r["cases_to_plateau_text"])
        early = cell_text(r["early_value_text"]) or _number_text(r["early_value"])
        late = cell_text(r["late_value_text"]) or _number_text(r["late_value"])
        if not (plateau or early or late):
            continue
        unit = cell_text(r["unit"])
        rows.append({
            "procedure": r["procedure"],
            "what was tracked": r["metric"],
            "cases to plateau": plateau or "not printed",
            "early vs late": _early_late(early, late, unit),
            "design": r["design"],
            "source": r["source_key"],
            "confidence": cell_text(r["confidence_detail"]) or r["confidence"],
        })
    return pd.DataFrame(rows)


def comparison_sources() -> list[str]:
    """Return every source key the findings, risks and learning-curve tables use."""
    keys = [f.source_key for f in findings()]
    keys += [k for k in risk_table()["source"] if k]
    keys += list(learning_curve_table()["source"])
    return list(dict.fromkeys(keys))


def recovery_table(milestone: str | None = None, include_single_arm: bool = True):
    """Return every timeline figure (arm values and differences) as one table, as printed."""
    import pandas as pd

    return pd.DataFrame(recovery_rows(milestone, include_single_arm))


def anaesthesia_table():
    """Return, for each technique the tables describe, the anaesthesia its source reports."""
    import pandas as pd

    table = load_table("technique_profiles")
    names = {r["technique"]: r["value_text"] for r in table[table["attribute"] == "name"].to_dict("records")}
    rows = [
        {
            "technique": names.get(r["technique"], r["technique"]),
            "anaesthesia (as the source reports it)": r["value_text"],
            "source": r["source_key"],
            "confidence": f"{r['confidence']} ({r['notes']})" if r["notes"] else r["confidence"],
        }
        for r in table[table["attribute"] == "anaesthesia"].to_dict("records")
    ]
    return pd.DataFrame(rows)


def operative_time_table():
    """Return the operative-time findings, MISS vs open, with their verdicts and evidence."""
    return benefits_drawbacks_table(group="operative time")


def same_day_discharge():
    """Return the figures on going home the day of surgery, as printed.

    Shares of patients discharged the same day, and one ambulatory centre's
    mean stay in hours and minutes (kept as printed: a stay in days counts
    nights in hospital, so hours are not turned into days).
    """
    import pandas as pd

    rows = []
    for key in ("Eckman2014CORR", "Soffin2020HSSJ", "SmithISASS2013"):
        row = one_row("recovery_milestones", {"source_key": key})
        rows.append({
            "procedure": row["procedure"],
            "setting": row["setting"],
            "figure": row["milestone"],
            "as printed": f"{row['mis_value_text']} ({row['unit']})",
            "sample": row["n"],
            "caveats (from the source row)": cell_text(row["notes"]),
            "source": key,
            "confidence": cell_text(row["confidence_detail"]) or row["confidence"],
        })
    return pd.DataFrame(rows)


def gaps():
    """Return the milestones the tables describe only in words, and why there is no number."""
    import pandas as pd

    picks = (
        ("return to work", {"source_key": "Sharma2022AsianSpineJ", "milestone": "return to work"}),
        ("return to work", {"source_key": "Wang2017BMCHealthServRes"}),
        ("stay and getting up (full-endoscopic discectomy)", {"source_key": "Gadjradj2022BMJ"}),
        ("early vs late outcomes", {"source_key": "Zhao2019ExpTherMed"}),
    )
    rows = []
    for what, where in picks:
        row = one_row("recovery_milestones", where)
        rows.append({
            "milestone": what,
            "procedure": row["procedure"],
            "what the source says": (cell_text(row["mis_value_text"])
                                     or "no number in the abstract that was read"),
            "number in the tables": "none",
            "source": row["source_key"],
            "confidence": cell_text(row["confidence_detail"]) or row["confidence"],
        })
    return pd.DataFrame(rows)


def recovery_sources() -> list[str]:
    """Return every source key the recovery figures use."""
    keys = [a.source_key for a in arm_milestones()] + [d.source_key for d in pooled_differences()]
    keys += list(same_day_discharge()["source"]) + list(gaps()["source"])
    return list(dict.fromkeys(keys))


def recovery_advice_table():
    """Return the evidence behind advice after lumbar surgery (activity limits, work, physiotherapy).

    From ``data/tables/recovery_guidance.csv``. Much of the usual advice (how to sit, when to
    drive, the follow-up schedule) rests on practice rather than trials and has no row.
    """
    import pandas as pd

    from widgets.core.data import load_table

    rows = []
    for r in load_table("recovery_guidance").to_dict("records"):
        rows.append({"advice about": r["topic"], "finding": r["finding"], "value": r["value"],
                     "unit": r["unit"], "design": r["design"], "source": r["source_key"],
                     "confidence": r["confidence"]})
    return pd.DataFrame(rows)
