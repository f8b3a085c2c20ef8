"""The notebook tests run from any entry point.

- The nbval rule (see the repository's conftest.py) holds for ``pytest notebooks/``:
  views are not compared, everything else still is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _env(**extra: str) -> dict[str, str]:
    """The test's environment without what points at this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MISS_DATA_DIR"}}
    return {**env, **extra}


def _run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure, say what it printed."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{cmd[:4]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


# --------------------------------------------------------------------------- the nbval rule


def _cell(source: str, n: int, outputs: list[dict]):
    cell = nbformat.v4.new_code_cell(source, execution_count=n)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _notebook(printed: str) -> nbformat.NotebookNode:
    """Three saved cells: a widget view and a plotly figure from another run, and a printed line."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("import ipywidgets\nipywidgets.IntSlider(3)", 1, [
            {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": "0" * 32}}}]),
        _cell(f"from IPython.display import display\n"
              f"display({{{PLOTLY_MIME!r}: {{'data': [{{'y': [1, 2]}}]}}}}, raw=True)", 2, [
            {"output_type": "display_data", "metadata": {}, "data": {PLOTLY_MIME: {"data": [{"y": [9]}]}}}]),
        _cell("print('L4-L5')", 3, [{"output_type": "stream", "name": "stdout", "text": printed}]),
    ]
    return nb


def test_pytest_notebooks_compares_text_but_not_views(tmp_path):
    for name in ("conftest.py", "pyproject.toml", "tests/nbval_sanitize.cfg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_notebook("L4-L5\n"), tmp_path / "notebooks" / "same.ipynb")
    nbformat.write(_notebook("L5-S1\n"), tmp_path / "notebooks" / "changed.ipynb")
    run = subprocess.run([sys.executable, "-m", "pytest", "notebooks/", "-q", "-p", "no:xdist", "-rf"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env=_env(PYTHONPATH=str(ROOT)))
    failed = re.findall(r"^FAILED (\S+::Cell \d+)", run.stdout, flags=re.MULTILINE)
    assert failed == ["notebooks/changed.ipynb::Cell 2"], run.stdout + run.stderr
    assert "1 failed, 5 passed" in run.stdout, run.stdout
