"""The three corridors of lesson 01 teach what the cited anatomy says.

* Kambin's triangle has one definition throughout the suite (the original, neural one),
  and the later, bony one is named as such wherever it is used.
* The interlaminar window's height is not shown: the model cannot reproduce its real
  trend (largest at L5-S1), and no per-level source was found to build it from.
* The transpsoas safe zone has two limits: the plexus behind and a cited anterior limit
  in front; it is never the whole disc in front of the plexus.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

import widgets.anatomy.transpsoas as transpsoas
from widgets.anatomy.kambin import kambin_triangle
from widgets.anatomy.spine import build_spine
from widgets.anatomy.tables import interlaminar_table, plexus_table
from widgets.core.data import load_table

ROOT = Path(__file__).resolve().parents[1]
BANKS = sorted((ROOT / "data" / "questions").glob("*.yaml"))
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _lesson_sources() -> dict[str, str]:
    return {nb.name: "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells)
            for nb in LESSONS}


def _bank_texts() -> dict[str, str]:
    out = {}
    for bank in BANKS:
        for item in (yaml.safe_load(bank.read_text()) or {}).get("items", []):
            out[f"{bank.name}:{item['id']}"] = yaml.safe_dump(item)
    return out


# ----------------------------------------------------------------------- Kambin's triangle


def test_the_model_triangle_is_the_original_neural_one():
    k = kambin_triangle("L5-S1")
    assert "traversing root" in k.height.label and "dural sac" in k.height.label
    assert "exiting root" in k.hypotenuse.label
    assert "superior articular process" not in k.height.label


def test_one_definition_of_kambins_triangle_across_lessons_and_items():
    """The superior articular process is never given as a side of Kambin's triangle.

    It may be named as the medial border of the *bony* triangle, the later definition,
    which lesson 01 introduces (once, with its source) as a different thing.
    """
    texts = {**_lesson_sources(), **_bank_texts()}
    bad = []
    for where, text in texts.items():
        text = " ".join(text.split())
        for m in re.finditer(r"Kambin[’']s triangle[^.]{0,200}superior articular process", text):
            if "bony" not in m.group(0):
                bad.append((where, m.group(0)[:120]))
    assert not bad, bad
    lesson01 = texts["01-spinal-anatomy.ipynb"]
    assert "Fanous2020" in lesson01 or "Fanous" in lesson01
    assert "bony triangle" in lesson01


# ----------------------------------------------------------------------- interlaminar window


def test_interlaminar_window_height_is_not_shown():
    """The model's window came out tallest at L1-L2 and smallest at L4-L5 (real spines: the
    reverse, largest at L5-S1); with no per-level source it is left out, table and items."""
    t = interlaminar_table()
    assert not [c for c in t.columns if "height" in c.lower() or "window" in c.lower()]
    for where, text in _bank_texts().items():
        assert not re.search(r"window height|height of the (interlaminar )?window", text), where


# ----------------------------------------------------------------------- transpsoas safe zone


def test_the_safe_zone_has_a_cited_anterior_limit_at_every_level():
    levels = transpsoas.plexus_levels(build_spine())
    cited = transpsoas.anterior_limits()
    for p in levels:
        assert p.segment in cited
        assert p.anterior_source == "ClinAnat2023_psoas"
        assert p.ratio < p.anterior_ratio <= 1.0
        assert p.safe_mm == pytest.approx((p.anterior_ratio - p.ratio) * p.disc_length)
    by = {p.segment: p for p in levels}
    # Clin Anat 2023: zones I and II at L1-L2 (up to the front), zone II below (two-thirds)
    assert by["L1-L2"].anterior_ratio == 1.0
    for seg in ("L2-L3", "L3-L4", "L4-L5"):
        assert by[seg].anterior_ratio == pytest.approx(2 / 3)
        assert by[seg].front_mm > 0
        assert by[seg].safe_mm < (1 - by[seg].ratio) * by[seg].disc_length
    # the tightest level is still L4-L5
    assert min(levels, key=lambda p: p.safe_mm).segment == "L4-L5"


def test_the_safe_zone_table_shows_both_limits_and_their_sources():
    t = plexus_table()
    assert "posterior limit: plexus margin (fraction from the back)" in t.columns
    assert "anterior limit (fraction from the back, derived)" in t.columns
    assert t.loc["L4-L5", "anterior limit as published"] == "zone II (relative)"
    assert "ClinAnat2023_psoas" in t.loc["L4-L5", "anterior limit source"]
    assert not [c for c in t.columns if c == "safe zone in front (mm, derived)"]


def test_the_hazards_in_front_of_the_zone_are_cited():
    t = load_table("transpsoas_safe_zones")
    moro = t[t["source_key"] == "Moro2003"]
    assert moro["finding"].str.contains("genitofemoral").any()
    regev = t[t["source_key"] == "Regev2009"]
    assert regev["finding"].str.contains("great vessels").any() and 87 in set(regev["value"])
