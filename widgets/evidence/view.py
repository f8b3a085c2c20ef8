"""Views of lesson 05: the meta-analysis explorer, forest and funnel plots, the CUSUM widget.

Thin layers over :mod:`widgets.evidence.analysis`, :mod:`widgets.evidence.effects`,
:mod:`widgets.evidence.learning_curve` and :mod:`widgets.evidence.tables`: controls in, a plotly
figure and an HTML table (the data behind the figure) out.
"""

from __future__ import annotations

import ipywidgets as ipw
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from widgets.core.figures import Figure
from widgets.core.view import OKABE_ITO, TopicView, plot_template, table_html
from widgets.evidence import effects
from widgets.evidence import learning_curve as lc
from widgets.evidence.analysis import (
    Analysis,
    display_digits,
    forest_rows,
    funnel_lines,
    meta_analysis,
    select,
)
from widgets.evidence.studies import OUTCOMES, measure_for, outcome, studies
from widgets.evidence.tables import cusum_summary, summary_rows

__all__ = ["LearningCurveExplorer", "MetaExplorer", "forest_figure", "funnel_figure"]

_STYLE = {
    "study": {"color": OKABE_ITO["blue"], "symbol": "square", "name": "studies pooled"},
    "excluded": {"color": OKABE_ITO["black"], "symbol": "square-open", "name": "studies left out"},
    "pooled": {"color": OKABE_ITO["vermillion"], "symbol": "diamond", "name": "pooled estimate (CI)"},
    "reference": {"color": OKABE_ITO["bluish green"], "symbol": "diamond-open",
                  "name": "published pooled estimates (reference only, not pooled)"},
}
_MODELS = [("fixed effect", "fixed"), ("random, DerSimonian-Laird", "DL"), ("random, REML", "REML")]
_WIDE = {"description_width": "initial"}
_TOP, _BOTTOM = 80, 150  # forest plot margins, px


def _x_title(a: Analysis) -> str:
    m = effects.MEASURES[a.measure]
    if m.is_ratio:
        return f"{m.name} ({a.outcome.comparison}; log scale)"
    if a.measure == "PLO":
        return f"{a.outcome.comparison} (%)"
    if a.measure == "SMD":
        return f"{m.name} ({a.outcome.comparison})"
    return f"{m.name}, {a.outcome.unit} ({a.outcome.comparison})"


def _clip(label: str, width: int = 46) -> str:
    """Shorten a long row label for the axis (the table below the figure keeps it whole)."""
    return label if len(label) <= width else label[: width - 1] + "…"


def _forest_data(rows: list[dict]) -> dict:
    """Split forest rows into plotly arrays: one entry per trace kind, with y positions."""
    n = len(rows)
    out: dict = {k: {"x": [], "y": [], "lo": [], "hi": [], "text": []} for k in _STYLE}
    out["prediction"] = {"x": [], "y": []}
    out["reference-ci"] = {"x": [], "y": []}
    for i, r in enumerate(rows):
        y = n - i
        kind = r["kind"]
        if kind in _STYLE:
            d = out[kind]
            d["x"].append(r["effect"])
            d["y"].append(y)
            d["lo"].append(0.0 if r["low"] is None else r["effect"] - r["low"])
            d["hi"].append(0.0 if r["high"] is None else r["high"] - r["effect"])
            has_weight = r.get("weight") is not None and kind == "study"
            weight = f"<br>weight {r['weight']:.1f}%" if has_weight else ""
            d["text"].append(f"{r['label']}{weight}")
        else:
            d = out[kind]
            d["x"] += [r["low"], r["high"], None]
            d["y"] += [y, y, None]
    out["ticks"] = ([n - i for i in range(n)], [_clip(r["label"]) for r in rows])
    return out


def _apply_forest(fig, a: Analysis, rows: list[dict]) -> None:
    data = _forest_data(rows)
    for i, kind in enumerate(_STYLE):
        d = data[kind]
        fig.data[i].x, fig.data[i].y, fig.data[i].text = d["x"], d["y"], d["text"]
        fig.data[i].error_x = {"type": "data", "symmetric": False, "array": d["hi"],
                               "arrayminus": d["lo"], "color": _STYLE[kind]["color"], "thickness": 2}
    fig.data[4].x, fig.data[4].y = data["prediction"]["x"], data["prediction"]["y"]
    fig.data[5].x, fig.data[5].y = data["reference-ci"]["x"], data["reference-ci"]["y"]
    m = effects.MEASURES[a.measure]
    tickvals, ticktext = data["ticks"]
    fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext = tickvals, ticktext
    fig.layout.yaxis.range = [0.3, len(rows) + 0.7]
    fig.layout.xaxis.type = "log" if m.is_ratio else "linear"
    fig.layout.xaxis.dtick = "D2" if m.is_ratio else None
    fig.layout.xaxis.title.text = _x_title(a)
    plot_px = 40 + 28 * len(rows)
    fig.layout.height = plot_px + _TOP + _BOTTOM
    fig.layout.legend.y = -70 / plot_px
    null = m.null
    fig.layout.shapes = () if null is None else ({
        "type": "line", "xref": "x", "yref": "paper", "x0": null, "x1": null, "y0": 0, "y1": 1,
        "line": {"color": OKABE_ITO["black"], "dash": "dot", "width": 1}},)
    pct = round(100 * a.result.level)
    studies = f"{a.result.k} stud{'y' if a.result.k == 1 else 'ies'}"
    fig.layout.title.text = (f"{a.outcome.label}<br><sup>{studies}, {pct}% intervals;"
                             " green: published, not pooled</sup>")


def _forest_widget():
    traces = []
    for kind, st in _STYLE.items():
        traces.append(go.Scatter(
            name=st["name"], mode="markers", x=[], y=[], text=[],
            marker={"color": st["color"], "symbol": st["symbol"], "size": 14 if kind == "pooled" else 10,
                    "line": {"color": st["color"], "width": 2}},
            hovertemplate="%{text}<br>%{x:.3g}<extra></extra>"))
    traces.append(go.Scatter(name="prediction interval (a new study)", mode="lines", x=[], y=[],
                             line={"color": OKABE_ITO["vermillion"], "dash": "dot", "width": 3},
                             hoverinfo="skip"))
    traces.append(go.Scatter(name="published CI without a point estimate", mode="lines", x=[], y=[],
                             line={"color": OKABE_ITO["bluish green"], "dash": "dash", "width": 3},
                             hoverinfo="skip"))
    return Figure(data=traces, layout=go.Layout(
        title={"text": ""}, template=plot_template(), width=760, height=400,
        margin={"l": 250, "r": 20, "t": _TOP, "b": _BOTTOM},
        yaxis={"tickmode": "array", "showgrid": False, "zeroline": False},
        legend={"orientation": "h", "yanchor": "top", "y": -0.25}))


def _funnel_widget():
    return Figure(data=[
        go.Scatter(name="studies pooled", mode="markers", x=[], y=[], text=[],
                   marker={"color": OKABE_ITO["blue"], "symbol": "square", "size": 10},
                   hovertemplate="%{text}<br>effect %{x:.3g}, SE %{y:.3g}<extra></extra>"),
        go.Scatter(name="pseudo confidence limits", mode="lines", x=[], y=[],
                   line={"color": OKABE_ITO["sky blue"], "dash": "dash", "width": 2}, hoverinfo="skip"),
        go.Scatter(name="pooled estimate", mode="lines", x=[], y=[],
                   line={"color": OKABE_ITO["vermillion"], "dash": "solid", "width": 2}, hoverinfo="skip"),
    ], layout=go.Layout(title={"text": ""}, template=plot_template(), width=560, height=380,
                        yaxis={"title": {"text": "standard error (pooling scale)"}, "autorange": "reversed"},
                        legend={"orientation": "h", "y": -0.3}, margin={"t": 50}))


def _apply_funnel(fig, a: Analysis) -> None:
    f = funnel_lines(a)
    fig.data[0].x, fig.data[0].y, fig.data[0].text = f["study_effect"], f["study_se"], list(a.rows["study"])
    fig.data[1].x = f["low"][::-1] + [None] + f["high"]
    fig.data[1].y = f["se"][::-1] + [None] + f["se"]
    fig.data[2].x, fig.data[2].y = [a.estimate, a.estimate], [0, f["se"][-1]]
    fig.layout.xaxis.type = "log" if effects.MEASURES[a.measure].is_ratio else "linear"
    fig.layout.xaxis.title = {"text": _x_title(a)}
    fig.layout.title.text = (f"Funnel plot: {a.result.k} stud{'y' if a.result.k == 1 else 'ies'}"
                             + (" (too few to judge asymmetry)" if a.result.k < 5 else ""))


def _study_rows(a: Analysis, rows: list[dict]) -> list[dict[str, str]]:
    digits = display_digits(a.measure)
    out = []
    for r in rows:
        eff = "" if r["effect"] is None else f"{r['effect']:.{digits}f}"
        ci = "" if r["low"] is None else f"{r['low']:.{digits}f} to {r['high']:.{digits}f}"
        out.append({"row": r["label"], "effect": eff, "interval": ci,
                    "weight (%)": "" if r.get("weight") is None else f"{r['weight']:.1f}",
                    "source": r["source_key"]})
    return out


class MetaExplorer(TopicView):
    """Choose an outcome, effect measure, model, studies and confidence level; see the pool move."""

    def __init__(self, outcome: str = "blood_loss", measure: str = "auto", model: str = "REML",
                 include_flagged: bool = False, confidence_pct: int = 95):
        measure_for(outcome, measure)
        if model not in dict(_MODELS).values():
            raise ValueError(f"model must be one of fixed, DL, REML; got {model!r}")
        super().__init__()
        self._include_flagged = include_flagged
        self.level = ipw.IntSlider(value=confidence_pct, min=80, max=99, step=1,
                                   description="Confidence interval (%)", style=_WIDE,
                                   layout=ipw.Layout(width="420px"), continuous_update=False)
        self.outcome = ipw.Dropdown(options=[(o.label, k) for k, o in OUTCOMES.items()], value=outcome,
                                    description="Outcome", style=_WIDE, layout=ipw.Layout(width="720px"))
        self.measure = ipw.Dropdown(description="Effect measure", style=_WIDE)
        self.model = ipw.ToggleButtons(options=_MODELS, value=model, description="Model",
                                       style={"description_width": "initial", "button_width": "190px"},
                                       tooltips=["one common true effect",
                                                 "true effects vary; tau² by DerSimonian-Laird",
                                                 "true effects vary; tau² by restricted maximum likelihood"])
        self.studies_box = ipw.VBox()
        self._checks_label = ipw.HTML("<b>Studies pooled</b> (tick or untick):")
        self._boxes: list[ipw.Checkbox] = []
        self.checks: list[ipw.Checkbox] = []
        self.results = ipw.HTML()
        self.table = ipw.HTML()
        self.forest = _forest_widget()
        self.funnel = _funnel_widget()
        self._update = self.guard(self._update_unguarded)
        with self.batch():  # the pool is computed once, when every control is set
            self._set_measures(measure)
            self._build_checks()
            self.observe(self.outcome, self._new_outcome)
            self.observe([self.level, self.measure, self.model], self._update_unguarded)
            self._update()

    def _set_measures(self, measure: str = "auto") -> None:
        o = outcome(self.outcome.value)
        options = [(effects.MEASURES[c].name, c) for c in o.measures]
        value = measure_for(o.key, measure)
        self.measure.options = options
        self.measure.value = value
        self.measure.disabled = len(options) == 1

    def _build_checks(self) -> None:
        """Show one checkbox per study of the outcome, reusing the checkbox widgets."""
        frame = studies(self.outcome.value)
        chosen = set(select(self.outcome.value, None, self._include_flagged)["study"])
        records = frame.to_dict("records")
        while len(self._boxes) < len(records):
            box = ipw.Checkbox(indent=False, layout=ipw.Layout(width="720px"))
            self.observe(box, self._update_unguarded)
            self._boxes.append(box)
        with self.batch():  # the boxes change together: the pool is computed once, at the end
            self.checks = []
            for box, r in zip(self._boxes, records, strict=False):
                note = (" (flagged: see the data-quality check)" if r["flagged"] else
                        f" (cannot be pooled: {r['why_not']})" if not r["poolable"] else "")
                box.study = r["study"]
                box.description = f"{r['study']}{note}"
                box.disabled = not r["poolable"]
                box.value = r["study"] in chosen
                self.checks.append(box)
            self.studies_box.children = [self._checks_label, *self.checks]

    def _new_outcome(self, change=None) -> None:
        with self.batch():  # new measures and studies, then one pool
            self._set_measures()
            self._build_checks()
            self._update()

    def analysis(self) -> Analysis | None:
        """Return the analysis for the current controls (None when no study is ticked)."""
        include = [c.study for c in self.checks if c.value and not c.disabled]
        if not include:
            return None
        return meta_analysis(self.outcome.value, self.measure.value, self.model.value, include,
                             level=self.level.value / 100)

    def _update_unguarded(self, change=None) -> None:
        try:
            a = self.analysis()
        except ValueError as exc:  # e.g. two time points of one trial: tell the student, keep the view
            self.show_status(str(exc))
            return
        if a is None:
            self.show_status("Tick at least one study to pool.")
            return
        rows = forest_rows(a)
        with self.forest.batch_update():
            _apply_forest(self.forest, a, rows)
        with self.funnel.batch_update():
            _apply_funnel(self.funnel, a)
        self.results.value = table_html(summary_rows(a), "Pooled result (data table behind the figures)")
        self.table.value = table_html(_study_rows(a, rows), "Every row of the forest plot")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        controls = ipw.VBox([self.outcome, self.measure, self.model, self.level, self.studies_box])
        return ipw.VBox([controls, self.status, self.results, self.forest.output, self.table,
                         self.funnel.output],
                        layout=ipw.Layout(width="780px"))


def forest_figure(outcome: str, measure: str = "auto", model: str = "REML", include=None,
                  include_flagged: bool = False) -> Figure:
    """Return a static forest plot of an analysis (rows: :func:`widgets.evidence.analysis.forest_rows`)."""
    a = meta_analysis(outcome, measure, model, include, include_flagged)
    fig = _forest_widget()
    _apply_forest(fig, a, forest_rows(a))
    return fig


def funnel_figure(outcome: str, measure: str = "auto", model: str = "REML") -> Figure:
    """Return a static funnel plot of one analysis (its table: the study effects and SEs)."""
    a = meta_analysis(outcome, measure, model)
    fig = _funnel_widget()
    _apply_funnel(fig, a)
    return fig


# ----------------------------------------------------------------------------- learning curve

_SHAPES = [("step at the published plateau", "step"), ("published straight line (no plateau)", "line")]


class LearningCurveExplorer(TopicView):
    """A simulated surgeon's series (seeded) from published figures, and its CUSUM chart."""

    def __init__(self, seed: int = 0, shape: str = "step", source_key: str = "PETLDLearningCurve"):
        super().__init__()
        self.curve = lc.published_curve(source_key)
        lc.simulate_series(self.curve, shape, seed)  # checks shape and seed
        self.seed = ipw.IntSlider(value=seed, min=0, max=99, step=1, description="Simulated surgeon (seed)",
                                  style=_WIDE, layout=ipw.Layout(width="420px"), continuous_update=False)
        self.shape = ipw.Dropdown(options=_SHAPES, value=shape, description="Shape of the simulated curve",
                                  style=_WIDE, layout=ipw.Layout(width="520px"))
        self.noise = ipw.Checkbox(value=True, description="Case-to-case variation (published SDs)",
                                  indent=False)
        self.table = ipw.HTML()
        c = self.curve
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                            subplot_titles=(f"SIMULATED {c.metric} per case ({c.unit}), not patient data",
                                            "CUSUM: running sum of (time - series mean)"))
        fig.add_trace(go.Scatter(name="simulated cases", mode="markers", x=[], y=[],
                                 marker={"color": OKABE_ITO["blue"], "symbol": "circle", "size": 7}), 1, 1)
        fig.add_trace(go.Scatter(name="expected (model)", mode="lines", x=[], y=[],
                                 line={"color": OKABE_ITO["black"], "dash": "dash", "width": 2}), 1, 1)
        cases = list(range(1, c.n_cases + 1))
        fig.add_trace(go.Scatter(name="published regression line", mode="lines", x=cases,
                                 y=[c.intercept - c.slope * k for k in cases],
                                 line={"color": OKABE_ITO["bluish green"], "dash": "dot", "width": 2}), 1, 1)
        fig.add_trace(go.Scatter(name="CUSUM", mode="lines+markers", x=[], y=[],
                                 line={"color": OKABE_ITO["orange"], "dash": "solid", "width": 2},
                                 marker={"size": 4}), 2, 1)
        peak = {"color": OKABE_ITO["vermillion"], "symbol": "star", "size": 14}
        fig.add_trace(go.Scatter(name="CUSUM peak", mode="markers", x=[], y=[], marker=peak), 2, 1)
        fig.update_layout(template=plot_template(), width=720, height=560, title={"text": ""},
                          legend={"orientation": "h", "y": -0.12})
        fig.update_xaxes(title_text="case number", row=2, col=1)
        self.figure = Figure(fig)
        self._update = self.observe([self.seed, self.shape, self.noise], self._update_unguarded)
        self._update()

    def series(self):
        """Return the simulated series for the current controls."""
        return lc.simulate_series(self.curve, self.shape.value, self.seed.value, self.noise.value)

    def _update_unguarded(self, change=None) -> None:
        c = self.curve
        x = self.series()
        s = lc.cusum(x)
        k = lc.change_point(x)
        cases = list(range(1, c.n_cases + 1))
        with self.figure.batch_update():
            self.figure.data[0].x, self.figure.data[0].y = cases, x.tolist()
            self.figure.data[1].x = cases
            self.figure.data[1].y = lc.expected_times(c, self.shape.value).tolist()
            self.figure.data[3].x, self.figure.data[3].y = cases, s.tolist()
            self.figure.data[4].x, self.figure.data[4].y = [k], [float(s[k - 1])]
            self.figure.layout.shapes = (
                {"type": "line", "xref": "x", "yref": "paper", "x0": k + 0.5, "x1": k + 0.5, "y0": 0,
                 "y1": 1, "line": {"color": OKABE_ITO["vermillion"], "dash": "dash", "width": 2}},
                {"type": "line", "xref": "x", "yref": "paper", "x0": c.plateau_case + 0.5,
                 "x1": c.plateau_case + 0.5, "y0": 0, "y1": 1,
                 "line": {"color": OKABE_ITO["bluish green"], "dash": "dot", "width": 2}},
            )
            self.figure.layout.title.text = (f"Simulated surgeon {self.seed.value}: CUSUM peak after case {k}"
                                             f" (published plateau: {c.plateau_case} cases)")
        self.table.value = table_html(
            cusum_summary(c, x),
            f"What the CUSUM finds in this simulated series, beside the published figures"
            f" ({c.source_key}, {c.confidence})")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        legend = ipw.HTML("<p><small>Dashed vermillion line: where this CUSUM peaks. Dotted green line:"
                          " the published plateau.</small></p>")
        return ipw.VBox([self.seed, self.shape, self.noise, self.figure.output, legend, self.table,
                         self.status],
                        layout=ipw.Layout(width="740px"))
