"""Interactive views for lesson 02: Meyerding grade, Cobb angle, root finder, selection tree.

Thin layers over :mod:`widgets.conditions.slip`, :mod:`widgets.conditions.curve`,
:mod:`widgets.conditions.roots` and :mod:`widgets.conditions.selection`:
every control has a label, every figure a data table beside it, and every
callback is wired through :class:`widgets.core.view.TopicView` (errors shown, then re-raised).
"""

from __future__ import annotations

import html
import math

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.conditions.curve import (
    CURVE_VERTEBRAE,
    cobb_angle,
    cobb_between,
    generate_curve,
    scoliosis_threshold,
)
from widgets.conditions.roots import (
    ROOTS,
    ZONES,
    discs_for_root,
    explain_pattern,
    finding_choices,
    root_signs,
)
from widgets.conditions.selection import load_tree
from widgets.conditions.slip import endplate_width, grade_slip
from widgets.core.data import load_table
from widgets.core.figures import Figure
from widgets.core.view import OKABE_ITO, TopicView, plot_template, table_html

__all__ = ["CobbExplorer", "MeyerdingExplorer", "RootFinder", "SelectionWalker", "meyerding_figure"]

_WIDE = {"description_width": "initial"}
_NONE = "(none)"


# =============================================================================== Meyerding


def _body_height() -> float:
    """Return the cited L5 posterior body height (Cook & Baker 2021), used to draw the bodies to scale."""
    t = load_table("lumbar_morphometry")
    rows = t[(t["level"] == "L5") & (t["measure"] == "vertebral_body_height_posterior")
             & (t["subgroup"] == "all") & (t["source_key"] == "CookBaker2021")]
    return float(rows.iloc[0]["value"])


def _lateral_shapes(slip_mm: float, width_mm: float, height_mm: float):
    """Return (lower body, upper body, slip bracket) outlines for a lateral view; anterior to the right."""
    lower = ([0, width_mm, width_mm, 0, 0], [-height_mm, -height_mm, 0, 0, -height_mm])
    gap = 0.25 * height_mm  # drawing space for the disc: schematic, not a measurement
    top = gap + height_mm
    upper = ([slip_mm, slip_mm + width_mm, slip_mm + width_mm, slip_mm, slip_mm],
             [gap, gap, top, top, gap])
    bracket = ([0, 0, None, slip_mm, slip_mm, None, 0, slip_mm], [-height_mm, top, None, gap, top, None,
                                                                  gap / 2, gap / 2])
    return lower, upper, bracket


def _meyerding_traces(slip_mm: float, width_mm: float, height_mm: float) -> list[go.Scatter]:
    lower, upper, bracket = _lateral_shapes(slip_mm, width_mm, height_mm)
    return [
        go.Scatter(x=lower[0], y=lower[1], mode="lines", fill="toself", name="vertebra below (L5)",
                   line={"color": OKABE_ITO["blue"], "dash": "solid", "width": 3},
                   hovertemplate="vertebra below<br>%{x:.1f} mm, %{y:.1f} mm<extra></extra>"),
        go.Scatter(x=upper[0], y=upper[1], mode="lines", fill="toself", name="slipped vertebra (L4)",
                   line={"color": OKABE_ITO["vermillion"], "dash": "dash", "width": 3},
                   hovertemplate="slipped vertebra<br>%{x:.1f} mm, %{y:.1f} mm<extra></extra>"),
        go.Scatter(x=bracket[0], y=bracket[1], mode="lines+markers", name="slip (posterior walls)",
                   line={"color": OKABE_ITO["black"], "dash": "dot", "width": 2},
                   marker={"symbol": "line-ns", "size": 8},
                   hovertemplate="posterior wall line<extra></extra>"),
    ]


def _meyerding_title(slip_mm: float, width_mm: float) -> str:
    res = grade_slip(slip_mm, width_mm)
    return f"Lateral view, to scale: slip {res.percent:.0f} % of the endplate, {res.label}"


def _meyerding_layout(slip_mm: float, width_mm: float, titled: bool = True) -> dict:
    return {
        "title": _meyerding_title(slip_mm, width_mm) if titled else None,
        "template": plot_template(), "height": 300, "width": 520,
        "margin": {"t": 10, "l": 50, "r": 10, "b": 40},
        "xaxis": {"title": "posterior  <-  mm  ->  anterior", "scaleanchor": "y", "zeroline": False,
                  "range": [-10, 100]},
        "yaxis": {"title": "mm", "zeroline": False},
        "legend": {"orientation": "h", "y": -0.25},
    }


def meyerding_figure(slip_mm: float, width_mm: float) -> Figure:
    """Return a static lateral view of a slip, to scale, with the measured distance marked."""
    return Figure(data=_meyerding_traces(slip_mm, width_mm, _body_height()),
                     layout=_meyerding_layout(slip_mm, width_mm))


class MeyerdingExplorer(TopicView):
    """Slip and endplate width in; slip percentage, Meyerding grade, table and lateral view out."""

    def __init__(self, slip_mm: float = 10.0, endplate_mm: float | None = None):
        super().__init__()
        cited = endplate_width("L5")
        self.cited = cited
        self.slip = ipw.FloatSlider(
            value=slip_mm, min=0.0, max=50.0, step=0.5, description="Slip you measured, mm",
            style=_WIDE, layout=ipw.Layout(width="480px"), continuous_update=False)
        lo = round(cited.value - 2 * cited.sd, 1)
        hi = round(cited.value + 2 * cited.sd, 1)
        self.width = ipw.FloatSlider(
            value=cited.value if endplate_mm is None else endplate_mm, min=lo, max=hi, step=0.1,
            description="Upper endplate width of the vertebra below, mm", style=_WIDE,
            layout=ipw.Layout(width="480px"), continuous_update=False)
        self.table = ipw.HTML()
        self.height = _body_height()
        self.title = ipw.HTML()
        self.figure = Figure(data=_meyerding_traces(slip_mm, self.width.value, self.height),
                                      layout=_meyerding_layout(slip_mm, self.width.value, titled=False))
        self._update = self.observe([self.slip, self.width], self._update_unguarded)
        self._update()

    def _basis(self) -> str:
        c = self.cited
        if math.isclose(self.width.value, c.value):
            return f"cited L5 mean, {c.source_key} ({c.confidence})"
        return (f"your value (cited L5 mean {c.value:g} \u00b1 {c.sd:g} {c.unit} SD, {c.source_key};"
                " slider spans \u00b12 SD, derived)")

    def result(self):
        """Return the graded slip for the current controls."""
        return grade_slip(self.slip.value, self.width.value)

    def _update_unguarded(self, change=None) -> None:
        res = self.result()
        traces = _meyerding_traces(self.slip.value, self.width.value, self.height)
        with self.figure.batch_update():
            for trace, new in zip(self.figure.data, traces, strict=True):
                trace.x, trace.y = new.x, new.y
        self.title.value = f"<h3>{html.escape(_meyerding_title(self.slip.value, self.width.value))}</h3>"
        self.table.value = table_html(res.as_rows(self._basis()),
                                      "Your measurement and its grade (data table behind the figure)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        note = ipw.HTML("<p><small>Bodies drawn with the cited L5 posterior height (Cook &amp; Baker"
                        " 2021); the space between them stands for the disc and is schematic.</small></p>")
        return ipw.VBox([self.slip, self.width, self.table, self.title, self.figure.output, note,
                         self.status], layout=ipw.Layout(width="560px"))


# =============================================================================== Cobb


def _rect(cx: float, cy: float, angle_deg: float, w: float = 1.4, h: float = 0.72):
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2), (-w / 2, -h / 2)]
    # y grows downwards in the column; a positive tilt lowers the vertebra's right side
    return ([cx + x * ca - y * sa for x, y in pts], [cy + x * sa + y * ca for x, y in pts])


def _endplate_line(cx: float, cy: float, angle_deg: float, half: float = 3.0, dy: float = 0.0):
    a = math.radians(angle_deg)
    ox, oy = -dy * math.sin(a), dy * math.cos(a)
    return ([cx + ox - half * math.cos(a), cx + ox + half * math.cos(a)],
            [cy + oy - half * math.sin(a), cy + oy + half * math.sin(a)])


class CobbExplorer(TopicView):
    """Shape a coronal curve; see its end vertebrae and Cobb angle, and measure it yourself."""

    def __init__(self, apex: str = "T9", half_width: float = 3.0, shift: float = 1.5,
                 side: str = "right", upper: str = "T5", lower: str = "T12"):
        super().__init__()
        self.apex = ipw.Dropdown(options=list(CURVE_VERTEBRAE), value=apex, description="Apex vertebra",
                                 style=_WIDE)
        self.half = ipw.FloatSlider(value=half_width, min=1.0, max=8.0, step=0.5,
                                    description="Curve half-width, vertebrae", style=_WIDE,
                                    layout=ipw.Layout(width="480px"), continuous_update=False)
        self.shift = ipw.FloatSlider(value=shift, min=0.0, max=6.0, step=0.1,
                                     description="Apex shift, vertebral heights", style=_WIDE,
                                     layout=ipw.Layout(width="480px"), continuous_update=False)
        self.side = ipw.ToggleButtons(options=["right", "left"], value=side, description="Convex side",
                                      style=_WIDE)
        self.upper = ipw.Dropdown(options=list(CURVE_VERTEBRAE), value=upper,
                                  description="Your upper end vertebra", style=_WIDE)
        self.lower = ipw.Dropdown(options=list(CURVE_VERTEBRAE), value=lower,
                                  description="Your lower end vertebra", style=_WIDE)
        self.table = ipw.HTML()
        self.title = ipw.HTML()
        n = len(CURVE_VERTEBRAE)
        self.figure = Figure(
            data=[go.Scatter(mode="lines", name="vertebrae", line={"color": OKABE_ITO["blue"], "width": 1},
                             fill="toself", hoverinfo="skip"),
                  go.Scatter(mode="markers", name="centre of each vertebra", text=list(CURVE_VERTEBRAE),
                             marker={"color": OKABE_ITO["blue"], "size": 4},
                             hovertemplate="%{text}: tilt %{customdata:.1f}\u00b0<extra></extra>"),
                  go.Scatter(mode="lines", name="model: most tilted endplates",
                             line={"color": OKABE_ITO["vermillion"], "dash": "dash", "width": 3}),
                  go.Scatter(mode="lines", name="your end vertebrae",
                             line={"color": OKABE_ITO["bluish green"], "dash": "dot", "width": 3}),
                  go.Scatter(x=[-8.5] * n, y=list(range(n)), mode="text", text=list(CURVE_VERTEBRAE),
                             name="vertebra", showlegend=False, hoverinfo="skip",
                             textfont={"size": 10})],
            layout=go.Layout(
                template=plot_template(), height=520, width=520,
                margin={"t": 10, "l": 40, "r": 10, "b": 40},
                xaxis={"title": "lateral shift (vertebral heights)", "range": [-9.5, 9.5], "zeroline": True,
                       "scaleanchor": "y"},
                yaxis={"title": "column, T1 at the top", "range": [n, -1.5], "showticklabels": False},
                legend={"orientation": "h", "y": -0.15}),
        )
        controls = [self.apex, self.half, self.shift, self.side, self.upper, self.lower]
        self._update = self.observe(controls, self._update_unguarded)
        self._update()

    def _update_unguarded(self, change=None) -> None:
        curve = generate_curve(self.apex.value, self.half.value, self.shift.value, self.side.value)
        angle, up, low = cobb_angle(curve.tilt_deg)
        threshold, comparison, key, conf = scoliosis_threshold()
        i, j = curve.index(self.upper.value), curve.index(self.lower.value)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for cx, cy, t in zip(curve.x, curve.y, curve.tilt_deg, strict=True):
            rx, ry = _rect(cx, cy, -t)
            xs += [*rx, None]
            ys += [*ry, None]

        def lines(a: int, b: int):
            ax, ay = _endplate_line(curve.x[a], curve.y[a], -curve.tilt_deg[a], dy=-0.36)
            bx, by = _endplate_line(curve.x[b], curve.y[b], -curve.tilt_deg[b], dy=0.36)
            return [*ax, None, *bx], [*ay, None, *by]

        mx, my = lines(up, low) if angle > 0 else ([], [])
        mine_ok = i < j
        sx, sy = lines(i, j) if mine_ok else ([], [])
        with self.figure.batch_update():
            self.figure.data[0].x, self.figure.data[0].y = xs, ys
            self.figure.data[1].x, self.figure.data[1].y = list(curve.x), list(curve.y)
            self.figure.data[1].customdata = list(curve.tilt_deg)
            self.figure.data[2].x, self.figure.data[2].y = mx, my
            self.figure.data[3].x, self.figure.data[3].y = sx, sy
        self.title.value = f"<h3>Coronal view (schematic): Cobb angle {angle:.1f}\u00b0</h3>"
        word = "greater than" if comparison == ">" else "at least"
        scol = (f"{'yes' if (angle > threshold if comparison == '>' else angle >= threshold) else 'no'}:"
                f" a curve is called scoliosis when its Cobb angle is {word} {threshold:g}\u00b0"
                f" ({key}, {conf})")
        rows = [
            {"measure": "model: most tilted vertebrae", "vertebrae": (
                f"{curve.vertebrae[up]} ({curve.tilt_deg[up]:+.1f}\u00b0) and"
                f" {curve.vertebrae[low]} ({curve.tilt_deg[low]:+.1f}\u00b0)") if angle > 0 else "no tilt",
             "Cobb angle": f"{angle:.1f}\u00b0"},
            {"measure": "your choice of end vertebrae", "vertebrae": (
                f"{self.upper.value} and {self.lower.value}" if mine_ok else
                "choose an upper vertebra above the lower one"),
             "Cobb angle": f"{cobb_between(curve.tilt_deg, i, j):.1f}\u00b0" if mine_ok else "-"},
            {"measure": "scoliosis by the cited definition?", "vertebrae": "-", "Cobb angle": scol},
        ]
        self.table.value = table_html(rows, "Cobb angle of the curve (data table behind the figure)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([self.apex, self.half, self.shift, self.side, self.upper, self.lower,
                         self.table, self.title, self.figure.output, self.status],
                        layout=ipw.Layout(width="560px"))


# =============================================================================== roots


class RootFinder(TopicView):
    """Weakness, numbness and reflex in; the roots that explain them and the discs that could cause it."""

    def __init__(self, weakness: str = "great toe extension", numbness: str = "top of the foot",
                 reflex: str = _NONE, zone: str = "paramedian"):
        super().__init__()
        choices = finding_choices()
        self.weakness = ipw.Dropdown(options=[_NONE, *choices["weakness"]], value=weakness,
                                     description="Weak movement", style=_WIDE)
        self.numbness = ipw.Dropdown(options=[_NONE, *choices["numbness"]], value=numbness,
                                     description="Numb area", style=_WIDE)
        self.reflex = ipw.Dropdown(options=[_NONE, *choices["reflex"]], value=reflex,
                                   description="Reduced reflex", style=_WIDE)
        self.zone = ipw.ToggleButtons(options=list(ZONES), value=zone, description="Herniation zone",
                                      style=_WIDE)
        self.summary = ipw.HTML()
        self.table = ipw.HTML()
        self.figure = Figure(
            data=[go.Bar(x=list(ROOTS), y=[0] * len(ROOTS), name="findings explained",
                         marker={"color": [OKABE_ITO["sky blue"]] * len(ROOTS),
                                 "pattern": {"shape": [""] * len(ROOTS)}},
                         hovertemplate="%{x}: explains %{y} finding(s)<extra></extra>")],
            layout=go.Layout(template=plot_template(), height=300, width=520,
                             margin={"t": 10, "l": 50, "r": 10, "b": 40},
                             yaxis={"title": "findings explained", "dtick": 1},
                             xaxis={"title": "root"}))
        self._update = self.observe([self.weakness, self.numbness, self.reflex, self.zone],
                                    self._update_unguarded)
        self._update()

    def _value(self, control) -> str | None:
        return None if control.value == _NONE else control.value

    def _update_unguarded(self, change=None) -> None:
        findings = (self._value(self.weakness), self._value(self.numbness), self._value(self.reflex))
        if not any(findings):
            self.summary.value = "<p>Choose at least one finding.</p>"
            self.table.value = ""
            with self.figure.batch_update():
                self.figure.data[0].y = [0] * len(ROOTS)
            self.clear_status()
            return
        matches = explain_pattern(*findings)
        best = [m for m in matches if m.explains_all]
        by_root = {m.root: m for m in matches}
        with self.figure.batch_update():
            self.figure.data[0].y = [len(by_root[r].explained) for r in ROOTS]
            self.figure.data[0].marker.color = [
                OKABE_ITO["vermillion"] if by_root[r].explains_all else OKABE_ITO["sky blue"] for r in ROOTS]
            self.figure.data[0].marker.pattern.shape = ["/" if by_root[r].explains_all else "" for r in ROOTS]
        if best:
            parts = []
            for m in best:
                discs = [h for h in discs_for_root(m.root) if h.zone == self.zone.value]
                where = "; ".join(f"a {h.zone} herniation at {h.disc} ({h.relation} root)" for h in discs)
                where = html.escape(where or "no disc in this zone")
                parts.append(f"<li><strong>{m.root}</strong>: {where}</li>")
            self.summary.value = ("<p>Roots that explain every finding, and the disc herniation in the chosen"
                                  f" zone that would compress each:</p><ul>{''.join(parts)}</ul>")
        else:
            self.summary.value = ("<p>No single root explains every finding: think of two roots, a plexus or"
                                  " peripheral nerve lesion, or a problem in the spinal cord.</p>")
        rows = [{"root": m.root, "explains": "; ".join(m.explained) or "-",
                 "does not explain": "; ".join(m.unexplained) or "-"} for m in matches]
        self.table.value = table_html(rows, "Each root against the findings (data table behind the figure)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        keys = sorted({k for s in root_signs() for k in s.sources})
        taught = ", ".join(f"{r} {s.root}" for s in root_signs() for r in s.reflexes)
        shared = "; ".join(f"the {r} also for {s.root}" for s in root_signs() for r in s.other_reflexes)
        note = ipw.HTML(f"<p><small>Sources: {', '.join(keys)}. Key muscles and sensory points are"
                        " secondary-source transcriptions of the ISNCSCI worksheet. A reflex counts for"
                        f" the root it is taught to test ({html.escape(taught)})"
                        f"{'; ' + html.escape(shared) if shared else ''}.</small></p>")
        title = ipw.HTML("<h3>How many of the findings each root explains</h3>")
        return ipw.VBox([self.weakness, self.numbness, self.reflex, self.zone, self.summary, title,
                         self.figure.output, self.table, note, self.status], layout=ipw.Layout(width="560px"))


# =============================================================================== selection tree


def _layout(tree) -> dict[str, tuple[float, float]]:
    """Place each question one row below the question that leads to it, its outcomes to its right.

    When a question leads to two further questions (the fusion question: how to fuse, or which
    corridor), the second is placed beside the first, to the right of the first's outcomes.
    """
    pos: dict[str, tuple[float, float]] = {tree.start: (0.0, 0.0)}
    queue = [tree.start]
    seen: set[str] = set()
    while queue:
        node_id = queue.pop(0)
        if node_id in seen:
            continue
        seen.add(node_id)
        x, y = pos[node_id]
        outcomes = [b.next for b in tree.nodes[node_id].branches if b.next not in tree.nodes]
        for col, out in enumerate(dict.fromkeys(outcomes), start=1):
            pos.setdefault(out, (x + col, y))
        offset = 0.0
        for b in tree.nodes[node_id].branches:
            if b.next in tree.nodes and b.next not in pos:
                pos[b.next] = (x + offset, y - 1.0)
                queue.append(b.next)
                offset += 3.0
    return pos


class SelectionWalker(TopicView):
    """Walk a teaching case through the selection tree, answering each question, with feedback."""

    def __init__(self, case: str = "paramedian-l4-l5"):
        super().__init__()
        self.tree = load_tree()
        self.case_menu = ipw.Dropdown(options=[(c.title, c.id) for c in self.tree.cases], value=case,
                                      description="Case", style=_WIDE)
        self.vignette = ipw.HTML()
        self.question = ipw.HTML()
        self.answer = ipw.RadioButtons(options=[], description="Your answer", style=_WIDE,
                                       layout=ipw.Layout(width="98%"))
        self.check_button = ipw.Button(description="Check answer", button_style="primary",
                                       tooltip="Check your answer at this question and see feedback")
        self.restart = ipw.Button(description="Start again", tooltip="Go back to the first question")
        self.feedback = ipw.HTML()
        self.path = ipw.HTML()
        self.pos = _layout(self.tree)
        names = list(self.pos)
        labels = [self.tree.nodes[n].question if n in self.tree.nodes else self.tree.outcomes[n].title
                  for n in names]
        ex: list[float | None] = []
        ey: list[float | None] = []
        for node in self.tree.nodes.values():
            for b in node.branches:
                (x0, y0), (x1, y1) = self.pos[node.id], self.pos[b.next]
                ex += [x0, x1, None]
                ey += [y0, y1, None]
        self.names = names
        short = {n: n.replace("_", " ") for n in self.tree.nodes}
        questions = [n for n in names if n in self.tree.nodes]
        outcomes = [n for n in names if n not in self.tree.nodes]

        def marks(ids, name, symbol, color, text):
            return go.Scatter(x=[self.pos[n][0] for n in ids], y=[self.pos[n][1] for n in ids],
                              mode="markers+text", name=name, text=[text(n) for n in ids],
                              textposition="bottom center", textfont={"size": 10},
                              customdata=[labels[names.index(n)] for n in ids],
                              marker={"size": 14, "symbol": symbol, "color": color,
                                      "line": {"color": OKABE_ITO["black"], "width": 1}},
                              hovertemplate="%{customdata}<extra></extra>")

        self.figure = Figure(
            data=[go.Scatter(x=ex, y=ey, mode="lines", name="branches",
                             line={"color": "#999999", "dash": "dot", "width": 1}, hoverinfo="skip"),
                  go.Scatter(x=[], y=[], mode="lines", name="your route",
                             line={"color": OKABE_ITO["vermillion"], "dash": "solid", "width": 4}),
                  marks(questions, "questions", "circle", OKABE_ITO["sky blue"], lambda n: short[n]),
                  marks(outcomes, "outcomes", "square", OKABE_ITO["bluish green"],
                        lambda n: n.replace("-", " ")),
                  go.Scatter(x=[], y=[], mode="markers", name="you are here",
                             marker={"size": 20, "symbol": "diamond-open", "color": OKABE_ITO["vermillion"],
                                     "line": {"width": 3}}, hoverinfo="skip")],
            layout=go.Layout(template=plot_template(), height=400, width=640,
                             margin={"t": 10, "l": 10, "r": 10, "b": 10},
                             xaxis={"visible": False, "range": [min(x for x, _ in self.pos.values()) - 0.6,
                                                                max(x for x, _ in self.pos.values()) + 0.6]},
                             yaxis={"visible": False, "range": [min(y for _, y in self.pos.values()) - 0.6,
                                                                0.4]}, showlegend=True,
                             legend={"orientation": "h", "y": -0.02}))
        self._on_case = self.observe(self.case_menu, self._reset)
        self.on_click(self.restart, self._reset)
        self._on_check = self.on_click(self.check_button, self._check)
        self._reset()

    def _reset(self, change=None) -> None:
        self.case = self.tree.case(self.case_menu.value)
        self.here = self.tree.start
        self.route = [self.here]
        self.vignette.value = (f"<p><strong>{html.escape(self.case.title)}.</strong>"
                               f" {html.escape(self.case.vignette)}</p>")
        self.feedback.value = ""
        self._show()

    def _show(self) -> None:
        steps = [{"step": i + 1, "at": (self.tree.nodes[n].question if n in self.tree.nodes
                                        else "outcome: " + self.tree.outcomes[n].title)}
                 for i, n in enumerate(self.route)]
        self.path.value = table_html(steps, "Your route so far (data table behind the figure)")
        if self.here in self.tree.nodes:
            node = self.tree.nodes[self.here]
            self.question.value = (f"<h3>{html.escape(node.question)}</h3><p>{html.escape(node.explain)}</p>")
            self.answer.options = [(b.label, b.id) for b in node.branches]
            self.answer.value = None
            self.check_button.disabled = False
        else:
            out = self.tree.outcomes[self.here]
            self.question.value = (f"<h3>Outcome: {html.escape(out.title)}</h3><p>{html.escape(out.text)}</p>"
                                   f"<p><small>Sources: {', '.join(out.sources)}</small></p>")
            self.answer.options = []
            self.check_button.disabled = True
        with self.figure.batch_update():
            self.figure.data[1].x = [self.pos[n][0] for n in self.route]
            self.figure.data[1].y = [self.pos[n][1] for n in self.route]
            self.figure.data[4].x = [self.pos[self.here][0]]
            self.figure.data[4].y = [self.pos[self.here][1]]

    def answer_with(self, branch_id: str):
        """Answer the current question with ``branch_id`` (as the button does); return the grade."""
        self.answer.value = branch_id
        return self._check()

    def _check(self, button=None):
        if self.here not in self.tree.nodes:
            return None
        if self.answer.value is None:
            self.feedback.value = '<p role="status">Choose an answer first.</p>'
            return None
        result = self.tree.check(self.here, self.answer.value, self.case)
        mark = "\u2714" if result.correct else "\u2718"
        sources = ", ".join(result.expected.sources)
        self.feedback.value = (f'<p role="status">{mark} {html.escape(result.feedback)}'
                               f" <small>(Sources: {sources})</small></p>")
        if result.correct:
            self.here = result.expected.next
            self.route.append(self.here)
            self._show()
        return result

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([self.case_menu, self.vignette, self.question, self.answer,
                         ipw.HBox([self.check_button, self.restart]), self.feedback,
                         ipw.HTML("<h3>The selection tree: circles are questions, squares outcomes</h3>"),
                         self.figure.output, self.path,
                         self.status], layout=ipw.Layout(width="560px"))
