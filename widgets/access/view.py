"""Interactive comparison of open midline exposure and tubular access (lesson 00)."""

from __future__ import annotations

import math

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.access.corridor import compare_corridors, ratio_text, tube_diameters
from widgets.core.assumptions import assumption
from widgets.core.data import cite
from widgets.core.figures import Figure
from widgets.core.view import OKABE_ITO, guarded, plot_template, table_html

__all__ = ["CorridorExplorer"]


def _circle(d: float, n: int = 73) -> tuple[list[float], list[float]]:
    r = d / 2
    angles = [2 * math.pi * i / (n - 1) for i in range(n)]
    return [r * math.cos(a) for a in angles], [r * math.sin(a) for a in angles]


def _rectangle(length: float, width: float) -> tuple[list[float], list[float]]:
    x, y = width / 2, length / 2
    return [-x, x, x, -x, -x], [-y, -y, y, y, -y]


class CorridorExplorer:
    """Tube size, depth and open retraction width in; corridors, table and plan view out.

    The plan view shows the open wound twice: its opening at the skin, which
    lengthens as the depth grows, and its window at the lamina; the tube's
    opening and window are the same circle at any depth.
    """

    def __init__(self, tube_diameter_mm: int = 16, depth_mm: float = 50.0,
                 retraction_width_mm: float = 40.0):
        tubes = tube_diameters()
        depth = assumption("skin_to_lamina_depth")
        width = assumption("open_retraction_width")
        self.tube = ipw.Dropdown(
            options=[(f"{t.value:g} mm", int(t.value)) for t in tubes],
            value=tube_diameter_mm,
            description="Tube diameter",
            style={"description_width": "initial"},
        )
        self.depth = ipw.FloatSlider(
            value=depth_mm, min=depth.minimum, max=depth.maximum, step=1.0,
            description="Skin-to-lamina depth, mm (assumption)",
            style={"description_width": "initial"}, layout=ipw.Layout(width="480px"),
            continuous_update=False,
        )
        self.width = ipw.FloatSlider(
            value=retraction_width_mm, min=width.minimum, max=width.maximum, step=1.0,
            description="Open retraction width, mm (assumption)",
            style={"description_width": "initial"}, layout=ipw.Layout(width="480px"),
            continuous_update=False,
        )
        self.table = ipw.HTML()
        self.summary = ipw.HTML()
        self.status = ipw.HTML()
        self.figure = Figure(
            data=[
                go.Scatter(name="open wound at the skin (plan view)", mode="lines",
                           line={"color": OKABE_ITO["vermillion"], "dash": "dash", "width": 3},
                           hovertemplate="open wound, skin<br>x %{x:.1f} mm, y %{y:.1f} mm<extra></extra>"),
                go.Scatter(name="open wound at the lamina", mode="lines", fill="toself",
                           line={"color": OKABE_ITO["orange"], "dash": "dot", "width": 3},
                           hovertemplate="open wound, lamina<br>x %{x:.1f} mm, y %{y:.1f} mm<extra></extra>"),
                go.Scatter(name="tube (skin and lamina)", mode="lines", fill="toself",
                           line={"color": OKABE_ITO["blue"], "dash": "solid", "width": 3},
                           hovertemplate="tube<br>x %{x:.1f} mm, y %{y:.1f} mm<extra></extra>"),
            ],
            layout=go.Layout(
                title="Openings at the skin and windows at the lamina (plan view, to scale)",
                xaxis={"title": "mediolateral (mm)", "scaleanchor": "y", "zeroline": False},
                yaxis={"title": "craniocaudal (mm)", "zeroline": False},
                height=420, width=520, template=plot_template(),
                legend={"orientation": "h", "y": -0.2},
            ),
        )
        self._update = guarded(self._set_status)(self._update_unguarded)
        for control in (self.tube, self.depth, self.width):
            control.observe(self._update, names="value")
        self._update()

    def _set_status(self, text: str) -> None:
        self.status.value = f'<p role="alert">{text}</p>'

    def results(self):
        """Return the (tubular, open) corridors for the current controls."""
        return compare_corridors(self.tube.value, self.depth.value, self.width.value)

    def _update_unguarded(self, change=None) -> None:
        tube, open_ = self.results()
        with self.figure.batch_update():
            ox, oy = _rectangle(open_.incision_mm, self.width.value)
            wx, wy = _rectangle(open_.window_area_mm2 / self.width.value, self.width.value)
            tx, ty = _circle(tube.incision_mm)
            self.figure.data[0].x, self.figure.data[0].y = ox, oy
            self.figure.data[1].x, self.figure.data[1].y = wx, wy
            self.figure.data[2].x, self.figure.data[2].y = tx, ty
        self.table.value = table_html(
            [tube.as_row(), open_.as_row()],
            "Corridors for the current choices (data table behind the figure)",
        )
        self.summary.value = f"<p>{ratio_text(tube, open_)}</p>"
        self.status.value = ""

    def sources_html(self) -> str:
        """Return the citations behind the cited inputs."""
        keys = sorted({t.source_key for t in tube_diameters()})
        return "".join(f"<p><small>{cite(k)}</small></p>" for k in keys)

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox(
            [self.tube, self.depth, self.width, self.figure.output, self.summary, self.table, self.status],
            layout=ipw.Layout(width="560px"),
        )
