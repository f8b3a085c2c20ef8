"""The interbody corridor chooser of lesson 11: its answers follow from the cited data and the model.

Each geometric verdict is checked twice: on the real data (the answer a student reads) and on a
copy of data/ with one cited position changed, where the verdict must change with it; a chooser
that looked its answers up would pass the first and fail the second.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from widgets.core.catalog import lesson
from widgets.interbody import chooser, landmarks
from widgets.interbody.evidence import trial_verdicts

FORAMINAL = "foraminal stenosis from disc collapse"
CENTRAL = "central stenosis from thick ligament and facets"


@pytest.fixture
def fresh(data_copy):
    """A writable copy of data/ with the chooser's caches emptied before and after."""
    chooser.heights.cache_clear()
    chooser._spine.cache_clear()
    yield data_copy
    chooser.heights.cache_clear()
    chooser._spine.cache_clear()


def _edit(path, where: dict, column: str, value) -> None:
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = pd.Series(True, index=t.index)
    for k, v in where.items():
        mask &= t[k] == v
    assert mask.sum() == 1, f"{where} matches {mask.sum()} rows"
    t.loc[mask, column] = str(value)
    t.to_csv(path, index=False)
    from widgets.core import data

    data.clear_cache()


@pytest.mark.parametrize("crest", list(landmarks.CREST_PLACEMENTS))
def test_at_l5_s1_the_crest_blocks_the_lateral_corridor_in_every_crest_category(crest):
    v = chooser.choose(level="L5-S1", pathology=FORAMINAL, crest=crest).verdict("lateral transpsoas")
    assert v.status == "blocked"
    assert v.numbers["crest top (mm)"] > v.numbers["disc top (mm)"]
    assert "crest" in v.reasons[0]


def test_the_crest_category_moves_the_lateral_verdict_at_l4_l5():
    status = {c: chooser.choose(level="L4-L5", pathology=FORAMINAL, crest=c).verdict("lateral transpsoas")
              for c in landmarks.CREST_PLACEMENTS}
    assert status["above the L4-L5 disc"].status == "blocked"
    assert "within the disc's height" in status["at the L4-L5 disc"].reasons[0]
    assert "below the disc" in status["below the L4-L5 disc"].reasons[0]
    # higher up, no crest category reaches the disc
    for c in landmarks.CREST_PLACEMENTS:
        v = chooser.choose(level="L2-L3", pathology=FORAMINAL, crest=c).verdict("lateral transpsoas")
        assert v.status == "open"


def test_at_l4_l5_the_plexus_narrows_the_lateral_safe_zone_below_the_smallest_cage():
    v = chooser.choose(level="L4-L5", pathology=FORAMINAL, crest="below the L4-L5 disc").verdict(
        "lateral transpsoas")
    assert v.status == "narrowed"
    assert v.numbers["safe zone (mm)"] < v.numbers["smallest lateral cage (mm)"]
    zones = {z.segment: z.safe_mm for z in chooser.safe_zones()}
    assert zones["L4-L5"] < zones["L3-L4"] < zones["L2-L3"] < zones["L1-L2"]


def test_the_plexus_verdict_follows_the_cited_plexus_position(fresh):
    # with the plexus as far back at L4-L5 as at L1-L2, the safe zone holds the cage
    _edit(fresh / "tables" / "transpsoas_safe_zones.csv",
          {"level": "L4-L5", "source_key": "Benglis2009"}, "value", 0)
    v = chooser.choose(level="L4-L5", pathology=FORAMINAL, crest="below the L4-L5 disc").verdict(
        "lateral transpsoas")
    assert v.status == "open"
    assert v.numbers["safe zone (mm)"] >= v.numbers["smallest lateral cage (mm)"]


def test_the_crest_verdict_follows_the_geometry(monkeypatch):
    # the same crest category, with the L5-S1 disc moved above the crest top: the path opens
    h = chooser.heights()
    crest_z = h.region(landmarks.CREST_PLACEMENTS["below the L4-L5 disc"])
    discs = dict(h.discs)
    discs["L5-S1"] = (crest_z + 1.0, crest_z + 5.0, crest_z + 9.0)
    moved = chooser.Heights(discs, h.bodies, h.outline)
    monkeypatch.setattr(chooser, "heights", lambda: moved)
    v = chooser.choose(level="L5-S1", pathology=FORAMINAL, crest="below the L4-L5 disc").verdict(
        "lateral transpsoas")
    assert v.status == "open" and "below the disc" in v.reasons[0]


def test_alif_reaches_l5_s1_between_the_iliac_vessels_and_meets_the_vein_at_l4_l5():
    low = chooser.choose(level="L5-S1", pathology=FORAMINAL).verdict("ALIF")
    assert low.status == "open" and "between the common iliac vessels" in low.reasons[0]
    mid = chooser.choose(level="L4-L5", pathology=FORAMINAL).verdict("ALIF")
    assert mid.status == "narrowed" and "left common iliac vein" in mid.reasons[0]
    assert mid.numbers["iliocaval junction (mm)"] < mid.numbers["disc top (mm)"] < mid.numbers[
        "aortic bifurcation (mm)"]


def test_the_alif_verdict_follows_the_cited_venous_junction(fresh):
    # a junction cited above the L4-L5 disc leaves the disc between the iliac vessels
    _edit(fresh / "tables" / "interbody_landmarks.csv",
          {"structure": "iliocaval junction", "source_key": "Park2008"}, "position", "L4 lower half")
    v = chooser.choose(level="L4-L5", pathology=FORAMINAL).verdict("ALIF")
    assert v.status == "open"


def test_the_oblique_verdict_follows_the_cited_width(fresh):
    assert chooser.choose(level="L4-L5", pathology=FORAMINAL).verdict("OLIF").status == "open"
    _edit(fresh / "tables" / "interbody_landmarks.csv",
          {"structure": "oblique corridor", "level": "L4-L5", "measure": "corridor width, mean"}, "value", 8)
    v = chooser.choose(level="L4-L5", pathology=FORAMINAL).verdict("OLIF")
    assert v.status == "narrowed"
    assert v.numbers["corridor width (mm)"] < v.numbers["small below (mm)"] == 10


def test_a_pathology_needing_direct_decompression_puts_tlif_first():
    assert chooser.choose(level="L4-L5", pathology=CENTRAL).ranking[0] == "TLIF"
    assert chooser.choose(level="L5-S1", pathology=FORAMINAL).ranking[0] == "ALIF"
    ranking = chooser.choose(level="L5-S1", pathology=FORAMINAL).ranking
    assert "lateral transpsoas" not in ranking


def test_tlif_names_the_exiting_and_traversing_roots():
    v = chooser.choose(level="L5-S1", pathology=FORAMINAL).verdict("TLIF")
    assert "exiting L5 root" in v.endangers and "traversing S1 root" in v.endangers


@pytest.mark.parametrize("kwargs, word", [
    ({"level": "L6-S1", "pathology": FORAMINAL}, "level"),
    ({"level": "L4-L5", "pathology": "sciatica"}, "pathology"),
    ({"level": "L4-L5", "pathology": FORAMINAL, "crest": "high"}, "crest"),
])
def test_bad_input_is_refused_in_one_line_naming_what_is_allowed(kwargs, word):
    with pytest.raises(ValueError) as err:
        chooser.choose(**kwargs)
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"{word} must be one of")


def test_corridor_number_names_what_it_knows():
    assert chooser.corridor_number(level="L4-L5", corridor="lateral transpsoas",
                                   name="smallest lateral cage (mm)") == 18
    with pytest.raises(ValueError, match="known: "):
        chooser.corridor_number(level="L4-L5", corridor="TLIF", name="safe zone (mm)")


def test_the_catalog_choices_are_the_models():
    params = {p.name: p for p in lesson("11-fusion-disc-replacement-and-corridors").params}
    assert tuple(params["pathology"].choices) == tuple(chooser.PATHOLOGIES)
    assert tuple(params["crest"].choices) == tuple(landmarks.CREST_PLACEMENTS)
    assert tuple(params["level"].choices) == tuple(chooser.DISCS)


def test_the_crest_shares_add_up_with_the_third_derived():
    shares = landmarks.crest_shares()
    assert sum(v[0] for v in shares.values()) == pytest.approx(100.0)
    assert [v[1] for v in shares.values()].count("cited") == 2


def test_statistically_significant_is_not_important_in_the_mrc_trial():
    rows = {t.source_key: t for t in trial_verdicts()}
    mrc = rows["Fairbank2005BMJ"]
    assert mrc.significant.startswith("yes") and mrc.reading == "no important difference"
    assert rows["Brox2003Spine"].reading == "inconclusive"
    assert rows["Zigler2007Spine"].ci is None and rows["Zigler2007Spine"].reading == "inconclusive"


def test_the_chooser_view_redraws_figure_answer_and_table():
    from widgets.core.view import OKABE_ITO
    from widgets.interbody.view import ChooserView

    view = ChooserView()
    assert "L4-L5" in view.figure.alt and "lateral transpsoas narrowed" in view.figure.alt
    view.level.value = "L5-S1"
    assert "lateral transpsoas blocked" in view.figure.alt
    assert "first choice ALIF" in view.figure.alt
    assert "ALIF, OLIF, TLIF" in view.answer.value
    assert "L5-S1" in view.figure.layout.title.text
    assert re.search(r"<caption>", view.table.value)
    colours = {t.line.color for t in view.figure.data if t.line.color and t.line.color != "grey"}
    assert colours <= set(OKABE_ITO.values())
    view.pathology.value = CENTRAL
    assert view.answer.value.count("TLIF") >= 1 and "best first:</b> TLIF" in view.answer.value


def test_the_figure_marks_each_corridor_with_its_status():
    from widgets.interbody.view import chooser_figure

    fig = chooser_figure(chooser.choose(level="L5-S1", pathology=FORAMINAL))
    names = {t.name for t in fig.data}
    assert {"ALIF: open", "OLIF: open", "lateral transpsoas: blocked", "TLIF: open"} <= names
    assert "each corridor marked" in fig.alt


def test_the_recovery_advice_of_lesson_06_is_cited_and_listed_in_its_references():
    from widgets.core.citations import is_verified
    from widgets.perioperative import lesson_sources
    from widgets.perioperative.tables import recovery_advice_table

    table = recovery_advice_table()
    assert set(table["advice about"]) == {"activity limits", "return to work", "physiotherapy"}
    assert all(is_verified(k) for k in table["source"])
    assert set(table["source"]) <= set(lesson_sources())
