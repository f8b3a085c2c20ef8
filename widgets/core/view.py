"""Thin ipywidgets and plotly views over the models in :mod:`widgets`.

Shared conventions: the Okabe-Ito colour-blind-safe palette, a dash style as
well as a colour for every series, a described label on every control, and
callbacks that show their errors in the view and re-raise them
(:class:`TopicView` does the wiring for every view class, the quiz's included),
and a widget that a keyboard and a screen reader can use: the ``widget()`` of
every view passes through :func:`widgets.core.a11y.accessible`.
"""

from __future__ import annotations

import contextlib
import functools
import html
from collections.abc import Callable, Iterable, Iterator

from widgets.core.tables import table_html

__all__ = ["DASHES", "MISS_STYLE", "OKABE_ITO", "OPEN_STYLE", "TopicView", "plot_template", "table_html"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
DASHES = ("solid", "dash", "dot", "dashdot")
#: How MISS and open surgery are drawn wherever the two are compared (colour, bar pattern, marker, line).
MISS_STYLE = {"color": OKABE_ITO["blue"], "pattern": "", "symbol": "circle", "dash": "solid"}
OPEN_STYLE = {"color": OKABE_ITO["vermillion"], "pattern": "/", "symbol": "square", "dash": "dash"}

_AXIS = {"linecolor": "rgb(36,36,36)", "showgrid": False, "showline": True, "ticks": "outside",
         "zeroline": False, "zerolinecolor": "rgb(36,36,36)", "automargin": True,
         "gridcolor": "rgb(232,232,232)", "title": {"standoff": 15}}
_SCENE_AXIS = {"backgroundcolor": "white", "gridcolor": "rgb(232,232,232)", "linecolor": "rgb(36,36,36)",
               "showbackground": True, "showgrid": False, "showline": True, "ticks": "outside",
               "zeroline": False}


@functools.cache
def plot_template() -> str:
    """Register and return the name of the suite's plotly template, ``"miss"``.

    The layout of plotly's ``simple_white`` (white background, axis lines, outside
    ticks, no grid) with the Okabe-Ito colourway, and without ``simple_white``'s
    per-trace defaults: plotly deep-copies a template into every figure, and the
    full ``simple_white`` cost ~35 ms a figure against ~8 ms for this one.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    pio.templates["miss"] = go.layout.Template(layout={
        "xaxis": _AXIS, "yaxis": _AXIS, "font": {"color": "rgb(36,36,36)"},
        "paper_bgcolor": "white", "plot_bgcolor": "white", "hovermode": "closest",
        "colorway": list(OKABE_ITO.values()), "title": {"x": 0.05}, "hoverlabel": {"align": "left"},
        "scene": {"xaxis": _SCENE_AXIS, "yaxis": _SCENE_AXIS, "zaxis": _SCENE_AXIS},
        "shapedefaults": {"fillcolor": "black", "line": {"width": 0}, "opacity": 0.3},
        "annotationdefaults": {"arrowhead": 0, "arrowwidth": 1},
    })
    return "miss"


class TopicView:
    """The base of an interactive view: a status line, guarded callbacks, batches of changes.

    A view builds its controls, then wires each callback with :meth:`observe`
    (or :meth:`on_click`): the callback runs *guarded*, so an error is shown in
    :attr:`status` (``Error: ...``) and then re-raised, never swallowed. A
    callback that changes several controls at once does it inside
    ``with self.batch():``, so that each guarded callback runs once, after the
    last change, instead of once per control::

        class Explorer(TopicView):
            def __init__(self):
                super().__init__()
                self.size = ipw.IntSlider(description="Size")
                self.depth = ipw.IntSlider(description="Depth")
                self._update = self.observe([self.size, self.depth], self._update_unguarded)
                self._update()

            def preset(self):
                with self.batch():          # one redraw, not two
                    self.size.value, self.depth.value = 3, 4

            def _update_unguarded(self, change=None):
                ...                          # redraw from the controls
                self.clear_status()

            def widget(self):
                return ipw.VBox([self.size, self.depth, self.status])
    """

    def __init_subclass__(cls, **kwargs):
        """Make the ``widget()`` a view defines return its widget made accessible.

        :func:`widgets.core.a11y.accessible` adds the key guard (a focused
        control keeps its keys; slider handles and figures get their names) and
        sizes labels and buttons to their text; views need do nothing.
        """
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("widget")
        if own is None or getattr(own, "_miss_accessible", False):
            return

        @functools.wraps(own)
        def widget(self, *args, **kw):
            from widgets.core.a11y import accessible

            return accessible(own(self, *args, **kw))

        widget._miss_accessible = True
        cls.widget = widget

    def __init__(self) -> None:
        import ipywidgets as ipw

        #: The view's status line: an error or a hint for the student; empty when all is well.
        self.status = ipw.HTML()
        self._guards: dict[Callable, Callable] = {}
        self._batch_depth = 0
        self._pending: dict[Callable, tuple[tuple, dict]] = {}

    def show_status(self, text: str) -> None:
        """Show ``text`` (plain text, escaped) in the status line as an alert."""
        self.status.value = f'<p role="alert">{html.escape(text)}</p>'

    def clear_status(self) -> None:
        """Empty the status line."""
        self.status.value = ""

    def guard(self, handler: Callable) -> Callable:
        """Return ``handler`` guarded: errors shown in the status line and re-raised; held in a batch.

        The same handler always gets the same guarded callable, so a callback
        wired to several controls runs once per batch.
        """
        guarded_handler = self._guards.get(handler)
        if guarded_handler is None:

            @functools.wraps(handler)
            def guarded_handler(*args, **kwargs):
                if self._batch_depth:
                    self._pending[guarded_handler] = (args, kwargs)
                    return None
                try:
                    return handler(*args, **kwargs)
                except Exception as exc:
                    self.show_status(f"Error: {exc}")
                    raise

            self._guards[handler] = guarded_handler
        return guarded_handler

    def observe(self, controls, handler: Callable, names: str | Iterable[str] = "value") -> Callable:
        """Call ``handler`` (guarded) when ``names`` of any of ``controls`` change; return it guarded."""
        guarded_handler = self.guard(handler)
        for control in _as_list(controls):
            control.observe(guarded_handler, names=names)
        return guarded_handler

    def on_click(self, buttons, handler: Callable) -> Callable:
        """Call ``handler`` (guarded) when any of ``buttons`` is pressed; return it guarded."""
        guarded_handler = self.guard(handler)
        for button in _as_list(buttons):
            button.on_click(guarded_handler)
        return guarded_handler

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the guarded callbacks while several controls change; run each once at the end.

        A callback that fired (or was called) inside the batch runs once when
        the outermost batch ends, with the arguments of its last call, in the
        order the callbacks first fired. Nothing runs when the batch ends with
        an error.
        """
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            if self._batch_depth == 1:
                self._pending.clear()
            raise
        finally:
            self._batch_depth -= 1
        if self._batch_depth == 0:
            while self._pending:
                handler, (args, kwargs) = next(iter(self._pending.items()))
                del self._pending[handler]
                handler(*args, **kwargs)


def _as_list(controls) -> list:
    return list(controls) if isinstance(controls, (list, tuple)) else [controls]


def _use_offline_renderer() -> None:
    """Make plotly's own renderer emit JSON mime bundles (offline, stable for nbval).

    The suite's figures are :class:`widgets.core.figures.Figure` and never use
    plotly's renderers; this covers a plain ``go.Figure`` a student makes in a
    lesson. It sets the default through ``PLOTLY_RENDERER``, which plotly reads
    when its renderers are first imported, so importing :mod:`widgets.core.view`
    does not pay for that import (nbformat, jsonschema). A value already set wins.
    """
    import os

    os.environ.setdefault("PLOTLY_RENDERER", "plotly_mimetype")


_use_offline_renderer()
