"""Where the great vessels, the iliac crest and the oblique corridor lie, by lumbar level (cited).

Reads ``data/tables/interbody_landmarks.csv``. Positions are the sources' own words
(``L4 body``, ``L4 lower half``, ``L4-L5 disc``, ``L5 upper half``, ``above L4-L5 disc``),
each with the share of patients in whom the structure lies there. Where sources differ
(the aortic bifurcation), every source is kept and the caller chooses one.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.core.data import DataError, load_table

__all__ = [
    "CREST_PLACEMENTS",
    "Landmark",
    "crest_shares",
    "oblique_corridor",
    "oblique_small_mm",
    "vessel_landmarks",
]

_TABLE = "interbody_landmarks"

#: The crest categories a student can choose, each with the source's position it stands for.
#: "below the L4-L5 disc" is the rest of the patients (derived); the model places it in the
#: upper half of L5, the nearest region below the disc.
CREST_PLACEMENTS = {
    "above the L4-L5 disc": "above L4-L5 disc",
    "at the L4-L5 disc": "L4-L5 disc",
    "below the L4-L5 disc": "L5 upper half",
}


@dataclass(frozen=True)
class Landmark:
    """One cited position of a structure: where it lies, in how many patients, and from which source."""

    structure: str
    position: str
    share_pct: float
    n: str
    source_key: str
    confidence: str


def _rows(structure: str) -> list[dict]:
    t = load_table(_TABLE)
    rows = [r for r in t.to_dict("records") if r["structure"] == structure]
    if not rows:
        raise DataError(f"data/tables/{_TABLE}.csv: no rows for {structure!r}")
    return rows


def vessel_landmarks(structure: str) -> list[Landmark]:
    """Return every cited position of ``structure`` (a bifurcation or junction), commonest first."""
    if structure not in ("aortic bifurcation", "iliocaval junction"):
        raise ValueError(f"structure must be 'aortic bifurcation' or 'iliocaval junction', got {structure!r}")
    out = [Landmark(structure, r["position"], float(r["value"]), str(r["n"]), r["source_key"],
                    r["confidence"]) for r in _rows(structure)]
    return sorted(out, key=lambda lm: -lm.share_pct)


def crest_shares() -> dict[str, tuple[float, str, str]]:
    """Share of patients in each crest category: ``{category: (percent, basis, source_key)}``.

    Two shares are cited; the third (below the disc) is 100 minus their sum, labelled derived.
    """
    rows = {r["position"]: r for r in _rows("iliac crest top")}
    out: dict[str, tuple[float, str, str]] = {}
    for category, position in CREST_PLACEMENTS.items():
        if position in rows:
            out[category] = (float(rows[position]["value"]), "cited", rows[position]["source_key"])
    missing = [c for c in CREST_PLACEMENTS if c not in out]
    if len(missing) != 1:
        raise DataError(f"data/tables/{_TABLE}.csv: expected two cited crest categories, got {sorted(out)}")
    keys = {v[2] for v in out.values()}
    out[missing[0]] = (round(100.0 - sum(v[0] for v in out.values()), 1), "derived: 100 minus the others",
                       keys.pop())
    return {c: out[c] for c in CREST_PLACEMENTS}


def oblique_corridor() -> dict[str, dict[str, object]]:
    """Per disc, the left oblique corridor: mean width (mm), share under the small threshold, source."""
    out: dict[str, dict[str, object]] = {}
    for r in _rows("oblique corridor"):
        level = r["level"]
        if not isinstance(level, str) or not level:
            continue
        entry = out.setdefault(level, {"source_key": r["source_key"], "confidence": r["confidence"]})
        if r["measure"].startswith("corridor width"):
            entry["width_mm"] = float(r["value"])
            entry["width_text"] = r["value_text"]
        elif r["measure"].startswith("share"):
            entry["small_pct"] = float(r["value"])
    return out


def oblique_small_mm() -> tuple[float, str]:
    """Return the corridor size the source counts as small, in mm (converted from cm), and its source."""
    for r in _rows("oblique corridor"):
        if r["measure"].startswith("corridor size the source counts"):
            factor = {"cm": 10.0, "mm": 1.0}.get(r["unit"])
            if factor is None:
                raise DataError(f"data/tables/{_TABLE}.csv: unit {r['unit']!r} is not cm or mm")
            return float(r["value"]) * factor, r["source_key"]
    raise DataError(f"data/tables/{_TABLE}.csv: no small-corridor threshold")
