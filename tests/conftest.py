"""Shared test configuration.

The nbval rule (one rule, narrow and documented): when ``pytest --nbval``
compares a notebook's saved outputs with a fresh run, outputs whose mime type
is a **widget view** (``application/vnd.jupyter.widget-view+json``) or a
**plotly figure** (``application/vnd.plotly.v1+json``) are not compared, and
neither is the text fallback of a widget view (it repeats random trace ids).
Those are the interactive views: the browser test drives them and unit tests
check the models behind them. Every other output (text, tables, HTML) is
compared exactly after ``tests/nbval_sanitize.cfg``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

# Keep the learner store and Jupyter's state out of the user's home in every test,
# including the kernels that nbval and papermill start (they inherit os.environ).
_TMP = Path(tempfile.mkdtemp(prefix="miss-tests-"))
os.environ.setdefault("MISS_PROGRESS_DIR", str(_TMP / "progress"))
for var, sub in (("JUPYTER_CONFIG_DIR", "jconfig"), ("IPYTHONDIR", "ipython")):
    os.environ.setdefault(var, str(_TMP / sub))


def _drop_views(outputs):
    """Return outputs without widget-view/plotly bundles (and widget text fallbacks)."""
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
    """Install the nbval rule when nbval is active."""
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # pragma: no cover
        return
    if getattr(IPyNbCell, "_miss_patched", False):
        return
    original = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        return original(self, _drop_views(test), _drop_views(ref), skip_compare)

    IPyNbCell.compare_outputs = compare_outputs
    IPyNbCell._miss_patched = True


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of data/ that the loader reads instead of the real one."""
    import shutil

    from widgets.core import data

    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    monkeypatch.setenv("MISS_DATA_DIR", str(target))
    data.clear_cache()
    yield target
    data.clear_cache()
