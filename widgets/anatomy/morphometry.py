"""The dimensions of each vertebra, read from the cited tables, with their basis.

Every number the anatomy model uses is a :class:`Dimension` that says where it
comes from:

``cited``
    a row of a data table (its ``source_key`` and ``confidence``);
``interpolated``
    a straight line between two published levels of the same source (the
    source printed only the end points), labelled as an interpolation;
``derived``
    computed from cited rows by a rule the label states (e.g. the midpoint of a
    published range);
``assumption``
    an entry of ``data/assumptions.yaml`` (no published figure), possibly
    scaled from a cited value the label names.

The population-spread control moves the pedicle widths of the chosen series by
``spread_sd`` times that series' published standard deviation, and only where
the series prints an SD (never one computed from an SEM or a pooled SE). Every
other dimension stays at its published mean: the sources of the body, canal and
pedicle-height figures print an SEM, a pooled SE or nothing at most levels, and
moving disc height alone would break the cited lordosis. The table says which
figures moved.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from widgets.core.assumptions import assumption
from widgets.core.data import DataError, data_dir, load_table
from widgets.core.levels import DISCS, LEVELS, LUMBAR
from widgets.core.numbers import optional_float

__all__ = [
    "DISCS",
    "LEVELS",
    "LUMBAR",
    "BODY_HEIGHT_SOURCE",
    "PEDICLE_ANGLE_SERIES",
    "PEDICLE_SERIES_DEFAULT",
    "Dimension",
    "LevelDimensions",
    "complete_angle_series",
    "complete_pedicle_series",
    "disc_below",
    "level_dimensions",
    "other_published_values",
    "pedicle_angle_rows",
    "pedicle_width_rows",
    "series_label",
]

#: The recommended default series for lumbar pedicle width (left and right reported separately).
PEDICLE_SERIES_DEFAULT = "Panjabi1992"
#: The one source of the suite's lumbar vertebral body heights (anterior and posterior, L1-L5):
#: a pooled meta-analysis that prints both heights at every level, so the body's wedge comes
#: from one series. Every lesson that quotes a body height takes it from here; the other
#: published series are shown beside it as "sources differ" (:func:`other_published_values`).
BODY_HEIGHT_SOURCE = "Bonczar2024"
#: Per-level series of the lumbar transverse (medial) pedicle angle, in order of preference. The
#: model uses the first one that publishes every level L1 to L5: the angle is not straight in level
#: (it rises slowly at L1-L4 and more steeply at L5), so it is never interpolated where a per-level
#: series exists. Series with end levels only are shown beside it, not blended in.
PEDICLE_ANGLE_SERIES: tuple[str, ...] = ("Cheung1994",)
_ANGLE_MEASURE = "pedicle_transverse_angle"

_LUMBAR_ORDER = {lv: i for i, lv in enumerate(LUMBAR)}
_DISC_SOURCE = "Shin2024"
_LORDOSIS_SOURCE = "SciRep2022_segLL"
_LORDOSIS_SUBGROUP = "all (n=324)"


@dataclass(frozen=True)
class Dimension:
    """One dimension of the model at one level, with where it comes from."""

    key: str
    label: str
    value: float
    unit: str
    basis: str
    source: str
    confidence: str = ""
    published: float | None = None
    sd: float | None = None
    spread_applied: bool = False
    note: str = ""

    def as_row(self) -> dict[str, object]:
        """Return the dimension as a table row a student reads."""
        sd = "" if self.sd is None else f"{self.sd:g}"
        return {
            "dimension": self.label,
            "value": round(self.value, 2),
            "unit": self.unit,
            "basis": self.basis,
            "source": self.source,
            "confidence": self.confidence or "n/a (assumption)" if self.basis == "assumption"
            else self.confidence,
            "published SD": sd,
            "note": self.note,
        }


@dataclass(frozen=True)
class LevelDimensions(Mapping[str, Dimension]):
    """The dimensions of one level, by key (a read-only mapping)."""

    level: str
    series: str
    spread_sd: float
    dims: tuple[Dimension, ...]

    def __getitem__(self, key: str) -> Dimension:
        for d in self.dims:
            if d.key == key:
                return d
        raise KeyError(f"{self.level} has no dimension {key!r}")

    def __iter__(self) -> Iterator[str]:
        return (d.key for d in self.dims)

    def __len__(self) -> int:
        return len(self.dims)

    def v(self, key: str) -> float:
        """Return the value of dimension ``key`` (in its unit)."""
        return self[key].value


# --------------------------------------------------------------------------- table access


@functools.cache
def _index(directory: str) -> dict[tuple[str, str, str, str], dict]:
    """Index lumbar and spine morphometry rows by (level, measure, subgroup, source_key)."""
    out: dict[tuple[str, str, str, str], dict] = {}
    for name in ("lumbar_morphometry", "spine_morphometry"):
        for row in load_table(name).to_dict("records"):
            key = (row["level"], row["measure"], row["subgroup"], row["source_key"])
            out.setdefault(key, row)
    return out


def _rows() -> dict[tuple[str, str, str, str], dict]:
    return _index(str(data_dir()))


def _find(level: str, measure: str, source: str, subgroup: str = "all") -> dict | None:
    return _rows().get((level, measure, subgroup, source))


def _cited(key: str, label: str, row: dict, spread_sd: float, note: str = "") -> Dimension:
    published = float(row["value"])
    sd = optional_float(row.get("sd"))
    value, applied = published, False
    if sd is not None and spread_sd:
        value, applied = published + spread_sd * sd, True
    return Dimension(key, label, value, str(row["unit"]), "cited", row["source_key"],
                     row["confidence"], published, sd, applied, note)


def _interpolated(key: str, label: str, level: str, measure: str, source: str,
                  subgroup: str = "all") -> Dimension | None:
    """Interpolate linearly between the nearest published levels of one source."""
    i = _LUMBAR_ORDER[level]
    below = [lv for lv in LUMBAR[:i] if _find(lv, measure, source, subgroup)]
    above = [lv for lv in LUMBAR[i + 1:] if _find(lv, measure, source, subgroup)]
    if not below or not above:
        return None
    lo, hi = below[-1], above[0]
    r_lo, r_hi = _find(lo, measure, source, subgroup), _find(hi, measure, source, subgroup)
    f = (i - _LUMBAR_ORDER[lo]) / (_LUMBAR_ORDER[hi] - _LUMBAR_ORDER[lo])
    value = float(r_lo["value"]) + f * (float(r_hi["value"]) - float(r_lo["value"]))
    conf = r_lo["confidence"] if r_lo["confidence"] == r_hi["confidence"] else "secondary-source"
    return Dimension(key, label, value, str(r_lo["unit"]), "interpolated", source, conf, value,
                     None, False,
                     f"interpolation between the published {lo} ({r_lo['value']:g}) and {hi}"
                     f" ({r_hi['value']:g}) values; not a published figure")


def _resolve(key: str, label: str, level: str, measure: str, sources: tuple[str, ...],
             spread_sd: float, subgroup: str = "all") -> Dimension | None:
    """Return a cited row from the first source that has one, else an interpolation, else None."""
    for src in sources:
        row = _find(level, measure, src, subgroup)
        if row is not None and optional_float(row["value"]) is not None:
            return _cited(key, label, row, spread_sd)
    for src in sources:
        dim = _interpolated(key, label, level, measure, src, subgroup)
        if dim is not None:
            return dim
    return None


def _assumed(key: str, label: str, name: str, scale: float = 1.0, scaled_from: str = "",
             unit: str | None = None) -> Dimension:
    a = assumption(name)
    value = a.value * scale
    note = a.rationale
    if scaled_from:
        note = f"{a.value:g} {a.unit} x {scaled_from}. {a.rationale}"
    return Dimension(key, label, value, unit or a.unit, "assumption",
                     f"data/assumptions.yaml: {name}", "", None, None, False, note)


def other_published_values(level: str, measure: str, chosen: str) -> str:
    """Other sources' means of ``measure`` at ``level``, as ``"Panjabi 1992 24.1; ..."``.

    For a note beside the value the model uses, so that where sources differ a student
    sees that they differ rather than two lessons silently quoting two values. Subgroups
    other than ``all`` are named (``Gilad 1985 (male) 27.1``).
    """
    out = []
    for (lv, ms, sub, src), row in sorted(_rows().items(), key=lambda kv: (kv[0][3], kv[0][2])):
        if lv != level or ms != measure or src == chosen or optional_float(row.get("value")) is None:
            continue
        who = series_label(src) + ("" if sub == "all" else f" ({sub})")
        out.append(f"{who} {float(row['value']):g}")
    return "; ".join(out)


def series_label(source_key: str) -> str:
    """Return a short readable label for a source key (``Panjabi1992`` -> ``Panjabi 1992``)."""
    m = re.match(r"^([A-Za-z_]+?)_?(\d{4})(.*)$", source_key)
    if not m:
        return source_key
    name, year, rest = m.groups()
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ")
    return f"{name} {year}{(' ' + rest.strip('_')) if rest else ''}"


# --------------------------------------------------------------------------- pedicle series


def pedicle_width_rows():
    """All published lumbar pedicle widths (every series, level, side), as a DataFrame."""
    t = load_table("lumbar_morphometry")
    t = t[t["measure"] == "pedicle_width_transverse"].copy()
    t["series"] = t["source_key"].map(series_label)
    t["level_index"] = t["level"].map(_LUMBAR_ORDER)
    cols = ["series", "source_key", "level", "subgroup", "value", "sd", "other_dispersion", "n",
            "unit", "method", "confidence", "level_index"]
    return t[cols].sort_values(["source_key", "level_index", "subgroup"]).reset_index(drop=True)


@functools.cache
def _complete_series(directory: str) -> tuple[str, ...]:
    rows = pedicle_width_rows()
    rows = rows[rows["subgroup"].isin(["all", "left", "right"])]
    out = []
    for src, grp in rows.groupby("source_key", sort=False):
        if set(grp["level"]) >= set(LUMBAR):
            out.append(src)
    first = [PEDICLE_SERIES_DEFAULT] if PEDICLE_SERIES_DEFAULT in out else []
    return tuple(first + sorted(s for s in out if s != PEDICLE_SERIES_DEFAULT))


def complete_pedicle_series() -> tuple[str, ...]:
    """Source keys of the pedicle-width series that cover every level L1 to L5 (default first)."""
    return _complete_series(str(data_dir()))


# --------------------------------------------------------------------------- pedicle angle series


def pedicle_angle_rows():
    """All published lumbar transverse (medial) pedicle angles (every series and level), as a DataFrame."""
    t = load_table("lumbar_morphometry")
    t = t[(t["measure"] == _ANGLE_MEASURE) & (t["subgroup"] == "all")].copy()
    t["series"] = t["source_key"].map(series_label)
    t["level_index"] = t["level"].map(_LUMBAR_ORDER)
    cols = ["series", "source_key", "level", "value", "sd", "n", "unit", "method", "confidence",
            "level_index"]
    return t[cols].sort_values(["source_key", "level_index"]).reset_index(drop=True)


@functools.cache
def _complete_angle_series(directory: str) -> tuple[str, ...]:
    rows = pedicle_angle_rows()
    full = [src for src, grp in rows.groupby("source_key", sort=False) if set(grp["level"]) >= set(LUMBAR)]
    preferred = [s for s in PEDICLE_ANGLE_SERIES if s in full]
    return tuple(preferred + sorted(s for s in full if s not in preferred))


def complete_angle_series() -> tuple[str, ...]:
    """Source keys of the transverse-angle series that publish every level L1 to L5 (preferred first)."""
    return _complete_angle_series(str(data_dir()))


def _transverse_angle(level: str) -> Dimension | None:
    """Return the level's transverse angle from the first complete per-level series, else interpolate."""
    label = "pedicle transverse (medial) angle"
    for src in complete_angle_series():
        row = _find(level, _ANGLE_MEASURE, src)
        if row is not None and optional_float(row["value"]) is not None:
            return _cited(_ANGLE_MEASURE, label, row, 0.0,
                          "per-level series; other series differ by several degrees"
                          " (lesson 04 shows them side by side)")
    return _resolve(_ANGLE_MEASURE, label, level, _ANGLE_MEASURE, ("LumbarScrewSel2019",), 0.0)


def _pedicle_width(level: str, side: str, series: str, spread_sd: float) -> Dimension:
    label = f"pedicle width, {side} (narrowest, transverse)"
    key = f"pedicle_width_{side}"
    row = _find(level, "pedicle_width_transverse", series, side)
    note = ""
    if row is None:
        row = _find(level, "pedicle_width_transverse", series, "all")
        note = "the series reports one value for both sides"
    if row is None:
        raise DataError(f"series {series!r} has no pedicle width at {level}")
    dim = _cited(key, label, row, spread_sd, note)
    if row.get("sd") is None or optional_float(row.get("sd")) is None:
        disp = row.get("other_dispersion") or ""
        extra = f"no SD published ({disp}); held at the mean" if disp else "no SD published"
        dim = replace(dim, note="; ".join(x for x in (note, extra) if x))
    return dim


# --------------------------------------------------------------------------- one level


def disc_below(level: str) -> str | None:
    """Return the disc under ``level`` (``L4`` -> ``L4-L5``), or None for S1."""
    i = LEVELS.index(level)
    return None if i == len(LEVELS) - 1 else f"{level}-{LEVELS[i + 1]}"


@functools.cache
def _segment_rows(directory: str) -> dict[tuple[str, str], dict]:
    """Return the disc-height and segmental-lordosis rows the model uses, by (what, disc)."""
    out = {}
    for row in load_table("disc_height").to_dict("records"):
        if row["source_key"] == _DISC_SOURCE and row["subgroup"] == "all":
            out[("disc_height", row["level"])] = row
    for row in load_table("lordosis_segmental").to_dict("records"):
        if (row["source_key"] == _LORDOSIS_SOURCE and row["subgroup"] == _LORDOSIS_SUBGROUP
                and row["measure"] == "segmental_lordosis"):
            out[("lordosis", row["segment"])] = row
    return out


def _disc_dims(level: str, spread_sd: float) -> list[Dimension]:
    disc = disc_below(level)
    if disc is None:
        return []
    rows = _segment_rows(str(data_dir()))
    if ("disc_height", disc) not in rows:
        raise DataError(f"data/tables/disc_height.csv: no {_DISC_SOURCE} row for {disc}")
    if ("lordosis", disc) not in rows:
        raise DataError(f"data/tables/lordosis_segmental.csv: no {_LORDOSIS_SOURCE} row for {disc}")
    del spread_sd  # disc height stays at its mean (see the module docstring)
    return [
        _cited("disc_height_below", f"disc height {disc}", rows[("disc_height", disc)], 0.0),
        # angles are not resized by the spread control: it changes sizes only
        _cited("lordosis_below", f"segmental lordosis {disc}", rows[("lordosis", disc)], 0.0,
               "superior endplate of this vertebra to that of the next (model convention;"
               " the source's method is not recorded here)"),
    ]


def _facet_dims(level: str) -> list[Dimension]:
    out = []
    for what in ("width", "height"):
        row = _find(level, f"inferior_facet_{what}", "Panjabi_facets_viaPatel2007", "right")
        if row is None:
            raise DataError(f"no inferior facet {what} for {level}")
        out.append(_cited(f"inferior_facet_{what}", f"inferior facet {what}", row, 0.0,
                          "right-side value, used for both sides"))
        above = {"L1": "T12"}.get(level) or LUMBAR[_LUMBAR_ORDER[level] - 1]
        partner = _find(above, f"inferior_facet_{what}", "Panjabi_facets_viaPatel2007", "right")
        if partner is None:
            raise DataError(f"no inferior facet {what} for {above}")
        a = assumption("superior_facet_matches_partner")
        out.append(Dimension(
            f"superior_facet_{what}", f"superior facet {what}", float(partner["value"]) * a.value,
            "mm", "assumption", "data/assumptions.yaml: superior_facet_matches_partner"
            f" (x the {above} inferior facet, {partner['source_key']})", partner["confidence"],
            None, None, False,
            f"no published superior-facet size: taken as the inferior facet of {above},"
            " its partner in the joint"))
    return out


def _lumbar(level: str, series: str, spread_sd: float) -> list[Dimension]:
    dims: list[Dimension] = []

    def need(dim: Dimension | None, what: str) -> Dimension:
        if dim is None:
            raise DataError(f"no published {what} for {level} in the preferred sources")
        return dim

    dims.append(need(_resolve("body_width", "vertebral body width (upper endplate)", level,
                              "endplate_width_upper", ("Panjabi1992",), 0.0), "body width"))
    for side, name in (("posterior", "vertebral_body_height_posterior"),
                       ("anterior", "vertebral_body_height_anterior")):
        dim = need(_resolve(f"body_height_{side}", f"vertebral body height, {side}", level,
                            name, (BODY_HEIGHT_SOURCE,), 0.0), f"body height {side}")
        others = other_published_values(level, name, dim.source)
        if others:
            dim = replace(dim, note="; ".join(x for x in (dim.note, "sources differ: " + others) if x))
        dims.append(dim)
    depth = _resolve("body_depth", "vertebral body depth (AP, upper endplate)", level,
                     "vertebral_body_superior_length_AP", ("CookBaker2021",), 0.0)
    if depth is None or depth.basis == "interpolated":
        w = dims[0].value
        depth = _assumed("body_depth", "vertebral body depth (AP, upper endplate)",
                         "vertebral_body_depth_to_width", w, f"the body width {w:.1f} mm", "mm")
    dims.append(depth)
    for side in ("left", "right"):
        dims.append(_pedicle_width(level, side, series, spread_sd))
    dims.append(need(_resolve("pedicle_height", "pedicle height", level, "pedicle_height",
                              ("LumbarScrewSel2019", "CookBaker2021"), 0.0),
                     "pedicle height"))
    dims.append(need(_transverse_angle(level), "pedicle transverse angle"))
    rng = _find("L1-L5", "pedicle_sagittal_angle_range", "LumbarScrewSel2019")
    if rng is None:
        raise DataError("spine_morphometry: no L1-L5 pedicle sagittal angle range")
    lo, hi = float(rng["value_low"]), float(rng["value_high"])
    dims.append(Dimension("pedicle_sagittal_angle", "pedicle sagittal angle", (lo + hi) / 2, "deg",
                          "derived", rng["source_key"], rng["confidence"], None, None, False,
                          f"midpoint of the published {rng['value_text']} deg range for L1-L5"
                          " (no per-level figure)"))
    for key, label, measure in (("canal_width", "spinal canal width (interpedicular)",
                                 "spinal_canal_width"),
                                ("canal_depth", "spinal canal depth (AP)", "spinal_canal_depth")):
        dims.append(need(_resolve(key, label, level, measure, ("Panjabi1992",), 0.0), label))
    dims.extend(_facet_dims(level))
    return dims


_POSTERIOR_ASSUMPTIONS = (
    ("pedicle_span", "pedicle AP span (body wall to lamina)", "pedicle_span_to_canal_depth",
     "canal_depth"),
    ("lamina_height", "lamina height (craniocaudal)", "lamina_height_to_body_height",
     "body_height_posterior"),
    ("lamina_thickness", "lamina thickness", "lamina_thickness", None),
    ("spinous_length", "spinous process length", "spinous_process_length", None),
    ("spinous_height", "spinous process height", "spinous_process_height", None),
    ("spinous_thickness", "spinous process thickness", "spinous_process_thickness", None),
    ("transverse_length", "transverse process length", "transverse_process_length", None),
    ("transverse_height", "transverse process height", "transverse_process_height", None),
    ("transverse_thickness", "transverse process thickness", "transverse_process_thickness", None),
    ("facet_thickness", "articular process (facet) thickness", "facet_thickness", None),
    ("facet_gap", "facet joint space", "facet_joint_gap", None),
    ("facet_angle", "facet joint angle to the sagittal plane", "facet_joint_angle", None),
    ("pedicle_flare", "pedicle flare (end section / isthmus)", "pedicle_flare", None),
    ("pedicle_top_offset", "pedicle top below the upper endplate", "pedicle_top_offset", None),
)


def _posterior(dims: list[Dimension], level: str) -> list[Dimension]:
    by_key = {d.key: d for d in dims}
    out = []
    extra = ((("sacral_lamina_height", "sacral lamina height (craniocaudal)",
               "sacral_lamina_height_to_body_height", "body_height_posterior"),)
             if level == "S1" else ())
    for key, label, name, base in _POSTERIOR_ASSUMPTIONS + extra:
        if base is None:
            out.append(_assumed(key, label, name))
        else:
            b = by_key[base]
            out.append(_assumed(key, label, name, b.value,
                                f"the {b.label} {b.value:.1f} {b.unit}", b.unit))
    return out


def _s1(series: str, spread_sd: float) -> list[Dimension]:
    """S1: no row in the tables; every size is the L5 mean times a documented ratio.

    The population spread does not move S1: its sizes are assumptions, not
    published means with a published spread.
    """
    del spread_sd
    l5 = {d.key: d for d in _lumbar("L5", series, 0.0)}
    ratio = assumption("s1_size_to_l5")
    out = []
    for key, d in l5.items():
        if key.startswith("inferior_facet"):
            continue  # S1 has no free inferior facets (it is fused into the sacrum)
        if key.startswith("superior_facet"):
            what = key.rsplit("_", 1)[1]
            src = l5[f"inferior_facet_{what}"]
            out.append(Dimension(key, f"superior facet {what}", src.value, "mm", "assumption",
                                 "data/assumptions.yaml: superior_facet_matches_partner"
                                 f" (x the L5 inferior facet, {src.source})", src.confidence,
                                 None, None, False,
                                 "no published S1 facet size: taken as the L5 inferior facet"))
            continue
        scale = 1.0 if d.unit == "deg" else ratio.value
        out.append(Dimension(key, d.label, d.value * scale, d.unit, "assumption",
                             f"data/assumptions.yaml: s1_size_to_l5 (x L5, {d.source})",
                             d.confidence, None, None, False,
                             f"no S1 figure in the tables: L5 value {d.value:.2f} {d.unit}"
                             + ("" if scale == 1.0 else f" x {scale:g}")))
    return out


@functools.lru_cache(maxsize=256)
def _level_dimensions(level: str, series: str, spread_sd: float, directory: str) -> LevelDimensions:
    if level in LUMBAR:
        dims = _lumbar(level, series, spread_sd)
    elif level == "S1":
        dims = _s1(series, spread_sd)
    else:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    dims += _disc_dims(level, spread_sd)
    dims += _posterior(dims, level)
    checked = []
    for d in dims:
        if d.unit == "mm" and not d.value > 0:
            floor = 0.25 * (d.published or d.value or 1.0)
            d = replace(d, value=max(floor, 0.5), note=(d.note + "; " if d.note else "")
                        + "clamped: the spread made it non-positive")
        checked.append(d)
    return LevelDimensions(level, series, float(spread_sd), tuple(checked))


def level_dimensions(level: str, series: str = PEDICLE_SERIES_DEFAULT,
                     spread_sd: float = 0.0) -> LevelDimensions:
    """Return every dimension of ``level`` for a pedicle-width series and a population spread.

    Parameters
    ----------
    level
        ``L1`` to ``L5`` or ``S1``.
    series
        Source key of a pedicle-width series covering L1-L5 (:func:`complete_pedicle_series`).
    spread_sd
        Standard deviations from the mean, applied to cited sizes whose source prints an SD.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    if series not in complete_pedicle_series():
        raise ValueError(f"series must be one of {', '.join(complete_pedicle_series())};"
                         f" got {series!r}")
    if not -3.0 <= float(spread_sd) <= 3.0:
        raise ValueError(f"spread_sd must be between -3 and 3; got {spread_sd!r}")
    return _level_dimensions(level, series, round(float(spread_sd), 3), str(data_dir()))
