"""Benefits/drawbacks of MISS (lesson 06): verdicts computed from the rows, checked by hand."""

from __future__ import annotations

import pytest

from widgets.data import DataError, load_table, references
from widgets.perioperative.evidence import (
    FAMILIES,
    SELECTORS,
    VERDICTS,
    Selector,
    benefits_drawbacks_table,
    classify,
    findings,
    learning_curve_table,
    reported_p,
    reported_significance,
    risk_table,
    sources,
    verdict_counts,
)

# Hand classification of every selector, from the printed figures (source, outcome label) -> verdict.
EXPECTED = {
    # MID vs standard discectomy, 16 RCTs: incision -1.91 (-3.33 to -0.50): CI below 0, lower favours MIS
    ("MIDvsSD_meta_PMC4037525", "incision size"): "MISS better",
    # operating time +11.03 (6.62 to 15.44) min: CI above 0, MIS longer
    ("MIDvsSD_meta_PMC4037525", "operating time"): "MISS worse",
    # blood loss -13.56 (-22.26 to -4.87) mL: CI below 0
    ("MIDvsSD_meta_PMC4037525", "blood loss"): "MISS better",
    # recurrence RR 1.95 (1.19 to 3.19): CI above 1
    ("MIDvsSD_meta_PMC4037525", "recurrent disc herniation"): "MISS worse",
    # durotomy 5.67% vs 2.90%, "significantly higher with MID": significant, MIS arm higher
    ("Dasenbrock2012JNeurosurgSpine", "incidental durotomy (tubular vs open)"): "MISS worse",
    # RDQ 0.8 (-0.2 to 1.7): CI includes 0
    ("Arts2009JAMA", "disability (Roland-Morris), mean over first year"): "no clear difference",
    # leg pain +3.3 (0.2 to 6.2) mm: CI above 0, higher pain is worse
    ("Arts2011", "leg pain over 2 years"): "MISS worse",
    # repeat surgery 15% vs 10%, P=.22: not significant
    ("Arts2011", "repeat surgery within 2 years"): "no clear difference",
    # 7.1 in favour of PTED (2.8 to 11.3): CI above 0 and higher favours MIS
    ("Gadjradj2022BMJ", "leg pain at 12 months (full-endoscopic; printed in favour of PTED)"): "MISS better",
    # SSI decompression 0.4% vs 3.9%, p=0.04: significant, MIS lower
    ("MuellerSMISS2018", "surgical site infection, decompression only"): "MISS better",
    # TLIF blood loss -232.91 (-322.48 to -143.33)
    ("Sun2013ChinMedJ", "blood loss"): "MISS better",
    # operative time +21.0 (15.9 to 26.2)
    ("Park2018YonseiMedJ", "operative time"): "MISS worse",
    # operative time -0.35 (-20.82 to 20.13): includes 0
    ("Sun2013ChinMedJ", "operative time"): "no clear difference",
    # fluoroscopy +25.4 (22.0 to 28.8) s
    ("Park2018YonseiMedJ", "fluoroscopy time"): "MISS worse",
    # fluoroscopy shots CI 2.07 to 6.12: above 0
    ("Zhai2024ExpTherMed", "fluoroscopy shots (multi-segment TLIF)"): "MISS worse",
    # "higher with MIS (P<0.05)": significant, stated higher
    ("Li2018JOSR", "fluoroscopy time"): "MISS worse",
    # LOS -2.11 (-2.76 to -1.45) and -1.3 (-1.5 to -1.1): below 0
    ("Sun2013ChinMedJ", "length of hospital stay"): "MISS better",
    ("Park2018YonseiMedJ", "length of hospital stay"): "MISS better",
    # RCT-labelled pool: "not significant"
    ("Li2018JOSR", "length of hospital stay"): "no clear difference",
    # time to ambulation -1.77, P=0.0001: significant, negative
    ("Xie2016ChinMedJ", "time to walking"): "MISS better",
    # infection OR 0.3 (0.1 to 0.9): below 1
    ("Park2018YonseiMedJ", "infection"): "MISS better",
    # complications RR 0.84, P=0.35; fusion RR 0.99, P=0.34
    ("Xie2016ChinMedJ", "complications"): "no clear difference",
    ("Xie2016ChinMedJ", "fusion rate"): "no clear difference",
    # revision/readmission 2.59, p=0.003: significant, above 1
    ("Qu2015EurSpineJ", "revision or readmission"): "MISS worse",
    # long-term VAS -0.25 (-0.63 to 0.13): includes 0
    ("Sun2013ChinMedJ", "pain at long-term follow-up"): "no clear difference",
    # learning curves: no open comparator
    ("Shuman", "cases to complete the learning curve (operative time)"): "MISS-only cost",
    ("SclafaniKim2014CORR", "complications during the learning curve"): "MISS-only cost",
    # durotomy 6.4% vs 15.9%, p<0.05: significant, MIS lower
    ("Sharma2022AsianSpineJ", "incidental durotomy (degenerative lumbar surgery)"): "MISS better",
    # SSI all procedures 0.5% vs 3.3%, p=0.0003
    ("MuellerSMISS2018", "surgical site infection, all lumbar procedures"): "MISS better",
    # return to work "significantly earlier": significant, stated lower (time)
    ("Sharma2022AsianSpineJ", "return to work"): "MISS better",
}


def test_every_selector_has_a_hand_classification():
    assert len(SELECTORS) == len(EXPECTED)
    got = {(f.source_key, f.outcome): f.verdict for f in findings()}
    assert got == EXPECTED


def test_the_table_shows_where_miss_is_not_better():
    rows = benefits_drawbacks_table(not_better=True)
    assert "MISS better" not in set(rows["verdict"])
    worse = rows[rows["verdict"] == "MISS worse"]["outcome"].tolist()
    for needed in ("operating time", "operative time", "fluoroscopy time", "recurrent disc herniation",
                   "incidental durotomy (tubular vs open)"):
        assert needed in worse
    assert "MISS-only cost" in set(rows["verdict"])
    assert any("learning curve" in o for o in rows["outcome"])


def test_printed_figures_and_strength_come_from_the_rows():
    table = benefits_drawbacks_table(family="tlif", group="length of stay").set_index("source")
    assert table.loc["Sun2013ChinMedJ", "MISS vs open, as printed"] == (
        "MIS minus open -2.11 days (95% CI -2.76 to -1.45)")
    assert table.loc["Sun2013ChinMedJ", "evidence"] == (
        "meta-analysis of cohort studies; studies: 12 (cohort studies); patients: 830")
    assert table.loc["Li2018JOSR", "why"] == "reported as not significant (in words); no CI printed"
    outcomes = load_table("outcomes_mis_vs_open")
    park = outcomes[(outcomes.source_key == "Park2018YonseiMedJ")
                    & (outcomes.outcome == "length of hospital stay")]
    shown = table.loc["Park2018YonseiMedJ", "MISS vs open, as printed"]
    assert f"{park['pooled_difference'].iloc[0]:g}" in shown
    conf = benefits_drawbacks_table(group="infection").set_index("outcome")
    assert conf.loc["surgical site infection, all lumbar procedures", "confidence"] == (
        "read-directly (conference abstract - weak)")


def test_filters_and_counts():
    all_rows = benefits_drawbacks_table()
    assert len(all_rows) == len(SELECTORS)
    counts = verdict_counts()
    assert list(counts.columns) == list(VERDICTS)
    assert counts.loc["all"].sum() == len(SELECTORS)
    assert counts.loc["discectomy", "MISS worse"] == 4
    only = benefits_drawbacks_table(family="discectomy", verdict="MISS better")
    assert set(only["procedure"]) == {"discectomy"} and set(only["verdict"]) == {"MISS better"}
    with pytest.raises(ValueError, match="family must be one of discectomy, decompression, tlif, mixed"):
        benefits_drawbacks_table(family="fusion")
    with pytest.raises(TypeError, match="verdict must be a string or None"):
        benefits_drawbacks_table(verdict=1)
    with pytest.raises(ValueError, match="group must be one of"):
        benefits_drawbacks_table(group="cost")
    assert set(FAMILIES) >= {s.family for s in SELECTORS}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # CI wholly below 0, lower favours MIS
        (dict(mis_better_when="lower", ci=(-2.76, -1.45)), "MISS better"),
        # CI includes 0
        (dict(mis_better_when="lower", ci=(-0.63, 0.13)), "no clear difference"),
        # ratio CI wholly above 1
        (dict(mis_better_when="lower", ci=(1.19, 3.19), null=1.0), "MISS worse"),
        # a ratio CI that touches 1 includes no difference
        (dict(mis_better_when="lower", ci=(1.0, 32.7), null=1.0), "no clear difference"),
        # higher favours MIS (fusion rate) with CI above 1
        (dict(mis_better_when="higher", ci=(1.1, 1.5), null=1.0), "MISS better"),
        # no CI: P=.22 is not significant
        (dict(mis_better_when="lower", arms=(15.0, 10.0), text="P=.22"), "no clear difference"),
        # no CI: significant in words, arms give the direction
        (dict(mis_better_when="lower", arms=(5.67, 2.9), text="significantly higher"), "MISS worse"),
        # no CI: significant P, estimate gives the direction
        (dict(mis_better_when="lower", estimate=-1.77, text="P=0.0001"), "MISS better"),
        # no CI, no estimate, no arms: direction stated in words
        (dict(mis_better_when="lower", text="higher with MIS (P<0.05)", stated=("higher with MIS", "higher")),
         "MISS worse"),
        (dict(mis_better_when=None), "MISS-only cost"),
    ],
)
def test_classify_by_hand(kwargs, expected):
    assert classify(**kwargs)[0] == expected


def test_classify_rejects_what_it_cannot_judge():
    with pytest.raises(ValueError, match="mis_better_when must be"):
        classify("smaller", ci=(1, 2))
    with pytest.raises(ValueError, match=r"must be \(low, high\)"):
        classify("lower", ci=(2.0, 1.0))
    with pytest.raises(ValueError, match="cannot tell a difference from none"):
        classify("lower", estimate=-1.0, text="a shorter stay")
    with pytest.raises(ValueError, match="is not in the row's text"):
        classify("lower", text="p<0.01", stated=("earlier", "lower"))
    with pytest.raises(ValueError, match="no estimate, arms or stated direction"):
        classify("lower", text="p<0.01")


@pytest.mark.parametrize(
    ("text", "p", "significant"),
    [
        ("P=.22", ("=", 0.22), False),
        ("p<0.05", ("<", 0.05), True),
        ("p=0.05", ("=", 0.05), False),
        ("p=0.0003 overall; p=0.04 decompression", ("=", 0.0003), True),
        ("WMD MIS minus open; P=0.82; not significant", ("=", 0.82), False),
        ("not significant (point estimate not in abstract)", None, False),
        ("operative time 49 vs 44 min, NS", None, False),
        ("significantly earlier (value not in abstract)", None, True),
        ("shorter stay", None, None),
    ],
)
def test_reported_significance_by_hand(text, p, significant):
    assert reported_p(text) == p
    assert reported_significance(text) is significant


def test_reported_p_rejects_non_text():
    with pytest.raises(TypeError, match="text must be a string"):
        reported_p(None)


def test_a_selector_whose_phrase_is_missing_fails_loudly():
    bad = Selector("tlif", "radiation", "x", "outcomes_mis_vs_open",
                   {"source_key": "Li2018JOSR", "outcome": "fluoroscopy time"}, "lower", "", phrase="p=0.9")
    with pytest.raises(DataError, match="'p=0.9' is not in the row"):
        findings((bad,))
    ambiguous = Selector("tlif", "radiation", "x", "outcomes_mis_vs_open", {"source_key": "Li2018JOSR"},
                         "lower", "")
    with pytest.raises(DataError, match="expected one row with source_key=Li2018JOSR, found"):
        findings((ambiguous,))


def test_risk_table_covers_every_risk_and_admits_the_gaps():
    risks = risk_table()
    assert list(dict.fromkeys(risks["risk"])) == [
        "infection", "nerve injury", "dural tear", "blood clots", "pseudarthrosis (no fusion)",
        "conversion to open surgery", "a second operation"]
    clots = risks[risks["risk"] == "blood clots"]
    assert clots["what the source reports"].tolist() == ["no figure in this suite's tables"]
    conv = risks[risks["risk"] == "conversion to open surgery"].iloc[0]
    assert conv["what the source reports"] == "0/90 (conversions)"
    assert conv["source"] == "Lee2014JSpinalDisordTech"
    durotomy = risks[risks["source"] == "Alshameeri2021IntJSpineSurg"].iloc[0]
    assert durotomy["what the source reports"] == "pooled 5.8 (%) (95% CI 4.4 to 7.3)"


def test_learning_curve_table_is_as_printed():
    t = learning_curve_table()
    assert not any(p.endswith(("(trial design)", "(context)")) for p in t["procedure"])
    kumar = t[(t.source == "Kumar2019IntJSpineSurg")
              & (t["what was tracked"] == "operative time proficiency")]
    assert kumar["cases to plateau"].tolist() == ["38"]
    assert kumar["early vs late"].tolist() == ["137 (median, cases 1-38) vs 104 (median, cases 39-109) (min)"]


def test_sources_resolve():
    refs = references()
    assert all(k in refs for k in sources())
