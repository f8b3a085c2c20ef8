"""Lesson 09's cervical models and comparator view: answers computed from data, verdicts against the MCID."""

from __future__ import annotations

import csv
import json

import pytest

from widgets.cervical import comparator, diagram, evidence, tables
from widgets.core.catalog import lesson
from widgets.core.data import records
from widgets.core.figures import _to_json


@pytest.mark.parametrize(("level", "root"), [("C3-C4", "C4"), ("C4-C5", "C5"), ("C5-C6", "C6"),
                                             ("C6-C7", "C7"), ("C7-T1", "C8")])
def test_the_root_at_a_cervical_level_is_named_after_the_lower_vertebra(level, root):
    assert comparator.exiting_root(level) == root


def test_the_catalog_parameters_are_the_models_lists():
    params = {p.name: p for p in lesson("09-cervical-spine").params}
    assert params["level"].choices == comparator.LEVELS
    assert params["pathology"].choices == comparator.PATHOLOGIES
    assert set(comparator.PATHOLOGIES) == {r["pathology"] for r in records("cervical_approach_rules")}


def test_every_approach_has_a_rule_for_every_pathology():
    pairs = {(r["approach"], r["pathology"]) for r in records("cervical_approach_rules")}
    assert pairs == {(a, p) for a in comparator.APPROACHES for p in comparator.PATHOLOGIES}


@pytest.mark.parametrize(("pathology", "reaching"), [
    ("soft foraminal disc", ("acdf", "posterior-foraminotomy", "disc-arthroplasty")),
    ("central disc with myelopathy", ("acdf", "disc-arthroplasty")),
    ("multilevel spondylosis", ("acdf",)),
])
def test_which_approach_reaches_a_pathology(pathology, reaching):
    assert comparator.compare(level="C6-C7", pathology=pathology).reaching == reaching


def test_the_answer_comes_from_the_rules_table_not_the_code(data_copy):
    path = data_copy / "tables" / "cervical_approach_rules.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        if r["approach"] == "posterior-foraminotomy" and r["pathology"] == "central disc with myelopathy":
            r["reaches"] = "true"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    answer = comparator.compare(level="C5-C6", pathology="central disc with myelopathy")
    assert "posterior-foraminotomy" in answer.reaching


def test_each_corridor_lists_its_structures_with_a_cited_rate_where_one_exists():
    answer = comparator.compare(level="C5-C6", pathology="soft foraminal disc")
    acdf = next(a for a in answer.answers if a.approach == "acdf")
    rln = next(r for r in acdf.at_risk if r["structure"] == "recurrent laryngeal nerve")
    assert "1.3" in rln["how often"]
    posterior = next(a for a in answer.answers if a.approach == "posterior-foraminotomy")
    assert {r["structure"] for r in posterior.at_risk} & {"exiting nerve root"}
    assert all(a.outcomes for a in answer.answers)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"level": "L4-L5", "pathology": "soft foraminal disc"}, "level 'L4-L5' is not allowed"),
    ({"level": "C5-C6", "pathology": "tumour"}, "pathology 'tumour' is not allowed"),
])
def test_bad_input_is_named_in_one_line(kwargs, words):
    with pytest.raises(ValueError, match=words) as err:
        comparator.compare(**kwargs)
    assert "\n" not in str(err.value)


def test_the_comparator_takes_keyword_arguments_only():
    with pytest.raises(TypeError):
        comparator.compare("C5-C6", "soft foraminal disc")


def test_facet_ndi_is_judged_against_the_ndi_mcid():
    f = evidence.finding("facet-ndi")
    assert f.verdict == "no important difference"
    assert "7.5" in f.reason


def test_a_result_with_only_a_p_value_is_not_given_a_size():
    f = evidence.finding("mobic-one-level")
    assert f.verdict == "significant; size not judged"
    assert "0.0012" in f.effect


def test_a_ratio_whose_interval_excludes_one_is_read_as_fewer():
    assert evidence.finding("cda-meta-asd").verdict == "fewer after disc arthroplasty"


def test_the_one_sided_bound_of_a_noninferiority_trial_is_set_against_the_mcid():
    f = evidence.finding("facet-arm-pain")
    assert f.verdict == "no important difference in the direction tested"
    assert "-9.4" in f.effect


def test_an_unknown_instrument_and_row_are_named():
    with pytest.raises(KeyError, match="no MCID for 'JOA'"):
        evidence.mcid("JOA")
    with pytest.raises(KeyError, match="no cervical evidence row nope"):
        evidence.findings(["nope"])


def test_the_diagram_has_both_corridors_and_refuses_a_third():
    assert len(diagram.corridor_path("anterior")) >= 2
    assert len(diagram.corridor_path("posterior")) >= 2
    assert {s.group for s in diagram.shapes()} >= {"bone", "neural", "vessel", "viscus"}
    with pytest.raises(ValueError, match="corridor 'lateral' is not allowed"):
        diagram.corridor_path("lateral")


def test_the_tables_read_what_the_models_give():
    frame = tables.approach_table(level="C5-C6", pathology="multilevel spondylosis")
    assert list(frame["reaches it"]) == ["yes", "no", "no"]
    assert len(tables.evidence_table()) == len(records("cervical_evidence"))
    with pytest.raises(ValueError, match="corridor 'side'"):
        tables.structures_rows("side")


def test_the_comparator_view_redraws_when_its_controls_move():
    from widgets.cervical.view import ComparatorView

    view = ComparatorView()
    assert all(t.line.dash == "solid" for t in view.figure.data if t.mode == "lines+markers")
    view.pathology.value = "central disc with myelopathy"
    dashes = {t.name.split(":")[0]: t.line.dash for t in view.figure.data if t.mode == "lines+markers"}
    assert dashes == {"anterior corridor": "solid", "posterior corridor": "dash"}
    assert "does not reach" in view.figure.alt
    sent = json.loads(_to_json(view.figure))
    assert len(sent["layout"]["shapes"]) == len(diagram.shapes())   # the drawn structures survive a redraw
    assert {s["layer"] for s in sent["layout"]["shapes"]} == {"below"}  # under their labels, not over them
    view.level.value = "C7-T1"
    assert "root C8" in view.answer.value
    assert view.status.value == ""
