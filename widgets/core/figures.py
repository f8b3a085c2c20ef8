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

import base64
import contextlib
import json
import math

import numpy as np
import plotly.graph_objects as go

__all__ = ["PLOTLY_MIME", "Figure"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"


_SKIPPED_KEYS = frozenset({"geojson", "layer", "layers", "range"})  # plotly never base64-encodes these
_SHORT_TYPES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4",
                "uint32": "u4", "float32": "f4", "float64": "f8"}
_INT_FITS = (("int8", -(2**7), 2**7 - 1), ("int16", -(2**15), 2**15 - 1), ("int32", -(2**31), 2**31 - 1))
_UINT_FITS = (("uint8", 0, 2**8 - 1), ("uint16", 0, 2**16 - 1), ("uint32", 0, 2**32 - 1))


def _typed_array(v: np.ndarray):
    """Encode a numpy array as plotly's ``to_typed_array_spec`` does, without its narwhals round trip."""
    from _plotly_utils.utils import to_typed_array_spec

    if v.dtype.kind == "O":  # text per point: plotly leaves the array to its encoder, which lists it
        return v.tolist()
    if v.size == 0 or v.dtype.kind not in "uif":
        return to_typed_array_spec(v)
    a = np.ascontiguousarray(v)
    if a.dtype.name in ("int64", "uint64"):  # plotly.js has no 64-bit integers: narrow when it fits
        lo, hi = a.min(), a.max()
        fits = [t for t, tmin, tmax in (_INT_FITS if a.dtype.name == "int64" else _UINT_FITS)
                if tmin <= lo and hi <= tmax]
        if not fits:
            return to_typed_array_spec(v)
        a = a.astype(fits[0])
    if a.dtype.name not in _SHORT_TYPES:
        return to_typed_array_spec(v)
    spec = {"dtype": _SHORT_TYPES[a.dtype.name], "bdata": base64.b64encode(a).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = str(a.shape)[1:-1]
    return spec


class _NotPlain(Exception):
    """A value only plotly's JSON encoder knows how to write (a date, a 64-bit integer array...)."""


def _plain(value):
    """Return a JSON scalar as plotly's encoder would write it (NaN and infinities become null)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    raise _NotPlain


def _plain_list(values: list) -> list:
    if all(type(v) is str for v in values):
        return values
    return [_encode(v) for v in values]


def _plain_array(key: str, value: np.ndarray):
    """Encode a numpy array found under ``key``: a typed-array spec, or a list of texts."""
    if key in _SKIPPED_KEYS:
        raise _NotPlain  # plotly writes these arrays out element by element: its encoder's job
    spec = _typed_array(value)
    if isinstance(spec, dict):
        return spec
    if isinstance(spec, list):
        return _plain_list(spec)
    raise _NotPlain


def _plotly_array(key: str, value):
    """Encode another array-like found under ``key`` as plotly's own ``to_typed_array_spec`` does."""
    from _plotly_utils.basevalidators import is_homogeneous_array
    from _plotly_utils.utils import to_typed_array_spec

    if key in _SKIPPED_KEYS or not is_homogeneous_array(value):
        raise _NotPlain
    spec = to_typed_array_spec(value)
    if not isinstance(spec, dict):
        raise _NotPlain
    return spec


def _encode(node):
    """Return a figure's dicts and lists as plain JSON data, arrays as plotly.js typed-array specs.

    The same as ``json.loads(pio.to_json(fig.to_dict()))``: arrays that are dict
    values become ``{"dtype", "bdata"}`` specs (numeric numpy arrays here, others
    by plotly's own function), keys plotly skips are not encoded, text arrays
    become lists, NaN and infinities become ``None``; but without a deep copy of
    the figure and without writing and re-reading the JSON (four passes over a
    3-D view's data in plotly's encoder). Arrays are never copied or changed.
    Raises :class:`_NotPlain` for anything only plotly's encoder can write; the
    caller then takes plotly's path.
    """
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if not isinstance(key, str):
                raise _NotPlain
            if isinstance(value, np.ndarray):
                out[key] = _plain_array(key, value)
            elif isinstance(value, dict | list | tuple):
                out[key] = _encode(value)
            else:
                try:
                    out[key] = _plain(value)
                except _NotPlain:
                    out[key] = _plotly_array(key, value)  # a pandas Series and the like
        return out
    if isinstance(node, list | tuple):
        if any(isinstance(v, np.ndarray) for v in node):
            raise _NotPlain
        return _plain_list(list(node))
    return _plain(node)


def _encode_for_plotly(node):
    """Copy dicts and lists, with arrays as plotly's ``convert_to_base64`` leaves them (for its encoder)."""
    from _plotly_utils.utils import convert_to_base64

    def copy(n):
        if isinstance(n, dict):
            return {k: copy(v) for k, v in n.items()}
        if isinstance(n, list | tuple):
            return [copy(v) for v in n]
        return n

    out = copy(node)
    convert_to_base64(out)
    return out


class Figure(go.Figure):
    """A ``go.Figure`` with a light mime bundle and an Output widget that redraws after each batch."""

    _miss_output = None  # the Output widget, made on first use of ``output``

    def mimebundle(self) -> dict[str, dict]:
        """Return ``{PLOTLY_MIME: {"data": [...], "layout": {...}}}``, JSON-compatible.

        What ``json.loads(pio.to_json(fig.to_dict()))`` gives (tests check it) in
        a fraction of the time: ``to_dict`` deep-copies every element of the object
        arrays a 3-D view carries (hover text per vertex), plotly re-validates each
        numeric array on its way to base64, and its encoder writes the JSON twice
        before this reads it back. See :func:`_encode`.
        """
        parts = {"data": self._data, "layout": self._layout}
        if self._frame_objs:
            parts["frames"] = [frame._props for frame in self._frame_objs]
        try:
            return {PLOTLY_MIME: {k: _encode(v) for k, v in parts.items()}}
        except _NotPlain:
            from plotly.io.json import to_json_plotly  # plotly.io imports its parts lazily

            fig = {k: _encode_for_plotly(v) for k, v in parts.items()}
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
