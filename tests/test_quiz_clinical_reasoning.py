"""The clinical-reasoning bank of lesson 08: enough decision vignettes, and keys read from the data."""

from __future__ import annotations

import collections

import pytest

from widgets.core.catalog import lesson
from widgets.core.data import load_table
from widgets.quiz.items import load_bank, questions_dir
from widgets.quiz.lint import KEY_LONGEST_MAX_SHARE, key_longest_items, lint_banks

LESSON = "08-from-symptoms-to-decision"


@pytest.fixture(scope="module")
def bank():
    return load_bank(questions_dir() / "clinical-reasoning.yaml")


def _key(item) -> str:
    return next(o.text for o in item.options if o.id == item.answer)


def _item(bank, item_id):
    return next(i for i in bank.items if i.id == item_id)


def test_the_bank_holds_enough_single_best_answer_vignettes(bank):
    items = bank.items
    assert len(items) >= 30
    assert sum(i.vignette for i in items) >= 25
    assert {i.lesson for i in items} == {LESSON}
    assert {i.type for i in items} == {"single"}
    assert all(4 <= len(i.options) <= 5 for i in items)
    assert all(i.sources and i.citations for i in items)


def test_every_objective_of_the_lesson_is_asked_and_higher_levels_dominate(bank):
    objectives = collections.Counter(i.objective for i in bank.items)
    assert set(objectives) == set(lesson(LESSON).objectives)
    assert min(objectives.values()) >= 2, objectives
    blooms = collections.Counter(i.bloom for i in bank.items)
    assert blooms["apply"] + blooms["analyze"] + blooms["evaluate"] >= 0.8 * len(bank.items)


def test_the_bank_passes_the_item_writing_lint(bank):
    assert lint_banks([bank]) == []
    longest, n_single = key_longest_items(bank.items)
    assert len(longest) <= KEY_LONGEST_MAX_SHARE * n_single


def test_the_root_items_are_keyed_from_the_nerve_root_table(bank):
    signs = load_table("nerve_root_signs")

    def cell(root, sign, column="finding"):
        return signs[(signs["root"] == root) & (signs["sign"] == sign)][column].iloc[0]

    assert _key(_item(bank, "reason-paracentral-l45")) == f"L5, so {cell('L5', 'key muscle')}"
    assert _key(_item(bank, "reason-c7-level")) == f"The C7 root, at {cell('C7', 'exit foramen')}"
    assert _key(_item(bank, "reason-c7-level")).endswith("C6-C7")  # by hand: C7 leaves above C7
    assert _key(_item(bank, "reason-foraminal-l5s1-match")).startswith("No; L5 exits")
    assert cell("L5", "exit foramen") == "L5-S1"
    assert "L5-S1 foramen" in _item(bank, "reason-foraminal-l5s1-match").explanation + \
        next(o.feedback for o in _item(bank, "reason-foraminal-l5s1-match").options if o.id == "d")


def test_the_figures_shown_come_from_the_lesson_tables(bank):
    accuracy = load_table("exam_test_accuracy")
    slr = accuracy[accuracy["test"] == "straight leg raise"].iloc[0]
    text = _item(bank, "reason-slr-rule-out").explanation
    assert f"sensitivity of {slr['sensitivity']:.2f}" in text
    assert "sensitivity of 0.91" in text  # Devillé 2000, pooled, by hand from the abstract
    history = load_table("natural_history")
    rec = history[(history["source_key"] == "Peul2007NEJM") & (history["arm"] == "both arms")]
    assert f"{rec['value'].iloc[0]:g}% had recovered in both arms" in \
        _item(bank, "reason-peul-what-surgery-buys").explanation
    odi = _item(bank, "reason-odi-one-patient")
    assert odi.values["change"].value < odi.values["mcid"].value  # the key says "smaller"
    assert _key(odi).startswith("A change smaller")
