"""Views of the case lesson (07-case): the vignette, the approach, predictions, the quiz and its key.

Every view takes a :class:`widgets.case.model.CaseRun`. In ``student`` mode no
view shows an answer, a key or a tutor's explanation, and none holds one in a
widget trait (the quiz keeps its keys in the kernel, see
:mod:`widgets.quiz.view`); in ``solution`` mode the tutor notes and the
answer key are rendered as static HTML and the interactive views also say
what the solution accepts.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import ipywidgets as ipw
from IPython.display import HTML

from widgets.case.evidence import READINGS
from widgets.case.model import CaseRun
from widgets.case.patients import LESSON
from widgets.case.quiz import quiz_items
from widgets.core.a11y import accessible
from widgets.core.view import TopicView, table_html

__all__ = [
    "ApproachChooser",
    "OutcomePredictor",
    "case_card",
    "case_corridor",
    "case_quiz",
    "full_table",
    "hand_in",
    "quiz_key",
    "tutor_notes",
]

_STYLE = {"description_width": "initial"}
_PREDICTIONS = {"mis": "an important difference favouring MISS", "none": "no important difference",
                "inc": "inconclusive", "comp": "an important difference favouring the comparator"}
_READING_CODE = dict(zip(READINGS, ("mis", "none", "inc", "comp"), strict=True))


def _e(text: object) -> str:
    return html.escape(str(text))


class FullTable:
    """A table shown in full: no cell, row or column cut short (pandas truncates long text by default).

    The notebook shows it as HTML; its plain-text form is the whole table too,
    so nbval compares every cell a student reads.
    """

    def __init__(self, frame):
        self.frame = frame

    def _options(self):
        import pandas as pd

        return pd.option_context("display.max_colwidth", None, "display.max_rows", None,
                                 "display.max_columns", None, "display.width", 200)

    def _repr_html_(self) -> str:
        from widgets.core.tables import frame_html

        return frame_html(self.frame)  # every cell in full, and no empty header cells

    def __repr__(self) -> str:
        with self._options():
            return repr(self.frame)


def full_table(frame) -> FullTable:
    """Return ``frame`` wrapped so that the notebook shows every cell in full."""
    return FullTable(frame)


def case_card(run: CaseRun) -> HTML:
    """Return the vignette as HTML: who, what, history, examination, imaging and red flags."""
    case, p = run.case, run.case.patient
    parts = [
        f"<h3>{_e(case.title)}</h3>",
        "<p><em>A fictional teaching vignette, not a real patient.</em></p>",
        f"<p><strong>A {p.age}-year-old {p.noun}</strong>, body mass index {p.bmi:g} kg/m²."
        f" {_e(case.text('complaint'))}</p>",
        f"<p><strong>History.</strong> {_e(case.text('history'))}</p>",
        f"<p><strong>Examination.</strong> {_e(case.text('examination'))}</p>",
        f"<p><strong>Imaging.</strong> {_e(case.text('imaging'))}</p>",
        f"<p><strong>The condition.</strong> {_e(run.condition.summary)}</p>",
    ]
    if case.overrides:
        changed = ", ".join(sorted(case.overrides))
        parts.append(f"<p><em>For this run the instructor changed: {_e(changed)}. The narrative was"
                     " written for the case as published; where they differ, the fields in the"
                     " patient table hold.</em></p>")
    return HTML('<div class="miss-case">' + "".join(parts) + "</div>")


class ApproachChooser(TopicView):
    """Choose an approach; read what it involves. The solution also says whether it fits the case."""

    def __init__(self, run: CaseRun):
        super().__init__()
        self.run = run
        cond = run.condition
        self.choice = ipw.RadioButtons(
            options=[(a.label, a.id) for a in cond.approaches], value=None,
            description="Your approach", style=_STYLE, layout=ipw.Layout(width="98%"))
        self.about = ipw.HTML("<p>Choose an approach to read what it involves.</p>")
        # where the student writes down why; kept in the widget (this session), not in the progress store
        self.notes = ipw.Textarea(
            value="", description="Why this approach", style=_STYLE,
            placeholder="Write down why you chose it: the findings that point to it, what speaks against"
                        " the others.",
            layout=ipw.Layout(width="98%", height="7em"))
        self.observe(self.choice, self._update)

    def _update(self, change=None) -> None:
        if self.choice.value is None:
            return
        a = self.run.condition.approach(self.choice.value)
        access = {"mis": "minimally invasive", "open": "open"}.get(a.access or "", "non-operative")
        text = (f"<p><strong>{_e(a.label)}</strong> ({access}). {_e(a.about)}</p>")
        if self.run.solution:
            ok = a.id in self.run.acceptable_approaches()
            text += ("<p><strong>Solution:</strong> "
                     + ("reasonable for this patient." if ok else "not the solution's choice here;")
                     + " see the tutor notes below.</p>")
        else:
            text += ("<p>Write down why you chose it in the box below; the tutor discusses the choice"
                     " in the solution version.</p>")
        self.about.value = text
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view."""
        return ipw.VBox([self.choice, self.about, self.notes, self.status], layout=ipw.Layout(width="720px"))


class OutcomePredictor(TopicView):
    """Predict, outcome by outcome, what the evidence shows (the map's rule); then see the cited effects."""

    def __init__(self, run: CaseRun):
        super().__init__()
        self.run = run
        self.rows = [r for r in run.evidence() if r.reading in READINGS]
        comp = run.condition.comparator
        options = [("(choose)", None)] + [
            (label.replace("the comparator", comp), code) for code, label in _PREDICTIONS.items()]
        self.dropdowns = [ipw.Dropdown(options=options, value=None,
                                       description=r.outcome[0].upper() + r.outcome[1:],
                                       style=_STYLE, layout=ipw.Layout(width="98%"))
                          for r in self.rows]
        self.compare = ipw.Button(description="Compare with the cited figures", icon="table",
                                  tooltip="Show the cited effect beside each of your predictions")
        self.result = ipw.HTML()
        self.on_click(self.compare, self._show)

    def table_rows(self) -> list[dict[str, object]]:
        """Return one row per outcome: the prediction beside the cited effect (and the solution's verdict)."""
        out = []
        comp = self.run.condition.comparator
        for r, dd in zip(self.rows, self.dropdowns, strict=True):
            row: dict[str, object] = {
                "outcome": r.outcome,
                "your prediction": (_PREDICTIONS[dd.value].replace("the comparator", comp)
                                    if dd.value else "none made"),
                "cited effect (95% CI)": r.effect_text,
                "unit": r.unit,
                "better for the patient": r.better,
                "smallest difference that matters": r.threshold or "none cited",
                "source": r.source_key,
            }
            if self.run.solution:
                row["verdict (solution)"] = r.verdict
                row["your prediction matches"] = ("yes" if dd.value == _READING_CODE[r.reading]
                                                  else "no")
            out.append(row)
        return out

    def _show(self, _button=None) -> None:
        caption = ("Your predictions beside the cited effects: read each interval against the"
                   " smallest difference that matters" if not self.run.solution else
                   "Your predictions beside the cited effects and the solution's verdict")
        self.result.value = table_html(self.table_rows(), caption)
        self.clear_status()

    def widget(self) -> ipw.Widget:
        """Return the assembled view (a note when the condition has no cited comparison)."""
        if not self.rows:
            return ipw.HTML("<p>This suite's data hold no MISS-versus-open comparison for this"
                            " condition, so there is nothing to predict against. The table below"
                            " says so, and the applicability section shows which evidence is"
                            " nearest.</p>")
        intro = ipw.HTML(f"<p>Comparison: {_e(self.run.condition.procedure)}. For each outcome,"
                         " predict what the evidence shows before you look: an important difference"
                         " (its interval entirely beyond the smallest difference that matters), no"
                         " important difference (entirely within it) or inconclusive.</p>")
        return ipw.VBox([intro, *self.dropdowns, self.compare, self.result, self.status],
                        layout=ipw.Layout(width="720px"))


def case_corridor(run: CaseRun):
    """Return the corridor explorer of lesson 00 when the posterior lumbar corridor applies, else a note."""
    if not run.condition.corridor:
        return HTML("<p>The corridor model (a tube against an open midline wound at the lamina) is"
                    " for posterior lumbar access; it does not describe the approaches for this"
                    " condition, so it is not shown.</p>")
    from widgets.access.view import CorridorExplorer

    header = ipw.HTML("<p>The skin-to-lamina depth is an assumption: this suite has no figure linking"
                      " body mass index to depth, so set it yourself for this patient.</p>")
    return ipw.VBox([header, CorridorExplorer().widget()])


def tutor_notes(run: CaseRun) -> HTML:
    """Return the tutor notes: in the student version, only where to find them."""
    if not run.solution:
        return HTML("<p>The tutor notes are in the solution version of this notebook.</p>")
    cond = run.condition
    case = run.case
    accepted = ", ".join(cond.approach(a).label for a in run.acceptable_approaches())
    d = run.decision()
    parts = [
        "<h4>Tutor notes (solution)</h4>",
        f"<p>{_e(case.tutor_notes)}</p>",
        f"<p><strong>Approaches the solution accepts:</strong> {_e(accepted)}.</p>",
        f"<p><strong>Next step by the lesson's rule:</strong> {_e(d.step)} ({_e(d.reason)}).</p>",
    ]
    if case.overrides:
        parts.append("<p><em>Fields changed for this run: "
                     + _e(", ".join(sorted(case.overrides)))
                     + ". The notes were written for the case as published; the accepted approaches"
                     " and the quiz keys follow the fields as run.</em></p>")
    if case.discussion:
        parts.append("<p><strong>Discussion points:</strong></p><ul>"
                     + "".join(f"<li>{_e(q)}</li>" for q in case.discussion) + "</ul>")
    return HTML('<div class="miss-tutor">' + "".join(parts) + "</div>")


def _ordered_items(run: CaseRun):
    from widgets.quiz.session import QuizSession

    return QuizSession(quiz_items(run), seed=run.seed)


def quiz_key(run: CaseRun) -> HTML:
    """Return the answer key, in the order the quiz shows it (solution only)."""
    from widgets.quiz.types import key_feedback, key_lines

    if not run.solution:
        return HTML("<p>The answer key is in the solution version of this notebook.</p>")
    session = _ordered_items(run)
    parts = ["<h4>Answer key (solution)</h4>"]
    for n, item in enumerate(session.items, start=1):
        parts.append(f"<h5>Question {n} ({_e(item.bloom)}, {_e(item.difficulty)})</h5>"
                     f"<p>{_e(item.stem)}</p>")
        notes = key_feedback(item, functools.partial(session.options, item.id))
        if notes is not None:
            rows = "".join(f"<li>{_e(text)}: <em>{_e(note)}</em></li>" for text, note in notes)
            parts.append(f"<ul>{rows}</ul>")
        parts.append("".join(f"<p><strong>{_e(line)}</strong></p>" for line in key_lines(item)))
        parts.append(f"<p>{_e(item.explanation)}</p><p><small>Source: {_e(item.citation)}</small></p>")
    return HTML('<div class="miss-key">' + "".join(parts) + "</div>")


def case_quiz(run: CaseRun):
    """Return the quiz: exam mode for students (recorded, no feedback), practice for tutors."""
    from widgets.quiz.store import learner_store
    from widgets.quiz.view import QuizView

    items = quiz_items(run)
    if run.solution:
        return QuizView(items, mode="practice", seed=run.seed, store=None,
                        title=f"Check your understanding ({len(items)} questions, solution: practice)")
    return QuizView(items, mode="exam", seed=run.seed, store=learner_store(run.learner),
                    title=f"Check your understanding ({len(items)} questions)")


def hand_in(run: CaseRun):
    """Return the hand-in control: a button that exports the learner's progress file."""
    if run.solution:
        return HTML("<p>Students press <em>Export my answers</em> here and hand in the file it writes;"
                    " <code>python -m widgets.lessons collect</code> gathers the files into a"
                    " gradebook.</p>")
    target = f"{run.learner}-{LESSON}-progress.jsonl"
    button = ipw.Button(description="Export my answers", icon="download",
                        tooltip=f"Write your answers to {target} beside this notebook")
    view = TopicView()
    view.status.value = f"<p>Submit the exam above first, then export and hand in {_e(target)}.</p>"

    def export(_button=None) -> None:
        from widgets.quiz.store import learner_store

        path = learner_store(run.learner).export(Path.cwd() / target)
        view.status.value = f'<p role="status">Written: {_e(path.name)}. Hand this file in.</p>'

    view.on_click(button, export)
    return accessible(ipw.VBox([button, view.status]))
