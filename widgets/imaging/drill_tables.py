"""The tables lesson 12 shows: the planned trajectory, cited figures, how each count names the discs."""

from __future__ import annotations

import pandas as pd

from widgets.imaging import counting, trainer

__all__ = ["LESSON_REFERENCES", "benchmark_table", "counting_table", "lesson_references", "planned_table",
           "prevalence_table", "wrong_level_table"]

#: The sources lesson 12 cites, in the order of its References section.
LESSON_REFERENCES = (
    "PerdomoPantoja2019WorldNeurosurg", "Gelalis2012EurSpineJ", "Kumar2019IntJSpineSurg", "Thieme152case",
    "Bindal2008JNeurosurgSpine", "Rampersaud2000Spine", "Apazidis2011SpineJ", "Ucar2013Arthritis",
    "Tang2014EurJRadiol", "Nardo2012Radiology", "Mody2008Spine", "Jhawar2007JNeurosurgSpine",
    "Groff2013WorldNeurosurg", "Tan2023JtCommJQualPatientSaf",
)


def lesson_references() -> list[str]:
    """Return the source keys lesson 12 cites, in the order of its References section."""
    return list(LESSON_REFERENCES)


def planned_table(level: str = "L4", side: str = "left") -> pd.DataFrame:
    """The planned trajectory the trainer scores against, with where each angle comes from."""
    plan = trainer.planned(level, side)
    from widgets.imaging.screws import preset

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
    """Cited accuracy and learning-curve figures the trainer's curve is set against."""
    return pd.DataFrame(trainer.benchmark_rows())


def prevalence_table() -> pd.DataFrame:
    """Cited prevalences of lumbosacral transitional vertebrae, one row per study figure."""
    return pd.DataFrame(counting.prevalence_rows())


def wrong_level_table() -> pd.DataFrame:
    """Cited figures on how often wrong-level surgery happens and what follows it."""
    return pd.DataFrame(counting.wrong_level_rows())


def counting_table() -> pd.DataFrame:
    """For each column of the drill, what each count calls its lowest three mobile discs (one row per disc)."""
    rows = []
    for v in counting.VARIANTS:
        ref, ribs, sac = (counting.disc_labels(v, m) for m in counting.METHODS)
        for i in range(len(ref) - 3, len(ref)):
            rows.append({"column": v, "disc (counted down from C2)": ref[i], "counted from the ribs": ribs[i],
                         "counted from the sacrum": sac[i]})
    return pd.DataFrame(rows)
