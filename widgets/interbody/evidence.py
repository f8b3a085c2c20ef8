"""Fusion and disc replacement for back pain with degenerated discs: the trials, read against the MCID.

Each row of ``data/tables/disc_surgery_trials.csv`` is one trial's primary result. Where the
source printed a between-group difference with its 95% CI on an instrument that has a cited
MCID (``data/tables/mcid.csv``), :func:`trial_verdicts` reads it with the suite's rule
(:func:`widgets.evidence.certainty.read_importance`): the interval oriented so that positive
favours the first-named treatment, against plus or minus the MCID. Statistically significant
(an interval that excludes zero) is reported beside it, because the two are not the same.

When a source does not say which sign favours which arm, the interval is read both ways; the
reading is given only if both agree (an interval that crosses the MCID on either side is
inconclusive whichever way it points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from widgets.core.data import load_table
from widgets.evidence.certainty import mcid_threshold, read_importance

__all__ = ["TrialVerdict", "trial_verdicts"]

_TABLE = "disc_surgery_trials"


@dataclass(frozen=True)
class TrialVerdict:
    """One trial's primary result and what it means against the MCID."""

    trial: str
    comparison: str
    timepoint: str
    outcome: str
    first: str
    second: str
    difference: float | None
    ci: tuple[float, float] | None
    significant: str
    reading: str
    why: str
    mcid: float | None
    source_key: str
    confidence: str


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _text(x) -> str:
    return x if isinstance(x, str) else ""


def _significance(lo: float | None, hi: float | None) -> str:
    if lo is None or hi is None:
        return "no interval printed"
    return "yes (the 95% CI excludes 0)" if lo > 0 or hi < 0 else "no (the 95% CI includes 0)"


def trial_verdicts() -> list[TrialVerdict]:
    """Every trial row, with its significance and its reading against the instrument's MCID."""
    out = []
    for r in load_table(_TABLE).to_dict("records"):
        diff, lo, hi = _num(r["difference"]), _num(r["ci_low"]), _num(r["ci_high"])
        instrument = r["instrument"] if isinstance(r["instrument"], str) and r["instrument"] else None
        mcid = mcid_threshold(instrument).value if instrument else None
        if mcid is None or lo is None or hi is None:
            reading, why = "inconclusive", ("no difference with a 95% CI printed on an instrument with a"
                                            " cited MCID: each arm's result is shown as printed")
        elif r["favours_first_when"] == "negative":
            reading, why = read_importance(low=-hi, high=-lo, threshold=mcid)
        elif r["favours_first_when"] == "positive":
            reading, why = read_importance(low=lo, high=hi, threshold=mcid)
        else:
            one, why = read_importance(low=lo, high=hi, threshold=mcid)
            other, _ = read_importance(low=-hi, high=-lo, threshold=mcid)
            reading = one if one == other else "inconclusive"
            why += "; the source does not say which arm a positive difference favours"
        out.append(TrialVerdict(
            r["trial"], r["comparison"], r["timepoint"], r["outcome"], _text(r["first_value_text"]),
            _text(r["second_value_text"]), diff, None if lo is None else (lo, hi), _significance(lo, hi),
            reading, why, mcid, r["source_key"], r["confidence"]))
    return out
