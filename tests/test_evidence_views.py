"""Lesson 05's views, parameters and quiz items, built and poked without a browser."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from widgets.core.params import ParameterError
from widgets.evidence import learning_curve as lc
from widgets.evidence.analysis import meta_analysis, pooled_value, weight_share
from widgets.evidence.readers import GROUPS
from widgets.evidence.studies import OUTCOMES
from widgets.evidence.tables import evidence_map
from widgets.evidence.view import (
    LearningCurveExplorer,
    MetaExplorer,
    forest_figure,
    funnel_figure,
)
from widgets.lessons.registry import get_spec


def test_meta_explorer_shows_the_default_pool():
    ex = MetaExplorer()
    a = meta_analysis("blood_loss")
    assert f"{a.estimate:.1f} mL" in ex.results.value
    assert "Pooled result (data table behind the figures)" in ex.results.value
    assert [c.study for c in ex.checks if c.value] == ["Rodriguez-Vela 2009", "Wu AM 2018"]
    assert [c.study for c in ex.checks if c.disabled] == ["Rampersaud 2011"]
    forest = ex.forest
    assert forest.data[0].y and len(forest.data[0].x) == 2  # the two pooled studies
    assert any(t.startswith("published: Park 2018") for t in forest.layout.yaxis.ticktext)
    assert len(ex.funnel.data[0].x) == 2
    assert all(c.description for c in (ex.outcome, ex.measure, ex.model, ex.level, *ex.checks))


def test_every_control_moves_the_result():
    ex = MetaExplorer()
    before = ex.results.value
    ex.level.value = 96
    assert "96% confidence interval" in ex.results.value and ex.results.value != before
    ex.model.value = "fixed"
    assert "fixed effect" in ex.results.value
    fixed = ex.results.value
    next(c for c in ex.checks if c.study == "Rahman 2025").value = True
    cells = re.sub(r' style="[^"]*"', "", ex.results.value)
    assert ex.results.value != fixed and "studies pooled</td><td>3" in cells
    ex.measure.value = "SMD"
    assert "standardized mean difference" in ex.results.value
    assert ex.status.value == ""


def test_explorer_handles_every_outcome_and_student_mistakes():
    ex = MetaExplorer()
    for key in OUTCOMES:
        ex.outcome.value = key
        assert ex.status.value == "", key
        assert ex.measure.value == OUTCOMES[key].measures[0]
    ex.outcome.value = "vertebroplasty_pain"
    next(c for c in ex.checks if c.study == "VERTOS IV 2018 (3 months)").value = True
    assert "included twice" in ex.status.value
    for c in ex.checks:
        c.value = False
    assert "Tick at least one study" in ex.status.value


def test_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="does not apply"):
        MetaExplorer("blood_loss", "OR")
    with pytest.raises(ValueError, match="model must be one of"):
        MetaExplorer(model="PM-ish")


def test_static_figures_have_titles_and_data():
    f = forest_figure("vertebroplasty_pain")
    assert isinstance(f, go.Figure) and f.layout.title.text.startswith("Pain relief, vertebroplasty vs sham")
    assert len(f.data[0].x) == 3
    g = funnel_figure("screw_accuracy_freehand")
    assert len(g.data[0].x) == 8 and g.layout.yaxis.autorange == "reversed"
    ratio = forest_figure("complications", "OR")
    assert ratio.layout.xaxis.type == "log"


def test_learning_curve_explorer():
    lce = LearningCurveExplorer()
    assert "SIMULATED" in lce.figure.layout.annotations[0].text
    table = lce.table.value
    lce.seed.value = 1
    assert lce.table.value != table
    lce.noise.value = False
    assert "CUSUM peak after case 25" in lce.figure.layout.title.text
    assert lce.figure.data[4].x == (25,)
    lce.shape.value = "line"
    assert "CUSUM peak after case 24" in lce.figure.layout.title.text
    with pytest.raises(ValueError, match="shape"):
        LearningCurveExplorer(shape="S-curve")


def test_parameter_spec_matches_the_models():
    spec = get_spec("05-evidence")
    assert tuple({p.name: p for p in spec.params}["outcome"].choices) == tuple(OUTCOMES)
    assert spec.defaults()["curve_shape"] in lc.SHAPES
    assert spec.validate({"outcome": "complications", "measure": "RR"}, partial=True)["measure"] == "RR"
    message = "parameter 'measure': measure 'OR' does not apply to 'blood_loss'"
    with pytest.raises(ParameterError, match=message):
        spec.validate({"measure": "OR"}, partial=True)
    with pytest.raises(ParameterError, match="seed"):
        spec.validate({"seed": 100}, partial=True)


def test_quiz_items_use_the_lesson_functions():
    from widgets.quiz.items import load_bank, questions_dir
    from widgets.quiz.lint import lint_items

    bank = load_bank(questions_dir() / "05-evidence.yaml")
    items = {i.id: i for i in bank.items}
    assert len(items) >= 8
    assert lint_items(bank.items) == []
    assert items["ev-i2-two-studies"].key == pytest.approx(pooled_value("blood_loss", "i2"))
    assert items["ev-flag-small-sd"].values["share_w"].value == pytest.approx(
        weight_share("blood_loss", "Rahman 2025"))
    assert items["ev-cusum-constructed"].key == lc.constructed_change_point() == 25
    # the keys agree with the generated evidence map (importance and certainty)
    table = evidence_map().reset_index().set_index(["outcome", "comparison"])
    blood = table.loc[("Blood loss", "MIS-TLIF vs open TLIF")]
    assert (blood["verdict"], blood["certainty"]) == ("MISS better: important difference", "low")
    assert items["ev-map-strong-loss"].answer == "a"  # less bleeding that matters, non-randomised
    assert table.loc[("Fusion rate", "MIS vs open lumbar fusion"), "verdict"] == "inconclusive"
    assert items["ev-map-weak-ties"].answer == "a"  # the studies cannot yet say
    pted = table.loc[("Leg pain at 12 months", "full-endoscopic (PTED) vs open microdiscectomy")]
    assert (pted["verdict"], pted["certainty"]) == ("no important difference", "moderate")
    blooms = [i.bloom for i in bank.items]
    assert blooms.count("apply") + blooms.count("analyze") > len(blooms) / 2


def test_the_statsmodels_cross_check_is_not_on_the_student_path():
    """The cross-check is a test of the suite (test_evidence.py, test_meta.py), not a lesson cell."""
    import nbformat

    from widgets.core.data import data_dir

    nb = nbformat.read(data_dir().parent / "notebooks" / "05-evidence.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "LibraryCheck" not in code and "library_check" not in code and "statsmodels" not in code
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "statsmodels" not in prose


def test_topic_bank_keys_agree_with_the_evidence_map():
    from widgets.quiz.items import load_bank, questions_dir

    items = {i.id: i for name in ("evidence-mis-tlif", "evidence-vertebroplasty", "evidence-discectomy")
             for i in load_bank(questions_dir() / f"{name}.yaml").items}
    table = evidence_map().reset_index().set_index(["outcome", "comparison"])
    choice = {"MISS better: important difference": "mis", "no important difference": "none",
              "MISS worse: important difference": "open", "inconclusive": "unclear"}
    expected = {
        "blood": choice[table.loc[("Blood loss", "MIS-TLIF vs open TLIF"), "verdict"]],
        "function": choice[table.loc[("Disability (ODI)", "MIS vs open lumbar fusion"), "verdict"]],
        "fluoro": choice[table.loc[("Fluoroscopy (radiation) time", "MIS vs open lumbar fusion"), "verdict"]],
        "revision": choice[table.loc[("Revision or reoperation", "MIS vs open lumbar fusion"), "verdict"]],
    }
    assert items["tlif-wins-ties-loses"].answer == expected
    sham = evidence_map(GROUPS[1]).loc["Pain relief", "verdict"]
    assert sham == "no important difference" and items["vp-vertos4-important-difference"].answer == "a"
    dura = table.loc[("Incidental durotomy", "tubular vs open discectomy"), "verdict"]
    assert dura == "inconclusive"
    from widgets.core.data import load_table

    t = load_table("complications_durotomy_conversion").set_index("source_key")
    row = t.loc["Dasenbrock2012JNeurosurgSpine"]
    d = items["disc-durotomy-relative-risk"]  # now the absolute difference per hundred patients
    assert d.key == pytest.approx(row["mis_value"] - row["open_value"]) and d.unit == "patients"
