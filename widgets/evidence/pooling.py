"""Pooling a meta-analysis: fixed and random effects, tau², heterogeneity, prediction interval.

Pure functions on the effects and variances of :mod:`widgets.evidence.effects`.
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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from widgets.evidence.distributions import chi2_sf, critical_z, t_quantile
from widgets.evidence.effects import as_array, same_length

__all__ = [
    "MODELS",
    "PoolResult",
    "heterogeneity",
    "pool",
    "prediction_interval",
    "reml_loglik",
    "statsmodels_check",
    "tau2_dl",
    "tau2_pm",
    "tau2_reml",
]

#: Pooling models: fixed effect, and random effects with three tau² estimators.
MODELS = ("fixed", "DL", "REML", "PM")


def _checked(yi, vi) -> tuple[np.ndarray, np.ndarray]:
    y = as_array("yi", yi)
    v = as_array("vi", vi, minimum=0, strict=True)
    same_length(yi=y, vi=v)
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
    critical_z(level)
    if k < 3:
        return None
    half = t_quantile(k - 2, 0.5 + level / 2) * math.sqrt(tau2 + se**2)
    return estimate - half, estimate + half


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
    zcrit = critical_z(level)
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
