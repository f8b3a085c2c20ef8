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


@pytest.fixture(scope="session")
def model_cache_root(tmp_path_factory):
    """A model cache folder for the whole test session (empty at its start)."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture
def model_cache(model_cache_root, tmp_path, monkeypatch):
    """Point ``MISS_CACHE_DIR`` at an empty folder for one test, so no user's cache takes part.

    Only the tests that exercise the disk cache use it; every other test (and every lesson run
    by nbval) gives the same results with the cache warm, cold or off.
    """
    folder = model_cache_root / tmp_path.name
    monkeypatch.setenv("MISS_CACHE_DIR", str(folder))
    return folder
