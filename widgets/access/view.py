"""Interactive views of access: corridors (lessons 00, 06), the view down a tube and an endoscope (03).

Open vs tubular corridor (lesson 00), the MISS vs open comparator (06), and the model renderings of
the view down a tubular retractor and through a 30-degree endoscope (03).
"""

from __future__ import annotations

import html
import math

import ipywidgets as ipw
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from widgets.access.comparator import LEVELS, PROCEDURE_LABELS, PROCEDURES, compare, input_rows, tube_options
from widgets.access.corridor import compare_corridors, ratio_text, tube_diameters
from widgets.core.assumptions import assumption
from widgets.core.figures import Figure
from widgets.core.view import MISS_STYLE, OKABE_ITO, OPEN_STYLE, TopicView, plot_template, table_html

__all__ = ["ComparatorView", "CorridorExplorer", "EndoscopeView", "TubeWindowView", "structure_image"]

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


# --------------------------------------------------------------------------- tube and endoscope


#: One colour per structure (Okabe-Ito, with greys for the bone that is not the point); the
#: figures also write every structure's name on it and in the legend, so colour is never alone.
STRUCTURE_COLOURS: dict[str, str] = {
    "lamina": OKABE_ITO["sky blue"], "facet": OKABE_ITO["blue"],
    "superior articular process": OKABE_ITO["blue"], "inferior articular process": "#8DB6D9",
    "ligamentum flavum": OKABE_ITO["yellow"], "spinous process": "#8C8C8C", "pedicle": "#B0B0B0",
    "vertebral body": "#D0D0D0", "other bone": "#A0A0A0", "dural sac": OKABE_ITO["reddish purple"],
    "traversing root": OKABE_ITO["vermillion"], "exiting root": OKABE_ITO["orange"],
    "disc": OKABE_ITO["bluish green"],
}
_DARK = "#303030"  # nothing modelled within reach: fat and fluid, drawn dark
_ROTATIONS = ((0, "cranial"), (90, "dorsal"), (180, "caudal"), (270, "ventral"))


def _lookup(names: tuple[str, ...]) -> np.ndarray:
    """Colour table: row i is structure i, then 'nothing' (code -1), then outside (-2)."""
    rows = [STRUCTURE_COLOURS[n] for n in names] + [_DARK, "#FFFFFF"]
    return np.array([[int(h[k:k + 2], 16) for k in (1, 3, 5)] for h in rows], dtype=float)


def structure_image(codes: np.ndarray, shade: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """RGB image (h x w x 3, uint8) of a rendering: each structure's colour, shaded by its surface."""
    table = _lookup(names)
    idx = np.where(codes >= 0, codes, len(names) + (-codes - 1))
    rgb = table[idx]
    lit = codes >= 0
    rgb[lit] *= np.clip(shade[lit], 0.0, 1.0)[:, None]
    return rgb.astype(np.uint8)


def _rendering_figure(names: tuple[str, ...], size: int, legend_title: str) -> Figure:
    traces = [go.Image(z=np.zeros((size, size, 3), dtype=np.uint8), hoverinfo="skip", name="rendering")]
    for name, colour in [(n, STRUCTURE_COLOURS[n]) for n in names] + [("nothing", _DARK)]:
        traces.append(go.Scatter(x=[None], y=[None], mode="markers", name=name, showlegend=False,
                                 marker={"symbol": "square", "size": 14, "color": colour,
                                         "line": {"color": OKABE_ITO["black"], "width": 1}}))
    axis = {"visible": False, "range": [-0.5, size - 0.5]}
    return Figure(data=traces, layout=go.Layout(
        title={"text": "", "font": {"size": 14}, "x": 0.02}, width=640, height=470,
        margin={"l": 40, "r": 10, "t": 70, "b": 40}, template=plot_template(),
        xaxis={**axis, "domain": [0.0, 0.62]}, yaxis={**axis, "range": [size - 0.5, -0.5],
                                                      "scaleanchor": "x"},
        legend={"title": {"text": legend_title}, "x": 0.66, "y": 1.0, "font": {"size": 12}},
        shapes=[{"type": "circle", "xref": "x", "yref": "y", "x0": -0.5, "y0": -0.5,
                 "x1": size - 0.5, "y1": size - 0.5, "line": {"color": OKABE_ITO["black"], "width": 3},
                 "fillcolor": "rgba(0,0,0,0)", "opacity": 1}],
    ))


def _labels(codes, names, size, sides: tuple[str, str, str, str]) -> list[dict]:
    """Annotations: each structure's name written on it, and the four directions round the edge."""
    from widgets.access.raster import label_anchor, label_points

    out = []
    for name, (r, c) in label_points(codes, names).items():
        anchor = label_anchor(c, size)
        out.append({"x": c, "y": r, "xref": "x", "yref": "y", "text": name, "showarrow": False,
                    "xanchor": anchor,
                    "font": {"size": 12, "color": OKABE_ITO["black"]},
                    "bgcolor": "rgba(255,255,255,0.8)", "borderpad": 2})
    top, bottom, left, right = sides
    edge = {"showarrow": False, "font": {"size": 12, "color": "#444444"}, "xref": "x", "yref": "y"}
    out += [{**edge, "x": size / 2, "y": -0.5, "yanchor": "bottom", "text": f"↑ {top}"},
            {**edge, "x": size / 2, "y": size - 0.5, "yanchor": "top", "text": f"↓ {bottom}"},
            {**edge, "x": -0.5, "y": size / 2, "xshift": -12, "text": left, "textangle": -90},
            {**edge, "x": size - 0.5, "y": size / 2, "xshift": 12, "text": right, "textangle": 90}]
    return out


def _draw(figure: Figure, codes, shade, names, shares: dict[str, float], title: str, alt: str,
          sides: tuple[str, str, str, str]) -> None:
    size = codes.shape[0]
    with figure.batch_update():
        figure.data[0].z = structure_image(codes, shade, names)
        nothing = next((k for k in shares if k not in names), "nothing")
        for trace, name in zip(figure.data[1:], (*names, nothing), strict=True):
            share = shares.get(name, 0.0)
            trace.showlegend = share > 0
            trace.name = f"{name}: {share:.0f}%" if share >= 0.5 else f"{name}: under 1%"
        figure.layout.title.text = title
        figure.layout.annotations = _labels(codes, names, size, sides)
    figure.alt = alt


class TubeWindowView(TopicView):
    """Segment, side, tube, wanding, bone removal and target in; the view down the tube out.

    A model rendering of what the surgeon sees down the tube (the nearest surface of
    the anatomical model along each line of sight, coloured and named by structure),
    the share of the window each structure fills, and the answer to "is the target
    in my window?".
    """

    def __init__(self, segment: str = "L4-L5", side: str = "left", diameter_mm: float = 18.0,
                 wand_deg: float = 0.0, caudal_deg: float = 0.0, removal: str = "none",
                 target: str = "disc", size: int = 120):
        from widgets.access.window import REMOVALS, TARGETS, TUBE_STRUCTURES, tube_diameters_mm, wand_range

        super().__init__()
        self.size = size
        lo, hi = wand_range()
        self.segment = ipw.Dropdown(options=list(LEVELS), value=segment, description="Disc level",
                                    style=_INITIAL)
        self.side = ipw.ToggleButtons(options=["left", "right"], value=side, description="Side",
                                      style=_INITIAL)
        self.diameter = ipw.Dropdown(options=[(f"{d:g} mm", d) for d in tube_diameters_mm()],
                                     value=float(diameter_mm), description="Tube diameter",
                                     style=_INITIAL)
        self.wand = ipw.IntSlider(value=int(wand_deg), min=int(lo), max=int(hi), step=5,
                                  description="Wand the tube (°; + medial, − lateral; assumption)",
                                  style=_INITIAL, layout=ipw.Layout(width="560px"),
                                  continuous_update=False)
        self.caudal = ipw.IntSlider(value=int(caudal_deg), min=int(lo), max=int(hi), step=5,
                                    description="Wand up or down (°; + caudal, − cranial; assumption)",
                                    style=_INITIAL, layout=ipw.Layout(width="560px"),
                                    continuous_update=False)
        self.removal = ipw.Dropdown(options=list(REMOVALS), value=removal, description="Bone removed",
                                    style=_INITIAL, layout=ipw.Layout(width="420px"))
        self.target = ipw.Dropdown(options=list(TARGETS), value=target, description="Target",
                                   style=_INITIAL)
        self.answer = ipw.HTML()
        self.table = ipw.HTML()
        self.figure = _rendering_figure(TUBE_STRUCTURES, size, "In the window (share of its area)")
        self._names = TUBE_STRUCTURES
        controls = [self.segment, self.side, self.diameter, self.wand, self.caudal, self.removal,
                    self.target]
        self._update = self.observe(controls, self._update_unguarded)
        self._update()

    def result(self):
        """Return the :class:`~widgets.access.window.TubeWindow` for the current controls."""
        from widgets.access.window import tube_window

        return tube_window(segment=self.segment.value, side=self.side.value,
                           diameter_mm=self.diameter.value, wand_deg=float(self.wand.value),
                           caudal_deg=float(self.caudal.value),
                           removal=self.removal.value, target=self.target.value, size=self.size)

    def _update_unguarded(self, change=None) -> None:
        from widgets.access.window import wand_words

        w = self.result()
        wand = wand_words(w.wand_deg, w.caudal_deg)
        title = (f"Model rendering: down {w.tube_words()}, {w.side} {w.segment}, {wand}"
                 f"<br><sup>bone removed: {w.removal}; a model, not an image of a patient</sup>")
        medial, lateral = "medial", "lateral"
        sides = ("cranial", "caudal", lateral if w.medial_on_right else medial,
                 medial if w.medial_on_right else lateral)
        _draw(self.figure, w.codes, w.shade, self._names, w.shares, title, w.alt(), sides)
        note = ("" if w.has_flavum else
                " The ligamentum flavum is drawn by this view as a plain sheet between the laminae.")
        self.answer.value = (f"<p><b>Is the target in my window?</b> {html.escape(w.answer())}</p>"
                             f"<p><small>Model rendering, looking straight down the tube's axis"
                             f" ({w.mm_per_pixel:.2f} mm per pixel).{html.escape(note)}</small></p>")
        self.table.value = table_html(w.rows(), "What fills the window (the figure's data)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        controls = ipw.VBox([ipw.HBox([self.segment, self.side]), ipw.HBox([self.diameter, self.target]),
                             self.wand, self.caudal, self.removal])
        return ipw.VBox([controls, self.figure.output, self.answer, self.table, self.status],
                        layout=ipw.Layout(width="680px"))


class EndoscopeView(TopicView):
    """Segment, side and the lens's rotation in; what a 30-degree endoscope in Kambin's triangle shows out."""

    def __init__(self, segment: str = "L4-L5", side: str = "left", rotation_deg: int = 0,
                 size: int = 120):
        from widgets.access.endoscope import ENDOSCOPE_STRUCTURES

        super().__init__()
        self.size = size
        self.segment = ipw.Dropdown(options=list(LEVELS), value=segment, description="Disc level",
                                    style=_INITIAL)
        self.side = ipw.ToggleButtons(options=["left", "right"], value=side, description="Side",
                                      style=_INITIAL)
        self.rotation = ipw.IntSlider(value=int(rotation_deg), min=0, max=360, step=15,
                                      description="Turn the lens (°; 0 cranial, 90 dorsal)",
                                      style=_INITIAL, layout=ipw.Layout(width="560px"),
                                      continuous_update=False)
        self.caption = ipw.HTML()
        self.table = ipw.HTML()
        self.figure = _rendering_figure(ENDOSCOPE_STRUCTURES, size, "In view (share of the image)")
        self._names = ENDOSCOPE_STRUCTURES
        self._update = self.observe([self.segment, self.side, self.rotation], self._update_unguarded)
        self._update()

    def result(self):
        """Return the :class:`~widgets.access.endoscope.EndoscopeView` for the current controls."""
        from widgets.access.endoscope import endoscope_view

        return endoscope_view(segment=self.segment.value, side=self.side.value,
                              rotation_deg=float(self.rotation.value), size=self.size)

    def _update_unguarded(self, change=None) -> None:
        from widgets.access.endoscope import lens_direction

        v = self.result()
        title = (f"Model rendering: {v.lens_deg:g}° endoscope in Kambin's triangle, {v.side}"
                 f" {v.segment}, turned {v.rotation_deg:g}°"
                 f"<br><sup>the lens looks {lens_direction(v.rotation_deg)}; a model, not an image"
                 f" of a patient</sup>")
        other = "ventral" if v.right_is == "dorsal" else "dorsal"
        _draw(self.figure, v.codes, v.shade, self._names, v.shares, title, v.alt(),
              ("cranial", "caudal", other, v.right_is))
        seen = ", ".join(v.seen()) or "nothing modelled"
        self.caption.value = (
            f"<p><b>In view:</b> {html.escape(seen)}.</p><p><small>Model rendering: lens angled"
            f" {v.lens_deg:g}°, field of view {v.fov_deg:g}°, shaft {v.approach_deg:g}° from the"
            f" horizontal (all three assumptions); the picture is kept upright (cranial at the top)."
            f" Kambin's triangle at {v.segment} is {v.triangle_basis} from the cited sides.</small></p>")
        self.table.value = table_html(v.rows(), "What fills the image (the figure's data)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([ipw.HBox([self.segment, self.side]), self.rotation, self.figure.output,
                         self.caption, self.table, self.status], layout=ipw.Layout(width="680px"))
