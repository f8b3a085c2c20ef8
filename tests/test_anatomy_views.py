"""The lesson 01 views, built and poked without a browser."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.anatomy import GROUPS, LEVELS
from widgets.anatomy.morphometry import pedicle_width_rows
from widgets.anatomy.view import (
    SLOTS,
    AnatomyExplorer,
    KambinExplorer,
    TranspsoasView,
    pedicle_width_figure,
)


@pytest.fixture(scope="module")
def explorer():
    return AnatomyExplorer()


def test_controls_are_labelled(explorer):
    assert explorer.level.description == "Level"
    assert list(explorer.level.options) == list(LEVELS)
    assert list(explorer.part.options) == list(GROUPS)
    for control in (explorer.part, explorer.series, explorer.spread):
        assert control.description
        assert "level" not in control.description.lower()  # one control answers to "Level"


def test_level_change_updates_title_table_and_geometry(explorer):
    explorer.level.value = "L4"
    before = (explorer.vertebra_fig.layout.title.text, explorer.table.value)
    x_before = np.asarray(explorer.vertebra_fig.data[0].x).copy()  # the body
    explorer.level.value = "L1"
    assert explorer.vertebra_fig.layout.title.text.startswith("L1")
    assert "L1" in explorer.spine_fig.layout.title.text
    assert (explorer.vertebra_fig.layout.title.text, explorer.table.value) != before
    assert not np.array_equal(np.asarray(explorer.vertebra_fig.data[0].x), x_before)
    assert explorer.status.value == ""
    explorer.level.value = "S1"
    assert explorer.vertebra_fig.layout.title.text.startswith("S1")
    assert "assumption" in explorer.table.value


def _highlighted(explorer) -> dict:
    return {t.name: t for t in explorer.vertebra_fig.data if t.visible and t.color == "#D55E00"}


def test_selected_part_is_highlighted_and_hover_shows_the_number(explorer):
    explorer.level.value = "L4"
    explorer.part.value = "pedicles"
    traces = {t.name: t for t in explorer.vertebra_fig.data}
    assert list(traces) == [name.replace("_", " ") for name, _ in SLOTS]  # one trace per part
    shown = _highlighted(explorer)
    assert set(shown) == {"pedicle left", "pedicle right"}
    assert traces["body"].color != "#D55E00" and traces["body"].visible
    # each part's own hover text, one string per trace (not one per vertex)
    left, right = shown["pedicle left"].hovertext, shown["pedicle right"].hovertext
    assert "left pedicle" in left and "14.70 mm" in left and "Panjabi 1992" in left
    assert "right pedicle" in right and "13.40 mm" in right
    others = [t for t in explorer.vertebra_fig.data if t.name not in shown and t.visible]
    assert others and not any(t.hovertext.split(":")[0].endswith("pedicle") for t in others)
    assert not traces["ilium left"].visible  # the iliac wings are drawn only when chosen
    spine = {t.name: t for t in explorer.spine_fig.data}
    assert len(spine["highlight"].x) > 0 and spine["highlight"].hovertext == "L4 pedicles (highlighted)"
    assert "14.7" in explorer.table.value and "secondary-source" in explorer.table.value


def test_every_part_can_be_chosen_at_every_level_without_error(explorer):
    for level in LEVELS:
        explorer.level.value = level
        for part in GROUPS:
            explorer.part.value = part
            assert explorer.status.value == ""
    explorer.level.value = "S1"
    explorer.part.value = "disc"
    assert "no disc at S1" in explorer.notes.value


def test_series_and_spread_resize_the_model(explorer):
    explorer.level.value = "L5"
    explorer.part.value = "pedicles"
    explorer.series.value = "Zindrick1987"
    explorer.spread.value = 0.0
    x0 = np.ptp(np.asarray(_highlighted(explorer)["pedicle left"].x))
    explorer.spread.value = 2.0
    x1 = np.ptp(np.asarray(_highlighted(explorer)["pedicle left"].x))
    assert x1 > x0
    assert "+2.0 SD" in explorer.vertebra_fig.layout.title.text
    assert "26.2" in explorer.table.value  # 18.0 + 2 x 4.1
    explorer.series.value = "Panjabi1992"
    explorer.spread.value = 0.0


def test_pedicle_figure_has_one_line_per_series_and_side_and_no_average():
    fig = pedicle_width_figure()
    rows = pedicle_width_rows()
    rows = rows[rows["subgroup"].isin(["all", "left", "right"])]
    combos = rows.groupby(["source_key", "subgroup"]).ngroups
    assert len(fig.data) == combos
    assert not any("mean" in (t.name or "").lower() for t in fig.data)
    robertson = [t for t in fig.data if t.name.startswith("Robertson 2000")][0]
    assert list(robertson.y) == [10.3, 10.3, 13.0, 16.3, 21.6]
    assert "secondary source" in robertson.name
    assert fig.layout.title.text


def test_kambin_explorer_changes_with_the_segment():
    k = KambinExplorer("L1-L2")
    assert k.segment.description == "Disc segment"
    assert "L1-L2" in k.figure.layout.title.text and "cited" in k.figure.layout.title.text
    k.segment.value = "L3-L4"
    assert "L3-L4" in k.figure.layout.title.text and "interpolated" in k.figure.layout.title.text
    assert "14" in k.table.value and "Kulkarni2019" in k.table.value
    assert k.status.value == ""


def test_transpsoas_view_highlights_the_segment():
    v = TranspsoasView("L2-L3")
    assert "L2-L3" in v.figure.layout.title.text
    v.segment.value = "L4-L5"
    assert "L4-L5" in v.figure.layout.title.text
    assert "Benglis2009" in v.table.value and "0.28" in v.table.value
    assert "ClinAnat2023_psoas" in v.table.value and "anterior limit" in v.table.value
    names = {t.name for t in v.figure.data}
    assert "safe zone (between the two limits)" in names
    assert any(n.startswith("great vessels") for n in names)
    assert v.status.value == ""


def test_the_overview_draws_each_level_with_one_hover_text_and_a_level_change_resends_only_the_highlight():
    explorer = AnatomyExplorer(level="L3")
    spine = {t.name: t for t in explorer.spine_fig.data}
    assert list(spine)[-1] == "highlight"  # drawn on top
    assert spine["L4 bone"].hovertext == "L4 vertebra" and spine["S1 bone"].hovertext == "Sacrum and coccyx"
    assert "L2" in spine["L2 neural"].hovertext and spine["pelvis"].opacity < 1
    for name, trace in spine.items():  # a text per trace, not per vertex (but the five discs)
        assert isinstance(trace.hovertext, str) or name == "discs", name
        assert len(trace.x) > 0, name
    view = explorer.spine_fig.widget
    before = [t.digest for t in view.traces]
    explorer.level.value = "L4"
    after = [t.digest for t in view.traces]
    changed = [name for name, a, b in zip(spine, before, after, strict=True) if a != b]
    assert changed == ["highlight"]
