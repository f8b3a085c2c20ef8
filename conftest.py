"""Pytest configuration for the whole repository: unit tests and lessons alike.

It sits at the top of the repository so that every run finds it, ``pytest``,
``pytest tests/`` and ``pytest notebooks/`` alike.

The nbval rule (one rule, narrow and documented): when ``pytest --nbval``
compares a notebook's saved outputs with a fresh run, outputs whose mime type
is a **widget view** (``application/vnd.jupyter.widget-view+json``) or a
**plotly figure** (``application/vnd.plotly.v1+json``) are not compared, and
neither is the text fallback of a widget view (it repeats random trace ids).
Those are the interactive views: the browser test drives them and unit tests
check the models behind them. Every other output (text, tables, HTML) is
compared exactly after ``tests/nbval_sanitize.cfg``.

The rule uses nbval's public classes only: each notebook nbval collects is
collected again as a :class:`LessonNotebook`, whose cells compare outputs through
nbval's own ``compare_outputs`` after the views are set aside.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

# Keep the learner store and Jupyter's state out of the user's home in every test,
# including the kernels that nbval and papermill start (they inherit os.environ).
_TMP = Path(tempfile.mkdtemp(prefix="miss-tests-"))
os.environ.setdefault("MISS_PROGRESS_DIR", str(_TMP / "progress"))
for _var, _sub in (("JUPYTER_CONFIG_DIR", "jconfig"), ("IPYTHONDIR", "ipython")):
    os.environ.setdefault(_var, str(_TMP / _sub))


def drop_views(outputs):
    """Return outputs without widget-view/plotly bundles (and widget text fallbacks)."""
    import nbformat

    kept = []
    for out in outputs:
        data = out.get("data")
        if data is None:
            kept.append(out)
            continue
        data = dict(data)
        if WIDGET_MIME in data:
            data.pop("text/plain", None)
        data.pop(WIDGET_MIME, None)
        data.pop(PLOTLY_MIME, None)
        kept.append(nbformat.from_dict({**out, "data": data}))
    return kept


def pytest_configure(config):
    """Find the sanitize file of ``addopts`` from any folder, not only the repository's top."""
    option = config.option
    name = getattr(option, "nbval_sanitize_with", None)
    if name and not Path(name).is_absolute() and not Path(name).exists():
        option.nbval_sanitize_with = str(config.rootpath / name)


try:
    from nbval.plugin import IPyNbCell, IPyNbFile
except ImportError:  # pragma: no cover - nbval is in the test extra
    pass
else:

    class LessonCell(IPyNbCell):
        """A notebook cell whose widget views and plotly figures are not compared."""

        def compare_outputs(self, test, ref, skip_compare=None):
            """Compare as nbval does, after setting the views aside on both sides."""
            return super().compare_outputs(drop_views(test), drop_views(ref), skip_compare)

    class LessonNotebook(IPyNbFile):
        """A lesson as nbval collects it, with :class:`LessonCell` cells."""

        def collect(self):
            """Yield nbval's cells, each as a :class:`LessonCell`."""
            for cell in super().collect():
                yield LessonCell.from_parent(self, name=cell.name, cell_num=cell.cell_num,
                                             cell=cell.cell, options=cell.options)

    @pytest.hookimpl(wrapper=True)
    def pytest_collect_file(file_path, parent):
        """Collect the notebooks nbval collects as :class:`LessonNotebook` instead."""
        collected = yield
        return [LessonNotebook.from_parent(parent, path=file_path) if type(node) is IPyNbFile else node
                for node in collected]
