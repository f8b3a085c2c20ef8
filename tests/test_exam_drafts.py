"""Exam answers are saved on disk as drafts when the student saves them, and survive the kernel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from widgets.quiz.items import items_for_lesson
from widgets.quiz.scheduler import leitner_states
from widgets.quiz.session import QuizSession
from widgets.quiz.store import ENV_VAR, ProgressStore
from widgets.quiz.view import QuizView

ROOT = Path(__file__).resolve().parent.parent
LESSON = "01-spinal-anatomy"

KERNEL = """
import sys, time
from pathlib import Path
from widgets.quiz.items import items_for_lesson
from widgets.quiz.session import QuizSession
from widgets.quiz.store import ProgressStore
items = [i for i in items_for_lesson(sys.argv[1]) if i.type == "single"][:2]
session = QuizSession(items, mode="exam", seed=3, store=ProgressStore("examinee"), shuffle=False)
session.respond(items[0].id, items[0].options[0].id)     # first answer saved
Path(sys.argv[2]).write_text("saved")
time.sleep(120)                                          # killed here, before the second save
session.respond(items[1].id, items[1].options[0].id)
"""


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    folder = tmp_path / "progress"
    monkeypatch.setenv(ENV_VAR, str(folder))
    return folder


def _singles(n: int = 2):
    return [i for i in items_for_lesson(LESSON) if i.type == "single"][:n]


def test_a_killed_kernel_keeps_the_answer_saved_before_it_died(store_dir, tmp_path):
    ready = tmp_path / "ready"
    env = dict(os.environ, **{ENV_VAR: str(store_dir), "PYTHONPATH": str(ROOT)})
    kid = subprocess.Popen([sys.executable, "-c", textwrap.dedent(KERNEL), LESSON, str(ready)],
                           env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert kid.poll() is None, kid.communicate()[1]
            assert time.monotonic() < deadline, "the kernel did not save its first answer"
            time.sleep(0.02)
    finally:
        kid.send_signal(signal.SIGKILL)
        kid.communicate(timeout=30)
    first, second = _singles()
    on_disk = ProgressStore("examinee").records()
    assert [(r["item"], r["mode"]) for r in on_disk] == [(first.id, "draft")]
    again = QuizSession([first, second], mode="exam", seed=3, store=ProgressStore("examinee"),
                        shuffle=False)
    assert again.restored == 1
    assert again.responses == {first.id: first.options[0].id}


def test_the_view_shows_restored_answers_in_its_controls(store_dir):
    first, second = _singles()
    before = QuizView([first, second], mode="exam", seed=1, store=ProgressStore("s1"))
    at = [i.id for i in before.session.items].index(first.id)
    before.nav.value = at
    before.answer(first.answer)
    view = QuizView([first, second], mode="exam", seed=1, store=ProgressStore("s1"))
    shown = view.question(at)
    assert shown.inputs.radio.value == first.answer
    assert "restored" in shown.feedback.value and "1 restored" in view.summary.value


def test_submitting_turns_drafts_into_the_hand_in_and_later_sessions_start_empty(store_dir):
    first, second = _singles()
    store = ProgressStore("s2")
    session = QuizSession([first, second], mode="exam", store=store, shuffle=False)
    session.respond(first.id, first.answer)
    session.respond(first.id, first.options[-1].id)           # changed her mind
    session.respond(second.id, second.answer)
    assert session.submit() == 2
    handed_in = [r for r in store.records() if r["mode"] == "exam"]
    assert {r["item"]: r["response"] for r in handed_in} == {
        first.id: first.options[-1].id, second.id: second.answer}
    later = QuizSession([first, second], mode="exam", store=ProgressStore("s2"), shuffle=False)
    assert later.restored == 0 and later.responses == {}


def test_drafts_are_not_answers_for_the_review_schedule(store_dir):
    first, _ = _singles()
    store = ProgressStore("s3")
    QuizSession([first], mode="exam", store=store).respond(first.id, first.answer)
    assert leitner_states(store.records()) == {}


def test_the_learners_file_never_says_which_exam_answers_were_right(store_dir):
    first, second = _singles()
    store = ProgressStore("s4")
    session = QuizSession([first, second], mode="exam", store=store, shuffle=False)
    session.respond(first.id, first.answer)
    session.respond(second.id, next(o.id for o in second.options if o.id != second.answer))
    session.submit()
    text = store.path.read_text(encoding="utf-8")
    assert '"correct"' not in text and '"score"' not in text
