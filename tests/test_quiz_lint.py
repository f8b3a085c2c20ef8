"""Item-writing lint: every rule catches a deliberately flawed item; the real banks pass."""

from __future__ import annotations

import pytest

from widgets.quiz.items import Item, Option, all_items
from widgets.quiz.keys import Resolved
from widgets.quiz.lint import lint_item, lint_items, option_kind

OBJECTIVE = "Compare the tissue corridor of open midline exposure with tubular access"


def _item(**kw) -> Item:
    stem = kw.pop("stem", "A surgeon docks a tube on the lamina. Which statement is right?")
    base = dict(id="ok-item", type="single", stem=stem, explanation="Because.",
                objective=OBJECTIVE, bloom="apply", difficulty="easy", topics=("t",),
                lesson="00-start-here", sources=("Kulkarni2019",), file="data/questions/x.yaml",
                line=7, templates={"stem": stem},
                options=(Option("a", "The window is a disc", "f"),
                         Option("b", "The window is a square", "f"),
                         Option("c", "The window is a line", "f")),
                answer="a")
    base.update(kw)
    return Item(**base)


def _rules(item: Item) -> list[str]:
    return [f.rule for f in lint_item(item)]


def test_a_clean_item_passes():
    assert lint_item(_item()) == []


def test_all_or_none_of_the_above_is_caught():
    item = _item(options=(Option("a", "The window is a disc", "f"),
                          Option("b", "The window is a square", "f"),
                          Option("c", "None of the above", "f")))
    assert _rules(item) == ["all-none-of-the-above"]
    both = _item(options=(Option("a", "The window is a disc", "f"),
                          Option("b", "The window is a square", "f"),
                          Option("c", "All of these", "f")))
    assert _rules(both) == ["all-none-of-the-above"]


@pytest.mark.parametrize(
    ("stem", "flagged"),
    [
        ("A surgeon docks a tube. Which statement is not true?", True),
        ("A surgeon docks a tube. Which level is least affected?", True),
        ("A surgeon docks a tube. All of these are true except which one?", True),
        ("A surgeon docks a tube. Which statement is NOT true?", False),
        ("A surgeon docks a tube. Which statement is **not** true?", False),
        ("Pain did not improve after surgery. Which test is most useful next?", False),
    ],
)
def test_negative_lead_in_unless_emphasised(stem, flagged):
    item = _item(stem=stem)
    assert ("negative-lead-in" in _rules(item)) is flagged


def test_correct_option_much_longer_than_distractors_is_caught():
    item = _item(options=(
        Option("a", "The window is a disc whose area grows with the square of the diameter", "f"),
        Option("b", "The window is a square", "f"),
        Option("c", "The window is a line", "f")))
    findings = lint_item(item)
    assert [f.rule for f in findings] == ["longest-answer-cue"]
    assert "over 1.5 x the distractors' mean of 21" in findings[0].message


def test_options_of_mixed_kinds_or_units_are_caught():
    mixed = _item(options=(Option("a", "14 mm", "f"), Option("b", "16 mm", "f"),
                           Option("c", "about as wide as a finger", "f")))
    assert "heterogeneous-options" in _rules(mixed)
    units = _item(options=(Option("a", "14 mm", "f"), Option("b", "1.6 cm", "f"),
                           Option("c", "18 mm", "f")))
    findings = [f for f in lint_item(units) if f.rule == "heterogeneous-options"]
    assert findings and findings[0].message.endswith("different units: cm, mm")
    same = _item(options=(Option("a", "14 mm", "f"), Option("b", "16 mm", "f"),
                          Option("c", "18 mm", "f")), templates={})
    assert "heterogeneous-options" not in _rules(same)
    assert option_kind("-84 mL") == ("number", "mL")
    assert option_kind("60%") == ("number", "%")
    assert option_kind("Grade C") == ("text", "")


def test_single_best_answer_needs_exactly_one_key():
    two_keys = _item(answer=("a", "b"))
    assert "single-best-answer" in _rules(two_keys)
    twins = _item(options=(Option("a", "The window is a disc", "f"),
                           Option("b", "the window is  a disc", "f"),
                           Option("c", "The window is a line", "f")))
    assert "single-best-answer" in _rules(twins)


def test_duplicate_ids_and_stems_across_banks_are_caught():
    one = _item(id="same-id", file="data/questions/a.yaml", line=3)
    two = _item(id="same-id", file="data/questions/b.yaml", line=9, stem="A different stem?")
    three = _item(id="other-id", file="data/questions/b.yaml", line=30,
                  stem="  a surgeon docks a tube on the LAMINA. Which statement is right?")
    findings = lint_items([one, two, three])
    assert [(f.rule, f.item_id, f.line) for f in findings] == [
        ("duplicate-id", "same-id", 9),
        ("duplicate-stem", "other-id", 30),
    ]
    assert "data/questions/a.yaml line 3" in findings[0].message
    assert str(findings[0]).startswith("data/questions/b.yaml line 9, item 'same-id':")


def test_numbers_typed_in_text_are_caught():
    typed = _item(stem="A 45-year-old has an L4-L5 herniation. Which tube?",
                  templates={"stem": "A 45-year-old has an L4-L5 herniation. Which tube?"})
    findings = [f for f in lint_item(typed) if f.rule == "literal-number"]
    assert findings and "45" in findings[0].message and "L4" not in findings[0].message
    fine = _item(templates={"stem": "At L5-S1 a {{ d:g }} mm tube (Arts 2009; 95% CI) in"
                                    " lesson 00, with SF-36 and 3D imaging?"})
    assert "literal-number" not in _rules(fine)


def test_secondary_sources_and_assumptions_must_be_labelled():
    secondary = _item(values={"w": Resolved(14.7, "mm", frozenset({"Panjabi1992"}),
                                            frozenset({"secondary-source"}))})
    assert "secondary-source-unlabelled" in _rules(secondary)
    labelled = _item(explanation="A secondary-source transcription.", values=secondary.values)
    assert "secondary-source-unlabelled" not in _rules(labelled)
    assumed = _item(values={"d": Resolved(50.0, "mm", frozenset(), frozenset({"assumption"}))})
    assert "assumption-unlabelled" in _rules(assumed)


def test_objective_must_be_one_of_the_lessons_objectives():
    assert "objective-not-in-lesson" in _rules(_item(objective="Memorise everything"))


def test_every_bank_passes_the_lint():
    findings = lint_items(all_items())
    assert findings == [], "\n".join(map(str, findings))
