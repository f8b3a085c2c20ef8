"""The review lesson (notebooks/90-review.ipynb) runs on a learner's store that holds bad records."""

from __future__ import annotations

import json

import pytest

from widgets.core.catalog import notebooks_dir
from widgets.quiz.store import ProgressStore


@pytest.mark.slow
def test_the_review_lesson_runs_on_a_store_with_hand_edited_records(tmp_path, monkeypatch):
    import nbformat

    from widgets.lessons.variants import run_variant
    from widgets.quiz.items import item_index

    folder = tmp_path / "progress"
    monkeypatch.setenv("MISS_PROGRESS_DIR", str(folder))
    info = item_index()[0]
    store = ProgressStore("s42", folder)
    good = store.record(info.id, "a", correct=False, score=0.0, lesson=info.lesson,
                        objective=info.objective)
    with store.path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({**good, "id": "edited-1", "t": "yesterday"}) + "\n")
        fh.write(json.dumps({**good, "id": "edited-2", "score": "abc"}) + "\n")
    out = tmp_path / "review.ipynb"
    run_variant(notebooks_dir() / "90-review.ipynb", out, {"learner": "s42", "n_items": 3})
    nb = nbformat.read(out, as_version=4)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    texts = [str(o.get("data", {}).get("text/plain", "")) for c in nb.cells
             for o in c.get("outputs", [])]
    assert any("unreadable lines skipped" in t for t in texts)
