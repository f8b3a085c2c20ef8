"""Recovery milestones after MISS and open surgery, as the sources print them (lesson 06).

Three kinds of figure, each kept to what the tables give:

- **arm values** (:func:`arm_milestones`): days in hospital, days on opioid
  medication, for a MISS arm and, where printed, an open arm of the same
  study. Each carries its statistic (mean, median, or not stated) and its
  spread (IQR or SD) exactly as printed. A value printed in weeks is
  converted to days (x 7), and the row says so.
- **differences** (:func:`pooled_differences`): MIS minus open in days from
  meta-analyses, with the 95% CI where printed. An interval printed without
  its point estimate stays an interval: no midpoint is made up.
- **going home the same day** (:func:`widgets.perioperative.tables.same_day_discharge`): the share of
  patients sent home on the day of surgery, and one mean stay in hours.

Nothing is interpolated: the timeline shows points and intervals only, never
a line through time. What the tables hold only in words (return to work,
earlier mobilisation) is listed by :func:`widgets.perioperative.tables.gaps` with the reason
there is no number.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from widgets.core.data import DataError, data_dir
from widgets.core.numbers import cell_text, optional_float
from widgets.perioperative.selectors import one_row

__all__ = [
    "MILESTONES",
    "ArmValue",
    "Difference",
    "arm_milestones",
    "parse_value_with_spread",
    "pooled_differences",
    "recovery_rows",
]

#: Milestone groups the timeline offers.
MILESTONES = ("length of stay", "opioid use", "time in bed / to walking")

_NUMBER = r"-?\d+(?:\.\d+)?"
_WITH_IQR = re.compile(rf"^\s*({_NUMBER})\s*\(\s*({_NUMBER})\s*-\s*({_NUMBER})\s*\)\s*$")


@dataclass(frozen=True)
class ArmValue:
    """One arm's figure for one milestone, in days, with what kind of number it is."""

    milestone: str
    procedure: str
    arm: str
    days: float | None
    low: float | None
    high: float | None
    statistic: str
    spread: str
    printed: str
    conversion: str
    design: str
    sample: str
    source_key: str
    confidence: str
    single_arm: bool = False

    def label(self) -> str:
        """Return a short label for the figure's category axis."""
        return f"{self.milestone}: {self.source_key} ({self.statistic})"


@dataclass(frozen=True)
class Difference:
    """A pooled MIS-minus-open difference in days, with its interval where printed."""

    milestone: str
    procedure: str
    days: float | None
    ci_low: float | None
    ci_high: float | None
    printed: str
    unit_note: str
    design: str
    source_key: str
    confidence: str

    def label(self) -> str:
        """Return a short label for the figure's category axis."""
        return f"{self.milestone}: {self.source_key}"


def parse_value_with_spread(text: str) -> tuple[float, float, float]:
    """Parse ``"3 (3-3)"`` or ``"2.0 (1.0-3.0)"`` into ``(value, low, high)``.

    Raises
    ------
    ValueError
        If ``text`` is not one number followed by a bracketed range.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    m = _WITH_IQR.match(text)
    if m is None:
        raise ValueError(f"expected 'value (low-high)', got {text!r}")
    value, low, high = (float(g) for g in m.groups())
    if not low <= value <= high:
        raise ValueError(f"value {value:g} lies outside its range {low:g}-{high:g} in {text!r}")
    return value, low, high


def _arm(milestone, procedure, arm, days, low, high, statistic, spread, printed, conversion, design,
         row, single_arm=False) -> ArmValue:
    confidence = cell_text(row.get("confidence_detail")) or str(row["confidence"])
    if row.get("confidence") == "secondary-source" and "secondary" not in confidence:
        confidence = f"secondary-source ({confidence})"
    sample = cell_text(row.get("n")) or cell_text(row.get("n_patients"))
    return ArmValue(milestone, procedure, arm, days, low, high, statistic, spread, printed, conversion,
                    design, sample, str(row["source_key"]), confidence, single_arm)


def _serban() -> list[ArmValue]:
    row = one_row("recovery_milestones",
                  {"source_key": "Serban2017BiomedResInt", "milestone": "mean length of stay"})
    if row["unit"] != "days":
        raise DataError("recovery_milestones: Serban 2017 length of stay is expected in days")
    proc = str(row["procedure"])
    return [_arm("length of stay", proc, arm, float(row[f"{key}_value"]), None, None, "mean", "",
                 f"{row[f'{key}_value']:g} days", "", "RCT", row)
            for arm, key in (("MISS", "mis"), ("open", "open"))]


def _adogwa_stay() -> list[ArmValue]:
    row = one_row("recovery_milestones",
                  {"source_key": "Adogwa2011JSDT", "milestone": "length of stay, median (IQR)"})
    out = []
    for arm, key in (("MISS", "mis"), ("open", "open")):
        text = str(row[f"{key}_value_text"])
        value, low, high = parse_value_with_spread(text)
        out.append(_arm("length of stay", str(row["procedure"]), arm, value, low, high, "median", "IQR",
                        f"{text} days", "", "retrospective cohort", row))
    return out


def _adogwa_opioids() -> list[ArmValue]:
    row = one_row("recovery_milestones",
                  {"source_key": "Adogwa2011JSDT", "milestone": "postoperative narcotic use, median (IQR)"})
    if row["unit"] != "weeks":
        raise DataError("recovery_milestones: Adogwa 2011 narcotic use is expected in weeks")
    text = str(row["mis_value_text"])
    value, low, high = parse_value_with_spread(text)
    proc = str(row["procedure"])
    return [
        _arm("opioid use", proc, "MISS", value * 7, low * 7, high * 7, "median", "IQR", f"{text} weeks",
             "converted from weeks (x 7)", "retrospective cohort", row),
        _arm("opioid use", proc, "open", None, None, None, "median", "IQR",
             str(row["open_value_text"]), "", "retrospective cohort", row),
    ]


_DOSES_OVER_DAYS = re.compile(rf"over\s+({_NUMBER})\s*\(SD\s*({_NUMBER})\)\s*days")


def _dalton() -> list[ArmValue]:
    row = one_row("recovery_milestones", {"source_key": "Dalton2022JMISST"})
    text = str(row["mis_value_text"])
    m = _DOSES_OVER_DAYS.search(text)
    if m is None:
        raise DataError(f"recovery_milestones: cannot read the days in Dalton 2022's {text!r}")
    days, sd = float(m.group(1)), float(m.group(2))
    return [_arm("opioid use", str(row["procedure"]), "MISS", days, days - sd, days + sd,
                 "not stated", "SD", text, "", "consecutive series, no open arm", row, single_arm=True)]


_LOS_DAYS = re.compile(rf"LOS\s+({_NUMBER})\s*d\b")


def _rampersaud() -> list[ArmValue]:
    row = one_row("outcomes_mis_vs_open", {"source_key": "Rampersaud2011"})
    out = []
    for arm, key in (("MISS", "mis"), ("open", "open")):
        text = str(row[f"{key}_value_text"])
        m = _LOS_DAYS.search(text)
        if m is None:
            raise DataError(f"outcomes_mis_vs_open: no 'LOS ... d' in Rampersaud 2011's {text!r}")
        out.append(_arm("length of stay", str(row["procedure"]), arm, float(m.group(1)), None, None,
                        "not stated", "", f"LOS {m.group(1)} d", "", "cohort", row))
    return out


@functools.cache
def _all_arms(directory: str) -> tuple[ArmValue, ...]:
    return tuple(_serban() + _adogwa_stay() + _rampersaud() + _adogwa_opioids() + _dalton())


def arm_milestones(milestone: str | None = None, include_single_arm: bool = True) -> list[ArmValue]:
    """Return the per-arm recovery figures, in days, optionally for one milestone.

    Parameters
    ----------
    milestone
        One of :data:`MILESTONES` (only ``length of stay`` and ``opioid use``
        have arm values), or ``None`` for all.
    include_single_arm
        Keep series that have no open arm to compare with.
    """
    _check_milestone(milestone)
    if not isinstance(include_single_arm, bool):
        raise TypeError(f"include_single_arm must be True or False, got {type(include_single_arm).__name__}")
    rows = _all_arms(str(data_dir()))
    return [r for r in rows
            if (milestone is None or r.milestone == milestone) and (include_single_arm or not r.single_arm)]


def _check_milestone(milestone: str | None) -> None:
    if milestone is None:
        return
    if not isinstance(milestone, str):
        raise TypeError(f"milestone must be a string or None, got {type(milestone).__name__}")
    if milestone not in MILESTONES:
        raise ValueError(f"milestone must be one of {', '.join(MILESTONES)} (or None); got {milestone!r}")


_DIFFERENCES = (
    ("length of stay", {"source_key": "Sun2013ChinMedJ", "outcome": "length of hospital stay"},
     "meta-analysis of cohort studies"),
    ("length of stay", {"source_key": "Xie2016ChinMedJ", "outcome": "length of hospital stay"},
     "meta-analysis (24 studies)"),
    ("length of stay", {"source_key": "Park2018YonseiMedJ", "outcome": "length of hospital stay"},
     "meta-analysis of prospective cohorts"),
    ("length of stay", {"source_key": "Li2018JOSR", "outcome": "length of hospital stay"},
     "meta-analysis of studies labelled RCTs"),
    ("length of stay", {"source_key": "Zhai2024ExpTherMed", "outcome": "hospitalisation time"},
     "meta-analysis, multi-segment TLIF"),
    ("time in bed / to walking", {"source_key": "Xie2016ChinMedJ", "outcome": "time to ambulation"},
     "meta-analysis (24 studies)"),
    ("time in bed / to walking", {"source_key": "Zhai2024ExpTherMed", "outcome": "postoperative in-bed time"},
     "meta-analysis, multi-segment TLIF"),
)


def pooled_differences(milestone: str | None = None) -> list[Difference]:
    """Return pooled MIS-minus-open differences in days (negative = shorter with MIS)."""
    _check_milestone(milestone)
    return [d for d in _all_differences(str(data_dir())) if milestone is None or d.milestone == milestone]


@functools.cache
def _all_differences(directory: str) -> tuple[Difference, ...]:
    out = []
    for name, where, design in _DIFFERENCES:
        row = one_row("outcomes_mis_vs_open", where)
        unit = str(row["unit"])
        if not unit.startswith("days"):
            raise DataError(f"outcomes_mis_vs_open: {where} is in {unit!r}, not days")
        est = optional_float(row["pooled_difference"])
        lo, hi = optional_float(row["ci_low"]), optional_float(row["ci_high"])
        if est is not None:
            printed = f"{est:g}" + (f" (95% CI {lo:g} to {hi:g})" if lo is not None else " (no CI printed)")
        elif lo is not None:
            printed = f"95% CI {lo:g} to {hi:g} (no point estimate printed)"
        else:
            printed = cell_text(row["pooled_difference_text"]) or "not printed"
        note = unit[len("days"):].strip(" ()")
        out.append(Difference(name, str(row["procedure"]), est, lo, hi, printed, note, design,
                              str(row["source_key"]),
                              cell_text(row.get("confidence_detail")) or str(row["confidence"])))
    return tuple(out)


def recovery_rows(milestone: str | None = None, include_single_arm: bool = True) -> list[dict[str, str]]:
    """Return every timeline figure as table rows.

    :func:`widgets.perioperative.tables.recovery_table` shows them as a DataFrame.
    """
    rows = []
    for a in arm_milestones(milestone, include_single_arm):
        rows.append({
            "milestone": a.milestone,
            "procedure": a.procedure,
            "arm": a.arm,
            "as printed": a.printed,
            "days (shown)": "not printed" if a.days is None else f"{round(a.days, 2):g}",
            "statistic": a.statistic + (f", {a.spread}" if a.spread else ""),
            "conversion": a.conversion,
            "design; sample": f"{a.design}; {a.sample}" if a.sample else a.design,
            "source": a.source_key,
            "confidence": a.confidence,
        })
    for d in pooled_differences(milestone):
        rows.append({
            "milestone": d.milestone,
            "procedure": d.procedure,
            "arm": "MIS minus open",
            "as printed": d.printed,
            "days (shown)": "interval only" if d.days is None and d.ci_low is not None
            else ("not printed" if d.days is None else f"{round(d.days, 2):g}"),
            "statistic": "pooled mean difference" + (", 95% CI" if d.ci_low is not None else ""),
            "conversion": f"unit note: {d.unit_note}" if d.unit_note else "",
            "design; sample": d.design,
            "source": d.source_key,
            "confidence": d.confidence,
        })
    return rows
