"""The corridor model against hand computations."""

from __future__ import annotations

import pytest

from widgets.access.corridor import (
    compare_corridors,
    end_slope,
    incision_difference,
    open_corridor,
    open_wound,
    ratio_text,
    tube_diameters,
    tubular_corridor,
)
from widgets.access.tables import corridor_comparison_table, corridor_inputs_table
from widgets.core.assumptions import assumption


def test_tube_sizes_are_the_cited_ones():
    tubes = tube_diameters()
    assert [t.value for t in tubes] == [14.0, 16.0, 18.0]
    assert {t.source_key for t in tubes} == {"Kulkarni2019"}
    assert {t.confidence for t in tubes} == {"read-directly"}


def test_tubular_corridor_by_hand():
    c = tubular_corridor(16, 50)
    # pi * 8^2 = 201.06 mm^2; times 50 mm = 10053 mm^3 = 10.05 cm^3
    assert c.window_area_mm2 == pytest.approx(201.0619, abs=1e-3)
    assert c.volume_cm3 == pytest.approx(10.0531, abs=1e-3)
    assert c.incision_mm == 16


def test_open_corridor_by_hand():
    c = open_corridor(35.1, 40, 50)
    assert c.window_area_mm2 == pytest.approx(1404.0)
    assert c.volume_cm3 == pytest.approx(70.2)


def test_incision_difference_is_converted_from_cm():
    diff = incision_difference()
    assert diff.value == pytest.approx(19.1)
    assert diff.unit == "mm"


def test_the_open_wound_by_hand():
    # window 16 x 40 mm at the lamina; ends lean out 0.2 mm per mm; 50 mm deep
    c = open_wound(16, 40, 50, slope=0.2)
    assert c.incision_mm == pytest.approx(16 + 2 * 50 * 0.2)  # 36 mm at the skin
    assert c.window_area_mm2 == pytest.approx(640.0)
    # trapezoid along the spine, mean length (16 + 36) / 2 = 26 mm, times 40 mm wide and 50 mm deep
    assert c.volume_cm3 == pytest.approx(26 * 40 * 50 / 1000)
    with pytest.raises(ValueError, match="slope must be a finite number of at least 0"):
        open_wound(16, 40, 50, slope=-0.1)


def test_the_end_slope_spreads_the_cited_difference_over_the_reference_depth():
    ref = assumption("incision_difference_depth").value
    assert end_slope() == pytest.approx(19.1 / (2 * ref))


def test_at_the_reference_depth_the_open_incision_is_the_tube_plus_the_cited_difference():
    ref = assumption("incision_difference_depth").value
    tube, open_ = compare_corridors(14, ref, 40)
    assert open_.incision_mm == pytest.approx(14 + 19.1)
    assert open_.window_area_mm2 == pytest.approx(14 * 40)  # the same target length as the tube


def test_depth_matters_the_open_to_tube_ratio_strictly_grows_with_depth():
    """Issue 12, point 11: the open wound lengthens as it deepens, a tube's window does not."""
    depths = [20, 35, 50, 80, 120]
    ratios, incisions, windows = [], [], []
    for depth in depths:
        tube, open_ = compare_corridors(16, depth, 40)
        ratios.append(open_.volume_cm3 / tube.volume_cm3)
        incisions.append(open_.incision_mm)
        windows.append(tube.window_area_mm2)
        assert tube.incision_mm == 16  # the tube's opening does not change with depth
    assert all(a < b for a, b in zip(ratios, ratios[1:], strict=False)), ratios
    assert all(a < b for a, b in zip(incisions, incisions[1:], strict=False)), incisions
    assert len(set(windows)) == 1
    # the three depths of the issue no longer give one ratio (7.0 at 20, 50 and 120 mm before)
    assert len({round(r, 1) for r in (ratios[0], ratios[2], ratios[4])}) == 3


def test_inputs_and_summary_name_the_assumption_and_the_derived_slope():
    t = corridor_inputs_table(50, 40).set_index("input")
    assert t.loc["depth at which the cited incision difference is taken to apply", "basis"].startswith(
        "assumption")
    assert t.loc["slope of each end of the open wound", "basis"].startswith("derived")
    tube, open_ = compare_corridors(16, 50, 40)
    assert ratio_text(tube, open_).startswith("The open incision is 35.1 mm long against the 16 mm tube")


def test_compare_table_has_both_rows():
    t = corridor_comparison_table(18, 60, 30)
    assert list(t.index) == ["tubular", "open midline"]


@pytest.mark.parametrize("bad", [0, -3, float("inf"), float("nan")])
def test_bad_lengths_are_rejected(bad):
    with pytest.raises(ValueError, match="tube_diameter_mm must be a positive, finite length"):
        tubular_corridor(bad, 50)


def test_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="depth_mm must be a number in mm, got str"):
        tubular_corridor(16, "50")
