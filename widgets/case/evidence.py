"""The evidence a case shows: cited comparisons, patient factors and trial entry criteria.

Everything a student reads as a figure comes from ``data/tables``:
:func:`evidence` resolves each cited row that ``data/cases/conditions.yaml``
selects for a condition (each selector must match exactly one row),
:func:`patient_factors` the rows a patient's own features bring in, and
:func:`trial_criteria` reads a trial's entry criteria from its ``population``
text.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from widgets.case.conditions import CaseError, Condition, RowSpec, cases_dir, conditions, stamp
from widgets.case.patients import Patient
from widgets.core.data import DataError, data_dir

__all__ = [
    "READINGS",
    "WRITTEN",
    "Evidence",
    "TrialCriteria",
    "evidence",
    "parse_population",
    "patient_factors",
    "judge",
    "select_row",
    "trial_criteria",
]

#: What a comparison shows, in the evidence map's terms (the kind of its verdict, see :func:`judge`).
READINGS = ("better", "no important difference", "inconclusive", "worse")
#: Readings written in ``conditions.yaml`` for a row the map's rule cannot read (no figure to read).
WRITTEN = ("inconclusive", "not a comparison")


@dataclass(frozen=True)
class Evidence:
    """One cited row, normalised for display: arms, effect, reading and provenance.

    Attributes
    ----------
    outcome, comparison
        The lesson's labels for the row (from ``conditions.yaml``).
    mis_text, comparator_text
        The two arms as printed in the table (empty when not reported).
    effect_text
        The between-group effect with its 95 % CI as printed, or the table's
        words when it gives no number.
    verdict
        The evidence map's verdict on this row, in the map's words (e.g.
        ``MISS better: important difference``, ``no important difference``,
        ``inconclusive``, ``importance not judged``, ``not a comparison``).
    reading
        Its kind: one of :data:`READINGS`, or ``not judged`` / ``not a comparison``.
    basis
        Why, in words a student can check (the interval against the threshold).
    threshold
        The smallest difference that matters, described (a cited MCID or a
        labelled assumption), or ''.
    certainty, certainty_basis
        GRADE-like certainty of this row alone, and why.
    mis_value, comparator_value
        The arm values when both are plain numbers (else ``None``).
    """

    outcome: str
    comparison: str
    mis_text: str
    comparator_text: str
    effect_text: str
    unit: str
    better: str
    reading: str
    basis: str
    source_key: str
    confidence: str
    table: str
    mis_value: float | None = None
    comparator_value: float | None = None
    verdict: str = ""
    threshold: str = ""
    threshold_source: str = ""
    certainty: str = ""
    certainty_basis: str = ""


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _num(value: Any) -> str:
    return f"{float(value):g}"


def _cell(row: Mapping[str, Any], column: str) -> str:
    """Return a table cell as printed: the number, else its ``_text`` companion, else ''."""
    value = row.get(column)
    if _present(value):
        return _num(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    text = row.get(f"{column}_text")
    return str(text) if _present(text) else ""


_COLUMNS = {
    # table: (mis, comparator, estimate, estimate text, measure, ci_low, ci_high, p)
    "outcomes_mis_vs_open": ("mis_value", "open_value", "pooled_difference", "pooled_difference_text",
                             "effect_measure", "ci_low", "ci_high", None),
    "complications_durotomy_conversion": ("mis_value", "open_value", None, "effect", None, "ci_low",
                                          "ci_high", None),
    "recovery_milestones": ("mis_value", "open_value", None, None, None, None, None, None),
    "study_level_vertebroplasty_vs_sham": ("vp_value", "control_value", "between_group_difference",
                                           "between_group_difference_text", None, "ci_low", "ci_high",
                                           "p_value"),
    "trials": ("result_intervention", "result_control", "between_group_effect",
               "between_group_effect_text", None, "ci_low", "ci_high", "p_value"),
}
_RATIO_LABEL = {"risk ratio": "RR", "odds ratio": "OR", "ratio": "ratio"}


@functools.lru_cache(maxsize=64)
def _rows(table: str, directory: str) -> tuple[dict[str, Any], ...]:
    from widgets.core.data import load_table

    frame = load_table(table)
    rows = []
    for rec in frame.to_dict("records"):
        rows.append({k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()})
    return tuple(rows)


def select_row(table: str, where: Mapping[str, Any], context: str = "") -> dict[str, Any]:
    """Return the one row of ``table`` matching ``where`` (column -> value).

    Raises
    ------
    CaseError
        When no row or several rows match (``context`` names the YAML line).
    """
    try:
        rows = _rows(table, str(data_dir()))
    except DataError as exc:
        raise CaseError(f"{context}: {exc}") from exc

    def ok(row: Mapping[str, Any]) -> bool:
        for column, wanted in where.items():
            if column not in row:
                return False
            cell = row[column]
            if isinstance(wanted, int | float) and not isinstance(wanted, bool):
                if not (_present(cell) and float(cell) == float(wanted)):
                    return False
            elif str(cell) != str(wanted):
                return False
        return True

    found = [r for r in rows if ok(r)]
    if len(found) != 1:
        described = ", ".join(f"{k}={v!r}" for k, v in where.items())
        raise CaseError(f"{context}: {len(found)} rows of table {table!r} match {described};"
                        " a selector must match exactly one")
    return dict(found[0])


def _effect(table: str, row: Mapping[str, Any]) -> tuple[str, float | None, str | None]:
    """Return (effect text as printed, estimate or None, measure) for a row."""
    _, _, est_col, text_col, measure_col, lo_col, hi_col, p_col = _COLUMNS[table]
    estimate = row.get(est_col) if est_col else None
    measure = row.get(measure_col) if measure_col else ("difference" if _present(estimate) else None)
    text = str(row[text_col]) if text_col and _present(row.get(text_col)) else ""
    lo = row.get(lo_col) if lo_col else None
    hi = row.get(hi_col) if hi_col else None
    ci = f"95% CI {_num(lo)} to {_num(hi)}" if _present(lo) and _present(hi) else ""
    if _present(estimate):
        if measure in _RATIO_LABEL and not text:
            head = f"{_RATIO_LABEL[measure]} {_num(estimate)}"
        elif measure in _RATIO_LABEL:
            head = text
        else:
            head = f"MISS minus comparator {_num(estimate)}"
    else:
        head = text
    parts = [head] if head else []
    if ci:
        parts.append(f"({ci})")
    if p_col and _present(row.get(p_col)) and str(row.get(p_col)) not in head:
        parts.append(f"P {row[p_col]}" if not str(row[p_col]).startswith(("P", "p", "NS")) else
                     str(row[p_col]))
    return " ".join(parts) or "not reported", (float(estimate) if _present(estimate) else None), measure


def _kind(verdict: str) -> str:
    """Return the kind of a map verdict: one of :data:`READINGS`, ``not judged`` or ``not a comparison``."""
    from widgets.evidence.verdicts import VERDICTS

    better, none, inconclusive, worse, not_judged, not_comparison = VERDICTS
    if verdict.endswith(better):
        return "better"
    if verdict.endswith(worse):
        return "worse"
    return {none: "no important difference", inconclusive: "inconclusive", not_judged: "not judged",
            not_comparison: "not a comparison"}[verdict]


def judge(spec: RowSpec, context: str = "") -> dict[str, str]:
    """Read one cited comparison with the evidence map's rule (lesson 05), as the map would.

    The row becomes a one-source :class:`widgets.evidence.readers.MapEntry` and gets
    its :func:`~widgets.evidence.verdicts.verdict`: importance from where the 95% CI
    lies against the smallest difference that matters (a cited MCID, or a
    labelled assumption; events as an absolute difference per 100 patients), and
    GRADE-like certainty from the row's design. Statistical significance alone
    decides nothing. Returns the verdict, its kind (:func:`_kind`), the reason,
    the threshold and the certainty, in the map's words.
    """
    from widgets.evidence.readers import MapEntry, Source, evidence_rows
    from widgets.evidence.verdicts import classify, threshold_of

    j = spec.judge
    threshold = list(j.get("threshold") or ())
    if threshold[:1] == ["MCID"] and len(threshold) == 2:
        threshold.append(1.0)  # the MCID in the instrument's own unit
    source = Source(spec.table, tuple(spec.where.items()), sign=int(j.get("sign", 1)),
                    trial=j.get("trial", ""), comparable=bool(j.get("comparable", True)),
                    note=j.get("note", ""))
    entry = MapEntry(spec.label, spec.comparison, spec.better, (source,),
                     patient_reported=bool(j.get("patient_reported", False)),
                     threshold=tuple(threshold) if threshold else None, first=j.get("first", "MISS"))
    try:
        t = threshold_of(entry)
        rows = evidence_rows(entry)
    except (DataError, ValueError) as exc:
        raise CaseError(f"{context}: {exc}") from exc
    v = classify(rows, entry.patient_reported, t, entry.first)
    basis = v.why_verdict
    if t is not None and v.readings:
        line = v.readings[0].split(": ", 1)[1]  # "<reading> (<why>)", as the map lists each source
        basis = line[line.index(" (") + 2:-1] if " (" in line else line
    return {"verdict": v.verdict, "reading": _kind(v.verdict), "basis": basis,
            "threshold": v.threshold, "threshold_source": t.source_key if t is not None else "",
            "certainty": v.certainty, "certainty_basis": v.why_certainty}


def _readable(table: str) -> bool:
    """Whether the evidence map's rule has a reader for rows of ``table``."""
    return table in ("outcomes_mis_vs_open", "complications_durotomy_conversion", "trials",
                     "study_level_vertebroplasty_vs_sham", "radiation")


def _resolve(spec: RowSpec, cond: Condition) -> Evidence:
    context = f"data/cases/conditions.yaml line {spec.line}, condition {cond.name!r}"
    row = select_row(spec.table, spec.where, context)
    if spec.table not in _COLUMNS:
        raise CaseError(f"{context}: table {spec.table!r} has no evidence adapter;"
                        f" known: {', '.join(_COLUMNS)}")
    mis_col, comp_col = _COLUMNS[spec.table][:2]
    effect_text, _, _ = _effect(spec.table, row)
    if _readable(spec.table):
        if spec.reading is not None:
            raise CaseError(f"{context}: the evidence map's rule reads this row; remove `reading` and"
                            " `basis` and give `judge` (its threshold)")
        judged = judge(spec, context)
    elif spec.reading in WRITTEN:
        judged = {"verdict": spec.reading, "reading": spec.reading, "basis": spec.basis or ""}
    else:
        raise CaseError(f"{context}: the evidence map's rule has no reader for table {spec.table!r};"
                        f" write `reading` ({' or '.join(WRITTEN)}) and `basis`")
    mis_v, comp_v = row.get(mis_col), row.get(comp_col)
    numeric = (isinstance(mis_v, float) and _present(mis_v) and isinstance(comp_v, float)
               and _present(comp_v))
    unit = row.get("unit") if _present(row.get("unit")) else (row.get("scale") or "")
    return Evidence(
        outcome=spec.label, comparison=spec.comparison,
        mis_text=_cell(row, mis_col), comparator_text=_cell(row, comp_col),
        effect_text=effect_text, unit=str(unit) if _present(unit) else "",
        better=spec.better, source_key=str(row["source_key"]), confidence=str(row["confidence"]),
        table=spec.table, mis_value=float(mis_v) if numeric else None,
        comparator_value=float(comp_v) if numeric else None, **judged,
    )


def evidence(cond: Condition) -> list[Evidence]:
    """Resolve the cited comparisons of a condition (each selector matches one row)."""
    return list(_evidence_cached(cond.name, str(data_dir()), stamp(cases_dir())))


@functools.lru_cache(maxsize=32)
def _evidence_cached(name: str, directory: str, stamp: tuple) -> tuple[Evidence, ...]:
    cond = conditions()[name]
    return tuple(_resolve(spec, cond) for spec in cond.evidence)


def _bmi_threshold(row: Mapping[str, Any], context: str) -> float:
    for value in row.values():
        if isinstance(value, str):
            m = re.search(r"BMI\s*>=\s*(\d+(?:\.\d+)?)", value)
            if m:
                return float(m.group(1))
    raise CaseError(f"{context}: the row prints no 'BMI>=' threshold for its rule")


def _factor_applies(spec: RowSpec, row: Mapping[str, Any], patient: Patient, context: str) -> bool:
    rule = spec.when or ""
    if rule == "prior_surgery":
        return patient.prior_surgery
    if rule in ("obese", "overweight"):
        return patient.bmi >= _bmi_threshold(row, context)
    if rule == "low_bone_quality":
        return patient.bone_quality != "normal"
    if rule.startswith("comorbidity:"):
        return rule.split(":", 1)[1] in patient.comorbidities
    raise CaseError(f"{context}: unknown factor rule {rule!r}")


def patient_factors(patient: Patient) -> list[Evidence]:
    """Return the cited rows that this patient's own features bring in (in file order)."""
    cond = conditions()[patient.diagnosis]
    out = []
    for spec in cond.factors:
        context = f"data/cases/conditions.yaml line {spec.line}, condition {cond.name!r}"
        row = select_row(spec.table, spec.where, context)
        if not _factor_applies(spec, row, patient, context):
            continue
        text = row.get(spec.column)
        if not _present(text):
            raise CaseError(f"{context}: column {spec.column!r} is empty in the selected row")
        out.append(Evidence(
            outcome=spec.label, comparison="", mis_text=str(text), comparator_text="", effect_text="",
            unit="", better="", reading="not a comparison", basis="", source_key=str(row["source_key"]),
            confidence=str(row["confidence"]), table=spec.table))
    return out

# --------------------------------------------------------------------------- trials and rules


@dataclass(frozen=True)
class TrialCriteria:
    """Entry criteria of a trial, read from its ``population`` text in ``data/tables/trials``.

    Durations printed in months are converted to weeks (52/12 weeks a month)
    and marked ``converted``; the printed text is kept.
    """

    source_key: str
    label: str
    population: str
    confidence: str
    age_min: float | None = None
    age_max: float | None = None
    duration_op: str | None = None
    duration_weeks: float | None = None
    duration_printed: str = ""
    converted: bool = False

    def age_text(self) -> str:
        """Return the age criterion as printed (``"18 to 70 years"``) or ''."""
        if self.age_min is not None and self.age_max is not None:
            return f"{self.age_min:g} to {self.age_max:g} years"
        if self.age_min is not None:
            return f"{self.age_min:g} years or over"
        return ""

    def duration_text(self) -> str:
        """Return the duration criterion as printed, with weeks when converted, or ''."""
        if self.duration_op is None:
            return ""
        words = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}
        text = f"{words[self.duration_op]} {self.duration_printed}"
        if self.converted:
            text += f" (about {self.duration_weeks:g} weeks, converted)"
        return text

    def age_ok(self, age: float) -> bool | None:
        """Whether ``age`` meets the age criterion (``None`` when none is printed)."""
        if self.age_min is None and self.age_max is None:
            return None
        return (self.age_min is None or age >= self.age_min) and (self.age_max is None or age <= self.age_max)

    def duration_ok(self, weeks: float) -> bool | None:
        """Whether a symptom duration meets the duration criterion (``None`` when none)."""
        if self.duration_op is None:
            return None
        b = self.duration_weeks
        return {">": weeks > b, ">=": weeks >= b, "<": weeks < b, "<=": weeks <= b}[self.duration_op]

    def is_lower_bound(self) -> bool:
        """Whether the duration criterion is a minimum (symptoms must have lasted at least so long)."""
        return self.duration_op in (">", ">=")


_AGE_RANGE_RE = re.compile(r"\bage\s*(\d+)\s*-\s*(\d+)", re.IGNORECASE)
_AGE_MIN_RE = re.compile(r"\bage\s*>=\s*(\d+)", re.IGNORECASE)
_DURATION_RE = re.compile(r"(>=|<=|>|<)\s*(\d+(?:\.\d+)?)\s*(wk|weeks?|mo|months?)\b", re.IGNORECASE)


def parse_population(text: str) -> dict[str, Any]:
    """Read age and symptom-duration criteria from a trial's population text.

    ``"age 18-70, leg pain >8 wk"`` gives ages 18 to 70 and more than 8 weeks;
    ``">=6 mo symptoms"`` gives at least 6 months, about 26 weeks (converted).
    Other numbers (``>=15% height loss``, ``NRS >=7``) have no time unit and
    are ignored.
    """
    out: dict[str, Any] = {}
    m = _AGE_RANGE_RE.search(text)
    if m:
        out["age_min"], out["age_max"] = float(m.group(1)), float(m.group(2))
    else:
        m = _AGE_MIN_RE.search(text)
        if m:
            out["age_min"] = float(m.group(1))
    m = _DURATION_RE.search(text)
    if m:
        op, number, unit = m.group(1), float(m.group(2)), m.group(3).lower()
        months = unit.startswith("mo")
        out["duration_op"] = op
        out["duration_weeks"] = round(number * 52 / 12, 1) if months else number
        out["duration_printed"] = f"{number:g} {'months' if months else 'weeks'}"
        out["converted"] = months
    return out


def trial_criteria(source_key: str) -> TrialCriteria:
    """Return the entry criteria of the trial whose ``source_key`` is given."""
    row = select_row("trials", {"source_key": source_key}, f"trial {source_key!r}")
    population = str(row.get("population") or "")
    label = f"{row['trial']} ({row['year']})" if _present(row.get("year")) else str(row["trial"])
    return TrialCriteria(source_key=source_key, label=label, population=population,
                         confidence=str(row["confidence"]), **parse_population(population))

