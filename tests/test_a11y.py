"""Accessibility mechanisms shared by every view: key guard, labels that fit, no empty headers, handouts."""

from __future__ import annotations

import json

import ipywidgets as ipw
import pandas as pd
import plotly.graph_objects as go
import pytest

from widgets.core.a11y import KeyGuard, accessible, fit_labels, label_width
from widgets.core.figures import PLOTLY_MIME, Figure
from widgets.core.tables import frame_html
from widgets.core.view import TopicView
from widgets.quiz.items import items_for_lesson
from widgets.quiz.store import ENV_VAR, ProgressStore
from widgets.quiz.view import QuizView


def _guards(root: ipw.Box) -> list[KeyGuard]:
    return [c for c in root.children if isinstance(c, KeyGuard)]


class _Explorer(TopicView):
    def __init__(self):
        super().__init__()
        self.diameter = ipw.FloatSlider(description="Diameter (mm)")
        self.level = ipw.IntSlider(description="Level")

    def widget(self):
        return ipw.VBox([self.diameter, self.level, self.status])


class _Wider(_Explorer):
    def widget(self):
        return ipw.VBox([super().widget(), ipw.HTML("more")])


def test_every_views_widget_carries_one_key_guard_after_its_own_children():
    view = _Explorer()
    root = view.widget()
    assert root.children[0] is view.diameter  # the view's own order is kept
    assert len(_guards(root)) == 1 and root.children[-1] is _guards(root)[0]
    assert len(_guards(accessible(root))) == 1  # once, however often it is applied
    assert len(_guards(_Wider().widget())) == 1
    html = ipw.HTML("text")
    assert accessible(html) is html  # nothing to guard in a lone text


def test_the_quiz_is_guarded_too():
    view = QuizView(items_for_lesson("00-start-here")[:2])
    assert len(_guards(view.widget())) == 1
    assert view.widget() is view.widget()
    view.close()


def test_the_guard_shares_the_figure_widgets_front_end_module():
    from widgets.core.figures import FigureView

    assert KeyGuard._esm == FigureView._esm
    source = KeyGuard._esm
    assert "data-lm-suppress-shortcuts" in source and ".noUi-handle" in source
    assert KeyGuard().get_state()["guard"] is True


def test_labels_too_long_for_the_default_width_get_one_width_that_holds_them():
    view = _Explorer()
    view.widget()
    wanted = f"{label_width('Diameter (mm)')}px"
    assert view.diameter.style.description_width == wanted
    assert view.level.style.description_width == wanted  # aligned with its neighbour


def test_labels_that_fit_and_chosen_widths_are_left_alone():
    a, b = ipw.IntSlider(description="Side"), ipw.IntSlider(description="A long label here",
                                                             style={"description_width": "initial"})
    fit_labels(ipw.VBox([a, b]))
    assert a.style.description_width == ""
    assert b.style.description_width == "initial"
    tight = ipw.IntSlider(description="Length (mm)", style={"description_width": "40px"})
    fit_labels(ipw.VBox([tight]))
    assert tight.style.description_width == f"{label_width('Length (mm)')}px"


def test_buttons_and_menus_grow_to_their_text():
    button = ipw.Button(description="Export my answers")
    sized = ipw.Button(description="Go", layout=ipw.Layout(width="60px"))
    menu = ipw.Dropdown(options=["Panjabi 1992 (no SD)"], description="Series")
    fixed = ipw.Dropdown(options=["a"], layout=ipw.Layout(width="98%"))
    fit_labels(ipw.VBox([ipw.HBox([button, sized]), menu, fixed]))
    assert button.layout.min_width == "max-content"
    assert sized.layout.width == "60px" and sized.layout.min_width == "max-content"
    assert menu.layout.width == "max-content"
    assert fixed.layout.width == "98%"


def test_static_figures_carry_their_text_alternative():
    fig = Figure(go.Scatter(x=[1], y=[2], name="a"), layout={"title": {"text": "t"}}, alt="What it shows.")
    assert fig.mimebundle()[PLOTLY_MIME]["layout"]["meta"] == {"alt": "What it shows."}


def test_no_empty_header_cells_from_an_unnamed_index():
    frame = pd.DataFrame({"a": [1, 2]}, index=["x", "y"])
    page = frame_html(frame)
    assert "></th>" not in page
    assert '<th scope="row"' in page and '<th scope="col"' in page
    wide = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("m", "p"), ("m", "q")]), index=["r"])
    assert "></th>" not in frame_html(wide)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "progress"))
    return ProgressStore("tester")


def test_an_exam_with_unanswered_questions_asks_before_it_is_submitted(store):
    items = items_for_lesson("00-start-here")[:6]
    view = QuizView(items, mode="exam", store=store)
    view.widget()
    for k in range(2):
        view.nav.value = k
        from widgets.quiz import types

        view.answer(types.of(view.current.item.type).correct_response(view.current.item))
    view.finish.click()
    assert not view.session.submitted
    assert view.confirm.layout.display is None
    assert "2 of 6" in view.confirm_text.value and "3, 4, 5, 6" in view.confirm_text.value
    view.confirm_no.click()
    assert view.confirm.layout.display == "none" and view.nav.value == 2
    view.finish.click()
    view.confirm_yes.click()
    assert view.session.submitted and "2 of 6 responses recorded" in view.summary.value
    assert view.finish.disabled and view.confirm_yes.disabled


def test_the_case_view_has_a_place_to_write_down_why():
    from widgets.case.model import case_run
    from widgets.case.view import ApproachChooser

    view = ApproachChooser(case_run({"case": "lumbar-disc-herniation"}))
    root = view.widget()
    assert view.notes in root.children and isinstance(view.notes, ipw.Textarea)
    assert view.notes.description
    view.choice.value = view.choice.options[0][1]
    assert "box below" in view.about.value


def test_the_handout_draws_widgets_and_figures_from_the_saved_state():
    from widgets.lessons.handout import render_widget, static_outputs

    fig = Figure(go.Scatter(x=[1, 2], y=[3, 4], name="pts"), alt="Two points.")
    slider = ipw.FloatSlider(value=2.5, description="Depth (mm)")
    menu = ipw.Dropdown(options=[("Left side", "l"), ("Right side", "r")], value="r", description="Side")
    hidden = ipw.HTML("secret", layout=ipw.Layout(display="none"))
    root = accessible(ipw.VBox([slider, menu, fig.widget, ipw.Button(description="Go"), hidden,
                                ipw.HTML("<p>note</p>")]))
    models = {w.model_id: {"model_name": w._model_name, "state": _state(w)}
              for w in _all(root) + [fig.widget.plotly_js, *fig.widget.traces]
              + [x.layout for x in _all(root)]}
    page = render_widget(root.model_id, models)
    assert "<strong>Depth (mm):</strong> 2.5" in page and "Right side" in page
    assert "<p>note</p>" in page and "secret" not in page and "Go" not in page
    assert "Two points." in page and "data-plotly" in page
    assert "pts" in page  # the trace, read from its own model
    nb = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [
        {"output_type": "display_data", "metadata": {},
         "data": {"application/vnd.jupyter.widget-view+json": {"model_id": root.model_id}}},
        {"output_type": "display_data", "metadata": {}, "data": fig.mimebundle()}]}],
          "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": models}}}}
    import nbformat

    static, figures = static_outputs(nbformat.from_dict(nb))
    assert figures and "widgets" not in static.metadata
    assert [list(o["data"]) for o in static.cells[0]["outputs"]] == [["text/html"], ["text/html"]]


def _all(w):
    out = [w]
    for c in getattr(w, "children", ()):
        out += _all(c)
    return out


def _state(w):
    state = w.get_state()
    return json.loads(json.dumps(state, default=lambda o: f"IPY_MODEL_{o.model_id}"))
