"""Benefits/drawbacks of MISS (lesson 06): verdicts computed from the rows, checked by hand."""

from __future__ import annotations

import pytest

from widgets.core.data import DataError, load_table, references
from widgets.evidence.certainty import Threshold
from widgets.perioperative.comparisons import findings, verdict_counts
from widgets.perioperative.selectors import FAMILIES, SELECTORS, Selector
from widgets.perioperative.tables import (
    benefits_drawbacks_table,
    comparison_sources,
    learning_curve_table,
    risk_table,
)
from widgets.perioperative.verdicts import VERDICTS, classify, reported_p, reported_significance

# Hand classification of every selector, from the printed figures (source, outcome label) -> verdict:
# the 95% CI of MIS minus open against the threshold (an MCID or a labelled assumption).
EXPECTED = {
    # incision -1.91 (-3.33 to -0.50) cm: no threshold for incision length in the suite
    ("MIDvsSD_meta_PMC4037525", "incision size"): "inconclusive",
    # operating time +11.03 (6.62 to 15.44) min: within +-30 min (assumption)
    ("MIDvsSD_meta_PMC4037525", "operating time"): "no important difference",
    # blood loss -13.56 (-22.26 to -4.87) mL: significant, within +-100 mL (assumption)
    ("MIDvsSD_meta_PMC4037525", "blood loss"): "no important difference",
    # recurrence RR 1.95 (1.19 to 3.19): open arm's risk not printed, no absolute difference
    ("MIDvsSD_meta_PMC4037525", "recurrent disc herniation"): "inconclusive",
    # durotomy 5.67% vs 2.90%: pooled RR and CI not read, no interval
    ("Dasenbrock2012JNeurosurgSpine", "incidental durotomy (tubular vs open)"): "inconclusive",
    # RDQ 0.8 (-0.2 to 1.7): within +-5 (MCID)
    ("Arts2009JAMA", "disability (Roland-Morris), mean over first year"): "no important difference",
    # leg pain +3.3 (0.2 to 6.2) mm: significant, within +-15 mm (MCID)
    ("Arts2011", "leg pain over 2 years"): "no important difference",
    # repeat surgery 15% vs 10%, P=.22: no CI
    ("Arts2011", "repeat surgery within 2 years"): "inconclusive",
    # 7.1 in favour of PTED (2.8 to 11.3) mm: within +-15
    ("Gadjradj2022BMJ", "leg pain at 12 months (full-endoscopic; printed in favour of PTED)"):
        "no important difference",
    # SSI decompression 0.4% vs 3.9%, p=0.04: no CI
    ("MuellerSMISS2018", "surgical site infection, decompression only"): "inconclusive",
    # TLIF blood loss -232.91 (-322.48 to -143.33): beyond -100 mL
    ("Sun2013ChinMedJ", "blood loss"): "MISS better",
    # operative time +21.0 (15.9 to 26.2): within +-30 min
    ("Park2018YonseiMedJ", "operative time"): "no important difference",
    ("Sun2013ChinMedJ", "operative time"): "no important difference",
    # fluoroscopy +25.4 (22.0 to 28.8) s: beyond +10 s (assumption)
    ("Park2018YonseiMedJ", "fluoroscopy time"): "MISS worse",
    # fluoroscopy shots CI 2.07 to 6.12: no threshold for shots
    ("Zhai2024ExpTherMed", "fluoroscopy shots (multi-segment TLIF)"): "inconclusive",
    ("Li2018JOSR", "fluoroscopy time"): "inconclusive",
    # LOS -2.11 (-2.76 to -1.45) and -1.3 (-1.5 to -1.1) days: beyond -1 day
    ("Sun2013ChinMedJ", "length of hospital stay"): "MISS better",
    ("Park2018YonseiMedJ", "length of hospital stay"): "MISS better",
    ("Li2018JOSR", "length of hospital stay"): "inconclusive",
    ("Xie2016ChinMedJ", "time to walking"): "inconclusive",
    # infection OR 0.3 (0.1 to 0.9): open arm's risk not printed
    ("Park2018YonseiMedJ", "infection"): "inconclusive",
    ("Xie2016ChinMedJ", "complications"): "inconclusive",
    ("Xie2016ChinMedJ", "fusion rate"): "inconclusive",
    ("Qu2015EurSpineJ", "revision or readmission"): "inconclusive",
    # long-term VAS -0.25 (-0.63 to 0.13) points: within +-1.5
    ("Sun2013ChinMedJ", "pain at long-term follow-up"): "no important difference",
    ("Shuman", "cases to complete the learning curve (operative time)"): "MISS-only cost",
    ("SclafaniKim2014CORR", "complications during the learning curve"): "MISS-only cost",
    ("Sharma2022AsianSpineJ", "incidental durotomy (degenerative lumbar surgery)"): "inconclusive",
    ("MuellerSMISS2018", "surgical site infection, all lumbar procedures"): "inconclusive",
    ("Sharma2022AsianSpineJ", "return to work"): "inconclusive",
}


def test_every_selector_has_a_hand_classification():
    assert len(SELECTORS) == len(EXPECTED)
    got = {(f.source_key, f.outcome): f.verdict for f in findings()}
    assert got == EXPECTED


def test_the_table_shows_where_miss_is_not_better():
    rows = benefits_drawbacks_table(not_better=True)
    assert "MISS better" not in set(rows["verdict"])
    assert rows[rows["verdict"] == "MISS worse"]["outcome"].tolist() == ["fluoroscopy time"]
    assert "MISS-only cost" in set(rows["verdict"])
    assert any("learning curve" in o for o in rows["outcome"])


def test_significant_but_small_differences_are_not_called_better_or_worse():
    table = benefits_drawbacks_table(family="discectomy").set_index("outcome")
    leg = table.loc["leg pain over 2 years"]
    assert leg["verdict"] == "no important difference"
    assert "all of it within ±15" in leg["why"] and "Ostelo2008Spine" in leg["why"]
    dura = table.loc["incidental durotomy (tubular vs open)"]
    assert "difference +2.77 per 100 patients" in dura["MISS vs open, as printed"]
    assert dura["verdict"] == "inconclusive" and "no 95% CI printed" in dura["why"]


def test_certainty_follows_the_design_and_blinding():
    by = {(f.source_key, f.outcome): f.certainty for f in findings()}
    assert by[("Sun2013ChinMedJ", "blood loss")].startswith("low (observational designs pooled")
    assert by[("Arts2011", "leg pain over 2 years")].startswith("high (randomised")
    pted = by[("Gadjradj2022BMJ", "leg pain at 12 months (full-endoscopic; printed in favour of PTED)")]
    assert pted.startswith("moderate") and "patients knew their operation" in pted
    assert by[("Li2018JOSR", "length of hospital stay")].startswith("very low")  # labelled RCTs, no CI
    assert by[("Shuman", "cases to complete the learning curve (operative time)")] == ""


def test_printed_figures_and_strength_come_from_the_rows():
    table = benefits_drawbacks_table(family="tlif", group="length of stay").set_index("source")
    assert table.loc["Sun2013ChinMedJ", "MISS vs open, as printed"] == (
        "MIS minus open -2.11 days (95% CI -2.76 to -1.45)")
    assert table.loc["Sun2013ChinMedJ", "evidence"] == (
        "meta-analysis of cohort studies; studies: 12 (cohort studies); patients: 830")
    assert table.loc["Li2018JOSR", "why"] == ("no 95% CI printed, so importance cannot be judged (reported as"
                                              " not significant (in words))")
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
    assert counts.loc["discectomy", "no important difference"] == 5
    only = benefits_drawbacks_table(family="tlif", verdict="MISS better")
    assert set(only["procedure"]) == {"fusion (TLIF)"} and set(only["verdict"]) == {"MISS better"}
    with pytest.raises(ValueError, match="family must be one of discectomy, decompression, tlif, mixed"):
        benefits_drawbacks_table(family="fusion")
    with pytest.raises(TypeError, match="verdict must be a string or None"):
        benefits_drawbacks_table(verdict=1)
    with pytest.raises(ValueError, match="group must be one of"):
        benefits_drawbacks_table(group="cost")
    assert set(FAMILIES) >= {s.family for s in SELECTORS}


_T = Threshold(15, "mm (0-100)", "MCID", "VAS pain", "Ostelo2008Spine")
_E = Threshold(2, "per 100 patients", "assumption", "important_event_rate_difference")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # CI wholly beyond -15, lower favours MIS
        (dict(mis_better_when="lower", ci=(-30.0, -16.0), threshold=_T), "MISS better"),
        # significant but within +-15: no important difference
        (dict(mis_better_when="lower", ci=(0.2, 6.2), threshold=_T), "no important difference"),
        # crosses the threshold
        (dict(mis_better_when="lower", ci=(-20.0, -5.0), threshold=_T), "inconclusive"),
        # higher favours MIS, CI wholly above +15
        (dict(mis_better_when="higher", ci=(16.0, 40.0), threshold=_T), "MISS better"),
        # ratio with the open arm's risk: RR 2 to 4 on 3% is +3 to +9 per 100, beyond +2: worse
        (dict(mis_better_when="lower", ci=(2.0, 4.0), null=1.0, arms=(9.0, 3.0), threshold=_E), "MISS worse"),
        # ratio without the open arm's risk: no absolute difference
        (dict(mis_better_when="lower", ci=(1.19, 3.19), null=1.0, threshold=_E), "inconclusive"),
        # no CI: significance alone never decides
        (dict(mis_better_when="lower", arms=(5.67, 2.9), text="significantly higher", threshold=_E),
         "inconclusive"),
        (dict(mis_better_when="lower", ci=(-3.0, -1.0)), "inconclusive"),  # no threshold
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
    with pytest.raises(ValueError, match="is not in the row's text"):
        classify("lower", text="p<0.01", stated=("earlier", "lower"))
    assert "reported as significant (P<0.01)" in classify("lower", text="p<0.01")[1]


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
    assert all(k in refs for k in comparison_sources())
