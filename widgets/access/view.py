"""Interactive views of access: open vs tubular corridor (lesson 00), the MISS vs open comparator (06)."""

from __future__ import annotations

import html
import math

import ipywidgets as ipw
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from widgets.access.comparator import LEVELS, PROCEDURE_LABELS, PROCEDURES, compare, input_rows, tube_options
from widgets.access.corridor import compare_corridors, ratio_text, tube_diameters
from widgets.core.assumptions import assumption
from widgets.core.figures import Figure
from widgets.core.view import MISS_STYLE, OKABE_ITO, OPEN_STYLE, TopicView, plot_template, table_html

__all__ = ["ComparatorView", "CorridorExplorer"]

_INITIAL = {"description_width": "initial"}


def _circle(d: float, n: int = 73) -> tuple[list[float], list[float]]:
    r = d / 2
    angles = [2 * math.pi * i / (n - 1) for i in range(n)]
    return [r * math.cos(a) for a in angles], [r * math.sin(a) for a in angles]


def _rectangle(length: float, width: float) -> tuple[list[float], list[float]]:
    x, y = width / 2, length / 2
    return [-x, x, x, -x, -x], [-y, -y, y, y, -y]


class CorridorExplorer(TopicView):
    """Tube size, depth and open retraction width in; corridors, table and plan view out.

    The plan view shows the open wound twice: its opening at the skin, which
    lengthens as the depth grows, and its window at the lamina; the tube's
    opening and window are the same circle at any depth.
    """

    def __init__(self, tube_diameter_mm: int = 16, depth_mm: float = 50.0,
                 retraction_width_mm: float = 40.0):
        super().__init__()
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
                title="Openings at the skin and windows at the lamina<br>(plan view, to scale)",
                xaxis={"title": "mediolateral (mm)", "scaleanchor": "y", "zeroline": False},
                yaxis={"title": "craniocaudal (mm)", "zeroline": False},
                height=420, width=520, template=plot_template(),
                legend={"orientation": "h", "y": -0.2},
            ),
        )
        self._update = self.observe([self.tube, self.depth, self.width], self._update_unguarded)
        self._update()

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
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox(
            [self.tube, self.depth, self.width, self.figure.output, self.summary, self.table, self.status],
            layout=ipw.Layout(width="560px"),
        )


def _tube_label(value: float, confidence: str) -> str:
    cited = {t.value for t in tube_diameters()}
    if value in cited:
        return f"{value:g} mm"
    return f"{value:g} mm (upper end of a range; {confidence})"


class ComparatorView(TopicView):
    """Procedure, level, tube and depth in; incisions, window and corridor of MISS and open out."""

    _METRICS = (("incision_total_mm", "Skin incision, total (mm)"),
                ("window_area_mm2", "Working window (mm²)"),
                ("volume_cm3", "Tissue corridor (cm³)"))

    def __init__(self, procedure: str = "tlif", level: str = "L4-L5", tube_diameter_mm: int = 18,
                 depth_mm: float = 50.0):
        super().__init__()
        depth = assumption("skin_to_lamina_depth")
        self.procedure = ipw.Dropdown(options=[(PROCEDURE_LABELS[p], p) for p in PROCEDURES],
                                      value=procedure, description="Procedure", style=_INITIAL,
                                      layout=ipw.Layout(width="520px"))
        self.level = ipw.Dropdown(options=list(LEVELS), value=level, description="Level", style=_INITIAL)
        self.tube = ipw.Dropdown(
            options=[(_tube_label(t.value, t.confidence), int(t.value)) for t in tube_options()],
            value=tube_diameter_mm, description="Tube diameter", style=_INITIAL)
        self.depth = ipw.FloatSlider(
            value=depth_mm, min=depth.minimum, max=depth.maximum, step=1.0,
            description="Skin-to-lamina depth, mm (assumption)", style=_INITIAL, readout_format=".0f",
            layout=ipw.Layout(width="480px"), continuous_update=False)
        self.summary = ipw.HTML()
        self.table = ipw.HTML()
        self.inputs = ipw.HTML()
        fig = make_subplots(rows=1, cols=3, subplot_titles=[t for _, t in self._METRICS],
                            horizontal_spacing=0.12)
        styles = (MISS_STYLE, OPEN_STYLE)
        for col, (_, title) in enumerate(self._METRICS, start=1):
            # one trace per panel, a bar per approach: fewer properties to update per callback
            fig.add_trace(go.Bar(
                x=["MISS", "open"], y=[0, 0], name=title, showlegend=False,
                marker={"color": [s["color"] for s in styles],
                        "pattern": {"shape": [s["pattern"] for s in styles]},
                        "line": {"color": OKABE_ITO["black"], "width": 1}},
                hovertemplate="%{x}: %{y:.1f}<br>%{customdata}<extra></extra>", customdata=["", ""]),
                row=1, col=col)
        fig.update_layout(height=380, width=760, template=plot_template(), bargap=0.35, margin={"t": 90})
        self.figure = Figure(fig)
        controls = [self.procedure, self.level, self.tube, self.depth]
        self._update = self.observe(controls, self._update_unguarded)
        self._update()

    def result(self):
        """Return the comparison for the current controls."""
        return compare(self.procedure.value, self.level.value, self.tube.value, self.depth.value)

    def _update_unguarded(self, change=None) -> None:
        c = self.result()
        with self.figure.batch_update():
            incisions = [" + ".join(x.text() for x in a.incisions) for a in (c.miss, c.open)]
            for i, (attr, _) in enumerate(self._METRICS):
                trace = self.figure.data[i]
                trace.y = [getattr(c.miss, attr), getattr(c.open, attr)]
                trace.customdata = incisions
            self.figure.layout.title = {
                "text": f"{PROCEDURE_LABELS[c.procedure]}<br><sup>at {c.level}, {c.tube_diameter_mm:g} mm"
                        f" tube, depth {c.depth_mm:g} mm (assumption)</sup>", "x": 0.02}
        self.summary.value = f"<p>{html.escape(c.summary())}</p>"
        self.table.value = table_html(
            [c.miss.as_row(), c.open.as_row()],
            f"MISS and open access at {c.level} (data table behind the figure)")
        rows = input_rows(c.procedure, c.level, c.tube_diameter_mm, c.depth_mm)
        self.inputs.value = table_html(rows, "Where each input comes from: cited, derived or assumption")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        controls = ipw.VBox([self.procedure, ipw.HBox([self.level, self.tube]), self.depth])
        return ipw.VBox([controls, self.figure.output, self.summary, self.table, self.inputs, self.status],
                        layout=ipw.Layout(width="780px"))
