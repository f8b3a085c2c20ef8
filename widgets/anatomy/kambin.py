"""Kambin's triangle (the triangular working zone) per disc level, and what fits through it.

The suite uses one definition of the triangle, the original *neural* one: the base
along the upper endplate of the lower vertebra, the height along the traversing root
and dural sac, the hypotenuse along the exiting root. A later *bony* definition puts
the superior articular process in place of the traversing root (the two meanings of
the eponym: Fanous et al. 2020); figures measured on the bony triangle (Pairaiturkar
2019's bony limit, Kumari 2021) are always labelled "bony".

The triangle's three sides come from Can et al. 2020 (cadaveric, bilateral means). Can 2020
printed the sides only at L1-L2 and L5-S1; at L2-L3 to L4-L5 they are
interpolated between those end points, and labelled so.

From three sides the triangle is fixed (law of cosines). The largest round
cannula that fits inside it is its inscribed circle, of diameter
``4 * area / perimeter``: a geometric bound that ignores soft tissue, the
cannula's angle of approach and the bone that surgeons may remove (foraminoplasty).
The published maximum cannula sizes (Pairaiturkar 2019, MRI, bony and neural
triangles; Kumari 2021, inscribed circles) are shown beside it, not blended in.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import numpy as np

from widgets.anatomy.morphometry import DISCS, Dimension
from widgets.core.data import DataError, data_dir, load_table

__all__ = [
    "Instrument",
    "KambinTriangle",
    "instruments",
    "kambin_triangle",
    "published_cannula_limits",
]

_SIDE_SOURCE = "Can2020_WN"
_SIDES = (("base", "TWZ_base", "base (upper endplate of the lower vertebra)"),
          ("height", "TWZ_height", "height (traversing root and dural sac)"),
          ("hypotenuse", "TWZ_hypotenuse", "hypotenuse (exiting root)"))


@dataclass(frozen=True)
class KambinTriangle:
    """One level's working zone: its sides (with basis), shape and inscribed circle."""

    segment: str
    base: Dimension
    height: Dimension
    hypotenuse: Dimension
    vertices: np.ndarray  # 3 x 2: base start, base end, apex (mm)
    area: float
    incircle_centre: np.ndarray
    incircle_diameter: float

    @property
    def basis(self) -> str:
        """``cited`` when all three sides are published at this level, else ``interpolated``."""
        kinds = {self.base.basis, self.height.basis, self.hypotenuse.basis}
        return "cited" if kinds == {"cited"} else "interpolated"


@functools.cache
def _rows(directory: str) -> dict[tuple[str, str, str], dict]:
    out = {}
    for row in load_table("kambin_triangle").to_dict("records"):
        out[(row["level"], row["measure"], row["source_key"])] = row
    return out


def _side(segment: str, key: str, measure: str, label: str) -> Dimension:
    rows = _rows(str(data_dir()))
    row = rows.get((segment, measure, _SIDE_SOURCE))
    if row is not None:
        return Dimension(key, label, float(row["value"]), row["unit"], "cited", _SIDE_SOURCE,
                         row["confidence"], float(row["value"]), None, False,
                         "cadaveric, mean of both sides")
    i = DISCS.index(segment)
    known = [j for j, d in enumerate(DISCS) if (d, measure, _SIDE_SOURCE) in rows]
    lo = max((j for j in known if j < i), default=None)
    hi = min((j for j in known if j > i), default=None)
    if lo is None or hi is None:
        raise DataError(f"kambin_triangle: no {measure} of {_SIDE_SOURCE} around {segment}")
    r_lo, r_hi = rows[(DISCS[lo], measure, _SIDE_SOURCE)], rows[(DISCS[hi], measure, _SIDE_SOURCE)]
    f = (i - lo) / (hi - lo)
    value = float(r_lo["value"]) + f * (float(r_hi["value"]) - float(r_lo["value"]))
    return Dimension(key, label, value, r_lo["unit"], "interpolated", _SIDE_SOURCE,
                     r_lo["confidence"], value, None, False,
                     f"interpolation between {DISCS[lo]} ({r_lo['value']:g}) and {DISCS[hi]}"
                     f" ({r_hi['value']:g}); not a published figure")


def kambin_triangle(segment: str) -> KambinTriangle:
    """Return the working zone at ``segment`` (``L1-L2`` ... ``L5-S1``)."""
    if segment not in DISCS:
        raise ValueError(f"segment must be one of {', '.join(DISCS)}; got {segment!r}")
    base, height, hyp = (_side(segment, k, m, lab) for k, m, lab in _SIDES)
    b, h, c = base.value, height.value, hyp.value
    if not (b + h > c and b + c > h and h + c > b):
        raise DataError(f"{segment}: sides {b:g}, {h:g}, {c:g} mm do not make a triangle")
    cos_c = (b * b + h * h - c * c) / (2.0 * b * h)
    angle = math.acos(max(-1.0, min(1.0, cos_c)))
    verts = np.array([[0.0, 0.0], [b, 0.0], [h * math.cos(angle), h * math.sin(angle)]])
    s = (b + h + c) / 2.0
    area = math.sqrt(s * (s - b) * (s - h) * (s - c))
    # incentre: vertices weighted by the length of the side opposite each
    opp = np.array([c, h, b])  # opposite (0,0): hypotenuse; opposite (b,0): height; apex: base
    centre = (opp[:, None] * verts).sum(axis=0) / opp.sum()
    return KambinTriangle(segment, base, height, hyp, verts, area, centre, 2.0 * area / s)


def published_cannula_limits(segment: str) -> list[dict[str, object]]:
    """Return the published maximum cannula and inscribed-circle diameters at ``segment``."""
    labels = {
        "max_cannula_diameter_bony_KT": "largest cannula, bony triangle (MRI)",
        "max_cannula_diameter_neural_KT": "largest cannula, neural triangle (MRI)",
        "inscribed_circle_diameter": "inscribed circle, bony triangle (cadaver)",
    }
    out = []
    for row in load_table("kambin_triangle").to_dict("records"):
        if row["level"] == segment and row["measure"] in labels:
            sd = row.get("sd")
            out.append({
                "figure": labels[row["measure"]] + ("" if row["side"] == "all"
                                                   else f", {row['side']} side"),
                "diameter (mm)": float(row["value"]),
                "SD (mm)": "" if sd is None or (isinstance(sd, float) and math.isnan(sd))
                else float(sd),
                "source": row["source_key"],
                "confidence": row["confidence"],
            })
    return out


@dataclass(frozen=True)
class Instrument:
    """A cited instrument diameter."""

    name: str
    diameter: float
    source_key: str
    confidence: str
    note: str = ""


def _parse_outer(text: str) -> float | None:
    """First number of a cell such as ``7 / 4`` (outer diameter / working channel)."""
    m = re.match(r"\s*(\d+(?:\.\d+)?)", text or "")
    return float(m.group(1)) if m else None


def instruments() -> list[Instrument]:
    """Round instruments that reach the disc, from the instruments table, smallest first.

    The full endoscope's outer diameter is the first of the two sizes printed as
    ``outer / working channel``; a recommended cannula range gives both ends.
    """
    t = load_table("instruments")
    out = []
    for r in t.to_dict("records"):
        item, param = r["item"], r["parameter"]
        if item == "tubular retractor" and param == "diameter" and r["value"] == r["value"]:
            out.append(Instrument(f"tubular retractor {r['value']:g} mm", float(r["value"]),
                                  r["source_key"], r["confidence"]))
        elif param.startswith("outer diameter / working channel"):
            outer = _parse_outer(r.get("value_text") or "")
            if outer is not None:
                out.append(Instrument(f"{item} (outer diameter)", outer, r["source_key"],
                                      r["confidence"], f"printed as {r['value_text']} mm"))
        elif item == "OLLIF access portal" and param == "diameter":
            out.append(Instrument("OLLIF access portal", float(r["value"]), r["source_key"],
                                  r["confidence"]))
        elif item == "transforaminal cannula" and param == "recommended outer diameter":
            for end, v in (("smallest", r["value_low"]), ("largest", r["value_high"])):
                out.append(Instrument(f"transforaminal cannula, {end} recommended", float(v),
                                      r["source_key"], r["confidence"],
                                      f"recommended range {r['value_text']} mm"))
    if not out:
        raise DataError("data/tables/instruments.csv: no tube, endoscope or cannula diameters")
    return sorted(out, key=lambda i: (i.diameter, i.name))
