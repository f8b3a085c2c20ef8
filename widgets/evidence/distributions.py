"""The normal, chi-square and Student's t distributions a meta-analysis needs, in pure ``math``.

:func:`critical_z` gives the normal quantile of a confidence level;
:func:`chi2_sf` the p value of Cochran's Q; :func:`t_quantile` the quantile of
the prediction interval. Closed forms for whole degrees of freedom, so a
lesson does not import ``scipy.special`` (0.4 s) for one p value; the tests
compare them with scipy's ``chdtrc`` and ``stdtrit``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

__all__ = ["chi2_sf", "critical_z", "t_quantile"]


def critical_z(level: float) -> float:
    """Return the two-sided normal quantile of a confidence level: 1.96 for 0.95.

    Raises
    ------
    ValueError
        When ``level`` is not a number strictly between 0 and 1.
    """
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
