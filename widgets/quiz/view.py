"""The quiz widget: one question at a time, keyboard-usable, graded in Python.

Every control is a native ipywidgets control with a visible label
(``description``): radio buttons for a single best answer, check boxes for
multiple select, a number box and a unit menu for numeric items, and one
drop-down per position (ordering) or per prompt (matching). Tab moves between
controls, arrow keys choose, Enter or Space presses a button; buttons carry
tooltips. Feedback appears in a live region (``role="status"``).

Questions are built when first shown, so a long quiz opens quickly.

Answer keys stay in the kernel. No trait of any widget holds an answer, a
feedback text or an explanation before the learner submits; in exam mode
none ever does (the learner sees only how many responses were recorded).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import ipywidgets as ipw

from widgets.core.numbers import format_score
from widgets.core.view import TopicView
from widgets.quiz import types
from widgets.quiz.grading import Grade
from widgets.quiz.items import Item, items_for_lesson
from widgets.quiz.review import review_items
from widgets.quiz.session import QuizSession
from widgets.quiz.store import ProgressStore, learner_store

__all__ = ["QuestionView", "QuizView", "lesson_quiz", "review_quiz"]


def _md(text: str) -> str:
    """Escape text, keeping **bold** as <strong> (used for emphasised lead-ins)."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


class QuestionView:
    """The controls of one question; built once, kept while the quiz lives."""

    def __init__(self, session: QuizSession, item: Item, number: int, on_submit):
        self.session = session
        self.item = item
        self.number = number
        total = len(session.items)
        self.qtype = types.of(item.type)
        kind = self.qtype.INSTRUCTION
        self.stem = ipw.HTML(
            f'<div role="group" aria-label="Question {number} of {total}">'
            f"<h4>Question {number} of {total}</h4><p>{_md(item.stem)}</p>"
            f"<p><em>{kind}</em></p></div>")
        self.controls: list[ipw.Widget] = []
        self._build_controls()
        exam = session.mode == "exam"
        self.submit = ipw.Button(
            description="Save answer" if exam else "Submit answer",
            tooltip=(f"Save your answer to question {number}; it is graded when you submit the exam"
                     if exam else f"Check your answer to question {number} and see feedback"),
            button_style="primary", icon="check")
        self.feedback = ipw.HTML()
        self.submit.on_click(on_submit)
        if exam and item.id in session.responses:
            self.set_response(session.responses[item.id])
            self.feedback.value = '<p role="status">Saved answer restored.</p>'

    def _order(self, which: str = "options") -> list[str]:
        return self.session.options(self.item.id, which)

    def _build_controls(self) -> None:
        self.inputs = self.qtype.Controls(self.item, self._order)
        self.controls = list(self.inputs.widgets)

    def response(self) -> Any:
        """Read the learner's response from the controls."""
        return self.inputs.read()

    def set_response(self, response: Any) -> None:
        """Set the controls to ``response`` (in the grader's terms: option ids, ``(value, unit)``...)."""
        self.inputs.set(response)

    def show_grade(self, result: Grade) -> None:
        """Write the feedback of a practice-mode grade into the live region."""
        item = self.item
        parts = [f"<p><strong>{html.escape(result.message)}</strong>"
                 f" Score {format_score(result.score, 1)}.</p>"]
        parts.append(self.qtype.feedback_html(item, result, self._order))
        parts.append(f"<p>{_md(result.explanation)}</p>")
        parts.append(f"<p><small>Source: {html.escape(result.citation)}</small></p>")
        self.feedback.value = '<div role="status" aria-live="polite">' + "".join(parts) + "</div>"

    def widgets(self) -> list[ipw.Widget]:
        """Return the widgets of the question, top to bottom."""
        return [self.stem, *self.controls, self.submit, self.feedback]

    def close(self) -> None:
        """Close every widget of the question."""
        for w in self.widgets():
            if isinstance(w, ipw.Box):
                for child in w.children:
                    child.close()
            w.close()


class QuizView(TopicView):
    """A quiz in a notebook: navigation, one question at a time, feedback and a score.

    Its callbacks are wired through :class:`widgets.core.view.TopicView`: an
    error is shown in :attr:`status` and re-raised.

    Parameters
    ----------
    items
        The items of the quiz.
    mode
        ``"practice"`` (feedback after each answer) or ``"exam"`` (no
        feedback; responses recorded when the exam is submitted).
    seed
        Seeds the order of questions and options.
    store
        The learner's progress store; ``None`` records nothing.
    title
        A heading for the quiz.
    """

    def __init__(self, items: Sequence[Item], mode: str = "practice", seed: int = 0,
                 store: ProgressStore | None = None, title: str = "Check your understanding"):
        super().__init__()
        self.session = QuizSession(items, mode=mode, seed=seed, store=store)
        n = len(self.session.items)
        about = ("Practice: you get feedback, with its source, after each answer."
                 if mode == "practice" else
                 "Exam: no feedback is shown. Save each answer, then submit the exam;"
                 " your responses are recorded for your instructor.")
        self.header = ipw.HTML(f"<h3>{html.escape(title)}</h3><p>{about}</p>")
        self.nav = ipw.Dropdown(options=[(f"{k} of {n}", k - 1) for k in range(1, n + 1)],
                                value=0, description="Question",
                                style={"description_width": "initial"})
        self.prev = ipw.Button(description="Previous", icon="arrow-left",
                               tooltip="Go to the previous question")
        self.next = ipw.Button(description="Next", icon="arrow-right",
                               tooltip="Go to the next question")
        self.body = ipw.VBox()
        self.summary = ipw.HTML()
        self.finish = None
        self.confirm = None
        if mode == "exam":
            self.finish = ipw.Button(description="Submit exam", button_style="warning",
                                     tooltip="Submit every saved answer; you cannot change them"
                                             " afterwards")
            self.on_click(self.finish, self._ask_to_submit)
            # asked before an exam with unanswered questions is submitted
            self.confirm_text = ipw.HTML()
            self.confirm_yes = ipw.Button(description="Submit anyway", button_style="danger",
                                          tooltip="Submit now; unanswered questions score nothing")
            self.confirm_no = ipw.Button(description="Keep answering",
                                         tooltip="Go to the first unanswered question")
            self.confirm = ipw.VBox([self.confirm_text, ipw.HBox([self.confirm_no, self.confirm_yes])],
                                    layout=ipw.Layout(display="none"))
            self.on_click(self.confirm_yes, self._submit_exam)
            self.on_click(self.confirm_no, self._keep_answering)
        self._questions: dict[int, QuestionView] = {}
        self._root: ipw.Widget | None = None
        self._on_submit = self.guard(self._submit_unguarded)
        self.observe(self.nav, self._go)
        self.on_click(self.prev, self._previous)
        self.on_click(self.next, self._next)
        self._show(0)
        self._update_summary()

    # ------------------------------------------------------------------ state

    def question(self, index: int) -> QuestionView:
        """Return (building it if needed) the view of question ``index`` (0-based)."""
        if index not in self._questions:
            item = self.session.items[index]
            view = QuestionView(self.session, item, index + 1, self._on_submit)
            view.submit._quiz_index = index
            self._questions[index] = view
        return self._questions[index]

    @property
    def current(self) -> QuestionView:
        """The question on screen."""
        return self.question(self.nav.value)

    def _show(self, index: int) -> None:
        self.body.children = self.question(index).widgets()
        self.prev.disabled = index == 0
        self.next.disabled = index == len(self.session.items) - 1

    def _go(self, change) -> None:
        self._show(change["new"])

    def _step(self, delta: int) -> None:
        target = min(max(self.nav.value + delta, 0), len(self.session.items) - 1)
        self.nav.value = target  # the observer shows it

    def _previous(self, _button) -> None:
        self._step(-1)

    def _next(self, _button) -> None:
        self._step(+1)

    def _submit_unguarded(self, button) -> None:
        view = self.question(getattr(button, "_quiz_index", self.nav.value))
        self.clear_status()
        if self.session.mode == "exam":
            if self.session.submitted:
                raise RuntimeError("the exam was already submitted")
            self.session.respond(view.item.id, view.response())
            view.feedback.value = ('<p role="status">Answer saved. It is graded when you submit'
                                   ' the exam.</p>')
        else:
            view.show_grade(self.session.respond(view.item.id, view.response()))
        self._update_summary()

    def unanswered(self) -> list[int]:
        """Return the numbers (1-based) of the questions with no saved answer."""
        saved = self.session.responses
        return [k + 1 for k, item in enumerate(self.session.items) if item.id not in saved]

    def _ask_to_submit(self, button) -> None:
        missing = self.unanswered()
        if not missing:
            self._submit_exam(button)
            return
        n = len(self.session.items)
        which = ", ".join(str(k) for k in missing)
        self.confirm_text.value = (
            f'<p role="alert">You have saved {n - len(missing)} of {n} answers; question'
            f'{"s" if len(missing) > 1 else ""} {which} {"have" if len(missing) > 1 else "has"} no'
            " saved answer. Submit the exam anyway? You cannot change your answers afterwards.</p>")
        self.confirm.layout.display = None

    def _keep_answering(self, _button) -> None:
        self.confirm.layout.display = "none"
        missing = self.unanswered()
        if missing:
            self.nav.value = missing[0] - 1

    def _submit_exam(self, _button) -> None:
        if self.confirm is not None:
            self.confirm.layout.display = "none"
        recorded = self.session.submit()
        self.finish.disabled = True
        if self.confirm is not None:
            self.confirm_yes.disabled = self.confirm_no.disabled = True
        for view in self._questions.values():
            view.submit.disabled = True
        n = len(self.session.items)
        self.summary.value = (f'<p role="status">Exam submitted: {recorded} of {n} responses'
                              " recorded. Your instructor will release the results.</p>")

    def _update_summary(self) -> None:
        if self.session.mode == "exam":
            saved = len(self.session.responses)
            restored = (f" {self.session.restored} restored from your last session."
                        if self.session.restored else "")
            self.summary.value = (f"<p>{saved} of {len(self.session.items)} answers saved"
                                  f" (not yet submitted).{restored}</p>")
        else:
            self.summary.value = f"<p>{html.escape(self.session.summary().text())}</p>"

    # ------------------------------------------------------------------ driving it (tests)

    def answer(self, response: Any) -> Grade | None:
        """Set the current question's controls to ``response`` and press its button.

        ``response`` is in the grader's terms (option ids, ``(value, unit)``...).
        Used by tests and the benchmark; a learner uses the controls.
        """
        view = self.current
        view.set_response(response)
        view.submit.click()
        return self.session.last_grades.get(view.item.id)

    # ------------------------------------------------------------------ display

    def widget(self) -> ipw.Widget:
        """Return the assembled quiz (built once; every call returns the same widget)."""
        if self._root is None:
            bottom = [self.summary, self.status]
            if self.finish is not None:
                bottom[:0] = [self.finish, self.confirm]
            self._root = ipw.VBox([self.header, ipw.HBox([self.prev, self.nav, self.next]),
                                   self.body, *bottom], layout=ipw.Layout(width="720px"))
        return self._root

    def _repr_mimebundle_(self, **kwargs):
        return self.widget()._repr_mimebundle_(**kwargs)

    def all_widgets(self) -> list[ipw.Widget]:
        """Every widget built so far (for accessibility and key-leak checks)."""
        out: list[ipw.Widget] = []

        def walk(w: ipw.Widget) -> None:
            out.append(w)
            for child in getattr(w, "children", ()):
                walk(child)

        walk(self.widget())
        for view in self._questions.values():
            for w in view.widgets():
                if w not in out:
                    walk(w)
        return out

    def close(self) -> None:
        """Close every widget of the quiz."""
        for view in self._questions.values():
            view.close()
        if self._root is not None:
            self._root.children[1].close()  # the navigation row
            self._root.close()
        if self.confirm is not None:
            self.confirm.children[1].close()
            for w in (self.confirm_text, self.confirm_yes, self.confirm_no):
                w.close()
        for w in (self.header, self.nav, self.prev, self.next, self.body, self.summary,
                  self.status, self.finish, self.confirm):
            if w is not None:
                w.close()


def lesson_quiz(lesson: str, seed: int = 0, mode: str = "practice", n_items: int | None = None,
                learner: str | None = None, record: bool = True) -> QuizView:
    """Return the quiz that ends ``lesson`` (its items from every bank, shuffled by ``seed``).

    Answers are recorded for ``learner`` (default ``MISS_LEARNER`` or ``"student"``)
    unless ``record`` is false.
    """
    items = items_for_lesson(lesson)
    session_items = QuizSession(items, seed=seed).items[:n_items] if n_items else items
    store = learner_store(learner) if record else None
    return QuizView(session_items, mode=mode, seed=seed, store=store,
                    title=f"Check your understanding ({len(session_items)} questions)")


def review_quiz(learner: str | None = None, seed: int = 0, n_items: int = 10,
                now: datetime | None = None, mode: str = "practice") -> QuizView:
    """Return a mixed quiz of the items due for ``learner`` across every lesson."""
    items = review_items(learner, n_items=n_items, now=now)
    if not items:
        raise LookupError("nothing is due: come back later")
    return QuizView(items, mode=mode, seed=seed, store=learner_store(learner),
                    title=f"Spaced review ({len(items)} questions due)")
