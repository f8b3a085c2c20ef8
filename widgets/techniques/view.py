"""Step-ordering drills, the technique comparison and the instrument figure (lesson 03).

Thin views over :mod:`widgets.techniques.model`: every number and every verdict
comes from the model; these classes only lay out controls, a figure and the
table behind it.
"""

from __future__ import annotations

import html
import math

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.core.figures import Figure
from widgets.core.view import DASHES, OKABE_ITO, TopicView, plot_template, table_html
from widgets.techniques.model import (
    TECHNIQUES,
    comparison_rows,
    corridor_sizes,
    drill_feedback,
    instrument_figures,
    shuffled_steps,
    steps,
    technique_name,
)

__all__ = ["StepDrill", "TechniqueComparison", "instrument_figure", "step_sheet", "technique_choices"]

_STYLE = {"description_width": "initial"}


def _frame_html(frame, caption: str) -> str:
    rows = [{frame.index.name or "": idx, **row} for idx, row in zip(frame.index, frame.to_dict("records"),
                                                                     strict=True)]
    return table_html(rows, caption)


class StepDrill(TopicView):
    """Put one technique's shuffled steps in order, then check: misplaced steps, why, and the views.

    Controls: a **Shuffle** slider (a new deal of the same steps, seeded), a
    list of the steps in the student's current order with **Move up** and
    **Move down** buttons, and **Check order**. The check fills a table (one row
    per position: verdict, why a misplaced step belongs elsewhere, the
    fluoroscopic view expected at that step, what can go wrong) and a figure
    of the student's position against the correct one.
    """

    def __init__(self, technique: str, seed: int = 0):
        super().__init__()
        self.technique = technique
        self._steps = {s.id: s for s in steps(technique)}
        self.shuffle = ipw.IntSlider(
            value=seed, min=0, max=max(99, seed), step=1, description="Shuffle",
            style=_STYLE, layout=ipw.Layout(width="420px"), continuous_update=False,
            tooltip="A new shuffle of the same steps")
        self.order = ipw.Select(options=[], rows=len(self._steps), description="Your order",
                                style=_STYLE, layout=ipw.Layout(width="98%"))
        self.up = ipw.Button(description="Move up", icon="arrow-up",
                             tooltip="Move the selected step one place earlier")
        self.down = ipw.Button(description="Move down", icon="arrow-down",
                               tooltip="Move the selected step one place later")
        self.check = ipw.Button(description="Check order", button_style="primary", icon="check",
                                tooltip="Compare your order with the correct one")
        self.summary = ipw.HTML()
        self.table = ipw.HTML()
        self.figure = Figure(
            data=[
                go.Scatter(name="correct place", mode="lines", x=[], y=[],
                           line={"color": OKABE_ITO["black"], "dash": DASHES[2], "width": 1},
                           hoverinfo="skip"),
                go.Scatter(name="in order", mode="markers", x=[], y=[], text=[],
                           marker={"color": OKABE_ITO["blue"], "symbol": "circle", "size": 11},
                           hovertemplate="%{text}<br>your position %{x}, correct %{y}"
                                         "<extra>in order</extra>"),
                go.Scatter(name="to move", mode="markers", x=[], y=[], text=[],
                           marker={"color": OKABE_ITO["vermillion"], "symbol": "x", "size": 12},
                           hovertemplate="%{text}<br>your position %{x}, correct %{y}"
                                         "<extra>to move</extra>"),
            ],
            layout=go.Layout(
                title=f"{technique_name(technique)}: press Check order",
                xaxis={"title": "your position", "dtick": 1, "range": [0.5, len(self._steps) + 0.5]},
                yaxis={"title": "correct position", "dtick": 1, "range": [0.5, len(self._steps) + 0.5]},
                height=360, width=560, template=plot_template(), legend={"orientation": "h", "y": -0.25},
                margin={"t": 50, "b": 40},
            ),
        )
        self._reshuffle = self.observe(self.shuffle, self._reshuffle_unguarded)
        self.on_click(self.up, lambda _=None: self.move(-1))
        self.on_click(self.down, lambda _=None: self.move(+1))
        self._check = self.on_click(self.check, self._check_unguarded)
        self._reshuffle()

    # ---------------------------------------------------------------- state

    @property
    def answer(self) -> list[str]:
        """The step ids in the student's current order."""
        return [value for _, value in self.order.options]

    def set_answer(self, ids: list[str]) -> None:
        """Show the steps in the order ``ids`` (keeping the selected step selected)."""
        if sorted(ids) != sorted(self._steps):
            raise ValueError("set_answer needs every step of the technique exactly once")
        selected = self.order.value
        self.order.options = [(f"{i}. {self._steps[sid].text}", sid) for i, sid in enumerate(ids, start=1)]
        self.order.value = selected if selected in ids else None

    def move(self, delta: int) -> None:
        """Move the selected step ``delta`` places (-1 earlier, +1 later)."""
        ids = self.answer
        if self.order.value is None:
            self.show_status("Select a step in the list first, then move it.")
            return
        i = ids.index(self.order.value)
        j = min(max(i + delta, 0), len(ids) - 1)
        ids[i], ids[j] = ids[j], ids[i]
        self.set_answer(ids)
        self.clear_status()

    # ---------------------------------------------------------------- callbacks

    def _reshuffle_unguarded(self, change=None) -> None:
        order = shuffled_steps(self.technique, int(self.shuffle.value))
        self.order.value = None
        self.set_answer([s.id for s in order])
        self.summary.value = (f"<p>Shuffle {self.shuffle.value}: put the {len(order)} steps of"
                              f" <strong>{html.escape(technique_name(self.technique))}</strong> in order"
                              " (select a step, then Move up or Move down), then press Check order.</p>")
        self.table.value = ""
        with self.figure.batch_update():
            for trace in self.figure.data:
                trace.x, trace.y = [], []
            self.figure.layout.title.text = f"{technique_name(self.technique)}: press Check order"
        self.clear_status()

    def _check_unguarded(self, _=None) -> None:
        result, frame = drill_feedback(self.technique, self.answer)
        self.summary.value = f"<p><strong>{html.escape(result.summary())}</strong></p>"
        self.table.value = _frame_html(
            frame, "Your order checked: verdict, expected fluoroscopic view and what can go wrong at each"
            " step (the data table behind the figure; steps are the suite's summary of the cited"
            " technique, flagged secondary-source)")
        pos = list(frame.index)
        right = list(frame["correct position"])
        moved = set(result.misplaced)
        keep = [k for k, sid in enumerate(self.answer) if sid not in moved]
        move = [k for k, sid in enumerate(self.answer) if sid in moved]
        with self.figure.batch_update():
            n = len(pos)
            self.figure.data[0].x, self.figure.data[0].y = [1, n], [1, n]
            self.figure.data[1].x = [pos[k] for k in keep]
            self.figure.data[1].y = [right[k] for k in keep]
            self.figure.data[1].text = [self._steps[self.answer[k]].text for k in keep]
            self.figure.data[2].x = [pos[k] for k in move]
            self.figure.data[2].y = [right[k] for k in move]
            self.figure.data[2].text = [self._steps[self.answer[k]].text for k in move]
            self.figure.layout.title.text = (f"{technique_name(self.technique)}: score {result.score:.0%},"
                                             f" {result.moves_needed} to move")
        self.clear_status()

    def results(self):
        """Grade the current order (the model's :class:`~widgets.techniques.model.OrderGrade`)."""
        return drill_feedback(self.technique, self.answer)[0]

    def widget(self) -> ipw.Widget:
        """Return the assembled drill."""
        buttons = ipw.HBox([self.up, self.down, self.check])
        # the whole width of the cell: a step of up to ~150 characters is read in full in the list
        return ipw.VBox([self.shuffle, self.summary, self.order, buttons, self.status, self.figure.output,
                         self.table], layout=ipw.Layout(width="100%", min_width="900px"))


class TechniqueComparison(TopicView):
    """Choose techniques; see their cited corridor sizes to scale and a table of everything else."""

    def __init__(self, techniques: tuple[str, ...] = TECHNIQUES):
        super().__init__()
        self.pick = ipw.SelectMultiple(
            options=[(technique_name(t), t) for t in TECHNIQUES], value=tuple(techniques),
            rows=len(TECHNIQUES), description="Techniques", style=_STYLE,
            layout=ipw.Layout(width="620px"))
        self.table = ipw.HTML()
        self.note = ipw.HTML()
        markers = {"read-directly": ("circle", OKABE_ITO["blue"]),
                   "secondary-source": ("diamond-open", OKABE_ITO["orange"])}
        self.figure = Figure(
            data=[go.Scatter(name=flag, mode="markers", x=[], y=[], text=[],
                             marker={"symbol": sym, "color": colour, "size": 12, "line": {"width": 2}},
                             hovertemplate="%{y}<br>%{text}<extra>" + flag + "</extra>")
                  for flag, (sym, colour) in markers.items()],
            layout=go.Layout(title="Cited corridor sizes (mm) by technique", template=plot_template(),
                             xaxis={"title": "size as printed in the source (mm)", "rangemode": "tozero"},
                             yaxis={"automargin": True}, height=420, width=820,
                             legend={"orientation": "h", "y": -0.2}, margin={"t": 50}),
        )
        self._flags = list(markers)
        # the data do not change while the lesson runs: compute every row once, filter in the callback
        self._rows = dict(zip(TECHNIQUES, comparison_rows(TECHNIQUES), strict=True))
        self._sizes = {t: corridor_sizes(t) for t in TECHNIQUES}
        self._names = {t: technique_name(t) for t in TECHNIQUES}
        self._update = self.observe(self.pick, self._update_unguarded)
        self._update()

    def _update_unguarded(self, change=None) -> None:
        chosen = [t for t in TECHNIQUES if t in self.pick.value]
        xs: dict[str, list] = {f: [] for f in self._flags}
        ys: dict[str, list] = {f: [] for f in self._flags}
        texts: dict[str, list] = {f: [] for f in self._flags}
        missing = []
        for t in chosen:
            sizes = self._sizes[t]
            if not sizes:
                missing.append(self._names[t])
            for s in sizes:
                # every printed size is one point (both ends of a range, each size of a list)
                for v in s.sizes_mm:
                    xs[s.confidence].append(v)
                    ys[s.confidence].append(self._names[t])
                    texts[s.confidence].append(f"{s.label}: {s.printed} mm ({s.source_key})")
        with self.figure.batch_update():
            for trace, f in zip(self.figure.data, self._flags, strict=True):
                trace.x, trace.y, trace.text = xs[f], ys[f], texts[f]
        self.table.value = table_html(
            [self._rows[t] for t in chosen],
            "The chosen techniques compared (data table behind the figure; [secondary] marks the suite's"
            " own summary or a secondary source)")
        self.note.value = ("<p>No cited size in this suite's tables for: "
                           f"{html.escape(', '.join(missing))}.</p>" if missing else "")
        if chosen:
            self.clear_status()
        else:
            self.show_status("Choose at least one technique.")

    def widget(self) -> ipw.Widget:
        """Return the assembled comparison."""
        return ipw.VBox([self.pick, self.figure.output, self.note, self.table, self.status],
                        layout=ipw.Layout(width="900px"))


def _circle(cx: float, d: float, n: int = 61) -> tuple[list[float], list[float]]:
    r = d / 2
    angles = [2 * math.pi * i / (n - 1) for i in range(n)]
    return [round(cx + r * math.cos(a), 3) for a in angles], [round(r * math.sin(a), 3) for a in angles]


def instrument_figure() -> Figure:
    """Return the round instruments' cross-sections side by side, to scale (a static figure)."""
    fig = Figure()
    x = 0.0
    for i, inst in enumerate(instrument_figures()):
        d = float(inst["outer_mm"])
        cx = x + d / 2
        secondary = inst["confidence"] == "secondary-source"
        colour = OKABE_ITO["orange"] if secondary else OKABE_ITO["blue"]
        cx_pts, cy_pts = _circle(cx, d)
        label = f"{inst['name']} ({inst['source_key']}, {inst['confidence']})"
        fig.add_trace(go.Scatter(x=cx_pts, y=cy_pts, mode="lines", fill="toself", name=label,
                                 line={"color": colour, "dash": DASHES[i % len(DASHES)], "width": 2},
                                 hovertemplate=label + "<extra></extra>"))
        if inst["inner_mm"]:
            ix, iy = _circle(cx, float(inst["inner_mm"]))
            fig.add_trace(go.Scatter(x=ix, y=iy, mode="lines", name="working channel",
                                     line={"color": OKABE_ITO["black"], "dash": "dot", "width": 1},
                                     hovertemplate="working channel<extra></extra>"))
        x += d + 4
    fig.update_layout(title="Cross-sections of cited MISS instruments, to scale (mm)",
                      template=plot_template(),
                      xaxis={"title": "mm", "scaleanchor": "y", "zeroline": False},
                      yaxis={"title": "mm", "zeroline": False}, height=380, width=900,
                      legend={"orientation": "h", "y": -0.3, "font": {"size": 10}}, margin={"t": 50})
    return fig


def technique_choices() -> list[tuple[str, str]]:
    """Return (name, id) pairs for menus."""
    return [(technique_name(t), t) for t in TECHNIQUES]


def step_sheet(technique: str = "all"):
    """Return the full step sheet (every row, no truncation) as an HTML display object."""
    from IPython.display import HTML

    from widgets.core.tables import frame_html
    from widgets.techniques.tables import steps_table

    return HTML(frame_html(steps_table(technique)))  # the suite's tables: no empty header cells
