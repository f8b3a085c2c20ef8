"""The corridor model against hand computations."""

from __future__ import annotations

import math

import pytest

from widgets.corridor import (
    compare_corridors,
    compare_table,
    incision_difference,
    open_corridor,
    tube_diameters,
    tubular_corridor,
)


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


def test_compare_uses_the_cited_difference():
    tube, open_ = compare_corridors(14, 50, 40)
    assert open_.incision_mm == pytest.approx(14 + 19.1)
    assert open_.volume_cm3 / tube.volume_cm3 == pytest.approx(33.1 * 40 * 50 / (math.pi * 49 * 50))


def test_compare_table_has_both_rows():
    t = compare_table(18, 60, 30)
    assert list(t.index) == ["tubular", "open midline"]


@pytest.mark.parametrize("bad", [0, -3, float("inf"), float("nan")])
def test_bad_lengths_are_rejected(bad):
    with pytest.raises(ValueError, match="tube_diameter_mm must be a positive, finite length"):
        tubular_corridor(bad, 50)


def test_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="depth_mm must be a number in mm, got str"):
        tubular_corridor(16, "50")
