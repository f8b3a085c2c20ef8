"""Pooling the cited studies of an outcome: the analysis, its numbers, and the rows of its plots.

Lesson 05's meta-analyses, with no display code: :func:`meta_analysis` pools the
chosen study rows of :func:`widgets.evidence.studies.studies` with
:func:`widgets.evidence.pooling.pool` and returns an :class:`Analysis` (the pooled
rows and result, shown on the display scale); :func:`pooled_value` and
:func:`weight_share` give single numbers for quiz keys; :func:`forest_rows` and
:func:`funnel_lines` are the data behind the forest and funnel plots. The
published pooled estimates join the forest plot as reference lines, never
pooled.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from widgets.evidence import distributions, effects, pooling
from widgets.evidence.cells import check_choice, data_folder, num
from widgets.evidence.studies import Outcome, measure_for, outcome, reference_records, study_records

__all__ = [
    "MODEL_NAMES",
    "Analysis",
    "display_digits",
    "forest_rows",
    "funnel_lines",
    "meta_analysis",
    "pooled_value",
    "select",
    "study_effects",
    "weight_share",
]


def display_digits(measure: str) -> int:
    """Decimals to show for a measure: 2 for ratios and small scales, 1 for mL, minutes, %."""
    return 2 if (effects.MEASURES[measure].is_ratio or measure in ("SMD", "GEN")) else 1


@dataclass(frozen=True)
class Analysis:
    """One meta-analysis of cited study data, as the explorer shows it.

    Attributes
    ----------
    outcome, measure
        The :class:`~widgets.evidence.studies.Outcome` and effect-measure code.
    rows
        The pooled study rows (from :func:`~widgets.evidence.studies.studies`) with ``yi``, ``vi``, the
        study's own CI on the display scale (``effect``, ``low``, ``high``) and
        its ``weight`` in %.
    result
        The :class:`widgets.evidence.pooling.PoolResult` (on the pooling scale).
    """

    outcome: Outcome
    measure: str
    rows: Any
    result: pooling.PoolResult

    def _show(self, x: float | None) -> float | None:
        return None if x is None else effects.back_transform(self.measure, x)

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
        m = effects.MEASURES[self.measure]
        if m.is_ratio or self.measure == "SMD":
            return ""
        return self.outcome.unit

    @property
    def source_keys(self) -> tuple[str, ...]:
        """Source keys of the pooled studies."""
        return tuple(dict.fromkeys(self.rows["source_key"]))



def _select_records(key: str, include: Sequence[str] | None, include_flagged: bool) -> list[dict]:
    """Return the study records to pool (see :func:`select`)."""
    records = study_records(key)
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
        fn = effects.mean_difference if measure == "MD" else effects.standardized_mean_difference
        return fn(*_columns(records, "mis_mean", "mis_sd", "mis_n", "open_mean", "open_sd", "open_n"))
    if o.kind == "binary":
        fn = effects.log_odds_ratio if measure == "OR" else effects.log_risk_ratio
        return fn(*_columns(records, "mis_events", "mis_n", "open_events", "open_n"))
    if o.kind == "proportion":
        pct, screws = _columns(records, "accuracy_pct", "screws")
        return effects.logit_proportion(pct / 100, screws)
    return effects.from_confidence_interval(*_columns(records, "estimate", "ci_low", "ci_high"))


def _with_effects(records: list[dict], code: str, yi, vi, level: float) -> list[dict]:
    """Add each study's effect and interval (display scale); a published 95% CI is shown as printed."""
    z = distributions.critical_z(level)
    effect = np.atleast_1d(effects.back_transform(code, yi))
    low = np.atleast_1d(effects.back_transform(code, yi - z * np.sqrt(vi)))
    high = np.atleast_1d(effects.back_transform(code, yi + z * np.sqrt(vi)))
    for i, r in enumerate(records):
        r.update(yi=float(yi[i]), vi=float(vi[i]), effect=float(effect[i]), low=float(low[i]),
                 high=float(high[i]))
        if code == "GEN" and abs(level - 0.95) < 1e-12:
            r.update(low=float(r["ci_low"]), high=float(r["ci_high"]))
    return records


_get_outcome = outcome  # the argument `outcome` of the functions below hides the function


def meta_analysis(outcome: str = "blood_loss", measure: str = "auto", model: str = "REML",
                  include: Sequence[str] | None = None, include_flagged: bool = False,
                  level: float = 0.95) -> Analysis:
    """Pool the studies of ``outcome`` and return an :class:`Analysis`.

    Parameters
    ----------
    outcome
        A key of :data:`widgets.evidence.studies.OUTCOMES`.
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
    result = pooling.pool(yi, vi, model, level)
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
    check_choice("quantity", quantity, display + pooled)
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


def study_effects(key: str, measure: str = "auto", level: float = 0.95):
    """Return every poolable study of ``key`` with its own effect and CI (display scale)."""
    import pandas as pd

    code = measure_for(key, measure)
    distributions.critical_z(level)
    return pd.DataFrame([dict(r) for r in _study_effects_cached(key, code, float(level), data_folder())])


@functools.cache
def _study_effects_cached(key: str, code: str, level: float, directory: str) -> tuple[dict, ...]:
    records = [dict(r) for r in study_records(key) if r["poolable"]]
    yi, vi = _effects(outcome(key), code, records)
    return tuple(_with_effects(records, code, yi, vi, level))


#: The pooling models as the lesson names them.
MODEL_NAMES = {"fixed": "fixed effect", "DL": "random effects, DerSimonian-Laird",
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
    effects = _study_effects_cached(a.outcome.key, a.measure, float(a.result.level), data_folder())
    weights = dict(zip(a.rows["study"], a.rows["weight"], strict=True))
    out: list[dict[str, Any]] = []
    for r in effects:
        pooled = r["study"] in weights
        out.append({"label": r["study"] if pooled else f"{r['study']} (left out)",
                    "kind": "study" if pooled else "excluded", "effect": float(r["effect"]),
                    "low": float(r["low"]), "high": float(r["high"]),
                    "weight": weights.get(r["study"]), "source_key": r["source_key"]})
    out.append({"label": f"pooled: {MODEL_NAMES[a.result.model]}", "kind": "pooled",
                "effect": a.estimate, "low": a.ci_low, "high": a.ci_high, "weight": 100.0,
                "source_key": ""})
    if a.pi_low is not None:
        out.append({"label": "prediction interval (a new study)", "kind": "prediction", "effect": None,
                    "low": a.pi_low, "high": a.pi_high, "weight": None, "source_key": ""})
    for r in reference_records(a.outcome.key, a.measure):
        est, lo, hi = num(r["estimate"]), num(r["ci_low"]), num(r["ci_high"])
        out.append({"label": f"published: {r['source']}", "kind": "reference" if est is not None
                    else "reference-ci", "effect": est, "low": lo, "high": hi, "weight": None,
                    "source_key": r["source_key"]})
    return out


def funnel_lines(analysis: Analysis, n_points: int = 41) -> dict[str, list[float]]:
    """Return the pseudo-confidence limits of a funnel plot around the pooled estimate.

    For standard errors from 0 to 1.1 times the largest study's, the limits
    ``estimate ± z SE`` (pooling scale), back-transformed to the display scale.
    Keys: ``se``, ``low``, ``high``, and ``study_se``, ``study_effect``.
    """
    a = analysis
    se_study = np.sqrt(a.rows["vi"].to_numpy(float))
    se = np.linspace(0.0, 1.1 * float(se_study.max()), n_points)
    z = distributions.critical_z(a.result.level)
    low = effects.back_transform(a.measure, a.result.estimate - z * se)
    high = effects.back_transform(a.measure, a.result.estimate + z * se)
    return {"se": se.tolist(), "low": np.atleast_1d(low).tolist(), "high": np.atleast_1d(high).tolist(),
            "study_se": se_study.tolist(), "study_effect": a.rows["effect"].astype(float).tolist()}
