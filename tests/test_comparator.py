"""The open vs MISS comparator (lesson 06) against hand computations and the data tables."""

from __future__ import annotations

import math

import pytest

from widgets.access.comparator import (
    LEVELS,
    PROCEDURES,
    Approach,
    Comparison,
    Incision,
    compare,
    outer_pedicle_span,
    segment_span,
    sources,
    tube_options,
)
from widgets.access.tables import comparison_inputs_table, comparison_table
from widgets.core.assumptions import assumption
from widgets.core.data import load_table
from widgets.lessons.registry import get_spec


def _morph(level, measure, subgroup="all", source="Panjabi1992"):
    t = load_table("lumbar_morphometry")
    row = t[(t.level == level) & (t.measure == measure) & (t.source_key == source)
            & (t.subgroup == subgroup)]
    return float(row["value"].iloc[0])


def test_the_new_assumptions_are_documented_and_in_range():
    for name in ("open_incision_margin", "open_fusion_lateral_margin", "percutaneous_screw_incision",
                 "mis_tlif_screw_incisions"):
        a = assumption(name)
        assert a.minimum <= a.value <= a.maximum
        assert "no" in a.rationale.lower() and len(a.rationale) > 80


def test_tube_options_are_the_cited_sizes_plus_the_range_end():
    tubes = tube_options()
    assert [t.value for t in tubes] == [14.0, 16.0, 18.0, 26.0]
    assert [t.source_key for t in tubes] == ["Kulkarni2019"] * 3 + ["Orthovellum"]
    assert tubes[-1].confidence == "secondary-source"
    instruments = load_table("instruments")
    assert 26.0 == float(instruments[instruments.parameter == "diameter range"]["value_high"].iloc[0])


def test_segment_span_by_hand():
    # Bonczar L4 posterior body height 25.76 mm (the suite's one body-height source, as in
    # lesson 01) + Shin L4-L5 disc height 9.31 mm = 35.07 mm
    span = segment_span("L4-L5")
    assert span.value == pytest.approx(35.07)
    assert span.source_keys == ("Bonczar2024", "Shin2024")
    assert span.confidence == "secondary-source"
    # at L5-S1 the upper vertebra is L5: 24.11 + 8.14 = 32.25 mm
    assert segment_span("L5-S1").value == pytest.approx(32.25)


def test_outer_pedicle_span_by_hand():
    # Panjabi L4 canal width 25.4 + left pedicle 14.7 + right pedicle 13.4 = 53.5 mm
    assert outer_pedicle_span("L4-L5").value == pytest.approx(53.5)
    expected = (_morph("L1", "spinal_canal_width") + _morph("L1", "pedicle_width_transverse", "left")
                + _morph("L1", "pedicle_width_transverse", "right"))
    assert outer_pedicle_span("L1-L2").value == pytest.approx(expected)


def test_tlif_by_hand():
    c = compare("tlif", "L4-L5", 18, 50.0)
    # open: incision 35.07 + 2 x 20 = 75.07 mm; width 53.5 + 2 x 15 = 83.5 mm
    # window 75.07 x 83.5 = 6268.345 mm^2; volume x 50 mm = 313.41725 cm^3
    assert c.open.incision_total_mm == pytest.approx(75.07)
    assert c.open.window_area_mm2 == pytest.approx(6268.345)
    assert c.open.volume_cm3 == pytest.approx(313.41725)
    # MISS: tube window pi x 9^2 = 254.469 mm^2, volume 12.7235 cm^3;
    # four tracks of 15 mm: 4 x pi x 7.5^2 x 50 / 1000 = 35.3429 cm^3; total 48.0664 cm^3
    assert c.miss.window_area_mm2 == pytest.approx(math.pi * 81)
    assert c.miss.volume_cm3 == pytest.approx(48.0664, abs=1e-3)
    # incisions: 18 + 4 x 15 = 78 mm in 5 incisions
    assert c.miss.incision_total_mm == pytest.approx(78.0)
    assert c.miss.incision_count == 5
    assert c.window_ratio == pytest.approx(6268.345 / (math.pi * 81))
    assert "about the same length" in c.summary()  # 78 mm in 5 vs 75.07 mm in one


def test_discectomy_reuses_the_lesson_00_model_and_ignores_level():
    # lesson 00's open wound at 50 mm: skin incision 16 + 19.1 = 35.1 mm, window 16 x 40 = 640 mm^2 at
    # the lamina, and 40 x 50 x (16 + 35.1) / 2 = 51.1 cm^3 between them (its ends slope out with depth)
    a = compare("discectomy", "L1-L2", 16, 50.0)
    b = compare("discectomy", "L5-S1", 16, 50.0)
    assert a.open.incision_total_mm == pytest.approx(35.1)
    assert a.open.window_area_mm2 == pytest.approx(640.0)
    assert a.open.volume_cm3 == pytest.approx(51.1)
    assert (a.miss, a.open) == (b.miss, b.open)
    assert "2.2 times" in a.summary()  # 35.1 / 16 = 2.19


def test_decompression_by_hand():
    # L5-S1: span 24.11 + 8.14 = 32.25; incision 72.25 mm; width 40 mm; depth 40 mm
    c = compare("decompression", "L5-S1", 14, 40.0)
    assert c.open.incision_total_mm == pytest.approx(72.25)
    assert c.open.window_area_mm2 == pytest.approx(2890.0)
    assert c.open.volume_cm3 == pytest.approx(115.6)
    # tube: pi x 7^2 = 153.938 mm^2; x 40 mm = 6.1575 cm^3
    assert c.miss.volume_cm3 == pytest.approx(math.pi * 49 * 40 / 1000)
    assert "both sides" in c.open.muscle and "one side" in c.miss.muscle


def test_summary_when_the_incisions_are_about_equal():
    miss = Approach("m", (Incision("tube", 50.0), Incision("stab", 10.0, 2)), 100.0, 10.0, "split")
    open_ = Approach("o", (Incision("midline", 71.0),), 1000.0, 50.0, "stripped")
    c = Comparison("tlif", "L4-L5", 18.0, 50.0, miss, open_)
    assert c.summary().startswith(
        "The skin incisions add up to about the same length (70 mm in 3 vs 71 mm in one)")
    assert "10.0 times the working window" in c.summary() and "5.0 times the tissue" in c.summary()


def test_every_procedure_and_level_runs_and_tables_match_the_model():
    for procedure in PROCEDURES:
        for level in LEVELS:
            c = compare(procedure, level, 16, 60.0)
            table = comparison_table(procedure, level, 16, 60.0)
            assert list(table.index) == [c.miss.name, c.open.name]
            assert table.loc[c.open.name, "tissue corridor (cm³)"] == round(c.open.volume_cm3, 1)
            assert c.open.volume_cm3 > c.miss.volume_cm3


def test_inputs_table_shows_the_cited_numbers_and_labels_each_basis():
    t = comparison_inputs_table("tlif", "L4-L5", 26, 50.0)
    by_input = t.set_index("input")
    body = _morph("L4", "vertebral_body_height_posterior", source="Bonczar2024")
    assert by_input.loc["L4 posterior body height", "value"] == f"{body:g}"
    assert by_input.loc["L4 canal width", "basis"] == "cited, secondary-source"
    assert by_input.loc["tube diameter (upper end of a published range)", "source"] == "Orthovellum"
    assert by_input.loc["motion segment span", "value"] == "35.07"
    assert by_input.loc["separate stab incisions for the 4 screws", "basis"] == "assumption (no cited figure)"
    assert set(t["basis"].str.split(" ").str[0]) == {"cited,", "derived", "assumption"}
    disc = comparison_inputs_table("discectomy", "L4-L5", 16, 50.0).set_index("input")
    assert disc.loc["extra incision length, standard vs minimally invasive discectomy", "value"] == "19.1"


def test_sources_resolve():
    from widgets.core.data import references

    keys = sources()
    assert set(keys) == {"Kulkarni2019", "Orthovellum", "MIDvsSD_meta_PMC4037525", "Panjabi1992", "Shin2024",
                         "Bonczar2024"}
    assert all(k in references() for k in keys)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("fusion", "L4-L5", 18, 50.0), ValueError,
         "procedure must be one of discectomy, decompression, tlif"),
        ((3, "L4-L5", 18, 50.0), TypeError, "procedure must be a string"),
        (("tlif", "L4", 18, 50.0), ValueError, "level must be one of L1-L2"),
        (("tlif", "L4-L5", 15, 50.0), ValueError,
         "tube_diameter_mm must be one of the cited sizes 14, 16, 18, 26"),
        (("tlif", "L4-L5", 18, "50"), TypeError, "depth_mm must be a number in mm, got str"),
        (("tlif", "L4-L5", 18, 0.0), ValueError, "depth_mm must be a positive, finite length"),
        (("tlif", "L4-L5", True, 50.0), TypeError, "tube_diameter_mm must be a number"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(args, error, message):
    with pytest.raises(error, match=message):
        compare(*args)


def test_lesson_parameters_match_the_model():
    spec = get_spec("06-around-surgery")
    by_name = {p.name: p for p in spec.params}
    assert tuple(by_name["procedure"].choices) == PROCEDURES
    assert tuple(by_name["level"].choices) == LEVELS
    assert list(by_name["tube_diameter_mm"].choices) == [int(t.value) for t in tube_options()]
    depth = assumption("skin_to_lamina_depth")
    assert (by_name["depth_mm"].minimum, by_name["depth_mm"].maximum) == (depth.minimum, depth.maximum)
    defaults = spec.defaults()
    compare(defaults["procedure"], defaults["level"], defaults["tube_diameter_mm"], defaults["depth_mm"])
