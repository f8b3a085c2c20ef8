"""Every number the anatomy lesson shows equals data/ (or says how it was derived)."""

from __future__ import annotations

import math

import pytest

from widgets.anatomy import LEVELS, LUMBAR, level_dimensions
from widgets.anatomy.kambin import instruments, kambin_triangle, published_cannula_limits
from widgets.anatomy.morphometry import (
    DISCS,
    PEDICLE_ANGLE_SERIES,
    complete_angle_series,
    complete_pedicle_series,
    pedicle_angle_rows,
    series_label,
)
from widgets.anatomy.spine import build_spine
from widgets.anatomy.tables import (
    LESSON_ASSUMPTIONS,
    assumptions_table,
    dimensions_table,
    disc_table,
    instrument_fit_table,
    kambin_table,
    pedicle_angle_table,
    pedicle_range_table,
    pedicle_width_table,
    plexus_table,
    transpsoas_findings,
)
from widgets.anatomy.transpsoas import cage_sizes, plexus_levels
from widgets.core.assumptions import assumption
from widgets.core.data import load_table
from widgets.lessons.registry import get_spec


def _row(table: str, **match):
    t = load_table(table)
    for k, v in match.items():
        t = t[t[k] == v]
    assert len(t) == 1, (table, match, len(t))
    return t.iloc[0]


@pytest.mark.parametrize("level", LUMBAR)
@pytest.mark.parametrize("series", ["Panjabi1992", "Zindrick1987", "Makino2012"])
def test_cited_dimensions_equal_their_rows(level, series):
    dims = level_dimensions(level, series)
    for d in dims.dims:
        if d.basis != "cited":
            continue
        if d.key.startswith("disc_height"):
            row = _row("disc_height", level=f"{level}-{LEVELS[LEVELS.index(level) + 1]}",
                       source_key=d.source, subgroup="all")
        elif d.key.startswith("lordosis"):
            row = _row("lordosis_segmental", segment=f"{level}-{LEVELS[LEVELS.index(level) + 1]}",
                       source_key=d.source, subgroup="all (n=324)")
        else:
            measure = {"body_width": "endplate_width_upper",
                       "body_height_posterior": "vertebral_body_height_posterior",
                       "body_height_anterior": "vertebral_body_height_anterior",
                       "body_depth": "vertebral_body_superior_length_AP",
                       "pedicle_width_left": "pedicle_width_transverse",
                       "pedicle_width_right": "pedicle_width_transverse",
                       "pedicle_height": "pedicle_height",
                       "pedicle_transverse_angle": "pedicle_transverse_angle",
                       "canal_width": "spinal_canal_width", "canal_depth": "spinal_canal_depth",
                       "inferior_facet_width": "inferior_facet_width",
                       "inferior_facet_height": "inferior_facet_height"}[d.key]
            t = load_table("lumbar_morphometry")
            t = t[(t["level"] == level) & (t["measure"] == measure) & (t["source_key"] == d.source)]
            side = d.key.rsplit("_", 1)[-1]
            if side in ("left", "right") and side in set(t["subgroup"]):
                t = t[t["subgroup"] == side]
            elif "all" in set(t["subgroup"]):
                t = t[t["subgroup"] == "all"]
            row = t.iloc[0]
        assert d.value == row["value"], (level, d.key)
        assert d.confidence == row["confidence"]


def test_the_table_a_student_reads_shows_the_data_value_and_its_confidence():
    t = dimensions_table("L1")
    row = t.loc["pedicle width, left (narrowest, transverse)"]
    assert row["value"] == 9.2 and row["source"] == "Panjabi1992"
    assert row["confidence"] == "secondary-source"
    assert t.loc["vertebral body depth (AP, upper endplate)", "basis"] == "assumption"


def test_interpolations_are_labelled_as_such():
    d = level_dimensions("L3")
    for key in ("pedicle_height",):
        assert d[key].basis == "interpolated"
        assert "interpolation" in d[key].note and "not a published figure" in d[key].note
    # L2 pedicle height: a third of the way from L1 (15.9) to L4 (13.3)
    assert level_dimensions("L2").v("pedicle_height") == pytest.approx(15.9 + (13.3 - 15.9) / 3)
    assert level_dimensions("L4")["pedicle_height"].basis == "cited"
    assert level_dimensions("L5")["pedicle_height"].source == "CookBaker2021"
    assert level_dimensions("L1")["pedicle_sagittal_angle"].basis == "derived"


def test_s1_is_all_assumption_and_says_so():
    d = level_dimensions("S1")
    assert {x.basis for x in d.dims} == {"assumption"}
    assert d.v("pedicle_width_left") == level_dimensions("L5").v("pedicle_width_left")
    assert all("assumptions.yaml" in x.source for x in d.dims)


def test_assumptions_exist_are_in_range_and_are_shown():
    for name in LESSON_ASSUMPTIONS:
        a = assumption(name)
        assert a.minimum <= a.value <= a.maximum, name
        assert len(a.rationale) > 40
    assert len(assumptions_table()) == len(LESSON_ASSUMPTIONS)


def test_pedicle_series_and_disagreement_come_from_the_table():
    rows = load_table("lumbar_morphometry")
    rows = rows[rows["measure"] == "pedicle_width_transverse"]
    wide = pedicle_width_table()
    assert len(wide) == rows["source_key"].nunique()
    assert wide.loc["Zindrick 1987", "L5"] == "18 (4.1)"
    assert wide.loc["Panjabi 1992", "L1"] == "L 9.2 / R 8"
    rng = pedicle_range_table()
    l5 = rows[(rows["level"] == "L5") & rows["subgroup"].isin(["all", "left", "right"])]
    assert rng.loc["L5", "largest (mm)"] == l5["value"].max() == 21.6
    assert rng.loc["L5", "smallest (mm)"] == l5["value"].min()
    assert rng.loc["L5", "range (mm)"] == pytest.approx(l5["value"].max() - l5["value"].min())
    assert "mean" not in " ".join(rng.columns).lower()


def test_parameter_spec_lists_exactly_the_complete_series():
    spec = get_spec("01-spinal-anatomy")
    by = {p.name: p for p in spec.params}
    assert tuple(by["series"].choices) == complete_pedicle_series()
    assert tuple(by["level"].choices) == LEVELS
    assert tuple(by["segment"].choices) == DISCS


def test_series_labels():
    assert series_label("Panjabi1992") == "Panjabi 1992"
    assert series_label("MoncadaHabib2025") == "Moncada Habib 2025"


def test_kambin_sides_and_circle():
    k = kambin_triangle("L1-L2")
    assert (k.base.value, k.height.value, k.hypotenuse.value) == (12.15, 11.29, 16.69)
    assert k.basis == "cited"
    s = (12.15 + 11.29 + 16.69) / 2
    area = math.sqrt(s * (s - 12.15) * (s - 11.29) * (s - 16.69))
    assert k.area == pytest.approx(area)
    assert k.incircle_diameter == pytest.approx(2 * area / s)
    mid = kambin_triangle("L3-L4")
    assert mid.basis == "interpolated"
    assert mid.base.value == pytest.approx((12.15 + 17.94) / 2)
    assert "not a published figure" in mid.base.note
    table = kambin_table()
    assert "interpolated" in table.loc["L2-L3", "sides"]


def test_kambin_published_limits_and_instruments():
    lims = {x["figure"]: x["diameter (mm)"] for x in published_cannula_limits("L5-S1")}
    assert lims["largest cannula, bony triangle (MRI)"] == 6.11
    assert lims["largest cannula, neural triangle (MRI)"] == 9.7
    tools = {t.name: t.diameter for t in instruments()}
    assert tools["full-endoscope (Ruetten) (outer diameter)"] == 7.0  # printed "7 / 4"
    assert tools["tubular retractor 14 mm"] == 14.0
    fit = instrument_fit_table("L1-L2")
    col = [c for c in fit.columns if c.startswith("fits the model")][0]
    assert fit.loc["tubular retractor 14 mm", col] == "no"


def test_transpsoas_ratios_and_cages():
    levels = plexus_levels(build_spine())
    assert [p.ratio for p in levels] == [0.0, 0.11, 0.18, 0.28]
    for p in levels:
        assert p.margin_mm + p.safe_mm + p.front_mm == pytest.approx(p.disc_length)
    assert [c[0] for c in cage_sizes()] == [18.0, 22.0]
    t = plexus_table()
    assert list(t.index) == ["L1-L2", "L2-L3", "L3-L4", "L4-L5"]
    assert len(transpsoas_findings()) == len(load_table("transpsoas_safe_zones"))


def test_disc_table_quotes_the_cited_heights():
    t = disc_table()
    assert t.loc["L4-L5", "height at mid-depth (mm)"] == 9.31
    assert t.loc["L5-S1", "segmental lordosis (deg)"] == 21.6
    assert (t["held at the minimum"] == "no").all()


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="level must be one of"):
        level_dimensions("L6")
    with pytest.raises(ValueError, match="series must be one of"):
        level_dimensions("L4", "Nobody2000")
    with pytest.raises(ValueError, match="spread_sd must be between"):
        level_dimensions("L4", spread_sd=5)
    with pytest.raises(ValueError, match="segment must be one of"):
        kambin_triangle("L5-L6")


def test_transverse_angle_is_the_per_level_series_never_a_straight_line():
    # A per-level series exists, so the model (and everything built on it: the 3-D vertebra, the
    # screw presets, the C-arm) reads each level's published angle; none is interpolated.
    from widgets.anatomy import build_vertebra
    from widgets.imaging.screws import preset

    assert complete_angle_series()[0] == PEDICLE_ANGLE_SERIES[0] == "Cheung1994"
    rows = pedicle_angle_rows()
    series = rows[rows.source_key == "Cheung1994"].set_index("level")["value"]
    model = [level_dimensions(lv)["pedicle_transverse_angle"] for lv in LUMBAR]
    assert [d.basis for d in model] == ["cited"] * 5
    assert [d.value for d in model] == [series[lv] for lv in LUMBAR] == [16, 16, 19, 23, 29]
    assert [preset(lv)[0] for lv in LUMBAR] == [d.value for d in model]
    for lv, d in zip(LUMBAR, model, strict=True):
        ax = build_vertebra(lv).pedicles["left"].axis  # medial angle of the drawn pedicle axis
        assert math.degrees(math.atan2(-ax[0], ax[1])) == pytest.approx(d.value, abs=1e-6)
    # not a straight line: the values differ from the line through the end levels
    lo, hi = model[0].value, model[-1].value
    line = [lo + (hi - lo) * i / 4 for i in range(5)]
    assert max(abs(d.value - y) for d, y in zip(model, line, strict=True)) > 2.0


def test_angle_table_shows_every_published_angle_side_by_side():
    t = pedicle_angle_table().set_index("level")
    rows = pedicle_angle_rows()
    for r in rows.to_dict("records"):
        col = next(c for c in t.columns if c.startswith(series_label(r["source_key"]) + " ("))
        assert t.loc[r["level"], col] == f"{r['value']:g}"
    # series with end levels only leave the middle levels empty (nothing interpolated or averaged)
    sel = next(c for c in t.columns if c.startswith("Lumbar Screw Sel 2019"))
    assert list(t[sel]) == ["20", "", "", "", "32"]
    assert t.loc["L5", "spread across series (°)"] == "11.3"
    assert set(t["the model uses"]) == {"Cheung 1994"}
    from widgets.anatomy.tables import lesson_references

    assert set(rows["source_key"]) <= set(lesson_references())
