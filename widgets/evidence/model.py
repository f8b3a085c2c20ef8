"""The evidence on MISS against open surgery, from the cited tables: analyses and summaries.

Lesson 05's models, with no display code:

* an **outcome registry** (:data:`OUTCOMES`): which study-level table feeds each
  meta-analysis, its effect measures and which direction is good for patients;
* :func:`studies`: the study rows of an outcome, normalised, with the results of
  the **data-quality check** (:func:`arm_flags`: missing n or SD, SD of zero, SD
  larger than the mean, SD far smaller than comparable studies report);
* :func:`meta_analysis`: pool the chosen studies with :func:`widgets.evidence.meta.pool`;
  :func:`reference_estimates`: the published pooled estimates, kept as reference
  lines and never pooled with each other (they share primary studies);
* tables the lesson shows (:func:`study_table`, :func:`pooling_by_hand_table`,
  :func:`model_comparison_table`, :func:`weight_shift_table`, :func:`screw_accuracy_table`,
  :func:`trial_table`, :func:`blinding_table`);
* :func:`evidence_map`: what the evidence shows, outcome by outcome, generated
  from the rows of the tables by one documented rule (:func:`classify`, built on
  :mod:`widgets.evidence.certainty`): whether a difference is clinically important (the
  95% CI against a cited MCID or a labelled assumption) and how certain it is
  (GRADE-like, from the designs actually pooled). Comparisons of MISS with open
  surgery, of a procedure with a sham, and of MISS with itself while learning
  are kept in separate groups (:data:`GROUPS`).

Every number comes from ``data/`` through :func:`widgets.core.data.load_table`.
"""

from __future__ import annotations

import functools
import math
import os
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from widgets.core.data import DataError, cite, data_dir, load_table
from widgets.evidence import meta
from widgets.evidence.certainty import (
    absolute_per_100,
    assumed_threshold,
    certainty,
    mcid_threshold,
    read_importance,
)

__all__ = [
    "GROUPS",
    "OUTCOMES",
    "VERDICTS",
    "Analysis",
    "Evidence",
    "MapEntry",
    "Outcome",
    "Verdict",
    "arm_flags",
    "assumptions_table",
    "blinding_summary",
    "blinding_table",
    "display_digits",
    "classify",
    "evidence_map",
    "forest_rows",
    "forest_table",
    "funnel_table",
    "funnel_lines",
    "lesson_references",
    "library_check",
    "meta_analysis",
    "model_comparison_table",
    "outcome",
    "pooled_value",
    "pooling_by_hand_table",
    "reference_estimates",
    "screw_accuracy_table",
    "study_table",
    "studies",
    "study_effects",
    "threshold_of",
    "threshold_table",
    "trial_table",
    "weight_share",
    "verdict",
    "weight_shift_table",
]


# ----------------------------------------------------------------------------- small helpers


def _num(value: Any) -> float | None:
    """Return a finite float, or None for an empty cell."""
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _txt(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _g(x: float | None, digits: int | None = None) -> str:
    """Format a number compactly (``None`` as an empty string)."""
    if x is None:
        return ""
    if digits is not None:
        x = round(x, digits)
        if x == 0:
            x = 0.0  # no "-0"
        return f"{x:.{digits}f}"
    return f"{x:g}"


def _short(label: str) -> str:
    """Return the part of a study or trial label before its first parenthesis."""
    return re.split(r"\s+\(", label.strip(), maxsplit=1)[0].strip()


def _table(name: str):
    """Return table ``name`` without its schema in ``attrs`` (pandas deep-copies attrs on every step)."""
    frame = load_table(name)
    frame.attrs = {}
    return frame


def display_digits(measure: str) -> int:
    """Decimals to show for a measure: 2 for ratios and small scales, 1 for mL, minutes, %."""
    return 2 if (meta.MEASURES[measure].is_ratio or measure in ("SMD", "GEN")) else 1


def _check_choice(name: str, value: Any, choices: Iterable[Any]) -> None:
    choices = tuple(choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; allowed: {', '.join(map(str, choices))}")


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
        Allowed effect measures (:data:`widgets.evidence.meta.MEASURES`); the first is the default.
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


OUTCOMES: dict[str, Outcome] = {
    o.key: o
    for o in (
        Outcome("blood_loss", "Blood loss in lumbar fusion (MIS-TLIF vs open TLIF)", "continuous",
                ("MD", "SMD"), "mL", "lower", "MIS minus open", "study_level_blood_loss",
                reference_pattern=r"blood loss"),
        Outcome("length_of_stay", "Length of hospital stay after lumbar fusion (MIS-TLIF vs open TLIF)",
                "continuous", ("MD", "SMD"), "days", "lower", "MIS minus open",
                "study_level_length_of_stay",
                reference_pattern=r"^length of hospital stay$|^hospitalisation time$"),
        Outcome("operative_time", "Operative time of lumbar fusion (MIS-TLIF vs open TLIF)", "continuous",
                ("MD", "SMD"), "min", "lower", "MIS minus open", "study_level_operative_time",
                reference_pattern=r"^operative time$"),
        Outcome("fluoroscopy_time", "Fluoroscopy time in lumbar fusion (MIS-TLIF vs open TLIF)",
                "continuous", ("MD", "SMD"), "s", "lower", "MIS minus open",
                "study_level_fluoroscopy_time",
                reference_pattern=r"fluoroscopy\) exposure time"),
        Outcome("complications", "Complications after lumbar fusion (MIS vs open, event counts)",
                "binary", ("OR", "RR"), "", "lower", "MIS vs open", "outcomes_mis_vs_open",
                reference_pattern=r"^complication rate$"),
        Outcome("vertebroplasty_pain", "Pain relief, vertebroplasty vs sham procedure (0-10 scale)",
                "difference", ("GEN",), "points (0-10)", "higher",
                "vertebroplasty minus sham (more pain relief is positive)",
                "study_level_vertebroplasty_vs_sham"),
        Outcome("screw_accuracy_freehand", "Pedicle-screw accuracy: freehand (single-technique studies)",
                "proportion", ("PLO",), "%", "higher", "screws placed accurately",
                "study_level_screw_accuracy", technique="freehand", reference_technique="freehand"),
        Outcome("screw_accuracy_fluoroscopy",
                "Pedicle-screw accuracy: fluoroscopy-assisted (single-technique studies)", "proportion",
                ("PLO",), "%", "higher", "screws placed accurately", "study_level_screw_accuracy",
                technique="fluoroscopy-assisted", reference_technique="fluoroscopy-assisted"),
        Outcome("screw_accuracy_navigation", "Pedicle-screw accuracy: navigation (single-technique studies)",
                "proportion", ("PLO",), "%", "higher", "screws placed accurately",
                "study_level_screw_accuracy", technique="navigation", reference_technique="CT navigation"),
    )
}


def outcome(key: str) -> Outcome:
    """Return the registered outcome ``key`` (see :data:`OUTCOMES`)."""
    _check_choice("outcome", key, OUTCOMES)
    return OUTCOMES[key]


_get_outcome = outcome


def measure_for(key: str, measure: str = "auto") -> str:
    """Return the effect measure to use: the outcome's default for ``"auto"``."""
    out = outcome(key)
    _check_choice("measure", measure, ("auto", *meta.MEASURES))
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

    table = _table(o.table)
    rows = []
    for r in table.to_dict("records"):
        year = _num(r["year"])
        label = f"{_short(r['study'])} {int(year) if year else _txt(r['year_text'])}".strip()
        rows.append({
            "study": label, "year": int(year) if year else None, "source_key": r["source_key"],
            "confidence": r["confidence"], "design": _txt(r["design"]),
            "mis_mean": _num(r["mis_mean"]), "mis_sd": _num(r["mis_sd"]), "mis_n": _num(r["mis_n"]),
            "open_mean": _num(r["open_mean"]), "open_sd": _num(r["open_sd"]),
            "open_n": _num(r["open_n"]),
            "mis_text": _txt(r["mis_mean_text"]), "open_text": _txt(r["open_mean_text"]),
            "verdict": _txt(r["usable_for_meta_analysis"]), "trial": r["source_key"],
            "caveats": tuple(c for c in (
                "year flagged for checking in the source" if "verify" in _txt(r["year_text"]) else "",
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

    table = _table(o.table)
    rows = []
    for r in table.to_dict("records"):
        m = _COUNT.search(_txt(r["mis_value_text"]))
        c = _COUNT.search(_txt(r["open_value_text"]))
        if not (m and c):
            continue
        label = _short(_txt(r["source_label"]) or r["source_key"])
        year = re.search(r"\b(19|20)\d\d\b", label)
        rows.append({
            "study": label, "year": int(year.group(0)) if year else None, "source_key": r["source_key"],
            "confidence": r["confidence"], "design": _txt(r["n_studies"]),
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

    table = _table(o.table)
    table = table[table["technique"] == o.technique]
    rows = []
    for r in table.to_dict("records"):
        year = _num(r["year"])
        year_text = _txt(r["year_text"]).split(" (")[0]
        caveats = ["parsed from run-together review tables"]
        if not year:
            caveats.append("year truncated in the source")
        if _txt(r["patients_text"]):
            caveats.append(f"patients: {r['patients_text']}")
        rows.append({
            "study": f"{r['study']} {int(year) if year else year_text}", "year": int(year) if year else None,
            "source_key": r["source_key"], "confidence": r["confidence"], "design": _txt(r["pathology"]),
            "accuracy_pct": _num(r["accuracy_pct"]), "screws": _num(r["screws"]),
            "levels": _txt(r["levels"]), "verdict": "", "trial": f"{r['study']} {year_text}",
            "caveats": tuple(caveats), "flags": (), "why_not": "", "poolable": True, "flagged": False,
        })
    return pd.DataFrame(rows)


def _difference(o: Outcome):
    import pandas as pd

    table = _table(o.table)
    rows = []
    for r in table.to_dict("records"):
        est, lo, hi = _num(r["between_group_difference"]), _num(r["ci_low"]), _num(r["ci_high"])
        caveats = []
        if _SIGN_UNSTATED.search(_txt(r["direction_note"])):
            caveats.append("sign convention not stated in the source")
        if r["confidence"] == "secondary-source":
            caveats.append("secondary-source figures")
        why = "" if None not in (est, lo, hi) else (
            "binary outcome (proportion with low pain); cannot be pooled with pain differences"
            if r["scale"] == "binary" else "no difference with a CI")
        rows.append({
            "study": f"{_short(r['trial'])} {int(r['year'])} ({r['timepoint']})", "year": int(r["year"]),
            "source_key": r["source_key"], "confidence": r["confidence"], "design": _txt(r["comparison"]),
            "estimate": est, "ci_low": lo, "ci_high": hi, "timepoint": r["timepoint"],
            "verdict": _txt(r["direction_note"]), "trial": _short(r["trial"]),
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


_DEFAULT_DIR: list[str] = []


def _dir() -> str:
    """Return the data folder as a string, cheaply (``MISS_DATA_DIR`` still wins when set)."""
    override = os.environ.get("MISS_DATA_DIR")
    if override:
        return str(data_dir())
    if not _DEFAULT_DIR:
        _DEFAULT_DIR.append(str(data_dir()))
    return _DEFAULT_DIR[0]


@functools.cache
def _study_records_cached(key: str, directory: str) -> tuple[dict, ...]:
    return tuple(_records(_studies_cached(key, directory)))


def _study_records(key: str) -> tuple[dict, ...]:
    """Return the study rows of ``key`` as (shared, read-only) dicts."""
    return _study_records_cached(key, _dir())


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
    return _studies_cached(key, _dir()).copy()


# ----------------------------------------------------------------------------- analyses


@dataclass(frozen=True)
class Analysis:
    """One meta-analysis of cited study data, as the explorer shows it.

    Attributes
    ----------
    outcome, measure
        The :class:`Outcome` and effect-measure code.
    rows
        The pooled study rows (from :func:`studies`) with ``yi``, ``vi``, the
        study's own CI on the display scale (``effect``, ``low``, ``high``) and
        its ``weight`` in %.
    result
        The :class:`widgets.evidence.meta.PoolResult` (on the pooling scale).
    """

    outcome: Outcome
    measure: str
    rows: Any
    result: meta.PoolResult

    def _show(self, x: float | None) -> float | None:
        return None if x is None else meta.back_transform(self.measure, x)

    @property
    def estimate(self) -> float:
        """Pooled effect on the display scale (ratio, %, or difference)."""
        return self._show(self.result.estimate)

    @property
    def ci_low(self) -> float:
        """Lower confidence bound, display scale."""
        return self._show(self.result.ci_low)

    @property
    def ci_high(self) -> float:
        """Upper confidence bound, display scale."""
        return self._show(self.result.ci_high)

    @property
    def pi_low(self) -> float | None:
        """Lower prediction bound, display scale (None when undefined)."""
        return self._show(self.result.pi_low)

    @property
    def pi_high(self) -> float | None:
        """Upper prediction bound, display scale (None when undefined)."""
        return self._show(self.result.pi_high)

    @property
    def unit(self) -> str:
        """Unit of the display scale."""
        m = meta.MEASURES[self.measure]
        if m.is_ratio or self.measure == "SMD":
            return ""
        return self.outcome.unit

    @property
    def source_keys(self) -> tuple[str, ...]:
        """Source keys of the pooled studies."""
        return tuple(dict.fromkeys(self.rows["source_key"]))

    def summary_rows(self) -> list[dict[str, str]]:
        """Return the pooled result as readable rows (quantity, value): the table behind the figure."""
        r, m = self.result, meta.MEASURES[self.measure]
        digits = display_digits(self.measure)
        unit = f" {self.unit}" if self.unit and self.unit != "%" else ("%" if self.unit == "%" else "")
        pct = round(100 * r.level)
        model = {"fixed": "fixed effect", "DL": "random effects (DerSimonian-Laird)",
                 "REML": "random effects (REML)", "PM": "random effects (Paule-Mandel)"}[r.model]

        def show(x):
            return f"{_g(x, digits)}{unit}"

        rows = [
            {"quantity": "studies pooled", "value": str(r.k)},
            {"quantity": "model", "value": model},
            {"quantity": f"pooled {m.name}", "value": show(self.estimate)},
            {"quantity": f"{pct}% confidence interval",
             "value": f"{show(self.ci_low)} to {show(self.ci_high)}"},
        ]
        if r.model == "fixed":
            pi = "not used: a fixed-effect model assumes no between-study variation"
        elif r.k < 3:
            pi = "not defined with fewer than 3 studies (it needs k - 2 degrees of freedom)"
        else:
            pi = f"{show(self.pi_low)} to {show(self.pi_high)}"
        rows.append({"quantity": f"{pct}% prediction interval (a new study)", "value": pi})
        if r.k > 1:
            rows += [
                {"quantity": "Cochran's Q (df, p)", "value": f"{r.q:.2f} ({r.df}, p = {_p(r.p_q)})"},
                {"quantity": "I² (share of variation beyond chance)", "value": f"{r.i2:.1f}%"},
                {"quantity": "tau² (between-study variance, pooling scale)",
                 "value": "0 (assumed)" if r.model == "fixed" else f"{r.tau2:.4g}"},
            ]
        else:
            rows.append({"quantity": "heterogeneity", "value": "one study: nothing to compare"})
        return rows


def _p(p: float | None) -> str:
    if p is None:
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _select_records(key: str, include: Sequence[str] | None, include_flagged: bool) -> list[dict]:
    """Return the study records to pool (see :func:`select`)."""
    records = _study_records(key)
    if not isinstance(include_flagged, bool):
        raise TypeError(f"include_flagged must be True or False, got {include_flagged!r}")
    if include is None:
        picked, seen = [], set()
        for r in records:  # a flagged row of a trial already in the pool does not enter twice
            if (r["default"] or (r["flagged"] and include_flagged)) and r["trial"] not in seen:
                picked.append(r)
                seen.add(r["trial"])
    else:
        if isinstance(include, str) or not all(isinstance(s, str) for s in include):
            raise TypeError("include must be a list of study labels")
        labels = [r["study"] for r in records]
        unknown = [s for s in include if s not in labels]
        if unknown:
            raise ValueError(f"unknown stud{'y' if len(unknown) == 1 else 'ies'} {unknown} for {key!r};"
                             f" known: {', '.join(labels)}")
        wanted = set(include)
        picked = [r for r in records if r["study"] in wanted]
        for r in picked:
            if not r["poolable"]:
                raise ValueError(f"{r['study']} cannot be pooled: {r['why_not']}")
        trials = [r["trial"] for r in picked]
        for t in trials:
            if trials.count(t) > 1:
                raise ValueError(f"{t} is included twice (two time points of one trial);"
                                 " a trial may enter a pool once")
    if not picked:
        raise ValueError(f"no study selected for {key!r}: choose at least one")
    return [dict(r) for r in picked]


def select(key: str, include: Sequence[str] | None = None, include_flagged: bool = False):
    """Return the study rows to pool: ``include`` by label, or the defaults, as a DataFrame.

    Raises
    ------
    ValueError
        For an unknown label, a row that cannot be pooled, the same trial twice,
        or an empty selection.
    """
    import pandas as pd

    outcome(key)
    return pd.DataFrame(_select_records(key, include, include_flagged))


def _columns(records: Sequence[dict], *names: str) -> list[np.ndarray]:
    return [np.array([r[n] for r in records], dtype=float) for n in names]


def _effects(o: Outcome, measure: str, records: Sequence[dict]):
    if o.kind == "continuous":
        fn = meta.mean_difference if measure == "MD" else meta.standardized_mean_difference
        return fn(*_columns(records, "mis_mean", "mis_sd", "mis_n", "open_mean", "open_sd", "open_n"))
    if o.kind == "binary":
        fn = meta.log_odds_ratio if measure == "OR" else meta.log_risk_ratio
        return fn(*_columns(records, "mis_events", "mis_n", "open_events", "open_n"))
    if o.kind == "proportion":
        pct, screws = _columns(records, "accuracy_pct", "screws")
        return meta.logit_proportion(pct / 100, screws)
    return meta.from_confidence_interval(*_columns(records, "estimate", "ci_low", "ci_high"))


def _with_effects(records: list[dict], code: str, yi, vi, level: float) -> list[dict]:
    """Add each study's effect and interval (display scale); a published 95% CI is shown as printed."""
    z = meta._z(level)
    effect = np.atleast_1d(meta.back_transform(code, yi))
    low = np.atleast_1d(meta.back_transform(code, yi - z * np.sqrt(vi)))
    high = np.atleast_1d(meta.back_transform(code, yi + z * np.sqrt(vi)))
    for i, r in enumerate(records):
        r.update(yi=float(yi[i]), vi=float(vi[i]), effect=float(effect[i]), low=float(low[i]),
                 high=float(high[i]))
        if code == "GEN" and abs(level - 0.95) < 1e-12:
            r.update(low=float(r["ci_low"]), high=float(r["ci_high"]))
    return records


def meta_analysis(outcome: str = "blood_loss", measure: str = "auto", model: str = "REML",
                  include: Sequence[str] | None = None, include_flagged: bool = False,
                  level: float = 0.95) -> Analysis:
    """Pool the studies of ``outcome`` and return an :class:`Analysis`.

    Parameters
    ----------
    outcome
        A key of :data:`OUTCOMES`.
    measure
        ``"auto"`` (the outcome's default) or one of its allowed measures.
    model
        ``"fixed"``, ``"DL"``, ``"REML"`` or ``"PM"``.
    include
        Study labels to pool; by default every poolable, unflagged study (one
        row per trial).
    include_flagged
        With the default selection, also pool the rows the data-quality check flagged.
    level
        Confidence level, between 0 and 1.
    """
    import pandas as pd

    o = _get_outcome(outcome)
    code = measure_for(outcome, measure)
    records = _select_records(outcome, include, include_flagged)
    yi, vi = _effects(o, code, records)
    result = meta.pool(yi, vi, model, level)
    _with_effects(records, code, yi, vi, level)
    for r, w in zip(records, result.weights, strict=True):
        r["weight"] = w
    return Analysis(o, code, pd.DataFrame(records), result)


def pooled_value(outcome: str = "blood_loss", quantity: str = "estimate", model: str = "REML",
                 measure: str = "auto", include_flagged: bool = False, level: float = 0.95) -> float:
    """Return one number of a default meta-analysis (for quiz keys and tests).

    ``quantity`` is ``estimate``, ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``
    (display scale), ``tau2``, ``tau``, ``q``, ``i2``, ``h2`` or ``k``.
    """
    a = meta_analysis(outcome, measure, model, None, include_flagged, level)
    display = ("estimate", "ci_low", "ci_high", "pi_low", "pi_high")
    pooled = ("tau2", "tau", "q", "i2", "h2", "k")
    _check_choice("quantity", quantity, display + pooled)
    value = getattr(a, quantity) if quantity in display else getattr(a.result, quantity)
    if value is None:
        raise ValueError(f"{quantity} is undefined for this analysis ({a.result.k} studies, "
                         f"model {a.result.model})")
    return float(value)


def weight_share(outcome: str = "blood_loss", study: str = "", model: str = "fixed",
                 include_flagged: bool = True) -> float:
    """Return the share of the weight (%) that ``study`` takes in a default pool."""
    a = meta_analysis(outcome, "auto", model, None, include_flagged)
    hit = a.rows[a.rows["study"] == study]
    if hit.empty:
        raise ValueError(f"{study!r} is not in the pool; pooled: {', '.join(a.rows['study'])}")
    return float(hit["weight"].iloc[0])


def _records(frame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as dicts (faster than ``to_dict("records")`` on small frames)."""
    cols = list(frame.columns)
    return [dict(zip(cols, values, strict=True)) for values in zip(*(frame[c].tolist() for c in cols),
                                                                    strict=True)]


def study_effects(key: str, measure: str = "auto", level: float = 0.95):
    """Return every poolable study of ``key`` with its own effect and CI (display scale)."""
    import pandas as pd

    code = measure_for(key, measure)
    meta._z(level)
    return pd.DataFrame([dict(r) for r in _study_effects_cached(key, code, float(level), _dir())])


@functools.cache
def _study_effects_cached(key: str, code: str, level: float, directory: str) -> tuple[dict, ...]:
    records = [dict(r) for r in _study_records(key) if r["poolable"]]
    yi, vi = _effects(outcome(key), code, records)
    return tuple(_with_effects(records, code, yi, vi, level))


_MODEL_NAMES = {"fixed": "fixed effect", "DL": "random effects, DerSimonian-Laird",
                "REML": "random effects, REML", "PM": "random effects, Paule-Mandel"}


def forest_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """Return the rows of a forest plot for ``analysis``, top to bottom.

    Each row has ``label``, ``kind`` (``study``: pooled; ``excluded``: poolable
    but left out; ``pooled``; ``prediction``; ``reference``: a published pooled
    estimate; ``reference-ci``: a published CI without a point estimate),
    ``effect``, ``low``, ``high`` (display scale; ``effect`` is None for
    ``prediction`` and ``reference-ci``, ``low``/``high`` None when not printed)
    and ``weight`` (%, pooled studies only).
    """
    if not isinstance(analysis, Analysis):
        raise TypeError(f"analysis must be an Analysis, got {type(analysis).__name__}")
    a = analysis
    effects = _study_effects_cached(a.outcome.key, a.measure, float(a.result.level), _dir())
    weights = dict(zip(a.rows["study"], a.rows["weight"], strict=True))
    out: list[dict[str, Any]] = []
    for r in effects:
        pooled = r["study"] in weights
        out.append({"label": r["study"] if pooled else f"{r['study']} (left out)",
                    "kind": "study" if pooled else "excluded", "effect": float(r["effect"]),
                    "low": float(r["low"]), "high": float(r["high"]),
                    "weight": weights.get(r["study"]), "source_key": r["source_key"]})
    out.append({"label": f"pooled: {_MODEL_NAMES[a.result.model]}", "kind": "pooled",
                "effect": a.estimate, "low": a.ci_low, "high": a.ci_high, "weight": 100.0,
                "source_key": ""})
    if a.pi_low is not None:
        out.append({"label": "prediction interval (a new study)", "kind": "prediction", "effect": None,
                    "low": a.pi_low, "high": a.pi_high, "weight": None, "source_key": ""})
    for r in _reference_records(a.outcome.key, a.measure, _dir()):
        est, lo, hi = _num(r["estimate"]), _num(r["ci_low"]), _num(r["ci_high"])
        out.append({"label": f"published: {r['source']}", "kind": "reference" if est is not None
                    else "reference-ci", "effect": est, "low": lo, "high": hi, "weight": None,
                    "source_key": r["source_key"]})
    return out


def forest_table(key: str, measure: str = "auto", model: str = "REML"):
    """Return the rows of a default forest plot as a table (the data behind the figure)."""
    import pandas as pd

    a = meta_analysis(key, measure, model)
    digits = display_digits(a.measure)
    out = []
    for r in forest_rows(a):
        out.append({"row": r["label"],
                    "estimate": "" if r["effect"] is None else _g(r["effect"], digits),
                    f"{round(100 * a.result.level)}% interval": "" if r["low"] is None else
                    f"{_g(r['low'], digits)} to {_g(r['high'], digits)}",
                    "weight (%)": "" if r["weight"] is None or r["kind"] != "study" else _g(r["weight"], 1),
                    "source": r["source_key"]})
    return pd.DataFrame(out).set_index("row")


def funnel_table(key: str, measure: str = "auto", model: str = "REML"):
    """Return the data behind a funnel plot: each study's effect, standard error, and where it falls.

    ``distance`` is (effect - pooled) / SE on the pooling scale; beyond ±1.96 a
    study lies outside the pseudo 95% limits.
    """
    import pandas as pd

    a = meta_analysis(key, measure, model)
    z = meta._z(a.result.level)
    out = []
    for r in _records(a.rows):
        se = math.sqrt(r["vi"])
        d = (r["yi"] - a.result.estimate) / se
        out.append({"study": r["study"], "effect": _g(r["effect"], display_digits(a.measure)),
                    "SE (pooling scale)": _g(se, 3), "distance from pooled (SEs)": _g(d, 2),
                    "outside the pseudo limits": "yes" if abs(d) > z else "no",
                    "source": r["source_key"]})
    return pd.DataFrame(out).set_index("study")


def funnel_lines(analysis: Analysis, n_points: int = 41) -> dict[str, list[float]]:
    """Return the pseudo-confidence limits of a funnel plot around the pooled estimate.

    For standard errors from 0 to 1.1 times the largest study's, the limits
    ``estimate ± z SE`` (pooling scale), back-transformed to the display scale.
    Keys: ``se``, ``low``, ``high``, and ``study_se``, ``study_effect``.
    """
    a = analysis
    se_study = np.sqrt(a.rows["vi"].to_numpy(float))
    se = np.linspace(0.0, 1.1 * float(se_study.max()), n_points)
    z = meta._z(a.result.level)
    low = meta.back_transform(a.measure, a.result.estimate - z * se)
    high = meta.back_transform(a.measure, a.result.estimate + z * se)
    return {"se": se.tolist(), "low": np.atleast_1d(low).tolist(), "high": np.atleast_1d(high).tolist(),
            "study_se": se_study.tolist(), "study_effect": a.rows["effect"].astype(float).tolist()}


# ----------------------------------------------------------------------------- reference lines


def reference_estimates(key: str, measure: str = "auto"):
    """Return the published pooled estimates for outcome ``key`` (reference lines, never pooled).

    Columns: ``source`` (label), ``estimate``, ``ci_low``, ``ci_high`` (empty
    when not printed), ``studies`` (as printed), ``source_key``, ``confidence``
    and ``note``. Empty when no published estimate is on the measure's scale.
    """
    outcome(key)
    code = measure_for(key, measure)
    return _references_cached(key, code, _dir()).copy()


@functools.cache
def _reference_records(key: str, code: str, directory: str) -> tuple[dict, ...]:
    return tuple(_records(_references_cached(key, code, directory)))


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
        t = _table("screw_accuracy")
        t = t[(t["technique"] == o.reference_technique) & t["accuracy_pct"].notna()]
        for r in t.to_dict("records"):
            rows.append({"source": f"{_short(r['source_label'])} ({r['technique']})",
                         "estimate": r["accuracy_pct"], "ci_low": None, "ci_high": None,
                         "studies": r["n_studies"], "source_key": r["source_key"],
                         "confidence": r["confidence"], "note": r["metric"]})
    elif o.reference_pattern and code in ("MD", "OR", "RR"):
        t = _table("outcomes_mis_vs_open")
        t = t[(t["topic"] == "MIS-TLIF vs open TLIF")
              & t["outcome"].str.contains(o.reference_pattern, regex=True)]
        for r in t.to_dict("records"):
            est, lo, hi = _num(r["pooled_difference"]), _num(r["ci_low"]), _num(r["ci_high"])
            if est is None and lo is None:
                continue
            kind = _txt(r["effect_measure"])
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
            rows.append({"source": _short(_txt(r["source_label"])), "estimate": est, "ci_low": lo,
                         "ci_high": hi, "studies": _txt(r["n_studies"]), "source_key": r["source_key"],
                         "confidence": r["confidence"], "note": note})
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------- tables for the lesson


def _arm(mean, sd, n, text=""):
    mean, sd, n = _num(mean), _num(sd), _num(n)
    if mean is None:
        return f"{text or 'not reported'}, n {_g(n)}"
    spread = f" ({_g(sd)})" if sd is not None else " (SD not reported)"
    return f"{_g(mean)}{spread}, n {_g(n)}"


def study_table(key: str = "blood_loss"):
    """Return the studies of an outcome as students read them, with the data-quality check."""
    import pandas as pd

    o = outcome(key)
    frame = studies(key)
    out = []
    for r in frame.to_dict("records"):
        row = {"study": r["study"], "design": r["design"]}
        if o.kind == "continuous":
            row[f"MIS: mean (SD), n [{o.unit}]"] = _arm(r["mis_mean"], r["mis_sd"], r["mis_n"], r["mis_text"])
            row[f"open: mean (SD), n [{o.unit}]"] = _arm(r["open_mean"], r["open_sd"], r["open_n"],
                                                          r["open_text"])
            row["suitable for pooling"] = r["verdict"]
        elif o.kind == "binary":
            row["MIS: events / n"] = f"{_g(r['mis_events'])} / {_g(r['mis_n'])}"
            row["open: events / n"] = f"{_g(r['open_events'])} / {_g(r['open_n'])}"
        elif o.kind == "proportion":
            row["accuracy (%)"] = _g(r["accuracy_pct"])
            row["screws"] = _g(r["screws"])
        else:
            row["difference (95% CI)"] = (f"{_g(r['estimate'])} ({_g(r['ci_low'])} to {_g(r['ci_high'])})"
                                          if r["poolable"] else "not a difference")
        row["data-quality check"] = "; ".join(r["flags"]) or "no flag"
        row["pooled by default"] = ("yes" if r["default"] else
                                    f"no: {r['why_not']}" if not r["poolable"] else
                                    "no: flagged" if r["flagged"] else "no: same trial already pooled")
        row["caveats"] = "; ".join(r["caveats"])
        row["confidence"] = r["confidence"]
        row["source"] = r["source_key"]
        out.append(row)
    return pd.DataFrame(out).set_index("study")


def pooling_by_hand_table(key: str = "blood_loss"):
    """Return the fixed-effect pool of the default studies, step by step.

    Per study: the difference ``y``, its variance ``v = SD1²/n1 + SD2²/n2``, its
    standard error, the weight ``w = 1/v`` and its share, and ``w·y``; the last
    row is ``sum(w·y) / sum(w)`` with its standard error ``1/sqrt(sum(w))``.
    """
    import pandas as pd

    a = meta_analysis(key, "MD", "fixed")
    rows = []
    for r in a.rows.to_dict("records"):
        w = 1 / r["vi"]
        rows.append({"study": r["study"], f"y = MIS − open ({a.unit})": round(r["yi"], 1),
                     "v = SD₁²/n₁ + SD₂²/n₂": round(r["vi"], 2), "SE = √v": round(math.sqrt(r["vi"]), 2),
                     "w = 1/v": round(w, 5), "share of weight (%)": round(r["weight"], 1),
                     "w·y": round(w * r["yi"], 3)})
    total_w = float(np.sum(1 / a.rows["vi"]))
    rows.append({"study": "fixed-effect pool: Σw·y / Σw", f"y = MIS − open ({a.unit})": round(a.estimate, 1),
                 "v = SD₁²/n₁ + SD₂²/n₂": round(1 / total_w, 2), "SE = √v": round(a.result.se, 2),
                 "w = 1/v": round(total_w, 5), "share of weight (%)": 100.0,
                 "w·y": round(float(np.sum(a.rows["yi"] / a.rows["vi"])), 3)})
    return pd.DataFrame(rows).set_index("study")


def model_comparison_table(key: str = "blood_loss", measure: str = "auto", include_flagged: bool = False,
                           models: Sequence[str] = ("fixed", "DL", "REML")):
    """Return the same studies pooled under each model: estimate, intervals, tau², I²."""
    import pandas as pd

    names = {"fixed": "fixed effect", "DL": "random effects, DerSimonian-Laird",
             "REML": "random effects, REML", "PM": "random effects, Paule-Mandel"}
    out = []
    for model in models:
        a = meta_analysis(key, measure, model, None, include_flagged)
        m = meta.MEASURES[a.measure]
        digits = display_digits(a.measure)
        r = a.result
        pi = ("—" if r.model == "fixed" else "needs 3 or more studies" if r.k < 3 else
              f"{_g(a.pi_low, digits)} to {_g(a.pi_high, digits)}")
        out.append({"model": names[model], "studies": r.k,
                    f"pooled ({a.unit or m.code})": _g(a.estimate, digits),
                    "95% CI": f"{_g(a.ci_low, digits)} to {_g(a.ci_high, digits)}",
                    "95% prediction interval": pi,
                    "tau": "0 (assumed)" if model == "fixed" else _g(r.tau, 3),
                    "I² (%)": "" if r.i2 is None else _g(r.i2, 1),
                    "weights (%)": ", ".join(f"{_g(w, 1)}" for w in r.weights)})
    return pd.DataFrame(out).set_index("model")


def weight_shift_table(key: str = "blood_loss", model: str = "fixed"):
    """Return what the flagged studies do to a pool: each study's weight, and the pooled difference.

    Rows: one per study (its weight in %, beside its share of the patients),
    then the pooled difference; columns: without and with the flagged studies.
    """
    import pandas as pd

    without = meta_analysis(key, "MD", model, None, False)
    with_flagged = meta_analysis(key, "MD", model, None, True)
    total_n = float((with_flagged.rows["mis_n"] + with_flagged.rows["open_n"]).sum())
    out = []
    for r in _records(with_flagged.rows):
        before = without.rows[without.rows["study"] == r["study"]]["weight"]
        n = r["mis_n"] + r["open_n"]
        out.append({"row": f"weight of {r['study']} (%)",
                    "share of the patients (%)": round(100 * n / total_n, 1),
                    "without the flagged studies": round(float(before.iloc[0]), 1) if len(before) else "—",
                    "with the flagged studies": round(r["weight"], 1)})
    out.append({"row": f"pooled difference, MIS − open ({without.unit})", "share of the patients (%)": "",
                "without the flagged studies": round(without.estimate, 1),
                "with the flagged studies": round(with_flagged.estimate, 1)})
    return pd.DataFrame(out).set_index("row")


def screw_accuracy_table(model: str = "REML", level: float = 0.95):
    """Return pooled screw accuracy per technique (logit scale, back to %), with heterogeneity.

    These pool single-technique case series: comparing the rows is not a
    head-to-head comparison of techniques.
    """
    import pandas as pd

    out = []
    for key in ("screw_accuracy_freehand", "screw_accuracy_fluoroscopy", "screw_accuracy_navigation"):
        a = meta_analysis(key, "PLO", model, None, False, level)
        r = a.result
        ref = reference_estimates(key)
        lowest = a.rows.loc[a.rows["accuracy_pct"].idxmin()]
        out.append({
            "technique": OUTCOMES[key].technique, "studies": r.k, "screws": int(a.rows["screws"].sum()),
            "study accuracies (%)": (f"{_g(a.rows['accuracy_pct'].min())} to "
                                     f"{_g(a.rows['accuracy_pct'].max())}"),
            "lowest": lowest["study"],
            "pooled accuracy (%)": _g(a.estimate, 1),
            "95% CI": f"{_g(a.ci_low, 1)} to {_g(a.ci_high, 1)}",
            "95% prediction interval": (f"{_g(a.pi_low, 1)} to {_g(a.pi_high, 1)}" if r.pi_low is not None
                                        else "needs 3 or more studies"),
            "I² (%)": _g(r.i2, 1),
            "published pooled accuracy (reference)": "; ".join(
                f"{_g(x['estimate'])}% ({x['source']})" for x in ref.to_dict("records")) or "none",
        })
    return pd.DataFrame(out).set_index("technique")


def library_check(key: str = "blood_loss", measure: str = "auto"):
    """Return this suite's pools of an outcome's default studies beside statsmodels', to read.

    See :func:`widgets.evidence.meta.statsmodels_check`.
    """
    import pandas as pd

    a = meta_analysis(key, measure, "REML")
    frame = meta.statsmodels_check(a.rows["yi"].to_numpy(float), a.rows["vi"].to_numpy(float))
    out = []
    for name, r in frame.iterrows():
        theirs = r["statsmodels"]
        missing = theirs is None or (isinstance(theirs, float) and math.isnan(theirs))
        out.append({"quantity": name, "this suite": f"{r['this suite']:.6f}",
                    "statsmodels": "no REML estimator" if missing else f"{theirs:.6f}",
                    "agree to 1e-6": "—" if missing else ("yes" if abs(r["difference"]) < 1e-6 else "NO")})
    return pd.DataFrame(out).set_index("quantity")


def assumptions_table():
    """Return the documented assumption the data-quality check uses, as a table."""
    import pandas as pd

    from widgets.core.assumptions import assumption

    a = assumption("spread_cv_floor_ratio")
    row = {"assumption": a.name, "value": a.value, "unit": a.unit,
           "range": f"{a.minimum:g} to {a.maximum:g}", "why": a.rationale}
    return pd.DataFrame([row]).set_index("assumption")


# ----------------------------------------------------------------------------- trials and blinding

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


def trial_table(topics: Sequence[str] = ("tubular vs conventional microdiscectomy",
                                         "full-endoscopic vs microsurgical discectomy",
                                         "full-endoscopic (transforaminal) vs open microdiscectomy")):
    """Return the listed trials from ``trials`` as appraisal rows (design, blinding, result)."""
    import pandas as pd

    t = _table("trials")
    t = t[t["topic"].isin(list(topics))]
    if t.empty:
        raise ValueError(f"no trials with topics {list(topics)}")
    out = []
    for r in t.to_dict("records"):
        effect = _g(_num(r["between_group_effect"])) or _txt(r["between_group_effect_text"])
        ci = (f" (95% CI {_g(_num(r['ci_low'])) or _txt(r['ci_low_text'])} to "
              f"{_g(_num(r['ci_high'])) or _txt(r['ci_high_text'])})"
              if (_num(r["ci_low"]) is not None or _txt(r["ci_low_text"])) else "")
        n = _g(_num(r["n_randomised"])) or _txt(r["n_randomised_text"])
        out.append({
            "trial": f"{r['trial']} {r['year']}", "comparison": r["topic"], "design": r["design"],
            "blinding / control": _txt(r["blinding_control"]), "randomised": n,
            "primary outcome": f"{r['primary_outcome']} at {r['primary_timepoint']}",
            "between-group result": (effect + ci) or "—", "authors' conclusion": _txt(r["conclusion_short"]),
            "confidence": r["confidence"], "source": r["source_key"],
        })
    return pd.DataFrame(out).set_index("trial")


_VP_TOPIC = re.compile(r"vertebroplasty|kyphoplasty", re.IGNORECASE)


def _trial_positive(r: dict) -> bool | None:
    """Did a trial find a difference favouring the procedure? From p, then CI, then words."""
    p = _p_column(_txt(r["p_value"]))
    if p is not None:
        return p[1] < 0.05 or (p[0] == "<" and p[1] <= 0.05)
    lo, hi = _num(r["ci_low"]), _num(r["ci_high"])
    if lo is not None and hi is not None:
        return lo > 0 or hi < 0
    words = f"{_txt(r['conclusion_short'])} {_txt(r['p_value'])}"
    if re.search(r"\bNS\b|no difference|no benefit|similar", words):
        return False
    if re.search(r"positive|better|greater", words, re.IGNORECASE):
        return True
    return None


def blinding_table():
    """Return the vertebroplasty and kyphoplasty trials with their control, blinding and result."""
    import pandas as pd

    t = _table("trials")
    t = t[t["topic"].str.contains(_VP_TOPIC) & t["design"].str.contains("RCT|randomi", regex=True)
          & ~t["design"].str.contains("review")]
    out = []
    for r in t.to_dict("records"):
        blinded = is_blinded(f"{_txt(r['blinding_control'])}; {r['design']}")
        positive = _trial_positive(r)
        effect = _g(_num(r["between_group_effect"])) or _txt(r["between_group_effect_text"])
        if _num(r["ci_low"]) is not None:
            effect += f" (95% CI {_g(_num(r['ci_low']))} to {_g(_num(r['ci_high']))})"
        n = _g(_num(r["n_randomised"])) or _txt(r["n_randomised_text"])
        out.append({
            "trial": f"{r['trial']} {r['year']}", "control": r["arm_control"],
            "patients blinded": {True: "yes", False: "no", None: "unclear"}[blinded], "randomised": n,
            "primary outcome": f"{r['primary_outcome']} at {r['primary_timepoint']}",
            "between-group result": effect or (f"{_txt(r['result_intervention'])} vs "
                                               f"{_txt(r['result_control'])}"),
            "found a benefit": {True: "yes", False: "no", None: "unclear"}[positive],
            "confidence": r["confidence"] + (" (control arm from a summary)" if r["confidence"] ==
                                             "secondary-source" else ""),
            "source": r["source_key"],
        })
    return pd.DataFrame(out).set_index("trial")


def blinding_summary():
    """Return, for blinded and open trials of cement augmentation, how many found a benefit."""
    import pandas as pd

    table = blinding_table()
    out = []
    for label, flag in (("sham or placebo control, patients blinded", "yes"),
                        ("no sham: patients knew their treatment", "no")):
        part = table[table["patients blinded"] == flag]
        out.append({"trials": label, "number": len(part),
                    "found a benefit": int((part["found a benefit"] == "yes").sum()),
                    "which": ", ".join(part.index)})
    return pd.DataFrame(out).set_index("trials")


# ----------------------------------------------------------------------------- evidence map

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
_SIGN_UNSTATED = re.compile(r"sign (convention )?not (stated|legible)", re.IGNORECASE)
_LABELLED = re.compile(r"label", re.IGNORECASE)  # "labelled RCTs by authors": not taken at its word
_WEAK = re.compile(r"secondary|conference|\bweak\b|garbled", re.IGNORECASE)
_OPEN = re.compile(r"\(open\)|open-label|open \(not stated|no sham|not blinded|no masking", re.IGNORECASE)

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
    of :data:`OUTCOMES` and the row is the lesson's own REML pool of it.
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


def _s(table: str, source_key: str, column: str = "outcome", value: str = "", **kw) -> Source:
    where = (("source_key", source_key),) + (((column, value),) if value else ())
    return Source(table, where, **kw)


_O, _C, _T, _V, _L, _R, _POOL = ("outcomes_mis_vs_open", "complications_durotomy_conversion", "trials",
                                 "study_level_vertebroplasty_vs_sham", "learning_curve", "radiation", "pool")
_EVENTS = ("assumption", "important_event_rate_difference")
_IN_POOL = "in the lesson's pool of the sham-controlled trials (the pool decides)"

MAP: tuple[MapEntry, ...] = (
    MapEntry("Blood loss", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="estimated blood loss (intraoperative)"),
        _s(_O, "Li2018JOSR", value="total blood loss"),
        _s(_O, "Park2018YonseiMedJ", value="estimated blood loss"),
        _s(_O, "Xie2016ChinMedJ", value="estimated blood loss"),
        _s(_O, "Zhai2024ExpTherMed", value="intraoperative blood loss")),
        threshold=("assumption", "important_blood_loss_difference")),
    MapEntry("Length of hospital stay", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="length of hospital stay"),
        _s(_O, "Park2018YonseiMedJ", value="length of hospital stay"),
        _s(_O, "Xie2016ChinMedJ", value="length of hospital stay"),
        _s(_O, "Zhai2024ExpTherMed", value="hospitalisation time"),
        _s(_O, "Li2018JOSR", value="length of hospital stay")),
        threshold=("assumption", "important_length_of_stay_difference")),
    MapEntry("Surgical site infection", "MIS vs open lumbar surgery", "lower", (
        _s(_O, "Park2018YonseiMedJ", value="infection"),
        _s(_O, "Ee2014CORR", value="SSI", invert=True),
        _s(_O, "MuellerSMISS2018", value="SSI, all lumbar procedures")), threshold=_EVENTS),
    MapEntry("Incidental durotomy", "MIS vs open degenerative lumbar surgery", "lower", (
        _s(_C, "Sharma2022AsianSpineJ", "complication", "incidental durotomy"),), threshold=_EVENTS),
    MapEntry("Disability (ODI)", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Xie2016ChinMedJ", value="ODI"),
        _s(_O, "Park2018YonseiMedJ", value="ODI improvement", better="higher")), patient_reported=True,
        threshold=("MCID", "ODI", 1.0)),
    MapEntry("Leg pain at 12 months", "full-endoscopic (PTED) vs open microdiscectomy", "lower", (
        _s(_T, "Gadjradj2022BMJ", sign=-1, trial="Gadjradj2022BMJ"),), patient_reported=True,
        threshold=("MCID", "VAS pain", 1.0)),
    MapEntry("Back pain at long-term follow-up", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="VAS pain (long-term follow-up)"),
        _s(_O, "Goldstein2016Spine", clause=r"no difference in [^;]*")), patient_reported=True,
        threshold=("MCID", "VAS pain", 0.1)),
    MapEntry("Disability in the first year (RDQ)", "tubular vs conventional microdiscectomy", "lower", (
        _s(_O, "Arts2009JAMA", trial="Arts2009JAMA"),), patient_reported=True,
        threshold=("MCID", "RDQ", 1.0)),
    MapEntry("Repeat surgery within 2 years", "tubular vs conventional microdiscectomy", "lower", (
        _s(_O, "Arts2011", value="repeat surgery within 2 years", trial="Arts2009JAMA"),), threshold=_EVENTS),
    MapEntry("Fusion rate", "MIS vs open lumbar fusion", "higher", (
        _s(_O, "Xie2016ChinMedJ", value="fusion rate"),
        _s(_O, "Qu2015EurSpineJ", value="fusion rate")), threshold=_EVENTS),
    MapEntry("Complications", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Xie2016ChinMedJ", value="complication rate"),
        _s(_O, "Qu2015EurSpineJ", value="complication rate")), threshold=_EVENTS),
    MapEntry("Operative time", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="operative time"),
        _s(_O, "Park2018YonseiMedJ", value="operative time"),
        _s(_O, "Xie2016ChinMedJ", value="operative time")),
        threshold=("assumption", "important_operative_time_difference")),
    MapEntry("Revision or reoperation", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Qu2015EurSpineJ", value="revision / readmission"),
        _s(_O, "Xie2016ChinMedJ", value="reoperation rate")), threshold=_EVENTS),
    MapEntry("Fluoroscopy (radiation) time", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Park2018YonseiMedJ", value="radiation (fluoroscopy) exposure time"),
        _s(_O, "Zhai2024ExpTherMed", value="fluoroscopy frequency", decides=False, comparable=False,
           note="counts fluoroscopy shots, not seconds, so the threshold in seconds does not apply"),
        _s(_O, "Li2018JOSR", value="fluoroscopy time"),
        _s(_R, "Zhao2019ExpTherMed", "measure", "X-ray exposure time MIS vs open",
           trial="Zhao2019ExpTherMed")),
        threshold=("assumption", "important_fluoroscopy_time_difference")),
    MapEntry("Operative time", "minimally invasive vs standard discectomy", "lower", (
        _s(_O, "MIDvsSD_meta_PMC4037525", value="operating time"),),
        threshold=("assumption", "important_operative_time_difference")),
    MapEntry("Leg pain over 2 years", "tubular vs conventional microdiscectomy", "lower", (
        _s(_O, "Arts2011", value="leg pain VAS over 2 years", trial="Arts2009JAMA"),), patient_reported=True,
        threshold=("MCID", "VAS pain", 1.0)),
    MapEntry("Recurrent disc herniation", "minimally invasive vs standard discectomy", "lower", (
        _s(_O, "MIDvsSD_meta_PMC4037525", value="disc herniation recurrence"),), threshold=_EVENTS),
    MapEntry("Incidental durotomy", "tubular vs open discectomy", "lower", (
        _s(_C, "Dasenbrock2012JNeurosurgSpine", "complication", "incidental durotomy"),), threshold=_EVENTS),
    MapEntry("Recurrence and revision", "full-endoscopic (PTED) vs microendoscopic discectomy", "lower", (
        _s(_O, "Zhao2020JKoreanNeurosurgSoc", value="recurrence"),
        _s(_O, "Zhao2020JKoreanNeurosurgSoc", value="revision surgery")), threshold=_EVENTS),
    MapEntry("Pain relief", "vertebroplasty vs sham or placebo procedure", "higher", (
        Source(_POOL, (("outcome", "vertebroplasty_pain"),)),
        _s(_V, "Buchbinder2009", trial="Buchbinder2009", decides=False, note=_IN_POOL),
        _s(_V, "Kallmes2009", trial="Kallmes2009", decides=False, note=_IN_POOL),
        _s(_V, "Firanescu2018", "timepoint", "1 month", trial="Firanescu2018", decides=False, note=_IN_POOL),
        _s(_V, "VAPOUR", trial="VAPOUR", decides=False, comparable=False,
           note="a proportion of patients with little pain, not a difference on the pain scale, so it cannot"
                " join the pool; it enrolled acute fractures, many in hospital")),
        patient_reported=True, threshold=("MCID", "VAS pain", 0.1), group=GROUPS[1], first="vertebroplasty"),
    MapEntry("Function at 1 month (SF-36 physical score)", "kyphoplasty vs non-surgical care, no sham",
             "higher", (_s(_T, "Wardlaw2009", trial="Wardlaw2009"),), patient_reported=True,
             group=GROUPS[1], first="kyphoplasty"),
    MapEntry("Operative and fluoroscopy time while learning", "a unit's first vs last quarter of MIS cases",
             "lower", (
                 _s(_L, "Thieme152case", "metric", "operative time by quarter"),
                 _s(_L, "Thieme152case", "metric", "radiation exposure time by quarter")),
             group=GROUPS[2], first="MISS"),
)


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


def _row(source: Source) -> dict:
    t = _table(source.table)
    mask = np.ones(len(t), dtype=bool)
    for col, value in source.where:
        mask &= (t[col] == value).to_numpy()
    hits = t[mask]
    if len(hits) != 1:
        raise DataError(f"data/tables/{source.table}.csv: {len(hits)} rows match {dict(source.where)}"
                        " (expected one)")
    return hits.iloc[0].to_dict()


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_PCT = re.compile(r"(\d+(?:\.\d+)?)%")
_INT = re.compile(r"\d+")


def _patients(*texts) -> int | None:
    for text in texts:
        if isinstance(text, int | float) and not isinstance(text, bool) and not math.isnan(text):
            return int(text)
        m = _INT.search(_txt(text))
        if m:
            return int(m.group(0))
    return None


def _trial_blinding(key: str) -> tuple[bool, bool]:
    """Return (blinded, unblinded) for a row of ``trials`` (both False when it does not say)."""
    if not key:
        return False, False
    r = _row(Source(_T, (("source_key", key),)))
    said = is_blinded(f"{_txt(r['blinding_control'])}; {r['design']}")
    return said is True, said is False


def _pool_evidence(source: Source, entry: MapEntry) -> Evidence:
    key = dict(source.where)["outcome"]
    a = meta_analysis(key, "auto", "REML")
    o = outcome(key)
    n = 0
    for r in a.rows.to_dict("records"):
        row = _row(Source(o.table, (("source_key", r["source_key"]), ("timepoint", r["timepoint"]))))
        n += int(_num(row["n_vp"]) or _patients(row["n_vp_text"]) or 0)
        n += int(_num(row["n_control"]) or _patients(row["n_control_text"]) or 0)
    label = f"this lesson's pool of {a.result.k} sham-controlled trials (REML)"
    printed = (f"{_g(a.estimate, 2)} points (95% CI {_g(a.ci_low, 2)} to {_g(a.ci_high, 2)}),"
               f" I² {_g(a.result.i2, 0)}%")
    significant = not (a.ci_low <= 0 <= a.ci_high)
    favours = "neither" if not significant else ("MIS" if a.estimate > 0 else "open")
    return Evidence(
        source_key=", ".join(dict.fromkeys(a.rows["source_key"])), label=label, printed=printed,
        estimate=a.estimate, ci_low=a.ci_low, ci_high=a.ci_high, ratio=False, significant=significant,
        favours=favours, randomised=True, unblinded=False, weak=False, confidence="derived", has_ci=True,
        blinded=True, patients=n, diff_low=a.ci_low, diff_high=a.ci_high, diff_estimate=a.estimate,
        i2=a.result.i2, better=entry.better)


def _read(source: Source, entry: MapEntry) -> Evidence:
    """Read one :class:`Source` into an oriented :class:`Evidence` (see :func:`classify`)."""
    if source.table == _POOL:
        return _pool_evidence(source, entry)
    r = _row(source)
    table = source.table
    estimate = lo = hi = mis = other = None
    texts, design, printed, ratio, p, kind, patients = "", "", "", False, None, "", None
    label = _short(_txt(r.get("source_label")) or _txt(r.get("trial")) or r["source_key"])
    if table == _O:
        estimate, lo, hi = _num(r["pooled_difference"]), _num(r["ci_low"]), _num(r["ci_high"])
        mis, other = _num(r["mis_value"]), _num(r["open_value"])
        kind, text = _txt(r["effect_measure"]), _txt(r["pooled_difference_text"])
        ratio = kind in ("risk ratio", "odds ratio", "ratio")
        if estimate is None and ratio and _NUMBER.search(text):
            estimate = float(_NUMBER.search(text).group(0))
        texts = f"{text} {_txt(r['notes'])}"
        design = f"{_txt(r['n_studies'])} {_txt(r['notes'])} {label}"
        patients = _patients(r["n_patients"])
        unit = _txt(r["unit"])
        prefix = {"risk ratio": "RR ", "odds ratio": "OR ", "ratio": "ratio "}.get(kind, "")
        if source.clause and re.search(source.clause, text):
            printed = re.search(source.clause, text).group(0)
        elif estimate is not None and not text:
            printed = f"{prefix}{_g(estimate)}" + ("" if ratio else f" {unit}")
        else:
            printed = text or (f"{_g(mis)} vs {_g(other)} {unit}" if mis is not None else "")
        if lo is not None:
            printed += f" (95% CI {_g(lo)} to {_g(hi)})"
    elif table == _C:
        mis, other = _num(r["mis_value"]), _num(r["open_value"])
        texts = f"{_txt(r['effect'])} {_txt(r['notes'])}"
        design = f"{r['procedure']} {label}"
        patients = _patients(r["n"])
        printed = f"{_g(mis)}% vs {_g(other)}% ({_txt(r['effect'])})"
    elif table == _T:
        estimate, lo, hi = _num(r["between_group_effect"]), _num(r["ci_low"]), _num(r["ci_high"])
        text = _txt(r["between_group_effect_text"])
        if estimate is None and _NUMBER.search(text):
            estimate = float(_NUMBER.search(text).group(0))
        texts, p = _txt(r["conclusion_short"]), _p_column(_txt(r["p_value"]))
        design = f"{r['design']} {_txt(r['blinding_control'])}"
        patients = _patients(r["n_randomised"], r["n_randomised_text"])
        printed = f"{text or _g(estimate)} on {r['primary_outcome']}"
        if lo is not None:
            printed += f" (95% CI {_g(lo)} to {_g(hi)})"
        label = f"{_short(r['trial'])} {r['year']}"
    elif table == _V:
        estimate, lo, hi = _num(r["between_group_difference"]), _num(r["ci_low"]), _num(r["ci_high"])
        p = _p_column(_txt(r["p_value"]))
        design = _txt(r["comparison"])
        label = f"{_short(r['trial'])} {r['year']}"
        patients = (int(_num(r["n_vp"]) or _patients(r["n_vp_text"]) or 0)
                    + int(_num(r["n_control"]) or _patients(r["n_control_text"]) or 0)) or None
        if estimate is None:
            vp, ctl = _PCT.search(_txt(r["vp_value"])), _PCT.search(_txt(r["control_value"]))
            if vp and ctl:
                mis, other = float(vp.group(1)), float(ctl.group(1))
            printed = f"{_txt(r['vp_value'])} vs {_txt(r['control_value'])}, {r['outcome']}"
        else:
            printed = f"{_g(estimate)} points at {r['timepoint']} (95% CI {_g(lo)} to {_g(hi)})"
    elif table == _L:
        mis, other = _num(r["early_value"]), _num(r["late_value"])
        texts = _txt(r["notes"])
        design = f"{r['design']}"
        printed = f"{_g(mis)} → {_g(other)} {_txt(r['unit'])} (first → last quarter)"
    elif table == _R:
        estimate = _num(r["value"])
        texts = f"{_txt(r['value_text'])} {_txt(r['notes'])}"
        design = f"{label} {_txt(r['n'])}"
        patients = _patients(r["n"])
        printed = _txt(r["value_text"]) or _g(estimate)
    else:  # pragma: no cover - MAP only names the tables above
        raise DataError(f"no reader for table {table!r}")
    if table == _V and _SIGN_UNSTATED.search(_txt(r["direction_note"])):
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
    if table in (_C, _O) and not ratio and estimate is None and d_est is not None and _txt(r["unit"]) == "%":
        printed += f"; difference {d_est:+.2f} per 100 patients"
    return Evidence(
        source_key=r["source_key"], label=label, printed=printed.strip(), estimate=estimate,
        ci_low=lo, ci_high=hi, ratio=ratio, significant=significant, favours=favours,
        randomised=randomised, unblinded=unblinded_trial or bool(_OPEN.search(design)),
        weak=r["confidence"] == "secondary-source" or bool(_WEAK.search(_txt(r.get("confidence_detail"))
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
    if entry.threshold is None or table == _L:
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


def threshold_of(entry: MapEntry):
    """Return the :class:`widgets.evidence.certainty.Threshold` of a map entry (``None`` if it has none)."""
    if not isinstance(entry, MapEntry):
        raise TypeError(f"entry must be a MapEntry, got {type(entry).__name__}")
    spec = entry.threshold
    if spec is None:
        return None
    if spec[0] == "MCID":
        _, instrument, scale = spec
        unit = None if scale == 1.0 else f"points (0-{_g(10 * scale * 10, 0)})"
        return mcid_threshold(instrument, scale=scale, unit=unit)
    return assumed_threshold(spec[1])


#: Verdicts of the evidence map, best for the first-named treatment first.
VERDICTS = ("better: important difference", "no important difference", "inconclusive",
            "worse: important difference", "importance not judged", "not a comparison")

_VERDICT_OF = {"important benefit": VERDICTS[0], "no important difference": VERDICTS[1],
               "inconclusive": VERDICTS[2], "important harm": VERDICTS[3], "not judged": VERDICTS[4]}


@dataclass(frozen=True)
class Verdict:
    """The verdict on one map entry: importance, certainty and the reasons in words."""

    verdict: str
    certainty: str
    threshold: str
    readings: tuple[str, ...]
    why_verdict: str
    why_certainty: str


def _reading(e: Evidence, t) -> tuple[str, str]:
    """Return (reading, why) of one row against threshold ``t`` (benefit = good for the first-named)."""
    if e.diff_low is None:
        extra = ""
        if e.diff_estimate is not None and e.comparable:
            inside = abs(e.diff_estimate) < t.value
            extra = (f"; its point estimate ({_g(e.diff_estimate, 2)}) lies"
                     f" {'within' if inside else 'beyond'} ±{_g(t.value)}")
        return "inconclusive", f"{e.no_interval or 'no 95% CI printed'}{extra}"
    reading, why = read_importance(low=e.diff_low, high=e.diff_high, threshold=t.value)
    if e.better == "lower" and reading.startswith("important"):
        reading = "important harm" if reading == "important benefit" else "important benefit"
    if e.ratio:
        why = "as an absolute difference per 100 patients, " + why
    return reading, why


def _said(reading: str, first: str) -> str:
    return {"important benefit": f"important difference favouring {first}",
            "important harm": f"important difference against {first}"}.get(reading, reading)


def classify(evidence: Sequence[Evidence], patient_reported: bool = False, threshold=None,
             first: str = "MISS", comparison: bool = True) -> Verdict:
    """Return the :class:`Verdict` for the evidence rows of one outcome.

    Importance (see :mod:`widgets.evidence.certainty`): each deciding row's 95% CI of
    the first-named minus the comparator is set against plus and minus
    ``threshold``: entirely beyond it is an important difference (better or
    worse, by the side that is good for patients), entirely within it is no
    important difference, otherwise inconclusive. Rows without a usable
    interval are shown but cannot decide. When the deciding rows disagree, the
    verdict is inconclusive and says so. With no ``threshold`` (no MCID in the
    data) importance is not judged; a figure about one treatment alone
    (``comparison=False``) gets no verdict.

    Certainty: *high* when every deciding row pools randomised trials, *low*
    otherwise (a single row labelled RCT among cohort pools does not raise it);
    one level lower for each of: only unblinded trials of a patient-rated
    outcome (risk of bias); only secondary-source or conference figures;
    sources that disagree, or a pool with I² above 50% (inconsistency); a verdict
    left inconclusive by its intervals, or fewer patients than the assumption
    ``imprecision_min_patients`` (imprecision).
    """
    evidence = list(evidence)
    if not comparison:
        return Verdict("not a comparison", "", "", tuple(f"{e.label}: {e.printed}" for e in evidence),
                       "a figure about MISS alone, with no open comparator: a cost of learning,"
                       " not a verdict",
                       "")
    deciding = [e for e in evidence if e.decides]
    readings, lines = [], []
    for e in evidence:
        if threshold is None:
            lines.append(f"{e.label}: {e.printed}")
            continue
        reading, why = _reading(e, threshold)
        said = _said(reading, first)
        if not e.decides:
            alone = f"; alone it reads {said} ({why})" if e.comparable else ""
            lines.append(f"{e.label}: shown, does not decide ({e.note}){alone}")
            continue
        lines.append(f"{e.label}: {said} ({why})")
        if e.diff_low is not None:
            readings.append((e, reading))
    kinds = {r for _, r in readings}
    if threshold is None:
        reading = "not judged"
        why = "no cited MCID for this instrument in the data, so importance is not judged"
    elif not readings:
        reading = "inconclusive"
        why = "no deciding source prints a 95% CI that can be set against the threshold"
    elif len(kinds) == 1:
        reading = kinds.pop()
        n = len(readings)
        if n == 1:
            why = f"decided by {readings[0][0].label}, the one source with a usable 95% CI"
        else:
            why = f"{'both' if n == 2 else f'all {n}'} sources with a usable 95% CI agree"
        why += f": {_said(reading, first)}"
    else:
        reading = "inconclusive"
        why = "sources differ: " + "; ".join(f"{e.label} {_said(r, first)}" for e, r in readings)
    verdict = _VERDICT_OF[reading]
    if verdict in (VERDICTS[0], VERDICTS[3]):
        verdict = f"{first} {verdict}"
    # certainty: from the designs actually behind the verdict
    basis = [e for e, _ in readings] or [e for e in deciding if e.favours is not None] or deciding
    randomised = bool(basis) and all(e.randomised for e in basis)
    concerns = []
    if patient_reported and randomised and not any(e.blinded for e in basis):
        concerns.append("risk of bias: patients knew their treatment and rated the outcome themselves")
    if basis and all(e.weak for e in basis):
        concerns.append("risk of bias: only secondary-source, conference or hard-to-read figures")
    favours = {e.favours for e in evidence if e.favours is not None}
    i2 = [e.i2 for e in basis if e.i2 is not None]
    if len(favours) > 1 or len({r for _, r in readings}) > 1:
        concerns.append("inconsistency: the sources do not agree")
    elif any(x > 50 for x in i2):
        concerns.append(f"inconsistency: I² {_g(max(i2), 0)}% in the pool")
    counts = [e.patients for e in basis if e.patients]
    minimum = assumed_threshold("imprecision_min_patients").value
    if reading == "inconclusive":
        concerns.append("imprecision: " + ("no usable 95% CI" if not readings else
                                           "the 95% CI does not settle importance"))
    elif counts and max(counts) < minimum:
        concerns.append(f"imprecision: fewer than {_g(minimum)} patients")
    level, why_c = certainty(randomised=randomised, concerns=concerns)
    described = "" if threshold is None else threshold.describe()
    return Verdict(verdict, level, described, tuple(lines), why, why_c)


_ORDER = {v: i for i, v in enumerate(VERDICTS)}


def _order(verdict: str) -> int:
    for v, i in _ORDER.items():
        if verdict.endswith(v):
            return i
    return len(_ORDER)


def evidence_rows(entry: MapEntry) -> list[Evidence]:
    """Return the oriented evidence rows of one :class:`MapEntry`."""
    if not isinstance(entry, MapEntry):
        raise TypeError(f"entry must be a MapEntry, got {type(entry).__name__}")
    return [_read(s, entry) for s in entry.sources]


def verdict(entry: MapEntry) -> Verdict:
    """Return the :class:`Verdict` of one map entry (see :func:`classify`)."""
    return classify(evidence_rows(entry), entry.patient_reported, threshold_of(entry), entry.first,
                    entry.group != GROUPS[2])


def threshold_table():
    """Return every threshold the evidence map uses: its value, what it rests on and the outcomes it judges.

    A cited MCID shows its source and what the source measured; a labelled
    assumption shows its rationale, so a student can see which verdicts rest on
    a judgement rather than a measurement.
    """
    import pandas as pd

    from widgets.core.assumptions import assumption
    from widgets.core.data import records

    rows: dict[str, dict] = {}
    for entry in MAP:
        t = threshold_of(entry)
        if t is None:
            continue
        row = rows.setdefault(f"{t.key}, {t.amount()}", {"smallest difference that matters": t.amount(),
                                             "basis": t.basis, "outcomes judged with it": []})
        row["outcomes judged with it"].append(f"{entry.outcome} ({entry.comparison})")
        if t.basis == "MCID":
            r = next(x for x in records("mcid") if x["instrument"] == t.key)
            row["what it rests on"] = f"{r['scale']}: {r['what_it_is']} ({t.source_key}); {r['notes']}"
        else:
            row["what it rests on"] = f"assumption {t.key}: {assumption(t.key).rationale}"
    out = [{"instrument or assumption": k, **{c: ("; ".join(v) if isinstance(v, list) else v)
                                              for c, v in r.items()}}
           for k, r in rows.items()]
    return pd.DataFrame(out).set_index("instrument or assumption")


def _size(rows: Sequence[Evidence]) -> str:
    return "; ".join(f"{e.label}: {e.printed}" for e in rows)


def evidence_map(group: str = GROUPS[0]):
    """Return the evidence map of one group (:data:`GROUPS`), one row per outcome, from the tables.

    Columns: comparison; ``verdict`` (importance, see :func:`classify`);
    ``certainty``; ``size (as published)`` (each source's figure with its
    label, never averaged); ``threshold`` (the cited MCID or the labelled
    assumption); ``each source against it``; ``why this verdict``; ``why this
    certainty``; ``sources``. Rows are ordered from important benefit to
    important harm.
    """
    import pandas as pd

    _check_choice("group", group, GROUPS)
    out = []
    for entry in MAP:
        if entry.group != group:
            continue
        rows = evidence_rows(entry)
        v = verdict(entry)
        keys = [k.strip() + (" (secondary source)" if e.confidence == "secondary-source" else "")
                for e in rows for k in e.source_key.split(",")]
        out.append({"outcome": entry.outcome, "comparison": entry.comparison, "verdict": v.verdict,
                    "certainty": v.certainty, "size (as published)": _size(rows),
                    "threshold": v.threshold, "each source against it": " | ".join(v.readings),
                    "why this verdict": v.why_verdict, "why this certainty": v.why_certainty,
                    "sources": ", ".join(dict.fromkeys(keys))})
    frame = pd.DataFrame(out)
    frame["_order"] = frame["verdict"].map(_order)
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order")
    return frame.set_index("outcome")


# ----------------------------------------------------------------------------- references


def lesson_references() -> list[str]:
    """Return every source key behind a number lesson 05 shows, sorted."""
    keys: set[str] = set()
    for key in OUTCOMES:
        keys |= set(studies(key)["source_key"])
        keys |= set(reference_estimates(key)["source_key"])
    for entry in MAP:
        keys |= {dict(s.where)["source_key"] for s in entry.sources if s.table != _POOL}
        t = threshold_of(entry)
        if t is not None and t.source_key:
            keys.add(t.source_key)
    keys |= set(trial_table()["source"]) | set(blinding_table()["source"])
    from widgets.evidence.learning_curve import plateau_table

    keys |= set(plateau_table()["source"])
    for key in keys:
        cite(key)  # every key resolves
    return sorted(keys)
