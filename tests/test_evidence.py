"""Lesson 05's evidence models: data-quality flags, pools of cited data, trials, wins/ties/loses."""

from __future__ import annotations

import math

import pytest

from widgets.core.data import load_table, references
from widgets.evidence import effects, pooling
from widgets.evidence.analysis import forest_rows, funnel_lines, meta_analysis, pooled_value, weight_share
from widgets.evidence.certainty import (
    Threshold,
    absolute_per_100,
    assumed_threshold,
    certainty,
    mcid_threshold,
    read_importance,
)
from widgets.evidence.readers import GROUPS, Evidence, is_blinded
from widgets.evidence.studies import OUTCOMES, arm_flags, reference_estimates, studies
from widgets.evidence.tables import (
    assumptions_table,
    blinding_summary,
    blinding_table,
    evidence_map,
    forest_table,
    funnel_table,
    lesson_references,
    library_check,
    pooling_by_hand_table,
    screw_accuracy_table,
    summary_rows,
    threshold_table,
    trial_table,
    weight_shift_table,
)
from widgets.evidence.verdicts import MAP, classify, threshold_of, verdict_order


def _row(table: str, **where):
    t = load_table(table)
    for k, v in where.items():
        t = t[t[k] == v]
    assert len(t) == 1, where
    return t.iloc[0]


# ----------------------------------------------------------------------------- data-quality flags


def test_arm_flags_hand_cases():
    assert arm_flags(300.0, 100.0, 20) == ()
    assert arm_flags(300.0, None, 20) == ("SD not reported",)
    assert arm_flags(300.0, 100.0, None) == ("n not reported",)
    assert arm_flags(300.0, 0.0, 20) == ("SD is zero",)
    assert arm_flags(None, None, 20) == ("mean not reported", "SD not reported")
    # SD larger than the mean of a positive quantity: 120 > 100
    assert arm_flags(100.0, 120.0, 20) == ("SD larger than the mean",)
    # SD/mean 10/200 = 0.05 against others' median 0.3: 0.05 < 0.3 x 0.3 = 0.09 -> flagged
    flags = arm_flags(200.0, 10.0, 20, reference_cv=0.3, floor_ratio=0.3)
    assert len(flags) == 1 and flags[0].startswith("SD far smaller than in comparable studies")
    assert "0.05" in flags[0] and "0.30" in flags[0]
    # 0.1 is above 0.3 x 0.3 = 0.09 -> not flagged; and no comparison without a reference
    assert arm_flags(200.0, 20.0, 20, reference_cv=0.3, floor_ratio=0.3) == ()
    assert arm_flags(200.0, 10.0, 20, reference_cv=None, floor_ratio=0.3) == ()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"mean": "300", "sd": 1.0, "n": 2}, TypeError), ({"mean": 300.0, "sd": -1.0, "n": 2}, ValueError),
     ({"mean": 300.0, "sd": 1.0, "n": True}, TypeError),
     ({"mean": float("nan"), "sd": 1.0, "n": 2}, ValueError)],
)
def test_arm_flags_rejects_bad_input(kwargs, error):
    with pytest.raises(error):
        arm_flags(**kwargs)


def test_blood_loss_rows_are_flagged_as_the_data_warrant():
    frame = studies("blood_loss").set_index("study")
    # Rahman 2025: SD/mean 10.3/210.5 = 0.049 and 15.7/275.2 = 0.057; the other arms' median SD/mean
    # (Rodriguez-Vela 0.676, 0.337; Wu 0.303, 0.289; Rampersaud has no SD) is (0.337 + 0.303)/2 = 0.32
    # for the MIS arm's comparison set: 0.049 < 0.3 x 0.32 -> both arms flagged.
    rahman = frame.loc["Rahman 2025"]
    assert rahman["poolable"] and rahman["flagged"] and not rahman["default"]
    assert [f.split(":")[0] for f in rahman["flags"]] == ["MIS arm", "open arm"]
    assert all("SD far smaller" in f for f in rahman["flags"])
    ramp = frame.loc["Rampersaud 2011"]
    assert not ramp["poolable"] and ramp["why_not"] == "SD not reported"
    assert list(frame.index[frame["default"]]) == ["Rodriguez-Vela 2009", "Wu AM 2018"]
    assert frame.loc["Rodriguez-Vela 2009", "flags"] == () and frame.loc["Wu AM 2018", "flags"] == ()


def test_the_flag_threshold_is_the_documented_assumption():
    from widgets.core.assumptions import assumption

    a = assumption("spread_cv_floor_ratio")
    assert (a.value, a.unit) == (0.3, "ratio")
    table = assumptions_table()
    assert table.loc["spread_cv_floor_ratio", "value"] == a.value


def test_other_outcomes_flags_and_reasons():
    los = studies("length_of_stay").set_index("study")
    assert list(los.index[los["default"]]) == ["Rodriguez-Vela 2009", "Wu AM 2018"]
    assert los.loc["Adogwa 2011", "why_not"].startswith("reports medians and IQRs")
    assert los.loc["Serban 2017", "why_not"] == "SD not reported"
    op = studies("operative_time").set_index("study")
    assert op.loc["Rahman 2025", "flagged"]  # 8.2/158.5 = 0.052 < 0.3 x 0.2
    vp = studies("vertebroplasty_pain").set_index("study")
    assert list(vp.index[vp["default"]]) == ["Buchbinder 2009 (3 months)", "Kallmes 2009 (1 month)",
                                             "VERTOS IV 2018 (1 month)"]
    assert "binary outcome" in vp.loc["VAPOUR 2016 (14 days)", "why_not"]
    assert "sign convention not stated in the source" in vp.loc["Kallmes 2009 (1 month)", "caveats"]


# ----------------------------------------------------------------------------- pools of cited data


def test_blood_loss_pool_equals_a_pool_of_the_table_values():
    rv = _row("study_level_blood_loss", source_key="RodriguezVela2009")
    wu = _row("study_level_blood_loss", source_key="Wu2018")
    y = [rv.mis_mean - rv.open_mean, wu.mis_mean - wu.open_mean]
    v = [rv.mis_sd**2 / rv.mis_n + rv.open_sd**2 / rv.open_n,
         wu.mis_sd**2 / wu.mis_n + wu.open_sd**2 / wu.open_n]
    for model in ("fixed", "DL", "REML"):
        a = meta_analysis("blood_loss", "MD", model)
        expected = pooling.pool(y, v, model)
        assert a.estimate == pytest.approx(expected.estimate, abs=1e-9)
        assert a.result.i2 == pytest.approx(expected.i2, abs=1e-9)
    assert pooled_value("blood_loss", "estimate", "fixed") == pytest.approx(-83.7737, abs=1e-4)
    assert pooled_value("blood_loss", "i2") == pytest.approx(94.19, abs=0.01)
    assert pooled_value("blood_loss", "k") == 2.0


def test_weight_share_of_the_flagged_study_by_hand():
    keys = ("RodriguezVela2009", "Wu2018", "Rahman2025")
    rows = [_row("study_level_blood_loss", source_key=k) for k in keys]
    w = [1 / (r.mis_sd**2 / r.mis_n + r.open_sd**2 / r.open_n) for r in rows]
    assert weight_share("blood_loss", "Rahman 2025", "fixed", True) == pytest.approx(100 * w[2] / sum(w))
    assert weight_share("blood_loss", "Rahman 2025") == pytest.approx(77.4, abs=0.1)
    table = weight_shift_table("blood_loss")
    assert table.loc["weight of Rahman 2025 (%)", "with the flagged studies"] == round(100 * w[2] / sum(w), 1)
    assert table.loc["weight of Rahman 2025 (%)", "without the flagged studies"] == "—"


def test_pooling_by_hand_table_matches_the_formulas():
    table = pooling_by_hand_table("blood_loss")
    assert table.loc["Rodriguez-Vela 2009", "y = MIS − open (mL)"] == -439.0
    assert table.loc["Rodriguez-Vela 2009", "v = SD₁²/n₁ + SD₂²/n₂"] == round(215**2 / 15 + 255**2 / 15, 2)
    assert table.loc["fixed-effect pool: Σw·y / Σw", "y = MIS − open (mL)"] == -83.8


def test_binary_counts_are_read_from_the_printed_text():
    frame = studies("complications").set_index("source_key")
    # outcomes_mis_vs_open: Rampersaud "complications 4/37" vs "complications 12/41";
    # Int J Spine Surg 2021 "complications 9/69 (13%)" vs "complications 9/76 (11.8%)"
    for key, counts in (("Rampersaud2011", (4, 37, 12, 41)), ("IntJSpineSurg2021", (9, 69, 9, 76))):
        got = tuple(int(frame.loc[key, c]) for c in ("mis_events", "mis_n", "open_events", "open_n"))
        assert got == counts
        row = _row("outcomes_mis_vs_open", source_key=key)
        assert f"complications {counts[0]}/{counts[1]}" in row["mis_value_text"]
        assert f"complications {counts[2]}/{counts[3]}" in row["open_value_text"]
    a = meta_analysis("complications", "OR", "fixed")
    y, v = effects.log_odds_ratio([9, 4], [69, 37], [9, 12], [76, 41])
    assert a.result.estimate == pytest.approx(pooling.pool(y, v, "fixed").estimate)


def test_screw_accuracy_pool_and_table():
    table = load_table("study_level_screw_accuracy")
    free = table[table["technique"] == "freehand"]
    y, v = effects.logit_proportion(free["accuracy_pct"] / 100, free["screws"])
    a = meta_analysis("screw_accuracy_freehand")
    assert a.result.estimate == pytest.approx(pooling.pool(y, v, "REML").estimate)
    assert a.estimate == pytest.approx(100 / (1 + math.exp(-a.result.estimate)))
    summary = screw_accuracy_table()
    assert summary.loc["freehand", "studies"] == len(free)
    assert summary.loc["fluoroscopy-assisted", "lowest"] == "Kuntz 2004"
    assert float(summary.loc["freehand", "I² (%)"]) > 90  # heterogeneous definitions of accuracy
    assert "93.1%" in summary.loc["freehand", "published pooled accuracy (reference)"]


def test_vertebroplasty_pool_of_published_differences():
    rows = [_row("study_level_vertebroplasty_vs_sham", source_key="Buchbinder2009"),
            _row("study_level_vertebroplasty_vs_sham", source_key="Kallmes2009"),
            _row("study_level_vertebroplasty_vs_sham", source_key="Firanescu2018", timepoint="1 month")]
    y, v = effects.from_confidence_interval([r.between_group_difference for r in rows],
                                         [r.ci_low for r in rows], [r.ci_high for r in rows])
    a = meta_analysis("vertebroplasty_pain")
    assert a.estimate == pytest.approx(pooling.pool(y, v, "REML").estimate)
    assert a.pi_low is not None  # three studies: a prediction interval exists


def test_reference_estimates_are_the_published_rows_never_pooled():
    refs = reference_estimates("blood_loss").set_index("source_key")
    assert set(refs.index) == {"Sun2013ChinMedJ", "Li2018JOSR", "Xie2016ChinMedJ", "Park2018YonseiMedJ",
                               "Zhai2024ExpTherMed"}
    park = _row("outcomes_mis_vs_open", source_key="Park2018YonseiMedJ", outcome="estimated blood loss")
    assert (refs.loc["Park2018YonseiMedJ", "estimate"], refs.loc["Park2018YonseiMedJ", "ci_low"]) == \
        (park.pooled_difference, park.ci_low)
    assert math.isnan(refs.loc["Zhai2024ExpTherMed", "estimate"])  # CI only: no midpoint invented
    assert reference_estimates("blood_loss", "SMD").empty  # published differences are in mL
    assert list(reference_estimates("complications", "RR")["source_key"]) == ["Xie2016ChinMedJ",
                                                                                  "Qu2015EurSpineJ"]
    # the pool of the two studies does not move when a reference line is shown
    a = meta_analysis("blood_loss")
    rows = forest_rows(a)
    assert [r["kind"] for r in rows].count("reference") == 4
    assert [r["kind"] for r in rows].count("reference-ci") == 1
    assert a.result.k == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"outcome": "bleeding"}, ValueError, "unknown outcome 'bleeding'"),
        ({"outcome": 3}, TypeError, "outcome must be a string"),
        ({"measure": "OR"}, ValueError, "measure 'OR' does not apply to 'blood_loss'"),
        ({"include": ["Nobody 2020"]}, ValueError, "unknown study"),
        ({"include": ["Rampersaud 2011"]}, ValueError, "cannot be pooled: SD not reported"),
        ({"include": []}, ValueError, "no study selected"),
        ({"include": "Wu AM 2018"}, TypeError, "list of study labels"),
        ({"outcome": "vertebroplasty_pain",
          "include": ["VERTOS IV 2018 (1 month)", "VERTOS IV 2018 (3 months)"]},
         ValueError, "included twice"),
        ({"model": "Bayes"}, ValueError, "model must be one of"),
    ],
)
def test_meta_analysis_rejects_bad_choices(kwargs, error, message):
    with pytest.raises(error, match=message):
        meta_analysis(**kwargs)


def test_undefined_quantities_are_refused():
    with pytest.raises(ValueError, match="pi_low is undefined"):
        pooled_value("blood_loss", "pi_low")
    with pytest.raises(ValueError, match="unknown quantity"):
        pooled_value("blood_loss", "median")
    with pytest.raises(ValueError, match="not in the pool"):
        weight_share("blood_loss", "Rahman 2025", include_flagged=False)


def test_forest_and_funnel_tables_hold_the_figure_data():
    forest = forest_table("vertebroplasty_pain")
    assert forest.loc["Buchbinder 2009 (3 months)", "estimate"] == "0.60"
    assert forest.loc["Buchbinder 2009 (3 months)", "95% interval"] == "-0.70 to 1.80"  # as published
    assert forest.loc["VERTOS IV 2018 (3 months) (left out)", "weight (%)"] == ""
    funnel = funnel_table("screw_accuracy_freehand")
    # (logit(p) - pooled) / SE: Parker 2011 (98.3% of 6816 screws) lies far outside, Schizas 2007 inside
    assert funnel.loc["Parker 2011", "outside the pseudo limits"] == "yes"
    assert funnel.loc["Schizas 2007", "outside the pseudo limits"] == "no"
    assert (funnel["outside the pseudo limits"] == "yes").sum() == 5


def test_summary_rows_and_library_check():
    rows = {r["quantity"]: r["value"] for r in summary_rows(meta_analysis("blood_loss"))}
    assert rows["studies pooled"] == "2"
    assert rows["95% prediction interval (a new study)"].startswith("not defined with fewer than 3")
    assert rows["I² (share of variation beyond chance)"] == "94.2%"
    one = {r["quantity"]: r["value"] for r in summary_rows(meta_analysis("fluoroscopy_time"))}
    assert one["heterogeneity"] == "one study: nothing to compare"
    check = library_check("blood_loss")
    assert set(check["agree to 1e-6"]) == {"yes", "—"}


def test_every_outcome_pools_under_every_measure_and_model():
    for key, o in OUTCOMES.items():
        for measure in o.measures:
            for model in ("fixed", "DL", "REML"):
                a = meta_analysis(key, measure, model)
                assert a.result.k >= 1 and math.isfinite(a.estimate)
                assert len(forest_rows(a)) >= a.result.k + 1
                lines = funnel_lines(a)
                assert len(lines["low"]) == len(lines["se"]) and lines["se"][0] == 0.0


# ----------------------------------------------------------------------------- trials and blinding


def test_blinding_is_read_from_the_design_text():
    assert is_blinded("sham procedure; participants and assessors blinded") is True
    assert is_blinded("no sham; non-surgical management control; multicentre RCT (open)") is False
    assert is_blinded("no masking possible (stated); open-label multicentre RCT") is False
    assert is_blinded("not stated in abstract") is None
    with pytest.raises(TypeError):
        is_blinded(None)


def test_blinding_table_counts_come_from_the_trials_table():
    table = blinding_table()
    assert set(table["source"]) == {"Buchbinder2009", "Kallmes2009", "Wardlaw2009", "Klazen2010", "VAPOUR",
                                    "Firanescu2018"}  # the Cochrane review is not a trial
    by_key = table.set_index("source")
    assert by_key.loc["Wardlaw2009", "patients blinded"] == "no"
    assert by_key.loc["Klazen2010", "found a benefit"] == "yes"
    assert by_key.loc["Buchbinder2009", "found a benefit"] == "no"
    assert by_key.loc["VAPOUR", "found a benefit"] == "yes"
    assert "secondary-source" in by_key.loc["VAPOUR", "confidence"]
    summary = blinding_summary()
    assert summary["number"].tolist() == [4, 2]
    assert summary["found a benefit"].tolist() == [1, 2]


def test_trial_table_shows_the_trials_as_published():
    table = trial_table().set_index("source")
    assert list(table.index) == ["Arts2009JAMA", "Ruetten2008Spine", "Gadjradj2022BMJ"]
    arts = _row("trials", source_key="Arts2009JAMA")
    assert table.loc["Arts2009JAMA", "between-group result"] == (
        f"{arts.between_group_effect:g} (95% CI {arts.ci_low:g} to {arts.ci_high:g})")
    with pytest.raises(ValueError, match="no trials"):
        trial_table(("knee replacement",))


# ----------------------------------------------------------------------------- verdicts

# Regenerated from the data in every test run. Hand reading of the rule on each row (threshold, then
# the 95% CI of each deciding row against it; certainty from the designs behind the verdict):
EXPECTED_MAP = {
    # 4 cohort/unlabelled pools with CIs all beyond 100 mL; Li 2018's "RCTs" are labelled, not taken
    ("Blood loss", "MIS-TLIF vs open TLIF"): ("MISS better: important difference", "low"),
    # 3 CIs beyond 1 day; the RCT-labelled pool found no significant difference: inconsistency
    ("Length of hospital stay", "MIS-TLIF vs open TLIF"): ("MISS better: important difference", "very low"),
    # Park 2018 3.2 (1.5 to 5) within +-10; Xie 2016 -1.57 has no CI and cannot decide
    ("Disability (ODI)", "MIS vs open lumbar fusion"): ("no important difference", "low"),
    # 7.1 (2.8 to 11.3) mm within +-15; one RCT, patients not blinded, patient-rated
    ("Leg pain at 12 months", "full-endoscopic (PTED) vs open microdiscectomy"): ("no important difference",
                                                                                   "moderate"),
    ("Back pain at long-term follow-up", "MIS-TLIF vs open TLIF"): ("no important difference", "low"),
    # blinded RCT, 0.8 (-0.2 to 1.7) within +-5
    ("Disability in the first year (RDQ)", "tubular vs conventional microdiscectomy"): (
        "no important difference", "high"),
    ("Operative time", "MIS-TLIF vs open TLIF"): ("no important difference", "very low"),
    ("Operative time", "minimally invasive vs standard discectomy"): ("no important difference", "high"),
    # 3.3 mm (0.2 to 6.2) on a 100 mm scale: significant, far inside the MCID of 15
    ("Leg pain over 2 years", "tubular vs conventional microdiscectomy"): ("no important difference", "high"),
    ("Surgical site infection", "MIS vs open lumbar surgery"): ("inconclusive", "very low"),
    ("Incidental durotomy", "MIS vs open degenerative lumbar surgery"): ("inconclusive", "very low"),
    ("Repeat surgery within 2 years", "tubular vs conventional microdiscectomy"): ("inconclusive",
                                                                                   "moderate"),
    ("Fusion rate", "MIS vs open lumbar fusion"): ("inconclusive", "very low"),
    ("Complications", "MIS vs open lumbar fusion"): ("inconclusive", "very low"),
    ("Revision or reoperation", "MIS vs open lumbar fusion"): ("inconclusive", "very low"),
    # RR 1.95 (1.19 to 3.19) but no comparator risk printed: no absolute difference
    ("Recurrent disc herniation", "minimally invasive vs standard discectomy"): ("inconclusive", "moderate"),
    # 5.67% vs 2.90%, pooled RR and CI not read: +2.77 per 100 with no interval
    ("Incidental durotomy", "tubular vs open discectomy"): ("inconclusive", "moderate"),
    ("Recurrence and revision", "full-endoscopic (PTED) vs microendoscopic discectomy"): ("inconclusive",
                                                                                          "very low"),
    # Park 2018 25.4 s (22 to 28.8) beyond 10 s; the one RCT (Zhao 2019) prints no CI and does not lift it
    ("Fluoroscopy (radiation) time", "MIS vs open lumbar fusion"): ("MISS worse: important difference",
                                                                    "low"),
}
EXPECTED_APART = {
    # the lesson's pool of the 3 sham trials, 0.53 (-0.01 to 1.07) within +-1.5; VAPOUR disagrees
    ("Pain relief", "vertebroplasty vs sham or placebo procedure"): ("no important difference", "moderate"),
    ("Function at 1 month (SF-36 physical score)", "kyphoplasty vs non-surgical care, no sham"): (
        "importance not judged", "moderate"),
}


def _map(group=GROUPS[0]):
    table = evidence_map(group).reset_index()
    return {(r["outcome"], r["comparison"]): r for r in table.to_dict("records")}


def test_evidence_map_verdicts_are_regenerated_from_the_data():
    got = {k: (r["verdict"], r["certainty"]) for k, r in _map().items()}
    assert got == EXPECTED_MAP
    got = {k: (r["verdict"], r["certainty"]) for k, r in _map(GROUPS[1]).items()}
    assert got == EXPECTED_APART
    order = [verdict_order(v) for v in evidence_map()["verdict"]]
    assert order == sorted(order)
    refs = references()
    for group in GROUPS:
        for cell in evidence_map(group)["sources"]:
            for key in cell.split(", "):
                assert key.replace(" (secondary source)", "") in refs


def test_vertebroplasty_against_sham_is_shown_apart_with_no_important_difference():
    assert not any("sham" in c or "vertebroplasty" in c or "kyphoplasty" in c for _, c in _map())
    row = _map(GROUPS[1])[("Pain relief", "vertebroplasty vs sham or placebo procedure")]
    assert row["verdict"] == "no important difference"
    a = meta_analysis("vertebroplasty_pain", "auto", "REML")
    mcid = load_table("mcid").set_index("instrument").loc["VAS pain", "mcid"] / 10
    assert -mcid < a.ci_low and a.ci_high < mcid  # the pooled CI lies inside the cited MCID
    assert f"±{mcid:g}" in row["why this verdict"] or f"±{mcid:g}" in row["each source against it"]
    assert "Ostelo2008Spine" in row["threshold"]
    # where sources differ, the table says so: VAPOUR is shown, lowers certainty, does not decide
    assert "VAPOUR 2016: shown, does not decide" in row["each source against it"]
    assert "inconsistency" in row["why this certainty"]
    assert "VAPOUR (secondary source)" in row["sources"]
    # each trial alone is less decisive than the pool: two cross the MCID
    assert row["each source against it"].count("alone it reads inconclusive") == 2


def test_mis_tlif_blood_loss_certainty_follows_the_cohort_designs_pooled():
    row = _map()[("Blood loss", "MIS-TLIF vs open TLIF")]
    assert row["certainty"] == "low"
    assert row["why this certainty"].startswith("observational designs pooled: starts low")
    assert "assumption important_blood_loss_difference" in row["threshold"]


def test_one_trial_among_cohort_pools_does_not_make_the_evidence_high():
    row = _map()[("Fluoroscopy (radiation) time", "MIS vs open lumbar fusion")]
    assert "Zhao 2019 RCT: inconclusive (no 95% CI printed)" in row["each source against it"]
    assert row["certainty"] == "low"


def test_significant_differences_below_the_mcid_are_not_wins_or_losses():
    rows = _map()
    leg = rows[("Leg pain over 2 years", "tubular vs conventional microdiscectomy")]
    arts = _row("outcomes_mis_vs_open", source_key="Arts2011", outcome="leg pain VAS over 2 years")
    assert arts.ci_low > 0  # statistically significant ...
    assert leg["verdict"] == "no important difference"  # ... and smaller than the MCID
    odi = rows[("Disability (ODI)", "MIS vs open lumbar fusion")]
    assert ("Xie 2016 Chin Med J MA: inconclusive (no 95% CI printed; its point estimate (-1.57) lies"
            " within ±10)") in odi["each source against it"]
    assert "win" not in " ".join(evidence_map()["verdict"])


def test_dasenbrock_durotomy_shows_the_absolute_difference_and_no_verdict_without_a_ci():
    row = _map()[("Incidental durotomy", "tubular vs open discectomy")]
    d = _row("complications_durotomy_conversion", source_key="Dasenbrock2012JNeurosurgSpine")
    assert math.isnan(d.ci_low) and math.isnan(d.ci_high)  # the pooled RR and its CI were not read
    assert f"difference {d.mis_value - d.open_value:+.2f} per 100 patients" in row["size (as published)"]
    assert row["verdict"] == "inconclusive"
    assert "no 95% CI printed" in row["each source against it"]


def test_every_verdict_carries_its_reasons():
    for group in GROUPS[:2]:
        for r in evidence_map(group).to_dict("records"):
            assert r["why this verdict"] and r["why this certainty"]
            assert r["certainty"] in ("very low", "low", "moderate", "high")


def test_evidence_map_rejects_an_unknown_group():
    with pytest.raises(ValueError, match="unknown group"):
        evidence_map("MISS vs sham")


def _e(favours, key="K1", randomised=False, low=None, high=None, est=None, blinded=False, weak=False,
       patients=500, better="lower"):
    return Evidence(source_key=key, label=key, printed="", estimate=est, ci_low=low, ci_high=high,
                       ratio=False, significant=favours != "neither", favours=favours, randomised=randomised,
                       unblinded=not blinded, weak=weak, confidence="read-directly", has_ci=low is not None,
                       blinded=blinded, patients=patients, diff_low=low, diff_high=high, diff_estimate=est,
                       better=better)


def test_classify_rule_by_hand():
    t = Threshold(10, "points", "assumption", "x")
    v = classify([_e("MIS", randomised=True, low=-30, high=-12)], threshold=t)
    assert (v.verdict, v.certainty) == ("MISS better: important difference", "high")
    v = classify([_e("open", low=12, high=30)], threshold=t)
    assert (v.verdict, v.certainty) == ("MISS worse: important difference", "low")
    v = classify([_e("MIS", randomised=True, low=-8, high=-1)], threshold=t)  # significant, not important
    assert (v.verdict, v.certainty) == ("no important difference", "high")
    v = classify([_e("MIS", randomised=True, low=-15, high=-2)], threshold=t)  # crosses the MCID
    assert (v.verdict, v.certainty) == ("inconclusive", "moderate")
    assert "imprecision" in v.why_certainty
    v = classify([_e("MIS", randomised=True, est=-20)], threshold=t)  # no CI: cannot decide
    assert v.verdict == "inconclusive" and "no 95% CI printed" in v.readings[0]
    # a patient-rated outcome from unblinded trials loses a level; a sham-controlled one does not
    unblinded = classify([_e("neither", randomised=True, low=-2, high=2)], True, t)
    blinded = classify([_e("neither", randomised=True, low=-2, high=2, blinded=True)], True, t)
    assert (unblinded.certainty, blinded.certainty) == ("moderate", "high")
    # randomised plus observational rows: starts low (one RCT row does not lift the pool)
    v = classify([_e("MIS", randomised=True, low=-30, high=-12), _e("MIS", "K2", low=-40, high=-20)],
                    threshold=t)
    assert v.certainty == "low"
    # sources that disagree on importance: inconclusive, and the reason names them
    v = classify([_e("MIS", low=-30, high=-12), _e("neither", "K2", low=-3, high=3)], threshold=t)
    assert v.verdict == "inconclusive" and v.why_verdict.startswith("sources differ")
    assert classify([_e("MIS", weak=True, low=-30, high=-12)], threshold=t).certainty == "very low"
    assert classify([_e("MIS", low=-30, high=-12, patients=50)], threshold=t).certainty == "very low"
    assert classify([_e("MIS", low=-30, high=-12)], threshold=None).verdict == "importance not judged"
    assert classify([_e("MIS")], comparison=False).verdict == "not a comparison"


# ----------------------------------------------------------------------------- the certainty module


def test_read_importance_by_hand():
    assert read_importance(low=0.2, high=6.2, threshold=15)[0] == "no important difference"
    assert read_importance(low=15, high=20, threshold=15)[0] == "important benefit"
    assert read_importance(low=-20, high=-15, threshold=15)[0] == "important harm"
    assert read_importance(low=-14.9, high=14.9, threshold=15)[0] == "no important difference"
    assert read_importance(low=10, high=16, threshold=15)[0] == "inconclusive"
    assert read_importance(low=None, high=None, threshold=15)[0] == "inconclusive"
    with pytest.raises(ValueError, match="low <= high"):
        read_importance(low=3, high=1, threshold=1)
    with pytest.raises(ValueError, match="threshold must be above 0"):
        read_importance(low=1, high=3, threshold=0)
    with pytest.raises(TypeError, match="low must be a number"):
        read_importance(low="1", high=3, threshold=1)


def test_absolute_difference_per_100_from_a_ratio():
    assert absolute_per_100(ratio=2.0, control_risk_pct=3.0) == pytest.approx(3.0)
    assert absolute_per_100(ratio=0.5, control_risk_pct=10.0) == pytest.approx(-5.0)
    # an odds ratio: risk 10% -> odds 1/9; OR 2 -> odds 2/9 -> risk 2/11
    assert absolute_per_100(ratio=2.0, control_risk_pct=10.0, measure="OR") == pytest.approx(
        100 * (2 / 11 - 0.1))
    assert absolute_per_100(ratio=1.0, control_risk_pct=40.0, measure="OR") == pytest.approx(0.0)
    for kwargs, message in (({"ratio": 0, "control_risk_pct": 3}, "ratio must be above 0"),
                            ({"ratio": 1, "control_risk_pct": 130}, "between 0 and 100"),
                            ({"ratio": 1, "control_risk_pct": 3, "measure": "HR"}, "'RR' or 'OR'")):
        with pytest.raises(ValueError, match=message):
            absolute_per_100(**kwargs)


def test_certainty_levels_by_hand():
    assert certainty(randomised=True)[0] == "high"
    assert certainty(randomised=True, concerns=("a", "b"))[0] == "low"
    assert certainty(randomised=False, concerns=("a", "b", "c"))[0] == "very low"
    assert "lowered for: a; b" in certainty(randomised=True, concerns=("a", "b"))[1]
    with pytest.raises(TypeError, match="randomised must be True or False"):
        certainty(randomised=1)


def test_thresholds_come_from_the_mcid_table_or_labelled_assumptions():
    mcid = load_table("mcid").set_index("instrument")
    assert mcid_threshold("ODI").value == mcid.loc["ODI", "mcid"]
    assert mcid_threshold("VAS pain", scale=0.1).value == pytest.approx(mcid.loc["VAS pain", "mcid"] / 10)
    assert assumed_threshold("important_blood_loss_difference").basis == "assumption"
    with pytest.raises(ValueError, match="no MCID for instrument 'SF-36'"):
        mcid_threshold("SF-36")
    for entry in MAP:
        t = threshold_of(entry)
        if t is not None:
            assert t.describe().startswith(("MCID of the", "assumed smallest difference"))


def test_every_mcid_is_quoted_from_its_source():
    import csv

    from widgets.core.data import data_dir

    with open(data_dir() / "quotes.csv", newline="", encoding="utf-8") as f:
        quotes = list(csv.DictReader(f))
    for r in load_table("mcid").to_dict("records"):
        rows = [q for q in quotes if q["table"] == "mcid" and q["source_key"] == r["source_key"]
                and float(q["value"]) == r["mcid"]]
        assert rows, f"no quote for {r['instrument']}"
        assert rows[0]["value"] in rows[0]["quote"] and len(rows[0]["quote"].split()) <= 40


def test_references_cover_what_the_lesson_shows():
    keys = lesson_references()
    refs = references()
    assert all(k in refs for k in keys)
    for needed in ("RodriguezVela2009", "Wu2018", "Rahman2025", "Buchbinder2009", "Kallmes2009",
                   "Wardlaw2009", "Klazen2010", "Arts2009JAMA", "Gadjradj2022BMJ", "Ruetten2008Spine",
                   "PETLDLearningCurve",
                   "PerdomoPantoja2019WorldNeurosurg", "Puvanesarajah2014", "MIDvsSD_meta_PMC4037525",
                   "Ostelo2008Spine"):
        assert needed in keys


def test_threshold_table_says_what_each_threshold_rests_on():
    table = threshold_table()
    assert table.loc["ODI, 10 points (0-100)", "basis"] == "MCID"
    assert "Ostelo2008Spine" in table.loc["ODI, 10 points (0-100)", "what it rests on"]
    blood = table.loc["important_blood_loss_difference, 100 mL"]
    assert blood["basis"] == "assumption" and "teaching assumption" in blood["what it rests on"]
    assert "Blood loss (MIS-TLIF vs open TLIF)" in blood["outcomes judged with it"]
    judged = "; ".join(table["outcomes judged with it"])
    for entry in MAP:
        if entry.threshold is not None:
            assert f"{entry.outcome} ({entry.comparison})" in judged
