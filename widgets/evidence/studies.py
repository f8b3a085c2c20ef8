"""The outcomes a student can pool, their study rows with a data-quality check, and the published pools.

Lesson 05's study-level data, read from ``data/`` through
:func:`widgets.core.data.load_table`, with no display code:

* an **outcome registry** (:data:`OUTCOMES`): which study-level table feeds each
  meta-analysis, its effect measures and which direction is good for patients;
* :func:`studies`: the study rows of an outcome, normalised, with the results of
  the **data-quality check** (:func:`arm_flags`: missing n or SD, SD of zero, SD
  larger than the mean, SD far smaller than comparable studies report);
* :func:`reference_estimates`: the published pooled estimates, kept as reference
  lines and never pooled with each other (they share primary studies).

:mod:`widgets.evidence.analysis` pools these rows.
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from dataclasses import dataclass

from widgets.core.data import DataError
from widgets.evidence import effects
from widgets.evidence.cells import (
    check_choice,
    data_folder,
    load_plain,
    num,
    row_dicts,
    short_label,
    txt,
)

__all__ = [
    "OUTCOMES",
    "SIGN_UNSTATED",
    "Outcome",
    "arm_flags",
    "measure_for",
    "outcome",
    "reference_estimates",
    "reference_records",
    "studies",
    "study_records",
]


# ----------------------------------------------------------------------------- outcome registry


@dataclass(frozen=True)
class Outcome:
    """One outcome a student can pool: where its studies are and how to read it.

    Attributes
    ----------
    key, label
        Identifier and the name students read.
    kind
        ``continuous`` (arm means and SDs), ``binary`` (event counts),
        ``proportion`` (one proportion per study) or ``difference`` (published
        between-group differences with 95% CIs).
    measures
        Allowed effect measures (:data:`widgets.evidence.effects.MEASURES`); the first is the default.
    unit
        Unit of a difference (empty for ratios).
    better
        ``lower`` or ``higher``: which side of the null is good for patients.
    comparison
        How the effect is oriented (e.g. ``MIS minus open``).
    table
        The data table holding the studies.
    """

    key: str
    label: str
    kind: str
    measures: tuple[str, ...]
    unit: str
    better: str
    comparison: str
    table: str
    technique: str = ""
    reference_pattern: str = ""
    reference_technique: str = ""


def _fusion(key: str, label: str, unit: str, table: str, reference_pattern: str) -> Outcome:
    """Return a continuous outcome of the MIS-TLIF vs open TLIF studies: arm means, lower is better."""
    return Outcome(key, label, "continuous", ("MD", "SMD"), unit, "lower", "MIS minus open", table,
                   reference_pattern=reference_pattern)


def _screw_accuracy(key: str, label: str, technique: str, reference_technique: str) -> Outcome:
    """Return the share of screws placed accurately with one technique (single-technique studies)."""
    return Outcome(key, label, "proportion", ("PLO",), "%", "higher", "screws placed accurately",
                   "study_level_screw_accuracy", technique=technique, reference_technique=reference_technique)


OUTCOMES: dict[str, Outcome] = {
    o.key: o
    for o in (
        _fusion("blood_loss", "Blood loss in lumbar fusion (MIS-TLIF vs open TLIF)", "mL",
                "study_level_blood_loss", r"blood loss"),
        _fusion("length_of_stay", "Length of hospital stay after lumbar fusion (MIS-TLIF vs open TLIF)",
                "days", "study_level_length_of_stay", r"^length of hospital stay$|^hospitalisation time$"),
        _fusion("operative_time", "Operative time of lumbar fusion (MIS-TLIF vs open TLIF)", "min",
                "study_level_operative_time", r"^operative time$"),
        _fusion("fluoroscopy_time", "Fluoroscopy time in lumbar fusion (MIS-TLIF vs open TLIF)", "s",
                "study_level_fluoroscopy_time", r"fluoroscopy\) exposure time"),
        Outcome("complications", "Complications after lumbar fusion (MIS vs open, event counts)",
                "binary", ("OR", "RR"), "", "lower", "MIS vs open", "outcomes_mis_vs_open",
                reference_pattern=r"^complication rate$"),
        Outcome("vertebroplasty_pain", "Pain relief, vertebroplasty vs sham procedure (0-10 scale)",
                "difference", ("GEN",), "points (0-10)", "higher",
                "vertebroplasty minus sham (more pain relief is positive)",
                "study_level_vertebroplasty_vs_sham"),
        _screw_accuracy("screw_accuracy_freehand",
                        "Pedicle-screw accuracy: freehand (single-technique studies)",
                        "freehand", "freehand"),
        _screw_accuracy("screw_accuracy_fluoroscopy",
                        "Pedicle-screw accuracy: fluoroscopy-assisted (single-technique studies)",
                        "fluoroscopy-assisted", "fluoroscopy-assisted"),
        _screw_accuracy("screw_accuracy_navigation",
                        "Pedicle-screw accuracy: navigation (single-technique studies)", "navigation",
                        "CT navigation"),
    )
}


def outcome(key: str) -> Outcome:
    """Return the registered outcome ``key`` (see :data:`OUTCOMES`)."""
    check_choice("outcome", key, OUTCOMES)
    return OUTCOMES[key]


def measure_for(key: str, measure: str = "auto") -> str:
    """Return the effect measure to use: the outcome's default for ``"auto"``."""
    out = outcome(key)
    check_choice("measure", measure, ("auto", *effects.MEASURES))
    if measure == "auto":
        return out.measures[0]
    if measure not in out.measures:
        raise ValueError(f"measure {measure!r} does not apply to {key!r}; allowed: "
                         f"{', '.join(out.measures)}")
    return measure


# ----------------------------------------------------------------------------- data-quality flags


def arm_flags(mean: float | None, sd: float | None, n: float | None,
              reference_cv: float | None = None, floor_ratio: float | None = None) -> tuple[str, ...]:
    """Return the data-quality flags of one study arm (empty when nothing looks wrong).

    Parameters
    ----------
    mean, sd, n
        The arm's reported mean, standard deviation and size (``None`` when not
        reported). The quantity is assumed to be positive (a volume, a time).
    reference_cv
        The median coefficient of variation (SD / mean) of comparable arms in
        other studies of the same outcome, or ``None`` when there are none.
    floor_ratio
        Flag the arm when its own coefficient of variation is below
        ``floor_ratio * reference_cv`` (the documented assumption
        ``spread_cv_floor_ratio``).

    Returns
    -------
    tuple of str
        Among: ``n not reported``, ``mean not reported``, ``SD not reported``,
        ``SD is zero``, ``SD larger than the mean`` (a strongly skewed quantity,
        which a mean and SD describe poorly) and ``SD far smaller than in
        comparable studies (...)``.
    """
    for name, value in (("mean", mean), ("sd", sd), ("n", n), ("reference_cv", reference_cv),
                        ("floor_ratio", floor_ratio)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise TypeError(f"{name} must be a number or None, got {value!r}")
        if value is not None and (math.isnan(value) or value < 0):
            raise ValueError(f"{name} must be >= 0 (or None), got {value!r}")
    flags = []
    if n is None:
        flags.append("n not reported")
    if mean is None:
        flags.append("mean not reported")
    if sd is None:
        flags.append("SD not reported")
    elif sd == 0:
        flags.append("SD is zero")
    elif mean is not None and sd > mean:
        flags.append("SD larger than the mean")
    if (sd and mean and reference_cv and floor_ratio is not None
            and sd / mean < floor_ratio * reference_cv):
        flags.append(f"SD far smaller than in comparable studies (SD/mean {sd / mean:.2f},"
                     f" others' median {reference_cv:.2f})")
    return tuple(flags)


def _floor_ratio() -> float:
    from widgets.core.assumptions import assumption

    return assumption("spread_cv_floor_ratio").value


# ----------------------------------------------------------------------------- study rows


def _continuous(o: Outcome):
    import pandas as pd

    table = load_plain(o.table)
    rows = []
    for r in table.to_dict("records"):
        year = num(r["year"])
        label = f"{short_label(r['study'])} {int(year) if year else txt(r['year_text'])}".strip()
        rows.append({
            "study": label, "year": int(year) if year else None, "source_key": r["source_key"],
            "confidence": r["confidence"], "design": txt(r["design"]),
            "mis_mean": num(r["mis_mean"]), "mis_sd": num(r["mis_sd"]), "mis_n": num(r["mis_n"]),
            "open_mean": num(r["open_mean"]), "open_sd": num(r["open_sd"]),
            "open_n": num(r["open_n"]),
            "mis_text": txt(r["mis_mean_text"]), "open_text": txt(r["open_mean_text"]),
            "verdict": txt(r["usable_for_meta_analysis"]), "trial": r["source_key"],
            "caveats": tuple(c for c in (
                "year flagged for checking in the source" if "verify" in txt(r["year_text"]) else "",
                "secondary-source figures" if r["confidence"] == "secondary-source" else "",
            ) if c),
        })
    floor = _floor_ratio()
    for i, row in enumerate(rows):
        others = [x[f"{arm}_sd"] / x[f"{arm}_mean"] for j, x in enumerate(rows) if j != i
                  for arm in ("mis", "open") if x[f"{arm}_sd"] and x[f"{arm}_mean"]]
        ref = statistics.median(others) if others else None
        flags = []
        for arm, name in (("mis", "MIS arm"), ("open", "open arm")):
            for f in arm_flags(row[f"{arm}_mean"], row[f"{arm}_sd"], row[f"{arm}_n"], ref, floor):
                flags.append(f"{name}: {f}")
        row["flags"] = tuple(flags)
        missing = [f for f in flags if "not reported" in f or "SD is zero" in f]
        if row["mis_mean"] is None and row["mis_text"].startswith("median"):
            row["why_not"] = "reports medians and IQRs, not means and SDs (a conversion would be an estimate)"
        elif row["mis_mean"] is None and row["mis_text"]:
            row["why_not"] = "reports no mean and SD"
        elif missing:
            row["why_not"] = "; ".join(sorted({m.split(': ', 1)[1] for m in missing}))
        else:
            row["why_not"] = ""
        row["poolable"] = not row["why_not"]
        row["flagged"] = row["poolable"] and bool(flags)
    return pd.DataFrame(rows)


_COUNT = re.compile(r"complications\s+(\d+)\s*/\s*(\d+)")


def _binary(o: Outcome):
    import pandas as pd

    table = load_plain(o.table)
    rows = []
    for r in table.to_dict("records"):
        m = _COUNT.search(txt(r["mis_value_text"]))
        c = _COUNT.search(txt(r["open_value_text"]))
        if not (m and c):
            continue
        label = short_label(txt(r["source_label"]) or r["source_key"])
        year = re.search(r"\b(19|20)\d\d\b", label)
        rows.append({
            "study": label, "year": int(year.group(0)) if year else None, "source_key": r["source_key"],
            "confidence": r["confidence"], "design": txt(r["n_studies"]),
            "mis_events": float(m.group(1)), "mis_n": float(m.group(2)),
            "open_events": float(c.group(1)), "open_n": float(c.group(2)),
            "verdict": "counts read from the printed text", "trial": r["source_key"],
            "caveats": ("complications defined by each study",), "flags": (), "why_not": "",
            "poolable": True, "flagged": False,
        })
    if not rows:
        raise DataError(f"data/tables/{o.table}.csv: no rows with complication counts")
    return pd.DataFrame(rows)


def _proportion(o: Outcome):
    import pandas as pd

    table = load_plain(o.table)
    table = table[table["technique"] == o.technique]
    rows = []
    for r in table.to_dict("records"):
        year = num(r["year"])
        year_text = txt(r["year_text"]).split(" (")[0]
        caveats = ["parsed from run-together review tables"]
        if not year:
            caveats.append("year truncated in the source")
        if txt(r["patients_text"]):
            caveats.append(f"patients: {r['patients_text']}")
        rows.append({
            "study": f"{r['study']} {int(year) if year else year_text}", "year": int(year) if year else None,
            "source_key": r["source_key"], "confidence": r["confidence"], "design": txt(r["pathology"]),
            "accuracy_pct": num(r["accuracy_pct"]), "screws": num(r["screws"]),
            "levels": txt(r["levels"]), "verdict": "", "trial": f"{r['study']} {year_text}",
            "caveats": tuple(caveats), "flags": (), "why_not": "", "poolable": True, "flagged": False,
        })
    return pd.DataFrame(rows)


#: A direction note saying that the source does not state which way its difference runs.
SIGN_UNSTATED = re.compile(r"sign (convention )?not (stated|legible)", re.IGNORECASE)


def _difference(o: Outcome):
    import pandas as pd

    table = load_plain(o.table)
    rows = []
    for r in table.to_dict("records"):
        est, lo, hi = num(r["between_group_difference"]), num(r["ci_low"]), num(r["ci_high"])
        caveats = []
        if SIGN_UNSTATED.search(txt(r["direction_note"])):
            caveats.append("sign convention not stated in the source")
        if r["confidence"] == "secondary-source":
            caveats.append("secondary-source figures")
        why = "" if None not in (est, lo, hi) else (
            "binary outcome (proportion with low pain); cannot be pooled with pain differences"
            if r["scale"] == "binary" else "no difference with a CI")
        rows.append({
            "study": f"{short_label(r['trial'])} {int(r['year'])} ({r['timepoint']})", "year": int(r["year"]),
            "source_key": r["source_key"], "confidence": r["confidence"], "design": txt(r["comparison"]),
            "estimate": est, "ci_low": lo, "ci_high": hi, "timepoint": r["timepoint"],
            "verdict": txt(r["direction_note"]), "trial": short_label(r["trial"]),
            "caveats": tuple(caveats), "flags": (), "why_not": why, "poolable": not why,
            "flagged": False,
        })
    frame = pd.DataFrame(rows)
    return frame


_BUILDERS = {"continuous": _continuous, "binary": _binary, "proportion": _proportion,
             "difference": _difference}


@functools.cache
def _studies_cached(key: str, directory: str):
    o = outcome(key)
    frame = _BUILDERS[o.kind](o)
    default = frame["poolable"] & ~frame["flagged"]
    seen: set[str] = set()
    keep = []
    for ok, trial in zip(default, frame["trial"], strict=True):
        keep.append(bool(ok) and trial not in seen)
        if ok:
            seen.add(trial)
    frame["default"] = keep
    return frame


@functools.cache
def _study_records_cached(key: str, directory: str) -> tuple[dict, ...]:
    return tuple(row_dicts(_studies_cached(key, directory)))


def study_records(key: str) -> tuple[dict, ...]:
    """Return the study rows of ``key`` as (shared, read-only) dicts."""
    return _study_records_cached(key, data_folder())


def studies(key: str):
    """Return the study rows of outcome ``key`` as a DataFrame, with data-quality results.

    Columns common to every outcome: ``study`` (short label), ``year``,
    ``source_key``, ``confidence``, ``design``, ``trial`` (one trial may enter a
    pool once), ``flags`` (data-quality flags), ``caveats`` (shown, not
    excluding), ``poolable`` and ``why_not`` (why a row cannot be pooled),
    ``flagged`` (poolable but flagged, so left out unless asked for) and
    ``default`` (pooled when the student has chosen nothing). Read once per
    process and data folder; each call returns a copy.
    """
    outcome(key)
    return _studies_cached(key, data_folder()).copy()


# ----------------------------------------------------------------------------- reference lines


def reference_estimates(key: str, measure: str = "auto"):
    """Return the published pooled estimates for outcome ``key`` (reference lines, never pooled).

    Columns: ``source`` (label), ``estimate``, ``ci_low``, ``ci_high`` (empty
    when not printed), ``studies`` (as printed), ``source_key``, ``confidence``
    and ``note``. Empty when no published estimate is on the measure's scale.
    """
    outcome(key)
    code = measure_for(key, measure)
    return _references_cached(key, code, data_folder()).copy()


def reference_records(key: str, code: str) -> tuple[dict, ...]:
    """Return :func:`reference_estimates` of ``key`` on the scale of measure ``code`` as (shared) dicts."""
    return _reference_records_cached(key, code, data_folder())


@functools.cache
def _reference_records_cached(key: str, code: str, directory: str) -> tuple[dict, ...]:
    return tuple(row_dicts(_references_cached(key, code, directory)))


@functools.cache
def _references_cached(key: str, code: str, directory: str):
    """Return the published pooled estimates for outcome ``key`` (reference lines, never pooled).

    Columns: ``source`` (label), ``estimate``, ``ci_low``, ``ci_high`` (empty
    when not printed), ``studies`` (as printed), ``source_key``, ``confidence``
    and ``note``. Empty when no published estimate is on the measure's scale.
    """
    import pandas as pd

    o = outcome(key)
    cols = ["source", "estimate", "ci_low", "ci_high", "studies", "source_key", "confidence", "note"]
    rows = []
    if o.kind == "proportion":
        t = load_plain("screw_accuracy")
        t = t[(t["technique"] == o.reference_technique) & t["accuracy_pct"].notna()]
        for r in t.to_dict("records"):
            rows.append({"source": f"{short_label(r['source_label'])} ({r['technique']})",
                         "estimate": r["accuracy_pct"], "ci_low": None, "ci_high": None,
                         "studies": r["n_studies"], "source_key": r["source_key"],
                         "confidence": r["confidence"], "note": r["metric"]})
    elif o.reference_pattern and code in ("MD", "OR", "RR"):
        t = load_plain("outcomes_mis_vs_open")
        t = t[(t["topic"] == "MIS-TLIF vs open TLIF")
              & t["outcome"].str.contains(o.reference_pattern, regex=True)]
        for r in t.to_dict("records"):
            est, lo, hi = num(r["pooled_difference"]), num(r["ci_low"]), num(r["ci_high"])
            if est is None and lo is None:
                continue
            kind = txt(r["effect_measure"])
            if code in ("OR", "RR"):
                if kind not in ("risk ratio", "odds ratio", "ratio"):
                    continue
                if kind != "ratio" and kind != {"OR": "odds ratio", "RR": "risk ratio"}[code]:
                    continue
            elif kind not in ("difference", ""):
                continue
            note = "point estimate not printed (CI only)" if est is None else (
                "CI not printed" if lo is None else "")
            if kind == "ratio":
                note = "; ".join(x for x in (note, "ratio type not clear in the abstract") if x)
            rows.append({"source": short_label(txt(r["source_label"])), "estimate": est, "ci_low": lo,
                         "ci_high": hi, "studies": txt(r["n_studies"]), "source_key": r["source_key"],
                         "confidence": r["confidence"], "note": note})
    return pd.DataFrame(rows, columns=cols)
