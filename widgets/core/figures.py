"""A plotly figure drawn by one small widget that updates in place.

Why not ``plotly.graph_objects.FigureWidget``: with plotly >= 6 every
FigureWidget is an anywidget whose state carries plotly's whole widget bundle
(about 5 MB of JavaScript), sent again for each figure. And why not an
``ipywidgets.Output`` redrawn with a fresh plotly bundle: every redraw makes a
new plotly div, so a 3-D view creates a new WebGL context each time (the
browser gives up after a handful: "Too many active WebGL contexts") and the
student's camera is lost.

:class:`Figure` is a ``go.Figure``: the models and the tests read and update
``figure.data`` and ``figure.layout`` exactly as before. In addition:

* :attr:`Figure.widget` (also :attr:`Figure.output`) is a :class:`FigureView`,
  an anywidget. Each trace's JSON, written by plotly's public
  ``plotly.io.json.to_json_plotly``, lives in a :class:`TraceModel` of its own
  (a model without a view), and the view holds the list of them, the layout's
  JSON and a digest per trace. A change sends only the traces that changed: a
  level change of lesson 01 resends the highlighted part of the spine
  overview, not the whole L1-S1 stack. Its ``alt`` trait is a sentence saying
  what the figure shows, given as ``Figure(..., alt=...)`` or made from the
  title and the trace names, and kept up to date with the figure. In the page
  the plot's container carries it as ``aria-label`` with ``role="figure"`` (not
  ``"img"``, whose children are hidden: plotly's mode bar holds buttons).
* In the browser plotly.js is evaluated once per page, from the copy inside the
  installed plotly package (``plotly/package_data/plotly.min.js``), which one
  shared loader widget sends once per kernel: nothing comes from a CDN. Each
  change of the figure reaches the same div through ``Plotly.react`` with a
  fixed ``uirevision``: one WebGL context per 3-D view, and the camera the
  student chose stays.
* Every ``with figure.batch_update():`` block updates the widget once on exit,
  so a view's callback changes the traces and the student sees the new figure;
  code that replaces ``figure.data`` outside a batch calls :meth:`Figure.redraw`.
* Displayed directly in a cell (a static figure), it is plotly's JSON mime
  bundle, which JupyterLab draws with its own plotly.js; the text alternative
  rides along in ``layout.meta.alt``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from importlib import resources

import anywidget
import ipywidgets
import plotly.graph_objects as go
import traitlets
from ipywidgets import widget_serialization

__all__ = ["PLOTLY_MIME", "Figure", "FigureView", "TraceModel", "describe"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
_TAGS = re.compile(r"<[^>]+>")
_3D = frozenset({"mesh3d", "scatter3d", "surface", "cone", "isosurface", "volume"})


def _to_json(fig: go.Figure) -> str:
    from plotly.io import to_json  # plotly's public encoder (typed arrays for numpy data)

    return to_json(fig, validate=False)


class PlotlyJS(anywidget.AnyWidget):
    """The plotly.js of the installed plotly package, sent to the page once per kernel (no view)."""

    _esm = "export default {};"
    source = traitlets.Unicode().tag(sync=True)

    _shared = None

    @classmethod
    def shared(cls) -> PlotlyJS:
        """Return the kernel's one loader, made on first use."""
        if cls._shared is None:
            source = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_text("utf-8")
            cls._shared = cls(source=source)
        return cls._shared


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


class TraceModel(ipywidgets.Widget):
    """One trace of a figure as plotly's JSON (``spec``) and its digest: a model without a view.

    Synced on its own, so that a figure's change sends only the traces that changed.
    """

    spec = traitlets.Unicode("{}").tag(sync=True)
    digest = traitlets.Unicode("").tag(sync=True)


class FigureView(anywidget.AnyWidget):
    """One plotly figure in the page, updated in place with ``Plotly.react``.

    State: ``traces`` (one :class:`TraceModel` per trace, in order), ``digests``
    (each trace's digest, so the page draws once every trace has arrived),
    ``plot_layout`` and ``frames`` (plotly's JSON), and ``alt``.
    """

    _esm = resources.files("widgets.core").joinpath("figure_widget.js").read_text("utf-8")
    traces = traitlets.List(traitlets.Instance(TraceModel)).tag(sync=True, **widget_serialization)
    digests = traitlets.List(traitlets.Unicode()).tag(sync=True)
    plot_layout = traitlets.Unicode("{}").tag(sync=True)
    frames = traitlets.Unicode("[]").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    plotly_js = traitlets.Instance(PlotlyJS).tag(sync=True, **widget_serialization)

    @traitlets.default("plotly_js")
    def _plotly_js(self):
        return PlotlyJS.shared()

    def spec(self) -> dict:
        """Return the figure the page is shown, as one plotly JSON dict (data, layout and frames)."""
        out = {"data": [json.loads(t.spec) for t in self.traces], "layout": json.loads(self.plot_layout)}
        frames = json.loads(self.frames)
        if frames:
            out["frames"] = frames
        return out

    def show(self, *, traces: list[str], layout: str, frames: str = "[]") -> list[int]:
        """Show these traces (plotly JSON texts), layout and frames; return the indices of traces resent.

        A trace whose text is unchanged is not sent again; models of traces
        no longer shown are closed.
        """
        models = list(self.traces)
        sent = []
        for i, text in enumerate(traces):
            digest = _digest(text)
            if i < len(models):
                if models[i].digest != digest:
                    with models[i].hold_sync():
                        models[i].spec, models[i].digest = text, digest
                    sent.append(i)
            else:
                models.append(TraceModel(spec=text, digest=digest))
                sent.append(i)
        dropped = models[len(traces):]
        with self.hold_sync():  # after the traces: the page draws once every digest matches
            self.traces = models[:len(traces)]
            self.digests = [m.digest for m in self.traces]
            self.plot_layout = layout
            self.frames = frames
        for m in dropped:
            m.close()
        return sent


def _text(value) -> str:
    return " ".join(_TAGS.sub(" ", str(value or "")).split())


def describe(fig: go.Figure) -> str:
    """Return a sentence saying what ``fig`` shows: its title, its kind and its named traces."""
    title = _text(fig.layout.title.text)
    kind = "3-D figure" if any(t.type in _3D for t in fig.data) else "chart"
    names = []
    for trace in fig.data:
        name = _text(getattr(trace, "name", None))
        if name and name not in names:
            names.append(name)
    sentence = f"{title}: a {kind}" if title else f"A {kind}"
    if names:
        sentence += " showing " + ", ".join(names[:12]) + (" and more" if len(names) > 12 else "")
    return sentence + "."


class Figure(go.Figure):
    """A ``go.Figure`` with a widget that shows it and updates in place after each batch."""

    _miss_view = None  # the FigureView, made on first use of ``widget``
    _miss_alt = None  # the text alternative given by the caller, if any
    _miss_depth = 0  # how many batch_update blocks are open

    def __init__(self, *args, alt: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._miss_alt = alt

    @property
    def alt(self) -> str:
        """A sentence saying what the figure shows (given, or made by :func:`describe`)."""
        return self._miss_alt or describe(self)

    @alt.setter
    def alt(self, text: str) -> None:
        self._miss_alt = text
        if self._miss_view is not None:
            self._miss_view.alt = self.alt

    def mimebundle(self) -> dict[str, dict]:
        """Return ``{PLOTLY_MIME: {"data": [...], "layout": {...}}}`` (plotly's own JSON).

        The text alternative travels in ``layout.meta.alt``, where the suite's
        front-end piece (:class:`widgets.core.a11y.KeyGuard`) reads it to label the plot.
        """
        spec = json.loads(_to_json(self))
        layout = spec.setdefault("layout", {})
        meta = layout.get("meta")
        if meta is None or isinstance(meta, dict):
            layout["meta"] = {**(meta or {}), "alt": self.alt}
        return {PLOTLY_MIME: spec}

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return self.mimebundle()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.mimebundle(), raw=True)

    @property
    def widget(self) -> FigureView:
        """The :class:`FigureView` that shows this figure; updated by :meth:`redraw`."""
        if self._miss_view is None:
            self._miss_view = FigureView()
            self.redraw()
        return self._miss_view

    output = widget  # the name the views used when this was an Output widget

    def redraw(self) -> None:
        """Send what changed of the figure to :attr:`widget` (nothing to do before it exists)."""
        if self._miss_view is None:
            return
        from plotly.io.json import to_json_plotly  # plotly's public encoder (typed arrays for numpy)

        spec = self.to_dict()
        self._miss_view.show(traces=[to_json_plotly(t) for t in spec.get("data", [])],
                             layout=to_json_plotly(spec.get("layout", {})),
                             frames=to_json_plotly(spec.get("frames", [])))
        self._miss_view.alt = self.alt

    @contextlib.contextmanager
    def batch_update(self):
        """Run plotly's ``batch_update``, then update :attr:`widget` once (outermost batch only)."""
        self._miss_depth += 1
        try:
            with super().batch_update():
                yield
        finally:
            self._miss_depth -= 1
        if self._miss_depth == 0:
            self.redraw()
