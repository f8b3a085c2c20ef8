"""Learning curves: a simulated case series built from published figures, read with CUSUM.

A surgeon's first cases of a new minimally invasive procedure take longer; the
operative time falls and then levels off (the *plateau*). Learning-curve studies
often find the turning point with a **CUSUM** chart: the running sum of each
case's time minus the series mean. While cases are slower than average the sum
climbs; once they are faster it falls; its peak marks the last "slower than
average" case (:func:`cusum`, :func:`change_point`).

No individual case times are published, so the lesson **simulates** a series
whose parameters are the published ones (:func:`published_curve`, read from the
``learning_curve`` table: the PETLD series' case count, plateau, early and late
means and SDs, and its regression line). Two shapes:

``step``
    Cases up to the published plateau drawn around the published early mean
    (with its SD), later cases around the late mean (with its SD).
``line``
    The published straight-line regression (time = a - b x case number), with
    case-to-case noise borrowed from the late-phase SD (the residual spread
    around the line is not published). A straight line has no plateau at all,
    yet its CUSUM still peaks (in the middle): the peak is where cases cross the
    average, not proof that learning has stopped.

Everything is seeded (:func:`numpy.random.default_rng`), so a seed names one
simulated surgeon and the same seed always gives the same series. The lesson's
tables of these figures are in :mod:`widgets.evidence.tables`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from widgets.core.data import DataError, load_table

__all__ = [
    "SHAPES",
    "PublishedCurve",
    "change_point",
    "change_point_spread",
    "constructed_change_point",
    "cusum",
    "expected_times",
    "published_curve",
    "regression_time",
    "simulate_series",
    "spread_value",
]

#: Shapes of the simulated series (see the module docstring).
SHAPES = ("step", "line")


@dataclass(frozen=True)
class PublishedCurve:
    """The published figures of one learning-curve series (all read from ``learning_curve``).

    Attributes
    ----------
    procedure, metric, unit
        What was learned and measured.
    n_cases
        Cases in the series.
    plateau_case
        Cases needed to reach the plateau, as published.
    early_mean, early_sd, late_mean, late_sd
        Mean and SD of the metric before and after the plateau.
    intercept, slope
        The published regression ``metric = intercept - slope x case number``.
    source_key, confidence
        Where the figures come from.
    """

    procedure: str
    metric: str
    unit: str
    n_cases: int
    plateau_case: int
    early_mean: float
    early_sd: float
    late_mean: float
    late_sd: float
    intercept: float
    slope: float
    source_key: str
    confidence: str


_MEAN_SD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*\(SD\s*(\d+(?:\.\d+)?)\)")
_REGRESSION = re.compile(r"=\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*x\s*case number")


def published_curve(source_key: str = "PETLDLearningCurve") -> PublishedCurve:
    """Return the published learning-curve figures of ``source_key``.

    The series must print a plateau, early and late "mean (SD xx)" values and
    a regression "= a - b x case number" in its notes; the PETLD series does.

    Raises
    ------
    DataError
        When the row is missing or does not print those figures.
    """
    if not isinstance(source_key, str):
        raise TypeError(f"source_key must be a string, got {type(source_key).__name__}")
    table = load_table("learning_curve")
    rows = table[(table["source_key"] == source_key) & table["cases_to_plateau"].notna()]
    if len(rows) != 1:
        known = ", ".join(sorted(set(table["source_key"])))
        raise DataError(f"data/tables/learning_curve.csv: no single plateau row for {source_key!r};"
                        f" keys: {known}")
    r = rows.iloc[0]
    early = _MEAN_SD.match(str(r["early_value_text"] or ""))
    late = _MEAN_SD.match(str(r["late_value_text"] or ""))
    line = _REGRESSION.search(str(r["notes"] or ""))
    if not (early and late and line):
        raise DataError(f"data/tables/learning_curve.csv: {source_key!r} does not print early and late"
                        " 'mean (SD x)' values and a regression 'a - b x case number'")
    return PublishedCurve(
        procedure=str(r["procedure"]), metric=str(r["metric"]), unit=str(r["unit"]),
        n_cases=int(r["n_cases"]), plateau_case=int(r["cases_to_plateau"]),
        early_mean=float(early.group(1)), early_sd=float(early.group(2)),
        late_mean=float(late.group(1)), late_sd=float(late.group(2)),
        intercept=float(line.group(1)), slope=float(line.group(2)),
        source_key=str(r["source_key"]), confidence=str(r["confidence"]),
    )


def regression_time(case: int, source_key: str = "PETLDLearningCurve") -> float:
    """Return the published regression's predicted time for case number ``case``."""
    if isinstance(case, bool) or not isinstance(case, int | float) or case < 1:
        raise ValueError(f"case must be a case number >= 1, got {case!r}")
    curve = published_curve(source_key)
    return curve.intercept - curve.slope * float(case)


def _check_shape(shape: str) -> None:
    if not isinstance(shape, str) or shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")


def expected_times(curve: PublishedCurve, shape: str = "step") -> np.ndarray:
    """Return the expected (noise-free) metric for cases 1..n under ``shape``."""
    _check_shape(shape)
    cases = np.arange(1, curve.n_cases + 1, dtype=float)
    if shape == "step":
        return np.where(cases <= curve.plateau_case, curve.early_mean, curve.late_mean)
    return curve.intercept - curve.slope * cases


def _noise_sd(curve: PublishedCurve, shape: str) -> np.ndarray:
    cases = np.arange(1, curve.n_cases + 1)
    if shape == "step":
        return np.where(cases <= curve.plateau_case, curve.early_sd, curve.late_sd)
    return np.full(curve.n_cases, curve.late_sd)


def simulate_series(curve: PublishedCurve, shape: str = "step", seed: int = 0,
                    noise: bool = True) -> np.ndarray:
    """Return one simulated surgeon's series (a metric per case), seeded.

    Parameters
    ----------
    curve
        The published figures (:func:`published_curve`).
    shape
        ``"step"`` or ``"line"`` (see the module docstring).
    seed
        Names the simulated surgeon; the same seed gives the same series.
    noise
        ``False`` returns the expected values: a constructed series with a known
        change point.
    """
    _check_shape(shape)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    mean = expected_times(curve, shape)
    if not noise:
        return mean
    rng = np.random.default_rng(seed)
    return mean + rng.standard_normal(curve.n_cases) * _noise_sd(curve, shape)


def cusum(values, target: float | None = None) -> np.ndarray:
    """Return the CUSUM chart of ``values``: ``S_i = sum_{j <= i} (x_j - target)``.

    ``target`` defaults to the mean of ``values`` (the usual CUSUM of
    operative time), so the last point is zero.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError("values must be a sequence of at least two numbers")
    if not np.all(np.isfinite(x)):
        raise ValueError("values must be finite numbers")
    t = float(np.mean(x)) if target is None else target
    if not isinstance(t, int | float) or not np.isfinite(t):
        raise ValueError(f"target must be a finite number, got {target!r}")
    return np.cumsum(x - t)


def change_point(values, target: float | None = None, improving_means_lower: bool = True) -> int:
    """Return the case number (1-based) at the CUSUM peak: the last case of the early phase.

    For a metric that falls with experience (operative time), the peak is the
    maximum of the CUSUM; for one that rises (a success rate), pass
    ``improving_means_lower=False`` to take the minimum. Ties go to the first.
    """
    s = cusum(values, target)
    idx = int(np.argmax(s)) if improving_means_lower else int(np.argmin(s))
    return idx + 1


def change_point_spread(curve: PublishedCurve, shape: str = "step", n_surgeons: int = 200,
                        seed: int = 0) -> dict[str, float]:
    """Simulate ``n_surgeons`` series and summarise where their CUSUM peaks fall.

    Returns the median and the 5th and 95th percentiles of the detected change
    point, and the share (%) of surgeons whose change point is exactly the
    published plateau case.
    """
    _check_shape(shape)
    if isinstance(n_surgeons, bool) or not isinstance(n_surgeons, int) or n_surgeons < 1:
        raise ValueError(f"n_surgeons must be a whole number >= 1, got {n_surgeons!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    rng = np.random.default_rng(seed)
    series = expected_times(curve, shape) + rng.standard_normal((n_surgeons, curve.n_cases)) * \
        _noise_sd(curve, shape)
    s = np.cumsum(series - series.mean(axis=1, keepdims=True), axis=1)
    points = np.argmax(s, axis=1) + 1
    return {
        "surgeons": float(n_surgeons),
        "median": float(np.median(points)),
        "p5": float(np.percentile(points, 5)),
        "p95": float(np.percentile(points, 95)),
        "at_published_plateau_pct": float(100 * np.mean(points == curve.plateau_case)),
    }


def constructed_change_point(source_key: str = "PETLDLearningCurve", shape: str = "step") -> int:
    """Return the CUSUM peak of the noise-free series of ``shape`` (a constructed series)."""
    return change_point(simulate_series(published_curve(source_key), shape, noise=False))


def spread_value(quantity: str = "median", shape: str = "step", n_surgeons: int = 200, seed: int = 0,
                 source_key: str = "PETLDLearningCurve") -> float:
    """Return one figure of :func:`change_point_spread` (``median``, ``p5``, ``p95``, ...)."""
    spread = change_point_spread(published_curve(source_key), shape, n_surgeons, seed)
    if quantity not in spread:
        raise ValueError(f"quantity must be one of {', '.join(spread)}, got {quantity!r}")
    return spread[quantity]
