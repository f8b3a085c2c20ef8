"""Open versus MISS access for a chosen procedure and disc level (lesson 06).

A pure model that extends :mod:`widgets.access.corridor` (it reuses its cylinder
and box corridors and its documented assumptions) from one tube against one
open wound to three procedures:

``discectomy``
    Tubular microdiscectomy against open microdiscectomy. The tube's skin
    opening, window and corridor come from :func:`widgets.access.corridor.tubular_corridor`;
    the open wound is lesson 00's (:func:`widgets.access.corridor.compare_corridors`):
    its ends slope out so that at the assumed reference depth its incision is
    the tube's lengthened by the pooled difference from randomised trials, and
    longer when deeper; it is held open to the assumed retraction width. No
    figure here depends on the level.
``decompression``
    A tube placed on one side to decompress both sides (unilateral approach
    for bilateral decompression) against an open midline laminectomy. The
    open incision spans the motion segment, computed from the cited height of
    the upper vertebral body and of the disc below it, plus an assumed margin
    at each end; the wound is held open to the assumed retraction width.
``tlif``
    MIS-TLIF (one tube for the facetectomy and the cage, and percutaneous
    pedicle screws through separate stab incisions) against open TLIF. The
    open incision spans the segment as above; its width reaches the cited
    outer pedicle-to-pedicle span plus an assumed lateral margin on each side.
    Each percutaneous screw track is taken as a cylinder as wide as its stab
    incision, dilated rather than stripped.

Every input is cited (with its source key and confidence flag), derived from
cited figures by arithmetic that :func:`widgets.access.tables.comparison_inputs_table` shows, or an
assumption from ``data/assumptions.yaml``. The model is geometry: it describes
how much tissue each approach disturbs, not how patients fare.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from widgets.access.corridor import (
    CitedValue,
    Corridor,
    compare_corridors,
    incision_difference,
    length_mm,
    open_corridor,
    tube_diameters,
    tubular_corridor,
)
from widgets.anatomy.morphometry import BODY_HEIGHT_SOURCE
from widgets.core.assumptions import assumption
from widgets.core.data import DataError, data_dir, load_table
from widgets.core.levels import DISCS

__all__ = [
    "LEVELS",
    "PROCEDURES",
    "PROCEDURE_LABELS",
    "Approach",
    "Comparison",
    "Derived",
    "Incision",
    "compare",
    "input_rows",
    "outer_pedicle_span",
    "segment_span",
    "sources",
    "tube_options",
]

#: Disc levels the comparator offers (the upper vertebra of each has cited sizes).
LEVELS = DISCS
#: Procedure keys, in the order the lesson presents them.
PROCEDURES = ("discectomy", "decompression", "tlif")
#: What each procedure key compares.
PROCEDURE_LABELS = {
    "discectomy": "Discectomy: tubular vs open microdiscectomy",
    "decompression": "Decompression: tube from one side vs open laminectomy",
    "tlif": "Fusion: MIS-TLIF with percutaneous screws vs open TLIF",
}
_MISS_NAMES = {
    "discectomy": "MISS: tubular microdiscectomy",
    "decompression": "MISS: tubular decompression from one side",
    "tlif": "MISS: MIS-TLIF, tube + percutaneous screws",
}
_OPEN_NAMES = {
    "discectomy": "open: microdiscectomy",
    "decompression": "open: midline laminectomy",
    "tlif": "open: midline TLIF",
}
_MORPHOMETRY_SOURCE = "Panjabi1992"
_DISC_SOURCE = "Shin2024"


@dataclass(frozen=True)
class Derived:
    """A number computed from cited figures, with the figures and the formula."""

    value: float
    unit: str
    formula: str
    parts: tuple[tuple[str, CitedValue], ...]

    @property
    def source_keys(self) -> tuple[str, ...]:
        """The source keys of every cited part, without repeats, in order."""
        return tuple(dict.fromkeys(p.source_key for _, p in self.parts))

    @property
    def confidence(self) -> str:
        """``secondary-source`` if any part is, else ``read-directly``."""
        flags = {p.confidence for _, p in self.parts}
        return "secondary-source" if "secondary-source" in flags else "read-directly"


@dataclass(frozen=True)
class Incision:
    """One kind of skin incision: its length and how many there are."""

    label: str
    length_mm: float
    count: int = 1

    @property
    def total_mm(self) -> float:
        """Length of all incisions of this kind together."""
        return self.length_mm * self.count

    def text(self) -> str:
        """Describe the incision(s) in a few words, e.g. ``4 x 15 mm stab``."""
        prefix = f"{self.count} x " if self.count != 1 else ""
        return f"{prefix}{round(self.length_mm, 1):g} mm {self.label}"


@dataclass(frozen=True)
class Approach:
    """One approach of a comparison: its incisions, exposure and corridor."""

    name: str
    incisions: tuple[Incision, ...]
    window_area_mm2: float
    volume_cm3: float
    muscle: str
    corridors: tuple[Corridor, ...] = field(default=(), compare=False, repr=False)

    @property
    def incision_total_mm(self) -> float:
        """Total length of skin incision, all incisions together."""
        return sum(i.total_mm for i in self.incisions)

    @property
    def incision_count(self) -> int:
        """Number of separate skin incisions."""
        return sum(i.count for i in self.incisions)

    def as_row(self) -> dict[str, object]:
        """Return the approach as a table row with rounded, readable values."""
        return {
            "approach": self.name,
            "incisions": " + ".join(i.text() for i in self.incisions),
            "skin incision, total (mm)": round(self.incision_total_mm, 1),
            "working window at depth (mm²)": round(self.window_area_mm2),
            "tissue corridor (cm³)": round(self.volume_cm3, 1),
            "paraspinal muscle": self.muscle,
        }


@dataclass(frozen=True)
class Comparison:
    """MISS and open access for one procedure, level, tube and depth."""

    procedure: str
    level: str
    tube_diameter_mm: float
    depth_mm: float
    miss: Approach
    open: Approach

    @property
    def volume_ratio(self) -> float:
        """How many times the MISS corridor the open corridor is."""
        return self.open.volume_cm3 / self.miss.volume_cm3

    @property
    def window_ratio(self) -> float:
        """How many times the MISS working window the open window is."""
        return self.open.window_area_mm2 / self.miss.window_area_mm2

    @property
    def incision_ratio(self) -> float:
        """Open total incision length over MISS total incision length."""
        return self.open.incision_total_mm / self.miss.incision_total_mm

    def summary(self) -> str:
        """Say in one or two sentences what the comparison shows."""
        total = self.miss.incision_total_mm
        open_total = self.open.incision_total_mm
        if abs(open_total - total) < 0.05 * max(open_total, total):
            incisions = (f"The skin incisions add up to about the same length ({total:.0f} mm in "
                         f"{self.miss.incision_count} vs {open_total:.0f} mm in one)")
        elif open_total > total:
            incisions = (f"The open skin incision is {open_total / total:.1f} times the MISS total "
                         f"({open_total:.0f} vs {total:.0f} mm)")
        else:
            incisions = (f"The MISS incisions add up to more skin than the open one "
                         f"({total:.0f} mm in {self.miss.incision_count} vs {open_total:.0f} mm)")
        return (f"{incisions}; the open wound exposes {self.window_ratio:.1f} times the working window"
                f" and disturbs {self.volume_ratio:.1f} times the tissue volume.")


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(allowed)}; got {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


@functools.cache
def _tube_options(directory: str) -> tuple[CitedValue, ...]:
    tubes = list(tube_diameters())
    table = load_table("instruments")
    rows = table[(table["item"] == "tubular retractor") & (table["parameter"] == "diameter range")]
    have = {t.value for t in tubes}
    for r in rows.itertuples():
        if r.value_high is not None and not math.isnan(r.value_high) and float(r.value_high) not in have:
            tubes.append(CitedValue(float(r.value_high), str(r.unit), str(r.source_key), str(r.confidence)))
            have.add(float(r.value_high))
    return tuple(sorted(tubes, key=lambda t: t.value))


@functools.cache
def _series_sizes(directory: str) -> frozenset[float]:
    return frozenset(t.value for t in tube_diameters())


def tube_options() -> list[CitedValue]:
    """Return the tube diameters the comparator offers, smallest first.

    These are the diameters of a published series of tubular discectomies
    (:func:`widgets.access.corridor.tube_diameters`) and, where larger, the upper end
    of a published range of tube sizes (a secondary-source teaching summary;
    MIS-TLIF usually needs a wider tube than a discectomy).
    """
    return list(_tube_options(str(data_dir())))


def _tube(diameter_mm: object) -> CitedValue:
    d = length_mm("tube_diameter_mm", diameter_mm)
    for t in tube_options():
        if t.value == d:
            return t
    sizes = ", ".join(f"{t.value:g}" for t in tube_options())
    raise ValueError(f"tube_diameter_mm must be one of the cited sizes {sizes}; got {diameter_mm!r}")


@functools.cache
def _index(name: str, source_key: str, directory: str) -> dict[tuple[str, str, str], list[CitedValue]]:
    """Return the rows of one source in a morphometry table by (level, measure, subgroup), read once.

    Plain objects, not DataFrame filters: a callback looks a value up in microseconds.
    """
    out: dict[tuple[str, str, str], list[CitedValue]] = {}
    for r in load_table(name).to_dict("records"):
        if r["source_key"] == source_key and r["value"] is not None and not math.isnan(r["value"]):
            key = (str(r["level"]), str(r["measure"]), str(r["subgroup"]))
            out.setdefault(key, []).append(
                CitedValue(float(r["value"]), str(r["unit"]), str(r["source_key"]), str(r["confidence"])))
    return out


def _lookup(name: str, source_key: str, level: str, measure: str, subgroup: str) -> CitedValue:
    found = _index(name, source_key, str(data_dir())).get((level, measure, subgroup), [])
    if len(found) != 1:
        raise DataError(f"data/tables/{name}.csv: expected one {source_key} row for {level} {measure}"
                        f" ({subgroup}), found {len(found)}")
    return found[0]


def _morphometry(level: str, measure: str, subgroup: str = "all") -> CitedValue:
    return _lookup("lumbar_morphometry", _MORPHOMETRY_SOURCE, level, measure, subgroup)


def _disc_height(level: str) -> CitedValue:
    return _lookup("disc_height", _DISC_SOURCE, level, "disc_height", "all")


def segment_span(level: str) -> Derived:
    """Return the craniocaudal span of a motion segment at ``level``, in mm.

    The posterior height of the upper vertebral body plus the middle height of
    the disc below it (e.g. L4 body + L4-L5 disc): roughly the distance between
    the pedicles of the two vertebrae, which an open exposure of one segment
    must reach from end to end.
    """
    level = _check_choice("level", level, LEVELS)
    upper = level.split("-")[0]
    body = _lookup("lumbar_morphometry", BODY_HEIGHT_SOURCE, upper, "vertebral_body_height_posterior",
                   "all")
    disc = _disc_height(level)
    return Derived(body.value + disc.value, "mm", f"{upper} posterior body height + {level} disc height",
                   ((f"{upper} posterior body height", body), (f"{level} disc height", disc)))


def outer_pedicle_span(level: str) -> Derived:
    """Return the distance between the outer walls of the pedicles of the upper vertebra, in mm.

    The canal width (the distance between the inner walls of the pedicles)
    plus the transverse width of the left and the right pedicle. At L5-S1 the
    L5 figures stand in for the segment (the tables hold no S1 sizes).
    """
    level = _check_choice("level", level, LEVELS)
    upper = level.split("-")[0]
    canal = _morphometry(upper, "spinal_canal_width")
    left = _morphometry(upper, "pedicle_width_transverse", "left")
    right = _morphometry(upper, "pedicle_width_transverse", "right")
    return Derived(canal.value + left.value + right.value, "mm",
                   f"{upper} canal width + left and right {upper} pedicle widths",
                   ((f"{upper} canal width", canal), (f"{upper} left pedicle width", left),
                    (f"{upper} right pedicle width", right)))


def _open_segment_incision(level: str) -> float:
    return segment_span(level).value + 2 * assumption("open_incision_margin").value


def _open_tlif_width(level: str) -> float:
    return outer_pedicle_span(level).value + 2 * assumption("open_fusion_lateral_margin").value


def _stab_incisions() -> tuple[int, float]:
    count = assumption("mis_tlif_screw_incisions").value
    if count != int(count):
        raise DataError("data/assumptions.yaml: mis_tlif_screw_incisions must be a whole number")
    return int(count), assumption("percutaneous_screw_incision").value


def _miss(procedure: str, tube: Corridor, depth: float) -> Approach:
    d = tube.incision_mm
    if procedure != "tlif":
        side = "one side" if procedure == "discectomy" else "one side (the tube is tilted to reach across)"
        return Approach(_MISS_NAMES[procedure], (Incision("paramedian (tube)", d),), tube.window_area_mm2,
                        tube.volume_cm3, f"split along its fibres by dilators, {side}", (tube,))
    count, stab = _stab_incisions()
    tracks = tuple(tubular_corridor(stab, depth) for _ in range(count))
    return Approach(
        _MISS_NAMES[procedure],
        (Incision("paramedian (tube)", d), Incision("stab (screw)", stab, count)),
        tube.window_area_mm2,
        tube.volume_cm3 + sum(t.volume_cm3 for t in tracks),
        "split by dilators (tube side) and by screw tracks (both sides); not stripped off bone",
        (tube, *tracks),
    )


def compare(procedure: str, level: str, tube_diameter_mm: float, depth_mm: float) -> Comparison:
    """Return the MISS and open access of ``procedure`` at ``level``.

    Parameters
    ----------
    procedure
        One of :data:`PROCEDURES`.
    level
        A disc level, one of :data:`LEVELS`.
    tube_diameter_mm
        One of the cited tube sizes (:func:`tube_options`).
    depth_mm
        Skin-to-lamina depth (an assumption the student sets).

    Raises
    ------
    TypeError, ValueError
        For a value of the wrong type or outside what is allowed.
    """
    procedure = _check_choice("procedure", procedure, PROCEDURES)
    level = _check_choice("level", level, LEVELS)
    depth = length_mm("depth_mm", depth_mm)
    d = _tube(tube_diameter_mm).value
    width = assumption("open_retraction_width").value
    if procedure == "discectomy":
        tube, open_box = compare_corridors(d, depth, width)
    else:
        tube = tubular_corridor(d, depth)
        if procedure == "tlif":
            width = _open_tlif_width(level)
        open_box = open_corridor(_open_segment_incision(level), width, depth)
    sides = "one side" if procedure == "discectomy" else "both sides"
    if procedure == "tlif":
        sides += ", out to the transverse processes"
    open_ = Approach(_OPEN_NAMES[procedure], (Incision("midline", open_box.incision_mm),),
                     open_box.window_area_mm2, open_box.volume_cm3, f"stripped off the bone, {sides}",
                     (open_box,))
    return Comparison(procedure, level, d, depth, _miss(procedure, tube, depth), open_)


def _cited_row(what: str, v: CitedValue) -> dict[str, object]:
    basis = "cited" if v.confidence == "read-directly" else "cited, secondary-source"
    return {"input": what, "value": f"{v.value:g}", "unit": v.unit, "basis": basis, "source": v.source_key}


def _assumed_row(name: str, what: str, value: float | None = None) -> dict[str, object]:
    a = assumption(name)
    return {"input": what, "value": f"{a.value if value is None else value:g}", "unit": a.unit,
            "basis": "assumption (no cited figure)", "source": "data/assumptions.yaml"}


def _derived_row(what: str, d: Derived) -> dict[str, object]:
    flag = " from secondary-source figures" if d.confidence == "secondary-source" else ""
    return {"input": what, "value": f"{d.value:.2f}", "unit": d.unit,
            "basis": f"derived{flag}: {d.formula}", "source": "; ".join(d.source_keys)}


def _input_rows(procedure: str, level: str, tube_diameter_mm: float, depth_mm: float) -> list[dict]:
    procedure = _check_choice("procedure", procedure, PROCEDURES)
    level = _check_choice("level", level, LEVELS)
    tube = _tube(tube_diameter_mm)
    series = _series_sizes(str(data_dir()))
    what = "tube diameter" if tube.value in series else "tube diameter (upper end of a published range)"
    rows = [_cited_row(what, tube),
            _assumed_row("skin_to_lamina_depth", "skin-to-lamina depth", length_mm("depth_mm", depth_mm))]
    if procedure == "discectomy":
        diff = incision_difference()
        row = _cited_row("extra incision length, standard vs minimally invasive discectomy", diff)
        row["unit"] = "mm (unit presumed cm in the source, converted)"
        row["basis"] += " (pooled mean difference)"
        rows += [row, _assumed_row("incision_difference_depth",
                                   "depth at which the cited incision difference is taken to apply"),
                 _assumed_row("open_retraction_width", "open retraction width")]
        return rows
    span = segment_span(level)
    rows += [_cited_row(what, v) for what, v in span.parts]
    rows += [_derived_row("motion segment span", span),
             _assumed_row("open_incision_margin", "open incision margin, each end")]
    if procedure == "decompression":
        rows.append(_assumed_row("open_retraction_width", "open retraction width"))
        return rows
    pedicles = outer_pedicle_span(level)
    rows += [_cited_row(what, v) for what, v in pedicles.parts]
    rows += [_derived_row("outer pedicle-to-pedicle span", pedicles),
             _assumed_row("open_fusion_lateral_margin", "open fusion exposure beyond each pedicle"),
             _assumed_row("mis_tlif_screw_incisions", "separate stab incisions for the 4 screws"),
             _assumed_row("percutaneous_screw_incision", "stab incision (and track) per screw")]
    return rows


def input_rows(procedure: str, level: str, tube_diameter_mm: float, depth_mm: float) -> list[dict]:
    """Return every input of one comparison as rows (input, value, unit, basis, source)."""
    return _input_rows(procedure, level, tube_diameter_mm, depth_mm)


def sources() -> list[str]:
    """Return every source key the comparator can use, for a lesson's References."""
    keys = [t.source_key for t in tube_options()] + [incision_difference().source_key]
    for level in LEVELS:
        keys += list(segment_span(level).source_keys) + list(outer_pedicle_span(level).source_keys)
    return list(dict.fromkeys(keys))
