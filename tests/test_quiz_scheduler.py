"""The Leitner scheduler on a scripted history, with an explicit clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from widgets.quiz.review import leitner_walkthrough
from widgets.quiz.scheduler import INTERVAL_DAYS, due_items, leitner_states, schedule_table
from widgets.quiz.store import format_time

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class It:
    id: str
    lesson: str


ITEMS = [It("a", "00-start-here"), It("b", "00-start-here"), It("c", "00-start-here"),
         It("d", "01-spinal-anatomy"), It("e", "01-spinal-anatomy"), It("f", "05-evidence")]


def _rec(item: str, when: datetime, correct: bool) -> dict:
    return {"id": f"{item}-{when.isoformat()}", "item": item, "t": format_time(when),
            "correct": correct, "score": 1.0 if correct else 0.0}


# Scripted history (days after T0):
#   a: right at day 0 (box 2, due day 1), right at day 1 (box 3, due day 4),
#      wrong at day 4 (box 1, due at once), right at day 4 + 1 h (box 2, due day 5 + 1 h)
#   b: right at day 0 (box 2, due day 1)
#   d: right at day 0, day 1, day 4, day 11 (boxes 2, 3, 4, 5; due day 11 + 21 = day 32)
#   c, e, f: never answered (new)
HISTORY = [
    _rec("a", T0, True),
    _rec("b", T0, True),
    _rec("d", T0, True),
    _rec("a", T0 + timedelta(days=1), True),
    _rec("d", T0 + timedelta(days=1), True),
    _rec("d", T0 + timedelta(days=4), True),
    _rec("a", T0 + timedelta(days=4, hours=1), True),   # listed before the wrong answer...
    _rec("a", T0 + timedelta(days=4), False),            # ...but replayed by time
    _rec("d", T0 + timedelta(days=11), True),
]


def test_the_intervals_are_documented_leitner_boxes():
    assert INTERVAL_DAYS == {1: 0.0, 2: 1.0, 3: 3.0, 4: 7.0, 5: 21.0}


def test_states_after_the_scripted_history():
    states = leitner_states(HISTORY)
    a, b, d = states["a"], states["b"], states["d"]
    assert (a.box, a.attempts, a.correct) == (2, 4, 3)
    assert a.due == T0 + timedelta(days=5, hours=1)
    assert (b.box, b.due) == (2, T0 + timedelta(days=1))
    assert (d.box, d.due) == (5, T0 + timedelta(days=32))
    assert "c" not in states


def test_due_items_at_day_two():
    now = T0 + timedelta(days=2)
    # b is overdue (due day 1); a (day 5) and d (day 32) are not; then new items,
    # one lesson at a time: c (00), e (01), f (05)
    assert [i.id for i in due_items(ITEMS, HISTORY, now=now)] == ["b", "c", "e", "f"]
    assert [i.id for i in due_items(ITEMS, HISTORY, now=now, limit=2)] == ["b", "c"]


def test_due_items_at_day_six_orders_the_most_overdue_first():
    now = T0 + timedelta(days=6)
    assert [i.id for i in due_items(ITEMS, HISTORY, now=now)] == ["b", "a", "c", "e", "f"]


def test_a_wrong_answer_sends_the_item_back_to_box_one_and_due_at_once():
    history = [_rec("b", T0, True), _rec("b", T0 + timedelta(days=1), True),
               _rec("b", T0 + timedelta(days=4), False)]
    state = leitner_states(history)["b"]
    assert (state.box, state.due) == (1, T0 + timedelta(days=4))
    assert [i.id for i in due_items(ITEMS[:2], history, now=T0 + timedelta(days=4))] == [
        "b", "a"]


def test_new_items_are_mixed_across_lessons():
    mixed = [i.id for i in due_items(ITEMS, [], now=T0)]
    assert mixed == ["a", "d", "f", "b", "e", "c"]


def test_schedule_table_uses_relative_days():
    table = schedule_table(ITEMS, HISTORY, now=T0 + timedelta(days=2))
    rows = table.set_index("item")
    assert rows.loc["a", "status"] == "waiting"
    assert rows.loc["a", "due in (days)"] == pytest.approx(3.0, abs=0.05)   # day 5 + 1 h
    assert rows.loc["b", "status"] == "due"
    assert rows.loc["c", "status"] == "new"
    assert rows.loc["d", "box"] == 5 and rows.loc["d", "due in (days)"] == 30.0
    assert list(table.columns) == ["item", "lesson", "box", "status", "due in (days)",
                                   "answers", "correct"]


def test_the_same_history_gives_the_same_schedule():
    now = T0 + timedelta(days=6)
    assert due_items(ITEMS, HISTORY, now=now) == due_items(ITEMS, list(HISTORY), now=now)


def test_walkthrough_table():
    table = leitner_walkthrough([True, True, True, False, True])
    assert table["day"].tolist() == [0.0, 1.0, 4.0, 11.0, 11.0]
    assert table["box after"].tolist() == [2, 3, 4, 1, 2]
    assert table["due again on day"].tolist() == [1.0, 4.0, 11.0, 11.0, 12.0]
