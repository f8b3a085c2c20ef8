"""Lesson 02 views: each control changes what the student reads, and shows what the model computes."""

from __future__ import annotations

import re

import ipywidgets as ipw
import pytest

from widgets.conditions.curve import cobb_result
from widgets.conditions.selection import load_tree
from widgets.conditions.slip import endplate_width, grade_slip
from widgets.conditions.view import (
    CobbExplorer,
    MeyerdingExplorer,
    RootFinder,
    SelectionWalker,
    meyerding_figure,
)


def test_meyerding_slider_changes_the_table_and_the_title():
    view = MeyerdingExplorer(10.0)
    before = view.table.value
    assert "grade II" in before and "CookBaker2021" in before
    view.slip.value = 20.0
    # 20 / 35.7 = 56 %: grade III
    assert "grade III" in view.table.value and "56 %" in view.title.value
    assert view.result().grade.grade == grade_slip(20.0, endplate_width().value).grade.grade
    view.width.value = 40.0
    assert "your value" in view.table.value
    assert view.widget().children[0] is view.slip  # the first slider drives the result table
    assert view.slip.description and view.width.description


def test_meyerding_static_figure():
    fig = meyerding_figure(10.0, 35.7)
    assert len(fig.data) == 3 and "grade II" in fig.layout.title.text


def test_cobb_view_matches_the_model():
    view = CobbExplorer("T9", 3.0, 1.5, "right", "T5", "T12")
    res = cobb_result("T9", 3.0, 1.5)
    assert f"{res.angle_deg:.1f}" in view.title.value
    assert "T6" in view.table.value and "T5 and T12" in view.table.value
    view.shift.value = 3.0
    assert f"{cobb_result('T9', 3.0, 3.0).angle_deg:.1f}" in view.title.value
    view.upper.value = "L5"
    assert "choose an upper vertebra above the lower one" in view.table.value


def test_root_finder():
    view = RootFinder("great toe extension", "top of the foot")
    assert "L5" in view.summary.value and "L4-L5" in view.summary.value
    view.zone.value = "far-lateral"
    assert "L5-S1" in view.summary.value
    view.weakness.value = "(none)"
    view.numbness.value = "(none)"
    assert "Choose at least one finding" in view.summary.value
    view.reflex.value = "ankle jerk (Achilles)"
    view.weakness.value = "great toe extension"
    assert "No single root explains every finding" in view.summary.value


@pytest.mark.parametrize("case", [c.id for c in load_tree().cases])
def test_walker_reaches_each_case_outcome(case):
    tree = load_tree()
    walker = SelectionWalker(case)
    expected = tree.walk(tree.case(case))
    for step in expected.steps:
        wrong = next(b for b in step.node.branches if b.id != step.branch.id)
        assert walker.answer_with(wrong.id).correct is False
        assert "Not for this case" in walker.feedback.value
        assert walker.here == step.node.id  # a wrong answer does not move on
        assert walker.answer_with(step.branch.id).correct is True
    assert walker.here == expected.outcome.id
    assert expected.outcome.title in walker.question.value
    assert walker.check_button.disabled
    assert walker.answer_with is not None
    walker.case_menu.value = "saddle-numbness" if case != "saddle-numbness" else "mobile-slip"
    assert walker.here == tree.start


def test_checking_without_an_answer_asks_for_one():
    walker = SelectionWalker()
    walker.answer.value = None
    assert walker._check() is None
    assert "Choose an answer first" in walker.feedback.value


def _heading_levels(widget) -> list[int]:
    """Return the levels of the HTML headings a widget and its children show, in order."""
    levels = []
    if isinstance(widget, ipw.HTML):
        levels += [int(n) for n in re.findall(r"<h([1-6])\b", widget.value)]
    for child in getattr(widget, "children", ()):
        levels += _heading_levels(child)
    return levels


def test_the_views_headings_sit_one_level_under_the_lessons_sections():
    # Lesson 02's sections are "##" (h2), so a heading inside a widget is an h3: an h4 skips a level.
    walker = SelectionWalker()
    views = [MeyerdingExplorer(10.0), CobbExplorer("T9", 3.0, 1.5, "right", "T5", "T12"),
             RootFinder("great toe extension", "top of the foot"), walker]
    for view in views:
        levels = _heading_levels(view.widget())
        assert levels and set(levels) == {3}, f"{type(view).__name__}: heading levels {levels}"
    tree = load_tree()
    for step in tree.walk(walker.case).steps:
        walker.answer_with(step.branch.id)
    assert walker.here not in tree.nodes  # at an outcome, whose heading is an h3 too
    assert _heading_levels(walker.widget()) == [3, 3]
