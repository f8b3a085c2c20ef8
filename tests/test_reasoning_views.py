"""Lesson 08's widgets, built and moved without a browser."""

from __future__ import annotations

import pytest

from widgets.reasoning import exam, triage
from widgets.reasoning.view import (
    ConsentCard,
    ExamSimulator,
    NaturalHistoryExplorer,
    OutcomeScorer,
    imaging_figure,
)


def test_the_simulator_examines_and_explains():
    view = ExamSimulator(seed=3)
    assert "year-old" in view.history.value
    assert view.test.value == "power (key muscles)"  # a test is chosen, so Examine works at once
    view.do.click()
    assert "power (key muscles)" in view.findings.value
    view.test.value = "straight leg raise"
    view.do.click()
    assert "straight leg raise" in view.findings.value
    p = view.patient
    view.answer(root=p.answer_root, level=p.level, side=p.answer_side, step=triage.next_step(p)[0])
    text = view.feedback.value
    assert "Root: right" in text and "Level: right" in text and "Right:" in text
    assert "In this patient the result was a" in text


def test_the_simulator_flags_a_wrong_step_and_moves_to_the_next_patient():
    view = ExamSimulator(seed=2)
    assert view.patient.kind == "cauda equina syndrome"
    view.answer(root=exam.CAUDA, level=view.patient.level, side="both sides", step=triage.CONSERVATIVE)
    assert "Not the best step" in view.feedback.value and "You examined nothing" in view.feedback.value
    view.new.click()
    assert view.seed.value == 3 and view.feedback.value == "" and view.done == []


def test_an_error_in_the_simulator_is_shown_and_raised():
    view = ExamSimulator(seed=3)
    view.test.options = ("Hoffmann sign",)
    view.test.value = "Hoffmann sign"
    with pytest.raises(ValueError, match="not offered"):
        view.guard(view._examine_unguarded)()  # the handler the Examine button runs
    assert "Error: test &#x27;Hoffmann sign&#x27; is not offered" in view.status.value


def test_the_timeline_has_markers_only_and_follows_the_slider():
    view = NaturalHistoryExplorer()
    assert {t.mode for t in view.figure.data} == {"markers"}
    view.when.value = "1 year"
    assert "probability of perceived recovery" in view.summary.value
    line = view.figure.layout.shapes[0]
    assert line.x0 == line.x1 == pytest.approx(52.18, abs=0.01)
    assert "no line joins them" in view.figure.alt


def test_the_scorer_judges_against_the_mcid_and_draws_it():
    view = OutcomeScorer()
    view.set_answers(before=[3] * 10, after=[2] * 10 + [])
    assert "smaller than the MCID" not in view.result.value  # 60 -> 40: important
    view.set_answers(before=[3] * 10, after=[3] * 9 + [1])
    assert "smaller than the MCID" in view.result.value
    assert list(view.figure.data[0].y) == [60, 56]
    assert view.figure.layout.shapes[0].y0 == 50
    view.instrument.value = "NDI"
    assert "MCID of 7.5" in view.result.value and "Young2009SpineJ" in view.result.value
    assert view.before[3].description == "reading (before)"


def test_the_consent_card_draws_100_people_per_figure():
    view = ConsentCard()
    first = view.figure.data[0]
    assert len(first.x) == 71 and len(view.figure.data[1].x) == 29
    assert "good recovery at 2 years: 71 of 100 patients" in view.figure.alt
    view.operation.value = "MIS-TLIF"
    assert "6 of 100 operated levels" in view.figure.alt and "0/90" in view.table.value


def test_the_imaging_figure_draws_only_the_ages_the_source_gives():
    figure = imaging_figure()
    assert {t.mode for t in figure.data} == {"markers"}
    assert {x for t in figure.data for x in t.x} == {20, 80}
