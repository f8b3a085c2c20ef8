"""Meta-analysis: effect sizes, fixed- and random-effects pooling, heterogeneity.

Pure functions on numbers and numpy arrays, with no data loading and no
display; :mod:`widgets.evidence.analysis` feeds them the cited study-level tables.

Effect sizes (each returns the effects ``yi`` and their sampling variances ``vi``):

* :func:`mean_difference` (``MD``) and :func:`standardized_mean_difference`
  (``SMD``, Hedges' g with the small-sample correction) from arm means, SDs and sizes;
* :func:`log_odds_ratio` (``OR``) and :func:`log_risk_ratio` (``RR``) from event
  counts, on the log scale;
* :func:`logit_proportion` (``PLO``): one proportion on the logit scale;
* :func:`from_confidence_interval` (``GEN``): an estimate published with its 95% CI.

Pooling is inverse-variance weighting: :func:`pool` fits a fixed-effect model
or a random-effects model whose between-study variance tau² is estimated by
DerSimonian-Laird (``DL``), restricted maximum likelihood (``REML``) or
Paule-Mandel (``PM``). The result carries Cochran's Q, I², H², tau² and the
prediction interval of Higgins, Thompson & Spiegelhalter (2009).

The numbers agree with statsmodels' ``statsmodels.stats.meta_analysis`` (fixed,
DL, PM) to 1e-6 and with metafor's REML on its BCG example; see
``tests/test_meta.py``. statsmodels has no REML estimator, so REML is solved
here by Fisher scoring on the restricted likelihood. One deliberate difference:
statsmodels' DL does not truncate a negative tau² at zero, this module does (as
DerSimonian & Laird and metafor do). :func:`statsmodels_check` puts the two
side by side.

Conventions: an effect is "group 1 minus group 2" (a difference) or "group 1
relative to group 2" (a ratio); in the lessons group 1 is the minimally
invasive arm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

__all__ = [
    "MEASURES",
    "MODELS",
    "Measure",
    "PoolResult",
    "back_transform",
    "chi2_sf",
    "from_confidence_interval",
    "heterogeneity",
    "log_odds_ratio",
    "log_risk_ratio",
    "logit_proportion",
    "mean_difference",
    "pool",
    "prediction_interval",
    "reml_loglik",
    "standardized_mean_difference",
    "statsmodels_check",
    "tau2_dl",
    "tau2_pm",
    "tau2_reml",
    "t_quantile",
]

#: Pooling models: fixed effect, and random effects with three tau² estimators.
MODELS = ("fixed", "DL", "REML", "PM")


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


def _array(name: str, values: Any, *, minimum: float | None = None, strict: bool = False,
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


def _same_length(**arrays: np.ndarray) -> int:
    sizes = {name: a.size for name, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"inputs differ in length: {sizes}")
    return next(iter(sizes.values()))


# ----------------------------------------------------------------------------- effect sizes


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
    m1, m2 = _array("mean1", mean1), _array("mean2", mean2)
    s1, s2 = _array("sd1", sd1, minimum=0, strict=True), _array("sd2", sd2, minimum=0, strict=True)
    a, b = _array("n1", n1, minimum=1, integer=True), _array("n2", n2, minimum=1, integer=True)
    _same_length(mean1=m1, sd1=s1, n1=a, mean2=m2, sd2=s2, n2=b)
    return m1 - m2, s1**2 / a + s2**2 / b


def standardized_mean_difference(mean1, sd1, n1, mean2, sd2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Return Hedges' g (bias-corrected SMD) and its variance, as statsmodels computes them.

    ``g = J * (mean1 - mean2) / s_pooled`` with ``J = 1 - 3 / (4 N - 9)`` and
    ``var(g) = N / (n1 n2) + g**2 / (2 (N - 3.94))``, ``N = n1 + n2``
    (statsmodels ``effectsize_smd``; Borenstein et al. 2009).
    """
    m1, m2 = _array("mean1", mean1), _array("mean2", mean2)
    s1, s2 = _array("sd1", sd1, minimum=0, strict=True), _array("sd2", sd2, minimum=0, strict=True)
    a, b = _array("n1", n1, minimum=2, integer=True), _array("n2", n2, minimum=2, integer=True)
    _same_length(mean1=m1, sd1=s1, n1=a, mean2=m2, sd2=s2, n2=b)
    pooled_var = (s1**2 * (a - 1) + s2**2 * (b - 1)) / (a + b - 2)
    total = a + b
    g = (1 - 3 / (4 * total - 9)) * (m1 - m2) / np.sqrt(pooled_var)
    return g, total / a / b + g**2 / 2 / (total - 3.94)


def _two_by_two(events1, n1, events2, n2, correction: float):
    e1 = _array("events1", events1, minimum=0, integer=True)
    e2 = _array("events2", events2, minimum=0, integer=True)
    a = _array("n1", n1, minimum=1, integer=True)
    b = _array("n2", n2, minimum=1, integer=True)
    _same_length(events1=e1, n1=a, events2=e2, n2=b)
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
    p = _array("proportion", proportion, minimum=0, strict=True)
    if np.any(p >= 1):
        raise ValueError(f"proportion must be below 1 (give 0.93, not 93), got {p.tolist()}")
    size = _array("n", n, minimum=1, integer=True)
    _same_length(proportion=p, n=size)
    return np.log(p / (1 - p)), 1 / (size * p * (1 - p))


def _z(level: float) -> float:
    if not isinstance(level, int | float) or isinstance(level, bool) or not 0 < level < 1:
        raise ValueError(f"level must be a number between 0 and 1 (e.g. 0.95), got {level!r}")
    return NormalDist().inv_cdf(0.5 + level / 2)


def chi2_sf(df: int, x: float) -> float:
    """Return P(X > x) for a chi-square variable with a whole number ``df`` of degrees of freedom.

    The closed form for whole ``df`` (Abramowitz & Stegun 26.4.4-26.4.5): ``erfc(sqrt(x/2))``
    for one degree of freedom or ``exp(-x/2)`` for two, plus, for each further two degrees
    of freedom, the term ``(x/2)**(n/2) exp(-x/2) / Gamma(n/2 + 1)``. Pure ``math``, so a
    lesson does not import ``scipy.special`` (0.4 s) for one p value; the tests compare it
    with scipy's ``chdtrc``.
    """
    if not isinstance(df, int) or isinstance(df, bool) or df < 1:
        raise ValueError(f"df must be a whole number >= 1, got {df!r}")
    if not isinstance(x, int | float) or math.isnan(x):
        raise ValueError(f"x must be a number, got {x!r}")
    if x <= 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    half = x / 2
    total = math.erfc(math.sqrt(half)) if df % 2 else math.exp(-half)
    for n in range(df % 2 or 2, df, 2):  # add the term for n degrees of freedom, n + 2 <= df
        total += math.exp((n / 2) * math.log(half) - half - math.lgamma(n / 2 + 1))
    return min(1.0, total)


def _t_central(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with whole ``df`` (Abramowitz & Stegun 26.7.3-26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2:  # odd
        if df == 1:
            return 2 * theta / math.pi
        term, series = 1.0, 1.0
        for j in range(1, (df - 1) // 2):  # 1 + 2/3 c2 + (2*4)/(3*5) c2**2 + ...
            term *= c2 * (2 * j) / (2 * j + 1)
            series += term
        return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * series)
    term, series = 1.0, 1.0
    for j in range(1, df // 2):  # 1 + 1/2 c2 + (1*3)/(2*4) c2**2 + ...
        term *= c2 * (2 * j - 1) / (2 * j)
        series += term
    return math.sin(theta) * series


def t_quantile(df: int, p: float) -> float:
    """Return the ``p`` quantile of Student's t with a whole number ``df`` of degrees of freedom.

    Inverts the closed-form t distribution (:func:`_t_central`) by bisection to
    machine precision; pure ``math``, compared with scipy's ``stdtrit`` in the tests.
    """
    if not isinstance(df, int) or isinstance(df, bool) or df < 1:
        raise ValueError(f"df must be a whole number >= 1, got {df!r}")
    if not isinstance(p, int | float) or not 0 < p < 1:
        raise ValueError(f"p must be a number between 0 and 1, got {p!r}")
    if p == 0.5:
        return 0.0
    target = abs(2 * p - 1)  # P(|T| <= t) at the quantile
    lo, hi = 0.0, 1.0
    while _t_central(hi, df) < target:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if _t_central(mid, df) < target else (lo, mid)
    t = (lo + hi) / 2
    return t if p > 0.5 else -t


def from_confidence_interval(estimate, low, high, level: float = 0.95,
                             ratio: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return effects and variances recovered from published estimates and CIs.

    The standard error is the CI width divided by ``2 z``; for a ratio the
    estimate and bounds are logged first. A published interval that is not
    symmetric around its estimate (after rounding) keeps the printed estimate.
    """
    est, lo, hi = _array("estimate", estimate), _array("low", low), _array("high", high)
    _same_length(estimate=est, low=lo, high=hi)
    if np.any(hi <= lo):
        raise ValueError("each CI must have high > low")
    if ratio:
        if np.any(lo <= 0) or np.any(est <= 0):
            raise ValueError("ratios and their bounds must be > 0")
        est, lo, hi = np.log(est), np.log(lo), np.log(hi)
    if np.any(est < lo) or np.any(est > hi):
        raise ValueError("each estimate must lie inside its CI")
    se = (hi - lo) / (2 * _z(level))
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


# ----------------------------------------------------------------------------- heterogeneity


def _checked(yi, vi) -> tuple[np.ndarray, np.ndarray]:
    y = _array("yi", yi)
    v = _array("vi", vi, minimum=0, strict=True)
    _same_length(yi=y, vi=v)
    return y, v


def heterogeneity(yi, vi) -> dict[str, float | int | None]:
    """Return Cochran's Q, its degrees of freedom and p value, I² (%) and H².

    ``Q = sum(w (y - y_fixed)**2)`` with ``w = 1 / v``; ``I² = max(0, (Q - df) / Q)``
    (Higgins & Thompson 2002) and ``H² = Q / df``. With one study, Q is 0 and the
    rest is undefined (``None``).
    """
    y, v = _checked(yi, vi)
    w = 1 / v
    mu = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - mu) ** 2))
    df = y.size - 1
    if df == 0:
        return {"q": q, "df": 0, "p_q": None, "i2": None, "h2": None}
    i2 = 100.0 * max(0.0, (q - df) / q) if q > 0 else 0.0
    return {"q": q, "df": df, "p_q": chi2_sf(df, q), "i2": i2, "h2": q / df}


def tau2_dl(yi, vi) -> float:
    """Return the DerSimonian-Laird estimate of tau², truncated at zero.

    ``tau² = max(0, (Q - (k - 1)) / C)``, ``C = sum(w) - sum(w**2) / sum(w)``.
    """
    y, v = _checked(yi, vi)
    if y.size == 1:
        return 0.0
    w = 1 / v
    q = heterogeneity(y, v)["q"]
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    return max(0.0, (q - (y.size - 1)) / c)


def reml_loglik(tau2: float, yi, vi) -> float:
    """Return the restricted (REML) log-likelihood of tau², up to a constant.

    ``-1/2 [sum(log(v + tau²)) + log(sum(w)) + sum(w (y - mu)**2)]`` with
    ``w = 1 / (v + tau²)`` and ``mu`` the weighted mean.
    """
    y, v = _checked(yi, vi)
    if not isinstance(tau2, int | float) or tau2 < 0:
        raise ValueError(f"tau2 must be a number >= 0, got {tau2!r}")
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return float(-0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2)))


def _reml_score_info(tau2: float, y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Score and Fisher information of the REML log-likelihood at ``tau2``."""
    w = 1 / (v + tau2)
    sw, sw2, sw3 = np.sum(w), np.sum(w**2), np.sum(w**3)
    mu = np.sum(w * y) / sw
    score = 0.5 * (np.sum(w**2 * (y - mu) ** 2) - sw + sw2 / sw)
    info = 0.5 * (sw2 - 2 * sw3 / sw + (sw2 / sw) ** 2)
    return float(score), float(info)


def tau2_reml(yi, vi, tol: float = 1e-10, max_iter: int = 200) -> tuple[float, float | None, int]:
    """Return the REML estimate of tau², its standard error and the iterations used.

    Fisher scoring on the restricted likelihood, started at the DerSimonian-Laird
    value, with step halving so the likelihood never falls, and the estimate
    kept at zero or above (the usual boundary). The standard error is
    ``1 / sqrt(information)`` at the estimate (``None`` with one study).

    Raises
    ------
    RuntimeError
        If the iteration does not settle within ``max_iter`` steps.
    """
    y, v = _checked(yi, vi)
    if y.size == 1:
        return 0.0, None, 0
    tau2 = tau2_dl(y, v)
    ll = reml_loglik(tau2, y, v)
    for iteration in range(1, max_iter + 1):
        score, info = _reml_score_info(tau2, y, v)
        step = score / info
        new = max(0.0, tau2 + step)
        new_ll = reml_loglik(new, y, v)
        halvings = 0
        while new_ll < ll - 1e-12 and halvings < 60:
            step /= 2
            new = max(0.0, tau2 + step)
            new_ll = reml_loglik(new, y, v)
            halvings += 1
        if abs(new - tau2) < tol * max(1.0, tau2):
            _, info = _reml_score_info(new, y, v)
            return new, 1 / math.sqrt(info), iteration
        tau2, ll = new, new_ll
    raise RuntimeError(f"REML did not converge in {max_iter} iterations (last tau2 {tau2!r})")


def tau2_pm(yi, vi, tol: float = 1e-12) -> float:
    """Return the Paule-Mandel estimate of tau² (statsmodels' ``"iterated"``).

    The tau² >= 0 at which the generalised Q, ``sum((y - mu)**2 / (v + tau²))``,
    equals ``k - 1``; zero when Q is already at or below ``k - 1``. Solved by
    bisection (the generalised Q falls steadily as tau² grows).
    """
    y, v = _checked(yi, vi)
    df = y.size - 1
    if df == 0:
        return 0.0

    def excess(t2: float) -> float:
        w = 1 / (v + t2)
        mu = np.sum(w * y) / np.sum(w)
        return float(np.sum(w * (y - mu) ** 2) - df)

    if excess(0.0) <= 0:
        return 0.0
    lo, hi = 0.0, max(float(np.var(y, ddof=1)), float(np.max(v)), 1e-12)
    while excess(hi) > 0:
        hi *= 2
    while hi - lo > tol * max(1.0, hi):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def prediction_interval(estimate: float, se: float, tau2: float, k: int,
                        level: float = 0.95) -> tuple[float, float] | None:
    """Return the random-effects prediction interval for the effect in a new study.

    ``estimate ± t(k - 2) * sqrt(tau² + se²)`` (Higgins, Thompson & Spiegelhalter
    2009). It needs at least three studies (``k - 2`` degrees of freedom), so
    with fewer it returns ``None``.
    """
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a whole number of studies >= 1, got {k!r}")
    for name, value in (("estimate", estimate), ("se", se), ("tau2", tau2)):
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if se < 0 or tau2 < 0:
        raise ValueError("se and tau2 must be >= 0")
    _z(level)
    if k < 3:
        return None
    half = t_quantile(k - 2, 0.5 + level / 2) * math.sqrt(tau2 + se**2)
    return estimate - half, estimate + half


# ----------------------------------------------------------------------------- pooling


@dataclass(frozen=True)
class PoolResult:
    """The pooled estimate of one meta-analysis, on the pooling scale.

    Attributes
    ----------
    model
        ``fixed``, ``DL``, ``REML`` or ``PM``.
    k
        Number of studies pooled.
    estimate, se, ci_low, ci_high, z, p
        Pooled effect, its standard error, confidence interval, z statistic and
        two-sided p value.
    q, df, p_q, i2, h2
        Cochran's Q, its degrees of freedom and p value, I² (%) and H².
    tau2, tau2_se
        Between-study variance (0 for the fixed-effect model) and, for REML,
        its standard error.
    pi_low, pi_high
        Prediction interval (random effects with at least three studies only).
    weights
        Each study's share of the weight, in %.
    level
        Confidence level of the intervals (0.95 for 95%).
    iterations
        Iterations the tau² estimator used (0 when it has a closed form).
    """

    model: str
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    q: float
    df: int
    p_q: float | None
    i2: float | None
    h2: float | None
    tau2: float
    tau2_se: float | None
    pi_low: float | None
    pi_high: float | None
    weights: tuple[float, ...]
    level: float
    iterations: int = 0

    @property
    def tau(self) -> float:
        """Between-study standard deviation (square root of tau²)."""
        return math.sqrt(self.tau2)


def pool(yi: Sequence[float] | np.ndarray, vi: Sequence[float] | np.ndarray, model: str = "REML",
         level: float = 0.95) -> PoolResult:
    """Pool effects ``yi`` with sampling variances ``vi`` by inverse-variance weighting.

    Parameters
    ----------
    yi, vi
        One effect and one variance per study, on the pooling scale (log ratios,
        logits, differences).
    model
        ``"fixed"`` (one common true effect) or a random-effects model whose tau²
        is estimated by ``"DL"``, ``"REML"`` or ``"PM"``.
    level
        Confidence level of the intervals, between 0 and 1.

    Returns
    -------
    PoolResult
        With one study the "pool" is that study: tau² is 0 and Q, I² and the
        prediction interval are undefined.

    Examples
    --------
    >>> r = pool([-439.0, -79.6], [7416.6667, 87.1400], model="fixed")
    >>> round(r.estimate, 1)
    -83.8
    """
    if not isinstance(model, str) or model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    zcrit = _z(level)
    y, v = _checked(yi, vi)
    het = heterogeneity(y, v)
    iterations, tau2_se = 0, None
    if model == "fixed" or y.size == 1:
        tau2 = 0.0
    elif model == "DL":
        tau2 = tau2_dl(y, v)
    elif model == "REML":
        tau2, tau2_se, iterations = tau2_reml(y, v)
    else:
        tau2 = tau2_pm(y, v)
    w = 1 / (v + tau2)
    estimate = float(np.sum(w * y) / np.sum(w))
    se = float(math.sqrt(1 / np.sum(w)))
    z = estimate / se
    pi = None if model == "fixed" else prediction_interval(estimate, se, tau2, int(y.size), level)
    return PoolResult(
        model=model, k=int(y.size), estimate=estimate, se=se,
        ci_low=estimate - zcrit * se, ci_high=estimate + zcrit * se,
        z=z, p=math.erfc(abs(z) / math.sqrt(2)),
        q=het["q"], df=het["df"], p_q=het["p_q"], i2=het["i2"], h2=het["h2"],
        tau2=tau2, tau2_se=tau2_se,
        pi_low=pi[0] if pi else None, pi_high=pi[1] if pi else None,
        weights=tuple(float(x) for x in 100 * w / np.sum(w)),
        level=float(level), iterations=iterations,
    )


def statsmodels_check(yi, vi, level: float = 0.95):
    """Return this module's and statsmodels' results side by side, as a table.

    One row per quantity (fixed-effect estimate and SE, DL and PM tau²,
    estimates and SEs) with both values and their difference. REML is listed
    with statsmodels' column empty: statsmodels has no REML estimator. Imports
    statsmodels on first use (about two seconds).
    """
    import pandas as pd
    from statsmodels.stats.meta_analysis import combine_effects

    y, v = _checked(yi, vi)
    if y.size < 2:
        raise ValueError("a cross-check needs at least two studies")
    alpha = 1 - level
    sm_dl = combine_effects(y, v, method_re="dl", alpha=alpha)
    sm_pm = combine_effects(y, v, method_re="iterated", alpha=alpha, atol=1e-12, maxiter=500)
    ours = {m: pool(y, v, m, level) for m in MODELS}
    rows = [
        ("fixed effect: estimate", ours["fixed"].estimate, float(sm_dl.mean_effect_fe)),
        ("fixed effect: standard error", ours["fixed"].se, float(sm_dl.sd_eff_w_fe)),
        ("Cochran's Q", ours["fixed"].q, float(sm_dl.q)),
        ("DerSimonian-Laird: tau²", ours["DL"].tau2, float(sm_dl.tau2)),
        ("DerSimonian-Laird: estimate", ours["DL"].estimate, float(sm_dl.mean_effect_re)),
        ("DerSimonian-Laird: standard error", ours["DL"].se, float(sm_dl.sd_eff_w_re)),
        ("Paule-Mandel: tau²", ours["PM"].tau2, float(sm_pm.tau2)),
        ("Paule-Mandel: estimate", ours["PM"].estimate, float(sm_pm.mean_effect_re)),
        ("REML: tau²", ours["REML"].tau2, None),
        ("REML: estimate", ours["REML"].estimate, None),
    ]
    frame = pd.DataFrame(
        [{"quantity": name, "this suite": a, "statsmodels": b,
          "difference": None if b is None else a - b} for name, a, b in rows]
    ).set_index("quantity")
    return frame
