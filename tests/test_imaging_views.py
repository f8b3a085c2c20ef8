"""The C-arm (simulated fluoroscopy) and the slice viewer of lesson 04, driven without a browser."""

from __future__ import annotations

import pytest

from widgets.imaging.carm import owl_eye_error
from widgets.imaging.view import CArmSimulator, ScrewPlanner, SliceViewer

PNG = b"\x89PNG\r\n\x1a\n"


def test_the_carm_shoots_only_when_asked_and_counts_the_shots():
    carm = CArmSimulator("L4", "left")
    carm.widget()
    assert carm.image.value[:8] == PNG and carm.shots == 1
    first = carm.image.value
    carm.orbital.value = 90
    assert carm.image.value == first and "take a shot" in carm.feedback.value
    carm.shoot.click()
    assert carm.shots == 2 and carm.image.value != first
    assert "orbital 90°" in carm.text_alternative.value and "lateral view" in carm.text_alternative.value
    assert "not a patient image" in carm.legend.value.lower()


def test_the_owls_eye_preset_puts_the_beam_along_the_pedicle():
    carm = CArmSimulator("L5", "right")
    carm.presets["owl's eye"].click()
    err = owl_eye_error(carm.pedicle_axis(), carm.orbital.value, carm.tilt.value)
    assert err < 1.0  # rounded to whole degrees
    assert "owl's eye of the right pedicle" in carm.text_alternative.value
    assert carm.shots == 2
    carm.presets["AP"].click()
    assert (carm.orbital.value, carm.tilt.value) == (0, 0)


def test_invert_redraws_without_a_new_shot():
    carm = CArmSimulator()
    before = carm.image.value
    carm.invert.value = True
    assert carm.image.value != before and carm.shots == 1
    assert "white on dark" in carm.text_alternative.value


def test_the_planned_screw_shows_in_the_shot():
    planner = ScrewPlanner("L4", "left")
    carm = CArmSimulator("L4", "left", planner=planner)
    assert carm.show_screw.value and len(carm._last.instruments) == 1
    assert "screw shows black" in carm.text_alternative.value
    carm.level.value = "L3"  # the planner plans at L4: nothing to show at L3
    carm.shoot.click()
    assert carm._last.instruments == ()


def test_the_slice_viewer_reports_the_root_and_moves_to_the_fragment():
    viewer = SliceViewer("L4-L5")
    viewer.widget()
    assert viewer.image.value[:8] == PNG
    assert "L5 left" in viewer.result.value and "traversing" in viewer.result.value
    viewer.zone.value = "foraminal"
    assert "L4 left" in viewer.result.value and "exiting" in viewer.result.value
    viewer.plane.value = "sagittal"
    assert "not in this slice" in viewer.text_alternative.value
    viewer.through.click()
    assert viewer.offset.value > 10 and "fragment is in this slice" in viewer.text_alternative.value
    viewer.herniated.value = False
    assert viewer.result.value == ""
    viewer.kind.value = "CT, bone window"
    assert "CT-like" in viewer.legend.value and "not a patient image" in viewer.legend.value
    assert viewer.status.value == ""


def test_a_bad_side_is_named():
    with pytest.raises(ValueError, match="side"):
        CArmSimulator("L4", "middle")
