"""Lesson execution time against an empty-notebook floor, callback latency, notebook sizes.

Each lesson is executed the way the test suite and ``widgets.lessons execute``
do (nbclient, fresh kernel, no widget state), and so is a notebook with one
empty code cell. Each is run ``REPEAT`` times and the best run is kept, as
``timeit`` does: on this kind of machine a kernel sometimes takes 3 s longer to
shut down (jupyter_client waits out a kernel that has not yet answered its
shutdown request), in the empty notebook and in lessons alike, and a median of a
few runs can land on one of those stalls. The runs go in rounds (the floor twice,
the stack notebook and every lesson once per round), so a machine that speeds up
or slows down over the minutes this takes shifts them all alike. Callback latency is measured
in-process on the view objects, by setting a control's value, which runs the
observers exactly as a browser change would.

Cold and warm: the 3-D models (spine meshes, voxel volume) are kept in a disk cache
(:mod:`widgets.core.cache`). Each lesson is first run once with an empty cache folder of its
own (**cold**: a learner's very first open on a machine nobody warmed), then ``REPEAT`` times
with that folder filled (**warm**: any later open, or every open on a hub whose image was warmed
at build time with ``python -m widgets.dev warm``). The budget applies to warm runs: at most
``BUDGET_X_FLOOR`` times the library floor (the stack notebook below).

The suite's package is byte-compiled first, as ``pip install`` leaves an installed package (and
as the hub image has it): where ``PYTHONDONTWRITEBYTECODE`` is set, as on the machine these
figures come from, a checkout would otherwise compile every module it changed in every kernel.
"""

from __future__ import annotations

import compileall
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks import cycle, latency, shown
from widgets.lessons.notebooks import find_notebooks

REPEAT = 5
#: Budget of issue 15: a lesson run warm takes at most this many times the library floor.
BUDGET_X_FLOOR = 1.65


@contextmanager
def _cache_folder(folder: Path):
    """Point the kernels started meanwhile (they inherit the environment) at one cache folder."""
    before = os.environ.get("MISS_CACHE_DIR")
    os.environ["MISS_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MISS_CACHE_DIR", None)
        else:
            os.environ["MISS_CACHE_DIR"] = before


def _execute_copy(path: Path, workdir: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}},
                            store_widget_state=False, record_timing=False)
    t0 = time.perf_counter()
    client.execute()
    return time.perf_counter() - t0


def _empty_notebook(folder: Path, source: str = "", name: str = "empty") -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


# What every lesson pays before its own code runs: the libraries it is built on, one table
# and one suite figure in its figure widget.
STACK_SOURCE = """\
import widgets
import numpy, pandas as pd, ipywidgets
import plotly.graph_objects as go
from widgets.core.figures import Figure
display(pd.DataFrame({"a": [1, 2]}))
Figure(go.Scatter(x=[0, 1], y=[0, 1])).output
"""


def start_here_callbacks() -> dict[str, dict[str, float]]:
    """Latency of every control of lesson 00's corridor explorer."""
    from widgets.access.view import CorridorExplorer

    ex = shown(CorridorExplorer())
    return {
        "00-start-here: tube dropdown": latency(cycle(ex.tube, (14, 18))),
        "00-start-here: depth slider": latency(cycle(ex.depth, (40.0, 60.0))),
        "00-start-here: retraction slider": latency(cycle(ex.width, (30.0, 50.0))),
    }


def run() -> dict:
    """Measure every lesson, cold and warm; return the figures."""
    import widgets

    compileall.compile_dir(str(Path(widgets.__file__).parent), quiet=1)  # as installed
    work = Path(tempfile.mkdtemp(prefix="miss-bench-"))
    try:
        notebooks_copy = work / "notebooks"
        shutil.copytree(find_notebooks()[0].parent, notebooks_copy)
        empty = _empty_notebook(notebooks_copy)
        stack_nb = _empty_notebook(notebooks_copy, STACK_SOURCE, "stack")
        lesson_paths = [p for p in find_notebooks(notebooks_copy) if p.stem not in ("empty", "stack")]
        caches = {p: work / "cache" / p.stem for p in lesson_paths}
        # cold: the first run of each lesson, with a cache folder of its own, empty
        cold: dict[Path, float] = {}
        for path in lesson_paths:
            with _cache_folder(caches[path]):
                cold[path] = _execute_copy(path, notebooks_copy)
        # warm, in rounds: the floor, the stack and every lesson once per round, so that a machine
        # that speeds up or slows down over the minutes this takes shifts them all alike
        runs: dict[Path, list[float]] = {p: [] for p in [empty, stack_nb, *lesson_paths]}
        for _ in range(REPEAT):
            for path in runs:
                with _cache_folder(caches.get(path, work / "cache" / "floor")):
                    runs[path].append(_execute_copy(path, notebooks_copy))
            runs[empty].append(_execute_copy(empty, notebooks_copy))  # the floor twice a round
        stack_nb.unlink()
        empty.unlink()
        floor, stack = min(runs[empty]), min(runs[stack_nb])
        floor_runs = [round(r, 2) for r in runs[empty]]
        stack_runs = [round(r, 2) for r in runs[stack_nb]]
        lessons = {}
        for path in lesson_paths:
            warm = min(runs[path])
            lessons[path.stem] = {
                "cold_s": round(cold[path], 2),
                "cold_x_floor": round(cold[path] / stack, 2),
                "warm_s": round(warm, 2),
                "warm_x_floor": round(warm / stack, 2),
                "within_budget": warm / stack <= BUDGET_X_FLOOR,
                "warm_runs_s": [round(r, 2) for r in runs[path]],
                "warm_x_empty_notebook": round(warm / floor, 2),
                "size_kb": round(path.stat().st_size / 1024, 1),
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "empty_notebook_s": round(floor, 2),
        "empty_notebook_runs_s": floor_runs,
        "stack_notebook_s (imports numpy, pandas, ipywidgets, plotly; shows one table and one figure)":
            round(stack, 2),
        "stack_notebook_runs_s": stack_runs,
        "lessons": lessons,
        "callbacks": start_here_callbacks(),
        "budgets": {"callback_p95_ms": 50, "warm_execution_x_library_floor": BUDGET_X_FLOOR},
    }
