"""The screw trainer: each metric on hand-made placements, the stages, the CUSUM and the attempt store."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from widgets.imaging import trainer
from widgets.imaging.attempts import SUFFIX, AttemptStore
from widgets.imaging.screws import evaluate, preset
from widgets.quiz.store import ProgressStore, list_learners

ROOT = Path(__file__).resolve().parents[1]


def test_the_plan_is_the_planners_published_trajectory():
    plan = trainer.planned("L4", "left")
    m, s, _, _ = preset("L4", "left")
    assert (plan.entry_medial_mm, plan.entry_cranial_mm, plan.medial_deg, plan.sagittal_deg) == (0, 0, m, s)


def test_on_plan_scores_zero_error_and_grade_a():
    s = trainer.score_placement(trainer.planned("L4", "left"))
    assert (s.entry_error_mm, s.medial_error_deg, s.sagittal_error_deg) == (0, 0, 0)
    assert s.grade_modified == "A" and s.breach_mm == 0 and not s.failed


def test_entry_error_is_the_distance_in_the_cross_section():
    plan = trainer.planned("L3", "right")
    s = trainer.score_placement(replace(plan, entry_medial_mm=3.0, entry_cranial_mm=-4.0))
    assert s.entry_error_mm == pytest.approx(5.0)
    assert s.medial_error_deg == 0 and s.sagittal_error_deg == 0


def test_angle_errors_are_signed_differences_from_the_plan():
    plan = trainer.planned("L5", "left")
    s = trainer.score_placement(
        replace(plan, medial_deg=plan.medial_deg + 7, sagittal_deg=plan.sagittal_deg - 4)
    )
    assert s.medial_error_deg == pytest.approx(7) and s.sagittal_error_deg == pytest.approx(-4)
    rows = {r["metric"]: r for r in s.rows()}
    assert rows["medial angle error"]["value"] == 7 and "medial" in rows["medial angle error"]["meaning"]
    assert rows["sagittal angle error"]["meaning"] == "more cranial than planned"


def test_the_grade_is_the_planners_grade_of_the_screw_along_the_wire():
    plan = trainer.planned("L4", "left")
    bad = replace(plan, medial_deg=plan.medial_deg + 20, depth_mm=45.0)
    s = trainer.score_placement(bad)
    r = evaluate("L4", "left", bad.medial_deg, bad.sagittal_deg, s.screw_diameter_mm, 45.0)
    assert (s.grade_modified, s.breach_mm, s.breach_direction) == (
        r.grade_modified,
        r.breach_depth_mm,
        r.direction,
    )
    assert s.grade_modified != "A"


def test_a_wire_through_the_front_of_the_body_fails():
    plan = trainer.planned("L4", "left")
    s = trainer.score_placement(replace(plan, depth_mm=60.0))
    assert s.breach_direction == "anterior" and s.failed


def test_time_and_dose_follow_the_shots():
    a = trainer.Attempt("L4", "left")
    p = trainer.planned("L4", "left")
    a.move(
        entry_medial_mm=0.0,
        entry_cranial_mm=0.0,
        medial_deg=p.medial_deg,
        sagittal_deg=p.sagittal_deg,
        depth_mm=20.0,
    )
    for view in ("AP", "lateral", "oblique", "AP"):
        a.shoot(view)
    a.pass_guidewire()
    a.move(depth_mm=40.0)
    a.shoot("lateral")
    s = a.reveal()
    per = trainer.shot_seconds()
    rate, _ = trainer.hand_dose_rate()
    assert s.shots == 5 and s.fluoro_seconds == pytest.approx(5 * per)
    assert s.hand_dose_msv == pytest.approx(rate * 5 * per / 60)
    assert s.grade_modified == "A" and s.entry_error_mm == 0


def test_the_hand_dose_rate_is_the_cited_rate_in_msv():
    rate, key = trainer.hand_dose_rate()
    assert key == "Rampersaud2000Spine" and rate == pytest.approx(58.2 * 0.01)


def test_the_wire_cannot_change_the_needles_line_and_stages_run_in_order():
    a = trainer.Attempt("L2", "right")
    with pytest.raises(ValueError, match="pass the guidewire before"):
        a.reveal()
    with pytest.raises(ValueError, match="at least 5 mm"):
        a.pass_guidewire()
    with pytest.raises(ValueError, match="at most 30 mm"):
        a.move(depth_mm=35.0)
    a.move(medial_deg=10.0, depth_mm=15.0)
    a.pass_guidewire()
    with pytest.raises(ValueError, match="follows the needle"):
        a.move(medial_deg=12.0)
    with pytest.raises(ValueError, match="starts at the needle's tip"):
        a.move(depth_mm=10.0)
    a.move(depth_mm=40.0)
    a.reveal()
    with pytest.raises(ValueError, match="finished"):
        a.shoot("AP")


def test_bad_input_is_refused_in_one_line():
    with pytest.raises(ValueError, match="view must be one of AP, lateral, oblique"):
        trainer.view_angles("axial", "L4", "left")
    with pytest.raises(ValueError, match="medial_deg must be from"):
        trainer.Placement("L4", "left", medial_deg=80.0)
    with pytest.raises(ValueError, match="unknown setting"):
        trainer.Attempt("L4", "left").move(tilt=3)


def test_entry_positions_and_offsets_are_inverse_and_the_start_is_off_plan():
    for side in ("left", "right"):
        lat, cra = trainer.entry_position("L4", side, 2.0, -3.0)
        assert trainer.entry_offsets("L4", side, lat, cra) == pytest.approx((2.0, -3.0))
        plan_lat, _ = trainer.entry_position("L4", side, 0.0, 0.0)
        assert plan_lat > 10 and lat < plan_lat  # a medial offset moves the entry towards the midline
    start = trainer.Attempt("L4", "left", seed=3).placement
    assert 3.0 <= math.hypot(start.entry_medial_mm, start.entry_cranial_mm) <= 6.1
    assert trainer.Attempt("L4", "left", seed=3).placement == start


def test_the_oblique_view_looks_down_the_planned_pedicle():
    plan = trainer.planned("L4", "right")
    assert trainer.view_angles("oblique", "L4", "right") == (-plan.medial_deg, plan.sagittal_deg)
    assert trainer.view_angles("lateral", "L4", "right") == (90.0, 0.0)


def _score(grade: str, secs: float) -> dict:
    return {"grade_modified": grade, "fluoro_seconds": secs}


def test_the_failure_cusum_rises_by_one_minus_target_and_falls_by_target():
    acc, _ = trainer.accuracy_benchmark()
    target = 1 - acc / 100
    curve = trainer.learning_curve([_score("C", 10), _score("A", 8), _score("B", 6), _score("A", 4)])
    expected = [1 - target, 1 - 2 * target, 1 - 3 * target, 1 - 4 * target]
    assert curve.failures == (1, 0, 0, 0)
    assert curve.failure_cusum == pytest.approx(expected)
    assert curve.acceptable_failure == pytest.approx(target)


def test_the_time_cusum_peaks_at_the_last_slower_than_average_attempt():
    curve = trainer.learning_curve([_score("A", s) for s in (30, 28, 26, 10, 9, 8)])
    assert curve.time_change_point == 3
    assert curve.time_cusum[-1] == pytest.approx(0)


def test_a_single_attempt_has_a_curve_of_one_point():
    curve = trainer.learning_curve([_score("A", 5)])
    assert curve.attempts == 1 and curve.time_change_point is None and len(curve.failure_cusum) == 1


def test_benchmarks_show_every_cited_figure_and_say_per_what():
    rows = trainer.benchmark_rows()
    text = " ".join(str(r["value"]) for r in rows)
    assert "91.5%" in text and "28-85%" in text and "105.4 then 45.2 s" in text
    assert {r["per"] for r in rows} == {"screw", "case"}


# --------------------------------------------------------------------------- storage


def _attempt(level="L4", side="left", medial=0.0) -> trainer.Score:
    plan = trainer.planned(level, side)
    return trainer.score_placement(
        replace(plan, medial_deg=plan.medial_deg + medial), shots=3, fluoro_seconds=3.0
    )


def test_attempts_survive_a_restart(tmp_path):
    AttemptStore("ana", tmp_path).save(_attempt(medial=2.0))
    AttemptStore("ana", tmp_path).save(_attempt(level="L5"))
    code = (
        f"from widgets.imaging.attempts import AttemptStore;"
        f"print([a['level'] for a in AttemptStore('ana', {str(tmp_path)!r}).attempts()])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.stdout.strip() == "['L4', 'L5']"


def test_attempts_never_mix_learners_and_leave_the_quiz_file_alone(tmp_path):
    quiz = ProgressStore("ana", tmp_path)
    quiz.record("item-1", 0, correct=True, score=1.0)
    before = quiz.path.read_bytes()
    AttemptStore("ana", tmp_path).save(_attempt())
    AttemptStore("ben", tmp_path).save(_attempt(level="L2"))
    AttemptStore("ben", tmp_path).save(_attempt(level="L3"))
    assert [a["level"] for a in AttemptStore("ana", tmp_path).attempts()] == ["L4"]
    assert [a["level"] for a in AttemptStore("ben", tmp_path).attempts()] == ["L2", "L3"]
    assert quiz.path.read_bytes() == before
    assert list_learners(tmp_path) == ["ana"]  # the attempt files are not quiz progress files
    assert (tmp_path / f"ben{SUFFIX}").exists()


def test_a_broken_attempt_line_is_skipped_not_fatal(tmp_path):
    store = AttemptStore("ana", tmp_path)
    store.save(_attempt())
    with open(store.path, "ab") as fh:
        fh.write(b'{"id": "x", "item": "half')
    store.save(_attempt(level="L1"))
    assert [a["level"] for a in store.attempts()] == ["L4", "L1"]
    assert len(store.read().skipped) == 1


def test_a_saved_attempt_keeps_every_metric(tmp_path):
    s = _attempt(medial=4.0)
    rec = AttemptStore("ana", tmp_path).save(s)
    line = json.loads(AttemptStore("ana", tmp_path).path.read_text().splitlines()[0])
    assert line == rec and line["kind"] == "screw-attempt" and line["item"] == "screw-trainer:L4-left"
    assert line["result"] == s.record()
    assert "correct" not in line and "score" not in line  # no quiz verdict fields
    assert math.isclose(line["result"]["medial_error_deg"], 4.0)
    with pytest.raises(ValueError, match="needs 'level'"):
        AttemptStore("ana", tmp_path).save({"grade_modified": "A"})
