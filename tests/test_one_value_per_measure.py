"""One value per measure: the same quantity at the same level is never quoted with two values.

A student who reads "L4 posterior body height 24.1 mm" in one lesson and "vertebral body
height, posterior (L4) 25.76 mm" in another has been taught two values for one thing. Where
sources differ, a lesson shows that they differ (the other series in a note or a comparison
table); it never silently quotes a different value as *the* value.

The check reads tables the way a student does. Every row that names a level (a ``level``,
``disc`` or ``segment`` column, or a level in its label) and a quantity of the vocabulary
below, with a number for it, is one *quote*. A quantity is named either by a column header
(``left pedicle width (mm)``, a wide table) or by the row's label with a ``value`` column
(``L4 posterior body height | 24.1``, a long table). Quotes are collected

* from the tables the lessons' models build, at every level (``test_models_...``), and
* from the text and table outputs of the committed lessons (``test_committed_lessons_...``),

and each (level, quantity) must carry one value. Comparison tables that list several series
side by side (one row per series) name no level in a row and are not quotes: they are how a
lesson shows that sources differ.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

#: The per-level quantities the suite quotes, each with the phrasings lessons use for it.
VOCABULARY: tuple[tuple[str, str], ...] = (
    ("posterior vertebral body height", r"posterior (vertebral )?body height|body height,? posterior"),
    ("anterior vertebral body height", r"anterior (vertebral )?body height|body height,? anterior"),
    ("disc height", r"\bdisc height\b|height at mid-depth"),
    ("spinal canal width", r"\bcanal width\b"),
    ("spinal canal depth", r"\bcanal depth\b"),
    ("left pedicle width", r"left pedicle width|pedicle width,? left"),
    ("right pedicle width", r"right pedicle width|pedicle width,? right"),
    ("pedicle height", r"\bpedicle height\b"),
    ("medial pedicle angle", r"medial angle|pedicle transverse \(medial\) angle"),
    ("vertebral body width", r"\bbody width\b"),
    ("vertebral body depth", r"\bbody depth\b"),
    ("segmental lordosis", r"segmental lordosis"),
)
_LEVEL = re.compile(r"\b(?:T12|L[1-5]|S1)(?:-(?:L[1-5]|S1))?\b")
_LEVEL_COLUMNS = ("level", "disc", "segment")
_LABEL_COLUMNS = ("dimension", "input", "quantity")
_VALUE_COLUMNS = ("value", "value used (mm)")


@dataclass(frozen=True)
class Quote:
    """One number quoted for one quantity at one level, and where."""

    level: str
    quantity: str
    value: float
    where: str


def quantity_of(text: str) -> str | None:
    """The vocabulary name a label or header stands for, or None."""
    t = text.lower()
    for name, pattern in VOCABULARY:
        if re.search(pattern, t):
            return name
    return None


def _number(cell) -> float | None:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return None if cell != cell else float(cell)
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(?:mm|°|deg)?\s*", str(cell))
    return float(m.group(1)) if m else None


def quotes_in_rows(header: list[str], rows: list[list], where: str,
                   level: str | None = None) -> list[Quote]:
    """Quotes in one table given as a header and rows (the index, if any, is the first column)."""
    head = [str(h).strip().lower() for h in header]
    out = []
    for row in rows:
        cells = dict(zip(head, row, strict=False))
        label_cols = [c for c in _LABEL_COLUMNS if c in cells] or head[:1]
        label = " ".join(str(cells[c]) for c in label_cols)
        # the most specific level wins: one named in the label ("disc height L4-L5" in the L4
        # table), then a level column, then the level the caller knows the table is for
        named = _LEVEL.search(label)
        column = next((str(cells[c]).replace(" (selected)", "").strip() for c in _LEVEL_COLUMNS
                       if c in cells and _LEVEL.fullmatch(str(cells[c]).replace(" (selected)", "").strip())),
                      None)
        lv = named.group(0) if named else column or level
        if lv is None:
            continue
        for col, cell in cells.items():
            if col in _VALUE_COLUMNS:
                what = quantity_of(label)
            elif col in _LEVEL_COLUMNS or col in _LABEL_COLUMNS:
                continue
            else:
                what = quantity_of(col) if re.search(r"\((mm|°|deg)", col) else None
            value = _number(cell)
            if what and value is not None:
                out.append(Quote(lv, what, round(value, 2), f"{where}: {label or col}"))
    return out


def quotes_in_frame(frame: pd.DataFrame, where: str, level: str | None = None) -> list[Quote]:
    """Quotes in a DataFrame a lesson displays (its index counts as a column)."""
    flat = frame.reset_index() if frame.index.name else frame
    return quotes_in_rows(list(flat.columns), flat.values.tolist(), where, level)


class _Tables(HTMLParser):
    """Collect every HTML table as (header, rows) of plain-text cells.

    pandas writes the column names in the first header row and, when the index has a name,
    that name alone in a second header row; both are folded into one header.
    """

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._head: list[list[str]] = []
        self._body: list[list[str]] = []
        self._cell: list[str] | None = None
        self._part = ""
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._head, self._body, self._part, self._open = [], [], "", True
        elif tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr" and self._open:
            (self._head if self._part == "thead" else self._body).append([])
        elif tag in ("td", "th") and self._open:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            rows = self._head if self._part == "thead" else self._body
            if rows:
                rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._open:
            head, body = [r for r in self._head if r], [r for r in self._body if r]
            if not head and body:
                head, body = [body[0]], body[1:]
            if head:
                header = head[0]
                if len(head) > 1 and head[1][0] and not any(head[1][1:]):
                    header = [head[1][0]] + head[0][1:]
                self.tables.append((header, body))
            self._open = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def quotes_in_notebook(path: Path) -> list[Quote]:
    """Quotes in the HTML table outputs of one committed lesson."""
    nb = nbformat.read(path, as_version=4)
    out = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if not html:
                continue
            parser = _Tables()
            parser.feed(html if isinstance(html, str) else "".join(html))
            for header, rows in parser.tables:
                out += quotes_in_rows(header, rows, f"{path.stem} cell {i}")
    return out


def conflicts(quotes: list[Quote]) -> dict[tuple[str, str], dict[float, list[str]]]:
    """(level, quantity) quoted with more than one value, with where each value appears."""
    seen: dict[tuple[str, str], dict[float, list[str]]] = defaultdict(lambda: defaultdict(list))
    for q in quotes:
        seen[(q.level, q.quantity)][q.value].append(q.where)
    return {k: dict(v) for k, v in seen.items() if len(v) > 1}


# --------------------------------------------------------------------------- the detector


def test_the_detector_finds_the_l4_body_height_quoted_twice():
    """The case that prompted the rule: lesson 01's model table against lesson 06's inputs."""
    lesson01 = pd.DataFrame({"dimension": ["vertebral body height, posterior", "pedicle width, left"],
                             "level": ["L4", "L4"], "value": [25.76, 14.7], "unit": ["mm", "mm"],
                             "note": ["sources differ: Panjabi 1992 24.1", ""]}).set_index("dimension")
    lesson06 = pd.DataFrame({"input": ["L4 posterior body height", "L4 left pedicle width",
                                       "motion segment span"],
                             "value": ["24.1", "14.7", "33.41"], "unit": ["mm"] * 3})
    found = conflicts(quotes_in_frame(lesson01, "01") + quotes_in_frame(lesson06, "06"))
    assert set(found) == {("L4", "posterior vertebral body height")}
    assert set(found[("L4", "posterior vertebral body height")]) == {25.76, 24.1}


def test_the_detector_reads_lesson_html_tables():
    html = ("<table><thead><tr><th></th><th>value</th><th>unit</th></tr><tr><th>input</th><th></th>"
            "<th></th></tr></thead><tbody><tr><th>L4 posterior body height</th><td>24.1</td>"
            "<td>mm</td></tr></tbody></table>"
            "<table><tr><th>level</th><th>left pedicle width (mm)</th></tr>"
            "<tr><td>L4</td><td>14.7</td></tr></table>")
    parser = _Tables()
    parser.feed(html)
    quotes = [q for h, r in parser.tables for q in quotes_in_rows(h, r, "x")]
    assert {(q.level, q.quantity, q.value) for q in quotes} == {
        ("L4", "posterior vertebral body height", 24.1), ("L4", "left pedicle width", 14.7)}


# --------------------------------------------------------------------------- the suite


def _model_quotes() -> list[Quote]:
    from widgets.access.comparator import LEVELS as DISCS
    from widgets.access.comparator import PROCEDURES
    from widgets.access.tables import comparison_inputs_table
    from widgets.anatomy.morphometry import LEVELS
    from widgets.anatomy.tables import dimensions_table, disc_table
    from widgets.imaging.tables import preset_table

    quotes = []
    for level in LEVELS:
        quotes += quotes_in_frame(dimensions_table(level), "lesson 01 dimensions", level)
    quotes += quotes_in_frame(disc_table(), "lesson 01 discs")
    for procedure in PROCEDURES:
        for disc in DISCS:
            quotes += quotes_in_frame(comparison_inputs_table(procedure, disc, 16, 50.0),
                                      f"lesson 06 inputs ({procedure})")
    quotes += quotes_in_frame(preset_table(), "lesson 04 presets")
    return quotes


def test_models_quote_one_value_per_measure_at_every_level():
    quotes = _model_quotes()
    assert {q.quantity for q in quotes} >= {"posterior vertebral body height", "disc height",
                                           "left pedicle width", "spinal canal width"}
    found = conflicts(quotes)
    assert not found, found


@pytest.mark.parametrize("quantity", ["posterior vertebral body height", "disc height",
                                      "left pedicle width"])
def test_lessons_01_and_06_quote_the_same_value(quantity):
    """The shared quantities are read by both lessons, so the check above compares something."""
    quotes = [q for q in _model_quotes() if q.quantity == quantity and q.level in ("L4", "L4-L5")]
    assert {q.where.split(":")[0].split()[1] for q in quotes} >= {"01", "06"}


def test_committed_lessons_quote_one_value_per_measure():
    quotes = [q for path in LESSONS for q in quotes_in_notebook(path)]
    assert quotes, "no per-level quantity found in the lessons' tables"
    found = conflicts(quotes)
    assert not found, found


# --------------------------------------------------------------------------- quiz items

#: Table measure -> the anatomy model's dimension key (the suite's value for that measure).
_MODEL_KEY = {
    "vertebral_body_height_posterior": "body_height_posterior",
    "vertebral_body_height_anterior": "body_height_anterior",
    "vertebral_body_superior_length_AP": "body_depth",
    "endplate_width_upper": "body_width",
    "spinal_canal_width": "canal_width",
    "spinal_canal_depth": "canal_depth",
    "pedicle_height": "pedicle_height",
    "pedicle_transverse_angle": "pedicle_transverse_angle",
}


def _suite_dimension(table: str, where: dict):
    """The model's dimension for a quiz value spec's (level, measure), or None if not modelled."""
    from widgets.anatomy.morphometry import LUMBAR, level_dimensions

    level, measure = str(where.get("level", "")), str(where.get("measure", ""))
    if table == "disc_height" and measure == "disc_height" and level.split("-")[0] in LUMBAR:
        return level_dimensions(level.split("-")[0])["disc_height_below"]
    if table != "lumbar_morphometry" or level not in LUMBAR:
        return None
    if measure == "pedicle_width_transverse" and where.get("subgroup") in ("left", "right"):
        return level_dimensions(level)[f"pedicle_width_{where['subgroup']}"]
    key = _MODEL_KEY.get(measure)
    return level_dimensions(level)[key] if key else None


def test_quiz_items_quote_the_suite_value_or_name_the_other_series():
    """An item that quotes a modelled quantity from another series names that series.

    The lesson 06 incision item quoted the L4 posterior body height of Panjabi 1992 (24.1 mm)
    while lesson 01 taught 25.76 mm: a student met two values for one thing with nothing to say
    that two series were being compared.
    """
    import yaml

    from widgets.anatomy.morphometry import series_label

    bad = []
    for bank in sorted((ROOT / "data" / "questions").glob("*.yaml")):
        for item in (yaml.safe_load(bank.read_text()) or {}).get("items", []):
            text = " ".join(str(item.get(k, "")) for k in ("stem", "explanation"))
            for name, spec in (item.get("values") or {}).items():
                if not isinstance(spec, dict) or spec.get("from") != "table":
                    continue
                where = spec.get("where") or {}
                dim = _suite_dimension(spec.get("table", ""), where)
                source = where.get("source_key")
                if dim is None or not source or dim.basis != "cited" or source == dim.source:
                    continue
                author = series_label(source).split()[0]
                if author.lower() not in text.lower():
                    bad.append(f"{bank.name}:{item['id']} {name}: {source} at {where.get('level')}"
                               f" ({where.get('measure')}), while the suite uses {dim.source}")
    assert not bad, bad
