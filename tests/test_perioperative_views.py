"""The views of lesson 06, built and poked without a browser."""

from __future__ import annotations

import math

import pytest

from widgets.access.comparator import LEVELS, compare
from widgets.access.view import ComparatorView
from widgets.perioperative import recovery
from widgets.perioperative.selectors import SELECTORS
from widgets.perioperative.verdicts import VERDICTS
from widgets.perioperative.view import EvidenceView, RecoveryTimeline, show, verdict_figure


def test_comparator_level_drives_the_table_and_the_figure():
    view = ComparatorView("tlif", "L4-L5", 18, 50.0)
    before = view.table.value
    view.level.value = LEVELS[-1]  # what the browser test does: the last option of "Level"
    assert view.table.value != before and "L5-S1" in view.table.value
    expected = compare("tlif", "L5-S1", 18, 50.0)
    assert view.figure.data[0].y[1] == pytest.approx(expected.open.incision_total_mm)
    assert view.figure.data[2].y == pytest.approx((expected.miss.volume_cm3, expected.open.volume_cm3))
    assert "L5-S1" in view.figure.layout.title.text
    assert view.status.value == ""


def test_comparator_other_controls():
    view = ComparatorView()
    view.procedure.value = "discectomy"
    view.tube.value = 26
    view.depth.value = 80.0
    c = view.result()
    assert (c.procedure, c.tube_diameter_mm, c.depth_mm) == ("discectomy", 26.0, 80.0)
    assert view.figure.data[2].y[0] == pytest.approx(math.pi * 13**2 * 80 / 1000)
    assert "Orthovellum" in view.inputs.value
    assert view.level.description == "Level" and view.depth.description.endswith("(assumption)")


def test_comparator_errors_are_shown_and_raised(monkeypatch):
    view = ComparatorView()

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr("widgets.access.view.compare", broken)
    with pytest.raises(ValueError, match="boom"):
        view.level.value = "L1-L2"
    assert "Error: boom" in view.status.value


def test_evidence_view_filters():
    view = EvidenceView()
    assert f"{len(SELECTORS)} findings" in view.counts.value
    view.verdict.value = "not better"
    assert "MISS better</td>" not in view.table.value
    view.family.value = "discectomy"
    assert "fusion (TLIF)" not in view.table.value


def test_recovery_timeline_plots_points_and_intervals_only():
    view = RecoveryTimeline()
    plotted = [a for a in recovery.arm_milestones() if a.days is not None]
    assert len(view.figure.data[0].x) + len(view.figure.data[1].x) == len(plotted)
    ci_only = [d for d in recovery.pooled_differences() if d.days is None and d.ci_low is not None]
    assert len([x for x in view.figure.data[3].x if x is not None]) == 2 * len(ci_only)
    view.single_arm.value = False
    assert "Dalton2022JMISST" not in view.table.value
    view.milestone.value = "time in bed / to walking"
    assert "No per-arm figure" in view.summary.value
    assert len(view.figure.data[0].x) == 0


def test_static_figure_and_show():
    fig = verdict_figure()
    assert [t.name for t in fig.data] == list(VERDICTS)
    import pandas as pd

    html = show(pd.DataFrame({"a": ["x" * 80]}), "caption")._repr_html_()
    assert "x" * 80 in html and "<caption>caption</caption>" in html
    with pytest.raises(ValueError, match="needs a caption"):
        show(pd.DataFrame({"a": [1]}), " ")
