"""Navigation: tip error bound and the cited accuracy tables."""

import math

import pytest

from widgets.imaging.navigation import tip_error
from widgets.imaging.tables import accuracy_table, rct_robot_vs_freehand


def test_tip_error_hand():
    # 1 mm + 45 mm x tan(2 deg) = 1 + 45 x 0.034921 = 2.5714 mm
    assert tip_error(1.0, 2.0, 45.0) == pytest.approx(1 + 45 * math.tan(math.radians(2)))
    assert tip_error(1.0, 0.0, 45.0) == 1.0


def test_peng_rct():
    row = rct_robot_vs_freehand().iloc[0]
    assert (row.ratio, row.ci_low, row.ci_high) == (1.68, 0.82, 3.44)
    assert bool(row["CI crosses 1 (no clear difference)"])


def test_accuracy_has_four_techniques():
    t = accuracy_table()
    assert set(t[t.source_label.str.startswith("Perdomo")].technique) == {
        "freehand", "fluoroscopy-assisted", "CT navigation", "robot-assisted"}


def test_errors():
    with pytest.raises(ValueError):
        tip_error(-1, 2, 45)
    with pytest.raises(TypeError):
        tip_error(1, None, 45)


def test_lesson_references_resolve_and_cover_the_cited_tables():
    from widgets.core.data import load_table, references
    from widgets.imaging.navigation import lesson_references

    keys = lesson_references()
    assert len(keys) == len(set(keys)) and set(keys) <= set(references())
    assert set(load_table("screw_accuracy")["source_key"]) & set(keys)
    assert "Peng2020AnnTranslMed" in keys and "Bindal2008JNeurosurgSpine" in keys


def test_lesson_references_cover_the_angle_series_and_the_screw_choice():
    from widgets.anatomy.morphometry import pedicle_angle_rows
    from widgets.imaging.navigation import lesson_references
    from widgets.imaging.screws import deformation_rule, screw_sizes
    from widgets.imaging.tables import screw_choice_table

    keys = set(lesson_references())
    assert set(pedicle_angle_rows()["source_key"]) <= keys  # every angle series the lesson tables show
    assert {deformation_rule()[1], screw_sizes()[1]} <= keys
    assert {k for k in screw_choice_table().attrs["sources"] if k} <= keys
