"""Instructor analytics on synthetic cohorts whose statistics are computed by hand."""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime, timedelta

import pytest

from widgets.quiz.analytics import (
    difficulty_figure,
    distractor_figure,
    distractor_rates,
    gradebook,
    item_statistics,
    load_cohort,
    mastery,
    mastery_figure,
    mastery_summary,
    write_gradebook,
)
from widgets.quiz.items import Item, Option
from widgets.quiz.store import ProgressStore

T0 = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)


def _item(item_id: str, lesson: str, objective: str) -> Item:
    return Item(id=item_id, type="single", stem=f"{item_id}?", explanation="e",
                objective=objective, bloom="apply", difficulty="easy", topics=("t",),
                lesson=lesson, sources=("Kulkarni2019",),
                options=(Option("a", "A", "f"), Option("b", "B", "f"), Option("c", "C", "f")),
                answer="a")


ITEMS = [_item("i1", "00-start-here", "O1"), _item("i2", "00-start-here", "O1"),
         _item("i3", "05-evidence", "O2")]

# Four learners, first attempts (1 = right, the chosen option in brackets):
#          i1     i2     i3     total
#   L1     1 (a)  1 (a)  1 (a)  3
#   L2     1 (a)  1 (a)  0 (b)  2
#   L3     1 (a)  0 (c)  0 (b)  1
#   L4     0 (b)  0 (b)  0 (c)  0
# L3 later retries i2 and gets it right (a practice attempt: counts for mastery and the
# gradebook, which use the latest answer, not for item statistics, which use the first).
COHORT = {
    "L1": [("i1", "a"), ("i2", "a"), ("i3", "a")],
    "L2": [("i1", "a"), ("i2", "a"), ("i3", "b")],
    "L3": [("i1", "a"), ("i2", "c"), ("i3", "b"), ("i2", "a")],
    "L4": [("i1", "b"), ("i2", "b"), ("i3", "c")],
}


@pytest.fixture
def cohort_dir(tmp_path):
    by_id = {i.id: i for i in ITEMS}
    exports = tmp_path / "exports"
    for learner, answers in COHORT.items():
        store = ProgressStore(learner, directory=tmp_path / "stores")
        for k, (item_id, choice) in enumerate(answers):
            item = by_id[item_id]
            right = choice == item.answer
            store.record(item_id, choice, correct=right, score=float(right), lesson=item.lesson,
                         objective=item.objective, now=T0 + timedelta(minutes=k))
        store.export(exports / f"{learner}.jsonl")
    # the same export handed in twice must not count twice
    (exports / "L1-copy.jsonl").write_bytes((exports / "L1.jsonl").read_bytes())
    return exports


def test_load_cohort_deduplicates_records(cohort_dir):
    frame = load_cohort(cohort_dir)
    assert len(frame) == 13
    assert sorted(set(frame["learner"])) == ["L1", "L2", "L3", "L4"]


def test_difficulty_and_point_biserial_by_hand(cohort_dir):
    stats = item_statistics(load_cohort(cohort_dir)).set_index("item")
    assert stats["p_value"].to_dict() == {"i1": 0.75, "i2": 0.5, "i3": 0.25}
    assert stats["n"].tolist() == [4, 4, 4]
    # i1: item (1,1,1,0), rest score (2,1,0,0): sxy = 0.75, sxx = 0.75, syy = 2.75
    assert stats.loc["i1", "point_biserial"] == pytest.approx(0.75 / math.sqrt(0.75 * 2.75),
                                                              abs=1e-4)
    # i2: item (1,1,0,0), rest (2,1,1,0): sxy = 1, sxx = 1, syy = 2 -> 1/sqrt(2)
    assert stats.loc["i2", "point_biserial"] == pytest.approx(1 / math.sqrt(2), abs=1e-4)
    # i3: item (1,0,0,0), rest (2,2,1,0): sxy = 0.75, sxx = 0.75, syy = 2.75
    assert stats.loc["i3", "point_biserial"] == pytest.approx(0.5222, abs=1e-4)
    # with 4 learners the 27 % groups hold round(1.08) = 1 learner: L1 and L4
    assert stats["upper_lower"].tolist() == [1.0, 1.0, 1.0]


def test_upper_lower_27_percent_on_ten_learners(tmp_path):
    # right (1) / wrong (0) on q1 q2 q3; totals 3 3 3 2 2 2 1 1 0 0
    grid = {"L0": "111", "L1": "111", "L2": "111", "L3": "110", "L4": "101", "L5": "110",
            "L6": "100", "L7": "010", "L8": "000", "L9": "000"}
    records = []
    for learner, marks in grid.items():
        for q, mark in zip(("q1", "q2", "q3"), marks, strict=True):
            records.append({"id": f"{learner}{q}", "learner": learner, "item": q,
                            "lesson": "05-evidence", "t": "2025-01-01T00:00:00+00:00",
                            "correct": mark == "1", "score": float(mark)})
    from widgets.quiz.analytics import responses_frame

    stats = item_statistics(responses_frame(records)).set_index("item")
    # groups of round(0.27 * 10) = 3: upper L0 L1 L2 (all right), lower L7 L8 L9
    assert stats["p_value"].to_dict() == {"q1": 0.7, "q2": 0.6, "q3": 0.4}
    assert stats.loc["q1", "upper_lower"] == pytest.approx(1.0)        # 3/3 - 0/3
    assert stats.loc["q2", "upper_lower"] == pytest.approx(2 / 3, abs=1e-4)  # 3/3 - 1/3 (L7)
    assert stats.loc["q3", "upper_lower"] == pytest.approx(1.0)


def test_distractor_choice_rates(cohort_dir):
    rates = distractor_rates(load_cohort(cohort_dir), ITEMS)
    i2 = rates[rates["item"] == "i2"].set_index("option")
    assert i2["rate"].to_dict() == {"a": 0.5, "b": 0.25, "c": 0.25}   # first attempts only
    assert i2["keyed"].to_dict() == {"a": True, "b": False, "c": False}
    i3 = rates[rates["item"] == "i3"].set_index("option")
    assert i3["chosen"].to_dict() == {"a": 1, "b": 2, "c": 1}


def test_mastery_per_objective(cohort_dir):
    per = mastery(load_cohort(cohort_dir), ITEMS).set_index(["learner", "objective"])
    # L3's latest i2 answer is right: O1 = (1 + 1) / 2
    assert per.loc[("L3", "O1"), "mastery"] == 1.0
    assert per.loc[("L2", "O2"), "mastery"] == 0.0
    assert per.loc[("L4", "O1"), "mastered"] == False  # noqa: E712  (numpy bool)
    summary = mastery_summary(mastery(load_cohort(cohort_dir), ITEMS)).set_index("objective")
    # O1: L1 1.0, L2 1.0, L3 1.0, L4 0.0 -> mean 0.75, 3 of 4 mastered
    assert summary.loc["O1", "mean_mastery"] == 0.75
    assert summary.loc["O1", "share_mastered"] == 0.75
    assert summary.loc["O2", "mean_mastery"] == 0.25


def test_gradebook_csv_for_an_lms(cohort_dir, tmp_path):
    book = gradebook(load_cohort(cohort_dir), ITEMS)
    assert list(book.columns) == ["learner_id", "00-start-here", "05-evidence", "total"]
    rows = book.set_index("learner_id")
    assert rows.loc["L1"].tolist() == [100.0, 100.0, 100.0]
    assert rows.loc["L2"].tolist() == [100.0, 0.0, 66.7]
    assert rows.loc["L3"].tolist() == [100.0, 0.0, 66.7]   # latest i2 is right
    assert rows.loc["L4"].tolist() == [0.0, 0.0, 0.0]
    path = write_gradebook(book, tmp_path / "grades.csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "learner_id,00-start-here,05-evidence,total"
    assert text.splitlines()[2] == "L2,100.0,0.0,66.7"
    with path.open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 4


def test_figures_are_thin_and_titled(cohort_dir):
    frame = load_cohort(cohort_dir)
    fig = difficulty_figure(item_statistics(frame))
    assert fig.layout.title.text == "Item difficulty and discrimination"
    assert list(fig.data[0].x) == [0.75, 0.5, 0.25]
    bars = distractor_figure(distractor_rates(frame, ITEMS), "i2")
    assert [list(t.x) for t in bars.data] == [[0.5], [0.25, 0.25]]
    assert bars.data[1].marker.pattern.shape == "/"
    mfig = mastery_figure(mastery_summary(mastery(frame, ITEMS)))
    assert list(mfig.data[0].x) == [0.75, 0.25]
    with pytest.raises(KeyError):
        distractor_figure(distractor_rates(frame, ITEMS), "nope")
