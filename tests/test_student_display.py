"""What students see: tables never cut off, left-aligned; numbers and scores as people write them."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from widgets.core.numbers import format_fixed, format_number, format_percent, format_score
from widgets.core.tables import frame_html, frame_text, install
from widgets.quiz.session import Summary

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
LONG = "a sentence that is much longer than fifty characters, so pandas would cut it short"


# ------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("value", "text"), [
    (-0.0, "0"), (-0.001, "0"), (2.50, "2.5"), (3.0, "3"), (7, "7"), (0.2667, "0.27"),
    (float("nan"), "-"), ("L4", "L4"), (True, "True"),
])
def test_numbers_read_as_a_person_writes_them(value, text):
    assert format_number(value) == text


def test_fixed_decimals_never_show_a_negative_zero():
    assert format_fixed(-0.04, 1) == "0.0"
    assert format_fixed(-0.06, 1) == "-0.1"
    assert format_fixed(12.345, 2) == "12.35"
    with pytest.raises(ValueError, match="value must be a finite number"):
        format_fixed(float("inf"))


def test_scores_and_shares():
    assert format_score(2, 6) == "2 of 6"
    assert format_score(2, 6, percent=True) == "2 of 6 (33%)"
    assert format_score(1.3333333, 3) == "1.3 of 3"
    assert format_score(0, 0, percent=True) == "0 of 0"
    assert format_percent(1 / 3) == "33%"
    with pytest.raises(ValueError, match="points .* cannot exceed the total"):
        format_score(7, 6)
    with pytest.raises(ValueError, match="total must be a finite number of at least 0"):
        format_score(1, -1)


def test_the_quiz_summary_reads_as_a_score():
    text = Summary(items=10, answered=6, correct=1, points=2.0 + 1 / 3).text()
    assert text == "Score: 2.3 of 6 answered (39%; 1 fully correct; 10 questions in this quiz)."
    assert "0.333" not in text and "2.33333" not in text
    empty = Summary(items=3, answered=0, correct=0, points=0.0).text()
    assert empty.startswith("Score: 0 of 0 answered (0 fully")


# ------------------------------------------------------------------------------- tables


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"text": [LONG, "short"], "value": [-0.0, 2.5]},
                        index=pd.Index(["first", "second"], name="row"))


def test_the_html_table_shows_every_cell_in_full_and_left_aligned():
    html = frame_html(_frame())
    assert LONG in html and "..." not in html
    cells = re.findall(r"<(?:td|th)\b[^>]*>", html)
    assert cells and all("text-align:left" in c for c in cells)  # every cell, inline
    assert '>first</th>' in html and '<th scope="row"' in html and '>row</th>' in html
    assert ">0</td>" in html and ">2.5</td>" in html and "-0" not in html


def test_the_html_table_shows_every_row():
    many = pd.DataFrame({"n": range(200)})
    html = frame_html(many)
    assert html.count("<tr>") == 201  # header and 200 rows, where pandas stops at 60
    assert '<th scope="row"' not in html  # a plain 0..n-1 index is not shown


def test_a_multi_index_table():
    t = pd.DataFrame({"x": [1, 2]}, index=pd.MultiIndex.from_tuples([("a", LONG), ("b", "c")],
                                                                    names=["k1", "k2"]))
    html = frame_html(t)
    assert LONG in html and html.count('<th scope="row"') == 4


def test_the_plain_text_table_is_not_cut_either():
    text = frame_text(_frame())
    assert LONG in text and "..." not in text and "-0.0" not in text


def test_install_registers_the_formatters_with_a_notebook_shell():
    registered, modules = {}, set()

    class Formatter:
        def __init__(self, kind):
            self.kind = kind

        def for_type_by_name(self, module, name, func):
            registered[self.kind] = (module, name, func)
            modules.add(module)

    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters={
        "text/html": Formatter("html"), "text/plain": Formatter("plain")}))
    assert install(shell)
    assert registered["html"][1:] == ("DataFrame", frame_html)
    assert registered["plain"][1] == "DataFrame"
    assert pd.DataFrame.__module__ in modules  # the name this pandas gives the class


def test_a_real_ipython_shell_renders_a_lesson_table_in_full():
    from IPython.core.interactiveshell import InteractiveShell

    from widgets.conditions.tables import conditions_table

    shell = InteractiveShell.instance()
    install(shell)
    data, _ = shell.display_formatter.format(conditions_table())
    assert "..." not in data["text/html"] and "text-align:left" in data["text/html"]
    assert "..." not in data["text/plain"]


# ------------------------------------------------------------------------------- committed lessons

_CUT = re.compile(r"<td[^>]*>[^<]*\.\.\.</td>")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_table_in_a_committed_lesson_is_cut_off(path):
    """Passes once the lessons are re-executed with the formatter installed."""
    nb = nbformat.read(path, as_version=4)
    cut = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if "<table" in html:
                cut += [f"cell {i}: {m}" for m in _CUT.findall(html)]
    assert not cut, f"{len(cut)} cut-off cells, e.g. {cut[:3]}"


# ------------------------------------------------------------------------------- instructor tools


def test_the_review_lesson_holds_no_instructor_tools():
    nb = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "90-review.ipynb", as_version=4)
    source = "\n".join(c.source for c in nb.cells)
    for name in ("item_statistics", "gradebook", "difficulty_figure", "simulated_cohort", "discrimination"):
        assert name not in source, f"90-review still shows {name}: it belongs to the instructor tools"


def test_the_instructor_tools_are_documented_in_the_readme():
    from widgets.quiz import analytics

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For instructors"):]
    for name in ("item_statistics", "gradebook", "write_gradebook", "difficulty_figure", "load_cohort",
                 "simulated_cohort"):
        assert hasattr(analytics, name) and f"{name}(" in section


def test_widget_tables_write_numbers_as_people_do():
    from widgets.core.view import table_html

    html = table_html([{"offset (mm)": -0.0, "angle (deg)": 12.5, "n": 3, "share": 0.30000000000000004}],
                      "caption")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells == ["0", "12.5", "3", "0.3"] and "-0" not in html


def test_a_table_cell_reads_as_a_number_or_as_empty():
    from widgets.core.numbers import optional_float

    assert optional_float(3) == 3.0 and isinstance(optional_float(3), float)
    assert optional_float(-0.5) == -0.5
    assert optional_float(None) is None
    assert optional_float(float("nan")) is None
    import numpy as np

    assert optional_float(np.float32("nan")) is None and optional_float(np.int64(4)) == 4.0
    for bad in ("about 3", [1], True):
        with pytest.raises(ValueError, match="expected a number or an empty cell"):
            optional_float(bad)


def test_a_table_cell_reads_as_text_or_as_empty():
    import numpy as np

    from widgets.core.numbers import cell_text

    assert cell_text("P=.22") == "P=.22" and cell_text(12) == "12" and cell_text(2.5) == "2.5"
    for empty in (None, float("nan"), np.float64("nan"), np.float32("nan")):
        assert cell_text(empty) == ""
    assert cell_text("") == "" and cell_text(0) == "0"


def test_an_argument_reads_as_a_finite_number_or_fails_naming_it():
    from widgets.core.numbers import finite_float

    assert finite_float("slip_mm", 3) == 3.0 and isinstance(finite_float("slip_mm", 3), float)
    with pytest.raises(TypeError, match="slip_mm must be a number, got str"):
        finite_float("slip_mm", "3")
    with pytest.raises(TypeError, match="shift must be a number, got bool"):
        finite_float("shift", True)
    with pytest.raises(ValueError, match="tilt must be a finite number"):
        finite_float("tilt", float("inf"))


def test_a_captioned_table_is_left_aligned_in_every_cell():
    from widgets.core.view import table_html

    page = table_html([{"key": "Kulkarni2019", "citation": "Kulkarni AG, et al. A title."}], "References")
    cells = page.count("<td ") + page.count("<th ")
    assert cells == 4 and page.count("text-align:left") == cells


# ------------------------------------------------------------------------------- captioned tables


def test_captioned_table_shows_a_named_index_as_a_column_and_every_cell_in_full():
    from widgets.cervical import tables as cervical_tables
    from widgets.complications import tables as complications_tables
    from widgets.core.tables import captioned_table

    frame = pd.DataFrame({"text": [LONG]}, index=pd.Index(["L4-L5"], name="level"))
    html = captioned_table(frame, caption="Levels & text")._repr_html_()
    assert "<caption>Levels &amp; text</caption>" in html
    assert '<th scope="col"' in html and ">level</th>" in html and ">L4-L5</td>" in html
    assert LONG in html
    for show in (cervical_tables.show, complications_tables.show):
        assert show(frame, "Levels & text")._repr_html_() == html
    for caption in ("", "  ", None):
        with pytest.raises(ValueError, match=r"a table needs a caption \(a non-empty string\)"):
            captioned_table(frame, caption=caption)
