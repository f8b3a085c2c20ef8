"""The lesson catalog is the one source of the lesson maps and of what each lesson declares."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from widgets.core.catalog import LESSONS, Objective, lesson, readme_map, readme_map_rows, with_readme_map

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_lesson_map_is_the_catalog():
    """If this fails, run `python -m widgets.lessons readme` (after changing the catalog)."""
    assert readme_map(README.read_text(encoding="utf-8")) == readme_map_rows()


def test_the_readme_map_is_rewritten_in_place():
    text = README.read_text(encoding="utf-8")
    stale = text.replace(readme_map_rows()[0] + "\n", "")
    assert stale != text and with_readme_map(stale) == text


def test_lesson_00_prints_the_catalog_map():
    nb = nbformat.read(lesson("00-start-here").path, as_version=4)
    assert any("lesson_map_table()" in c.source for c in nb.cells if c.cell_type == "code")


def test_one_entry_per_lesson_with_its_objectives_and_parameters():
    stems = [e.stem for e in LESSONS]
    assert len(stems) == len(set(stems))
    for entry in LESSONS:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+", entry.stem)
        assert entry.objectives and len(set(entry.objectives)) == len(entry.objectives)
        assert entry.params, f"{entry.stem} declares no parameters"


def test_an_objective_without_its_own_wording_is_listed_as_its_label():
    assert Objective("Grade a slip").as_written == "grade a slip"
    assert Objective("MISS spares muscle").as_written == "MISS spares muscle"
    assert Objective("Grade a slip", "grade a slip by Meyerding").as_written == "grade a slip by Meyerding"
    with pytest.raises(KeyError, match="no lesson 'nope' in the catalog; known: 00-start-here"):
        lesson("nope")


def _choices(stem: str, name: str) -> tuple:
    return tuple({p.name: p for p in lesson(stem).params}[name].choices)


def test_choices_written_in_the_catalog_equal_the_models():
    """The catalog imports no topic, so the lists it repeats are kept equal to the models' here."""
    from widgets.case import conditions, patients
    from widgets.techniques.model import TECHNIQUES

    assert _choices("03-techniques", "reference_technique") == ("all", *TECHNIQUES)
    assert _choices("07-case", "sex") == conditions.SEXES
    assert _choices("07-case", "diagnosis") == conditions.DIAGNOSES
    assert _choices("07-case", "bone_quality") == conditions.BONE_QUALITY
    assert _choices("07-case", "difficulty") == patients.DIFFICULTIES
    assert _choices("07-case", "mode") == patients.MODES
    by = {p.name: p for p in lesson("07-case").params}
    for name, bounds in (("age", patients.AGE_RANGE), ("bmi", patients.BMI_RANGE),
                         ("duration_weeks", patients.DURATION_RANGE)):
        assert (by[name].minimum, by[name].maximum) == bounds, name
