"""Interactive views of lesson 06: the evidence table, the recovery timeline.

The lesson's open vs MISS access comparator is :class:`widgets.access.view.ComparatorView`.
Thin layers over :mod:`widgets.perioperative`:
the models compute every number; these classes draw them (plotly
figures in figure widgets that update in place) and put the same numbers in an
HTML table beside each figure.
"""

from __future__ import annotations

import html

import ipywidgets as ipw
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from widgets.core.figures import Figure
from widgets.core.view import MISS_STYLE, OKABE_ITO, OPEN_STYLE, TopicView, plot_template, table_html
from widgets.perioperative import comparisons, recovery, selectors, verdicts

__all__ = ["EvidenceView", "RecoveryTimeline", "show", "verdict_figure"]

_VERDICT_COLOURS = {
    "MISS better": (OKABE_ITO["bluish green"], ""),
    "no important difference": (OKABE_ITO["sky blue"], "."),
    "inconclusive": (OKABE_ITO["yellow"], "+"),
    "MISS worse": (OKABE_ITO["vermillion"], "x"),
    "MISS-only cost": (OKABE_ITO["orange"], "/"),
}
_INITIAL = {"description_width": "initial"}


def show(frame, caption: str):
    """Return ``frame`` as an accessible HTML table with a caption, every cell in full.

    A lesson cell ends with this instead of the bare DataFrame, whose notebook
    display cuts long cells short. A named index becomes the first column.
    """
    from IPython.display import HTML

    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("a table needs a caption (a non-empty string)")
    if frame.index.name is not None:
        frame = frame.reset_index()
    return HTML(table_html(frame.to_dict("records"), caption))


class EvidenceView(TopicView):
    """Filter the benefits/drawbacks table by procedure family and verdict."""

    def __init__(self, family: str = "all", verdict: str = "all"):
        super().__init__()
        self.family = ipw.Dropdown(
            options=[("all procedures", "all")]
            + [(selectors.FAMILY_LABELS[f], f) for f in selectors.FAMILIES],
            value=family, description="Procedure family", style=_INITIAL)
        self.verdict = ipw.Dropdown(
            options=[("all verdicts", "all"), ("where MISS is not better", "not better")]
            + [(v, v) for v in verdicts.VERDICTS],
            value=verdict, description="Verdict", style=_INITIAL)
        self.counts = ipw.HTML()
        self.table = ipw.HTML()
        self._update = self.observe([self.family, self.verdict], self._update_unguarded)
        self._update()

    def rows(self) -> list[dict[str, str]]:
        """Return the findings for the current filters as table rows."""
        family = None if self.family.value == "all" else self.family.value
        not_better = self.verdict.value == "not better"
        verdict = None if self.verdict.value in ("all", "not better") else self.verdict.value
        return comparisons.finding_rows(family=family, verdict=verdict, not_better=not_better)

    def _update_unguarded(self, change=None) -> None:
        rows = self.rows()
        parts = [f"{sum(1 for r in rows if r['verdict'] == v)} {v}" for v in verdicts.VERDICTS]
        self.counts.value = f"<p>{len(rows)} findings: {html.escape('; '.join(parts))}.</p>"
        self.table.value = table_html(rows, "Findings: verdict (the CI against the smallest difference that"
                                            " matters) and certainty, computed from the rows")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([ipw.HBox([self.family, self.verdict]), self.counts, self.table, self.status])


def verdict_figure():
    """Return a static stacked bar chart of how many findings fall under each verdict, per family."""
    counts = comparisons.verdict_counts().drop(index="all")
    fig = Figure()
    for verdict in verdicts.VERDICTS:
        colour, pattern = _VERDICT_COLOURS[verdict]
        fig.add_trace(go.Bar(
            y=list(counts.index), x=list(counts[verdict]), name=verdict, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern},
                    "line": {"color": OKABE_ITO["black"], "width": 1}},
            hovertemplate=f"{verdict}: %{{x}} findings<extra>%{{y}}</extra>"))
    fig.update_layout(barmode="stack", template=plot_template(), height=360, width=720,
                      title="Findings by verdict and procedure family (the table below has the counts)",
                      xaxis_title="number of findings", margin={"b": 110},
                      legend={"orientation": "h", "y": -0.35, "traceorder": "normal"})
    return fig


def _interval_points(name: str, colour: str, symbol: str, hovertemplate: str, *,
                     outlined: bool) -> go.Scatter:
    """Return an empty series of markers with asymmetric error bars (the callback fills them in)."""
    marker = {"color": colour, "symbol": symbol, "size": 11}
    if outlined:
        marker["line"] = {"color": OKABE_ITO["black"], "width": 1}
    return go.Scatter(x=[], y=[], mode="markers", name=name, marker=marker,
                      error_x={"type": "data", "symmetric": False, "array": [], "arrayminus": [],
                               "color": colour},
                      hovertemplate=hovertemplate)


class RecoveryTimeline(TopicView):
    """Recovery milestones after MISS and open surgery: per-arm days and pooled differences."""

    def __init__(self, milestone: str = "all", include_single_arm: bool = True):
        super().__init__()
        options = [("all milestones", "all")] + [(m, m) for m in recovery.MILESTONES]
        self.milestone = ipw.Dropdown(options=options, value=milestone, description="Milestone",
                                      style=_INITIAL)
        self.single_arm = ipw.Checkbox(value=include_single_arm, indent=False,
                                       description="Show series with no open arm")
        self.summary = ipw.HTML()
        self.table = ipw.HTML()
        fig = make_subplots(rows=2, cols=1, row_heights=[0.55, 0.45], vertical_spacing=0.2,
                            subplot_titles=("Days after surgery, per arm (as printed)",
                                            "MIS minus open, days (pooled)"))
        for name, style in (("MISS", MISS_STYLE), ("open", OPEN_STYLE)):
            fig.add_trace(_interval_points(f"{name} arm", style["color"], style["symbol"],
                                           "%{y}<br>%{x:.2f} days<br>%{customdata}<extra></extra>",
                                           outlined=True), row=1, col=1)
        fig.add_trace(_interval_points("pooled difference", OKABE_ITO["black"], "diamond",
                                       "%{y}<br>%{customdata}<extra></extra>", outlined=False), row=2, col=1)
        fig.add_trace(go.Scatter(
            x=[], y=[], mode="lines", name="95% CI printed without an estimate",
            line={"color": OKABE_ITO["reddish purple"], "dash": "dot", "width": 4},
            hoverinfo="skip"), row=2, col=1)
        fig.add_vline(x=0, line={"color": OKABE_ITO["black"], "dash": "dash", "width": 1}, row=2, col=1)
        fig.update_layout(height=640, width=820, template=plot_template(),
                          legend={"orientation": "h", "y": -0.12}, margin={"t": 80},
                          title="Recovery milestones, MISS vs open (points and printed intervals only)")
        fig.update_xaxes(title_text="days after surgery", row=1, col=1)
        fig.update_xaxes(title_text="days, MIS minus open (negative = shorter with MIS)", row=2, col=1)
        fig.update_yaxes(automargin=True)
        self.figure = Figure(fig)
        self._update = self.observe([self.milestone, self.single_arm], self._update_unguarded)
        self._update()

    def _choice(self) -> str | None:
        return None if self.milestone.value == "all" else self.milestone.value

    def _update_unguarded(self, change=None) -> None:
        arms = [a for a in recovery.arm_milestones(self._choice(), self.single_arm.value)
                if a.days is not None]
        diffs = recovery.pooled_differences(self._choice())
        with self.figure.batch_update():
            for i, arm in enumerate(("MISS", "open")):
                pts = [a for a in arms if a.arm == arm]
                t = self.figure.data[i]
                t.x = [a.days for a in pts]
                t.y = [a.label() for a in pts]
                t.error_x.array = [(a.high - a.days) if a.high is not None else 0 for a in pts]
                t.error_x.arrayminus = [(a.days - a.low) if a.low is not None else 0 for a in pts]
                t.customdata = [f"{a.statistic}{', ' + a.spread if a.spread else ''}; printed {a.printed}"
                                for a in pts]
            est = [d for d in diffs if d.days is not None]
            t = self.figure.data[2]
            t.x = [d.days for d in est]
            t.y = [d.label() for d in est]
            t.error_x.array = [(d.ci_high - d.days) if d.ci_high is not None else 0 for d in est]
            t.error_x.arrayminus = [(d.days - d.ci_low) if d.ci_low is not None else 0 for d in est]
            t.customdata = [d.printed for d in est]
            xs, ys = [], []
            for d in diffs:
                if d.days is None and d.ci_low is not None:
                    xs += [d.ci_low, d.ci_high, None]
                    ys += [d.label(), d.label(), None]
            self.figure.data[3].x, self.figure.data[3].y = xs, ys
        rows = recovery.recovery_rows(self._choice(), self.single_arm.value)
        missing = "" if arms else " No per-arm figure for this milestone is in the tables."
        self.summary.value = (f"<p>{len(rows)} figures: {len(arms)} per-arm values plotted and"
                              f" {len(diffs)} pooled differences.{missing}</p>")
        caption = "Every figure of the timeline as printed (data table behind the figure)"
        self.table.value = table_html(rows, caption)
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([ipw.HBox([self.milestone, self.single_arm]), self.figure.output, self.summary,
                         self.table, self.status])
