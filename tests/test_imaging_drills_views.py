"""The views of lesson 12, built and driven without a browser: every control moves the model."""

from __future__ import annotations

import pytest

from widgets.imaging import counting, trainer
from widgets.imaging.attempts import AttemptStore
from widgets.imaging.drills import CountingDrill, ScrewTrainer


@pytest.fixture
def view(tmp_path, monkeypatch):
    monkeypatch.setenv("MISS_PROGRESS_DIR", str(tmp_path))
    return ScrewTrainer("L4", "left", learner="tester")


def test_each_slider_moves_the_needle(view):
    p0 = view.attempt.placement
    view.lateral.value = view.lateral.value + 2
    assert view.attempt.placement.entry_medial_mm == pytest.approx(p0.entry_medial_mm - 2, abs=0.2)
    view.cranial.value = view.cranial.value + 3
    assert view.attempt.placement.entry_cranial_mm == pytest.approx(p0.entry_cranial_mm + 3, abs=0.2)
    view.medial.value = 15
    view.sagittal.value = 8
    view.depth.value = 12
    p = view.attempt.placement
    assert (p.medial_deg, p.sagittal_deg, p.depth_mm) == (15, 8, 12)
    assert "Moved" in view.shot_html.value or "No shot" in view.shot_html.value


def test_an_entry_far_from_the_pedicle_is_held_at_the_models_edge(view):
    view.lateral.value = 0.0  # the midline
    assert view.attempt.placement.entry_medial_mm == trainer.LIMITS["entry_medial_mm"][1]
    assert "within 10 mm" in view.status.value
    lat, _ = trainer.entry_position("L4", "left", 0.0, 0.0)
    view.lateral.value = lat
    assert view.status.value == ""


def test_each_shot_costs_time_and_shows_an_image(view):
    for i, v in enumerate(trainer.VIEWS, start=1):
        view.shoot_buttons[v].click()
        assert len(view.attempt.shots) == i and bytes(view.image.value).startswith(b"\x89PNG")
        assert f"Shot {i}: {v}" in view.shot_html.value
    assert view.attempt.fluoro_seconds == pytest.approx(3 * trainer.shot_seconds())
    assert f">{3 * trainer.shot_seconds():g}<" in view.log.value  # the time shown
    before = view.image.value
    view.invert.value = True
    assert (
        bytes(view.image.value) != bytes(before) and len(view.attempt.shots) == 3
    )  # inverting is not a new shot


def test_the_wire_stage_locks_the_line_and_the_reveal_saves_the_attempt(view, tmp_path):
    plan = trainer.planned("L4", "left")
    lat, cra = trainer.entry_position("L4", "left", 0.0, 0.0)
    with view.batch():
        view.lateral.value, view.cranial.value = lat, cra
        view.medial.value, view.sagittal.value, view.depth.value = plan.medial_deg, plan.sagittal_deg, 20
    view.shoot_buttons["lateral"].click()
    view.wire_button.click()
    assert view.medial.disabled and view.lateral.disabled and not view.depth.disabled
    assert view.reveal_button.disabled is False and view.wire_button.disabled
    view.depth.value = 40
    view.shoot_buttons["AP"].click()
    view.reveal_button.click()
    assert "entry-point error" in view.result.value and "Gertzbein-Robbins" in view.result.value
    saved = AttemptStore("tester", tmp_path).attempts()
    assert len(saved) == 1 and saved[0]["grade_modified"] == "A" and saved[0]["shots"] == 2
    assert len(view.curve.data) == 2 and len(view.fig3d.data) >= 3
    assert view.reveal_box.layout.display == "" and view.curve_box.layout.display == ""
    assert "Your attempts" in view.history.value and "91.5%" in view.history.value
    assert all(b.disabled for b in view.shoot_buttons.values())
    view.new_button.click()
    assert view.attempt.stage == "needle" and view.attempt.shots == [] and not view.medial.disabled
    assert view.reveal_box.layout.display == "none"  # the next reveal is hidden until then


def test_changing_level_starts_a_new_attempt(view):
    view.shoot_buttons["AP"].click()
    view.level.value = "L2"
    assert view.attempt.level == "L2" and view.attempt.shots == []
    view.side.value = "right"
    assert view.attempt.side == "right"


def test_an_error_is_shown_in_the_status_line(view):
    view.reveal_button.click()  # the button's dispatcher logs the re-raised error
    assert "Error: pass the guidewire" in view.status.value


def test_the_counting_drill_moves_with_each_control():
    d = CountingDrill("lumbarised")
    assert len(d.choice.options) == 9 and "38-year-old" in d.stem.value
    first = d.image.value
    d.view.value = "lateral"
    lateral = d.image.value
    d.height.value = 200
    d.invert.value = True
    assert len({bytes(first), bytes(lateral), bytes(d.image.value)}) == 3
    d.choice.value = counting.case("lumbarised").trap
    d.check_button.click()
    assert "The trap" in d.feedback.value
    d.case.value = "sacralised"
    assert len(d.choice.options) == 7 and d.feedback.value == ""
    d.choice.value = counting.case("sacralised").answer
    assert d.check().correct and "Right" in d.feedback.value


def test_the_fast_trainer_shot_is_the_projectors_shot_with_the_instruments():
    import numpy as np

    from widgets.imaging.drr import shot
    from widgets.imaging.fluoro import instruments_for, trainer_shot

    p = trainer.Placement("L3", "right", 1.0, -2.0, 18.0, 6.0, 22.0)
    fast = trainer_shot(p, "oblique")
    orbital, tilt = trainer.view_angles("oblique", "L3", "right")
    slow = shot(level="L3", orbital_deg=orbital, tilt_deg=tilt, instruments=instruments_for(p, "needle"))
    assert np.allclose(fast.total, slow.total, rtol=1e-5, atol=1e-4)
    assert fast.total.max() > fast.anatomy.max()  # the needle is in the picture
    assert np.array_equal(fast.image(), slow.image())
