"""Radiation to the surgeon: distance (inverse square), time, the cited per-case doses, ICRP limits.

- Inverse square law (radiation table, physics row): ``D2 = D1 (d1 / d2)^2``, a point-source
  approximation (in fluoroscopy the patient is the scatter source).
- Time: dose = dose rate x fluoroscopy time (Rampersaud 2000 rates are per minute).
- Shielding: the radiation table cites **no transmission factors** for aprons, thyroid shields or
  lead glasses. :func:`widgets.imaging.tables.shielding_evidence` shows only what is measured
  (dosimeters under and outside the apron); no factor is invented.
- Cases per year until a limit: ICRP yearly limit / per-case dose (a calculation).

Unit: 1 mrem = 0.01 mSv (the definition of the rem).
"""

from __future__ import annotations

import math

from widgets.core.data import load_table, one_row

__all__ = ["MREM_TO_MSV", "cases_to_limit", "collar_dose_msv",
           "dose_at_distance", "dose_for_time", "icrp_limit", "per_case_doses"]

MREM_TO_MSV = 0.01


def _pos(name: str, v: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise TypeError(f"{name} must be a finite number; got {v!r}")
    if v <= 0:
        raise ValueError(f"{name} must be > 0; got {v}")
    return float(v)


def dose_at_distance(dose: float, d1_m: float, d2_m: float) -> float:
    """Inverse square law: the dose at ``d2_m`` given ``dose`` at ``d1_m``.

    Examples
    --------
    >>> dose_at_distance(1.0, 0.5, 1.0)
    0.25
    """
    if isinstance(dose, bool) or not isinstance(dose, int | float) or dose < 0:
        raise ValueError(f"dose must be a number >= 0; got {dose!r}")
    return float(dose) * (_pos("d1_m", d1_m) / _pos("d2_m", d2_m)) ** 2


def dose_for_time(rate_per_min: float, minutes: float) -> float:
    """Dose = rate x time (same dose unit as the rate)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes < 0:
        raise ValueError(f"minutes must be a number >= 0; got {minutes!r}")
    return _pos("rate_per_min", rate_per_min) * float(minutes)


def _row(source_key: str, measure: str) -> dict:
    return one_row("radiation", {"source_key": source_key, "measure": measure})


def icrp_limit(kind: str) -> float:
    """ICRP occupational yearly limit in mSv: ``effective``, ``lens`` or ``extremities``."""
    measure = {"effective": "occupational effective dose",
               "lens": "occupational equivalent dose, lens of eye",
               "extremities": "occupational equivalent dose, hands and feet"}
    if kind not in measure:
        raise ValueError(f"kind must be one of {', '.join(measure)}; got {kind!r}")
    return float(_row("ICRP103ICRP118", measure[kind])["value"])


def cases_to_limit(per_case_msv: float, kind: str) -> float:
    """Cases a year until the ICRP limit ``kind`` is reached: limit / per-case dose (calculation)."""
    return icrp_limit(kind) / _pos("per_case_msv", per_case_msv)


# (limit kind, source key, measure, how the per-case dose is obtained)
_PER_CASE = (
    ("effective", "Funao2014", "effective dose per case", "MIS-TLIF 1-level"),
    ("effective", "Bindal2008JNeurosurgSpine", "waist, under lead apron, per case", None),
    ("lens", "Funao2014", "mean equivalent dose: eye lens", None),
    ("lens", "Bindal2008JNeurosurgSpine", "unshielded thyroid/collar level, per case", None),
    ("extremities", "Funao2014", "mean equivalent dose: right middle finger", None),
    ("extremities", "Bindal2008JNeurosurgSpine", "dominant-hand ring dosimeter per case", None),
)


def per_case_doses() -> list[dict]:
    """Return each study's dose per case (mSv) against the ICRP limit it counts towards.

    Read from the radiation table (mrem converted to mSv); Rampersaud 2000 gives rates, so its
    per-case dose is a calculation: rate x Bindal 2008's mean fluoroscopy time (said in ``note``).
    """
    t = load_table("radiation")
    rows = []
    for kind, key, measure, proc in _PER_CASE:
        sel = t[(t["source_key"] == key) & (t["measure"] == measure)]
        if proc:
            sel = sel[sel["procedure_or_context"] == proc]
        r = sel.iloc[0]
        msv = float(r["value"]) * (MREM_TO_MSV if r["unit"] == "mrem" else 1.0)
        rows.append({"limit": kind, "study": r["source_label"], "dosimeter": measure,
                     "per case (mSv)": round(msv, 3), "note": ""})
    # Rampersaud 2000 gives rates: rate x Bindal's mean fluoroscopy time per case (a calculation)
    bindal_time = "fluoroscopy time per case (mean; range 0.82-3.73)"
    minutes = float(_row("Bindal2008JNeurosurgSpine", bindal_time)["value"])
    for kind, measure in (("lens", "neck dose rate"), ("extremities", "dominant-hand dose rate")):
        r = _row("Rampersaud2000Spine", measure)
        msv = dose_for_time(float(r["value"]), minutes) * MREM_TO_MSV
        rows.append({"limit": kind, "study": r["source_label"], "dosimeter": measure,
                     "per case (mSv)": round(msv, 3),
                     "note": f"calculation: rate x {minutes:g} min (Bindal 2008 mean time)"})
    return rows


def collar_dose_msv() -> float:
    """Bindal 2008 unshielded collar dose per case, in mSv (32 mrem x 0.01)."""
    row = _row("Bindal2008JNeurosurgSpine", "unshielded thyroid/collar level, per case")
    return float(row["value"]) * MREM_TO_MSV
