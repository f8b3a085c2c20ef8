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

__all__ = ["LESSON_REFERENCES", "TECHNIQUES", "lesson_references", "tip_error"]

#: Technique labels of the pooled Perdomo-Pantoja 2019 rows (screw_accuracy table).
TECHNIQUES = ("freehand", "fluoroscopy-assisted", "CT navigation", "robot-assisted")


def _in_range(name: str, v: float, lo: float, hi: float) -> float:
    """Return ``v`` as a float when it is a finite number from ``lo`` to ``hi``; else raise, naming it."""
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
    t = _in_range("translation_mm", translation_mm, 0, 20)
    a = _in_range("angle_deg", angle_deg, 0, 30)
    length = _in_range("length_mm", length_mm, 0, 120)
    return t + length * math.tan(math.radians(a))


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
