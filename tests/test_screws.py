"""Pedicle screw planner: hand-computed clearance, breach and grades."""

import csv
import re

import pytest

from widgets.anatomy import LUMBAR
from widgets.core.data import data_dir, load_table, references
from widgets.imaging.screws import (
    MODIFIED,
    ORIGINAL,
    choose_diameter,
    deformation_ceiling,
    deformation_rule,
    evaluate,
    grade,
    grade_scale,
    narrowest_width,
    preset,
    screw_sizes,
    vertebra,
)
from widgets.imaging.tables import preset_table, screw_choice_table


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


def test_ceiling_and_sizes_are_read_from_their_sources():
    # Spine 1989 cadaver study: deformation once the thread is within 80% of the outer cortical diameter
    assert deformation_rule() == (pytest.approx(0.8), "Spine1989_pedicle80")
    # Bernard 1992: commonly used screws 5 to 7 mm; sizes between them in the assumed 0.5 mm step
    assert screw_sizes() == ((5.0, 5.5, 6.0, 6.5, 7.0), "Bernard1992")


def test_the_80_percent_figure_is_a_ceiling_not_the_screw():
    # L4 left 14.7 mm (Panjabi): 80% is 11.76 mm, far above any lumbar screw; the choice is 7 mm
    c = choose_diameter(outer_mm=14.7)
    assert c.ceiling_mm == pytest.approx(11.76)
    assert c.diameter_mm == 7.0 and c.value == 7.0
    # the narrow upper lumbar pedicles: L1 right 8.0 -> ceiling 6.4 -> 6.0; L2 right 7.8 -> 6.24 -> 6.0
    assert narrowest_width("L1") == (pytest.approx(8.0), "right")
    assert choose_diameter(outer_mm=8.0).diameter_mm == 6.0
    assert choose_diameter(outer_mm=7.8).diameter_mm == 6.0


def test_endosteal_width_is_itself_the_ceiling():
    # the thread must not exceed the cancellous canal: Makino's L1 5.46 mm -> 5.0; L2 5.76 -> 5.5
    assert deformation_ceiling(endosteal_mm=5.46) == pytest.approx(5.46)
    assert choose_diameter(endosteal_mm=5.46).diameter_mm == 5.0
    assert choose_diameter(endosteal_mm=5.76).diameter_mm == 5.5
    # with both widths the smaller ceiling decides
    assert deformation_ceiling(outer_mm=14.7, endosteal_mm=9.01) == pytest.approx(9.01)


def test_the_choice_is_the_largest_common_size_under_the_ceiling():
    sizes, _ = screw_sizes()
    for w in (5.9, 6.3, 6.9, 7.5, 8.1, 8.8, 9.4, 10.0, 20.0):
        c = choose_diameter(outer_mm=w)
        under = [d for d in sizes if d <= 0.8 * w + 1e-9]
        assert c.diameter_mm == (max(under) if under else None), w
    none = choose_diameter(outer_mm=5.0)  # ceiling 4.0 mm: below the smallest common screw
    assert none.diameter_mm is None and "smaller screw" in none.reason
    with pytest.raises(ValueError, match="no commonly used screw fits"):
        _ = none.value


def test_tables_never_offer_the_ceiling_as_the_screw():
    table = screw_choice_table()
    for lv, row in zip(LUMBAR, table.to_dict("records"), strict=True):
        width, _ = narrowest_width(lv)
        assert row["screw from outer width (mm)"] == f"{choose_diameter(outer_mm=width).diameter_mm:.1f}"
        chosen = float(row["screw from outer width (mm)"])
        assert chosen <= row["ceiling: 80% of outer width (mm)"] + 0.05 and chosen <= 7.0
    assert not any("80%" in c for c in preset_table().columns)


def test_presets_say_when_angle_and_width_come_from_two_sources():
    t = preset_table()
    for row in t.to_dict("records"):
        assert row["angle and width come from"] == "two sources: angle Cheung 1994, width Panjabi 1992"
        assert "Cheung 1994" in row["medial angle source"] and "Panjabi 1992" in row["width source"]


def test_diameter_errors():
    with pytest.raises(ValueError, match="give outer_mm"):
        choose_diameter()
    with pytest.raises(TypeError, match="outer_mm must be a finite number"):
        choose_diameter(outer_mm="8")
    with pytest.raises(ValueError, match="endosteal_mm must be from 1 to 40"):
        deformation_ceiling(endosteal_mm=0.0)
    with pytest.raises(TypeError):
        choose_diameter(8.0)  # keyword-only


def test_quotes_state_their_values():
    path = data_dir() / "quotes.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and set(rows[0]) == {"table", "source_key", "value", "quote"}
    # (each quote containing its value is checked for every table in tests/test_citations.py)
    # every number this lesson's screw choice and angle series rest on has its sentence
    have = {(r["source_key"], r["value"]) for r in rows}
    t = load_table("lumbar_morphometry")
    for src in ("Cheung1994", "Coscia2022"):
        for v in t[(t.source_key == src) & (t.measure == "pedicle_transverse_angle")]["value"]:
            assert (src, f"{v:g}") in have, (src, v)
    assert {("Bernard1992", "5"), ("Bernard1992", "7"), ("Spine1989_pedicle80", "80")} <= have
    for key in ("Cheung1994", "Coscia2022", "Bernard1992", "Spine1989_pedicle80"):
        assert re.match(r"https?://", references()[key].get("URL", "")), key


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


def test_planner_reports_the_ceiling_of_the_pedicle_being_planned():
    from widgets.imaging.view import ScrewPlanner

    p = ScrewPlanner("L1", "right", 7.0, 40.0)  # right L1: 8.0 mm outer width, ceiling 6.4 mm
    assert "= 6.4 mm (a limit, not a target)" in p.result.value
    assert "largest common size under it 6 mm" in p.result.value
    assert "Your 7 mm screw is above the ceiling" in p.result.value
    p.diameter.value = 6.0
    assert "Your 6 mm screw is under the ceiling" in p.result.value


def test_the_diameter_item_is_keyed_to_the_choice_not_the_ceiling():
    from widgets.quiz.items import load_bank

    bank = load_bank(data_dir() / "questions" / "04-imaging-navigation-radiation.yaml")
    item = next(i for i in bank.items if i.id == "img-diameter-rule")
    width = float(load_table("lumbar_morphometry").query(
        "level == 'L2' and measure == 'pedicle_width_transverse' and source_key == 'Panjabi1992'"
        " and subgroup == 'right'")["value"].iloc[0])
    texts = {o.id: o.text for o in item.options}
    assert item.vignette and item.type == "single"
    assert texts[item.answer] == f"{choose_diameter(outer_mm=width).diameter_mm:.1f} mm"
    assert f"{deformation_ceiling(outer_mm=width):.2f} mm" in texts.values()  # the ceiling is a distractor
    assert texts[item.answer] != f"{deformation_ceiling(outer_mm=width):.2f} mm"
