"""The verdict rule of the evidence map (lesson 05) and of the findings table (lesson 06).

A verdict has two parts, each with its reason in words a student can check:

* **importance**, from where the 95% confidence interval lies against the
  smallest difference that matters (:func:`read_importance`): a cited minimal
  clinically important difference (MCID, ``data/tables/mcid.csv``) for a
  patient-reported instrument, otherwise a labelled assumption
  (``data/assumptions.yaml``). An interval entirely beyond the threshold is an
  *important difference*; one entirely within plus or minus the threshold is
  *no important difference*; anything else, or no interval at all, is
  *inconclusive*. Events are judged on the absolute difference per 100
  patients, worked out from a ratio and the comparator's risk
  (:func:`absolute_per_100`);
* **certainty**, GRADE-like (:func:`certainty`): evidence from randomised
  trials starts *high*, observational evidence starts *low*, and each concern
  (risk of bias, such as an unblinded trial with a patient-rated outcome;
  inconsistency; imprecision) lowers it one level, down to *very low*. The
  rule never raises a level.

Statistically significant is not the same as important: a difference can be
certain and too small to matter (3 mm on a 100 mm pain scale), or large and
uncertain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "LEVELS",
    "READINGS",
    "Threshold",
    "absolute_per_100",
    "assumed_threshold",
    "certainty",
    "mcid_threshold",
    "read_importance",
]

#: Certainty levels, lowest first.
LEVELS = ("very low", "low", "moderate", "high")

#: What an interval says about importance, oriented so that "benefit" favours the first-named
#: treatment (MISS, or the procedure tested against a sham).
READINGS = ("important benefit", "important harm", "no important difference", "inconclusive")


@dataclass(frozen=True)
class Threshold:
    """The smallest difference that matters for one outcome, and where it comes from.

    Attributes
    ----------
    value
        The threshold, positive, in ``unit``.
    unit
        The unit of the outcome's differences (``points (0-100)``, ``mL``, ``per 100 patients``).
    basis
        ``MCID`` (cited, ``data/tables/mcid.csv``) or ``assumption`` (``data/assumptions.yaml``).
    key
        The instrument (for an MCID) or the assumption's name.
    source_key
        The reference of a cited MCID; empty for an assumption.
    """

    value: float
    unit: str
    basis: str
    key: str
    source_key: str = ""

    def __post_init__(self):
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or not self.value > 0:
            raise ValueError(f"threshold value must be a positive number, got {self.value!r}")
        if self.basis not in ("MCID", "assumption"):
            raise ValueError(f"threshold basis must be 'MCID' or 'assumption', got {self.basis!r}")

    def amount(self) -> str:
        """Return the value with its unit, e.g. ``10 points (0-100)`` or ``1 day``."""
        unit = self.unit[:-1] if self.value == 1 and self.unit in ("days", "points") else self.unit
        return f"{self.value:g} {unit}"

    def describe(self) -> str:
        """Return the threshold in words, e.g. ``MCID of the ODI: 10 points (0-100) (Ostelo2008Spine)``."""
        value = self.amount()
        if self.basis == "MCID":
            return f"MCID of the {self.key}: {value} ({self.source_key})"
        return f"assumed smallest difference that matters: {value} (assumption {self.key})"


def mcid_threshold(instrument: str, *, scale: float = 1.0, unit: str | None = None) -> Threshold:
    """Return the cited MCID of ``instrument`` from ``data/tables/mcid.csv`` as a :class:`Threshold`.

    ``scale`` converts it to the unit the outcome is reported in (0.1 turns the
    15 mm of a 100 mm pain scale into 1.5 points on a 0-10 scale); ``unit``
    names that unit (default: the table's unit and range).
    """
    from widgets.core.data import records

    if isinstance(scale, bool) or not isinstance(scale, int | float) or not scale > 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    rows = [r for r in records("mcid") if r["instrument"] == instrument]
    if not rows:
        known = ", ".join(r["instrument"] for r in records("mcid"))
        raise ValueError(f"no MCID for instrument {instrument!r} in data/tables/mcid.csv; known: {known}")
    r = rows[0]
    own_unit = f"{r['unit']} ({r['scale_min']:g}-{r['scale_max']:g})"
    return Threshold(float(r["mcid"]) * scale, unit or own_unit, "MCID", instrument, str(r["source_key"]))


def assumed_threshold(name: str) -> Threshold:
    """Return the documented assumption ``name`` (``data/assumptions.yaml``) as a :class:`Threshold`."""
    from widgets.core.assumptions import assumption

    a = assumption(name)
    return Threshold(float(a.value), a.unit, "assumption", name)


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return float(value)


def absolute_per_100(*, ratio: float, control_risk_pct: float, measure: str = "RR") -> float:
    """Return the absolute difference in events per 100 patients implied by a ratio.

    Parameters
    ----------
    ratio
        Risk ratio (``measure="RR"``) or odds ratio (``"OR"``) of the first-named
        treatment against the comparator.
    control_risk_pct
        The comparator's risk, in percent (0 to 100).
    measure
        ``RR`` or ``OR``.

    Examples
    --------
    A risk ratio of 2 on a comparator risk of 3% is 3 more events per 100:

    >>> absolute_per_100(ratio=2.0, control_risk_pct=3.0)
    3.0
    """
    ratio = _number("ratio", ratio)
    p0 = _number("control_risk_pct", control_risk_pct)
    if ratio <= 0:
        raise ValueError(f"ratio must be above 0, got {ratio!r}")
    if not 0 <= p0 <= 100:
        raise ValueError(f"control_risk_pct must be between 0 and 100, got {p0!r}")
    if measure not in ("RR", "OR"):
        raise ValueError(f"measure must be 'RR' or 'OR', got {measure!r}")
    p0 /= 100
    p1 = p0 * ratio if measure == "RR" else ratio * p0 / (1 - p0 + ratio * p0)
    return round((p1 - p0) * 100, 10)


def read_importance(*, low: float | None, high: float | None, threshold: float) -> tuple[str, str]:
    """Return ``(reading, why)`` for a 95% CI oriented so that positive favours the first-named.

    ``reading`` is one of :data:`READINGS`. The CI is compared with plus and
    minus ``threshold``: entirely at or beyond it is an important benefit (or
    harm), entirely inside it is no important difference, otherwise (or with no
    CI) inconclusive.

    >>> read_importance(low=0.2, high=6.2, threshold=15)[0]
    'no important difference'
    >>> read_importance(low=216.5, high=366.7, threshold=100)[0]
    'important benefit'
    """
    t = _number("threshold", threshold)
    if t <= 0:
        raise ValueError(f"threshold must be above 0, got {threshold!r}")
    if low is None or high is None:
        return "inconclusive", "no 95% CI printed, so the rule cannot tell an important difference from none"
    lo, hi = _number("low", low), _number("high", high)
    if lo > hi:
        raise ValueError(f"the CI must be given as low <= high, got {lo!r} to {hi!r}")
    span = f"95% CI {_g(lo)} to {_g(hi)}"
    if lo >= t:
        return "important benefit", f"{span}: all of it beyond +{_g(t)}"
    if hi <= -t:
        return "important harm", f"{span}: all of it beyond -{_g(t)}"
    if -t < lo and hi < t:
        return "no important difference", f"{span}: all of it within ±{_g(t)}"
    return "inconclusive", f"{span} crosses ±{_g(t)}: an important difference is neither shown nor ruled out"


def _g(x: float) -> str:
    x = round(x, 2)
    return f"{0.0 if x == 0 else x:g}"


def certainty(*, randomised: bool, concerns: Sequence[str] = ()) -> tuple[str, str]:
    """Return ``(level, why)``: GRADE-like certainty from the designs pooled and the concerns.

    Randomised evidence starts ``high``, observational ``low``; each concern
    (a short phrase: "unblinded trials, patient-rated outcome", "sources
    disagree", "CI crosses the threshold") lowers it one level, to ``very low``
    at the least.

    >>> certainty(randomised=False, concerns=())
    ('low', 'observational designs pooled: starts low')
    """
    if not isinstance(randomised, bool):
        raise TypeError(f"randomised must be True or False, got {randomised!r}")
    concerns = tuple(concerns)
    if any(not isinstance(c, str) or not c for c in concerns):
        raise TypeError(f"concerns must be non-empty strings, got {concerns!r}")
    start = 3 if randomised else 1
    level = max(0, start - len(concerns))
    why = ("randomised trials pooled: starts high" if randomised
           else "observational designs pooled: starts low")
    if concerns:
        why += "; lowered for: " + "; ".join(concerns)
    return LEVELS[level], why
