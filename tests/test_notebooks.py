"""Static checks of every committed lesson notebook."""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest

from widgets.core.catalog import LESSONS, lesson
from widgets.lessons.notebooks import catalog_problems, check_outline, find_notebooks, parameter_problems

NOTEBOOKS = find_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def test_there_are_lessons_and_each_is_in_the_map():
    assert NOTEBOOKS, "no lessons found"
    available = {lesson.stem for lesson in LESSONS if lesson.status == "available"}
    assert set(IDS) == available


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outline(path):
    assert check_outline(nbformat.read(path, as_version=4)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_top_to_bottom_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    streams = [o.text for c in code for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
    assert streams == [], "stderr output (warnings?) in a committed notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_small_and_offline(path):
    assert path.stat().st_size <= 2_000_000
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"cdn\.plot\.ly|cdn\.jsdelivr|unpkg\.com|<script src=\"http", text)
    nb = json.loads(text)
    assert "widgets" not in nb["metadata"], "widget state must not be stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outline_matches_the_catalog(path):
    """Title, objectives (in order) and time to learn are the catalog entry's."""
    assert catalog_problems(nbformat.read(path, as_version=4), lesson(path.stem)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_cell_matches_the_catalog(path):
    """Same names, types and defaults as the catalog; the next code cell checks them."""
    assert parameter_problems(nbformat.read(path, as_version=4), lesson(path.stem)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_cells_are_short_and_introduced_by_prose(path):
    nb = nbformat.read(path, as_version=4)
    previous = None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            lines = [ln for ln in cell.source.splitlines() if ln.strip()]
            # the parameters cell is a list of declarations, one line per parameter
            if "parameters" not in cell.metadata.get("tags", []):
                assert 1 <= len(lines) <= 6, f"cell {i} has {len(lines)} lines"
            assert previous == "markdown" or "parameters" in cell.metadata.get("tags", []), (
                f"cell {i} is not introduced by prose")
            ast.parse(cell.source)
        previous = cell.cell_type


# A measurement typed in a lesson's prose must be one the data hold: the check is
# deliberately loose (the value appears somewhere in data/), so that a typo or a
# figure with no cited source fails, while rewording the prose does not.
_UNIT_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:mm|cm|°|%|mSv|mrem|mL|ml|kg)(?!\w)")


def _data_numbers() -> set[float]:
    from widgets.core.data import data_dir

    found: set[float] = set()
    for path in data_dir().rglob("*"):
        if path.suffix in {".csv", ".yaml", ".json"}:
            text = path.read_text(encoding="utf-8")
            found.update(float(m) for m in re.findall(r"(?<![A-Za-z])(\d+(?:\.\d+)?)", text))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_measurements_in_the_prose_are_in_the_data(path):
    known = _data_numbers()
    nb = nbformat.read(path, as_version=4)
    missing = [f"cell {i}: {m.group(0)!r}" for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
               for m in _UNIT_NUMBER.finditer(cell.source) if float(m.group(1)) not in known]
    assert missing == [], f"{path.name}: figures typed in the prose that no data file holds: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_section_headings_are_unique_and_the_quiz_comes_before_the_summary(path):
    nb = nbformat.read(path, as_version=4)
    headings = [line.strip() for cell in nb.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("## ")]
    assert len(headings) == len(set(headings)), f"{path.name}: repeated headings in {headings}"
    if "## Check your understanding" in headings:
        assert headings.index("## Check your understanding") < headings.index("## Summary")
