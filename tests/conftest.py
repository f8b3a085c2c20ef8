"""Shared configuration of the unit tests (the nbval rule is in the repository's conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
