"""The old figure layer rebuilt for the browser benchmark: bundles redrawn into Outputs on each change."""

from __future__ import annotations

import nbformat

from benchmarks import old_figure_layer

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _titles(view) -> list[str]:
    outputs = view.children[1].children
    return [o.outputs[0]["data"][PLOTLY_MIME]["layout"]["title"]["text"] for o in outputs]


def test_the_written_notebook_redraws_both_figures_as_new_bundles_on_each_level_change(tmp_path):
    path = old_figure_layer.write_notebook(tmp_path / old_figure_layer.NOTEBOOK)
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    namespace: dict = {}
    for source in cells:  # what the benchmark's kernel runs, without a kernel
        exec(source, namespace)
    explorer, view = namespace["explorer"], namespace["mirror"](namespace["explorer"])
    assert view.children[0] is explorer.level  # the dropdown the benchmark presses
    first = [o.outputs for o in view.children[1].children]
    assert [t.split(":")[0] for t in _titles(view)] == [explorer.level.value, "L1-S1 with the cited lordosis"]
    explorer.level.value = "L1"
    assert _titles(view)[0].startswith("L1: ") and _titles(view)[1].endswith(": L1 pedicles")
    # each change replaces the output (a new plotly div in the page), as the old layer did
    assert all(o.outputs is not f for o, f in zip(view.children[1].children, first, strict=True))
