"""The corridor chooser of lesson 11, drawn on the spine model (a lateral view), with its table.

A thin layer over :mod:`widgets.interbody.chooser`: the model computes every status from the
heights of the discs, the iliac crest, the great vessels and the plexus; this module draws
them and writes the same answer in a table and in the figure's text alternative.
"""

from __future__ import annotations

import html

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.core.figures import Figure
from widgets.core.view import OKABE_ITO, TopicView, plot_template, table_html
from widgets.interbody import chooser, landmarks, tables

__all__ = ["ChooserView", "chooser_figure", "show"]

_INITIAL = {"description_width": "initial"}
#: Corridor status: colour and line dash (the marker's shape says which corridor).
_STATUS_STYLE = {
    "open": (OKABE_ITO["blue"], "solid"),
    "narrowed": (OKABE_ITO["orange"], "dash"),
    "blocked": (OKABE_ITO["vermillion"], "dot"),
}
#: Where each corridor meets the chosen disc in the lateral view, and its marker.
_CORRIDOR_MARKS = {"ALIF": "triangle-left", "TLIF": "triangle-right",
                   "lateral transpsoas": "circle-x", "OLIF": "diamond"}


def show(frame, caption: str):
    """Return ``frame`` as an accessible HTML table with a caption, every cell in full."""
    from IPython.display import HTML

    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("a table needs a caption (a non-empty string)")
    if frame.index.name is not None:
        frame = frame.reset_index()
    return HTML(table_html(frame.to_dict("records"), caption))


def _alt(choice: chooser.Choice) -> str:
    parts = [f"{v.corridor} {v.status}" for v in choice.verdicts]
    first = choice.ranking[0] if choice.ranking else "none"
    return (f"Lateral view of the lumbar spine model, front to the right, with the {choice.level} disc"
            f" outlined, the iliac crest top ({choice.crest}) and the levels of the aortic bifurcation and"
            f" iliocaval junction drawn as horizontal lines, the lateral safe zone in front of the"
            f" plexus marked on each disc, and each corridor marked where it meets the chosen disc (ALIF"
            f" from the front, TLIF from behind, OLIF and lateral from the side). At {choice.level}:"
            f" {', '.join(parts)}; first choice {first}.")


def _traces(choice: chooser.Choice) -> list[go.Scatter]:
    h = chooser.heights()
    traces = []
    for i, (lv, q) in enumerate(h.outline["bodies"].items()):
        loop = list(q) + [q[0]]
        traces.append(go.Scatter(x=[p[0] for p in loop], y=[p[1] for p in loop], mode="lines",
                                 fill="toself", fillcolor="rgba(120,120,120,0.35)",
                                 line={"color": OKABE_ITO["black"], "width": 1}, name="vertebral bodies",
                                 legendgroup="bodies", showlegend=i == 0, hoverinfo="text",
                                 text=lv))
    for disc, q in h.outline["discs"].items():
        loop = list(q) + [q[0]]
        chosen = disc == choice.level
        traces.append(go.Scatter(x=[p[0] for p in loop], y=[p[1] for p in loop], mode="lines",
                                 line={"color": OKABE_ITO["black"] if chosen else "grey",
                                       "width": 4 if chosen else 1},
                                 name=f"{disc} disc (chosen)" if chosen else "discs",
                                 legendgroup="chosen" if chosen else "discs",
                                 showlegend=chosen or disc == chooser.DISCS[0], hoverinfo="text", text=disc))
    for i, zone in enumerate(chooser.safe_zones()):
        a, b = zone.margin_point, zone.limit_point
        traces.append(go.Scatter(x=[a[0], b[0]], y=[a[1], b[1]], mode="lines+markers",
                                 line={"color": OKABE_ITO["bluish green"], "width": 5},
                                 marker={"symbol": "line-ns-open", "size": 10},
                                 name="lateral safe zone (plexus behind, limit in front)",
                                 legendgroup="safe", showlegend=i == 0, hoverinfo="text",
                                 text=f"{zone.segment}: {zone.safe_mm:.1f} mm"))
    traces += _corridor_traces(choice)
    xs = [p[0] for q in h.outline["bodies"].values() for p in q]
    x0, x1 = min(xs) - 10.0, max(xs) + 35.0
    crest_z = h.region(landmarks.CREST_PLACEMENTS[choice.crest])
    lines = [(crest_z, f"iliac crest top ({choice.crest})", OKABE_ITO["reddish purple"], "dash", x0, x1)]
    for structure, colour, dash in (("aortic bifurcation", OKABE_ITO["vermillion"], "dot"),
                                    ("iliocaval junction", OKABE_ITO["sky blue"], "dashdot")):
        mark = landmarks.vessel_landmarks(structure)[0]
        lines.append((h.region(mark.position), f"{structure} ({mark.position})", colour, dash,
                      max(xs) - 5.0, x1))
    for z, name, colour, dash, a, b in lines:
        traces.append(go.Scatter(x=[a, b], y=[z, z], mode="lines", name=name,
                                 line={"color": colour, "dash": dash, "width": 3}, hoverinfo="name"))
    return traces


def _corridor_traces(choice: chooser.Choice) -> list[go.Scatter]:
    """One trace per corridor where it meets the chosen disc: front (ALIF), back (TLIF), side (the others)."""
    h = chooser.heights()
    q = h.outline["discs"][choice.level]
    back, front = (q[0] + q[1]) / 2.0, (q[2] + q[3]) / 2.0
    zones = {z.segment: z for z in chooser.safe_zones()}
    side = ((zones[choice.level].margin_point + zones[choice.level].limit_point) / 2.0
            if choice.level in zones else (back + front) / 2.0)
    where = {
        "ALIF": ([front[0] + 28.0, front[0] + 2.0], [front[1], front[1]]),
        "TLIF": ([back[0] - 28.0, back[0] - 2.0], [back[1], back[1]]),
        "lateral transpsoas": ([side[0]], [side[1]]),
        "OLIF": ([back[0] + 0.85 * (front[0] - back[0])], [back[1] + 0.85 * (front[1] - back[1])]),
    }
    traces = []
    for v in choice.verdicts:
        colour, dash = _STATUS_STYLE[v.status]
        x, y = where[v.corridor]
        size = [0] * (len(x) - 1) + [16]
        traces.append(go.Scatter(x=x, y=y, mode="lines+markers", name=f"{v.corridor}: {v.status}",
                                 line={"color": colour, "dash": dash, "width": 3},
                                 marker={"symbol": _CORRIDOR_MARKS[v.corridor], "size": size, "color": colour,
                                         "line": {"color": OKABE_ITO["black"], "width": 1}},
                                 hoverinfo="name"))
    return traces


def _annotations(choice: chooser.Choice) -> list[dict]:
    h = chooser.heights()
    notes = []
    for lv, q in h.outline["bodies"].items():
        notes.append({"x": float(min(p[0] for p in q)) - 4.0, "y": float(sum(p[1] for p in q) / 4.0),
                      "text": lv, "showarrow": False, "xanchor": "right", "font": {"size": 12}})
    xs = [p[0] for q in h.outline["bodies"].values() for p in q]
    right = max(xs) + 37.0
    labels = [(h.region(landmarks.CREST_PLACEMENTS[choice.crest]), "iliac crest top")]
    for structure in ("aortic bifurcation", "iliocaval junction"):
        labels.append((h.region(landmarks.vessel_landmarks(structure)[0].position), structure))
    for z, text in labels:
        notes.append({"x": right, "y": z, "text": text, "showarrow": False, "xanchor": "left",
                      "font": {"size": 12}})
    return notes


def chooser_figure(choice: chooser.Choice) -> Figure:
    """Return the lateral view of the model with the chooser's landmarks, for one choice."""
    fig = Figure(alt=_alt(choice))
    _fill(fig, choice)
    return fig


def _fill(fig: Figure, choice: chooser.Choice) -> None:
    fig.data = ()
    for t in _traces(choice):
        fig.add_trace(t)
    status = "; ".join(f"{v.corridor}: {v.status}" for v in choice.verdicts)
    h = chooser.heights()
    xs = [p[0] for q in h.outline["bodies"].values() for p in q]
    zs = [p[1] for q in h.outline["bodies"].values() for p in q]
    fig.update_layout(
        template=plot_template(),
        title={"text": f"{choice.level}, {choice.pathology}<br><sup>{html.escape(status)}</sup>",
               "x": 0.0, "xanchor": "left"},
        xaxis={"title": "back to front (mm, front to the right)", "scaleanchor": "y",
               "scaleratio": 1, "zeroline": False, "constrain": "domain",
               "range": [min(xs) - 25.0, max(xs) + 110.0]},
        yaxis={"title": "height (mm, model frame)", "zeroline": False,
               "range": [min(zs) - 8.0, max(zs) + 8.0]},
        annotations=_annotations(choice),
        legend={"orientation": "h", "y": -0.12, "x": 0.0},
        height=700, margin={"l": 60, "r": 20, "t": 90, "b": 170},
    )
    fig.alt = _alt(choice)


class ChooserView(TopicView):
    """Choose a disc, a pathology and where the iliac crest lies; see every corridor's status."""

    def __init__(self, level: str = "L4-L5", pathology: str = "foraminal stenosis from disc collapse",
                 crest: str = "at the L4-L5 disc"):
        super().__init__()
        choice = chooser.choose(level=level, pathology=pathology, crest=crest)
        self.level = ipw.Dropdown(options=list(chooser.DISCS), value=level, description="Level")
        self.pathology = ipw.Dropdown(options=list(chooser.PATHOLOGIES), value=pathology,
                                      description="Pathology", style=_INITIAL,
                                      layout=ipw.Layout(width="28em"))
        self.crest = ipw.Dropdown(options=list(landmarks.CREST_PLACEMENTS), value=crest,
                                  description="Iliac crest top", style=_INITIAL)
        self.figure = chooser_figure(choice)
        self.answer = ipw.HTML()
        self.table = ipw.HTML()
        self._update = self.observe([self.level, self.pathology, self.crest], self._update_unguarded)
        self._update()

    def choice(self) -> chooser.Choice:
        """Return the chooser's answer for the current controls."""
        return chooser.choose(level=self.level.value, pathology=self.pathology.value, crest=self.crest.value)

    def _update_unguarded(self, change=None) -> None:
        choice = self.choice()
        with self.figure.batch_update():
            _fill(self.figure, choice)
        ranking = ", ".join(choice.ranking) or "none"
        self.answer.value = (f"<p><b>Usable corridors, best first:</b> {html.escape(ranking)}."
                             f" {html.escape(choice.note[0].upper() + choice.note[1:])}.</p>")
        frame = tables.choice_table(self.level.value, self.pathology.value, self.crest.value)
        self.table.value = table_html(frame.to_dict("records"), "Each corridor at this disc: status and"
                                                                " why, computed from the model")
        self.clear_status()

    def widget(self) -> ipw.VBox:
        """Return the controls, the figure, the answer and the table."""
        return ipw.VBox([ipw.HBox([self.level, self.crest]), self.pathology, self.figure.output,
                         self.answer, self.table, self.status])
