"""Tissue corridor of open midline exposure versus tubular access.

A pure geometric model for the first lesson. A tubular retractor is a
cylinder: its skin opening must admit the tube, its working window at the
lamina is a disc of the tube's diameter, and the tissue it displaces is that
disc times the depth (muscle dilated along its fibres, not stripped). Its
walls are vertical, so neither its skin opening nor its window changes with
depth.

An open midline wound cannot have vertical ends. To see a target window at
the lamina through an open wound, its skin and muscle must be cut and held
back along a slope at each end, so the skin incision grows with depth
(retraction geometry): skin length = window length + 2 x depth x end slope.
The wound is held to the retraction width along its whole length, so its
cross-section along the spine is a trapezoid and the tissue it displaces is
width x depth x (window length + depth x end slope). The paraspinal muscle is
stripped off the bone subperiosteally.

Both approaches aim at the same target, so the open wound's window at the
lamina is as long as the tube is wide (and held to the retraction width). The
end slope comes from a cited figure and an assumption: the pooled incision
difference between standard and minimally invasive discectomy in randomised
trials (:func:`incision_difference`) is taken to apply at a stated reference
depth, an assumption of ``data/assumptions.yaml``
(``incision_difference_depth``). So at that depth the model's open incision is
the tube's plus the cited difference; deeper, it is longer, while the tube's
stays the same; and the open-to-tube ratio of displaced tissue grows with
depth.

Every input is either cited (tube diameters, the pooled incision difference)
or an assumption shown to the student as such (:func:`widgets.core.assumptions.assumption`).
:func:`open_corridor` (a box of fixed length) is kept for lesson 06's
comparator, which sizes its open exposures from the cited segment heights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from widgets.core.assumptions import assumption
from widgets.core.data import DataError, load_table

__all__ = [
    "Corridor",
    "compare_corridors",
    "end_slope",
    "incision_difference",
    "length_mm",
    "open_corridor",
    "open_wound",
    "tube_diameters",
    "tubular_corridor",
]


@dataclass(frozen=True)
class CitedValue:
    """A number from a data table, with the key of its source and its confidence."""

    value: float
    unit: str
    source_key: str
    confidence: str


def tube_diameters() -> list[CitedValue]:
    """Return the tubular retractor diameters in the instruments table, smallest first."""
    table = load_table("instruments")
    rows = table[(table["item"] == "tubular retractor") & (table["parameter"] == "diameter")]
    rows = rows.dropna(subset=["value"]).sort_values("value")
    if rows.empty:
        raise DataError("data/tables/instruments.csv: no 'tubular retractor' 'diameter' rows")
    return [
        CitedValue(float(r.value), str(r.unit), str(r.source_key), str(r.confidence))
        for r in rows.itertuples()
    ]


def incision_difference() -> CitedValue:
    """Return the pooled incision-size difference, standard minus minimally invasive, in mm.

    The meta-analysis reports MIS minus standard as -1.91 with its unit not shown
    in the abstract; the table records "cm presumed", so the value is converted
    from centimetres and the lesson says so.
    """
    table = load_table("instruments")
    rows = table[table["parameter"] == "incision size mean difference"]
    if len(rows) != 1:
        raise DataError("data/tables/instruments.csv: expected one 'incision size mean difference' row")
    r = rows.iloc[0]
    return CitedValue(-10.0 * float(r["value"]), "mm", str(r["source_key"]), str(r["confidence"]))


@dataclass(frozen=True)
class Corridor:
    """The size of one access corridor."""

    approach: str
    incision_mm: float
    window_area_mm2: float
    volume_cm3: float
    muscle: str

    def as_row(self) -> dict[str, object]:
        """Return the corridor as a table row with rounded, readable values."""
        return {
            "approach": self.approach,
            "incision (mm)": round(self.incision_mm, 1),
            "working window (mm²)": round(self.window_area_mm2),
            "tissue corridor (cm³)": round(self.volume_cm3, 1),
            "paraspinal muscle": self.muscle,
        }


def length_mm(name: str, value: object) -> float:
    """Return ``value`` as a float: a positive, finite length in mm (``name`` is named in the error)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number in mm, got {type(value).__name__}")
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a positive, finite length in mm, got {value!r}")
    return float(value)


def tubular_corridor(tube_diameter_mm: float, depth_mm: float) -> Corridor:
    """Return the corridor of a tubular retractor of a given diameter and depth.

    The skin opening is at least the tube's diameter; the working window is
    the tube's cross-section; the corridor is a cylinder.
    """
    d = length_mm("tube_diameter_mm", tube_diameter_mm)
    depth = length_mm("depth_mm", depth_mm)
    area = math.pi * (d / 2) ** 2
    return Corridor("tubular", d, area, area * depth / 1000.0, "dilated (split along fibres)")


def open_corridor(incision_mm: float, retraction_width_mm: float, depth_mm: float) -> Corridor:
    """Return the corridor of an open midline wound modelled as a box."""
    length = length_mm("incision_mm", incision_mm)
    width = length_mm("retraction_width_mm", retraction_width_mm)
    depth = length_mm("depth_mm", depth_mm)
    area = length * width
    return Corridor("open midline", length, area, area * depth / 1000.0, "stripped off the bone")


def end_slope() -> float:
    """Return how far each end of an open wound leans out per mm of depth (mm/mm, derived).

    The cited pooled incision difference (:func:`incision_difference`) is taken
    to apply at the reference depth of ``data/assumptions.yaml``
    (``incision_difference_depth``); spreading it over both ends of the wound
    at that depth gives the slope: difference / (2 x reference depth).
    """
    return incision_difference().value / (2.0 * assumption("incision_difference_depth").value)


def end_angle_deg() -> float:
    """Return the angle of the open wound's ends from the vertical, in degrees (from :func:`end_slope`)."""
    return math.degrees(math.atan(end_slope()))


def open_wound(window_length_mm: float, retraction_width_mm: float, depth_mm: float,
               slope: float | None = None) -> Corridor:
    """Return the corridor of an open midline wound that exposes a window at the lamina.

    The window at the lamina is ``window_length_mm`` by ``retraction_width_mm``.
    Each end of the wound leans out by ``slope`` mm per mm of depth (default
    :func:`end_slope`), so the skin incision is ``window_length_mm + 2 x depth
    x slope``, and the wound, held to the retraction width along its length,
    displaces ``width x depth x (window_length_mm + depth x slope)``.
    """
    length = length_mm("window_length_mm", window_length_mm)
    width = length_mm("retraction_width_mm", retraction_width_mm)
    depth = length_mm("depth_mm", depth_mm)
    k = end_slope() if slope is None else slope
    if isinstance(k, bool) or not isinstance(k, int | float) or not 0 <= k < math.inf:
        raise ValueError(f"slope must be a finite number of at least 0 (mm per mm of depth), got {k!r}")
    skin = length + 2.0 * depth * k
    volume = width * depth * (length + depth * k)
    return Corridor("open midline", skin, length * width, volume / 1000.0, "stripped off the bone")


def compare_corridors(
    tube_diameter_mm: float, depth_mm: float, retraction_width_mm: float
) -> tuple[Corridor, Corridor]:
    """Return (tubular, open) corridors for one set of choices.

    Both expose the same length of target at the lamina, the tube's diameter;
    the open wound is held to ``retraction_width_mm`` and its ends slope out
    (:func:`open_wound`), so its incision and the tissue it displaces grow with
    depth while the tube's incision does not. At the reference depth the open
    incision is the tube's plus the cited pooled difference.
    """
    tube = tubular_corridor(tube_diameter_mm, depth_mm)
    return tube, open_wound(tube.incision_mm, retraction_width_mm, depth_mm)


def ratio_text(tube: Corridor, open_: Corridor) -> str:
    """Summarise how the open wound compares with the tube, in one sentence."""
    from widgets.core.numbers import format_fixed

    return (
        f"The open incision is {format_fixed(open_.incision_mm, 1)} mm long against the"
        f" {tube.incision_mm:g} mm tube; the open wound exposes"
        f" {format_fixed(open_.window_area_mm2 / tube.window_area_mm2, 1)} times the tube's working"
        f" window and displaces {format_fixed(open_.volume_cm3 / tube.volume_cm3, 1)} times its tissue."
    )
