"""The Meyerding grade of a spondylolisthesis, from a measured slip (lesson 02).

The slip is the forward displacement of the upper vertebra's posterior wall
over the upper endplate of the vertebra below, as a percentage of that
endplate's antero-posterior width (:func:`grade_slip`). The grade ranges come
from ``meyerding_grades``; the cited endplate width from ``lumbar_morphometry``.

Examples
--------
>>> grade_slip(10.0, 40.0).grade.grade  # 25 %: the boundary belongs to grade II
'II'
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from widgets.core.data import DataError, data_dir, load_table
from widgets.core.numbers import finite_float

__all__ = [
    "CitedWidth",
    "MeyerdingGrade",
    "MeyerdingResult",
    "endplate_width",
    "grade_slip",
    "meyerding_grade",
    "meyerding_grades",
    "slip_percent",
]


@dataclass(frozen=True)
class MeyerdingGrade:
    """One Meyerding grade as printed in its source (a row of ``meyerding_grades``)."""

    grade: str
    lower_pct: float
    upper_pct: float | None
    range_as_printed: str
    slip_group: str
    description: str
    source_key: str
    confidence: str


@functools.cache
def _grades(directory: str) -> tuple[MeyerdingGrade, ...]:
    table = load_table("meyerding_grades").sort_values("lower_pct")
    out = []
    for r in table.itertuples():
        upper = None if r.upper_pct is None or math.isnan(r.upper_pct) else float(r.upper_pct)
        out.append(MeyerdingGrade(str(r.grade), float(r.lower_pct), upper, str(r.range_as_printed),
                                  str(r.slip_group), str(r.description), str(r.source_key),
                                  str(r.confidence)))
    if not out or out[-1].upper_pct is not None:
        raise DataError("data/tables/meyerding_grades.csv: the last grade must have no upper end")
    return tuple(out)


def meyerding_grades() -> tuple[MeyerdingGrade, ...]:
    """Return the Meyerding grades, lowest first, from the ``meyerding_grades`` table."""
    return _grades(str(data_dir()))


def slip_percent(slip_mm: float, endplate_mm: float) -> float:
    """Return the slip as a percentage of the lower vertebra's endplate width.

    Parameters
    ----------
    slip_mm
        Forward displacement of the upper vertebra's posterior wall over the
        upper endplate of the vertebra below, in mm (0 or more).
    endplate_mm
        Antero-posterior width of that upper endplate, in mm (more than 0).

    Raises
    ------
    TypeError
        If either value is not a number.
    ValueError
        If the slip is negative (a backward slip, retrolisthesis, is not
        graded by this model) or the width is not positive.
    """
    slip = finite_float("slip_mm", slip_mm)
    width = finite_float("endplate_mm", endplate_mm)
    if slip < 0:
        raise ValueError(f"slip_mm must be 0 or more (a forward slip), got {slip:g}")
    if width <= 0:
        raise ValueError(f"endplate_mm must be more than 0, got {width:g}")
    return 100.0 * slip / width


def meyerding_grade(percent: float) -> MeyerdingGrade | None:
    """Return the Meyerding grade of a slip given as a percentage, or ``None`` for no slip.

    Boundary convention (the model's; the printed ranges share their end
    points): each grade includes its lower end and excludes its upper end,
    so 25 % is grade II, 50 % grade III and 75 % grade IV. The one exception
    is 100 %: grade V is defined as a slip *greater than* 100 %, so exactly
    100 % stays in grade IV. A slip of exactly 0 % is no slip (``None``).
    """
    pct = finite_float("percent", percent)
    if pct < 0:
        raise ValueError(f"percent must be 0 or more, got {pct:g}")
    if pct == 0:
        return None
    grades = meyerding_grades()
    for i, g in enumerate(grades):
        if g.upper_pct is None:
            if pct > g.lower_pct:
                return g
            continue
        nxt = grades[i + 1] if i + 1 < len(grades) else None
        closes = nxt is not None and nxt.upper_pct is None and nxt.lower_pct == g.upper_pct
        if g.lower_pct <= pct < g.upper_pct or (closes and pct == g.upper_pct):
            return g
    raise DataError(f"no Meyerding grade covers a slip of {pct:g} %")  # pragma: no cover


@dataclass(frozen=True)
class MeyerdingResult:
    """A measured slip, its percentage and its grade."""

    slip_mm: float
    endplate_mm: float
    percent: float
    grade: MeyerdingGrade | None

    @property
    def label(self) -> str:
        """The grade in words ("grade II", or "no slip")."""
        return "no slip" if self.grade is None else f"grade {self.grade.grade}"

    def as_rows(self, endplate_basis: str) -> list[dict[str, str]]:
        """Return what a student reads: measurements, percentage and grade, each with its basis."""
        g = self.grade
        source = "-" if g is None else f"{g.source_key} ({g.confidence})"
        return [
            {"quantity": "slip (measured)", "value": f"{self.slip_mm:.1f} mm", "basis": "your measurement"},
            {"quantity": "upper endplate width of the vertebra below", "value": f"{self.endplate_mm:.1f} mm",
             "basis": endplate_basis},
            {"quantity": "slip percentage", "value": f"{self.percent:.1f} %",
             "basis": "derived: slip / endplate width x 100"},
            {"quantity": "Meyerding grade", "value": self.label,
             "basis": "no grade" if g is None else f"range {g.range_as_printed}; {g.slip_group}"},
            {"quantity": "source of the grade ranges", "value": source, "basis": "cited"},
        ]


def grade_slip(slip_mm: float, endplate_mm: float) -> MeyerdingResult:
    """Grade a measured slip: percentage of the endplate width, then the Meyerding grade."""
    pct = slip_percent(slip_mm, endplate_mm)
    return MeyerdingResult(float(slip_mm), float(endplate_mm), pct, meyerding_grade(pct))


@dataclass(frozen=True)
class CitedWidth:
    """A cited endplate width: mean, SD and where it comes from."""

    value: float
    sd: float
    unit: str
    level: str
    source_key: str
    confidence: str


@functools.cache
def _endplate(directory: str, level: str) -> CitedWidth:
    table = load_table("lumbar_morphometry")
    rows = table[(table["level"] == level) & (table["measure"] == "vertebral_body_superior_length_AP")
                 & (table["subgroup"] == "all")]
    if len(rows) != 1:
        raise DataError(f"data/tables/lumbar_morphometry.csv: expected one {level} superior"
                        f" endplate length (subgroup all), found {len(rows)}")
    r = rows.iloc[0]
    return CitedWidth(float(r["value"]), float(r["sd"]), str(r["unit"]), level, str(r["source_key"]),
                      str(r["confidence"]))


def endplate_width(level: str = "L5") -> CitedWidth:
    """Return the cited antero-posterior length of the upper endplate of ``level``.

    Only L5 has this measure in the tables (Cook & Baker 2021); it is the
    vertebra below an L4-L5 slip.
    """
    if not isinstance(level, str):
        raise TypeError(f"level must be a string such as 'L5', got {type(level).__name__}")
    return _endplate(str(data_dir()), level)
