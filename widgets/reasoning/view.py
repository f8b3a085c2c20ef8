"""The widgets of lesson 08: examination simulator, trial timeline, outcome scores, consent card.

Thin views over :mod:`widgets.reasoning`'s models; every number comes from a model that reads
``data/``. Each figure has a text alternative and a data table beside it.
"""

from __future__ import annotations

import html

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.core.data import load_table
from widgets.core.figures import Figure
from widgets.core.view import OKABE_ITO, TopicView, plot_template, table_html
from widgets.reasoning.consent import OPERATIONS, consent_card
from widgets.reasoning.exam import (
    LEVEL_CHOICES,
    ROOT_CHOICES,
    SIDE_CHOICES,
    examine,
    grade_localisation,
    make_patient,
    tests_for,
)
from widgets.reasoning.scores import EXAMPLE_ANSWERS, INSTRUMENTS, judge_change, score
from widgets.reasoning.timing import ARMS, points_at, published_points, published_times, trials
from widgets.reasoning.triage import NEXT_STEPS, grade_next_step

__all__ = ["ConsentCard", "ExamSimulator", "NaturalHistoryExplorer", "OutcomeScorer",
           "imaging_figure"]

_WIDE = {"description_width": "initial"}
_ARM_STYLE = {
    "early surgery": (OKABE_ITO["blue"], "circle"),
    "conservative care": (OKABE_ITO["vermillion"], "square"),
    "between arms": (OKABE_ITO["bluish green"], "diamond"),
    "both arms": (OKABE_ITO["reddish purple"], "triangle-up"),
}


def _items(lines) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>"


class ExamSimulator(TopicView):
    """Take the history, examine test by test, localise the lesion and choose the next step."""

    def __init__(self, seed: int = 0):
        super().__init__()
        self.seed = ipw.BoundedIntText(value=seed, min=0, max=9999, description="Patient number",
                                       style=_WIDE)
        self.new = ipw.Button(description="Next patient", tooltip="draw the next simulated patient")
        self.history = ipw.HTML()
        self.test = ipw.Dropdown(description="Test", style=_WIDE)
        self.do = ipw.Button(description="Examine", tooltip="do the chosen test")
        self.findings = ipw.HTML()
        self.root = ipw.Dropdown(options=ROOT_CHOICES, description="Root or structure", style=_WIDE)
        self.level = ipw.Dropdown(options=LEVEL_CHOICES, description="Disc level", style=_WIDE)
        self.side = ipw.Dropdown(options=SIDE_CHOICES, description="Side", style=_WIDE)
        self.step = ipw.RadioButtons(options=NEXT_STEPS, description="Next step", style=_WIDE,
                                     layout=ipw.Layout(width="auto"))
        self.commit = ipw.Button(description="Commit", button_style="primary",
                                 tooltip="check your localisation and next step")
        self.feedback = ipw.HTML()
        self.done: list[str] = []
        self._load = self.observe(self.seed, self._load_unguarded)
        self.on_click(self.new, self._next_unguarded)
        self.on_click(self.do, self._examine_unguarded)
        self.on_click(self.commit, self._commit_unguarded)
        self._load()

    def _load_unguarded(self, change=None) -> None:
        self.patient = make_patient(seed=int(self.seed.value))
        self.done = []
        self.history.value = (f"<p><strong>History.</strong> {html.escape(self.patient.history)}</p>")
        self.test.options = tests_for(self.patient.region)
        self.test.value = self.test.options[0]
        self.findings.value = "<p>No test done yet: choose a test and press Examine.</p>"
        self.feedback.value = ""
        self.clear_status()

    def _next_unguarded(self, button=None) -> None:
        self.seed.value = (int(self.seed.value) + 1) % 10000

    def examine(self, test: str) -> None:
        """Do ``test`` on the current patient and show what it found."""
        result = examine(self.patient, test=test)
        if test not in self.done:
            self.done.append(test)
        rows = []
        for name in self.done:
            found = examine(self.patient, test=name).findings
            rows.append(f"<li><strong>{html.escape(name)}</strong>: "
                        + "; ".join(("<em>abnormal</em>: " if f.abnormal else "") + html.escape(f.text)
                                    for f in found) + "</li>")
        self.findings.value = "<p>Findings so far:</p><ul>" + "".join(rows) + "</ul>"
        self.clear_status()
        return result

    def _examine_unguarded(self, button=None) -> None:
        self.examine(self.test.value)

    def answer(self, *, root: str, level: str, side: str, step: str) -> None:
        """Set the localisation and next step, then commit them."""
        with self.batch():
            self.root.value, self.level.value, self.side.value, self.step.value = root, level, side, step
        self._commit_unguarded()

    def _commit_unguarded(self, button=None) -> None:
        where = grade_localisation(self.patient, root=self.root.value, level=self.level.value,
                                   side=self.side.value)
        step = grade_next_step(self.patient, step=self.step.value)
        explained = []
        for name in self.done:
            r = examine(self.patient, test=name)
            truth = "" if r.truth == "textbook pattern" else f" In this patient the result was a {r.truth}."
            explained.append(f"{name}: {r.explanation}{truth}")
        untested = [t for t in tests_for(self.patient.region) if t not in self.done]
        self.feedback.value = (
            "<h4>Localisation</h4>" + _items(where.lines) + "<h4>Next step</h4>" + _items([step.text])
            + "<h4>What each finding meant</h4>"
            + (_items(explained) if explained else "<p>You examined nothing: the history alone rarely"
               " localises a lesion.</p>")
            + (f"<p>Not examined: {html.escape(', '.join(untested))}.</p>" if untested else ""))
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled simulator."""
        note = ipw.HTML("<p><small>A simulated patient: the findings follow the suite's root table and"
                        " reflex convention; the straight leg raise, crossed straight leg raise and"
                        " Hoffmann sign are drawn from their cited accuracy (Deville2000Spine;"
                        " Fogarty2018Spine, rates derived from its likelihood ratios), so a positive"
                        " test can be false.</small></p>")
        return ipw.VBox([ipw.HBox([self.seed, self.new]), self.history, ipw.HBox([self.test, self.do]),
                         self.findings, ipw.HTML("<h4>Your decision</h4>"), self.root, self.level,
                         self.side, self.step, self.commit, self.feedback, note, self.status],
                        layout=ipw.Layout(width="640px"))


class NaturalHistoryExplorer(TopicView):
    """The early-surgery trials' published figures on one time axis: what surgery buys, and when."""

    def __init__(self, when: str = "2.2 weeks"):
        super().__init__()
        self.when = ipw.SelectionSlider(options=published_times(), value=when,
                                        description="Time after randomisation", style=_WIDE,
                                        layout=ipw.Layout(width="600px"))
        self.summary = ipw.HTML()
        self.table = ipw.HTML()
        rows = list(trials())
        traces = []
        for arm in ARMS:
            pts = [p for p in published_points() if p.group == arm]
            colour, symbol = _ARM_STYLE[arm]
            traces.append(go.Scatter(
                x=[p.weeks for p in pts], y=[p.trial for p in pts], mode="markers", name=arm,
                marker={"color": colour, "symbol": symbol, "size": 11,
                        "line": {"width": 1, "color": "black"}},
                text=[f"{p.when}: {p.measure}: {p.finding}" for p in pts],
                hovertemplate="%{text}<extra>%{y}</extra>"))
        self.figure = Figure(
            data=traces,
            layout=go.Layout(
                template=plot_template(), height=320, width=640,
                title={"text": "Published figures of the early-surgery trials (markers only, no curve)"},
                margin={"t": 50, "l": 250, "r": 10, "b": 50},
                xaxis={"title": "weeks after randomisation (log scale)", "type": "log",
                       "tickvals": [1, 2, 5, 10, 20, 50, 100, 200], "range": [0.1, 2.5]},
                yaxis={"categoryorder": "array", "categoryarray": rows[::-1]},
                legend={"orientation": "h", "y": -0.35}),
            alt="Timeline of the early-surgery trials for sciatica: one marker per published figure,"
                " at its time after randomisation, coloured by arm; no line joins them.")
        self._update = self.observe(self.when, self._update_unguarded)
        self._update()

    def _update_unguarded(self, change=None) -> None:
        when = self.when.value
        pts = points_at(when)
        weeks = pts[0].weeks
        with self.figure.batch_update():
            self.figure.layout.shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": weeks,
                                          "x1": weeks, "y0": 0, "y1": 1,
                                          "opacity": 1,
                                          "line": {"dash": "dash", "width": 2, "color": OKABE_ITO["black"]}}]
        lines = [f"{p.trial} ({p.arm}): {p.measure}: {p.finding}"
                 + (" [secondary source]" if p.secondary else "") for p in pts]
        self.summary.value = (f"<p>What the trials published at <strong>{html.escape(when)}</strong>:</p>"
                              + _items(lines))
        self.table.value = table_html(
            [{"trial": p.trial, "arm": p.arm, "measure": p.measure, "finding": p.finding,
              "source": p.source_key} for p in pts], f"Published at {when} (data table behind the figure)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled explorer."""
        return ipw.VBox([self.when, self.figure.output, self.summary, self.table, self.status],
                        layout=ipw.Layout(width="660px"))


class OutcomeScorer(TopicView):
    """Score one patient's ODI or NDI before and after treatment; judge the change against the MCID."""

    def __init__(self, instrument: str = "ODI"):
        super().__init__()
        self.instrument = ipw.ToggleButtons(options=list(INSTRUMENTS), value=instrument,
                                            description="Instrument", style=_WIDE)
        before, after = EXAMPLE_ANSWERS[instrument]
        style, layout = {"description_width": "160px"}, {"width": "340px"}
        self.before = [ipw.IntSlider(value=v, min=0, max=5, style=style, layout=layout) for v in before]
        self.after = [ipw.IntSlider(value=v, min=0, max=5, style=style, layout=layout) for v in after]
        self.result = ipw.HTML()
        self.figure = Figure(
            data=[go.Bar(x=["before", "after"], y=[0, 0], name="score",
                         marker={"color": [OKABE_ITO["vermillion"], OKABE_ITO["blue"]],
                                 "pattern": {"shape": ["/", ""]}})],
            layout=go.Layout(template=plot_template(), height=280, width=480,
                             title={"text": "Score before and after treatment"},
                             margin={"t": 50, "l": 60, "r": 10, "b": 40}, showlegend=False),
            alt="Bar chart of the patient's score before and after treatment, with the cited MCID.")
        self._update = self.observe([self.instrument, *self.before, *self.after], self._update_unguarded)
        self._label()
        self._update()

    def _label(self) -> None:
        for sliders, when in ((self.before, "before"), (self.after, "after")):
            for slider, section in zip(sliders, INSTRUMENTS[self.instrument.value], strict=True):
                slider.description = f"{section} ({when})"

    def scores(self):
        """Return (score before, score after) from the sliders."""
        sections = INSTRUMENTS[self.instrument.value]
        pre = score(instrument=self.instrument.value,
                    answers={s: w.value for s, w in zip(sections, self.before, strict=True)})
        post = score(instrument=self.instrument.value,
                     answers={s: w.value for s, w in zip(sections, self.after, strict=True)})
        return pre, post

    def _update_unguarded(self, change=None) -> None:
        self._label()
        pre, post = self.scores()
        verdict = judge_change(instrument=pre.instrument, before=pre.value, after=post.value)
        top = 100 if pre.instrument == "ODI" else 50
        shapes = []
        if verdict.mcid is not None:
            target = pre.value - verdict.mcid
            shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": target, "y1": target,
                       "opacity": 1, "line": {"dash": "dash", "width": 2, "color": OKABE_ITO["black"]}}]
        with self.figure.batch_update():
            self.figure.data[0].y = [pre.value, post.value]
            self.figure.layout.yaxis = {"title": f"{pre.instrument}, {pre.scale}", "range": [0, top]}
            self.figure.layout.shapes = shapes
            self.figure.layout.title = {"text": f"{pre.instrument} before and after treatment"}
        self.figure.alt = (f"Bar chart: {pre.instrument} {pre.value:g} before and {post.value:g} after"
                           + (f"; the dashed line marks before minus the MCID of {verdict.mcid:g}."
                              if shapes else "."))
        self.result.value = (("<p>The dashed line marks the score before minus the MCID: an"
                              " improvement reaches it only if the bar after falls to or below it.</p>"
                              if shapes else "")
                             + f"<p>{pre.instrument}: {pre.value:g} before, {post.value:g} after"
                             f" ({pre.scale}). <strong>{html.escape(verdict.verdict)}</strong>."
                             f" {html.escape(verdict.why)}"
                             + (f" (MCID: {html.escape(verdict.source_key)})" if verdict.source_key else "")
                             + "</p>")
        self.clear_status()

    def set_answers(self, *, before: list[int], after: list[int]) -> None:
        """Set every section before and after at once (one update)."""
        with self.batch():
            for slider, value in zip(self.before + self.after, list(before) + list(after), strict=True):
                slider.value = value

    def widget(self) -> ipw.Widget:
        """Return the assembled scorer."""
        grid = ipw.HBox([ipw.VBox([ipw.HTML("<strong>Before</strong>"), *self.before]),
                         ipw.VBox([ipw.HTML("<strong>After</strong>"), *self.after])])
        return ipw.VBox([self.instrument, grid, self.result, self.figure.output, self.status],
                        layout=ipw.Layout(width="720px"))


def _wrap(text: str, width: int = 22) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _icon_traces(column: int, people: int | None, colour: str, name: str) -> list[go.Scatter]:
    if people is None:
        return []
    xs = [column * 12 + (i % 10) for i in range(100)]
    ys = [9 - i // 10 for i in range(100)]
    n = people
    return [go.Scatter(x=xs[:n], y=ys[:n], mode="markers", name=name, showlegend=False,
                       marker={"color": colour, "symbol": "circle", "size": 9},
                       hovertemplate=f"{html.escape(name)}<extra></extra>"),
            go.Scatter(x=xs[n:], y=ys[n:], mode="markers", showlegend=False, hoverinfo="skip",
                       marker={"color": "#8c8c8c", "symbol": "circle-open", "size": 9,
                               "line": {"width": 1}})]


class ConsentCard(TopicView):
    """Benefit and risks of one operation as icon arrays of 100, with source and certainty."""

    def __init__(self, operation: str = "tubular microdiscectomy"):
        super().__init__()
        self.operation = ipw.Dropdown(options=OPERATIONS, value=operation, description="Operation",
                                      style=_WIDE)
        self.table = ipw.HTML()
        self.figure = Figure(layout=go.Layout(template=plot_template(), height=320, width=760,
                                              margin={"t": 50, "l": 10, "r": 10, "b": 10}))
        self._update = self.observe(self.operation, self._update_unguarded)
        self._update()

    def _update_unguarded(self, change=None) -> None:
        card = consent_card(operation=self.operation.value)
        traces, notes = [], []
        for i, f in enumerate(card):
            colour = OKABE_ITO["blue"] if f.kind == "benefit" else OKABE_ITO["vermillion"]
            traces += _icon_traces(i, f.people, colour, f.question)
            label = (f"{f.people} of 100 {f.per_what}" if f.people is not None
                     else f"no figure per 100 ({f.printed})")
            notes.append({"x": i * 12 + 4.5, "y": 10, "xref": "x", "yref": "y", "showarrow": False,
                          "yanchor": "bottom",
                          "text": f"{_wrap(html.escape(f.question))}<br><b>{_wrap(html.escape(label))}</b>",
                          "font": {"size": 11}})
        with self.figure.batch_update():
            self.figure.data = []
            self.figure.add_traces(traces)
            self.figure.layout.annotations = notes
            self.figure.layout.xaxis = {"visible": False, "range": [-1, 12 * len(card)]}
            self.figure.layout.yaxis = {"visible": False, "range": [-1, 15], "scaleanchor": "x"}
            self.figure.layout.title = {"text": f"{self.operation.value}: each array is 100 patients"
                                        " (or operated levels, where marked)"}
        self.figure.alt = (f"Icon arrays for {self.operation.value}: " + "; ".join(
            f"{f.question}: {f.people} of 100 {f.per_what}" if f.people is not None
            else f"{f.question}: no figure per 100" for f in card) + ".")
        self.table.value = table_html(
            [{"what may happen": f.question, "per 100": "no figure" if f.people is None else f.people,
              "of 100": f.per_what, "as the source gives it": f.printed,
              "comparison operation": "-" if f.comparator_per_100 is None else f"{f.comparator_per_100:g}",
              "evidence": f.design, "certainty": f"{f.certainty}: {f.certainty_why}",
              "source": f.source_key or "-"} for f in card],
            "The figures behind the icon arrays (icons rounded to whole people)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled card."""
        return ipw.VBox([self.operation, self.figure.output, self.table, self.status],
                        layout=ipw.Layout(width="780px"))


def imaging_figure() -> Figure:
    """Return the share of people without back pain with each finding, at the ages the source gives."""
    frame = load_table("imaging_findings_asymptomatic")
    by_age = frame[frame["age_years"].notna()]
    symbols = ("circle", "square", "diamond", "triangle-up")
    traces = []
    for (finding, rows), colour, symbol in zip(by_age.groupby("finding", sort=False),
                                               OKABE_ITO.values(), symbols, strict=False):
        traces.append(go.Scatter(x=rows["age_years"], y=rows["prevalence_pct"], mode="markers", name=finding,
                                 marker={"color": colour, "symbol": symbol, "size": 12}))
    return Figure(data=traces, layout=go.Layout(
        template=plot_template(), height=340, width=600,
        title={"text": "Findings in people without back pain, at 20 and at 80 years"},
        xaxis={"title": "age (years)", "range": [10, 90]}, yaxis={"title": "people with it (%)",
                                                                 "range": [0, 100]},
        margin={"t": 50, "l": 60, "r": 10, "b": 50}),
        alt="Markers for disc degeneration, bulge, protrusion and annular fissure at ages 20 and 80:"
            " each is more common at 80; no line is drawn between the two ages.")
