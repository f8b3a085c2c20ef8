"""The complication recogniser: read the signs at an hour, a day or a week, choose, see what follows.

The engine is :class:`widgets.complications.scenarios.Walk`; this view only shows the current step,
offers its choices and writes the feedback of each choice made. Choosing a harmful action leads
down the scenario's branch where things get worse; "Start again" returns to the first step.
"""

from __future__ import annotations

import html

import ipywidgets as ipw

from widgets.complications.scenarios import TIMES, Walk, scenario, scenarios
from widgets.core.view import TopicView

__all__ = ["RecogniserView"]

_VERDICT_TEXT = {"best": "Best choice", "acceptable": "Acceptable, not best", "harmful": "Harmful"}
_STYLE = {"description_width": "initial"}


class RecogniserView(TopicView):
    """Walk one scenario: signs, a question, choices, and feedback that branches on the choice."""

    def __init__(self, scenario_id: str | None = None):
        super().__init__()
        first = scenario_id if scenario_id is not None else scenarios()[0].id
        self.walk = Walk(scenario(first))
        self.picker = ipw.Dropdown(
            options=[(f"{s.title} ({s.time})", s.id) for t in TIMES for s in scenarios() if s.time == t],
            value=first, description="Scenario", style=_STYLE, layout={"width": "560px"})
        self.case = ipw.HTML()
        self.options = ipw.RadioButtons(options=[], description="Your action", style=_STYLE,
                                        layout={"width": "760px"})
        self.choose_button = ipw.Button(description="Choose", button_style="primary")
        self.restart_button = ipw.Button(description="Start again")
        self.history = ipw.HTML()
        self.observe(self.picker, self._picked)
        self.on_click(self.choose_button, self._chosen)
        self.on_click(self.restart_button, self._restart)
        self._draw()

    def _picked(self, change=None) -> None:
        self.walk = Walk(scenario(self.picker.value))
        self._draw()

    def _restart(self, button=None) -> None:
        self.walk = Walk(self.walk.scenario)
        self._draw()

    def _chosen(self, button=None) -> None:
        if self.options.value is None:
            self.show_status("Choose an action first.")
            return
        self.answer(self.options.value)

    def answer(self, choice_id: str) -> None:
        """Take ``choice_id`` at the current step (as the Choose button does) and redraw."""
        self.walk = self.walk.choose(choice_id)
        self._draw()

    def _draw(self) -> None:
        step = self.walk.step
        sc = self.walk.scenario
        if step is None:
            self.case.value = (f"<h4>{html.escape(sc.title)}</h4><p><b>The scenario has ended.</b>"
                               " Your choices: "
                               f"{html.escape(self.walk.outcome())}. Start again to try another branch.</p>")
            self.options.options = []
            self.choose_button.disabled = True
        else:
            signs = "".join(f"<li>{html.escape(s)}</li>" for s in step.signs)
            self.case.value = (f"<h4>{html.escape(sc.title)}</h4><p><b>{html.escape(step.when)}</b></p>"
                               f"<ul>{signs}</ul><p><b>{html.escape(step.question)}</b></p>")
            self.options.options = [(c.text, c.id) for c in step.choices]
            self.options.value = None
            self.choose_button.disabled = False
        items = []
        for (sid, _), c in zip(self.walk.taken, self.walk.choices(), strict=True):
            items.append(f"<li><b>{html.escape(sc.steps[sid].when)}</b>: {html.escape(c.text)}. "
                         f"<b>{_VERDICT_TEXT[c.verdict]}.</b> {html.escape(c.feedback)}</li>")
        self.history.value = f"<p><b>What happened</b></p><ol>{''.join(items)}</ol>" if items else ""
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([self.picker, self.case, self.options,
                         ipw.HBox([self.choose_button, self.restart_button]), self.history, self.status])
