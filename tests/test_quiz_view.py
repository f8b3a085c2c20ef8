"""The quiz widget: labels, seeded shuffling, feedback with citations, exam mode keeps keys hidden."""

from __future__ import annotations

import json

import ipywidgets as ipw
import pytest

from widgets.core.view import TopicView
from widgets.quiz import types
from widgets.quiz.items import get_item, items_for_lesson
from widgets.quiz.session import QuizSession, option_order
from widgets.quiz.store import ENV_VAR, ProgressStore
from widgets.quiz.view import QuizView, lesson_quiz


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "progress"))
    return ProgressStore("tester")


def _visit_all(view: QuizView) -> None:
    for k in range(len(view.session.items)):
        view.nav.value = k


def _states(view: QuizView) -> str:
    return json.dumps([w.get_state() for w in view.all_widgets()], default=str)


def test_every_control_is_labelled_and_every_button_explained():
    view = lesson_quiz("00-start-here", record=False)
    _visit_all(view)
    controls = [w for w in view.all_widgets()
                if isinstance(w, ipw.widgets.widget_selection._Selection | ipw.Checkbox
                              | ipw.BoundedFloatText)]
    assert controls
    assert all(w.description.strip() for w in controls)
    buttons = [w for w in view.all_widgets() if isinstance(w, ipw.Button)]
    assert all(b.description and b.tooltip for b in buttons)
    kinds = {type(w).__name__ for w in controls}
    assert {"RadioButtons", "Checkbox", "BoundedFloatText", "Dropdown"} <= kinds


def test_same_seed_same_order_of_questions_and_options():
    items = items_for_lesson("01-spinal-anatomy")
    a, b = QuizView(items, seed=7), QuizView(items, seed=7)
    assert [i.id for i in a.session.items] == [i.id for i in b.session.items]
    for item in a.session.items:
        assert a.session.options(item.id) == b.session.options(item.id)
    other = QuizView(items, seed=8)
    assert [i.id for i in other.session.items] != [i.id for i in a.session.items]
    first = a.question(0)
    if first.item.type == "single":
        assert first.inputs.radio.options == b.question(0).inputs.radio.options


def test_number_options_are_in_ascending_order_and_steps_never_in_the_right_order():
    item = get_item("tlif-pool-two-studies")
    texts = [item.option(i).text for i in option_order(item, seed=0)]
    assert texts == sorted(texts, key=lambda t: float(t.split()[0]))
    steps = get_item("tech-tubular-order")
    for seed in range(30):
        assert option_order(steps, seed) != list(steps.answer)


def test_practice_feedback_shows_every_option_and_the_citation(store):
    item = get_item("anat-kambin-hypotenuse")
    view = QuizView([item], seed=1, store=store)
    assert view.current.feedback.value == ""
    result = view.answer("b")
    assert not result.correct
    html = view.current.feedback.value
    assert 'role="status"' in html
    for opt in item.options:
        assert opt.feedback.split(";")[0].replace("'", "&#x27;") in html
    assert "your choice, incorrect" in html and "correct answer (not chosen)" in html
    assert "Can H" in html  # the citation of Can 2020
    assert "Score: 0 of 1 answered" in view.summary.value
    records = store.records()
    assert [(r["item"], r["response"], r["correct"], r["mode"]) for r in records] == [
        ("anat-kambin-hypotenuse", "b", False, "practice")]
    view.answer("a")
    assert "Score: 0 of 1 answered" in view.summary.value   # the score counts first attempts
    assert len(store.records()) == 2


def test_numeric_ordering_and_matching_through_the_widget():
    numeric = get_item("start-window-area-16")
    view = QuizView([numeric])
    assert view.answer((numeric.key / 100, "cm2")).correct
    assert "accepted" in view.current.feedback.value
    steps = get_item("tech-tubular-order")
    view = QuizView([steps])
    result = view.answer(list(steps.answer))
    assert result.correct and "The steps in order" in view.current.feedback.value
    match = get_item("anat-corridor-matching")
    view = QuizView([match])
    wrong = dict(match.answer, kambin="tubular")
    result = view.answer(wrong)
    assert result.score == pytest.approx(2 / 3, abs=1e-6)


def test_exam_mode_never_puts_the_key_in_widget_state(store):
    items = items_for_lesson("00-start-here")
    view = QuizView(items, mode="exam", seed=2, store=store)
    _visit_all(view)
    secrets = []
    for item in items:
        secrets.append(item.explanation)
        secrets += [o.feedback for o in (*item.options, *item.prompts) if o.feedback]
        secrets += list(item.feedback.values())
    secrets = [s for s in secrets if len(s) >= 5]
    keys = [f"{item.key:.4g}" for item in items if item.type == "numeric"]

    def leaked() -> list[str]:
        state = _states(view)
        return [s for s in secrets if json.dumps(s)[1:-1] in state]

    assert leaked() == []
    assert [k for k in keys if k in _states(view)] == []   # before the learner types them
    for k, item in enumerate(view.session.items):   # answer everything, right or wrong
        view.nav.value = k
        view.answer(types.of(item.type).correct_response(item))
    assert leaked() == []
    drafts = store.records()                       # each saved answer is on disk at once,
    assert {r["mode"] for r in drafts} == {"draft"}   # as a draft: no verdict is given
    assert len(drafts) == len(items)
    assert view.session.last_grades == {}          # and nothing graded
    view.finish.click()
    assert leaked() == []
    assert "responses recorded" in view.summary.value
    assert "Score" not in view.summary.value
    records = [r for r in store.records() if r["mode"] != "draft"]
    assert len(records) == len(items)
    assert {r["mode"] for r in records} == {"exam"}
    assert not any("correct" in r or "score" in r for r in store.records())  # no verdict on file
    assert all(g.correct for g in view.session.last_grades.values())


def test_errors_are_shown_and_re_raised():
    item = get_item("anat-kambin-hypotenuse")
    view = QuizView([item], mode="exam")
    view.session.submit()
    with pytest.raises(RuntimeError, match="already submitted"):
        view._on_submit(view.current.submit)
    assert view.status.value.startswith('<p role="alert">Error:')


def test_the_quiz_wires_its_callbacks_through_the_topic_view_base():
    view = QuizView(items_for_lesson("01-spinal-anatomy")[:2])
    assert isinstance(view, TopicView)
    assert view.guard(view._submit_unguarded) is view._on_submit  # one guarded callable per handler
    view.show_status("Error: earlier")
    view.current.submit.click()  # a submitted answer clears the status line
    assert view.status.value == ""
    view.close()


def test_navigation_buttons_and_lazy_building():
    items = items_for_lesson("01-spinal-anatomy")
    view = QuizView(items)
    assert list(view._questions) == [0]            # only the first question is built
    assert view.prev.disabled and not view.next.disabled
    view.next.click()
    assert view.nav.value == 1 and view.body.children[0] is view.question(1).stem
    view.nav.value = len(items) - 1
    assert view.next.disabled
    view.close()


def test_session_rejects_bad_modes_and_empty_quizzes():
    with pytest.raises(ValueError):
        QuizSession([get_item("anat-kambin-hypotenuse")], mode="homework")
    with pytest.raises(ValueError):
        QuizSession([])
