"""Effect sizes of a meta-analysis: each study's effect ``yi`` and its sampling variance ``vi``.

Pure functions on numbers and numpy arrays, with no data loading and no
display; :mod:`widgets.evidence.analysis` feeds them the cited study-level
tables and :mod:`widgets.evidence.pooling` pools what they return.

* :func:`mean_difference` (``MD``) and :func:`standardized_mean_difference`
  (``SMD``, Hedges' g with the small-sample correction) from arm means, SDs and sizes;
* :func:`log_odds_ratio` (``OR``) and :func:`log_risk_ratio` (``RR``) from event
  counts, on the log scale;
* :func:`logit_proportion` (``PLO``): one proportion on the logit scale;
* :func:`from_confidence_interval` (``GEN``): an estimate published with its 95% CI.

:data:`MEASURES` names each measure and its scale; :func:`back_transform` turns
a value on the pooling scale into the one students read. :func:`as_array` and
:func:`same_length` check the numbers every function here (and the pooling)
is given.

Conventions: an effect is "group 1 minus group 2" (a difference) or "group 1
relative to group 2" (a ratio); in the lessons group 1 is the minimally
invasive arm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from widgets.evidence.distributions import critical_z

__all__ = [
    "MEASURES",
    "Measure",
    "as_array",
    "back_transform",
    "from_confidence_interval",
    "log_odds_ratio",
    "log_risk_ratio",
    "logit_proportion",
    "mean_difference",
    "same_length",
    "standardized_mean_difference",
]


@dataclass(frozen=True)
class Measure:
    """An effect measure: its name, the scale it is pooled on and its null value."""

    code: str
    name: str
    scale: str  # "identity", "log" or "logit"
    null: float | None  # on the display scale; None when there is no null (one proportion)

    @property
    def is_ratio(self) -> bool:
        """True for odds and risk ratios (pooled on the log scale)."""
        return self.scale == "log"


MEASURES: dict[str, Measure] = {
    "MD": Measure("MD", "mean difference", "identity", 0.0),
    "SMD": Measure("SMD", "standardized mean difference (Hedges' g)", "identity", 0.0),
    "OR": Measure("OR", "odds ratio", "log", 1.0),
    "RR": Measure("RR", "risk ratio", "log", 1.0),
    "PLO": Measure("PLO", "proportion (pooled on the logit scale)", "logit", None),
    "GEN": Measure("GEN", "difference (from published estimates and 95% CIs)", "identity", 0.0),
}


def _measure(code: str) -> Measure:
    if not isinstance(code, str):
        raise TypeError(f"measure must be a string, got {type(code).__name__}")
    if code not in MEASURES:
        raise ValueError(f"unknown measure {code!r}; allowed: {', '.join(MEASURES)}")
    return MEASURES[code]


def as_array(name: str, values: Any, *, minimum: float | None = None, strict: bool = False,
             integer: bool = False) -> np.ndarray:
    """Return ``values`` as a 1-D float array, or raise a clear error."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be a number or a sequence of numbers, got a string")
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, got {values!r}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: at least one study is needed")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers (no NaN or infinity), got {arr.tolist()}")
    if minimum is not None:
        bad = arr <= minimum if strict else arr < minimum
        if np.any(bad):
            sign = ">" if strict else ">="
            raise ValueError(f"{name} must be {sign} {minimum}, got {arr.tolist()}")
    if integer and np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must be whole numbers (counts), got {arr.tolist()}")
    return arr


def same_length(**arrays: np.ndarray) -> int:
    """Return the common length of ``arrays``, or raise a clear error naming each length."""
    sizes = {name: a.size for name, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"inputs differ in length: {sizes}")
    return next(iter(sizes.values()))



def mean_difference(mean1, sd1, n1, mean2, sd2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Return the mean differences ``mean1 - mean2`` and their sampling variances.

    Parameters
    ----------
    mean1, sd1, n1
        Mean, standard deviation and size of group 1 (one value or one per study).
    mean2, sd2, n2
        The same for group 2.

    Returns
    -------
    yi, vi
        ``mean1 - mean2`` and ``sd1**2 / n1 + sd2**2 / n2``.
    """
    m1, m2 = as_array("mean1", mean1), as_array("mean2", mean2)
    s1, s2 = as_array("sd1", sd1, minimum=0, strict=True), as_array("sd2", sd2, minimum=0, strict=True)
    a, b = as_array("n1", n1, minimum=1, integer=True), as_array("n2", n2, minimum=1, integer=True)
    same_length(mean1=m1, sd1=s1, n1=a, mean2=m2, sd2=s2, n2=b)
    return m1 - m2, s1**2 / a + s2**2 / b


def standardized_mean_difference(mean1, sd1, n1, mean2, sd2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Return Hedges' g (bias-corrected SMD) and its variance, as statsmodels computes them.

    ``g = J * (mean1 - mean2) / s_pooled`` with ``J = 1 - 3 / (4 N - 9)`` and
    ``var(g) = N / (n1 n2) + g**2 / (2 (N - 3.94))``, ``N = n1 + n2``
    (statsmodels ``effectsize_smd``; Borenstein et al. 2009).
    """
    m1, m2 = as_array("mean1", mean1), as_array("mean2", mean2)
    s1, s2 = as_array("sd1", sd1, minimum=0, strict=True), as_array("sd2", sd2, minimum=0, strict=True)
    a, b = as_array("n1", n1, minimum=2, integer=True), as_array("n2", n2, minimum=2, integer=True)
    same_length(mean1=m1, sd1=s1, n1=a, mean2=m2, sd2=s2, n2=b)
    pooled_var = (s1**2 * (a - 1) + s2**2 * (b - 1)) / (a + b - 2)
    total = a + b
    g = (1 - 3 / (4 * total - 9)) * (m1 - m2) / np.sqrt(pooled_var)
    return g, total / a / b + g**2 / 2 / (total - 3.94)


def _two_by_two(events1, n1, events2, n2, correction: float):
    e1 = as_array("events1", events1, minimum=0, integer=True)
    e2 = as_array("events2", events2, minimum=0, integer=True)
    a = as_array("n1", n1, minimum=1, integer=True)
    b = as_array("n2", n2, minimum=1, integer=True)
    same_length(events1=e1, n1=a, events2=e2, n2=b)
    if np.any(e1 > a) or np.any(e2 > b):
        raise ValueError("events cannot exceed the group size")
    if not isinstance(correction, int | float) or correction < 0:
        raise ValueError(f"correction must be a number >= 0, got {correction!r}")
    cells = np.stack([e1, a - e1, e2, b - e2])
    zero = np.any(cells == 0, axis=0)
    cells = cells + np.where(zero, float(correction), 0.0)
    if np.any(cells == 0):
        raise ValueError("a study has an empty cell; use a continuity correction > 0")
    return cells


def log_odds_ratio(events1, n1, events2, n2, correction: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Return log odds ratios (group 1 vs group 2) and their variances (Woolf).

    ``correction`` is added to all four cells of a study that has an empty cell
    (and only to that study), as metafor does by default.
    """
    a, b, c, d = _two_by_two(events1, n1, events2, n2, correction)
    return np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d


def log_risk_ratio(events1, n1, events2, n2, correction: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Return log risk ratios (group 1 vs group 2) and their variances.

    ``var = 1/a - 1/(a+b) + 1/c - 1/(c+d)`` for events ``a``, ``c`` and
    non-events ``b``, ``d``; a study with an empty cell gets ``correction``
    added to each cell.
    """
    a, b, c, d = _two_by_two(events1, n1, events2, n2, correction)
    return np.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)


def logit_proportion(proportion, n) -> tuple[np.ndarray, np.ndarray]:
    """Return proportions on the logit scale and their variances ``1 / (n p (1 - p))``.

    Parameters
    ----------
    proportion
        Proportions strictly between 0 and 1 (not percentages).
    n
        The number of observations behind each proportion (e.g. screws).
    """
    p = as_array("proportion", proportion, minimum=0, strict=True)
    if np.any(p >= 1):
        raise ValueError(f"proportion must be below 1 (give 0.93, not 93), got {p.tolist()}")
    size = as_array("n", n, minimum=1, integer=True)
    same_length(proportion=p, n=size)
    return np.log(p / (1 - p)), 1 / (size * p * (1 - p))


def from_confidence_interval(estimate, low, high, level: float = 0.95,
                             ratio: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return effects and variances recovered from published estimates and CIs.

    The standard error is the CI width divided by ``2 z``; for a ratio the
    estimate and bounds are logged first. A published interval that is not
    symmetric around its estimate (after rounding) keeps the printed estimate.
    """
    est, lo, hi = as_array("estimate", estimate), as_array("low", low), as_array("high", high)
    same_length(estimate=est, low=lo, high=hi)
    if np.any(hi <= lo):
        raise ValueError("each CI must have high > low")
    if ratio:
        if np.any(lo <= 0) or np.any(est <= 0):
            raise ValueError("ratios and their bounds must be > 0")
        est, lo, hi = np.log(est), np.log(lo), np.log(hi)
    if np.any(est < lo) or np.any(est > hi):
        raise ValueError("each estimate must lie inside its CI")
    se = (hi - lo) / (2 * critical_z(level))
    return est, se**2


def back_transform(measure: str, values):
    """Return ``values`` (on the pooling scale) on the scale students read.

    Ratios are exponentiated; logit proportions become percentages; differences
    are unchanged. ``None`` stays ``None``.
    """
    m = _measure(measure)
    if values is None:
        return None
    arr = np.asarray(values, dtype=float)
    if m.scale == "log":
        out = np.exp(arr)
    elif m.scale == "logit":
        out = 100.0 / (1.0 + np.exp(-arr))
    else:
        out = arr
    return float(out) if out.ndim == 0 else out
