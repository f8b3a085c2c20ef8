"""The pure graders: one test group per item type, with tolerance boundaries and units."""

from __future__ import annotations

import pytest

from widgets.quiz import units
from widgets.quiz.grading import grade
from widgets.quiz.items import Item, Option
from widgets.quiz.types.numeric import grade as grade_numeric
from widgets.quiz.types.numeric import normalise as normalise_numeric


def _item(**kw) -> Item:
    base = dict(id="t", type="single", stem="Stem?", explanation="Because.", objective="o",
                bloom="apply", difficulty="easy", topics=("t",), lesson="00-start-here",
                sources=("Kulkarni2019",), citations=("Kulkarni AG et al. 2019",))
    base.update(kw)
    return Item(**base)


def _opts(*ids: str) -> tuple[Option, ...]:
    return tuple(Option(i, f"text {i}", f"feedback {i}") for i in ids)


SINGLE = _item(options=_opts("a", "b", "c", "d"), answer="b")
MULTI = _item(type="multiple", options=_opts("a", "b", "c", "d", "e"), answer=("a", "c"))
NUMERIC = _item(type="numeric", key=14.05, unit="mm", tolerance_abs=0.5,
                feedback={"correct": "ok", "low": "too low", "high": "too high"})
ORDER = _item(type="ordering", options=_opts("s1", "s2", "s3", "s4"),
              answer=("s1", "s2", "s3", "s4"))
MATCH = _item(type="matching", prompts=_opts("p1", "p2", "p3"),
              choices=(Option("x", "X"), Option("y", "Y"), Option("z", "Z")),
              answer={"p1": "x", "p2": "y", "p3": "x"})


# --------------------------------------------------------------------- single best answer

def test_single_right_and_wrong():
    right = grade(SINGLE, "b")
    assert (right.correct, right.score) == (True, 1.0)
    assert right.status == {"a": "not chosen, incorrect", "b": "chosen, correct",
                            "c": "not chosen, incorrect", "d": "not chosen, incorrect"}
    wrong = grade(SINGLE, "c")
    assert (wrong.correct, wrong.score) == (False, 0.0)
    assert wrong.status["c"] == "chosen, incorrect" and wrong.status["b"] == "not chosen, but correct"


def test_single_gives_feedback_for_every_option_and_the_citation():
    g = grade(SINGLE, "a")
    assert g.feedback == {i: f"feedback {i}" for i in "abcd"}
    assert g.explanation == "Because."
    assert g.citation == "Kulkarni AG et al. 2019"
    assert g.response == "a"


def test_single_unanswered_and_unknown_option():
    assert grade(SINGLE, None).score == 0.0
    assert grade(SINGLE, None).message == "No answer given."
    with pytest.raises(ValueError, match="no option 'zz'"):
        grade(SINGLE, "zz")
    with pytest.raises(TypeError):
        grade(SINGLE, ["a"])


# --------------------------------------------------------------------- multiple select

@pytest.mark.parametrize(
    ("chosen", "score", "correct"),
    [
        ({"a", "c"}, 1.0, True),            # both keyed
        ({"a"}, 0.5, False),                # one of two keyed: 1/2
        ({"a", "c", "b"}, 0.5, False),      # (2 hits - 1 false pick) / 2
        ({"a", "b"}, 0.0, False),           # (1 - 1) / 2
        ({"a", "b", "d", "e"}, 0.0, False),  # (1 - 3) / 2 floored at 0
        ({"a", "b", "c", "d", "e"}, 0.0, False),  # ticking everything: (2 - 3) / 2 -> 0
        (set(), 0.0, False),
    ],
)
def test_multiple_partial_credit(chosen, score, correct):
    g = grade(MULTI, chosen)
    assert g.score == pytest.approx(score)
    assert g.correct is correct
    assert g.response == sorted(chosen)


def test_multiple_reports_missed_and_wrong_picks():
    g = grade(MULTI, ["a", "b"])
    assert g.status == {"a": "chosen, correct", "b": "chosen, incorrect",
                        "c": "not chosen, but correct", "d": "not chosen, incorrect",
                        "e": "not chosen, incorrect"}
    assert g.message == "1 of 2 correct options chosen, 1 incorrect option chosen."
    with pytest.raises(TypeError):
        grade(MULTI, "a")


# --------------------------------------------------------------------- numeric

@pytest.mark.parametrize(
    ("response", "correct"),
    [
        (14.05, True),
        (14.55, True),    # upper boundary, inclusive (14.05 + 0.5)
        (13.55, True),    # lower boundary, inclusive
        (14.5501, False),  # just outside
        (13.5499, False),
        ("14.3 mm", True),
        ("1.43 cm", True),     # 14.3 mm
        ("1,43 cm", True),     # decimal comma
        ((0.0143, "m"), True),  # 14.3 mm
        ({"value": 1.6, "unit": "cm"}, False),  # 16 mm, outside
        ("14.3", True),        # bare number read in the item's unit
    ],
)
def test_numeric_absolute_tolerance_and_length_units(response, correct):
    assert grade_numeric(NUMERIC, response).correct is correct


def test_numeric_relative_tolerance_boundary():
    item = _item(type="numeric", key=200.0, unit="mm2", tolerance_rel=0.02,
                 feedback={"correct": "ok", "low": "lo", "high": "hi"})
    assert grade(item, 204.0).correct            # exactly 2 % above
    assert grade(item, 196.0).correct            # exactly 2 % below
    assert not grade(item, 204.01).correct
    assert grade(item, "2.03 cm2").correct       # 203 mm²
    # with both, the wider of the two tolerances applies: max(1, 0.02 * 200) = 4
    both = _item(type="numeric", key=200.0, unit="mm2", tolerance_rel=0.02, tolerance_abs=1.0,
                 feedback={"correct": "ok", "low": "lo", "high": "hi"})
    assert grade(both, 203.9).correct and not grade(both, 204.1).correct


def test_numeric_without_tolerance_needs_the_key():
    item = _item(type="numeric", key=2.2, unit="days",
                 feedback={"correct": "ok", "low": "lo", "high": "hi"})
    assert grade(item, 2.2).correct
    assert grade(item, 4.12 - 1.92).correct   # floating-point rounding is allowed for
    assert not grade(item, 2.21).correct


def test_numeric_volume_and_time_conversions():
    vol = _item(type="numeric", key=10.05, unit="cm3", tolerance_rel=0.03,
                feedback={"correct": "ok", "low": "lo", "high": "hi"})
    assert grade(vol, "10 mL").correct
    assert grade(vol, "0.01 L").correct
    assert not grade(vol, "10 L").correct
    t = _item(type="numeric", key=25.4, unit="s", tolerance_abs=0.5,
              feedback={"correct": "ok", "low": "lo", "high": "hi"})
    assert grade(t, "0.42 min").correct          # 25.2 s
    assert not grade(t, "0.5 min").correct        # 30 s
    dose = _item(type="numeric", key=0.32, unit="mSv", tolerance_rel=0.01,
                 feedback={"correct": "ok", "low": "lo", "high": "hi"})
    assert grade(dose, "32 mrem").correct


def test_numeric_rejects_incompatible_and_unknown_units_with_a_message():
    g = grade(NUMERIC, "14 mL")
    assert not g.correct and g.score == 0.0
    assert "mL is a unit of volume and cannot be converted to mm (length)" in g.message
    assert "answer in mm or cm, m" in g.message
    assert g.feedback["answer"] == g.message
    g = grade(NUMERIC, "14 furlongs")
    assert not g.correct and "unknown unit 'furlongs'" in g.message
    g = grade(NUMERIC, "fourteen")
    assert not g.correct and "could not read a number" in g.message
    # calendar days and clock hours are kept apart on purpose
    stay = _item(type="numeric", key=2.2, unit="days", tolerance_abs=0.1,
                 feedback={"correct": "ok", "low": "lo", "high": "hi"})
    assert "cannot be converted" in grade(stay, "52.8 h").message


def test_numeric_feedback_says_low_or_high_and_shows_the_band():
    low, high = grade(NUMERIC, 12.0), grade(NUMERIC, 1.7 * 10)
    assert (low.feedback["answer"], low.status["answer"]) == ("too low", "low")
    assert (high.feedback["answer"], high.status["answer"]) == ("too high", "high")
    g = grade(NUMERIC, "1.43 cm")
    assert g.message == ("You answered 1.43 cm = 14.3 mm; the key is 14.05 mm"
                         " (accepted 13.55 to 14.55 mm).")
    assert g.response == {"value": 1.43, "unit": "cm"}


def test_numeric_unanswered():
    assert grade(NUMERIC, None).message == "No answer given."
    assert normalise_numeric(None) == (None, None)
    with pytest.raises(TypeError):
        grade(NUMERIC, True)


# --------------------------------------------------------------------- ordering

def test_ordering_all_right():
    g = grade(ORDER, ["s1", "s2", "s3", "s4"])
    assert (g.correct, g.score, g.misplaced) == (True, 1.0, ())
    assert g.message == "All steps in order."


def test_ordering_reports_misplaced_positions():
    g = grade(ORDER, ["s1", "s3", "s2", "s4"])
    assert g.misplaced == (2, 3)
    assert g.score == 0.5
    assert g.message == "Positions 2, 3 are misplaced."
    assert g.feedback["s3"].startswith("You put it at position 2; it is step 3.")
    assert g.feedback["s1"].startswith("Step 1: in place.")
    one = grade(ORDER, ["s4", "s2", "s3", "s1"])
    assert one.misplaced == (1, 4) and one.score == 0.5


def test_ordering_incomplete_and_duplicates():
    g = grade(ORDER, ["s1", None, "s3"])
    assert g.misplaced == (2, 4) and g.score == 0.5
    assert g.status["s2"] == "not placed"
    dup = grade(ORDER, ["s1", "s1", "s3", "s4"])
    assert dup.misplaced == (2,)
    with pytest.raises(ValueError):
        grade(ORDER, ["s1", "s2", "s3", "s4", "s1"])


# --------------------------------------------------------------------- matching

def test_matching_scores_each_prompt():
    assert grade(MATCH, {"p1": "x", "p2": "y", "p3": "x"}).correct
    g = grade(MATCH, {"p1": "x", "p2": "z"})
    assert g.score == pytest.approx(1 / 3, abs=1e-6)
    assert g.status == {"p1": "chosen, correct", "p2": "chosen, incorrect",
                        "p3": "not chosen, but correct"}
    assert g.feedback["p2"].startswith("You chose Z; the answer is Y.")
    assert g.message == "1 of 3 matched correctly."
    with pytest.raises(ValueError):
        grade(MATCH, {"nope": "x"})
    with pytest.raises(ValueError):
        grade(MATCH, {"p1": "nope"})


def test_graders_are_pure():
    first = grade(MULTI, ["a", "b"])
    second = grade(MULTI, ["a", "b"])
    assert first == second


def test_units_table():
    assert units.convert(1.4, "cm", "mm") == pytest.approx(14.0)
    assert units.convert(2, "L", "mL") == pytest.approx(2000.0)
    assert units.convert(90, "s", "min") == pytest.approx(1.5)
    assert units.convert(53.3, "mrem/min", "mSv/h") == pytest.approx(31.98)
    assert units.canonical("millimetres") == "mm"
    assert units.compatible_units("mm") == ["mm", "cm", "m"]
    with pytest.raises(units.UnitError):
        units.convert(1, "mm", "s")


# --------------------------------------------------------------------- grading what was handed in

JUNK = ["zz", 5, True, {"x": [1]}, [["a"]], ["a", "a", "zz"], {"value": "abc"}, {"value": [1]},
        "1e999 mm", ("x", "y", "z"), {"p1": "nope"}, {"nope": "x"}, ["s1"] * 9, float("inf")]


@pytest.mark.parametrize("item", [SINGLE, MULTI, NUMERIC, ORDER, MATCH], ids=lambda i: i.type)
@pytest.mark.parametrize("response", JUNK, ids=repr)
def test_regrade_never_raises_and_keeps_the_score_within_0_and_1(item, response):
    from widgets.quiz.grading import regrade

    result = regrade(item, response)
    assert 0.0 <= result.score <= 1.0
    try:
        grade(item, response)
    except (TypeError, ValueError, KeyError):
        assert result.score == 0.0 and result.message.startswith("could not grade")


def test_regrade_gives_the_graders_verdict_for_a_readable_response():
    from widgets.quiz.grading import regrade

    assert regrade(SINGLE, "b").score == 1.0
    assert regrade(MULTI, ["a"]).score == 0.5
    assert regrade(NUMERIC, {"value": 1.4, "unit": "cm"}).correct


@pytest.mark.parametrize("item", [SINGLE, MULTI, NUMERIC, ORDER, MATCH], ids=lambda i: i.type)
def test_a_pinned_item_grades_exactly_as_the_item(item):
    import json

    from widgets.quiz.grading import item_from_pin, item_hash, item_pin

    pin = json.loads(json.dumps(item_pin(item)))     # as the manifest stores it
    again = item_from_pin(pin)
    assert item_hash(again) == item_hash(item) == pin["hash"]
    responses = {"single": ["a", "b", None], "multiple": [["a", "c"], ["a"], ["b", "d"]],
                 "numeric": [14.05, "1.4 cm", 99, None], "ordering": [["s1", "s2", "s3", "s4"], ["s2", "s1"]],
                 "matching": [{"p1": "x", "p2": "y", "p3": "x"}, {"p1": "y"}]}[item.type]
    for response in responses:
        a, b = grade(item, response), grade(again, response)
        assert (a.correct, a.score) == (b.correct, b.score), response


def test_the_hash_follows_what_is_asked_and_the_key_not_the_feedback():
    import dataclasses

    from widgets.quiz.grading import item_hash

    assert item_hash(dataclasses.replace(SINGLE, answer="c")) != item_hash(SINGLE)
    assert item_hash(dataclasses.replace(NUMERIC, tolerance_abs=0.6)) != item_hash(NUMERIC)
    assert item_hash(dataclasses.replace(SINGLE, stem="Another stem?")) != item_hash(SINGLE)
    assert item_hash(dataclasses.replace(SINGLE, explanation="Reworded.")) == item_hash(SINGLE)


def test_a_pin_that_does_not_match_its_hash_is_refused():
    from widgets.quiz.grading import PinError, item_from_pin, item_pin

    pin = item_pin(SINGLE)
    with pytest.raises(PinError, match="does not match its hash"):
        item_from_pin({**pin, "answer": "c"})
    with pytest.raises(PinError, match="malformed"):
        item_from_pin({k: v for k, v in pin.items() if k != "options"})
