"""The tables a student reads in lesson 04: each a :class:`pandas.DataFrame`, cited or labelled a calculation.

The numbers come from the pure models (:mod:`widgets.imaging.screws`, :mod:`widgets.imaging.carm`,
:mod:`widgets.imaging.navigation`, :mod:`widgets.imaging.radiation`) and the tables in ``data/``;
these functions only choose the rows and columns and lay them out.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from widgets.anatomy import LEVELS, LUMBAR
from widgets.anatomy.morphometry import series_label
from widgets.core.data import load_table
from widgets.imaging.carm import owl_eye_error
from widgets.imaging.navigation import tip_error
from widgets.imaging.radiation import cases_to_limit, dose_at_distance, icrp_limit, per_case_doses
from widgets.imaging.screws import (
    ORIGINAL,
    choose_diameter,
    deformation_rule,
    narrowest_width,
    screw_sizes,
    vertebra,
)

__all__ = [
    "DRILLS_REFERENCES",
    "benchmark_table",
    "counting_table",
    "drills_references",
    "planned_table",
    "prevalence_table",
    "wrong_level_table",
    "accuracy_table",
    "cases_table",
    "distance_table",
    "fluoroscopy_time_table",
    "grading_table",
    "herniation_table",
    "preset_table",
    "rct_robot_vs_freehand",
    "screw_choice_table",
    "shielding_evidence",
    "study_level_summary",
    "tip_error_table",
    "views_table",
]


def grading_table() -> pd.DataFrame:
    """Return both scales as printed, with their source and confidence (for students)."""
    table = load_table("gertzbein_robbins_grading")
    rows = table[table["scale"].str.startswith((ORIGINAL, "Modified Gertzbein-Robbins"))]
    out = rows[["scale", "grade", "breach_definition_mm", "interpretation", "source_key", "confidence"]]
    return out.rename(columns={"breach_definition_mm": "breach (mm, as printed)"}).reset_index(drop=True)


def _source_text(d) -> str:
    conf = f", {d.confidence}" if d.confidence else ""
    if d.basis == "assumption" and "s1_size_to_l5" in d.source:
        return f"assumption: as at L5 ({series_label(_root_source(d))}{conf})"
    return f"{d.basis} ({series_label(d.source)}{conf})"


def _root_source(d) -> str:
    """Return the publication a dimension rests on (for S1, the L5 source its assumption uses)."""
    m = re.search(r"x L5, ([^)]+)\)", d.source)
    return m.group(1) if m else d.source


def preset_table() -> pd.DataFrame:
    """Return the preset angles and the narrowest pedicle width at every level, each with its source.

    The angle and the width of a preset come from the model, and the model takes them from different
    publications (no series in the data publishes both at every level). The last column says so,
    level by level, instead of pairing them silently.
    """
    rows = []
    for lv in LEVELS:
        dims = vertebra(lv).dims
        m, g = dims["pedicle_transverse_angle"], dims["pedicle_sagittal_angle"]
        width, side = narrowest_width(lv)
        w = dims[f"pedicle_width_{side}"]
        a_src, w_src = _root_source(m), _root_source(w)
        same = ("one source" if a_src == w_src else
                f"two sources: angle {series_label(a_src)}, width {series_label(w_src)}")
        rows.append({
            "level": lv, "medial angle (°)": round(m.value, 1), "medial angle source": _source_text(m),
            "sagittal angle (°)": round(g.value, 1), "sagittal angle source": _source_text(g),
            "narrowest pedicle width (mm)": round(width, 1), "narrower side": side,
            "width source": _source_text(w), "angle and width come from": same,
        })
    return pd.DataFrame(rows)


def _endosteal_series() -> tuple[str, dict[str, dict]]:
    t = load_table("lumbar_morphometry")
    t = t[(t["measure"] == "pedicle_width_transverse")
          & t["method"].fillna("").str.contains("ENDOSTEAL", case=False)]
    if t.empty:
        return "", {}
    src = str(t["source_key"].iloc[0])
    return src, {r["level"]: r for r in t[t["source_key"] == src].to_dict("records")}


def screw_choice_table() -> pd.DataFrame:
    """Return the screw a surgeon would pick at each lumbar level, from an outer and an endosteal width.

    Outer: the narrower pedicle of the model's width series (outer cortical), ceiling 80% of it.
    Endosteal: the series in the data that measured the inner canal, ceiling the canal itself.
    The two columns come from different people and methods; they are shown side by side, not mixed.
    """
    frac, rule_key = deformation_rule()
    sizes, size_key = screw_sizes()
    src, inner = _endosteal_series()
    rows = []
    for lv in LUMBAR:
        width, side = narrowest_width(lv)
        d = vertebra(lv).dims[f"pedicle_width_{side}"]
        c = choose_diameter(outer_mm=width)
        pick = "none fits" if c.diameter_mm is None else f"{c.diameter_mm:.1f}"
        rec = {"level": lv,
               "outer width, narrower side (mm)": round(width, 1),
               "outer width source": f"{series_label(d.source)} ({side}, {d.confidence})",
               f"ceiling: {frac:.0%} of outer width (mm)": round(c.ceiling_mm, 1),
               "screw from outer width (mm)": pick}
        if lv in inner:
            r = inner[lv]
            ci = choose_diameter(endosteal_mm=float(r["value"]))
            rec.update({"endosteal width (mm)": round(float(r["value"]), 1),
                        "endosteal width source": f"{series_label(src)} ({r['confidence']})",
                        "ceiling: endosteal width (mm)": round(ci.ceiling_mm, 1),
                        "screw from endosteal width (mm)":
                            "none fits" if ci.diameter_mm is None else f"{ci.diameter_mm:.1f}"})
        rows.append(rec)
    out = pd.DataFrame(rows)
    out.attrs["sources"] = (rule_key, size_key, src)
    out.attrs["sizes_mm"] = sizes
    return out


def views_table(vert, side: str = "left") -> pd.DataFrame:
    """Return the standard views and how far each is from the owl's eye of one pedicle (a calculation)."""
    ax = vert.pedicles[side].axis
    s = 1.0 if side == "left" else -1.0
    alpha = math.degrees(math.atan2(-s * ax[0], ax[1]))
    beta = math.degrees(math.asin(-ax[2]))
    rows = []
    for name, o, t in (("AP", 0.0, 0.0), ("lateral", 90.0, 0.0), ("oblique 45°", 45.0 * s, 0.0),
                       ("owl's eye (pedicle axis)", round(s * alpha, 1), round(beta, 1))):
        rows.append({"view": name, "orbital (°)": o, "tilt (°)": t,
                     "angle to pedicle axis (°)": round(owl_eye_error(ax, o, t), 1)})
    return pd.DataFrame(rows)


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


def cases_table() -> pd.DataFrame:
    """Cases a year to each ICRP limit from each study's per-case dose (all calculations)."""
    rows = per_case_doses()
    for r in rows:
        r["ICRP limit (mSv/yr)"] = icrp_limit(r["limit"])
        r["cases/yr to limit (calculation)"] = round(cases_to_limit(r["per case (mSv)"], r["limit"]))
    return pd.DataFrame(rows)


def shielding_evidence() -> pd.DataFrame:
    """Return the measured doses inside and outside shielding (no transmission factor is cited)."""
    t = load_table("radiation")
    keep = t["measure"].str.contains("apron|unshielded", case=False, regex=True)
    out = t[keep][["source_label", "measure", "value", "unit", "confidence"]].reset_index(drop=True)
    return out


def fluoroscopy_time_table() -> pd.DataFrame:
    """Fluoroscopy time MIS vs open, from the pooled outcomes table."""
    t = load_table("outcomes_mis_vs_open")
    rows = t[t["outcome"].str.contains("fluoro", case=False)]
    cols = [c for c in ("procedure", "outcome", "unit", "pooled_difference", "pooled_difference_text",
                        "ci_low", "ci_high", "n_studies", "source_label", "confidence") if c in rows.columns]
    return rows[cols].reset_index(drop=True)


def distance_table(dose_msv: float, d1_m: float, factors=(1, 2, 3, 4)) -> pd.DataFrame:
    """Dose at 1x, 2x, 3x, 4x the reference distance by the inverse square law (a calculation)."""
    return pd.DataFrame([{"distance (m)": round(f * d1_m, 2),
                          "dose (mSv, calculation)": round(dose_at_distance(dose_msv, d1_m, f * d1_m), 4),
                          "fraction of reference": round(dose_at_distance(1.0, d1_m, f * d1_m), 4)}
                         for f in factors])


def herniation_table(disc: str = "L4-L5", side: str = "left", size_mm: float = 12.0) -> pd.DataFrame:
    """Return, for each zone at one disc, the root a herniation reaches in the model and lesson 02's rule."""
    from widgets.imaging.slices import ZONES, Herniation, herniation_report

    return pd.DataFrame([herniation_report(Herniation(disc, zone, side, size_mm)) for zone in ZONES])


# --------------------------------------------------------------------------- lesson 12 (fluoroscopy drills)

#: The sources lesson 12 cites, in the order of its References section.
DRILLS_REFERENCES = (
    "PerdomoPantoja2019WorldNeurosurg", "Gelalis2012EurSpineJ", "Kumar2019IntJSpineSurg",
    "Thieme152case",
    "Bindal2008JNeurosurgSpine", "Rampersaud2000Spine", "Apazidis2011SpineJ", "Ucar2013Arthritis",
    "Tang2014EurJRadiol", "Nardo2012Radiology", "Mody2008Spine", "Jhawar2007JNeurosurgSpine",
    "Groff2013WorldNeurosurg", "Tan2023JtCommJQualPatientSaf",
)


def drills_references() -> list[str]:
    """Return the source keys lesson 12 cites, in the order of its References section."""
    return list(DRILLS_REFERENCES)


def planned_table(level: str = "L4", side: str = "left") -> pd.DataFrame:
    """Return the planned trajectory the trainer scores against, with where each angle comes from."""
    from widgets.imaging import trainer
    from widgets.imaging.screws import preset

    plan = trainer.planned(level, side)
    _, _, m_basis, s_basis = preset(level, side)
    lat, cra = trainer.entry_position(level, side, 0.0, 0.0)
    return pd.DataFrame([
        {"quantity": "entry: lateral of the midline", "value": round(lat, 1), "unit": "mm",
         "basis": "the pedicle axis at the back of the modelled pedicle"},
        {"quantity": "entry: above the middle of the body's back wall", "value": round(cra, 1), "unit": "mm",
         "basis": "the pedicle axis at the back of the modelled pedicle"},
        {"quantity": "medial angle", "value": plan.medial_deg, "unit": "°", "basis": m_basis},
        {"quantity": "sagittal angle (caudal +)", "value": plan.sagittal_deg, "unit": "°", "basis": s_basis},
    ])


def benchmark_table() -> pd.DataFrame:
    """Return the cited accuracy and learning-curve figures the trainer's curve is set against."""
    from widgets.imaging import trainer

    return pd.DataFrame(trainer.benchmark_rows())


def prevalence_table() -> pd.DataFrame:
    """Return the cited prevalences of lumbosacral transitional vertebrae, one row per study figure."""
    from widgets.imaging import counting

    return pd.DataFrame(counting.prevalence_rows())


def wrong_level_table() -> pd.DataFrame:
    """Return the cited figures on how often wrong-level surgery happens and what follows it."""
    from widgets.imaging import counting

    return pd.DataFrame(counting.wrong_level_rows())


def counting_table() -> pd.DataFrame:
    """Return what each count calls the lowest three mobile discs of each column of the drill."""
    from widgets.imaging import counting

    rows = []
    for v in counting.VARIANTS:
        ref, ribs, sac = (counting.disc_labels(v, m) for m in counting.METHODS)
        for i in range(len(ref) - 3, len(ref)):
            rows.append({"column": v, "disc (counted down from C2)": ref[i], "counted from the ribs": ribs[i],
                         "counted from the sacrum": sac[i]})
    return pd.DataFrame(rows)
