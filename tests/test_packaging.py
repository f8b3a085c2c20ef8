"""The suite works outside its checkout, and its notebook tests run from any entry point.

- The nbval rule (see the repository's conftest.py) holds for ``pytest notebooks/``:
  views are not compared, everything else still is.
- The wheel carries data/ and the lessons: built offline, installed in a fresh
  virtual environment, it runs a lesson from a folder outside the checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

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


# --------------------------------------------------------------------------- the wheel


def _can_build_wheels() -> bool:
    """Whether this environment's setuptools builds a wheel without fetching anything."""
    import importlib.util

    import setuptools
    from packaging.version import Version

    return Version(setuptools.__version__) >= Version("70.1") or importlib.util.find_spec("wheel") is not None


def _copy_checkout(target: Path) -> Path:
    """Copy what a build reads, so that the checkout gets no build/ or egg-info folder."""
    skip = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".ipynb_checkpoints",
                                  ".pytest_cache", ".ruff_cache")
    shutil.copytree(ROOT, target, ignore=skip)
    return target


def _site_packages() -> list[str]:
    """The folders this interpreter imports installed packages from (not the checkout on PYTHONPATH)."""
    found = {sysconfig.get_paths()["purelib"], *(p for p in sys.path if p.endswith("site-packages"))}
    return sorted(p for p in found if Path(p).is_dir())


@pytest.mark.slow
def test_installed_wheel_carries_data_and_runs_a_lesson(tmp_path):
    assert _can_build_wheels(), ("building the wheel offline needs setuptools>=70.1 (the test extra);"
                                 " install requirements.lock")
    env = _env()
    src = _copy_checkout(tmp_path / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", tmp_path / "dist", src], env=env, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("miss_lessons-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for folder, inside in (("data", "widgets/_data"), ("notebooks", "widgets/_notebooks")):
        expected = {f"{inside}/{p.relative_to(src / folder).as_posix()}" for p in (src / folder).rglob("*")
                    if p.is_file() and not any(part.startswith((".", "__")) for part in p.parts)}
        assert expected and expected == {n for n in names if n.startswith(inside + "/")}, folder

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel],
         env=env, timeout=300)
    # Only now the fresh environment sees the installed dependencies (pip must not see them above).
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(purelib, "miss-test-dependencies.pth").write_text("\n".join(_site_packages()) + "\n")

    away = tmp_path / "elsewhere"
    away.mkdir()
    where = _run([python, "-c", "import json, widgets\nfrom widgets.core.data import data_dir, load_table\n"
                  "from widgets.core.catalog import notebooks_dir\nload_table('instruments')\n"
                  "print(json.dumps([widgets.__file__, str(data_dir()), str(notebooks_dir())]))"],
                 cwd=away, env=env, timeout=120)
    package, data, lessons = (Path(p) for p in json.loads(where.stdout))
    assert venv in package.parents and venv in data.parents and venv in lessons.parents, where.stdout

    # The lesson's kernel is the fresh environment's interpreter, named in a kernel spec of its own.
    kernels = tmp_path / "jupyter" / "kernels" / "miss-wheel"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "installed wheel", "language": "python"}))
    out = away / "00-start-here.ipynb"
    jupyter = str(tmp_path / "jupyter")
    _run([python, "-m", "papermill", lessons / "00-start-here.ipynb", out, "-k", "miss-wheel", "--cwd", away,
          "--no-progress-bar"], cwd=away, timeout=600,
         env={**env, "JUPYTER_PATH": jupyter, "JUPYTER_DATA_DIR": jupyter})
    ran = nbformat.read(out, as_version=4)
    code = [c for c in ran.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
