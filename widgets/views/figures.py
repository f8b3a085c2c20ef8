"""A plotly figure that draws as plotly's JSON mime bundle, alone or inside an Output widget.

Why not ``plotly.graph_objects.FigureWidget``: with plotly >= 6 every
FigureWidget is an anywidget whose state carries plotly's whole widget bundle
(about 5 MB of JavaScript), sent again for each figure. In a lesson with four
interactive figures that is 20 MB through the kernel and into the browser, and
about 0.17 s of kernel time a figure (see ``benchmarks/bench_lessons.py``).

:class:`Figure` is a ``go.Figure``: the models and the tests read and update
``figure.data`` and ``figure.layout`` exactly as before. It differs in two ways.

* Displayed in a cell it emits the ``application/vnd.plotly.v1+json`` bundle
  (the bundle plotly's ``plotly_mimetype`` renderer emits, byte for byte),
  without importing plotly's renderer machinery (nbformat, jsonschema: ~0.3 s).
  JupyterLab draws it with the plotly.js inside its extension: no CDN.
* :attr:`Figure.output` is an ``ipywidgets.Output`` showing the figure. Every
  ``with figure.batch_update():`` block redraws it once on exit, so a view's
  callback changes the traces and the student sees the new figure; code that
  replaces ``figure.data`` outside a batch calls :meth:`Figure.redraw`.

A redraw replaces the whole figure in the browser (plotly.js ``react``), so a
3-D view returns to its own camera when a control changes; the figure's layout
can set that camera.
"""

from __future__ import annotations

import contextlib
import json

import plotly.graph_objects as go

__all__ = ["PLOTLY_MIME", "Figure"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _copy_structure(node):
    """Copy dicts and lists all the way down; share everything else (arrays, strings, numbers)."""
    if isinstance(node, dict):
        return {k: _copy_structure(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_copy_structure(v) for v in node]
    return node


class Figure(go.Figure):
    """A ``go.Figure`` with a light mime bundle and an Output widget that redraws after each batch."""

    _miss_output = None  # the Output widget, made on first use of ``output``

    def mimebundle(self) -> dict[str, dict]:
        """Return ``{PLOTLY_MIME: {"data": [...], "layout": {...}}}``, JSON-compatible.

        What ``pio.to_json(fig.to_dict())`` gives (a test checks it), without
        ``to_dict``'s deep copy: that copies every element of the object arrays a
        3-D view carries (hover text per vertex), two thirds of the time of a
        redraw. Copying the dicts and lists is enough, because plotly's base64
        step replaces arrays in the dicts and never changes an array.
        """
        from _plotly_utils.utils import convert_to_base64
        from plotly.io.json import to_json_plotly  # plotly.io imports its parts lazily

        fig = {"data": _copy_structure(self._data), "layout": _copy_structure(self._layout)}
        if self._frame_objs:
            fig["frames"] = _copy_structure([frame._props for frame in self._frame_objs])
        convert_to_base64(fig)
        return {PLOTLY_MIME: json.loads(to_json_plotly(fig))}

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return self.mimebundle()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.mimebundle(), raw=True)

    @property
    def output(self):
        """The ``ipywidgets.Output`` that shows this figure; redrawn by :meth:`redraw`."""
        if self._miss_output is None:
            import ipywidgets as ipw

            self._miss_output = ipw.Output()
            self.redraw()
        return self._miss_output

    def redraw(self) -> None:
        """Show the figure as it is now in :attr:`output` (nothing to do before it exists)."""
        if self._miss_output is not None:
            self._miss_output.outputs = (
                {"output_type": "display_data", "data": self.mimebundle(), "metadata": {}},)

    @contextlib.contextmanager
    def batch_update(self):
        """Run plotly's ``batch_update``, then redraw :attr:`output` once (outermost batch only)."""
        if self._in_batch_mode:
            with super().batch_update():
                yield
            return
        with super().batch_update():
            yield
        self.redraw()
