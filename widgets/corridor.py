"""Tissue corridor of open midline exposure versus tubular access.

A pure geometric model for the first lesson. A tubular retractor is a
cylinder: its skin opening must admit the tube, its working window at the
lamina is a disc of the tube's diameter, and the tissue it displaces is that
disc times the depth (muscle dilated along its fibres, not stripped). An open
midline wound is modelled as a box: incision length by retraction width by
depth, with the paraspinal muscle stripped off the bone subperiosteally.

Every input is either cited (tube diameters, the pooled incision difference)
or an assumption shown to the student as such (:func:`assumption`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from widgets.data import DataError, data_dir, load_table
from widgets.yamllines import SafeLoader

__all__ = [
    "Assumption",
    "Corridor",
    "assumption",
    "compare_corridors",
    "incision_difference",
    "open_corridor",
    "tube_diameters",
    "tubular_corridor",
]


@dataclass(frozen=True)
class Assumption:
    """A quantity with no published figure, shown to students as an assumption."""

    name: str
    value: float
    unit: str
    minimum: float
    maximum: float
    rationale: str


@functools.cache
def _assumptions(directory: str) -> dict[str, Assumption]:
    path = Path(directory) / "assumptions.yaml"
    if not path.is_file():
        raise DataError("data/assumptions.yaml: file missing")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise DataError(f"data/assumptions.yaml: not valid YAML ({exc})") from exc
    out = {}
    for name, spec in (raw or {}).items():
        try:
            out[name] = Assumption(
                name=name,
                value=float(spec["value"]),
                unit=str(spec["unit"]),
                minimum=float(spec["minimum"]),
                maximum=float(spec["maximum"]),
                rationale=" ".join(str(spec["rationale"]).split()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"data/assumptions.yaml: entry {name!r} is malformed ({exc})") from exc
    return out


def assumption(name: str) -> Assumption:
    """Return the documented assumption called ``name``."""
    table = _assumptions(str(data_dir()))
    if name not in table:
        raise DataError(f"data/assumptions.yaml: no assumption {name!r}; known: {', '.join(table)}")
    return table[name]


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


def _positive(name: str, value: float) -> float:
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
    d = _positive("tube_diameter_mm", tube_diameter_mm)
    depth = _positive("depth_mm", depth_mm)
    area = math.pi * (d / 2) ** 2
    return Corridor("tubular", d, area, area * depth / 1000.0, "dilated (split along fibres)")


def open_corridor(incision_mm: float, retraction_width_mm: float, depth_mm: float) -> Corridor:
    """Return the corridor of an open midline wound modelled as a box."""
    length = _positive("incision_mm", incision_mm)
    width = _positive("retraction_width_mm", retraction_width_mm)
    depth = _positive("depth_mm", depth_mm)
    area = length * width
    return Corridor("open midline", length, area, area * depth / 1000.0, "stripped off the bone")


def compare_corridors(
    tube_diameter_mm: float, depth_mm: float, retraction_width_mm: float
) -> tuple[Corridor, Corridor]:
    """Return (tubular, open) corridors for one set of choices.

    The open incision is the tubular one lengthened by the pooled incision
    difference from the randomised trials (:func:`incision_difference`).
    """
    tube = tubular_corridor(tube_diameter_mm, depth_mm)
    extra = incision_difference().value
    return tube, open_corridor(tube.incision_mm + extra, retraction_width_mm, depth_mm)


def ratio_text(tube: Corridor, open_: Corridor) -> str:
    """Summarise how many times larger the open corridor is, in one sentence."""
    return (
        f"The open wound displaces {open_.volume_cm3 / tube.volume_cm3:.1f} times the tissue"
        f" of the {tube.incision_mm:g} mm tube and exposes"
        f" {open_.window_area_mm2 / tube.window_area_mm2:.1f} times its working window."
    )


def inputs_table(depth_mm: float, retraction_width_mm: float):
    """Return every input of the comparison with its basis: cited, derived or assumption."""
    import pandas as pd

    rows = [
        {
            "input": "tubular retractor diameter",
            "value": ", ".join(f"{t.value:g}" for t in tube_diameters()),
            "unit": "mm",
            "basis": "cited (" + tube_diameters()[0].confidence + ")",
            "source": tube_diameters()[0].source_key,
        }
    ]
    diff = incision_difference()
    rows.append(
        {
            "input": "extra incision length, standard vs minimally invasive discectomy",
            "value": f"{diff.value:g}",
            "unit": "mm (unit presumed cm in the source, converted)",
            "basis": f"cited pooled mean difference ({diff.confidence})",
            "source": diff.source_key,
        }
    )
    for name, value in (("skin_to_lamina_depth", depth_mm),
                        ("open_retraction_width", retraction_width_mm)):
        a = assumption(name)
        rows.append(
            {
                "input": name.replace("_", " "),
                "value": f"{value:g}",
                "unit": a.unit,
                "basis": "assumption (no cited figure; you set it)",
                "source": "data/assumptions.yaml",
            }
        )
    return pd.DataFrame(rows)


def compare_table(tube_diameter_mm: float, depth_mm: float, retraction_width_mm: float):
    """Return the tubular and open corridors as a two-row table."""
    import pandas as pd

    tube, open_ = compare_corridors(tube_diameter_mm, depth_mm, retraction_width_mm)
    return pd.DataFrame([tube.as_row(), open_.as_row()]).set_index("approach")
