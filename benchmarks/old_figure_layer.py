"""The suite's earlier figure layer, rebuilt for the browser benchmark only (no lesson uses it).

Before the figure widget (``widgets.core.figures.FigureView``), a view's figure
was an ``ipywidgets.Output`` whose outputs were replaced, on every change, by
the figure's plotly JSON mime bundle (``application/vnd.plotly.v1+json``),
which JupyterLab draws with its own plotly renderer extension
(``jupyterlab-plotly``). So each change made a new plotly div, and a 3-D view
a new WebGL context, and the camera the student chose was lost.

:func:`mirror` rebuilds that for lesson 01's :class:`AnatomyExplorer`: its
level dropdown, and its two 3-D figures (the vertebra and the spine) redrawn
as bundles into two Outputs whenever the level changes, exactly as the old
``Figure.redraw`` did (``output.outputs = (display_data,)``). The explorer's own
figure widgets are never created, so only the old layer draws. Each bundle is
the whole figure, encoded by today's ``Figure.mimebundle`` (plotly's
``plotly.io.to_json``), as the old layer sent the whole figure on every change;
the figure widget sends only the traces that changed. (The old layer had a
JSON encoder of its own, since removed, so the kernel's share may differ a
little from what it was then.)
:func:`write_notebook` writes a notebook that does this, for the benchmark to
open and run in its temporary JupyterLab (the kernel needs only ``widgets``,
not this package: the function's source is written into the notebook).
"""

from __future__ import annotations

import inspect
from pathlib import Path

NAME = "old figure layer (JSON bundles, benchmark only)"
NOTEBOOK = "bench-old-figure-layer.ipynb"


def mirror(explorer):
    """Return the explorer's level dropdown above its two figures, redrawn as JSON bundles on each change."""
    import ipywidgets as ipw

    figures = (explorer.vertebra_fig, explorer.spine_fig)
    outputs = tuple(ipw.Output() for _ in figures)

    def redraw(change=None):
        # runs after the explorer's own callback (observed first), which has updated the figures
        for output, figure in zip(outputs, figures, strict=True):
            output.outputs = ({"output_type": "display_data", "data": figure.mimebundle(), "metadata": {}},)

    explorer.level.observe(redraw, names="value")
    redraw()
    return ipw.VBox([explorer.level, ipw.HBox(list(outputs))])


def notebook_cells() -> list[tuple[str, str]]:
    """The cells of the benchmark's notebook, as (kind, source) pairs."""
    return [
        ("markdown", "Benchmark only: lesson 01's explorer drawn by the earlier figure layer "
                     "(plotly JSON bundles redrawn into an Output on every change)."),
        ("code", "from __future__ import annotations\n\n" + inspect.getsource(mirror)),
        ("code", "from widgets.anatomy.view import AnatomyExplorer\n\n"
                 "explorer = AnatomyExplorer()\nmirror(explorer)"),
    ]


def write_notebook(path: Path) -> Path:
    """Write the benchmark's notebook to ``path`` and return it."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    for kind, text in notebook_cells():
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "markdown"
                        else nbformat.v4.new_code_cell(text))
    nbformat.write(nb, path)
    return path
