"""Re-executing a lesson on unchanged code reproduces the committed file byte for byte.

This is what keeps ``python3 -m widgets.dev execute`` from leaving git dirty,
and it compares everything, including the figure JSON that nbval skips.
"""

from __future__ import annotations

import shutil

import pytest

from widgets.lessons.notebooks import execute_in_place, find_notebooks

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", find_notebooks(), ids=lambda p: p.stem)
def test_reexecution_leaves_the_file_unchanged(tmp_path, path):
    copy_dir = tmp_path / "notebooks"
    shutil.copytree(path.parent, copy_dir)
    copy = copy_dir / path.name
    execute_in_place(copy)
    assert copy.read_bytes() == path.read_bytes(), (
        f"{path.name} changes when re-executed: run `python3 -m widgets.dev execute` and commit")
