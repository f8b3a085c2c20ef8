"""widgets.core.figures.Figure: plotly's own mime bundle, an Output that redraws, no renderer import."""

from __future__ import annotations

import subprocess
import sys

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from widgets.core.figures import PLOTLY_MIME, Figure


def _figure() -> Figure:
    return Figure(go.Scatter(x=[0.5, 1.5, 2.5], y=[1, 2, 3], name="a"), layout={"title": {"text": "t"}})


def test_bundle_is_what_plotlys_mimetype_renderer_emits():
    fig = _figure()
    renderer = pio.renderers["plotly_mimetype"]
    assert fig.mimebundle() == renderer.to_mimebundle(fig.to_dict())
    assert set(fig._repr_mimebundle_()) == {PLOTLY_MIME}


def test_output_shows_the_figure_and_each_batch_redraws_it_once():
    fig = _figure()
    out = fig.output
    assert out is fig.output  # one widget per figure
    (shown,) = out.outputs
    assert shown["data"][PLOTLY_MIME]["data"][0]["y"] == [1, 2, 3]
    draws = []
    out.observe(lambda change: draws.append(change), names="outputs")
    with fig.batch_update():
        fig.data[0].y = [3, 2, 1]
        with fig.batch_update():  # nested: still one redraw, at the end of the outer batch
            fig.layout.title.text = "u"
    assert len(draws) == 1
    data = out.outputs[0]["data"][PLOTLY_MIME]
    assert data["data"][0]["y"] == [3, 2, 1] and data["layout"]["title"]["text"] == "u"


def test_a_figure_copies_another_and_stays_a_go_figure():
    copy = Figure(_figure())
    assert isinstance(copy, go.Figure) and copy.data[0].name == "a"


def test_an_error_in_a_batch_propagates_and_does_not_redraw():
    fig = _figure()
    out = fig.output
    before = out.outputs
    with pytest.raises(ValueError), fig.batch_update():
        fig.data[0].y = [9, 9, 9]
        raise ValueError("boom")
    assert out.outputs == before


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
fig.output
print("plotly.io._renderers" in sys.modules, "plotly.basewidget" in sys.modules)
"""


def test_showing_a_suite_figure_imports_neither_renderers_nor_the_widget_bundle():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]


def test_bundle_of_a_3d_view_matches_plotlys_own_encoding_without_changing_the_figure():
    import json

    from widgets.anatomy.view import AnatomyExplorer

    explorer = AnatomyExplorer()
    for fig in (explorer.vertebra_fig, explorer.spine_fig):
        before = pio.to_json(fig.to_dict(), validate=False, remove_uids=False)
        assert fig.mimebundle() == {PLOTLY_MIME: json.loads(before)}
        assert pio.to_json(fig.to_dict(), validate=False, remove_uids=False) == before  # unchanged


def test_frames_are_kept():
    fig = Figure(go.Scatter(x=[1, 2], y=[3, 4]), frames=[go.Frame(data=[go.Scatter(x=[1, 2], y=[4, 3])])])
    renderer = pio.renderers["plotly_mimetype"]
    assert fig.mimebundle() == renderer.to_mimebundle(fig.to_dict())


@pytest.mark.parametrize("array", [
    [0.5, 1.5, -2.0], [1, 2, 3], [1, 300, -5], [1, 70000, 3], [2**40, 1], [[1, 2], [3, 4]],
    [[0.5, 1.0, 2.0], [3.0, 4.0, 5.0]],
], ids=["float64", "int8 range", "int16 range", "int32 range", "too wide for int32", "2-D int", "2-D float"])
@pytest.mark.parametrize("dtype", [None, "float32", "uint64", "int32"])
def test_typed_arrays_match_plotlys(array, dtype):
    import numpy as np
    from _plotly_utils.utils import to_typed_array_spec

    from widgets.core.figures import _typed_array

    if dtype == "uint64" and np.min(array) < 0:
        pytest.skip("negative values are not unsigned")
    try:
        v = np.asarray(array, dtype=dtype)
    except OverflowError:
        pytest.skip("the values do not fit the dtype")
    expected = to_typed_array_spec(v)
    got = _typed_array(v)
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and np.array_equal(got, expected)
    else:
        assert got == expected
    assert _typed_array(np.array([], dtype=float)).size == 0
    assert list(_typed_array(np.array(["a", "b"], dtype=object))) == ["a", "b"]


@pytest.mark.parametrize("trace", [
    go.Scatter(x=[1.0, float("nan"), 3.0], y=[float("inf"), 2, 3], text=["a", None, "c"]),
    go.Scatter(x=[1, 2, 3], y=[4, 5, 6], customdata=[[1, "a"], [2, "b"], [3, "c"]]),
    go.Bar(x=["L1", "L2"], y=[3, 4], marker={"color": ["#000000", "#E69F00"]}),
    go.Scatter(x=["2024-01-01", "2024-02-01"], y=[1, 2]),
], ids=["nan and inf", "nested customdata", "bar with colour list", "dates as text"])
def test_plain_encoding_matches_plotlys_for_awkward_values(trace):
    import datetime as dt

    import numpy as np

    fig = Figure(trace, layout={"title": {"text": "t"}, "xaxis": {"range": [0, np.int64(4)]},
                                "annotations": [{"x": np.float64(1.5), "y": 1, "text": "n"}]})
    renderer = pio.renderers["plotly_mimetype"]
    assert fig.mimebundle() == renderer.to_mimebundle(fig.to_dict())
    dated = Figure(go.Scatter(x=np.array([dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1)]), y=[1, 2]))
    assert dated.mimebundle() == renderer.to_mimebundle(dated.to_dict())  # plotly's encoder path
