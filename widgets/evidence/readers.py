"""Reading the rows of the evidence tables into oriented evidence, one reader per table.

The evidence map (:mod:`widgets.evidence.verdicts`) names, for each outcome, the
rows that inform it (:class:`MapEntry`, :class:`Source`). :func:`read` turns one
such row into an :class:`Evidence`: its estimate and 95% CI oriented as the
first-named treatment against the comparator, whether it is significant and
whom it favours, the design behind it (randomised, blinded, secondary source),
the number of patients, and its interval on the scale of the entry's threshold
(events per 100 patients for a ratio with a printed comparator risk). Each
table is read by its own branch; ``pool`` reads the lesson's own REML pool of
an outcome (:func:`widgets.evidence.analysis.meta_analysis`).

Also here: :func:`is_blinded` (a trial's control or design text) and
:func:`trial_found_benefit` (a row of ``trials``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from widgets.core.data import DataError, one_row
from widgets.evidence.analysis import meta_analysis
from widgets.evidence.cells import fmt, num, short_label, txt
from widgets.evidence.certainty import absolute_per_100
from widgets.evidence.studies import SIGN_UNSTATED, outcome

__all__ = [
    "COMPLICATIONS",
    "GROUPS",
    "LEARNING",
    "MIS_VS_OPEN",
    "POOL",
    "RADIATION",
    "SHAM_TRIALS",
    "TRIALS",
    "Evidence",
    "MapEntry",
    "Source",
    "evidence_rows",
    "is_blinded",
    "read",
    "trial_found_benefit",
]

#: The tables a :class:`Source` can read a row from; ``POOL`` is the lesson's own pool of an outcome.
MIS_VS_OPEN = "outcomes_mis_vs_open"
COMPLICATIONS = "complications_durotomy_conversion"
TRIALS = "trials"
SHAM_TRIALS = "study_level_vertebroplasty_vs_sham"
LEARNING = "learning_curve"
RADIATION = "radiation"
POOL = "pool"

#: The groups of the evidence map: comparisons of MISS with open surgery are never mixed with
#: a procedure tested against a sham or no procedure, or with MISS against itself while learning.
GROUPS = ("MISS vs open", "procedure vs sham or no procedure", "MISS while learning (no open comparator)")


@dataclass(frozen=True)
class Source:
    """Where one piece of evidence for an outcome lives, and how to orient it.

    ``where`` selects exactly one row of ``table``; ``sign = -1`` flips a
    difference printed in the other direction; ``invert`` turns a ratio printed
    as "open vs MIS" into "MIS vs open"; ``better`` overrides the entry's
    direction for this row (e.g. an *improvement* score, where higher is better);
    ``clause`` is a pattern that picks the relevant part of a long printed text;
    ``trial`` names the row of ``trials`` that says how the trial was blinded;
    ``decides`` is False for a row that is shown but does not decide the verdict,
    with the reason in ``note`` (a trial already in the lesson's pool, a
    different unit); ``comparable`` is False when the row's scale is not the
    threshold's (then it gets no reading of its own). ``table`` may be ``"pool"``: then ``where``
    names an outcome
    of :data:`widgets.evidence.studies.OUTCOMES` and the row is the lesson's own REML pool of it.
    """

    table: str
    where: tuple[tuple[str, str], ...]
    sign: int = 1
    invert: bool = False
    better: str = ""
    clause: str = ""
    trial: str = ""
    decides: bool = True
    note: str = ""
    comparable: bool = True


@dataclass(frozen=True)
class MapEntry:
    """One outcome of the evidence map, the rows that inform it and what difference matters.

    ``threshold`` is ``("MCID", instrument, scale)`` for a cited MCID of
    ``data/tables/mcid.csv`` (``scale`` converts it to the outcome's unit) or
    ``("assumption", name)`` for a labelled assumption; ``None`` when the entry
    is not a comparison. ``first`` names the treatment the verdict speaks of.
    """

    outcome: str
    comparison: str
    better: str
    sources: tuple[Source, ...]
    patient_reported: bool = False
    threshold: tuple | None = None
    group: str = GROUPS[0]
    first: str = "MISS"


@dataclass(frozen=True)
class Evidence:
    """One row of evidence, oriented as MIS vs open (or the first-named treatment).

    ``favours`` is ``MIS``, ``open`` or ``neither`` (no significant difference),
    or ``None`` when the row says nothing usable. ``diff_low`` and ``diff_high``
    are the 95% CI of the first-named minus the comparator on the scale of the
    verdict's threshold (events per 100 patients for a ratio with a known
    comparator risk); ``None`` when the row has no such interval, with the
    reason in ``no_interval``. ``better`` says which side is good for patients.
    """

    source_key: str
    label: str
    printed: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    ratio: bool
    significant: bool | None
    favours: str | None
    randomised: bool
    unblinded: bool
    weak: bool
    confidence: str
    has_ci: bool = field(default=False)
    blinded: bool = False
    patients: int | None = None
    diff_low: float | None = None
    diff_high: float | None = None
    diff_estimate: float | None = None
    no_interval: str = ""
    decides: bool = True
    note: str = ""
    i2: float | None = None
    better: str = "lower"
    comparable: bool = True


_P = re.compile(r"\bp\s*([=<])\s*(0?\.\d+|\d(?:\.\d+)?)", re.IGNORECASE)


def _p_number(p: float) -> str:
    """Write a p value as papers print it: 0.00001, not 1e-05."""
    from decimal import Decimal

    return format(Decimal(repr(float(p))), "f")


def _first_p(text: str) -> tuple[str, float] | None:
    m = _P.search(text or "")
    return (m.group(1), float(m.group(2))) if m else None


def _p_column(text: str) -> tuple[str, float] | None:
    """Read a p-value column as printed: ``<0.0001``, ``0.011 (summary)``, ``p=0.02``; else None."""
    text = (text or "").strip()
    m = re.match(r"^([<=])?\s*(0?\.\d+|\d(?:\.\d+)?)\b", text)
    if m:
        return (m.group(1) or "=", float(m.group(2)))
    return _first_p(text)


_RANDOMISED = re.compile(r"\bRCTs?\b|(?<!non)(?<!non-)randomi[sz]ed|\bsham\b|placebo", re.IGNORECASE)
_LABELLED = re.compile(r"label", re.IGNORECASE)  # "labelled RCTs by authors": not taken at its word
_WEAK = re.compile(r"secondary|conference|\bweak\b|garbled", re.IGNORECASE)
_OPEN = re.compile(r"\(open\)|open-label|open \(not stated|no sham|not blinded|no masking", re.IGNORECASE)
_BLINDED = re.compile(r"sham|placebo|simulated|blinded|masked", re.IGNORECASE)
_UNBLINDED = re.compile(r"no sham|no masking|open-label|\(open\)|^open\b|not stated as blinded|"
                        r"no blinding|not blinded", re.IGNORECASE)


def is_blinded(text: str) -> bool | None:
    """Classify a trial's control or design text: blinded (True), open (False) or unclear (None)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if _UNBLINDED.search(text):
        return False
    if _BLINDED.search(text):
        return True
    return None


def trial_found_benefit(r: dict) -> bool | None:
    """Did trial ``r`` (a row of ``trials``) find a difference favouring the procedure? From p, CI, words."""
    p = _p_column(txt(r["p_value"]))
    if p is not None:
        return p[1] < 0.05 or (p[0] == "<" and p[1] <= 0.05)
    lo, hi = num(r["ci_low"]), num(r["ci_high"])
    if lo is not None and hi is not None:
        return lo > 0 or hi < 0
    words = f"{txt(r['conclusion_short'])} {txt(r['p_value'])}"
    if re.search(r"\bNS\b|no difference|no benefit|similar", words):
        return False
    if re.search(r"positive|better|greater", words, re.IGNORECASE):
        return True
    return None


def _row(source: Source) -> dict:
    return one_row(source.table, dict(source.where))


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_PCT = re.compile(r"(\d+(?:\.\d+)?)%")
_INT = re.compile(r"\d+")


def _patients(*texts) -> int | None:
    for text in texts:
        if isinstance(text, int | float) and not isinstance(text, bool) and not math.isnan(text):
            return int(text)
        m = _INT.search(txt(text))
        if m:
            return int(m.group(0))
    return None


def _trial_blinding(key: str) -> tuple[bool, bool]:
    """Return (blinded, unblinded) for a row of ``trials`` (both False when it does not say)."""
    if not key:
        return False, False
    r = _row(Source(TRIALS, (("source_key", key),)))
    said = is_blinded(f"{txt(r['blinding_control'])}; {r['design']}")
    return said is True, said is False


def _pool_evidence(source: Source, entry: MapEntry) -> Evidence:
    key = dict(source.where)["outcome"]
    a = meta_analysis(key, "auto", "REML")
    o = outcome(key)
    n = 0
    for r in a.rows.to_dict("records"):
        row = _row(Source(o.table, (("source_key", r["source_key"]), ("timepoint", r["timepoint"]))))
        n += int(num(row["n_vp"]) or _patients(row["n_vp_text"]) or 0)
        n += int(num(row["n_control"]) or _patients(row["n_control_text"]) or 0)
    label = f"this lesson's pool of {a.result.k} sham-controlled trials (REML)"
    printed = (f"{fmt(a.estimate, 2)} points (95% CI {fmt(a.ci_low, 2)} to {fmt(a.ci_high, 2)}),"
               f" I² {fmt(a.result.i2, 0)}%")
    significant = not (a.ci_low <= 0 <= a.ci_high)
    favours = "neither" if not significant else ("MIS" if a.estimate > 0 else "open")
    return Evidence(
        source_key=", ".join(dict.fromkeys(a.rows["source_key"])), label=label, printed=printed,
        estimate=a.estimate, ci_low=a.ci_low, ci_high=a.ci_high, ratio=False, significant=significant,
        favours=favours, randomised=True, unblinded=False, weak=False, confidence="derived", has_ci=True,
        blinded=True, patients=n, diff_low=a.ci_low, diff_high=a.ci_high, diff_estimate=a.estimate,
        i2=a.result.i2, better=entry.better)


def read(source: Source, entry: MapEntry) -> Evidence:
    """Read one :class:`Source` into an oriented :class:`Evidence` (for :mod:`widgets.evidence.verdicts`)."""
    if source.table == POOL:
        return _pool_evidence(source, entry)
    r = _row(source)
    table = source.table
    estimate = lo = hi = mis = other = None
    texts, design, printed, ratio, p, kind, patients = "", "", "", False, None, "", None
    label = short_label(txt(r.get("source_label")) or txt(r.get("trial")) or r["source_key"])
    if table == MIS_VS_OPEN:
        estimate, lo, hi = num(r["pooled_difference"]), num(r["ci_low"]), num(r["ci_high"])
        mis, other = num(r["mis_value"]), num(r["open_value"])
        kind, text = txt(r["effect_measure"]), txt(r["pooled_difference_text"])
        ratio = kind in ("risk ratio", "odds ratio", "ratio")
        if estimate is None and ratio and _NUMBER.search(text):
            estimate = float(_NUMBER.search(text).group(0))
        texts = f"{text} {txt(r['notes'])}"
        design = f"{txt(r['n_studies'])} {txt(r['notes'])} {label}"
        patients = _patients(r["n_patients"])
        unit = txt(r["unit"])
        prefix = {"risk ratio": "RR ", "odds ratio": "OR ", "ratio": "ratio "}.get(kind, "")
        if source.clause and re.search(source.clause, text):
            printed = re.search(source.clause, text).group(0)
        elif estimate is not None and not text:
            printed = f"{prefix}{fmt(estimate)}" + ("" if ratio else f" {unit}")
        else:
            printed = text or (f"{fmt(mis)} vs {fmt(other)} {unit}" if mis is not None else "")
        if lo is not None:
            printed += f" (95% CI {fmt(lo)} to {fmt(hi)})"
    elif table == COMPLICATIONS:
        mis, other = num(r["mis_value"]), num(r["open_value"])
        texts = f"{txt(r['effect'])} {txt(r['notes'])}"
        design = f"{r['procedure']} {label}"
        patients = _patients(r["n"])
        printed = f"{fmt(mis)}% vs {fmt(other)}% ({txt(r['effect'])})"
    elif table == TRIALS:
        estimate, lo, hi = num(r["between_group_effect"]), num(r["ci_low"]), num(r["ci_high"])
        text = txt(r["between_group_effect_text"])
        if estimate is None and _NUMBER.search(text):
            estimate = float(_NUMBER.search(text).group(0))
        texts, p = txt(r["conclusion_short"]), _p_column(txt(r["p_value"]))
        design = f"{r['design']} {txt(r['blinding_control'])}"
        patients = _patients(r["n_randomised"], r["n_randomised_text"])
        printed = f"{text or fmt(estimate)} on {r['primary_outcome']}"
        if lo is not None:
            printed += f" (95% CI {fmt(lo)} to {fmt(hi)})"
        label = f"{short_label(r['trial'])} {r['year']}"
    elif table == SHAM_TRIALS:
        estimate, lo, hi = num(r["between_group_difference"]), num(r["ci_low"]), num(r["ci_high"])
        p = _p_column(txt(r["p_value"]))
        design = txt(r["comparison"])
        label = f"{short_label(r['trial'])} {r['year']}"
        patients = (int(num(r["n_vp"]) or _patients(r["n_vp_text"]) or 0)
                    + int(num(r["n_control"]) or _patients(r["n_control_text"]) or 0)) or None
        if estimate is None:
            vp, ctl = _PCT.search(txt(r["vp_value"])), _PCT.search(txt(r["control_value"]))
            if vp and ctl:
                mis, other = float(vp.group(1)), float(ctl.group(1))
            printed = f"{txt(r['vp_value'])} vs {txt(r['control_value'])}, {r['outcome']}"
        else:
            printed = f"{fmt(estimate)} points at {r['timepoint']} (95% CI {fmt(lo)} to {fmt(hi)})"
    elif table == LEARNING:
        mis, other = num(r["early_value"]), num(r["late_value"])
        texts = txt(r["notes"])
        design = f"{r['design']}"
        printed = f"{fmt(mis)} → {fmt(other)} {txt(r['unit'])} (first → last quarter)"
    elif table == RADIATION:
        estimate = num(r["value"])
        texts = f"{txt(r['value_text'])} {txt(r['notes'])}"
        design = f"{label} {txt(r['n'])}"
        patients = _patients(r["n"])
        printed = txt(r["value_text"]) or fmt(estimate)
    else:  # pragma: no cover - MAP only names the tables above
        raise DataError(f"no reader for table {table!r}")
    if table == SHAM_TRIALS and SIGN_UNSTATED.search(txt(r["direction_note"])):
        printed += " (sign convention not stated in the source)"
    shown_p = p or _first_p(texts)
    if lo is None and shown_p and not _P.search(printed):
        printed += f" (p {shown_p[0]} {_p_number(shown_p[1])})"
    if source.sign == -1:
        estimate = None if estimate is None else -estimate
        lo, hi = (None, None) if lo is None else (-hi, -lo)
    if source.invert:
        estimate = None if estimate is None else 1 / estimate
        lo, hi = (None, None) if lo is None else (1 / hi, 1 / lo)
    null = 1.0 if ratio else 0.0
    significant = _significance(estimate, lo, hi, null, texts, p)
    sign = _direction(estimate, lo, hi, null, mis, other, texts)
    better = source.better or entry.better
    if significant is None or (significant and sign == 0):
        favours = None
    elif not significant:
        favours = "neither"
    else:
        favours = "MIS" if (sign < 0) == (better == "lower") else "open"
    blinded, unblinded_trial = _trial_blinding(source.trial)
    randomised = bool(_RANDOMISED.search(design)) and not _LABELLED.search(design)
    d_lo, d_hi, d_est, why_not = _on_threshold_scale(entry, source, table, ratio, kind, estimate, lo, hi, mis,
                                                     other)
    if (table in (COMPLICATIONS, MIS_VS_OPEN) and not ratio and estimate is None and d_est is not None
            and txt(r["unit"]) == "%"):
        printed += f"; difference {d_est:+.2f} per 100 patients"
    return Evidence(
        source_key=r["source_key"], label=label, printed=printed.strip(), estimate=estimate,
        ci_low=lo, ci_high=hi, ratio=ratio, significant=significant, favours=favours,
        randomised=randomised, unblinded=unblinded_trial or bool(_OPEN.search(design)),
        weak=r["confidence"] == "secondary-source" or bool(_WEAK.search(txt(r.get("confidence_detail"))
                                                                       + " " + label)),
        confidence=r["confidence"], has_ci=lo is not None and hi is not None, blinded=blinded,
        patients=patients, diff_low=d_lo, diff_high=d_hi, diff_estimate=d_est, no_interval=why_not,
        decides=source.decides, note=source.note, better=better, comparable=source.comparable,
    )


def _on_threshold_scale(entry, source, table, ratio, kind, estimate, lo, hi, mis, other):
    """Return (low, high, estimate, why_not): the first-named minus the comparator, on the threshold's scale.

    A difference stays as printed (after ``sign``); a ratio becomes an absolute
    difference per 100 patients when the comparator's risk is printed (the open
    arm, in %); two printed percentages give a point difference per 100 with no
    interval. ``why_not`` says why there is no interval.
    """
    if entry.threshold is None or table == LEARNING:
        return None, None, None, "not a comparison of two treatments"
    if not source.comparable:
        return None, None, None, source.note
    if ratio:
        measure = {"risk ratio": "RR", "odds ratio": "OR"}.get(kind)
        if measure is None:
            return None, None, None, "the ratio is not labelled as a risk or an odds ratio"
        if other is None:
            return None, None, None, "the comparator's risk is not printed, so no absolute difference"

        def per_100(x):
            return absolute_per_100(ratio=x, control_risk_pct=other, measure=measure)

        est = None if estimate is None else per_100(estimate)
        if lo is None:
            return None, None, est, "no 95% CI printed"
        return per_100(lo), per_100(hi), est, ""
    if estimate is None and mis is not None and other is not None:
        estimate = mis - other  # two printed arms: a point difference with no interval
    if lo is None:
        return None, None, estimate, "no 95% CI printed"
    return lo, hi, estimate, ""


def _significance(estimate, lo, hi, null, texts, p=None) -> bool | None:
    """Significant at 5%? From the CI when it clearly includes or excludes the null, else p, else words."""
    if lo is not None and hi is not None and null not in (lo, hi):
        return lo > null or hi < null
    p = p or _first_p(texts)
    if p is not None:
        return p[1] < 0.05 or (p[0] == "<" and p[1] <= 0.05)
    if re.search(r"not significant|no significant|no difference|\bNS\b", texts, re.IGNORECASE):
        return False
    if re.search(r"significant|higher with MIS|lower with MIS", texts, re.IGNORECASE):
        return True
    return None


def _direction(estimate, lo, hi, null, mis, other, texts) -> int:
    """Sign of MIS vs open: from the estimate, the CI, the arms, or words (0 when unknown)."""
    if estimate is not None:
        return int(np.sign(estimate - null))
    if lo is not None and hi is not None:
        return int(np.sign((lo + hi) / 2 - null))
    if mis is not None and other is not None:
        return int(np.sign(mis - other))
    if re.search(r"(higher|more|longer) with (MIS|MID)|MIS (HIGHER|MORE|LONGER)", texts, re.IGNORECASE):
        return 1
    if re.search(r"(lower|less|shorter) with (MIS|MID)", texts, re.IGNORECASE):
        return -1
    return 0


def evidence_rows(entry: MapEntry) -> list[Evidence]:
    """Return the oriented evidence rows of one :class:`MapEntry`."""
    if not isinstance(entry, MapEntry):
        raise TypeError(f"entry must be a MapEntry, got {type(entry).__name__}")
    return [read(s, entry) for s in entry.sources]
