"""Lesson 08's models: the examination simulator, triage, the trial timeline, scores and consent."""

from __future__ import annotations

import math

import pytest

from widgets.core.catalog import lesson
from widgets.core.data import records
from widgets.reasoning import consent, exam, scores, tables, timing, triage

SEEDS = range(3000)


@pytest.fixture(scope="module")
def patients():
    return [exam.make_patient(seed=s) for s in SEEDS]


# ----------------------------------------------------------------------------- patients

def test_a_seed_always_gives_the_same_patient():
    a, b = exam.make_patient(seed=17), exam.make_patient(seed=17)
    assert a.history == b.history
    assert {t: r.findings for t, r in a.results.items()} == {t: r.findings for t, r in b.results.items()}


def test_seeds_give_every_kind_root_and_side(patients):
    assert {p.kind for p in patients} == set(exam.CASE_KINDS)
    assert {p.root for p in patients if p.kind == "lumbar radiculopathy"} == set(exam.LUMBAR_ROOTS)
    assert {p.root for p in patients if p.kind == "cervical radiculopathy"} == set(exam.CERVICAL_ROOTS)
    assert {p.zone for p in patients if p.kind == "lumbar radiculopathy"} == {"paramedian", "far-lateral"}
    assert {p.side for p in patients if p.side} == {"left", "right"}
    assert any(p.progressive for p in patients) and not all(p.progressive for p in patients)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3"])
def test_a_bad_seed_is_refused_in_one_line(seed):
    with pytest.raises(ValueError, match=r"^seed must be a whole number of 0 or more"):
        exam.make_patient(seed=seed)


def test_the_level_of_a_radiculopathy_compresses_its_root(patients):
    for p in patients:
        if p.kind == "lumbar radiculopathy":
            assert p.level in {h.disc for h in exam.discs_for_root(p.root) if h.zone == p.zone}
        if p.kind == "cervical radiculopathy":
            assert p.level == {"C5": "C4-C5", "C6": "C5-C6", "C7": "C6-C7", "C8": "C7-T1"}[p.root]


def test_findings_follow_the_root_table_and_the_reflex_convention(patients):
    convention = {r["root_by_convention"]: r["reflex"] for r in records("tendon_reflexes")}
    muscles = {r["root"]: r["finding"] for r in records("nerve_root_signs") if r["sign"] == "key muscle"}
    for p in patients:
        if "radiculopathy" not in p.kind:
            continue
        power = " ".join(f.text for f in exam.examine(p, test="power (key muscles)").findings)
        assert f"{muscles[p.root]}:" in power and p.side in power
        reflexes = exam.examine(p, test="reflexes").findings
        if p.root in convention:
            assert reflexes[0].text.startswith(convention[p.root]) and reflexes[0].abnormal
        else:
            assert [f.abnormal for f in reflexes] == [False]


def test_upper_motor_neuron_signs_only_in_myelopathy(patients):
    for p in patients[:300]:
        umn = exam.examine(p, test="upper motor neuron signs").findings
        assert any(f.abnormal for f in umn) == (p.kind == "cervical myelopathy")


def test_each_region_offers_its_own_tests():
    lumbar = next(p for p in map(lambda s: exam.make_patient(seed=s), SEEDS) if p.region == "lumbar")
    assert set(lumbar.results) == set(exam.tests_for("lumbar"))
    with pytest.raises(ValueError, match=r"^test 'Hoffmann sign' is not offered for a lumbar patient"):
        exam.examine(lumbar, test="Hoffmann sign")
    with pytest.raises(ValueError, match="unknown region"):
        exam.tests_for("thoracic")


# ------------------------------------------------------------------- cited accuracy

def test_positive_rates_are_the_cited_figures():
    slr = exam.accuracy("straight leg raise")
    assert exam.positive_rate("straight leg raise", has_condition=True) == slr["sensitivity"]
    false_rate = exam.positive_rate("straight leg raise", has_condition=False)
    assert false_rate == pytest.approx(1 - slr["specificity"])
    with pytest.raises(KeyError, match="no cited accuracy for 'femoral stretch test'"):
        exam.accuracy("femoral stretch test")
    with pytest.raises(TypeError, match="has_condition must be True or False"):
        exam.positive_rate("straight leg raise", has_condition=1)


def test_hoffmann_rates_reproduce_the_cited_likelihood_ratios():
    row = exam.accuracy("Hoffmann sign")
    sens, spec = exam.hoffmann_rates()
    assert sens / (1 - spec) == pytest.approx(row["lr_positive"])
    assert (1 - sens) / spec == pytest.approx(row["lr_negative"])


def _share_positive(patients, test, has):
    results = [exam.examine(p, test=test) for p in patients if test in p.results
               and (p.kind == "cervical myelopathy" if test == "Hoffmann sign"
                    else p.lower_lumbar_herniation) == has]
    positive = [r.truth.endswith("positive") for r in results]
    return sum(positive) / len(positive), len(positive)


@pytest.mark.parametrize("test", ["straight leg raise", "crossed straight leg raise", "Hoffmann sign"])
@pytest.mark.parametrize("has", [True, False])
def test_over_many_seeds_tests_are_positive_at_the_cited_rates(patients, test, has):
    share, n = _share_positive(patients, test, has)
    if test == "Hoffmann sign":
        sens, spec = exam.hoffmann_rates()
    else:
        row = next(r for r in records("exam_test_accuracy") if r["test"] == test)
        sens, spec = row["sensitivity"], row["specificity"]
    expected = sens if has else 1 - spec
    assert abs(share - expected) < 4 * math.sqrt(expected * (1 - expected) / n) + 0.01, (share, expected, n)


def test_false_results_are_labelled_as_false(patients):
    truths = {exam.examine(p, test="straight leg raise").truth for p in patients if p.region == "lumbar"}
    assert truths == {"true positive", "false positive", "true negative", "false negative"}


# ------------------------------------------------------------------- localisation

def _first(patients, **want):
    return next(p for p in patients if all(getattr(p, k) == v for k, v in want.items()))


def test_a_right_localisation(patients):
    p = _first(patients, kind="lumbar radiculopathy", root="L5", zone="paramedian")
    verdict = exam.grade_localisation(p, root="L5", level="L4-L5", side=p.side)
    assert verdict.all_right and verdict.level_verdict == "right"


def test_the_other_disc_that_compresses_the_same_root_is_consistent(patients):
    p = _first(patients, kind="lumbar radiculopathy", root="L5", zone="paramedian")
    verdict = exam.grade_localisation(p, root="L5", level="L5-S1", side=p.side)
    assert verdict.level_verdict == "consistent" and verdict.all_right
    assert "far-lateral" not in verdict.lines[1] and "Only imaging" in verdict.lines[1]


def test_a_wrong_root_level_and_side(patients):
    p = _first(patients, kind="lumbar radiculopathy", root="L5", zone="paramedian")
    other = "left" if p.side == "right" else "right"
    verdict = exam.grade_localisation(p, root="L4", level="L2-L3", side=other)
    assert (verdict.root_right, verdict.level_verdict, verdict.side_right) == (False, "wrong", False)
    assert not verdict.all_right


@pytest.mark.parametrize(("kind", "root", "level"), [
    ("cervical myelopathy", exam.CORD, "C4-C5"), ("cauda equina syndrome", exam.CAUDA, "L4-L5")])
def test_a_cord_or_cauda_equina_level_is_left_to_imaging(patients, kind, root, level):
    p = _first(patients, kind=kind)
    verdict = exam.grade_localisation(p, root=root, level=level, side="both sides")
    assert verdict.root_right and verdict.side_right
    assert verdict.level_verdict == ("right" if level == p.level else "consistent")


def test_an_unknown_choice_is_refused_naming_the_allowed(patients):
    with pytest.raises(ValueError, match=r"^unknown level 'L6-S1'; use one of C3-C4"):
        exam.grade_localisation(patients[0], root="L5", level="L6-S1", side="left")


# ----------------------------------------------------------------------- next step

def test_every_next_step_is_reached_and_graded(patients):
    expected = {p.seed: triage.next_step(p)[0] for p in patients}
    assert set(expected.values()) == set(triage.NEXT_STEPS)
    weeks = triage.assumption("conservative_care_weeks").value
    for p in patients[:400]:
        step = expected[p.seed]
        if p.kind == "cauda equina syndrome":
            assert step == triage.EMERGENCY
        elif p.progressive or p.kind == "cervical myelopathy":
            assert step == triage.URGENT
        else:
            assert step == (triage.IMAGE if p.weeks >= weeks else triage.CONSERVATIVE)
        assert triage.grade_next_step(p, step=step).right


def test_a_wrong_step_says_whether_it_is_too_urgent_or_not_enough(patients):
    ces = _first(patients, kind="cauda equina syndrome")
    verdict = triage.grade_next_step(ces, step=triage.CONSERVATIVE)
    assert not verdict.right and "less urgent than needed" in verdict.text
    mild = next(p for p in patients if triage.next_step(p)[0] == triage.CONSERVATIVE)
    assert "more urgent than needed" in triage.grade_next_step(mild, step=triage.EMERGENCY).text
    with pytest.raises(ValueError, match="unknown next step 'operate'"):
        triage.grade_next_step(mild, step="operate")


# -------------------------------------------------------------------------- scores

def test_odi_is_a_percentage_of_the_sections_answered():
    all_threes = {s: 3 for s in scores.ODI_SECTIONS}
    assert scores.score(instrument="ODI", answers=all_threes).value == 60
    skipped = {**all_threes, "sex life": None}
    result = scores.score(instrument="ODI", answers=skipped)
    assert (result.total, result.answered, result.value) == (27, 9, 60)


def test_ndi_is_the_total_of_its_ten_sections():
    result = scores.score(instrument="NDI", answers={s: 2 for s in scores.NDI_SECTIONS})
    assert (result.total, result.value) == (20, 20)
    with pytest.raises(ValueError, match="the NDI here needs all 10 sections answered; missing: driving"):
        scores.score(instrument="NDI",
                     answers={s: (None if s == "driving" else 1) for s in scores.NDI_SECTIONS})


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"instrument": "RDQ", "answers": {}}, "unknown instrument 'RDQ'"),
    ({"instrument": "ODI", "answers": {"running": 2}}, "unknown ODI section 'running'"),
    ({"instrument": "ODI", "answers": {"walking": 6}}, "answer 6 is not a whole number from 0 to 5"),
    ({"instrument": "ODI", "answers": {"walking": True}}, "answer True is not a whole number"),
    ({"instrument": "ODI", "answers": {"walking": None}}, "no ODI section answered"),
])
def test_bad_answers_are_refused_in_one_line(kwargs, message):
    with pytest.raises(ValueError, match=message):
        scores.score(**kwargs)


def test_a_change_is_judged_against_the_cited_mcid():
    mcid = next(r["mcid"] for r in records("mcid") if r["instrument"] == "ODI")
    exact = scores.judge_change(instrument="ODI", before=50, after=50 - mcid)
    assert exact.verdict == "important improvement"
    small = scores.judge_change(instrument="ODI", before=50, after=50 - mcid + 1)
    assert small.verdict == "smaller than the MCID" and small.source_key == "Ostelo2008Spine"
    assert scores.judge_change(instrument="ODI", before=30, after=30 + mcid).verdict == "important worsening"


def test_the_ndi_is_judged_against_its_cited_mcid():
    verdict = scores.judge_change(instrument="NDI", before=30, after=20)
    assert (verdict.mcid, verdict.source_key) == (7.5, "Young2009SpineJ")
    assert verdict.verdict != "not judged"


def test_an_instrument_without_a_cited_mcid_is_not_judged(data_copy):
    table = data_copy / "tables" / "mcid.csv"
    table.write_text("".join(line for line in table.read_text(encoding="utf-8").splitlines(True)
                             if not line.startswith("NDI,")), encoding="utf-8")
    verdict = scores.judge_change(instrument="NDI", before=30, after=10)
    assert (verdict.verdict, verdict.mcid) == ("not judged", None)
    with pytest.raises(ValueError, match=r"^after must be a score from 0 to 50, got 60"):
        scores.judge_change(instrument="NDI", before=30, after=60)


# -------------------------------------------------------------------------- timing

def test_the_timeline_holds_only_published_points():
    rows = records("natural_history")
    points = timing.published_points()
    assert len(points) == len(rows)
    assert [p.weeks for p in points] == sorted(p.weeks for p in points)
    published = {(r["trial"], r["measure"], float(r["timepoint"]), r["timepoint_unit"]) for r in rows}
    assert {(p.trial, p.measure, p.time, p.time_unit) for p in points} == published


def test_time_conversion_and_lookup():
    assert timing.to_weeks(2.2, "weeks") == 2.2
    assert timing.to_weeks(1, "years") == pytest.approx(52.18, abs=0.01)
    assert "1 year" in timing.published_times()
    assert {p.source_key for p in timing.points_at("1 year")} >= {"Peul2007NEJM"}
    with pytest.raises(ValueError, match=r"^no trial published a figure at '5 years'"):
        timing.points_at("5 years")
    with pytest.raises(ValueError, match="unknown time unit 'days'"):
        timing.to_weeks(3, "days")


def test_peul_one_year_recovery_is_the_same_in_both_arms():
    point = next(p for p in timing.points_at("1 year") if p.measure == "probability of perceived recovery")
    assert point.group == "both arms" and point.value == 95


# ------------------------------------------------------------------------- consent

def test_the_tubular_card_reads_the_cited_tables():
    card = {f.question: f for f in consent.consent_card(operation="tubular microdiscectomy")}
    good = card["good recovery at 2 years"]
    assert (good.per_100, good.comparator_per_100, good.source_key) == (71, 77, "Arts2011")
    assert card["no good recovery at 2 years"].per_100 == 100 - good.per_100
    assert card["a second operation within 2 years"].per_100 == 15
    assert card["a tear of the dura (incidental durotomy)"].people == 6
    none = card["conversion to open surgery"]
    assert (none.per_100, none.printed, none.certainty) == (None, "no figure", "none")
    with pytest.raises(ValueError, match="has no figure per 100 patients"):
        consent.icon_counts(none)
    assert consent.icon_counts(good) == (71, 29)


def test_the_mis_tlif_card_says_what_its_denominators_are():
    card = {f.question: f for f in consent.consent_card(operation="MIS-TLIF")}
    assert card["a tear of the dura (incidental durotomy)"].per_what == "operated levels"
    conversion = card["conversion to open surgery"]
    assert (conversion.per_100, conversion.printed, conversion.certainty) == (None, "0/90", "very low")
    with pytest.raises(ValueError, match="unknown operation 'ACDF'"):
        consent.consent_card(operation="ACDF")


def test_the_catalog_choices_are_the_models_lists():
    params = {p.name: p for p in lesson("08-from-symptoms-to-decision").params}
    assert params["operation"].choices == consent.OPERATIONS
    assert params["instrument"].choices == tuple(scores.INSTRUMENTS)


# -------------------------------------------------------------------------- tables

def test_likelihood_ratios_are_derived_from_the_cited_accuracy():
    frame = tables.accuracy_table()
    slr = exam.accuracy("straight leg raise")
    assert frame.loc["straight leg raise", "likelihood ratio if positive"] == round(
        slr["sensitivity"] / (1 - slr["specificity"]), 2)
    assert "derived" in frame.loc["Hoffmann sign", "sensitivity (95% CI)"]


def test_a_paramedian_l4_l5_herniation_compresses_l5_and_a_foraminal_one_l4():
    frame = tables.root_level_table()
    assert frame.loc["L5", "paramedian herniation at"] == "L4-L5"
    assert frame.loc["L4", "far-lateral herniation at"] == "L4-L5"


def test_every_lesson_source_resolves():
    from widgets.core.data import references

    assert set(tables.lesson_references()) <= set(references())
