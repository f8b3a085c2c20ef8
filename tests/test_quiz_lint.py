"""Item-writing lint: every rule catches a deliberately flawed item; the real banks pass."""

from __future__ import annotations

import pytest

from widgets.quiz.items import Bank, Item, Option, all_items, load_bank, load_banks, questions_dir
from widgets.quiz.keys import Resolved
from widgets.quiz.lint import (
    VIGNETTE_MIN_SHARE,
    key_longest_items,
    lint_banks,
    lint_item,
    lint_items,
    option_kind,
    vignette_share,
)

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
    typed = _item(stem="A surgeon uses a 16 mm tube at L4-L5. Which tube?",
                  templates={"stem": "A surgeon uses a 16 mm tube at L4-L5. Which tube?"})
    findings = [f for f in lint_item(typed) if f.rule == "literal-number"]
    assert findings and "16" in findings[0].message and "L4" not in findings[0].message
    age = "A 45-year-old woman has an L4-L5 herniation and weak toe extension. Which tube?"
    assert "literal-number" not in _rules(_item(stem=age, templates={"stem": age}, vignette=True))
    both = "A 45-year-old man has had pain for 6 weeks. Which tube?"
    findings = [f for f in lint_item(_item(stem=both, templates={"stem": both}, vignette=True))
                if f.rule == "literal-number"]
    assert len(findings) == 1 and "the number(s) 6:" in findings[0].message
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


VIGNETTE = ("A 47-year-old woman has had left leg pain for two months. She has weak great-toe"
            " extension and an MRI shows a paramedian L4-L5 herniation. Which root is compressed?")


def test_a_tagged_vignette_with_age_sex_presentation_and_question_passes():
    assert lint_item(_item(stem=VIGNETTE, templates={"stem": VIGNETTE}, vignette=True)) == []


@pytest.mark.parametrize(("stem", "missing"), [
    (VIGNETTE.replace("47-year-old ", ""), "an age"),
    (VIGNETTE.replace("woman", "patient"), "a sex"),
    ("A 47-year-old woman: which root is compressed by an L4-L5 herniation?", "a presentation"),
    (VIGNETTE.replace("Which root is compressed?", "Name the root."), "a lead-in question"),
])
def test_a_tagged_vignette_without_its_parts_is_caught(stem, missing):
    findings = [f for f in lint_item(_item(stem=stem, vignette=True)) if f.rule == "vignette-tag"]
    assert len(findings) == 1 and missing in findings[0].message


def test_an_untagged_stem_that_opens_like_a_vignette_is_caught():
    findings = [f for f in lint_item(_item(stem=VIGNETTE)) if f.rule == "vignette-tag"]
    assert len(findings) == 1 and "tag it vignette: true" in findings[0].message
    # a patient mentioned later, or an item generated in code (no bank entry to tag), is not flagged
    assert "vignette-tag" not in _rules(_item(stem="Which root does " + VIGNETTE[0].lower()
                                              + VIGNETTE[1:]))
    assert "vignette-tag" not in _rules(_item(stem=VIGNETTE, file="generated from case 'x'"))


@pytest.mark.parametrize("stem", [
    "An instructor runs the lesson with papermill. What happens?",
    "Which value does the parameters cell accept for the tube?",
    "A student moves the widget's slider. What changes?",
    "What does data/assumptions.yaml hold?",
])
def test_items_about_the_software_are_caught(stem):
    assert "software-item" in _rules(_item(stem=stem))


def test_an_objective_about_the_software_is_caught():
    item = _item(objective="Use the widgets, quizzes and parameter cells of the suite")
    assert "software-item" in _rules(item)


def test_two_items_testing_one_fact_are_caught():
    value = {"mis": Resolved(1.92, "days", frozenset({"Serban2017"}), frozenset({"read-directly"}))}
    one = _item(id="one", values=value, file="data/questions/a.yaml", line=4)
    two = _item(id="two", values=value, stem="Another stem about the same trial?",
                file="data/questions/b.yaml", line=8)
    findings = [f for f in lint_items([one, two]) if f.rule == "duplicate-fact"]
    assert [(f.item_id, f.line) for f in findings] == [("two", 8)]
    assert "'one' (data/questions/a.yaml line 4)" in findings[0].message
    other = {"mis": Resolved(2.5, "days", frozenset({"Other2020"}), frozenset({"read-directly"}))}
    three = _item(id="three", values=other, stem="A third stem?")
    assert [f for f in lint_items([one, three]) if f.rule == "duplicate-fact"] == []


def _single(item_id: str, key_longest: bool) -> Item:
    long, short = "The window is a wide disc", "The window is a line"
    options = (Option("a", long if key_longest else short, "f"),
               Option("b", short if key_longest else long, "f"),
               Option("c", "The window is a square", "f"))
    return _item(id=item_id, stem=f"Stem of {item_id}?", options=options, answer="a")


def _bank(*items: Item) -> Bank:
    return Bank("x", "A bank", "data/questions/x.yaml", tuple(items))


def test_a_bank_whose_key_is_too_often_the_longest_option_fails():
    cued = _bank(_single("i1", True), _single("i2", False), _single("i3", False),
                 _single("i4", True))
    assert key_longest_items(cued.items) == (["i1", "i4"], 4)
    findings = [f for f in lint_banks([cued]) if f.rule == "longest-answer-cue"]
    assert len(findings) == 1
    assert "key is the longest option in 2 of 4" in findings[0].message
    assert (findings[0].item_id, findings[0].file) == ("i1", "data/questions/x.yaml")
    # 3 of 10 is exactly 30%: allowed; ties are not "strictly longest"
    fair = _bank(*(_single(f"item-{c}", c in "abc") for c in "abcdefghij"))
    assert lint_banks([fair]) == []
    tie = _item(id="tie", options=(Option("a", "The window is a disc", "f"),
                                   Option("b", "The window is a ring", "f"),
                                   Option("c", "The window is a line", "f")))
    assert key_longest_items([tie]) == ([], 1)


def test_vignette_share_counts_tagged_items():
    items = [_item(id="v1", vignette=True), _item(id="v2"), _item(id="v3", vignette=True)]
    assert vignette_share(items) == (2, 3)
    assert vignette_share([]) == (0, 0)


@pytest.mark.parametrize("path", sorted(questions_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_each_bank_passes_the_lint_on_its_own(path):
    findings = lint_banks([load_bank(path)])
    assert findings == [], "\n".join(map(str, findings))


def test_every_bank_passes_the_lint():
    findings = lint_banks(load_banks())
    assert findings == [], "\n".join(map(str, findings))


def test_at_least_half_of_all_items_are_vignettes():
    """Suite-wide, across every bank (issue 12).

    The banks were rewritten in two halves on two branches; this passes only when both are
    merged. Until then it fails by design and says how far the suite is.
    """
    vignettes, total = vignette_share(all_items())
    assert vignettes >= VIGNETTE_MIN_SHARE * total, (
        f"{vignettes} of {total} items are tagged vignette: true; at least"
        f" {VIGNETTE_MIN_SHARE:.0%} must be")
