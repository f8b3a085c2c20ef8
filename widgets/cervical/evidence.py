"""The cervical evidence rows, each with a verdict: statistically significant is not clinically important.

A row of ``cervical_evidence`` with a two-sided 95% CI on a patient-reported instrument is set
against that instrument's MCID (``mcid`` table): an interval entirely within plus or minus the MCID
is *no important difference*; entirely beyond it, *important difference*; otherwise *inconclusive*.
A ratio with an interval that excludes 1 is *fewer with the first arm* (or more); a result printed
with only a P value says so, because the size of a difference cannot be judged without an interval.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.core.data import one_row, records
from widgets.core.numbers import format_number

__all__ = ["Finding", "finding", "findings", "mcid"]


@dataclass(frozen=True)
class Finding:
    """One evidence row written out, with its verdict and the reason for it."""

    id: str
    comparison: str
    outcome: str
    timepoint: str
    arms: str
    effect: str
    verdict: str
    reason: str
    design: str
    source_key: str
    confidence: str


def _num(v) -> str:
    return "" if v is None or v != v else format_number(v)


def mcid(instrument: str) -> float:
    """Return the MCID of ``instrument`` from the ``mcid`` table (one-line error if unknown)."""
    known = [r["instrument"] for r in records("mcid")]
    if instrument not in known:
        raise KeyError(f"no MCID for {instrument!r}; known: {', '.join(known)}")
    return float(one_row("mcid", {"instrument": instrument})["mcid"])


def _verdict(r) -> tuple[str, str]:
    lo, hi = r["ci_low"], r["ci_high"]
    has_ci = lo == lo and hi == hi and lo is not None and hi is not None
    inst = r["instrument"] if isinstance(r["instrument"], str) and r["instrument"] else None
    if has_ci and inst:
        m = mcid(inst)
        if -m <= lo and hi <= m:
            return ("no important difference",
                    f"the 95% CI lies within plus or minus the MCID of {inst} ({_num(m)} points)")
        if lo > m or hi < -m:
            return "important difference", f"the 95% CI lies beyond the MCID of {inst} ({_num(m)} points)"
        return "inconclusive", f"the 95% CI crosses the MCID of {inst} ({_num(m)} points)"
    if has_ci and "ratio" in str(r["effect_measure"]):
        if hi < 1:
            return f"fewer after {r['arm_a']}", "the 95% CI of the ratio lies below 1"
        if lo > 1:
            return f"more after {r['arm_a']}", "the 95% CI of the ratio lies above 1"
        return "no clear difference", "the 95% CI of the ratio includes 1"
    if has_ci:
        if lo <= 0 <= hi:
            return "no clear difference", "the 95% CI includes no difference"
        return "a difference", "the 95% CI excludes no difference"
    if inst and isinstance(r["ci_text"], str) and r["ci_text"]:
        bound = float(r["ci_text"].split()[-1])
        m = mcid(inst)
        if abs(bound) < m:
            return ("no important difference in the direction tested",
                    f"the one-sided bound ({_num(bound)}) is smaller than the MCID of {inst} ({_num(m)})")
        return "inconclusive", f"the one-sided bound ({_num(bound)}) reaches the MCID of {inst} ({_num(m)})"
    if r["p_value"] == r["p_value"] and r["p_value"] is not None:
        return ("significant; size not judged", f"P = {r['p_value']:g} with no interval printed: how large"
                " the difference is cannot be set against what matters")
    if isinstance(r["arm_b"], str) and r["arm_b"]:
        return "rates from different studies", "pooled rates of separate series, not a randomised comparison"
    return "a rate, not a comparison", "one arm only"


def _write(r) -> Finding:
    arms = f"{r['arm_a']} {_num(r['value_a'])}" if _num(r["value_a"]) else r["arm_a"]
    if isinstance(r["arm_b"], str) and r["arm_b"]:
        arms += f" vs {r['arm_b']} {_num(r['value_b'])}" if _num(r["value_b"]) else f" vs {r['arm_b']}"
    if _num(r["value_a"]):
        arms += (" " if r["unit"].startswith("%") else ", ") + r["unit"]
    if _num(r["effect"]):
        eff = f"{r['effect_measure']}: {_num(r['effect'])}"
        if _num(r["ci_low"]):
            eff += f" (95% CI {_num(r['ci_low'])} to {_num(r['ci_high'])})"
        elif isinstance(r["ci_text"], str) and r["ci_text"]:
            eff += f" ({r['ci_text']})"
    elif _num(r["p_value"]):
        eff = f"P = {r['p_value']:g} (no interval printed)"
    else:
        eff = str(r["effect_measure"]) if isinstance(r["effect_measure"], str) else ""
    verdict, reason = _verdict(r)
    return Finding(r["id"], r["comparison"], r["outcome"], r["timepoint"], arms, eff, verdict, reason,
                   r["design"], r["source_key"], r["confidence"])


def findings(ids=None) -> tuple[Finding, ...]:
    """Return every evidence row (or those whose id is in ``ids``), written out with its verdict."""
    rows = records("cervical_evidence")
    known = [r["id"] for r in rows]
    if ids is not None:
        missing = [i for i in ids if i not in known]
        if missing:
            raise KeyError(f"no cervical evidence row {', '.join(missing)}; known: {', '.join(known)}")
        rows = [r for i in ids for r in rows if r["id"] == i]
    return tuple(_write(r) for r in rows)


def finding(finding_id: str) -> Finding:
    """Return one evidence row by id."""
    return findings([finding_id])[0]
