"""Navigation and robots: how registration error grows along a trajectory, and the cited accuracy.

Tip error model (documented)
----------------------------
A registration error is a translation ``t`` (mm) plus a rotation ``theta`` (degrees) of the
navigated image against the patient. Over a trajectory of length ``L`` the rotation moves the tip
sideways by ``L tan(theta)``; in the worst case both add in the same direction, so the tip error
bound is ``t + L tan(theta)``. This is a geometric upper bound, not a measured accuracy.
"""

from __future__ import annotations

import math

import pandas as pd

from widgets.core.data import load_table

__all__ = ["LESSON_REFERENCES", "TECHNIQUES", "accuracy_table", "lesson_references", "rct_robot_vs_freehand",
           "study_level_summary", "tip_error", "tip_error_table"]

#: Technique labels of the pooled Perdomo-Pantoja 2019 rows (screw_accuracy table).
TECHNIQUES = ("freehand", "fluoroscopy-assisted", "CT navigation", "robot-assisted")


def _num(name: str, v: float, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise TypeError(f"{name} must be a finite number; got {v!r}")
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be from {lo} to {hi}; got {v}")
    return float(v)


def tip_error(translation_mm: float, angle_deg: float, length_mm: float) -> float:
    """Worst-case error at the screw tip (mm): ``translation + length x tan(angle)``.

    Examples
    --------
    >>> round(tip_error(1.0, 2.0, 45.0), 2)
    2.57
    """
    t = _num("translation_mm", translation_mm, 0, 20)
    a = _num("angle_deg", angle_deg, 0, 30)
    length = _num("length_mm", length_mm, 0, 120)
    return t + length * math.tan(math.radians(a))


def tip_error_table(translation_mm: float, angle_deg: float, lengths=(0.0, 15.0, 30.0, 45.0)
                    ) -> pd.DataFrame:
    """Tip error along the trajectory (a calculation from the inputs, no cited figure)."""
    return pd.DataFrame([{"distance from entry (mm)": L,
                          "error bound (mm, calculation)": round(tip_error(translation_mm, angle_deg, L), 2)}
                         for L in lengths])


def accuracy_table() -> pd.DataFrame:
    """Pooled accuracy per technique (Perdomo-Pantoja 2019) and the Gelalis 2012 ranges."""
    t = load_table("screw_accuracy")
    rows = t[t["source_key"].isin(["PerdomoPantoja2019WorldNeurosurg", "Gelalis2012EurSpineJ"])]
    out = rows[["source_label", "technique", "metric", "value_text", "n_screws", "confidence"]]
    return out.reset_index(drop=True)


def rct_robot_vs_freehand() -> pd.DataFrame:
    """Return the randomized evidence: Peng 2020 meta-analysis of RCTs, robot vs freehand (odds ratios)."""
    t = load_table("screw_accuracy")
    rows = t[t["source_key"] == "Peng2020AnnTranslMed"]
    cols = ["metric", "ratio", "ci_low", "ci_high", "n_studies", "n_screws", "notes", "confidence"]
    out = rows[cols].copy()
    out["CI crosses 1 (no clear difference)"] = (out["ci_low"] < 1) & (out["ci_high"] > 1)
    return out.reset_index(drop=True)


def study_level_summary() -> pd.DataFrame:
    """Median and range of per-study accuracy by technique (calculation over the study table)."""
    t = load_table("study_level_screw_accuracy")
    g = t.groupby("technique")["accuracy_pct"]
    out = pd.DataFrame({"studies": g.count(), "median accuracy % (calculation)": g.median(),
                        "lowest %": g.min(), "highest %": g.max()}).reset_index()
    out["source"] = "Puvanesarajah2014 review tables (studies used different definitions)"
    return out


#: Every source lesson 04 (imaging, navigation, radiation) shows, in the order its References list them:
#: the screw grading scales, the pedicle angles and widths, the screw-diameter ceiling and sizes, the
#: accuracy pools and trial, the radiation doses and limits.
LESSON_REFERENCES = (
    "Gertzbein1990", "Cheung1994", "Coscia2022", "LumbarScrewSel2019", "Singh2013",
    "Panjabi1992", "Makino2012", "Spine1989_pedicle80", "Bernard1992", "Solitro2019",
    "PerdomoPantoja2019WorldNeurosurg", "Gelalis2012EurSpineJ", "Peng2020AnnTranslMed",
    "Puvanesarajah2014", "Bindal2008JNeurosurgSpine", "Funao2014", "Rampersaud2000Spine",
    "ICRP103ICRP118", "Openanesthesia", "Park2018YonseiMedJ", "Li2018JOSR",
)


def lesson_references() -> list[str]:
    """Return the source keys lesson 04 cites, in the order of its References section."""
    return list(LESSON_REFERENCES)

