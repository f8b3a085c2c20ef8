"""The patient-selection decision tree: every path, every branch, feedback, and malformed trees."""

from __future__ import annotations

import copy

import pytest
import yaml

from widgets.conditions.curve import CURVE_VERTEBRAE
from widgets.conditions.selection import Case, SelectionError, SelectionTree, load_tree
from widgets.conditions.tables import assumptions_table, cases_table
from widgets.core.assumptions import assumption
from widgets.core.data import data_dir
from widgets.lessons.registry import get_spec

TREE = load_tree()
WEEKS = assumption("conservative_care_weeks").value

BASE = {"red_flags": [], "weeks_conservative": WEEKS + 4, "improving": False, "imaging_concordant": True,
        "needs_fusion": False, "high_grade_slip": False, "major_deformity_correction": False,
        "long_fusion": False, "reachable_small_corridor": True}

# Every path through the tree, with a hand-made case that should walk it and the outcome it reaches.
PATHS = {
    ("red-flag-present",): ({"red_flags": ["cauda equina syndrome"]}, "urgent-referral"),
    ("no-red-flag", "improving"): ({"improving": True}, "continue-conservative"),
    ("no-red-flag", "too-early"): ({"weeks_conservative": WEEKS - 1}, "continue-conservative"),
    ("no-red-flag", "conservative-failed", "discordant"): ({"imaging_concordant": False}, "no-target"),
    ("no-red-flag", "conservative-failed", "concordant", "needs-fusion", "mis-fusion"): (
        {"needs_fusion": True}, "mis-fusion"),
    ("no-red-flag", "conservative-failed", "concordant", "needs-fusion", "open-fusion"): (
        {"needs_fusion": True, "high_grade_slip": True}, "open-fusion"),
    ("no-red-flag", "conservative-failed", "concordant", "decompression-only", "reachable"): (
        {}, "miss-candidate"),
    ("no-red-flag", "conservative-failed", "concordant", "decompression-only", "not-reachable"): (
        {"reachable_small_corridor": False}, "open-better"),
}


def _case(**changes) -> Case:
    return Case("test", "test case", "a test", {**BASE, **changes})


def test_the_paths_under_test_are_all_the_paths_of_the_tree():
    assert set(TREE.paths()) == set(PATHS)


@pytest.mark.parametrize("path", sorted(PATHS), ids=lambda p: ">".join(p))
def test_every_path(path):
    changes, outcome = PATHS[path]
    walk = TREE.walk(_case(**changes))
    assert tuple(s.branch.id for s in walk.steps) == path
    assert walk.outcome.id == outcome


@pytest.mark.parametrize("path", sorted(PATHS), ids=lambda p: ">".join(p))
def test_every_branch_grades_right_and_wrong_answers(path):
    changes, _ = PATHS[path]
    case = _case(**changes)
    for step in TREE.walk(case).steps:
        right = TREE.check(step.node.id, step.branch.id, case)
        assert right.correct and right.feedback.startswith("Right.")
        assert step.branch.feedback in right.feedback
        for other in step.node.branches:
            if other.id == step.branch.id:
                continue
            wrong = TREE.check(step.node.id, other.id, case)
            assert not wrong.correct
            assert wrong.feedback.startswith("Not for this case.")
            assert step.branch.label in wrong.feedback  # it names the right answer


def test_every_teaching_case_and_every_path_is_walked_by_a_case():
    walked = {tuple(s.branch.id for s in TREE.walk(c).steps) for c in TREE.cases}
    assert walked == set(PATHS)


def test_the_conservative_care_boundary_uses_the_assumption():
    # weeks equal to the convention: tried long enough ('ge'); one week less: too early ('lt')
    at = TREE.walk(_case(weeks_conservative=WEEKS))
    below = TREE.walk(_case(weeks_conservative=WEEKS - 0.5))
    assert at.steps[1].branch.id == "conservative-failed"
    assert below.steps[1].branch.id == "too-early"
    assert f"{WEEKS:g} weeks (the model's convention, an assumption)" in below.steps[1].reason
    assert f"at least {WEEKS:g} weeks" in TREE.node("conservative_care").explain


def test_needing_a_fusion_is_not_needing_an_open_operation():
    """Issue 12, point 4: whether to fuse and how to reach the spine are separate questions.

    The suite teaches MIS-TLIF for a low-grade slip that moves: it needs a fusion, and the tree must
    not send it to open surgery for that reason alone. A high-grade slip, a large correction or a long
    fusion is what makes a fusion open.
    """
    assert TREE.node("fusion").question.startswith("Does the patient need a fusion")
    assert "minimally invasive" in TREE.node("fusion_approach").question
    mobile = TREE.walk(TREE.case("mobile-slip"))
    assert [s.branch.id for s in mobile.steps][-2:] == ["needs-fusion", "mis-fusion"]
    assert mobile.outcome.kind == "miss"
    assert TREE.walk(TREE.case("high-grade-slip")).outcome.id == "open-fusion"
    for fact in ("high_grade_slip", "major_deformity_correction", "long_fusion"):
        assert TREE.walk(_case(needs_fusion=True, **{fact: True})).outcome.id == "open-fusion", fact
    assert TREE.walk(_case(needs_fusion=True)).outcome.id == "mis-fusion"
    # no branch or outcome lumps fusion and open surgery together any more
    texts = [b.label for n in TREE.nodes.values() for b in n.branches] + [
        o.title for o in TREE.outcomes.values()]
    assert not [t for t in texts if "fusion or open" in t.lower()]


def test_red_flags_override_everything():
    walk = TREE.walk(_case(red_flags=["signs of infection", "signs of tumour"], improving=True))
    assert walk.outcome.id == "urgent-referral"
    assert "signs of infection, signs of tumour" in walk.steps[0].reason


def test_tables():
    t = TREE.table()
    assert len(t) == sum(len(n.branches) for n in TREE.nodes.values())
    a = assumptions_table()
    assert a.loc["conservative care weeks", "value"] == f"{WEEKS:g} weeks"
    assert "assumption" in a.loc["conservative care weeks", "basis"]
    c = cases_table()
    assert len(c) == len(TREE.cases)
    w = TREE.walk(TREE.case("mobile-slip")).table()
    assert w.iloc[-1]["answer"] == "A minimally invasive fusion"


def test_sources_resolve():
    from widgets.core.data import references

    refs = references()
    assert all(k in refs for k in TREE.sources())


def test_the_lesson_parameters_match_the_tree_and_the_model():
    spec = {p.name: p for p in get_spec("02-conditions-and-selection").params}
    assert tuple(spec["case"].choices) == tuple(c.id for c in TREE.cases)
    assert tuple(spec["apex"].choices) == CURVE_VERTEBRAE


# ------------------------------------------------------------------------------- bad cases


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"red_flags": ["back pain"]}, "fact 'red_flags' has \\['back pain'\\]"),
        ({"improving": "yes"}, "fact 'improving' must be true or false"),
        ({"weeks_conservative": -1}, "must be at least 0"),
        ({"weeks_conservative": "six"}, "must be a number"),
        ({"weeks_conservative": True}, "must be a number"),
        ({"red_flags": "none"}, "fact 'red_flags' must be a list"),
    ],
)
def test_bad_cases_are_rejected(changes, message):
    with pytest.raises(SelectionError, match=message):
        TREE.walk(_case(**changes))


def test_missing_and_unknown_facts_are_named():
    facts = dict(BASE)
    del facts["long_fusion"]
    facts["age"] = 50
    with pytest.raises(SelectionError, match=r"missing facts \['long_fusion'\]; unknown facts \['age'\]"):
        TREE.walk(Case("x", "x", "x", facts))
    with pytest.raises(SelectionError, match="no case 'nobody'"):
        TREE.case("nobody")
    with pytest.raises(SelectionError, match="node 'imaging' has no branch 'maybe'"):
        TREE.check("imaging", "maybe", _case())


# ------------------------------------------------------------------------------- bad trees


def _raw():
    return yaml.safe_load((data_dir() / "selection_tree.yaml").read_text(encoding="utf-8"))


def _mutated(change):
    raw = copy.deepcopy(_raw())
    change(raw)
    return raw


def _set_next(raw, node, index, target):
    raw["nodes"][node]["branches"][index]["next"] = target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: _set_next(r, "imaging", 0, "nowhere"),
         "'next' 'nowhere' is neither a node nor an outcome"),
        (lambda r: _set_next(r, "corridor", 0, "red_flags"), "cycle through 'red_flags'"),
        (lambda r: r["nodes"]["imaging"]["branches"][0]["when"].update({"fact": "mood"}),
         "unknown fact 'mood'"),
        (lambda r: r["nodes"]["imaging"]["branches"][0]["when"].update({"op": "maybe"}), "operator 'maybe'"),
        (lambda r: r["nodes"]["imaging"]["branches"][0]["when"].update({"op": "lt"}),
         "operator 'lt' needs a number fact"),
        (lambda r: r["nodes"]["imaging"]["branches"][0].update({"sources": []}), "cite at least one source"),
        (lambda r: r["nodes"]["imaging"]["branches"][0].update({"sources": ["Nobody2099"]}),
         "source 'Nobody2099' does not resolve"),
        (lambda r: r["outcomes"].update({"orphan": {"kind": "x", "title": "x", "text": "x", "sources": []}}),
         "unreachable from the start: orphan"),
        (lambda r: r.pop("cases"), "missing 'cases'"),
        (lambda r: r.update({"start": "nowhere"}), "start 'nowhere' is not a node"),
        (lambda r: r["nodes"]["conservative_care"]["branches"][1]["when"]["all"][1].update(
            {"assumption": "no_such_assumption"}), "no assumption 'no_such_assumption'"),
    ],
)
def test_malformed_trees_fail_with_a_clear_message(change, message):
    with pytest.raises(Exception, match=message):
        SelectionTree(_mutated(change))


def test_an_ambiguous_node_is_caught_when_a_case_reaches_it():
    def both_match(raw):
        raw["nodes"]["corridor"]["branches"][1]["when"] = {"fact": "reachable_small_corridor", "op": "true"}
        raw["cases"] = []  # the teaching cases would trip it at load time
    tree = SelectionTree(_mutated(both_match))
    with pytest.raises(SelectionError, match="exactly one branch must match, found reachable, not-reachable"):
        tree.walk(_case())
