"""What surgery buys, and when: the early-surgery trials for sciatica as they published them (lesson 08).

:func:`published_points` reads ``data/tables/natural_history.csv``: one row per figure or finding
a randomised trial of early surgery against conservative care published, at one time after
randomisation. Nothing is interpolated between them, and no curve is drawn through them: a
view plots each as a marker at its own time. Times given in months or years are converted to
weeks for the common axis only (4.345 weeks a month, 52.18 a year), and the conversion is said.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from widgets.core.data import records

__all__ = ["ARMS", "PublishedPoint", "published_points", "published_times", "points_at", "trials",
           "to_weeks"]

#: Weeks in a month and in a year (365.25 days / 7), for the common time axis only.
WEEKS_PER_MONTH = 365.25 / 7 / 12
WEEKS_PER_YEAR = 365.25 / 7
#: The arms a point can describe, as the view colours them.
ARMS = ("early surgery", "conservative care", "between arms", "both arms")
_ARM = {"early surgery": "early surgery", "assigned to surgery": "early surgery",
        "prolonged conservative care": "conservative care",
        "assigned to non-operative care": "conservative care",
        "between arms": "between arms", "both arms": "both arms"}


def to_weeks(value: float, unit: str) -> float:
    """Return ``value`` ``unit`` (weeks, months or years) in weeks."""
    factors = {"weeks": 1.0, "months": WEEKS_PER_MONTH, "years": WEEKS_PER_YEAR}
    if unit not in factors:
        raise ValueError(f"unknown time unit {unit!r}; use one of {', '.join(factors)}")
    if not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
        raise ValueError(f"time must be a number of 0 or more, got {value!r}")
    return float(value) * factors[unit]


@dataclass(frozen=True)
class PublishedPoint:
    """One published figure or finding of one trial at one time after randomisation."""

    trial: str
    year: int
    arm: str
    group: str
    measure: str
    time: float
    time_unit: str
    value: float | None
    value_text: str
    unit: str
    ci: tuple[float, float] | None
    n_randomised: int
    source_key: str
    secondary: bool

    @property
    def weeks(self) -> float:
        """The time point in weeks (converted when the source gave months or years)."""
        return to_weeks(self.time, self.time_unit)

    @property
    def when(self) -> str:
        """The time point as the source gave it: ``"1 year"``, ``"3 months"``, ``"2.2 weeks"``."""
        unit = self.time_unit[:-1] if self.time == 1 else self.time_unit
        return f"{self.time:g} {unit}"

    @property
    def finding(self) -> str:
        """The finding in words, with its number and interval when there is one."""
        parts = []
        if self.value is not None:
            number = f"{self.value:g}{'%' if self.unit == '%' else ' ' + self.unit}"
            if self.ci:
                number += f" (95% CI {self.ci[0]:g} to {self.ci[1]:g})"
            parts.append(number)
        if self.value_text:
            parts.append(self.value_text)
        return "; ".join(parts)


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


@functools.cache
def published_points() -> tuple[PublishedPoint, ...]:
    """Return every published point, earliest time first."""
    out = []
    for r in records("natural_history"):
        low, high = _number(r["ci_low"]), _number(r["ci_high"])
        out.append(PublishedPoint(
            str(r["trial"]), int(r["year"]), str(r["arm"]), _ARM[str(r["arm"])], str(r["measure"]),
            float(r["timepoint"]), str(r["timepoint_unit"]), _number(r["value"]), _text(r["value_text"]),
            _text(r["unit"]), (low, high) if low is not None and high is not None else None,
            int(r["n_randomised"]), str(r["source_key"]), r["confidence"] == "secondary-source"))
    return tuple(sorted(out, key=lambda p: (p.weeks, p.trial, p.arm)))


def trials() -> tuple[str, ...]:
    """Return the trials, in the order of their first report."""
    ordered = sorted(published_points(), key=lambda p: p.year)
    return tuple(dict.fromkeys(p.trial for p in ordered))


def published_times() -> tuple[str, ...]:
    """Return the distinct time points the trials published, earliest first, as the sources wrote them."""
    return tuple(dict.fromkeys(p.when for p in published_points()))


def points_at(when: str) -> tuple[PublishedPoint, ...]:
    """Return the points published at the time point ``when`` (one of :func:`published_times`)."""
    times = published_times()
    if when not in times:
        raise ValueError(f"no trial published a figure at {when!r}; published: {', '.join(times)}")
    return tuple(p for p in published_points() if p.when == when)
