"""The lesson 03 views, built and poked without a browser: drills, comparison, figures."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from widgets.techniques.model import TECHNIQUES, corridor_sizes, shuffled_steps, steps, technique_name
from widgets.techniques.view import StepDrill, TechniqueComparison, instrument_figure, step_sheet


def test_drill_starts_shuffled_and_reshuffles_from_the_slider():
    drill = StepDrill("kyphoplasty", seed=0)
    assert drill.answer == [s.id for s in shuffled_steps("kyphoplasty", 0)]
    assert "Shuffle 0" in drill.summary.value and drill.table.value == ""
    drill.shuffle.value = 5
    assert drill.answer == [s.id for s in shuffled_steps("kyphoplasty", 5)]
    assert "Shuffle 5" in drill.summary.value
    labels = [label for label, _ in drill.order.options]
    assert labels[0].startswith("1. ") and len(labels) == len(steps("kyphoplasty"))


def test_drill_moves_the_selected_step():
    drill = StepDrill("vertebroplasty", seed=0)
    ids = drill.answer
    drill.order.value = ids[2]
    drill.up.click()
    assert drill.answer[1] == ids[2] and drill.answer[2] == ids[1]
    assert drill.order.value == ids[2]  # still selected, so it can be moved again
    drill.down.click()
    assert drill.answer == ids
    drill.order.value = ids[0]
    drill.up.click()  # already first: stays
    assert drill.answer == ids
    drill.order.value = None
    drill.down.click()
    assert "Select a step" in drill.status.value


def test_drill_check_fills_table_and_figure():
    drill = StepDrill("mis-tlif", seed=1)
    correct = [s.id for s in steps("mis-tlif")]
    drill.set_answer(correct)
    drill.check.click()
    assert "All 10 steps are in the right order." in drill.summary.value
    assert "AP: A true AP view" in drill.table.value
    assert list(drill.figure.data[1].x) == list(range(1, 11)) and len(drill.figure.data[2].x) == 0
    assert "score 100%" in drill.figure.layout.title.text
    # swap two neighbours: one to move, shown in the 'to move' trace
    drill.set_answer([correct[1], correct[0], *correct[2:]])
    drill.check.click()
    assert drill.results().moves_needed == 1
    assert len(drill.figure.data[2].x) == 1
    assert "move to position" in drill.table.value


def test_drill_rejects_a_bad_answer_and_unknown_technique():
    drill = StepDrill("vertebroplasty")
    with pytest.raises(ValueError, match="every step"):
        drill.set_answer(drill.answer[:-1])
    with pytest.raises(ValueError, match="unknown technique"):
        StepDrill("laser-discectomy")


def test_drill_errors_are_shown_and_reraised():
    drill = StepDrill("vertebroplasty")
    drill.technique = "nope"
    with pytest.raises(ValueError):
        drill._check()  # the guarded handler the button calls (the button's dispatcher logs errors)
    assert "Error: unknown technique" in drill.status.value


def test_comparison_plots_every_cited_size_and_notes_missing():
    view = TechniqueComparison()
    n_points = sum(len(s.sizes_mm) for t in TECHNIQUES for s in corridor_sizes(t))
    assert sum(len(tr.x) for tr in view.figure.data) == n_points
    assert "Balloon kyphoplasty" in view.note.value and "Vertebroplasty" in view.note.value
    assert "[secondary]" in view.table.value
    view.pick.value = ("endoscopic-interlaminar",)
    xs = [x for tr in view.figure.data for x in tr.x]
    assert xs == [7.0] and view.note.value == ""
    assert technique_name("endoscopic-interlaminar") in view.table.value
    assert technique_name("mis-tlif") not in view.table.value
    view.pick.value = ()
    assert "Choose at least one" in view.status.value


def test_static_figure_and_step_sheet():
    fig = instrument_figure()
    assert isinstance(fig, go.Figure) and fig.layout.title.text.startswith("Cross-sections")
    names = [t.name for t in fig.data]
    assert any("Kulkarni2019" in n for n in names) and "working channel" in names
    html = step_sheet("lateral-transpsoas").data
    # one <tr> per step plus the index-name header row (the first header row carries a style)
    assert html.count("<tr>") == len(steps("lateral-transpsoas")) + 1
    assert step_sheet().data.count("<tr>") > html.count("<tr>")
