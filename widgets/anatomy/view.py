"""Interactive views of lesson 01: the 3-D spine, pedicle series, Kambin's triangle, transpsoas.

Thin layers over :mod:`widgets.anatomy`: the models build the geometry and the
tables; these classes only draw them (plotly figures in figure widgets that update in place,
whose state is not saved in the notebook) and wire the controls.
"""

from __future__ import annotations

import math

import ipywidgets as ipw
import numpy as np
import plotly.graph_objects as go

from widgets.anatomy.drawing import (
    BASE_COLOUR,
    HIGHLIGHT,
    LAYER_STYLE,
    LIGHT_POSITION,
    LIGHTING,
    SLOTS,
    SPINE_HOVER,
    SPINE_TRACES,
    coarse,
    layer_parts,
    mesh_arrays,
    scene,
    slot_layers,
    slot_parts,
)
from widgets.anatomy.kambin import instruments, kambin_triangle, published_cannula_limits
from widgets.anatomy.morphometry import (
    DISCS,
    LEVELS,
    LUMBAR,
    PEDICLE_SERIES_DEFAULT,
    complete_pedicle_series,
    level_dimensions,
    pedicle_width_rows,
    series_label,
)
from widgets.anatomy.spine import build_spine
from widgets.anatomy.transpsoas import lateral_outline, plexus_levels
from widgets.anatomy.vertebra import GROUPS, Part
from widgets.core.assumptions import assumption
from widgets.core.figures import Figure
from widgets.core.view import DASHES, OKABE_ITO, TopicView, plot_template, table_html

__all__ = [
    "AnatomyExplorer",
    "KambinExplorer",
    "TranspsoasView",
    "coarse",
    "layer_parts",
    "slot_layers",
    "slot_parts",
    "pedicle_width_figure",
]

_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down")

#: Which dimensions the table under the 3-D view lists for each part group.
PART_KEYS: dict[str, tuple[str, ...]] = {
    "body": ("body_width", "body_depth", "body_height_posterior", "body_height_anterior"),
    "pedicles": ("pedicle_width_left", "pedicle_width_right", "pedicle_height",
                 "pedicle_transverse_angle", "pedicle_sagittal_angle", "pedicle_span",
                 "pedicle_flare"),
    "lamina": ("lamina_height", "sacral_lamina_height", "lamina_thickness", "canal_depth"),
    "facets": ("inferior_facet_width", "inferior_facet_height", "superior_facet_width",
               "superior_facet_height", "facet_thickness", "facet_gap", "facet_angle"),
    "spinous process": ("spinous_length", "spinous_height", "spinous_thickness"),
    "transverse processes": ("transverse_length", "transverse_height", "transverse_thickness"),
    "canal": ("canal_width", "canal_depth"),
    "foramen": ("pedicle_height", "disc_height_below", "body_height_posterior"),
    "disc": ("disc_height_below", "lordosis_below"),
    "ligamentum flavum": ("lamina_height", "lamina_thickness", "canal_depth"),
    "dural sac": ("canal_width", "canal_depth"),
    "exiting roots": ("pedicle_height", "disc_height_below"),
    "traversing roots": ("disc_height_below", "canal_width"),
    "ganglia": ("pedicle_height", "disc_height_below"),
    "sacrum": ("body_width", "body_depth"),
    "pelvis": (),
}
_PART_ASSUMPTIONS = {
    "body": ("vertebral_body_posterior_concavity", "vertebral_body_waist", "vertebral_body_rim"),
    "dural sac": ("dural_sac_fill",), "exiting roots": ("nerve_root_diameter",),
    "traversing roots": ("nerve_root_diameter",), "disc": ("sacral_slope",),
    "ligamentum flavum": ("ligamentum_flavum_thickness",),
    "ganglia": ("dorsal_root_ganglion_diameter",),
    "sacrum": ("s1_size_to_l5", "sacrum_length", "sacral_slope"),
    "pelvis": ("iliac_crest_offset", "iliac_crest_half_width"),
}


class AnatomyExplorer(TopicView):
    """Level, part, pedicle series and population spread in; two 3-D views and a table out.

    Left: one vertebra (with its disc below, its foramina and nerves) in its own
    frame. Right: the stacked L1-S1 spine with the cited lordosis, the same part
    highlighted. Hovering shows each part's name and the numbers behind it.
    """

    def __init__(self, level: str = "L4", part: str = "pedicles",
                 series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0):
        super().__init__()
        series_options = []
        rows = pedicle_width_rows()
        for key in complete_pedicle_series():
            g = rows[rows["source_key"] == key]
            has_sd = bool(g["sd"].notna().any())
            series_options.append((f"{series_label(key)}{'' if has_sd else ' (no SD)'}", key))
        style = {"description_width": "initial"}
        self.level = ipw.Dropdown(options=list(LEVELS), value=level, description="Level",
                                  style=style)
        self.part = ipw.Dropdown(options=list(GROUPS), value=part, description="Part",
                                 style=style)
        self.series = ipw.Dropdown(options=series_options, value=series,
                                   description="Pedicle-width series", style=style)
        self.spread = ipw.FloatSlider(value=spread_sd, min=-2.0, max=2.0, step=0.5,
                                      description="Population spread (SD from the mean)",
                                      style=style, layout=ipw.Layout(width="460px"),
                                      continuous_update=False, readout_format="+.1f")
        self.table = ipw.HTML()
        self.notes = ipw.HTML()
        # one trace per part slot, each with its own hover text (a per-vertex text of merged
        # parts was three quarters of what a level change sent to the browser)
        self.vertebra_fig = Figure(
            data=[go.Mesh3d(name=name.replace("_", " "), flatshading=False, lighting=LIGHTING,
                            lightposition=LIGHT_POSITION, showlegend=False,
                            hovertemplate="%{hovertext}<extra></extra>")
                  for name, _ in SLOTS],
            layout=go.Layout(
                title={"text": "", "font": {"size": 14}}, width=520, height=480,
                margin={"l": 0, "r": 0, "t": 50, "b": 0},
                # far enough that the axes' numbers and titles stay inside the view
                scene=scene({"eye": {"x": 1.2, "y": -1.65, "z": 1.05},
                              "center": {"x": 0.0, "y": 0.0, "z": -0.22}}),
            ),
        )
        # the overview: each level's bone and nerves a trace of their own, with one hover text each
        # (a text per vertex made every change of this figure slow to encode)
        self.spine_fig = Figure(
            data=[go.Mesh3d(name=name, flatshading=False, lighting=LIGHTING,
                            lightposition=LIGHT_POSITION, showlegend=False,
                            hovertemplate="%{hovertext}<extra></extra>")
                  for name in SPINE_TRACES],
            layout=go.Layout(
                title={"text": "", "font": {"size": 14}}, width=460, height=480,
                margin={"l": 0, "r": 0, "t": 50, "b": 0},
                scene=scene({"eye": {"x": 2.45, "y": -1.15, "z": 0.45},
                              "center": {"x": 0.0, "y": 0.0, "z": -0.3}}),
            ),
        )
        self._spine_key: tuple[str, float] | None = None
        self._cache: dict[tuple[str, float, str, str], dict[str, object]] = {}
        self._update = self.observe([self.level, self.part, self.series, self.spread], self._update_unguarded)
        self._update()

    def title(self) -> str:
        """Return the 3-D figure's title for the current controls (it names the level)."""
        spread = f", spread {self.spread.value:+.1f} SD" if self.spread.value else ""
        return (f"{self.level.value}: {self.part.value} highlighted"
                f" ({series_label(self.series.value)} pedicles{spread})")

    def _refresh_spine_context(self, spine) -> None:
        key = (self.series.value, float(self.spread.value))
        if self._spine_key == key:
            return
        self._spine_key = key
        groups: dict[str, list[Part]] = {name: [] for name in SPINE_TRACES}
        for p in spine.parts:
            # the overview is small on screen: lighter meshes draw as well and load faster
            # (3 mm cells: on this small view as 2 mm, with half the triangles for each frame)
            p = Part(coarse(p.mesh, 3.0), p.group, p.label, p.kind, p.level)
            if p.group == "pelvis":  # see-through, so that it does not hide L4 to S1
                groups["pelvis"].append(p)
            elif p.kind == "disc":
                groups["discs"].append(p)
            elif p.kind in ("bone", "neural") and f"{p.level} {p.kind}" in groups:
                groups[f"{p.level} {p.kind}"].append(p)
        with self.spine_fig.batch_update():
            for trace in self.spine_fig.data:
                name = trace.name
                if name == "highlight":
                    continue
                if name == "discs":
                    arrays = mesh_arrays(groups[name], short=True)  # "L4-L5 disc" per vertex: small
                else:
                    level, kind = name.split()[0], name.split()[-1]
                    text = ("Sacrum and coccyx" if (level, kind) == ("S1", "bone")
                            else SPINE_HOVER[kind].format(level=level))
                    arrays = mesh_arrays(groups[name], text=text)
                kind = "bone" if name == "pelvis" else name.split()[-1].rstrip("s")
                # opaque but the pelvis: a see-through mesh costs every frame extra passes
                trace.update(**arrays, color=BASE_COLOUR[kind],
                             opacity=0.35 if name == "pelvis" else 1.0)

    def _layers(self, spine, level: str, part: str) -> dict[str, dict[str, object]]:
        key = (self.series.value, float(self.spread.value), level, part)
        if key not in self._cache:
            level_parts = spine.level_parts(level)
            slots = []
            for _name, layer, p in slot_layers(level_parts, level, part):
                if layer is None:
                    slots.append({**mesh_arrays([]), "visible": False})
                else:
                    slots.append({**mesh_arrays([p]), **LAYER_STYLE[layer], "visible": True})
            highlight = layer_parts(level_parts, level, part)["highlight"]
            world = [p.transformed(spine.poses[level]) for p in highlight]
            self._cache[key] = {
                "slots": slots,
                "spine highlight": mesh_arrays(world, text=f"{level} {part} (highlighted)"),
                "found": bool(highlight),
            }
            if len(self._cache) > 64:
                self._cache.pop(next(iter(self._cache)))
        return self._cache[key]

    def _update_unguarded(self, change=None) -> None:
        level, part = self.level.value, self.part.value
        spine = build_spine(self.series.value, self.spread.value)
        arrays = self._layers(spine, level, part)
        with self.vertebra_fig.batch_update():
            for trace, slot in zip(self.vertebra_fig.data, arrays["slots"], strict=True):
                trace.update(**slot)
            self.vertebra_fig.layout.title.text = self.title()
        with self.spine_fig.batch_update():  # one redraw of the spine, context and highlight together
            self._refresh_spine_context(spine)
            self.spine_fig.data[-1].update(**arrays["spine highlight"], color=HIGHLIGHT,
                                          opacity=1.0)
            self.spine_fig.layout.title.text = f"L1-S1 with the cited lordosis: {level} {part}"
        self.table.value = self._table_html(level, part, spine)
        notes = [f"<li>{n}</li>" for n in spine.notes]
        if not arrays["found"]:
            notes.append(f"<li>There is no {part} at {level} in this model.</li>")
        self.notes.value = f"<ul>{''.join(notes)}</ul>" if notes else ""
        self.clear_status()

    def _table_html(self, level: str, part: str, spine) -> str:
        dims = level_dimensions(level, self.series.value, self.spread.value)
        rows = []
        for key in PART_KEYS.get(part, ()):
            if key in dims:
                r = dims[key].as_row()
                rows.append({k: r[k] for k in ("dimension", "value", "unit", "basis", "source",
                                               "confidence", "published SD")})
        for name in _PART_ASSUMPTIONS.get(part, ()):
            a = assumption(name)
            rows.append({"dimension": name.replace("_", " "), "value": a.value, "unit": a.unit,
                         "basis": "assumption", "source": f"data/assumptions.yaml: {name}",
                         "confidence": "n/a (assumption)", "published SD": ""})
        return table_html(rows, f"{level} {part}: the numbers behind the model (data table)")

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        controls = ipw.HBox([ipw.VBox([self.level, self.part]),
                             ipw.VBox([self.series, self.spread])])
        figures = ipw.HBox([self.vertebra_fig.output, self.spine_fig.output])
        return ipw.VBox([controls, figures, self.table, self.notes, self.status])


# --------------------------------------------------------------------------- pedicle series


def pedicle_width_figure(highlight: str | None = PEDICLE_SERIES_DEFAULT) -> Figure:
    """Pedicle width against level for every published series, each its own line (static).

    Error bars are the published SD where a series prints one; sides reported apart
    are two lines. Nothing is averaged. Secondary-source series say so in the legend.
    """
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in pedicle_width_rows().to_dict("records"):  # rows grouped once, in table order
        groups.setdefault((r["source_key"], r["subgroup"]), []).append(r)
    fig = Figure()
    colours = list(OKABE_ITO.values())
    keys = list(dict.fromkeys(key for key, _ in groups))
    for n, key in enumerate(keys):
        for sub in ("all", "left", "right"):
            s = groups.get((key, sub))
            if not s:
                continue
            label = series_label(key) + ("" if sub == "all" else f" ({sub})")
            if all(r["confidence"] == "secondary-source" for r in s):
                label += " [secondary source]"
            if "ENDOSTEAL" in str(s[0]["method"]).upper():
                label += " [inner width]"
            offset = (n - len(keys) / 2) * 0.02 + {"all": 0, "left": -0.01, "right": 0.01}[sub]
            x = np.array([r["level_index"] for r in s], dtype=float) + 1 + offset
            sd = np.array([r["sd"] for r in s], dtype=float)
            levels = np.array([r["level"] for r in s], dtype=object)
            wide = key == highlight
            fig.add_trace(go.Scatter(
                x=x, y=np.array([r["value"] for r in s], dtype=float), name=label, mode="lines+markers",
                line={"color": colours[n % len(colours)], "dash": DASHES[(n // 8 + (sub == "right"))
                                                                         % len(DASHES)],
                      "width": 4 if wide else 1.5},
                marker={"symbol": _SYMBOLS[n % len(_SYMBOLS)], "size": 9 if wide else 7},
                error_y={"type": "data", "array": np.nan_to_num(sd, nan=0.0),
                         "visible": bool(np.isfinite(sd).any()), "thickness": 1},
                customdata=np.column_stack([levels, np.where(np.isfinite(sd), sd, np.nan)]),
                hovertemplate=(f"{label}<br>%{{customdata[0]}}: %{{y:.2f}} mm"
                               "<br>SD %{customdata[1]} mm<extra></extra>"),
            ))
    fig.update_layout(
        title="Lumbar pedicle width by level: every published series, none averaged",
        xaxis={"title": "level", "tickmode": "array", "tickvals": list(range(1, 6)),
               "ticktext": list(LUMBAR)},
        yaxis={"title": "pedicle width (mm)", "rangemode": "tozero"},
        template=plot_template(), width=900, height=520,
        legend={"font": {"size": 10}},
    )
    return fig


# --------------------------------------------------------------------------- Kambin


def _circle(centre: np.ndarray, d: float, n: int = 61) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0, 2 * math.pi, n)
    return centre[0] + d / 2 * np.cos(t), centre[1] + d / 2 * np.sin(t)


class _SegmentView(TopicView):
    """A view driven by one disc-segment dropdown: errors go to its status line, then re-raise."""

    segment: ipw.Dropdown

    def _wire(self) -> None:
        self._update = self.observe(self.segment, self._update_unguarded)
        self._update()

    def _update_unguarded(self, change=None) -> None:  # pragma: no cover - each view overrides
        raise NotImplementedError


class KambinExplorer(_SegmentView):
    """Pick a disc: see its working zone to scale, the largest circle inside, and the tools."""

    def __init__(self, segment: str = "L4-L5"):
        super().__init__()
        self.segment = ipw.Dropdown(options=list(DISCS), value=segment,
                                    description="Disc segment",
                                    style={"description_width": "initial"})
        self.tools = instruments()
        self.table = ipw.HTML()
        traces = [
            go.Scatter(name="Kambin's triangle (neural: roots and endplate)", mode="lines", fill="toself",
                       line={"color": OKABE_ITO["black"], "width": 2},
                       fillcolor="rgba(86,180,233,0.25)", hoverinfo="skip"),
            go.Scatter(name="largest circle inside", mode="lines",
                       line={"color": OKABE_ITO["bluish green"], "width": 3, "dash": "solid"},
                       hoverinfo="skip"),
        ]
        palette = [OKABE_ITO[c] for c in ("orange", "blue", "reddish purple", "vermillion",
                                          "yellow", "sky blue", "black")]
        for n, tool in enumerate(self.tools):
            traces.append(go.Scatter(
                name=f"{tool.name} ({tool.diameter:g} mm)", mode="lines",
                line={"color": palette[n % len(palette)], "dash": DASHES[(n + 1) % len(DASHES)],
                      "width": 2},
                hovertemplate=f"{tool.name}: {tool.diameter:g} mm<extra></extra>",
                visible=True if tool.diameter <= 14 else "legendonly"))
        self.figure = Figure(data=traces, layout=go.Layout(
            title="", width=620, height=480, template=plot_template(),
            xaxis={"title": "along the endplate (mm)", "scaleanchor": "y", "zeroline": False},
            yaxis={"title": "up the traversing root (mm)", "zeroline": False},
            legend={"font": {"size": 10}}, margin={"t": 60}))
        self._wire()

    def _update_unguarded(self, change=None) -> None:
        k = kambin_triangle(self.segment.value)
        v = np.vstack([k.vertices, k.vertices[:1]])
        with self.figure.batch_update():
            self.figure.data[0].x, self.figure.data[0].y = v[:, 0], v[:, 1]
            cx, cy = _circle(k.incircle_centre, k.incircle_diameter)
            self.figure.data[1].x, self.figure.data[1].y = cx, cy
            for trace, tool in zip(self.figure.data[2:], self.tools, strict=True):
                trace.x, trace.y = _circle(k.incircle_centre, tool.diameter)
            kind = "cited" if k.basis == "cited" else "interpolated, not published"
            self.figure.layout.title = (f"Kambin's triangle (neural) at {k.segment} ({kind}):<br>"
                                        f"largest circle inside {k.incircle_diameter:.1f} mm")
        rows = [{"side": d.label, "length (mm)": round(d.value, 2), "basis": d.basis,
                 "source": d.source, "confidence": d.confidence}
                for d in (k.base, k.height, k.hypotenuse)]
        rows.append({"side": "largest circle inside (4 x area / perimeter)",
                     "length (mm)": round(k.incircle_diameter, 2), "basis": "derived",
                     "source": "computed from the three sides", "confidence": ""})
        for lim in published_cannula_limits(k.segment):
            rows.append({"side": lim["figure"], "length (mm)": lim["diameter (mm)"],
                         "basis": "cited" + (f", SD {lim['SD (mm)']}" if lim["SD (mm)"] != ""
                                             else ""),
                         "source": lim["source"], "confidence": lim["confidence"]})
        fit = [{"instrument": t.name, "diameter (mm)": t.diameter,
                "passes the largest circle?": "yes" if t.diameter <= k.incircle_diameter else "no",
                "source": t.source_key, "confidence": t.confidence} for t in self.tools]
        self.table.value = (table_html(rows, f"Working zone at {k.segment} (data table)")
                            + table_html(fit, "Cited instrument diameters against it"))
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([self.segment, self.figure.output, self.table, self.status])


# --------------------------------------------------------------------------- transpsoas


class TranspsoasView(_SegmentView):
    """A lateral view of the stack with the safe zone on each disc and both of its limits."""

    def __init__(self, segment: str = "L4-L5", series: str = PEDICLE_SERIES_DEFAULT,
                 spread_sd: float = 0.0):
        super().__init__()
        self.spine = build_spine(series, spread_sd)
        self.levels = plexus_levels(self.spine)
        options = [p.segment for p in self.levels]
        self.segment = ipw.Dropdown(options=options, value=segment if segment in options
                                    else options[-1], description="Disc segment",
                                    style={"description_width": "initial"})
        self.table = ipw.HTML()
        outline = lateral_outline(self.spine)
        traces = []
        for kind, colour, fill, label in (("bodies", "blue", "rgba(0,114,178,0.15)", "vertebral body"),
                                          ("discs", "bluish green", "rgba(0,158,115,0.2)", "disc")):
            for name, poly in outline[kind].items():
                p = np.vstack([poly, poly[:1]])
                traces.append(go.Scatter(x=p[:, 0], y=p[:, 1], mode="lines", fill="toself",
                                         name=f"{name} {label.split()[-1]}", showlegend=False,
                                         line={"color": OKABE_ITO[colour], "width": 1}, fillcolor=fill,
                                         hovertemplate=f"{name} {label}<extra></extra>"))
        self._n_outline = len(traces)
        for p in self.levels:
            m, lim = p.margin_point, p.limit_point
            first = p is self.levels[0]
            traces.append(go.Scatter(
                x=[p.posterior[0], m[0]], y=[p.posterior[1], m[1]], mode="lines",
                name="plexus (behind the posterior limit)", legendgroup="plexus", showlegend=first,
                line={"color": OKABE_ITO["vermillion"], "width": 6, "dash": "dot"},
                hovertemplate=(f"{p.segment}: plexus within {p.margin_mm:.1f} mm of the back"
                               f" (ratio {p.ratio:g}, {p.source_key})<extra></extra>")))
            traces.append(go.Scatter(
                x=[m[0], lim[0]], y=[m[1], lim[1]], mode="lines",
                name="safe zone (between the two limits)", legendgroup="safe", showlegend=first,
                line={"color": OKABE_ITO["bluish green"], "width": 6, "dash": "solid"},
                hovertemplate=(f"{p.segment}: safe zone {p.safe_mm:.1f} mm long (derived)"
                               "<extra></extra>")))
            traces.append(go.Scatter(
                x=[lim[0], p.anterior[0]], y=[lim[1], p.anterior[1]], mode="lines",
                name="in front of the anterior limit (genitofemoral nerve, sympathetic chain)",
                legendgroup="front", showlegend=first,
                line={"color": OKABE_ITO["orange"], "width": 6, "dash": "dash"},
                hovertemplate=(f"{p.segment}: {p.front_mm:.1f} mm in front of the anterior limit"
                               f" ({p.anterior_text}, {p.anterior_source})<extra></extra>")))
            ahead = p.anterior + 0.12 * (p.anterior - p.posterior)
            traces.append(go.Scatter(
                x=[ahead[0]], y=[ahead[1]], mode="markers",
                name="great vessels (in front of the disc, Regev 2009)", legendgroup="vessels",
                showlegend=first, marker={"color": OKABE_ITO["reddish purple"], "size": 12,
                                          "symbol": "x"},
                hovertemplate=(f"{p.segment}: great vessels in front of the disc; the retractor"
                               " stays behind its front edge<extra></extra>")))
        self.figure = Figure(data=traces, layout=go.Layout(
            title="", width=560, height=620, template=plot_template(),
            xaxis={"title": "back ← (mm) → front", "scaleanchor": "y", "zeroline": False},
            yaxis={"title": "up (mm)", "zeroline": False},
            legend={"orientation": "h", "y": -0.12}, margin={"t": 90}))
        self._wire()

    def _update_unguarded(self, change=None) -> None:
        chosen = self.segment.value
        with self.figure.batch_update():
            for n, p in enumerate(self.levels):
                for trace in self.figure.data[self._n_outline + 4 * n:self._n_outline + 4 * n + 3]:
                    trace.line.width = 10 if p.segment == chosen else 5
            self.figure.layout.title = (f"Lateral transpsoas view, {chosen} highlighted:<br>"
                                        "safe zone between the plexus (Benglis 2009)<br>"
                                        "and the anterior limit (Clin Anat 2023)")
        from widgets.anatomy.tables import plexus_rows

        self.table.value = table_html(plexus_rows(self.levels, chosen),
                                      "Safe zone per disc, both limits (data table)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([self.segment, self.figure.output, self.table, self.status])
