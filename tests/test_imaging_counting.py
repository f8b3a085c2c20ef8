"""Counting levels: each landmark's names, the transitional cases, the trap, the volume."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.imaging import counting


def test_on_a_typical_spine_every_count_agrees():
    labels = {m: counting.disc_labels("typical", m) for m in counting.METHODS}
    assert labels["from-ribs"] == labels["from-sacrum"] == labels["from-C2"]
    assert labels["from-C2"][-2:] == ("L4-L5", "L5-S1")


def test_a_sacralised_l5_makes_the_sacrum_count_one_level_high():
    c2 = counting.disc_labels("sacralised-L5", "from-C2")
    sac = counting.disc_labels("sacralised-L5", "from-sacrum")
    assert c2[-1] == "L4-L5" and sac[-1] == "L5-S1"  # the lowest mobile disc
    # the disc the sacrum count calls L4-L5 is the real L3-L4
    assert c2[counting.disc_index("sacralised-L5", "from-sacrum", "L4-L5")] == "L3-L4"
    assert counting.disc_labels("sacralised-L5", "from-ribs") == c2


def test_a_lumbarised_s1_makes_the_sacrum_count_one_level_low():
    c2 = counting.disc_labels("lumbarised-S1", "from-C2")
    assert c2[-1] == "S1-S2" and len(c2) == 9
    assert c2[counting.disc_index("lumbarised-S1", "from-sacrum", "L5-S1")] == "S1-S2"
    assert counting.disc_labels("lumbarised-S1", "from-ribs")[-1] == "L6-S1"


def test_short_twelfth_ribs_make_the_rib_count_one_level_high():
    c2 = counting.disc_labels("short-T12-ribs", "from-C2")
    assert counting.disc_labels("short-T12-ribs", "from-sacrum") == c2
    assert c2[counting.disc_index("short-T12-ribs", "from-ribs", "L4-L5")] == "L3-L4"


@pytest.mark.parametrize(
    "case_id, answer_label, trap_label, trap_method",
    [
        ("typical", "L4-L5", None, None),
        ("sacralised", "L4-L5", "L3-L4", "from-sacrum"),
        ("lumbarised", "L5-S1", "S1-S2", "from-sacrum"),
        ("short-ribs", "L4-L5", "L3-L4", "from-ribs"),
        ("sacralised-mri-sacrum", "L3-L4", "L4-L5", "from-ribs"),
    ],
)
def test_each_case_has_the_right_answer_and_the_right_trap(case_id, answer_label, trap_label, trap_method):
    c = counting.case(case_id)
    ref = counting.disc_labels(c.variant, "from-C2")
    assert ref[c.answer] == answer_label
    assert (ref[c.trap] if c.trap is not None else None) == trap_label
    assert c.trap_method == trap_method


def test_choosing_the_trap_is_named_as_the_trap():
    c = counting.case("lumbarised")
    v = counting.check("lumbarised", c.trap)
    assert not v.correct and v.fell_in_trap and v.levels_off == 1
    assert "The trap" in v.explanation and "sacrum" in v.explanation
    right = counting.check("lumbarised", c.answer)
    assert right.correct and not right.fell_in_trap and "Right" in right.explanation
    other = counting.check("lumbarised", 0)
    assert not other.correct and not other.fell_in_trap and "above" in other.explanation


def test_bad_choices_are_refused_in_one_line():
    with pytest.raises(ValueError, match="chosen must be a disc position from 0 to 6"):
        counting.check("sacralised", 7)
    with pytest.raises(ValueError, match="case must be one of"):
        counting.case("nope")
    with pytest.raises(ValueError, match="names no disc 'L6-S1'"):
        counting.disc_index("typical", "from-sacrum", "L6-S1")


def test_every_case_stem_is_a_vignette_with_a_question():
    for c in counting.CASES:
        assert c.stem.startswith("A ") and "-year-old" in c.stem and c.stem.endswith("?")


@pytest.mark.parametrize("variant", counting.VARIANTS)
def test_the_grid_has_one_bony_body_per_vertebra_and_its_discs(variant):
    grid = counting.column_grid(variant)
    col = counting.column(variant)
    z = grid.centres(2)
    ix, iy = grid.rank.shape[0] // 2, int((17.0 - grid.origin_mm[1]) / grid.spacing_mm)
    profile = grid.rank[ix, iy, :]
    bone = profile >= 2
    runs = np.flatnonzero(np.diff(bone.astype(int)) == 1)  # starts of bony runs, bottom up
    above_sacrum = runs[z[runs] > 0]
    assert len(above_sacrum) == len(col.names) - (0 if all(col.mobile) else 1)  # a fused L5 joins the sacrum
    for zc in counting.disc_positions(variant):
        assert profile[int((zc - grid.origin_mm[2]) / grid.spacing_mm)] == 1  # disc


def test_short_ribs_are_short_in_the_grid():
    far = {}
    for v in ("typical", "short-T12-ribs"):
        g = counting.column_grid(v)
        far[v] = (g.rank[int((100 - g.origin_mm[0]) / g.spacing_mm)] == 3).sum()  # 100 mm left of midline
    assert far["typical"] > far["short-T12-ribs"] > 0  # T10 and T11 ribs still reach there


def test_cited_rows_show_that_sources_differ():
    prev = [r["prevalence (%)"] for r in counting.prevalence_rows() if r["measure"].startswith("any")]
    assert min(prev) == 15.8 and max(prev) == 35.6
    wl = counting.wrong_level_rows()
    assert any(r["value"] == "1 in 3110 procedures" for r in wl)
    assert any("per 10000" in r["value"] for r in wl)


def test_the_lesson_parameters_list_the_models_choices():
    from widgets.core.catalog import lesson
    from widgets.core.levels import LUMBAR

    params = {p.name: p for p in lesson("12-fluoroscopy-drills").params}
    assert params["case"].choices == tuple(c.id for c in counting.CASES)
    assert params["level"].choices == LUMBAR
