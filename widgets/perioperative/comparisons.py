"""Where MISS is better, no different or worse than open surgery, from the evidence tables.

A fixed selection of rows (:data:`SELECTORS`) from ``outcomes_mis_vs_open``,
``complications_durotomy_conversion``, ``recovery_milestones`` and
``learning_curve`` is turned into one table of findings. Each finding's
verdict is computed from its row by the rule of lesson 05's evidence map
(:mod:`widgets.evidence.certainty`), never typed:

1. **importance**: the row's 95% confidence interval of MIS minus open is set
   against the smallest difference that matters for the outcome (a cited MCID
   of ``data/tables/mcid.csv``, or a labelled assumption of
   ``data/assumptions.yaml``; a ratio is first turned into an absolute
   difference per 100 patients from the open arm's risk). Entirely beyond it:
   *MISS better* or *MISS worse*; entirely within plus or minus it: *no
   important difference*; otherwise, or with no interval printed: *inconclusive*
   (the significance the source reports is given in the reason);
2. **certainty**, GRADE-like: randomised designs start high, observational
   low; lowered for unblinded trials of patient-rated outcomes, conference
   abstracts, and imprecision;
3. a figure with no open comparator (a learning curve) is a *MISS-only cost*.

The direction that favours MISS (lower blood loss, higher fusion rate) and the
threshold are the judgements each selector carries.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from widgets.core.data import DataError, data_dir, load_schema, records
from widgets.core.numbers import optional_float
from widgets.evidence.certainty import (
    Threshold,
    absolute_per_100,
    assumed_threshold,
    certainty,
    mcid_threshold,
    read_importance,
)

__all__ = [
    "FAMILIES",
    "FAMILY_LABELS",
    "RISKS",
    "SELECTORS",
    "VERDICTS",
    "Finding",
    "Selector",
    "classify",
    "finding_rows",
    "findings",
    "reported_p",
    "reported_significance",
    "verdict_counts",
]

VERDICTS = ("MISS better", "no important difference", "inconclusive", "MISS worse", "MISS-only cost")
FAMILIES = ("discectomy", "decompression", "tlif", "mixed")
FAMILY_LABELS = {
    "discectomy": "discectomy",
    "decompression": "decompression",
    "tlif": "fusion (TLIF)",
    "mixed": "mixed lumbar surgery",
}
_RATIOS = ("risk ratio", "odds ratio", "ratio")
_TEXT_COLUMNS = {
    "outcomes_mis_vs_open": ("pooled_difference_text", "mis_value_text", "notes"),
    "complications_durotomy_conversion": ("effect", "mis_value_text", "notes"),
    "recovery_milestones": ("mis_value_text", "notes"),
    "learning_curve": ("cases_to_plateau_text", "early_value_text", "notes"),
}


@dataclass(frozen=True)
class Selector:
    """One finding to draw from a table: which row, and how to read it.

    Attributes
    ----------
    family
        Procedure family, one of :data:`FAMILIES`.
    group
        Outcome group used for filtering (``"operative time"``).
    outcome
        The outcome as shown to students.
    table, where
        The table and the exact cell values that pick one row.
    mis_better_when
        ``"lower"`` or ``"higher"``: which direction of the printed figure
        favours MISS; ``None`` for a MISS-only figure.
    design
        The design of the evidence, in words.
    phrase
        Text that must occur in the row; significance is then read from it
        alone (for rows that print several P values).
    stated
        ``(words, direction)``: when neither an estimate nor two arms are
        printed, the direction is taken from these words, which must occur in
        the row.
    threshold
        What difference matters: ``("MCID", instrument, scale)`` (cited,
        ``data/tables/mcid.csv``) or ``("assumption", name)``; ``None`` when the
        suite has none for the outcome (importance is then not judged).
    blinded
        True when the patients did not know their operation (matters for a
        patient-rated outcome).
    patient_reported
        True for an outcome the patient rates (pain, disability).
    """

    family: str
    group: str
    outcome: str
    table: str
    where: Mapping[str, str]
    mis_better_when: str | None
    design: str
    phrase: str | None = None
    stated: tuple[str, str] | None = None
    threshold: tuple | None = None
    blinded: bool = False
    patient_reported: bool = False


def _s(family, group, outcome, table, where, better, design, phrase=None, stated=None, threshold=None,
       blinded=False, patient_reported=False) -> Selector:
    return Selector(family, group, outcome, table, where, better, design, phrase, stated, threshold, blinded,
                    patient_reported)


_O, _C, _R, _L = ("outcomes_mis_vs_open", "complications_durotomy_conversion", "recovery_milestones",
                  "learning_curve")
_MID = "MIDvsSD_meta_PMC4037525"
_BLOOD = ("assumption", "important_blood_loss_difference")
_TIME = ("assumption", "important_operative_time_difference")
_STAY = ("assumption", "important_length_of_stay_difference")
_FLUORO = ("assumption", "important_fluoroscopy_time_difference")
_EVENTS = ("assumption", "important_event_rate_difference")

#: The findings the lesson shows, in order. Verdicts are computed from the rows.
SELECTORS: tuple[Selector, ...] = (
    _s("discectomy", "incision", "incision size", _O,
       {"source_key": _MID, "outcome": "incision size"}, "lower", "meta-analysis of RCTs"),
    _s("discectomy", "operative time", "operating time", _O,
       {"source_key": _MID, "outcome": "operating time"}, "lower", "meta-analysis of RCTs", threshold=_TIME),
    _s("discectomy", "blood loss", "blood loss", _O,
       {"source_key": _MID, "outcome": "blood loss"}, "lower", "meta-analysis of RCTs", threshold=_BLOOD),
    _s("discectomy", "recurrence and reoperation", "recurrent disc herniation", _O,
       {"source_key": _MID, "outcome": "disc herniation recurrence"}, "lower", "meta-analysis of RCTs",
       threshold=_EVENTS),
    _s("discectomy", "dural tear", "incidental durotomy (tubular vs open)", _O,
       {"source_key": "Dasenbrock2012JNeurosurgSpine", "outcome": "incidental durotomy"}, "lower",
       "meta-analysis of RCTs", phrase="significantly more frequent during MID", threshold=_EVENTS),
    _s("discectomy", "pain and function", "disability (Roland-Morris), mean over first year", _O,
       {"source_key": "Arts2009JAMA", "outcome": "Roland-Morris (RDQ, 0-23) mean over first year"},
       "lower", "RCT (tubular vs conventional), patients blinded", threshold=("MCID", "RDQ", 1.0),
       blinded=True, patient_reported=True),
    _s("discectomy", "pain and function", "leg pain over 2 years", _O,
       {"source_key": "Arts2011", "outcome": "leg pain VAS over 2 years"}, "lower",
       "RCT (tubular vs conventional), patients blinded", threshold=("MCID", "VAS pain", 1.0),
       blinded=True, patient_reported=True),
    _s("discectomy", "recurrence and reoperation", "repeat surgery within 2 years", _O,
       {"source_key": "Arts2011", "outcome": "repeat surgery within 2 years"}, "lower",
       "RCT (tubular vs conventional)", threshold=_EVENTS),
    _s("discectomy", "pain and function",
       "leg pain at 12 months (full-endoscopic; printed in favour of PTED)", _O,
       {"source_key": "Gadjradj2022BMJ", "outcome": "leg pain VAS (0-100) at 12 months"}, "higher",
       "RCT (full-endoscopic vs open microdiscectomy), patients not blinded",
       threshold=("MCID", "VAS pain", 1.0), patient_reported=True),
    _s("decompression", "infection", "surgical site infection, decompression only", _O,
       {"source_key": "MuellerSMISS2018", "outcome": "SSI, decompression only"}, "lower",
       "retrospective single centre (conference abstract)", phrase="p=0.04 decompression",
       threshold=_EVENTS),
    _s("tlif", "blood loss", "blood loss", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "estimated blood loss (intraoperative)"}, "lower",
       "meta-analysis of cohort studies", threshold=_BLOOD),
    _s("tlif", "operative time", "operative time", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "operative time"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_TIME),
    _s("tlif", "operative time", "operative time", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "operative time"}, "lower",
       "meta-analysis of cohort studies", threshold=_TIME),
    _s("tlif", "radiation", "fluoroscopy time", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "radiation (fluoroscopy) exposure time"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_FLUORO),
    _s("tlif", "radiation", "fluoroscopy shots (multi-segment TLIF)", _O,
       {"source_key": "Zhai2024ExpTherMed", "outcome": "fluoroscopy frequency"}, "lower",
       "meta-analysis (designs not in abstract)"),
    _s("tlif", "radiation", "fluoroscopy time", _O,
       {"source_key": "Li2018JOSR", "outcome": "fluoroscopy time"}, "lower",
       "meta-analysis of studies labelled RCTs", stated=("higher with MIS", "higher"), threshold=_FLUORO),
    _s("tlif", "length of stay", "length of hospital stay", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "length of hospital stay"}, "lower",
       "meta-analysis of cohort studies", threshold=_STAY),
    _s("tlif", "length of stay", "length of hospital stay", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "length of hospital stay"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_STAY),
    _s("tlif", "length of stay", "length of hospital stay", _O,
       {"source_key": "Li2018JOSR", "outcome": "length of hospital stay"}, "lower",
       "meta-analysis of studies labelled RCTs", threshold=_STAY),
    _s("tlif", "recovery", "time to walking", _O,
       {"source_key": "Xie2016ChinMedJ", "outcome": "time to ambulation"}, "lower",
       "meta-analysis (24 studies)"),
    _s("tlif", "infection", "infection", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "infection"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_EVENTS),
    _s("tlif", "complications", "complications", _O,
       {"source_key": "Xie2016ChinMedJ", "outcome": "complication rate"}, "lower",
       "meta-analysis (24 studies)", threshold=_EVENTS),
    _s("tlif", "fusion", "fusion rate", _O,
       {"source_key": "Xie2016ChinMedJ", "outcome": "fusion rate"}, "higher", "meta-analysis (24 studies)",
       threshold=_EVENTS),
    _s("tlif", "recurrence and reoperation", "revision or readmission", _O,
       {"source_key": "Qu2015EurSpineJ", "outcome": "revision / readmission"}, "lower",
       "meta-analysis (14 studies)", threshold=_EVENTS),
    _s("tlif", "pain and function", "pain at long-term follow-up", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "VAS pain (long-term follow-up)"}, "lower",
       "meta-analysis of cohort studies", threshold=("MCID", "VAS pain", 0.1), patient_reported=True),
    _s("tlif", "learning curve", "cases to complete the learning curve (operative time)", _L,
       {"source_key": "Shuman", "metric": "cases to complete learning curve"}, None, ""),
    _s("mixed", "learning curve", "complications during the learning curve", _L,
       {"source_key": "SclafaniKim2014CORR", "metric": "overall postoperative complication rate"}, None, ""),
    _s("mixed", "dural tear", "incidental durotomy (degenerative lumbar surgery)", _C,
       {"source_key": "Sharma2022AsianSpineJ", "complication": "incidental durotomy"}, "lower",
       "prospective single-centre cohort", threshold=_EVENTS),
    _s("mixed", "infection", "surgical site infection, all lumbar procedures", _O,
       {"source_key": "MuellerSMISS2018", "outcome": "SSI, all lumbar procedures"}, "lower",
       "retrospective single centre (conference abstract)", phrase="p=0.0003 overall", threshold=_EVENTS),
    _s("mixed", "recovery", "return to work", _R,
       {"source_key": "Sharma2022AsianSpineJ", "milestone": "return to work"}, "lower",
       "prospective single-centre cohort", stated=("significantly earlier", "lower")),
)


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


_P = re.compile(r"\bp\s*(<|=|>|≤)\s*(\d*\.\d+|\d+)", re.IGNORECASE)


def reported_p(text: str) -> tuple[str, float] | None:
    """Return the first P value printed in ``text`` as ``(operator, value)``, or ``None``.

    >>> reported_p("P=.22")
    ('=', 0.22)
    >>> reported_p("higher with MIS (P<0.05; estimate not in abstract)")
    ('<', 0.05)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    m = _P.search(text)
    if m is None:
        return None
    op = "<" if m.group(1) == "≤" else m.group(1)
    return op, float(m.group(2))


def reported_significance(text: str) -> bool | None:
    """Return whether ``text`` reports a significant difference (P below 0.05).

    A printed P value decides; without one, "not significant" / "no significant"
    / "NS" mean no, "significantly" means yes; otherwise ``None`` (not reported).
    """
    p = reported_p(text)
    if p is not None:
        op, value = p
        return (op == "<" and value <= 0.05) or (op == "=" and value < 0.05)
    lowered = text.lower()
    if re.search(r"\bnot significant|\bno significant|\bNS\b", text) or "not significant" in lowered:
        return False
    if "significantly" in lowered:
        return True
    return None


def _present(x: Any) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _said_significance(text: str) -> str:
    significant = reported_significance(text) if text else None
    p = reported_p(text) if text else None
    said = f"P{p[0]}{p[1]:g}" if p else "in words"
    if significant is True:
        return f"reported as significant ({said})"
    if significant is False:
        return f"reported as not significant ({said})"
    return "no significance reported"


def classify(
    mis_better_when: str | None,
    *,
    estimate: float | None = None,
    ci: tuple[float, float] | None = None,
    null: float = 0.0,
    arms: tuple[float, float] | None = None,
    text: str = "",
    stated: tuple[str, str] | None = None,
    threshold: Threshold | None = None,
    measure: str = "RR",
) -> tuple[str, str]:
    """Return ``(verdict, why)`` for one printed comparison of MISS with open surgery.

    Parameters
    ----------
    mis_better_when
        ``"lower"`` or ``"higher"``: the direction of the figure that favours
        MISS; ``None`` for a figure about MISS alone.
    estimate
        Point estimate (MIS minus open, or MIS relative to open), if printed.
    ci
        95% confidence interval ``(low, high)``, if printed.
    null
        The value of no difference: 0 for a difference, 1 for a ratio.
    arms
        ``(MIS value, open value)``, if both are printed (for a ratio, the open
        arm's risk in % turns the interval into events per 100 patients).
    text
        The row's words, searched for a reported P value or significance (given
        in the reason when there is no interval).
    stated
        ``(words, "higher" | "lower")`` giving the direction in words; the words
        must occur in ``text``.
    threshold
        The smallest difference that matters (:class:`widgets.evidence.certainty.Threshold`),
        in the unit of the difference (events per 100 patients for a ratio);
        ``None`` when the suite has none for the outcome.
    measure
        ``RR`` or ``OR`` for a ratio (``""`` when the ratio's kind is not printed).

    Returns
    -------
    tuple of str
        ``MISS better`` / ``MISS worse`` (the CI lies entirely beyond the
        threshold), ``no important difference`` (entirely within plus or minus
        it), ``inconclusive`` (anything else, or no CI), or ``MISS-only cost``;
        and the reason in words.

    Raises
    ------
    ValueError
        If the direction is not ``"lower"``/``"higher"``/``None``, the interval is
        reversed, or a stated direction is not in the row's text.
    """
    if mis_better_when not in ("lower", "higher", None):
        raise ValueError(f"mis_better_when must be 'lower', 'higher' or None; got {mis_better_when!r}")
    if mis_better_when is None:
        return "MISS-only cost", "a figure about MISS alone: no open comparator"
    if ci is not None and ci[0] > ci[1]:
        raise ValueError(f"confidence interval must be (low, high); got {ci!r}")
    if stated is not None:
        words, direction = stated
        if words.lower() not in text.lower():
            raise ValueError(f"the stated direction {words!r} is not in the row's text")
        if direction not in ("lower", "higher"):
            raise ValueError(f"stated direction must be 'lower' or 'higher'; got {direction!r}")
    if ci is None:
        said = _said_significance(text)
        return "inconclusive", f"no 95% CI printed, so importance cannot be judged ({said})"
    low, high = ci
    if threshold is None:
        return "inconclusive", (f"95% CI {low:g} to {high:g}, but the suite has no MCID or assumption for"
                                " this outcome, so importance is not judged")
    lead = ""
    if null == 1.0:
        if measure not in ("RR", "OR"):
            return "inconclusive", "the ratio is not labelled as a risk or an odds ratio"
        if arms is None:
            return "inconclusive", ("the open arm's risk is not printed, so the ratio cannot be turned into"
                                    " events per 100 patients")
        low, high = (absolute_per_100(ratio=x, control_risk_pct=arms[1], measure=measure) for x in ci)
        lead = "as events per 100 patients, "
    reading, why = read_importance(low=low, high=high, threshold=threshold.value)
    if reading.startswith("important"):
        higher = reading == "important benefit"  # the interval lies above +threshold
        verdict = "MISS better" if (mis_better_when == "higher") == higher else "MISS worse"
    else:
        verdict = reading
    return verdict, f"{lead}{why} ({threshold.describe()})"


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


def _txt(x: Any) -> str:
    return str(x) if _present(x) else ""


def _pick(sel: Selector) -> dict[str, Any]:
    columns = {c.name for c in load_schema(sel.table).columns}
    for col in sel.where:
        if col not in columns:
            raise DataError(f"data/tables/{sel.table}.csv has no column {col!r}")
    rows = [r for r in records(sel.table) if all(r[c] == v for c, v in sel.where.items())]
    if len(rows) != 1:
        described = ", ".join(f"{k}={v}" for k, v in sel.where.items())
        raise DataError(f"data/tables/{sel.table}.csv: expected one row with {described}, found {len(rows)}")
    return dict(rows[0])


def _row_text(table: str, row: Mapping[str, Any]) -> str:
    return " ; ".join(_txt(row.get(c)) for c in _TEXT_COLUMNS[table] if _txt(row.get(c)))


def _fmt_ci(low: float | None, high: float | None) -> str:
    return f" (95% CI {low:g} to {high:g})" if low is not None and high is not None else ""


def _printed(table: str, row: Mapping[str, Any], ci: tuple[float, float] | None) -> str:
    lo, hi = ci if ci else (None, None)
    unit = _txt(row.get("unit"))
    if table == "learning_curve":
        parts = [_txt(row.get("cases_to_plateau_text")) or _txt(row.get("early_value_text"))]
        return f"{parts[0]} ({_txt(row.get('metric'))})"
    if table == "recovery_milestones":
        return _txt(row.get("mis_value_text")) or "not printed"
    estimate = optional_float(row.get("pooled_difference"))
    label = _txt(row.get("pooled_difference_text"))
    measure = _txt(row.get("effect_measure"))
    if estimate is not None:
        if label:
            return f"{label}{_fmt_ci(lo, hi)}"
        if measure in _RATIOS:
            return f"ratio MIS vs open {estimate:g}{_fmt_ci(lo, hi)}"
        return f"MIS minus open {estimate:g} {unit}{_fmt_ci(lo, hi)}"
    mis, open_ = optional_float(row.get("mis_value")), optional_float(row.get("open_value"))
    if mis is not None and open_ is not None:
        effect = _txt(row.get("effect")) or label
        printed = f"{mis:g} vs {open_:g} {unit}" + (f"; {effect}" if effect else "")
        if unit == "%":
            printed += f"; difference {mis - open_:+.2f} per 100 patients"
        return printed
    if label and ci:
        return f"{label}{_fmt_ci(lo, hi)}"
    if ci:
        return f"MIS minus open: 95% CI {lo:g} to {hi:g} {unit} (no point estimate printed)"
    return label or _txt(row.get("mis_value_text")) or "not printed"


def _evidence_counts(table: str, row: Mapping[str, Any]) -> tuple[str, str]:
    if table == "outcomes_mis_vs_open":
        studies, patients = _txt(row.get("n_studies")), _txt(row.get("n_patients"))
        return (f"studies: {studies}" if studies else "", f"patients: {patients}" if patients else "")
    if table == "learning_curve":
        n = _txt(row.get("n_cases_text")) or (f"{row['n_cases']:g}" if _present(row.get("n_cases")) else "")
        return _txt(row.get("design")), f"cases: {n}" if n else ""
    n = _txt(row.get("n"))
    return "", f"sample: {n}" if n else ""


def _finding(sel: Selector) -> Finding:
    if sel.family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}; got {sel.family!r}")
    row = _pick(sel)
    text = _row_text(sel.table, row)
    if sel.phrase is not None:
        if sel.phrase.lower() not in text.lower():
            raise DataError(f"data/tables/{sel.table}.csv: {sel.phrase!r} is not in the row of"
                            f" {sel.outcome!r}")
        text = sel.phrase
    low, high = optional_float(row.get("ci_low")), optional_float(row.get("ci_high"))
    ci = (low, high) if low is not None and high is not None else None
    measure = _txt(row.get("effect_measure"))
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
                   _txt(row.get("confidence_detail")),
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


#: The risks the lesson names, with the rows of the tables that speak to each.
RISKS: tuple[tuple[str, tuple[tuple[str, Mapping[str, str]], ...]], ...] = (
    ("infection", (
        (_O, {"source_key": "Park2018YonseiMedJ", "outcome": "infection"}),
        (_O, {"source_key": "Ee2014CORR", "outcome": "SSI"}),
        (_O, {"source_key": "MuellerSMISS2018", "outcome": "SSI, all lumbar procedures"}),
    )),
    ("nerve injury", (
        (_C, {"source_key": "CurrRevMusculoskeletMed2019"}),
    )),
    ("dural tear", tuple(
        (_C, {"source_key": k, "complication": "incidental durotomy"})
        for k in ("Dasenbrock2012JNeurosurgSpine", "Sharma2022AsianSpineJ", "McClain2025EurSpineJ",
                  "Klingler2015", "Alshameeri2021IntJSpineSurg", "Toci2023AsianSpineJ")
    )),
    ("blood clots", ()),
    ("pseudarthrosis (no fusion)", (
        (_O, {"source_key": "Xie2016ChinMedJ", "outcome": "fusion rate"}),
        (_O, {"source_key": "Serban2017BiomedResInt", "outcome": "fusion at 1 year"}),
    )),
    ("conversion to open surgery", (
        (_C, {"source_key": "Lee2014JSpinalDisordTech", "complication": "conversion to open"}),
    )),
    ("a second operation", (
        (_C, {"source_key": "Arts2011", "complication": "repeat surgery within 2 years"}),
        (_C, {"source_key": _MID, "complication": "recurrence"}),
        (_C, {"source_key": "Qu2015EurSpineJ", "complication": "revision/readmission"}),
        (_C, {"source_key": "Lee2006Spine"}),
    )),
)
