"""The cervical approach comparator: a level and a pathology in, the corridors and their answers out.

The diagram (:mod:`widgets.cervical.diagram`) draws both corridors on a schematic axial slice; a
corridor whose approach reaches the chosen pathology is drawn solid, one that does not is dashed.
The table under it comes from :func:`widgets.cervical.comparator.compare`, which reads the rules in
``data/``; the view decides nothing.
"""

from __future__ import annotations

import ipywidgets as ipw
import plotly.graph_objects as go

from widgets.cervical.comparator import LEVELS, PATHOLOGIES, compare
from widgets.cervical.diagram import corridor_path, shapes
from widgets.core.figures import Figure
from widgets.core.view import OKABE_ITO, TopicView, plot_template, table_html

__all__ = ["ComparatorView", "corridor_figure"]

_FILL = {"bone": "#dddddd", "neural": OKABE_ITO["yellow"], "vessel": OKABE_ITO["vermillion"],
         "viscus": OKABE_ITO["sky blue"], "muscle": "#f2d7c9"}
_CORRIDOR_STYLE = {"anterior": (OKABE_ITO["blue"], "circle"),
                   "posterior": (OKABE_ITO["bluish green"], "square")}
_STYLE = {"description_width": "initial"}


def _alt(comparison) -> str:
    parts = []
    for corridor in ("anterior", "posterior"):
        names = [a.name for a in comparison.answers if a.corridor == corridor]
        reach = any(a.reaches for a in comparison.answers if a.corridor == corridor)
        verb = "reaches" if reach else "does not reach"
        parts.append(f"the {corridor} corridor ({', '.join(names)}) {verb} it")
    return (f"Schematic axial slice of the neck at {comparison.level}, front at the top, showing the"
            f" disc, cord, exiting {comparison.root} roots, facets, lamina, vertebral and carotid"
            f" arteries, oesophagus, trachea and recurrent laryngeal nerve. For a {comparison.pathology}, "
            + "; ".join(parts) + ".")


def corridor_figure(*, level: str, pathology: str) -> Figure:
    """Return the labelled diagram of both corridors for ``level`` and ``pathology``."""
    comparison = compare(level=level, pathology=pathology)
    fig = Figure(alt=_alt(comparison))
    for s in shapes():
        fig.add_shape(type="circle", x0=s.x - s.rx, x1=s.x + s.rx, y0=s.y - s.ry, y1=s.y + s.ry,
                      fillcolor=_FILL[s.group], opacity=0.8, layer="below",
                      line={"color": OKABE_ITO["black"], "width": 1})
        label = s.name.replace(" (", "<br>(")
        if s.rx < 0.3:  # too small to hold its label: point at it from outside the slice
            fig.add_annotation(x=s.x, y=s.y, text=label, showarrow=True, ax=-90, ay=-70,
                               font={"size": 10}, arrowwidth=1.5)
        else:
            fig.add_trace(go.Scatter(x=[s.x], y=[s.y], mode="text", text=[label], textfont={"size": 10},
                                     showlegend=False, hoverinfo="text"))
    for corridor in ("anterior", "posterior"):
        reach = any(a.reaches for a in comparison.answers if a.corridor == corridor)
        colour, symbol = _CORRIDOR_STYLE[corridor]
        xs, ys = zip(*corridor_path(corridor), strict=True)
        label = f"{corridor} corridor: {'reaches' if reach else 'does not reach'} a {pathology}"
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name=label,
                                 line={"color": colour, "width": 5, "dash": "solid" if reach else "dash"},
                                 marker={"symbol": symbol, "size": 9}))
    fig.update_layout(template=plot_template(), width=720, height=620,
                      title={"text": f"The two corridors at {level}"
                                     " (schematic, not to scale; front at the top)<br>"
                                     f"<sup>exiting root at this level: {comparison.root}</sup>"},
                      xaxis={"visible": False, "range": [-6, 6]},
                      yaxis={"visible": False, "range": [-6.8, 7.6], "scaleanchor": "x"},
                      legend={"orientation": "h", "y": -0.02}, margin={"l": 10, "r": 10, "t": 80, "b": 60})
    return fig


class ComparatorView(TopicView):
    """Choose a disc level and a pathology; see which corridor reaches it and what each risks."""

    def __init__(self, level: str = "C5-C6", pathology: str = "soft foraminal disc"):
        super().__init__()
        self.level = ipw.Dropdown(options=LEVELS, value=level, description="Level", style=_STYLE)
        self.pathology = ipw.Dropdown(options=PATHOLOGIES, value=pathology, description="Pathology",
                                      style=_STYLE, layout={"width": "360px"})
        self.figure = corridor_figure(level=level, pathology=pathology)
        self.answer = ipw.HTML()
        self.risks = ipw.HTML()
        self.observe([self.level, self.pathology], self._update)
        self._update()

    def _update(self, change=None) -> None:
        c = compare(level=self.level.value, pathology=self.pathology.value)
        new = corridor_figure(level=c.level, pathology=c.pathology)
        with self.figure.batch_update():  # same shapes and traces, in the same order: update in place
            for old, fresh in zip(self.figure.data, new.data, strict=True):
                old.update(fresh.to_plotly_json())
            self.figure.layout.title = new.layout.title
        self.figure.alt = new.alt
        rows = [{"approach": a.name, "corridor": a.corridor, "reaches it": "yes" if a.reaches else "no",
                 "why": a.reason, "basis": a.basis} for a in c.answers]
        caption = f"Which approach reaches a {c.pathology} at {c.level} (root {c.root})"
        self.answer.value = table_html(rows, caption)
        risk_rows = []
        for a in c.answers:
            if a.approach == "disc-arthroplasty":
                continue
            risk_rows += [{"corridor": a.corridor, **r} for r in a.at_risk]
        self.risks.value = table_html(risk_rows,
                                      "Structures each corridor puts at risk, and how often (where cited)")
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([ipw.HBox([self.level, self.pathology]), self.figure.output, self.answer, self.risks,
                         self.status])
