"""Where MISS is better, no different or worse than open surgery, from the evidence tables.

The rows the lesson reads (:data:`widgets.perioperative.selectors.SELECTORS`) of
``outcomes_mis_vs_open``, ``complications_durotomy_conversion``,
``recovery_milestones`` and ``learning_curve`` are turned into one table of
findings. Each finding's verdict is computed from its row by the rule of
lesson 05's evidence map, never typed:

1. **importance** (:func:`widgets.perioperative.verdicts.classify`): the row's
   95% confidence interval of MIS minus open is set against the smallest
   difference that matters for the outcome (a cited MCID of
   ``data/tables/mcid.csv``, or a labelled assumption of
   ``data/assumptions.yaml``; a ratio is first turned into an absolute
   difference per 100 patients from the open arm's risk). Entirely beyond it:
   *MISS better* or *MISS worse*; entirely within plus or minus it: *no
   important difference*; otherwise, or with no interval printed: *inconclusive*
   (the significance the source reports is given in the reason);
2. **certainty**, GRADE-like (:mod:`widgets.evidence.certainty`): randomised
   designs start high, observational low; lowered for unblinded trials of
   patient-rated outcomes, conference abstracts, and imprecision;
3. a figure with no open comparator (a learning curve) is a *MISS-only cost*.

The direction that favours MISS (lower blood loss, higher fusion rate) and the
threshold are the judgements each selector carries.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from widgets.core.data import DataError, data_dir
from widgets.core.numbers import cell_text, optional_float
from widgets.evidence.certainty import Threshold, assumed_threshold, certainty, mcid_threshold
from widgets.perioperative.selectors import FAMILIES, FAMILY_LABELS, SELECTORS, Selector, one_row
from widgets.perioperative.verdicts import VERDICTS, classify

__all__ = [
    "Finding",
    "ci_text",
    "finding_rows",
    "findings",
    "verdict_counts",
]

_RATIOS = ("risk ratio", "odds ratio", "ratio")
_TEXT_COLUMNS = {
    "outcomes_mis_vs_open": ("pooled_difference_text", "mis_value_text", "notes"),
    "complications_durotomy_conversion": ("effect", "mis_value_text", "notes"),
    "recovery_milestones": ("mis_value_text", "notes"),
    "learning_curve": ("cases_to_plateau_text", "early_value_text", "notes"),
}


@dataclass(frozen=True)
class Finding:
    """One row of the benefits/drawbacks table."""

    family: str
    group: str
    outcome: str
    printed: str
    verdict: str
    basis: str
    design: str
    studies: str
    patients: str
    source_key: str
    confidence: str
    detail: str = field(default="", compare=False)
    certainty: str = field(default="", compare=False)

    def as_row(self) -> dict[str, str]:
        """Return the finding as a table row (strings as students read them)."""
        flag = self.detail or self.confidence
        if self.confidence == "secondary-source" and "secondary" not in flag:
            flag = f"secondary-source ({flag})"
        return {
            "procedure": FAMILY_LABELS[self.family],
            "outcome": self.outcome,
            "MISS vs open, as printed": self.printed,
            "verdict": self.verdict,
            "why": self.basis,
            "certainty": self.certainty,
            "evidence": "; ".join(p for p in (self.design, self.studies, self.patients) if p),
            "source": self.source_key,
            "confidence": flag,
        }


_RANDOMISED = re.compile(r"\bRCTs?\b|randomi[sz]ed", re.IGNORECASE)


def _threshold(spec: tuple | None) -> Threshold | None:
    if spec is None:
        return None
    if spec[0] == "MCID":
        _, instrument, scale = spec
        return mcid_threshold(instrument, scale=scale, unit=None if scale == 1.0 else "points (0-10)")
    return assumed_threshold(spec[1])


def _certainty(sel: Selector, verdict: str, patients: int | None) -> str:
    """Return the finding's certainty and its reasons (GRADE-like, see :mod:`widgets.evidence.certainty`)."""
    if verdict == "MISS-only cost":
        return ""
    randomised = bool(_RANDOMISED.search(sel.design)) and "labelled" not in sel.design
    concerns = []
    if sel.patient_reported and randomised and not sel.blinded:
        concerns.append("risk of bias: patients knew their operation and rated the outcome")
    if "conference" in sel.design:
        concerns.append("risk of bias: a conference abstract")
    minimum = assumed_threshold("imprecision_min_patients").value
    if verdict == "inconclusive" and sel.threshold is not None:
        concerns.append("imprecision: importance not settled")
    elif patients is not None and patients < minimum:
        concerns.append(f"imprecision: fewer than {minimum:g} patients")
    level, why = certainty(randomised=randomised, concerns=concerns)
    return f"{level} ({why})"


_INT = re.compile(r"\d+")



def _row_text(table: str, row: Mapping[str, Any]) -> str:
    return " ; ".join(cell_text(row.get(c)) for c in _TEXT_COLUMNS[table] if cell_text(row.get(c)))


def ci_text(low: float | None, high: float | None) -> str:
    """Return " (95% CI low to high)" as a source prints an interval, or "" when either end is missing."""
    return f" (95% CI {low:g} to {high:g})" if low is not None and high is not None else ""


def _printed(table: str, row: Mapping[str, Any], ci: tuple[float, float] | None) -> str:
    lo, hi = ci if ci else (None, None)
    unit = cell_text(row.get("unit"))
    if table == "learning_curve":
        parts = [cell_text(row.get("cases_to_plateau_text")) or cell_text(row.get("early_value_text"))]
        return f"{parts[0]} ({cell_text(row.get('metric'))})"
    if table == "recovery_milestones":
        return cell_text(row.get("mis_value_text")) or "not printed"
    estimate = optional_float(row.get("pooled_difference"))
    label = cell_text(row.get("pooled_difference_text"))
    measure = cell_text(row.get("effect_measure"))
    if estimate is not None:
        if label:
            return f"{label}{ci_text(lo, hi)}"
        if measure in _RATIOS:
            return f"ratio MIS vs open {estimate:g}{ci_text(lo, hi)}"
        return f"MIS minus open {estimate:g} {unit}{ci_text(lo, hi)}"
    mis, open_ = optional_float(row.get("mis_value")), optional_float(row.get("open_value"))
    if mis is not None and open_ is not None:
        effect = cell_text(row.get("effect")) or label
        printed = f"{mis:g} vs {open_:g} {unit}" + (f"; {effect}" if effect else "")
        if unit == "%":
            printed += f"; difference {mis - open_:+.2f} per 100 patients"
        return printed
    if label and ci:
        return f"{label}{ci_text(lo, hi)}"
    if ci:
        return f"MIS minus open: 95% CI {lo:g} to {hi:g} {unit} (no point estimate printed)"
    return label or cell_text(row.get("mis_value_text")) or "not printed"


def _evidence_counts(table: str, row: Mapping[str, Any]) -> tuple[str, str]:
    if table == "outcomes_mis_vs_open":
        studies, patients = cell_text(row.get("n_studies")), cell_text(row.get("n_patients"))
        return (f"studies: {studies}" if studies else "", f"patients: {patients}" if patients else "")
    if table == "learning_curve":
        cases = optional_float(row.get("n_cases"))
        n = cell_text(row.get("n_cases_text")) or ("" if cases is None else f"{cases:g}")
        return cell_text(row.get("design")), f"cases: {n}" if n else ""
    n = cell_text(row.get("n"))
    return "", f"sample: {n}" if n else ""


def _finding(sel: Selector) -> Finding:
    if sel.family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}; got {sel.family!r}")
    row = one_row(sel.table, sel.where)
    text = _row_text(sel.table, row)
    if sel.phrase is not None:
        if sel.phrase.lower() not in text.lower():
            raise DataError(f"data/tables/{sel.table}.csv: {sel.phrase!r} is not in the row of"
                            f" {sel.outcome!r}")
        text = sel.phrase
    low, high = optional_float(row.get("ci_low")), optional_float(row.get("ci_high"))
    ci = (low, high) if low is not None and high is not None else None
    measure = cell_text(row.get("effect_measure"))
    mis, open_ = optional_float(row.get("mis_value")), optional_float(row.get("open_value"))
    verdict, why = classify(
        sel.mis_better_when,
        estimate=optional_float(row.get("pooled_difference")),
        ci=ci,
        null=1.0 if measure in _RATIOS else 0.0,
        arms=(mis, open_) if mis is not None and open_ is not None else None,
        text=text,
        stated=sel.stated,
        threshold=_threshold(sel.threshold),
        measure={"risk ratio": "RR", "odds ratio": "OR"}.get(measure, ""),
    )
    studies, patients = _evidence_counts(sel.table, row)
    count = _INT.search(patients.split(":", 1)[-1]) if patients else None
    return Finding(sel.family, sel.group, sel.outcome, _printed(sel.table, row, ci), verdict, why,
                   sel.design, studies, patients, str(row["source_key"]), str(row["confidence"]),
                   cell_text(row.get("confidence_detail")),
                   _certainty(sel, verdict, int(count.group(0)) if count else None))


@functools.cache
def _lesson_findings(directory: str) -> tuple[Finding, ...]:
    return tuple(_finding(s) for s in SELECTORS)


def findings(selectors: tuple[Selector, ...] = SELECTORS) -> list[Finding]:
    """Return the findings of ``selectors`` (default: the lesson's), verdicts computed.

    The lesson's own findings are computed once per process and data folder.
    """
    if selectors is SELECTORS:
        return list(_lesson_findings(str(data_dir())))
    return [_finding(s) for s in selectors]


def _check_filter(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None, got {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (or None for all); got {value!r}")


def _filtered(family: str | None, verdict: str | None, group: str | None) -> list[Finding]:
    _check_filter("family", family, FAMILIES)
    _check_filter("verdict", verdict, VERDICTS)
    groups = tuple(dict.fromkeys(s.group for s in SELECTORS))
    _check_filter("group", group, groups)
    return [f for f in findings()
            if (family is None or f.family == family) and (verdict is None or f.verdict == verdict)
            and (group is None or f.group == group)]


def finding_rows(family: str | None = None, verdict: str | None = None, group: str | None = None,
                 not_better: bool = False) -> list[dict[str, str]]:
    """Return the findings as table rows, optionally filtered.

    :func:`widgets.perioperative.tables.benefits_drawbacks_table` shows them as a DataFrame.
    """
    if not isinstance(not_better, bool):
        raise TypeError(f"not_better must be True or False, got {type(not_better).__name__}")
    return [f.as_row() for f in _filtered(family, verdict, group)
            if not (not_better and f.verdict == "MISS better")]


def verdict_counts(family: str | None = None):
    """Return how many findings fall under each verdict, per procedure family."""
    import pandas as pd

    found = _filtered(family, None, None)
    families = [f for f in FAMILIES if any(x.family == f for x in found)]
    data = {v: [sum(1 for x in found if x.family == fam and x.verdict == v) for fam in families]
            for v in VERDICTS}
    frame = pd.DataFrame(data, index=[FAMILY_LABELS[f] for f in families])
    frame.index.name = "procedure"
    frame.loc["all"] = frame.sum()
    return frame
