"""The tables a student reads in lesson 11 (and the recovery section of lesson 06): DataFrames.

The numbers come from ``data/`` through the models (:mod:`widgets.interbody.chooser`,
:mod:`widgets.interbody.landmarks`, :mod:`widgets.interbody.evidence`); these functions lay
them out with the basis and source of each.
"""

from __future__ import annotations

from widgets.core.data import load_table
from widgets.interbody import chooser, evidence, landmarks

__all__ = [
    "asymptomatic_table",
    "choice_table",
    "corridor_table",
    "crest_table",
    "geometry_table",
    "landmark_table",
    "level_summary_table",
    "oblique_table",
    "trials_table",
]


def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows)


def corridor_table():
    """Return the four corridors side by side: route, what each endangers, how it decompresses."""
    return _frame([{"corridor": c, **chooser.CORRIDOR_FACTS[c]} for c in chooser.CORRIDORS])


def landmark_table():
    """Every cited position of the great vessels and the iliac crest, with the share of patients."""
    rows = []
    for r in load_table("interbody_landmarks").to_dict("records"):
        if r["structure"] == "oblique corridor":
            continue
        rows.append({"structure": r["structure"], "position": r["position"], "patients (%)": r["value"],
                     "sample": r["n"], "method": r["method"], "source": r["source_key"],
                     "confidence": r["confidence"]})
    return _frame(rows)


def oblique_table():
    """Return the left oblique corridor at each disc: mean width and share of patients under 1 cm."""
    small, key = landmarks.oblique_small_mm()
    rows = []
    for level, w in sorted(landmarks.oblique_corridor().items()):
        rows.append({"disc": level, "mean width (mm)": w["width_mm"], "as printed": w["width_text"],
                     f"patients under {small:g} mm (%)": w.get("small_pct"), "source": w["source_key"],
                     "confidence": w["confidence"]})
    return _frame(rows)


def crest_table():
    """Where the iliac crest top lies relative to the L4-L5 disc, and where the model places each case."""
    rows = []
    for category, (share, basis, key) in landmarks.crest_shares().items():
        rows.append({"crest top": category, "patients (%)": share, "basis": basis,
                     "model places it at": landmarks.CREST_PLACEMENTS[category], "source": key})
    return _frame(rows)


def choice_table(level: str, pathology: str, crest: str):
    """Return the chooser's verdict on each corridor at one disc, ranked, with the reasons."""
    choice = chooser.choose(level=level, pathology=pathology, crest=crest)
    rank = {c: i + 1 for i, c in enumerate(choice.ranking)}
    rows = []
    for v in sorted(choice.verdicts, key=lambda v: rank.get(v.corridor, 99)):
        rows.append({"rank": rank.get(v.corridor, "not usable"), "corridor": v.corridor, "status": v.status,
                     "why (computed)": "; ".join(v.reasons), "endangers": v.endangers,
                     "decompression": v.decompression})
    return _frame(rows)


def level_summary_table(pathology: str, crest: str):
    """Every disc at once: each corridor's status and the chooser's first choice."""
    rows = []
    for level in chooser.DISCS:
        choice = chooser.choose(level=level, pathology=pathology, crest=crest)
        row = {"disc": level}
        row.update({v.corridor: v.status for v in choice.verdicts})
        row["first choice"] = choice.ranking[0] if choice.ranking else "none"
        rows.append(row)
    return _frame(rows)


def geometry_table(level: str, crest: str):
    """Return the heights behind the chooser's answer at one disc (model mm, z up), with their basis."""
    h = chooser.heights()
    bottom, centre, top = h.discs[level]
    rows = [
        {"height of": f"{level} disc, bottom", "mm": round(bottom, 1), "basis": "model (cited morphometry)"},
        {"height of": f"{level} disc, top", "mm": round(top, 1), "basis": "model (cited morphometry)"},
        {"height of": f"iliac crest top ({crest})",
         "mm": round(h.region(landmarks.CREST_PLACEMENTS[crest]), 1),
         "basis": "model placement of the cited category"},
    ]
    for structure in ("aortic bifurcation", "iliocaval junction"):
        mark = landmarks.vessel_landmarks(structure)[0]
        rows.append({"height of": f"{structure} ({mark.position})", "mm": round(h.region(mark.position), 1),
                     "basis": f"model placement of the commonest cited position ({mark.source_key})"})
    return _frame(rows)


def trials_table():
    """Return the randomised trials of fusion and disc replacement, each read against the MCID."""
    rows = []
    for t in evidence.trial_verdicts():
        rows.append({"trial": t.trial, "comparison": t.comparison, "outcome": t.outcome, "at": t.timepoint,
                     "first arm": t.first, "second arm": t.second, "difference": t.difference,
                     "95% CI": "" if t.ci is None else f"{t.ci[0]:g} to {t.ci[1]:g}",
                     "MCID": t.mcid, "significant": t.significant, "against the MCID": t.reading,
                     "source": t.source_key, "confidence": t.confidence})
    return _frame(rows)


def asymptomatic_table():
    """Degenerative findings on imaging in people without back pain, at 20 and at 80 years."""
    t = load_table("imaging_degeneration_asymptomatic")
    wide = t.pivot(index="finding", columns="age_years", values="value")
    order = list(dict.fromkeys(t["finding"]))
    rows = [{"finding": f, "at 20 years (%)": wide.loc[f, 20], "at 80 years (%)": wide.loc[f, 80],
             "source": t["source_key"].iloc[0]} for f in order]
    return _frame(rows)
