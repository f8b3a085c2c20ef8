"""widgets.core.figures.Figure: a widget that updates in place, plotly's public JSON, a text alternative."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from widgets.core.figures import PLOTLY_MIME, Figure, FigureView, PlotlyJS


def _figure() -> Figure:
    return Figure(go.Scatter(x=[0.5, 1.5, 2.5], y=[1, 2, 3], name="a"), layout={"title": {"text": "t"}})


def _shown(view: FigureView) -> dict:
    return view.spec()


def test_bundle_is_what_plotlys_mimetype_renderer_emits():
    fig = _figure()
    renderer = pio.renderers["plotly_mimetype"]
    expected = renderer.to_mimebundle(fig.to_dict())
    expected[PLOTLY_MIME]["layout"]["meta"] = {"alt": fig.alt}  # the text alternative rides along
    assert fig.mimebundle() == expected
    assert set(fig._repr_mimebundle_()) == {PLOTLY_MIME}


def test_the_widget_holds_the_figure_and_each_batch_updates_it_once():
    fig = _figure()
    view = fig.widget
    assert view is fig.widget is fig.output  # one widget per figure, under both names
    assert isinstance(view, FigureView)
    assert _shown(view)["data"][0]["y"] == json.loads(pio.to_json(fig))["data"][0]["y"]
    updates = []
    view.observe(lambda change: updates.append(change), names="digests")
    with fig.batch_update():
        fig.data[0].y = [3, 2, 1]
        with fig.batch_update():  # nested: still one update, at the end of the outer batch
            fig.layout.title.text = "u"
    assert len(updates) == 1
    shown = _shown(view)
    assert shown == json.loads(pio.to_json(fig)) and shown["layout"]["title"]["text"] == "u"


def test_redraw_sends_changes_made_outside_a_batch():
    fig = _figure()
    view = fig.widget
    fig.data = []
    fig.add_trace(go.Bar(x=["L1", "L2"], y=[3, 4], name="b"))
    assert _shown(view)["data"][0]["type"] == "scatter"
    fig.redraw()
    assert _shown(view)["data"][0]["type"] == "bar"


def test_the_text_alternative_says_what_the_figure_shows_and_follows_it():
    fig = Figure(go.Scatter(x=[1], y=[2], name="L4 <b>pedicle</b>"),
                 layout={"title": {"text": "Widths<br>by level"}})
    assert fig.widget.alt == "Widths by level: a chart showing L4 pedicle."
    with fig.batch_update():
        fig.layout.title.text = "Heights"
    assert fig.widget.alt == "Heights: a chart showing L4 pedicle."
    given = Figure(go.Scatter3d(x=[1], y=[2], z=[3]), alt="The L4 vertebra from the left.")
    assert given.widget.alt == "The L4 vertebra from the left."
    given.alt = "The L1 vertebra."
    assert given.widget.alt == "The L1 vertebra."
    assert Figure(go.Mesh3d(x=[0], y=[0], z=[0], name="body")).alt == "A 3-D figure showing body."


def test_plotly_js_is_the_installed_packages_copy_sent_once_per_kernel():
    a, b = _figure().widget, _figure().widget
    assert a.plotly_js is b.plotly_js is PlotlyJS.shared()
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert a.plotly_js.source == bundled.read_text(encoding="utf-8")
    assert "plotly_js" in a.get_state() and a.get_state()["plotly_js"].startswith("IPY_MODEL_")
    assert "Plotly.react" in FigureView._esm.__str__() and "https:" not in FigureView._esm.__str__()


def test_a_figure_copies_another_and_stays_a_go_figure():
    copy = Figure(_figure())
    assert isinstance(copy, go.Figure) and copy.data[0].name == "a"


def test_an_error_in_a_batch_propagates_and_does_not_update():
    fig = _figure()
    view = fig.widget
    before = view.spec()
    with pytest.raises(ValueError), fig.batch_update():
        fig.data[0].y = [9, 9, 9]
        raise ValueError("boom")
    assert view.spec() == before
    with fig.batch_update():  # the failed batch left no batch open
        fig.data[0].name = "c"
    assert _shown(view)["data"][0]["name"] == "c"


SCRIPT = """
import sys
from widgets.anatomy.view import pedicle_width_figure
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import display
from IPython.utils.capture import capture_output
InteractiveShell.instance()
fig = pedicle_width_figure()
with capture_output() as cap:
    display(fig)
assert list(cap.outputs[0].data) == ["application/vnd.plotly.v1+json"], cap.outputs
fig.widget
print("plotly.io._renderers" in sys.modules, "plotly.basewidget" in sys.modules)
"""


def test_showing_a_suite_figure_imports_neither_renderers_nor_the_widget_bundle():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]


def test_a_3d_view_is_sent_as_plotlys_own_json_without_changing_the_figure():
    from widgets.anatomy.view import AnatomyExplorer

    explorer = AnatomyExplorer()
    for fig in (explorer.vertebra_fig, explorer.spine_fig):
        before = pio.to_json(fig, validate=False)
        assert fig.widget.spec() == json.loads(before)
        assert pio.to_json(fig, validate=False) == before  # unchanged
        assert "L4" in fig.widget.alt


def test_frames_are_kept():
    fig = Figure(go.Scatter(x=[1, 2], y=[3, 4]), frames=[go.Frame(data=[go.Scatter(x=[1, 2], y=[4, 3])])])
    renderer = pio.renderers["plotly_mimetype"]
    expected = renderer.to_mimebundle(fig.to_dict())
    expected[PLOTLY_MIME]["layout"]["meta"] = {"alt": fig.alt}  # the text alternative rides along
    assert fig.mimebundle() == expected
    assert len(_shown(fig.widget)["frames"]) == 1


def test_a_change_sends_only_the_traces_that_changed():
    fig = Figure([go.Scatter(x=[1, 2], y=[3, 4], name="context"), go.Scatter(x=[1], y=[5], name="mark")])
    view = fig.widget
    context, mark = view.traces
    sent = {"context": [], "mark": []}
    context.observe(lambda c: sent["context"].append(c), names="spec")
    mark.observe(lambda c: sent["mark"].append(c), names="spec")
    with fig.batch_update():
        fig.data[1].y = [6]
        fig.layout.title.text = "moved"
    assert sent == {"context": [], "mark": sent["mark"]} and len(sent["mark"]) == 1
    assert view.traces == [context, mark]  # the same models: nothing new is opened
    assert view.digests == [context.digest, mark.digest]
    assert _shown(view) == json.loads(pio.to_json(fig))


def test_traces_added_and_removed_open_and_close_their_models():
    fig = Figure([go.Scatter(x=[1], y=[1], name="a"), go.Scatter(x=[2], y=[2], name="b")])
    view = fig.widget
    first, second = view.traces
    fig.data = [fig.data[0]]
    fig.redraw()
    assert view.traces == [first] and second.comm is None  # closed
    fig.add_trace(go.Bar(x=["L4"], y=[3], name="c"))
    fig.redraw()
    assert [json.loads(t.spec)["name"] for t in view.traces] == ["a", "c"]
    assert _shown(view) == json.loads(pio.to_json(fig))


def test_the_page_draws_once_every_trace_has_arrived():
    source = FigureView._esm.__str__()
    assert "nextChange(" in source and 'change:digest"' in source  # waits for each trace's digest
    assert "plotGlPixelRatio" in source  # 3-D drawn at the screen's own pixel density
