"""Recovery milestones and the operating-room tables of lesson 06, against the data as printed."""

from __future__ import annotations

import pytest

from widgets.core.data import load_table, references
from widgets.perioperative import lesson_sources
from widgets.perioperative.recovery import (
    MILESTONES,
    arm_milestones,
    parse_value_with_spread,
    pooled_differences,
)
from widgets.perioperative.tables import (
    anaesthesia_table,
    gaps,
    operative_time_table,
    recovery_table,
    same_day_discharge,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3 (3-3)", (3.0, 3.0, 3.0)), ("5.5 (4-6)", (5.5, 4.0, 6.0)), ("2.0 (1.0-3.0)", (2.0, 1.0, 3.0))],
)
def test_parse_value_with_spread(text, expected):
    assert parse_value_with_spread(text) == expected


def test_parse_value_with_spread_rejects_bad_text():
    with pytest.raises(ValueError, match="expected 'value \\(low-high\\)'"):
        parse_value_with_spread("(truncated in source)")
    with pytest.raises(ValueError, match="lies outside its range"):
        parse_value_with_spread("7 (1-3)")
    with pytest.raises(TypeError, match="text must be a string"):
        parse_value_with_spread(3.0)


def _by(arms, source, arm):
    return next(a for a in arms if a.source_key == source and a.arm == arm)


def test_arm_values_are_the_printed_ones():
    arms = arm_milestones()
    rec = load_table("recovery_milestones")
    serban = rec[rec.source_key == "Serban2017BiomedResInt"].iloc[0]
    assert _by(arms, "Serban2017BiomedResInt", "MISS").days == serban["mis_value"]  # 1.92, a mean
    assert _by(arms, "Serban2017BiomedResInt", "open").days == serban["open_value"]  # 4.12
    assert _by(arms, "Serban2017BiomedResInt", "open").statistic == "mean"
    adogwa = _by(arms, "Adogwa2011JSDT", "open")
    assert (adogwa.days, adogwa.low, adogwa.high) == (5.5, 4.0, 6.0)
    assert (adogwa.statistic, adogwa.spread) == ("median", "IQR")
    # Rampersaud: "LOS 6.1 d" and "LOS 8.4 d" inside the printed text, statistic not stated
    ramp = _by(arms, "Rampersaud2011", "MISS")
    assert (ramp.days, ramp.statistic) == (6.1, "not stated")


def test_weeks_are_converted_and_missing_arms_stay_missing():
    opioid = [a for a in arm_milestones("opioid use") if a.source_key == "Adogwa2011JSDT"]
    mis, open_ = opioid
    # 2.0 (1.0-3.0) weeks x 7 = 14 (7-21) days
    assert (mis.days, mis.low, mis.high) == (14.0, 7.0, 21.0)
    assert mis.conversion == "converted from weeks (x 7)"
    assert open_.days is None and open_.printed == "(truncated in source)"


def test_single_arm_series_can_be_hidden():
    dalton = _by(arm_milestones(), "Dalton2022JMISST", "MISS")
    # "38 (SD 33) doses over 8 (SD 7) days": 8 days, bar from 8 - 7 = 1 to 8 + 7 = 15
    assert (dalton.days, dalton.low, dalton.high, dalton.spread) == (8.0, 1.0, 15.0, "SD")
    assert dalton.single_arm
    assert "Dalton2022JMISST" not in {a.source_key for a in arm_milestones(include_single_arm=False)}


def test_pooled_differences_keep_intervals_without_estimates():
    diffs = {(d.source_key, d.milestone): d for d in pooled_differences()}
    sun = diffs[("Sun2013ChinMedJ", "length of stay")]
    assert (sun.days, sun.ci_low, sun.ci_high) == (-2.11, -2.76, -1.45)
    zhai = diffs[("Zhai2024ExpTherMed", "length of stay")]
    assert zhai.days is None and (zhai.ci_low, zhai.ci_high) == (-5.14, -1.78)
    assert zhai.printed == "95% CI -5.14 to -1.78 (no point estimate printed)"
    li = diffs[("Li2018JOSR", "length of stay")]
    assert li.days is None and li.printed == "not significant (point estimate not in abstract)"
    assert diffs[("Xie2016ChinMedJ", "time in bed / to walking")].unit_note.startswith("unit assumed")


def test_the_table_shows_only_printed_or_converted_values():
    table = recovery_table()
    printed = set()
    for a in arm_milestones():
        if a.days is not None:
            printed.add(f"{round(a.days, 2):g}")
    for d in pooled_differences():
        if d.days is not None:
            printed.add(f"{round(d.days, 2):g}")
    shown = set(table["days (shown)"]) - {"not printed", "interval only"}
    assert shown == printed
    assert set(table["milestone"]) <= set(MILESTONES)
    assert len(recovery_table("time in bed / to walking")) == 2


def test_bad_filters_are_rejected():
    with pytest.raises(ValueError, match="milestone must be one of length of stay"):
        arm_milestones("return to work")
    with pytest.raises(TypeError, match="milestone must be a string or None"):
        pooled_differences(3)
    with pytest.raises(TypeError, match="include_single_arm must be True or False"):
        arm_milestones(None, "yes")


def test_same_day_discharge_and_gaps_are_as_printed():
    sdd = same_day_discharge().set_index("source")
    assert sdd.loc["Eckman2014CORR", "as printed"] == "73 (808/1114 procedures) (%)"
    assert sdd.loc["SmithISASS2013", "confidence"] == "read-directly (conference abstract - weak)"
    g = gaps()
    assert set(g["number in the tables"]) == {"none"}
    said = g.set_index("source").loc["Sharma2022AsianSpineJ", "what the source says"]
    assert "significantly earlier" in said


def test_operating_room_tables():
    anaesthesia = anaesthesia_table().set_index("source")
    assert anaesthesia.loc["Gadjradj2022BJSM", "anaesthesia (as the source reports it)"].startswith("local")
    assert anaesthesia.loc["Chen2011SurgNeurolInt", "technique"] == "Full-endoscopic interlaminar discectomy"
    optime = operative_time_table()
    assert set(optime["verdict"]) == {"no important difference"}  # longer with MIS, by less than 30 min


def test_lesson_sources_resolve_and_cover_the_tables():
    keys = lesson_sources()
    assert len(keys) == len(set(keys))
    refs = references()
    assert all(k in refs for k in keys)
    assert {"Serban2017BiomedResInt", "Kulkarni2019", "Shuman", "Chen2011SurgNeurolInt"} <= set(keys)
