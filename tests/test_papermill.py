"""Parameterised runs: non-default values work; bad ones fail at once with one line."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import papermill
import pytest

from widgets.core.catalog import notebooks_dir
from widgets.core.params import ParameterError
from widgets.lessons.variants import run_variant

pytestmark = pytest.mark.slow
LESSON = notebooks_dir() / "00-start-here.ipynb"


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(str(out.get("data", {}).get("text/plain", "")))
            parts.append(str(out.get("text", "")))
    return "\n".join(parts)


def test_a_non_default_run_changes_what_students_read(tmp_path):
    out = tmp_path / "variant.ipynb"
    run_variant(LESSON, out, {"tube_diameter_mm": 18, "depth_mm": 80.0})
    text = _outputs_text(nbformat.read(out, as_version=4))
    assert "'tube_diameter_mm': 18" in text and "'depth_mm': 80.0" in text
    # the 18 mm tube at 80 mm depth: pi * 9^2 * 80 / 1000 = 20.4 cm^3
    assert "20.4" in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tube_diamter_mm": 18}, "unknown parameter 'tube_diamter_mm'"),
        ({"depth_mm": "deep"}, "parameter 'depth_mm' must be a float from 20.0 to 120.0; got 'deep' (str)"),
        ({"retraction_width_mm": 5.0}, "parameter 'retraction_width_mm' must be a float from 20.0 to 80.0"),
    ],
)
def test_bad_parameters_fail_before_the_kernel_starts(tmp_path, params, message):
    out = tmp_path / "never.ipynb"
    with pytest.raises(ParameterError, match=re.escape(message)):
        run_variant(LESSON, out, params)
    assert not out.exists()


def test_a_plain_papermill_call_is_caught_in_the_kernel(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(str(LESSON), str(tmp_path / "x.ipynb"), parameters={"levle": "L4"},
                                   cwd=str(LESSON.parent), progress_bar=False, kernel_name="python3")
    assert "ParameterError" in str(info.value)
    assert "unknown parameter 'levle' for lesson '00-start-here'" in str(info.value)


def test_the_command_line_prints_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "widgets.lessons", "run", str(LESSON), str(tmp_path / "o.ipynb"),
         "-p", "tube_diameter_mm", "15"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: parameter 'tube_diameter_mm' must be one of 14, 16, 18; "
                                   "got 15")
