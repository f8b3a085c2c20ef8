"""The techniques model (lesson 03): steps as data, the step-order grader, comparisons.

The grader is checked against orders worked out by hand (the working is in the
comments); the data against the tables the lesson shows.
"""

from __future__ import annotations

import itertools
import math
import random

import pytest

from widgets.core.data import DataError, load_table, references
from widgets.techniques.model import (
    TECHNIQUES,
    comparison_rows,
    corridor_sizes,
    drill_feedback,
    full_endoscope,
    grade_order,
    instrument_figures,
    kendall_tau_distance,
    longest_increasing_subsequence,
    profile,
    shuffled_steps,
    steps,
    technique_name,
)
from widgets.techniques.tables import (
    comparison_table,
    complication_table,
    evidence_table,
    grading_examples,
    guidance_accuracy_table,
    instrument_table,
    lesson_references,
    steps_table,
)

# --------------------------------------------------------------------------- grader: hand-worked


def test_kendall_distance_hand_worked():
    # [1, 0, 2, 3]: only the pair (1, 0) is inverted -> 1
    assert kendall_tau_distance([1, 0, 2, 3]) == 1
    # [1, 2, 3, 4, 5, 0]: 0 sits after all five others -> 5 inverted pairs
    assert kendall_tau_distance([1, 2, 3, 4, 5, 0]) == 5
    # fully reversed order of 4: every one of the 4*3/2 = 6 pairs inverted
    assert kendall_tau_distance([3, 2, 1, 0]) == 6
    # [2, 0, 1]: pairs (2,0) and (2,1) inverted, (0,1) fine -> 2
    assert kendall_tau_distance([2, 0, 1]) == 2
    assert kendall_tau_distance([]) == 0


def test_lis_hand_worked():
    # [1, 0, 2, 3]: LIS length 3, either {1,2,3} (indices 0,2,3) or {0,2,3} (indices 1,2,3).
    # Both keep indices 2 and 3 at their exact place (rank == index) and index 0/1 at none,
    # so the tie goes to the chain through the earlier index: [0, 2, 3].
    assert longest_increasing_subsequence([1, 0, 2, 3]) == [0, 2, 3]
    # [0, 2, 1, 3]: chains 0,2,3 (indices 0,1,3) and 0,1,3 (indices 0,2,3); exact places:
    # index 0 (rank 0) and index 3 (rank 3) in both -> tie -> earlier index 1: [0, 1, 3]
    assert longest_increasing_subsequence([0, 2, 1, 3]) == [0, 1, 3]
    # [3, 0, 1, 2]: the step that belongs last was put first; LIS is 0,1,2 (indices 1,2,3)
    assert longest_increasing_subsequence([3, 0, 1, 2]) == [1, 2, 3]
    # [2, 0, 1, 3]: LIS 0,1,3 (indices 1,2,3; index 3 exact) beats 2,3 (length 2)
    assert longest_increasing_subsequence([2, 0, 1, 3]) == [1, 2, 3]
    # exact-place preference: [0, 3, 1, 2, 4]: LIS of length 4 is 0,1,2,4 (indices 0,2,3,4);
    # 0,3,4 is shorter. Exact places: 0 and 4.
    assert longest_increasing_subsequence([0, 3, 1, 2, 4]) == [0, 2, 3, 4]
    assert longest_increasing_subsequence([]) == []


def test_lis_prefers_steps_at_their_exact_place():
    # [1, 0, 2]: chains {1,2} (indices 0,2) and {0,2} (indices 1,2) are both of length 2;
    # index 2 (rank 2) is exact in both, neither index 0 (rank 1) nor 1 (rank 0) is: tie -> [0, 2].
    assert longest_increasing_subsequence([1, 0, 2]) == [0, 2]
    # [0, 2, 1]: chains {0,2} (indices 0,1) and {0,1} (indices 0,2); index 0 exact in both;
    # index 1 holds rank 2 (not exact), index 2 holds rank 1 (not exact): tie -> [0, 1]
    assert longest_increasing_subsequence([0, 2, 1]) == [0, 1]
    # [2, 1, 0, 3]: length-2 chains end at index 3; the one through index 1 (rank 1, exact)
    # beats those through index 0 or 2 (not exact): [1, 3]
    assert longest_increasing_subsequence([2, 1, 0, 3]) == [1, 3]


def test_grade_order_hand_worked():
    correct = ["a", "b", "c", "d", "e", "f"]
    # one step moved from first to last: ranks [1,2,3,4,5,0] -> 5 inverted pairs of 15;
    # b..f keep their relative order (LIS of 5); only 'a' must move; nobody is at the exact place
    g = grade_order(correct, ["b", "c", "d", "e", "f", "a"])
    assert (g.discordant_pairs, g.max_pairs, g.moves_needed) == (5, 15, 1)
    assert g.misplaced == ("a",) and g.kept == ("b", "c", "d", "e", "f") and g.exact == ()
    assert g.score == pytest.approx(1 - 5 / 15)
    assert not g.correct
    # two neighbours swapped: one inverted pair, one move; c..f exact
    g = grade_order(correct, ["b", "a", "c", "d", "e", "f"])
    assert (g.discordant_pairs, g.moves_needed) == (1, 1)
    assert g.misplaced == ("a",) and g.exact == ("c", "d", "e", "f")
    # correct order
    g = grade_order(correct, correct)
    assert g.correct and g.score == 1.0 and g.misplaced == () and g.exact == tuple(correct)
    assert g.summary() == "All 6 steps are in the right order."
    # reversed: 15 of 15 pairs, any single step can be kept -> 5 moves, score 0
    g = grade_order(correct, correct[::-1])
    assert (g.discordant_pairs, g.moves_needed, g.score) == (15, 5, 0.0)


def test_summary_sentence():
    g = grade_order(["a", "b", "c"], ["b", "a", "c"])
    assert g.summary() == ("2 of 3 steps are in the right order relative to each other; moving 1 step"
                           " repairs the order. 1 of 3 pairs are the wrong way round (score 67%).")


def _min_moves_brute(ranks):
    """Least number of steps to pick up and reinsert: n minus the largest subset left in order."""
    n = len(ranks)
    for keep in range(n, -1, -1):
        for subset in itertools.combinations(range(n), keep):
            vals = [ranks[i] for i in subset]
            if vals == sorted(vals):
                return n - keep
    return n


def _min_adjacent_swaps_brute(ranks):
    """Bubble sort: count the swaps of neighbours it makes."""
    r, swaps = list(ranks), 0
    for i in range(len(r)):
        for j in range(len(r) - 1 - i):
            if r[j] > r[j + 1]:
                r[j], r[j + 1] = r[j + 1], r[j]
                swaps += 1
    return swaps


def test_properties_against_brute_force():
    rng = random.Random(7)
    for n in range(1, 9):
        for _ in range(30):
            ranks = list(range(n))
            rng.shuffle(ranks)
            lis = longest_increasing_subsequence(ranks)
            vals = [ranks[i] for i in lis]
            assert vals == sorted(vals) and len(set(vals)) == len(vals)
            assert lis == sorted(lis)
            assert n - len(lis) == _min_moves_brute(ranks)
            assert kendall_tau_distance(ranks) == _min_adjacent_swaps_brute(ranks)


def test_grade_order_rejects_bad_answers():
    with pytest.raises(ValueError, match="missing \\['c'\\]"):
        grade_order(["a", "b", "c"], ["a", "b"])
    with pytest.raises(ValueError, match="unknown \\['x'\\]"):
        grade_order(["a", "b", "c"], ["a", "b", "c", "x"])
    with pytest.raises(ValueError, match="more than once"):
        grade_order(["a", "b", "c"], ["a", "a", "b"])
    with pytest.raises(ValueError, match="correct order lists a step twice"):
        grade_order(["a", "a", "b"], ["a", "b"])
    with pytest.raises(TypeError, match="not one string"):
        grade_order(["a", "b", "c"], "abc")


# --------------------------------------------------------------------------- steps as data


@pytest.mark.parametrize("technique", TECHNIQUES)
def test_steps_are_numbered_and_complete(technique):
    s = steps(technique)
    assert [x.number for x in s] == list(range(1, len(s) + 1))
    assert len(s) >= 6
    assert len({x.text for x in s}) == len(s), "step texts must differ (the drill lists them)"
    refs = references()
    instruments = set(load_table("instruments")["item"])
    for x in s:
        assert x.source_key in refs
        assert x.confidence == "secondary-source"  # the suite's own summary, labelled so
        assert x.view in ("AP", "lateral", "AP + lateral", "oblique", "none")
        assert (x.view == "none") == (x.view_shows == ""), x.id
        assert x.why_here and x.pitfall
        assert x.instrument_item == "" or x.instrument_item in instruments, x.id
        assert not any(ch.isdigit() for ch in x.text + x.view_shows + x.why_here + x.pitfall), (
            f"{x.id}: step texts hold no numbers (sizes come from the instruments table)")


def test_first_step_is_positioning_and_imaging_comes_before_any_incision():
    for technique in TECHNIQUES:
        s = steps(technique)
        assert s[0].text.startswith("Position the patient"), technique
        first_image = next(x.number for x in s if x.view != "none")
        assert first_image <= 3, technique


@pytest.mark.parametrize("technique", TECHNIQUES)
def test_shuffle_is_seeded_and_never_solved(technique):
    a = [x.id for x in shuffled_steps(technique, 3)]
    assert a == [x.id for x in shuffled_steps(technique, 3)]
    assert sorted(a) == sorted(x.id for x in steps(technique))
    for seed in range(40):
        order = [x.number for x in shuffled_steps(technique, seed)]
        assert order != sorted(order)


def test_shuffle_is_stable_across_runs():
    # random.Random seeded with a string is deterministic (not hash-randomised)
    assert [x.number for x in shuffled_steps("vertebroplasty", 0)] == [6, 5, 3, 2, 1, 4]


def test_shuffle_and_steps_reject_bad_input():
    with pytest.raises(ValueError, match="unknown technique 'open-laminectomy'"):
        steps("open-laminectomy")
    with pytest.raises(TypeError, match="technique must be a string"):
        steps(3)
    with pytest.raises(TypeError, match="seed must be an integer"):
        shuffled_steps("kyphoplasty", 1.5)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        shuffled_steps("kyphoplasty", -1)


def test_drill_feedback_names_views_and_why():
    correct = steps("kyphoplasty")
    answer = [correct[1].id, correct[0].id] + [x.id for x in correct[2:]]
    result, frame = drill_feedback("kyphoplasty", answer)
    assert result.discordant_pairs == 1
    # the earlier-index chain is kept: the positioning step (put second) is the one to move
    row = frame.loc[2]
    assert row["step"] == correct[0].text
    assert row["verdict"].startswith("move to position 1 (first, before anything else)")
    assert correct[0].why_here in row["verdict"]
    assert frame.loc[1]["expected fluoroscopic view"] == f"AP + lateral: {correct[1].view_shows}"
    assert frame.loc[3]["verdict"] == "in order (exact place)"
    assert list(frame["what can go wrong"]) == [correct[1].pitfall, correct[0].pitfall] + [
        x.pitfall for x in correct[2:]]


def test_steps_table_shapes():
    assert len(steps_table()) == len(load_table("procedure_steps"))
    assert len(steps_table("all")) == len(load_table("procedure_steps"))
    one = steps_table("vertebroplasty")
    assert len(one) == len(steps("vertebroplasty"))
    assert set(one["source"]) == {"Garfin2001Spine (secondary: the suite's summary)"}
    with pytest.raises(ValueError):
        steps_table("nope")


def test_grading_examples_match_hand_working():
    t = grading_examples()
    assert list(t["pairs the wrong way round"]) == ["1 of 15", "5 of 15", "15 of 15"]
    assert list(t["to move"]) == ["1", "1", "5 4 3 2 1"]  # listed in the student's order
    assert list(t["kept in order"]) == ["2 3 4 5 6", "2 3 4 5 6", "6"]
    assert list(t["score"]) == ["93%", "67%", "0%"]


# --------------------------------------------------------------------------- profiles, sizes, tables


def test_every_technique_has_a_name_corridor_conditions_and_risks():
    for technique in TECHNIQUES:
        p = profile(technique)
        for attribute in ("name", "corridor", "target_conditions", "imaging", "main_risks"):
            assert attribute in p, (technique, attribute)
    assert technique_name("mis-tlif") == "MIS transforaminal lumbar interbody fusion (TLIF)"


def test_corridor_sizes_equal_the_instruments_table():
    inst = load_table("instruments")
    tubes = corridor_sizes("tubular-microdiscectomy")
    kulkarni = sorted(inst[(inst.item == "tubular retractor") & (inst.parameter == "diameter")]["value"])
    assert [s.sizes_mm[0] for s in tubes if s.source_key == "Kulkarni2019"] == kulkarni
    metrx = [s for s in tubes if s.source_key == "MED188_PMC3931158"][0]
    assert metrx.sizes_mm == (18.0, 16.0) and metrx.printed == "18; 16"
    endo = corridor_sizes("endoscopic-interlaminar")
    assert [(s.sizes_mm, s.printed, s.confidence) for s in endo] == [((7.0,), "7 / 4", "read-directly")]
    tf = {s.source_key: s for s in corridor_sizes("endoscopic-transforaminal")}
    assert tf["Kumari2021"].sizes_mm == (6.0, 8.0)
    assert tf["TESSYS_hospital_page"].confidence == "secondary-source"
    lateral = corridor_sizes("lateral-transpsoas")
    assert all(s.sizes_mm == (18.0, 22.0) for s in lateral)
    assert corridor_sizes("kyphoplasty") == [] and corridor_sizes("vertebroplasty") == []


def test_comparison_labels_secondary_and_missing():
    rows = {r["technique"]: r for r in comparison_rows()}
    assert len(rows) == len(TECHNIQUES)
    tlif = rows["MIS transforaminal lumbar interbody fusion (TLIF)"]
    assert "Orthovellum [secondary]" in tlif["cited corridor sizes"]
    assert "(Rhee_OpTech)" in tlif["cited corridor sizes"]
    assert tlif["typical anaesthesia"] == "not stated in this suite's sources"
    assert rows["Balloon kyphoplasty"]["cited corridor sizes"] == "no cited size in this suite's tables"
    assert "(Gadjradj2022BJSM)" in rows["Full-endoscopic transforaminal discectomy"]["typical anaesthesia"]
    assert list(comparison_table(["kyphoplasty"]).index) == ["Balloon kyphoplasty"]
    with pytest.raises(TypeError, match="not one string"):
        comparison_rows("kyphoplasty")
    with pytest.raises(ValueError, match="unknown technique"):
        comparison_rows(["keyhole"])


def test_instrument_table_and_figures_equal_data():
    t = instrument_table()
    assert set(t["confidence"]) == {"read-directly", "secondary-source"}
    tubes = t[(t.instrument == "tubular retractor") & (t.what == "diameter")]
    assert sorted(float(v) for v in tubes["size as printed"]) == [14.0, 16.0, 18.0]
    figs = {f["name"]: f for f in instrument_figures()}
    assert figs["full endoscope 7 mm (channel 4 mm)"]["inner_mm"] == 4.0
    assert figs["guidewire 1.45 mm"]["outer_mm"] == 1.45
    assert [f["outer_mm"] for f in instrument_figures()] == sorted(
        (f["outer_mm"] for f in instrument_figures()), reverse=True)


def test_full_endoscope_channel_share():
    scope = full_endoscope()
    # 4 mm channel in a 7 mm scope: (4/7)^2 = 16/49 = 0.3265...
    assert (scope.outer_mm, scope.channel_mm, scope.value) == (7.0, 4.0, 7.0)
    assert scope.channel_share == pytest.approx(16 / 49)
    assert (scope.source_key, scope.confidence) == ("Ruetten2005", "read-directly")


def test_guidance_evidence_and_complication_tables_equal_data():
    g = guidance_accuracy_table()
    pooled = dict(zip(g[g.source == "PerdomoPantoja2019WorldNeurosurg"]["guidance"],
                      g[g.source == "PerdomoPantoja2019WorldNeurosurg"]["accuracy (%)"], strict=True))
    assert pooled == {"CT navigation": "95.5", "freehand": "93.1", "fluoroscopy-assisted": "91.5",
                      "robot-assisted": "90.5"}
    e = evidence_table()
    assert e.loc["Sciatica Micro-Endoscopic Diskectomy trial (Arts)", "randomised"] == "328"
    assert e.loc["VAPOUR (Clark)", "confidence"] == "secondary-source"
    c = complication_table()
    first = c.iloc[0]
    assert (first["minimally invasive"], first["open"], first["source"]) == (
        "5.67", "2.9", "Dasenbrock2012JNeurosurgSpine")


def test_lesson_references_resolve():
    keys = lesson_references()
    refs = references()
    assert keys == sorted(keys) and all(k in refs for k in keys)
    assert {"Palmer2002JNeurosurg", "Ruetten2008Spine", "Kulkarni2019", "Garfin2001Spine"} <= set(keys)


def test_added_references_are_complete_and_flag_recalled_citations():
    refs = references()
    for key in ("Clark2017NeurosurgFocus", "Palmer2002JNeurosurg", "Foley2003Spine", "Ozgur2006SpineJ",
                "Garfin2001Spine", "Gadjradj2022BJSM", "Chen2011SurgNeurolInt"):
        item = refs[key]
        assert item["title"] and item["note"] and item["type"] == "article-journal"
    for key in ("Foley2003Spine", "Ozgur2006SpineJ", "Garfin2001Spine"):
        assert refs[key]["custom"]["verify"] is True and "verify" in refs[key]["note"]


def test_bad_profile_data_is_named(tmp_path, monkeypatch):
    import shutil

    from widgets.core import data

    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    path = copy / "tables" / "technique_profiles.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace(",tubular retractor,diameter,", ",tubular retractor,girth,", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("MISS_DATA_DIR", str(copy))
    data.clear_cache()
    try:
        with pytest.raises(DataError, match="no instruments row 'tubular retractor' / 'girth'"):
            corridor_sizes("tubular-microdiscectomy")
    finally:
        monkeypatch.delenv("MISS_DATA_DIR")
        data.clear_cache()


def test_circle_maths_of_the_window_ratio():
    # a sanity link to lesson 00: the window ratio of the largest to the smallest cited tube
    sizes = sorted(s.sizes_mm[0] for s in corridor_sizes("tubular-microdiscectomy")
                   if s.source_key == "Kulkarni2019")
    assert (sizes[-1] / sizes[0]) ** 2 == pytest.approx(math.pi * 81 / (math.pi * 49))
