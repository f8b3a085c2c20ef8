"""Lesson 10: the complication recogniser's scenarios, engine, frequencies and view; every branch walked."""

from __future__ import annotations

import copy

import pytest
import yaml

from widgets.complications import frequency, scenarios, tables
from widgets.complications.scenarios import END, ScenarioError, Walk, all_paths, check_document
from widgets.core.catalog import lesson
from widgets.core.data import data_dir, records


@pytest.fixture(scope="module")
def doc():
    with (data_dir() / "complications" / "scenarios.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_the_catalog_scenarios_are_the_files():
    params = {p.name: p for p in lesson("10-complications").params}
    assert params["scenario"].choices == scenarios.scenario_ids()
    assert params["scenario"].default in scenarios.scenario_ids()


def test_every_time_of_day_has_a_scenario():
    assert {s.time for s in scenarios.scenarios()} == set(scenarios.TIMES)


@pytest.mark.parametrize("sc", scenarios.scenarios(), ids=lambda s: s.id)
def test_every_branch_of_every_scenario_reaches_the_end(sc):
    paths = all_paths(sc)
    assert len(paths) >= 3
    for path in paths:
        walk = Walk(sc)
        for choice in path:
            assert not walk.finished
            walk = walk.choose(choice)
        assert walk.finished and walk.step is None
        assert len(walk.verdicts()) == len(path)
    # every choice of every step is taken by at least one path
    taken = {pair for path in paths for pair in _pairs(sc, path)}
    assert taken == {(s.id, c.id) for s in sc.steps.values() for c in s.choices}


def _pairs(sc, path):
    walk, out = Walk(sc), []
    for c in path:
        out.append((walk.step.id, c))
        walk = walk.choose(c)
    return out


@pytest.mark.parametrize("sc", scenarios.scenarios(), ids=lambda s: s.id)
def test_the_scenario_branches_on_the_choice(sc):
    first = sc.steps[sc.start]
    assert len({c.next for c in first.choices}) >= 2 or len(first.choices) >= 2
    assert any(c.verdict == "best" for c in first.choices)
    assert any(c.verdict == "harmful" for c in first.choices)


def test_a_harmful_choice_leads_to_a_worse_moment():
    walk = scenarios.start("haematoma-recovery").choose("analgesia")
    assert walk.step.id == "later"
    best = scenarios.start("haematoma-recovery").choose("mri-theatre")
    assert best.finished and best.outcome() == "1 best"


def test_a_walk_refuses_what_it_does_not_offer():
    walk = scenarios.start("cement-hour")
    with pytest.raises(ScenarioError, match="step 'first' has no choice 'x'; choices: stop, push"):
        walk.choose("x")
    done = walk.choose("stop").choose("treat-pe")
    with pytest.raises(ScenarioError, match="has ended"):
        done.choose("stop")
    assert walk.outcome() == "no choice made yet"


def test_an_unknown_scenario_is_named():
    with pytest.raises(KeyError, match="no scenario 'nope'; known: haematoma-recovery"):
        scenarios.scenario("nope")
    with pytest.raises(TypeError, match="scenario must be a string id"):
        scenarios.scenario(3)


def _broken(doc, change):
    d = copy.deepcopy(doc)
    change(d)
    return d


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["scenarios"][0]["steps"]["first"]["choices"][0].update(next="nowhere"),
     "next 'nowhere' is not a step or 'end'"),
    (lambda d: d["scenarios"][0]["steps"]["first"]["choices"][0].update(verdict="great"),
     "verdict 'great' is not one of best, acceptable, harmful"),
    (lambda d: d["scenarios"][0].update(time="month"), "time 'month' is not one of hour, day, week"),
    (lambda d: d["scenarios"][0].update(complication="gout"),
     "complication 'gout' is not in the complications list"),
    (lambda d: d["scenarios"][0]["steps"]["first"].pop("question"), "missing field 'question'"),
    (lambda d: d["scenarios"][0]["steps"]["later"]["choices"][0].update(next="first"), "steps loop back"),
    (lambda d: [c.update(next=END) for c in d["scenarios"][0]["steps"]["first"]["choices"]],
     "steps never reached: later"),
    (lambda d: d["scenarios"][0].update(start="middle"), "start 'middle' is not a step"),
    (lambda d: d["complications"][0]["figures"][0].update(table="radiation"),
     "table 'radiation' is not one of"),
    (lambda d: d["scenarios"].append(copy.deepcopy(d["scenarios"][0])), "scenario ids repeat"),
])
def test_a_broken_scenarios_file_is_named_in_one_line(doc, change, message):
    with pytest.raises(ScenarioError, match=message) as err:
        check_document(_broken(doc, change))
    assert "\n" not in str(err.value)


def test_the_shipped_file_passes_its_check(doc):
    comps, scs = check_document(doc)
    assert len(comps) >= 10 and len(scs) >= 6


@pytest.mark.parametrize("comp", scenarios.complications(), ids=lambda c: c.id)
def test_every_complication_has_a_cited_figure_from_exactly_one_row(comp):
    figs = frequency.frequencies(comp)
    assert figs
    for f in figs:
        assert f.source_key and f.confidence in ("read-directly", "secondary-source")
        assert any(ch.isdigit() for ch in f.figure)


def test_the_haematoma_figure_is_the_tables_number():
    (f,) = frequency.frequencies("haematoma")
    row = next(r for r in records("complication_figures") if r["id"] == "seh-symptomatic")
    assert f.figure.startswith(f"{row['value']:g} ")
    assert f.comparison == "no open comparison"


def test_a_figure_that_names_no_single_row_is_refused(monkeypatch):
    comp = scenarios.Complication("x", "x", "x", "x", ({"table": "complication_figures", "id": "nope"},))
    with pytest.raises(LookupError, match="complication_figures has 0 rows"):
        frequency.frequencies(comp)


def test_the_tables():
    assert len(tables.complications_table()) == len(frequency.frequency_rows())
    frame = tables.scenario_map()
    assert list(frame["when"]) and set(frame["when"]) <= set(scenarios.TIMES)
    assert len(tables.scenario_map("clot-week")) == 1


def test_the_recogniser_view_walks_every_branch_without_a_browser():
    from widgets.complications.view import RecogniserView

    view = RecogniserView()
    for sc in scenarios.scenarios():
        view.picker.value = sc.id
        for path in all_paths(sc):
            view.restart_button.click()
            for choice in path:
                view.options.value = choice
                view.choose_button.click()
            assert "The scenario has ended" in view.case.value
            assert view.history.value.count("<li>") == len(path)
            assert view.choose_button.disabled
    assert view.status.value == ""


def test_choosing_nothing_asks_for_a_choice():
    from widgets.complications.view import RecogniserView

    view = RecogniserView("wound-week")
    view.choose_button.click()
    assert "Choose an action first" in view.status.value
    view.answer("review")
    assert "after imaging" in view.case.value
