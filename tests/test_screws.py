"""Pedicle screw planner: hand-computed clearance, breach and grades."""

import pytest

from widgets.data import load_table
from widgets.screws import (
    MODIFIED,
    ORIGINAL,
    evaluate,
    grade,
    grade_scale,
    preset,
    recommended_diameter,
    vertebra,
)


@pytest.mark.parametrize("level", ["L1", "L3", "L4", "L5"])
def test_screw_on_axis_is_grade_a(level):
    m, s, _, _ = preset(level)
    r = evaluate(level, "left", m, s, 5.0, 35.0)
    assert r.breach_depth_mm == 0 and r.grade_modified == "A" and r.grade_original == "0"


@pytest.mark.parametrize("level", ["L1", "L2", "L3"])
def test_medial_shift_hand_computed(level):
    # A screw parallel to the axis, shifted medially by delta, has its centre at (u, v) = (-delta, 0)
    # in the isthmus section. For these levels height > width, so the nearest cortex is the medial
    # wall at u = -w/2: clearance = w/2 - delta - D/2; breach depth = D/2 + delta - w/2.
    ax = vertebra(level).pedicles["left"]
    assert ax.height > ax.width
    m, s, _, _ = preset(level)
    D, delta = 6.0, 3.5
    r = evaluate(level, "left", m, s, D, 35.0, entry_medial_mm=delta)
    expected = D / 2 + delta - ax.width / 2
    assert r.breach_depth_mm == pytest.approx(expected, abs=1e-6)
    assert r.direction == "medial"
    assert r.grade_modified == grade(expected)


def test_l1_hand_numbers():
    # L1 left: width 9.2 mm (Panjabi1992) -> w/2 = 4.6; D = 6, delta = 3.5: 3 + 3.5 - 4.6 = 1.9 mm -> B / 1
    assert vertebra("L1").pedicles["left"].width == pytest.approx(9.2)
    m, s, _, _ = preset("L1")
    r = evaluate("L1", "left", m, s, 6.0, 35.0, entry_medial_mm=3.5)
    assert r.breach_depth_mm == pytest.approx(1.9)
    assert (r.grade_original, r.grade_modified) == ("1", "B")
    r = evaluate("L1", "left", m, s, 6.0, 35.0, entry_medial_mm=5.6)  # 3 + 5.6 - 4.6 = 4.0 -> D / 3
    assert r.breach_depth_mm == pytest.approx(4.0)
    assert (r.grade_original, r.grade_modified) == ("3", "D")


def test_lateral_and_superior_directions():
    m, s, _, _ = preset("L2")
    assert evaluate("L2", "left", m, s, 6.0, 35.0, entry_medial_mm=-4).direction == "lateral"
    assert evaluate("L2", "right", m, s, 6.0, 35.0, entry_medial_mm=4).direction == "medial"
    assert evaluate("L2", "left", m, s, 6.0, 35.0, entry_cranial_mm=9).direction == "superior"


def test_angle_change_changes_grade():
    m, s, _, _ = preset("L3")
    a = evaluate("L3", "left", m, s, 6.0, 40.0)
    b = evaluate("L3", "left", m + 20, s, 6.0, 40.0)
    assert a.grade_modified == "A" and b.grade_modified != "A"


def test_long_screw_breaches_anteriorly():
    m, s, _, _ = preset("L3")
    assert evaluate("L3", "left", m, s, 5.0, 75.0).direction == "anterior"


def test_grade_boundaries_half_open():
    assert [grade(x) for x in (0.0, 0.01, 1.99, 2.0, 3.99, 4.0, 5.99, 6.0, 9.0)] == list("ABBCCDDEE")
    assert [grade(x, ORIGINAL) for x in (0.0, 0.5, 2.0, 3.99, 4.0)] == ["0", "1", "2", "2", "3"]


def test_scales_read_from_data():
    t = load_table("gertzbein_robbins_grading")
    grades, cuts, key = grade_scale(MODIFIED)
    assert grades == tuple(t[t.scale.str.startswith(MODIFIED)].grade) and cuts == (2.0, 4.0, 6.0)
    assert grade_scale(ORIGINAL)[1] == (2.0, 4.0) and grade_scale(ORIGINAL)[2] == "Gertzbein1990"


def test_diameter_rule():
    # 0.8 x L4 left width 14.7 (Panjabi1992) = 11.76
    assert recommended_diameter("L4") == pytest.approx(11.76)


def test_errors():
    with pytest.raises(ValueError):
        evaluate("L9", "left", 10, 10, 6, 40)
    with pytest.raises(ValueError):
        evaluate("L3", "middle", 10, 10, 6, 40)
    with pytest.raises(TypeError):
        evaluate("L3", "left", "10", 10, 6, 40)
    with pytest.raises(ValueError):
        evaluate("L3", "left", 10, 10, 6, 500)
    with pytest.raises(ValueError):
        grade(-1.0)
    with pytest.raises(ValueError):
        grade(1.0, "nonsense")
