"""Adding a lesson is one notebook plus one catalog entry: shown on a throwaway lesson in a copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
STEM = "95-throwaway"

ENTRY = '''    Lesson(
        "95-throwaway",
        "A throwaway lesson: one notebook and one catalog entry",
        5,
        ("Show that a lesson needs only its notebook and its catalog entry",),
        params=(
            Param("depth_mm", float, 50.0, "a depth in mm", minimum=20.0, maximum=120.0),
            Param("label", str, "tube", "what the lesson calls it", choices=("tube", "open")),
        ),
    ),
'''


def _notebook() -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    parameters = code('depth_mm: float = 50.0  # a depth in mm (20-120)\n'
                      'label: str = "tube"  # "tube" or "open"')
    parameters.metadata["tags"] = ["parameters"]
    check = 'from widgets.lessons.registry import check_notebook_parameters\n\n' \
            f'check_notebook_parameters("{STEM}", globals())'
    nb = nbformat.v4.new_notebook(cells=[
        md("# A throwaway lesson: one notebook and one catalog entry\n\n"
           "> This lesson is educational material, not medical advice."),
        md("## Objectives\n\nBy the end of this lesson you will be able to:\n\n"
           "1. show that a lesson needs only its notebook and its catalog entry.\n\n"
           "## Prerequisites\n\nNone.\n\n## Time to learn\n\nAbout 5 minutes."),
        md("## A section\n\nThe parameters:"), parameters,
        md("They are checked:"), code(check),
        md("A lesson may keep top-level numbers of its own:"),
        code("volume = depth_mm * 2\nprint(label, volume)"),
        md("and the check still passes when run again after them:"), code(check),
        md("## Summary\n\nNothing to summarise."), md("## References\n\nNone."),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A copy of the suite with the throwaway lesson added: its notebook and its catalog entry."""
    root = tmp_path_factory.mktemp("suite")
    for name in ("widgets", "data", "notebooks"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", root / "README.md")
    catalog = root / "widgets" / "core" / "catalog.py"
    text = catalog.read_text(encoding="utf-8")
    end = "\n)\n\n\ndef lesson("
    assert text.count(end) == 1, "the end of LESSONS moved: update this test"
    catalog.write_text(text.replace(end, "\n" + ENTRY + ")\n\n\ndef lesson("), encoding="utf-8")
    nbformat.write(_notebook(), root / "notebooks" / f"{STEM}.ipynb")
    return root


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(copy), "MISS_PROGRESS_DIR": str(copy / "progress")}
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True,
                          check=False, timeout=300)


def test_the_outline_and_parameters_check_passes(copy):
    proc = _run(copy, "-m", "widgets.lessons", "check")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr


def test_the_readme_map_is_written_from_the_catalog(copy):
    proc = _run(copy, "-m", "widgets.lessons", "readme")
    assert proc.returncode == 0, proc.stderr
    text = (copy / "README.md").read_text(encoding="utf-8")
    row = (f"| 95 | [A throwaway lesson: one notebook and one catalog entry](notebooks/{STEM}.ipynb)"
           " | 5 min | show that a lesson needs only its notebook and its catalog entry |")
    assert row in text.splitlines()
    assert len(text.splitlines()) == len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) + 1


def test_the_check_names_an_outline_that_disagrees_with_the_catalog(copy, tmp_path):
    path = copy / "notebooks" / f"{STEM}.ipynb"
    saved = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("About 5 minutes", "About 50 minutes")
    nbformat.write(nb, path)
    try:
        proc = _run(copy, "-m", "widgets.lessons", "check")
    finally:
        path.write_bytes(saved)
    assert proc.returncode == 1
    assert proc.stdout.strip() == (f"{STEM}.ipynb: time to learn 'About 50 minutes.' does not start"
                                   " 'About 5 minutes', as the catalog says")


def test_a_papermill_run_with_other_values(copy, tmp_path):
    out = tmp_path / "run.ipynb"
    proc = _run(copy, "-m", "widgets.lessons", "run", f"notebooks/{STEM}.ipynb", str(out),
                "-p", "depth_mm", "80", "-p", "label", "open")
    assert proc.returncode == 0, proc.stderr
    outputs = [o for c in nbformat.read(out, as_version=4).cells for o in c.get("outputs", [])]
    texts = [o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs]
    assert texts == ["{'depth_mm': 80.0, 'label': 'open'}", "open 160\n",
                     "{'depth_mm': 80.0, 'label': 'open'}"]


def test_an_injected_name_the_lesson_lacks_is_refused_in_the_kernel(copy, tmp_path):
    proc = _run(copy, "-m", "papermill", f"notebooks/{STEM}.ipynb", str(tmp_path / "bad.ipynb"),
                "-p", "colour", "red", "-k", "python3")
    assert proc.returncode != 0
    assert ("ParameterError: unknown parameter 'colour' for lesson '95-throwaway'; allowed: depth_mm,"
            " label\n") in proc.stderr
