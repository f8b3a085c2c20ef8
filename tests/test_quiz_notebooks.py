"""The quiz in the lessons: no answer key in committed notebooks; the review notebook's parameters."""

from __future__ import annotations

import json

import pytest

from widgets.core.catalog import notebooks_dir
from widgets.core.params import ParameterError
from widgets.lessons.registry import get_spec
from widgets.quiz.items import all_items

NOTEBOOKS = [notebooks_dir() / "00-start-here.ipynb", notebooks_dir() / "90-review.ipynb"]


def _secrets() -> list[str]:
    """Texts that would give answers away: explanations and per-option feedback."""
    out = []
    for item in all_items():
        out.append(item.explanation)
        out += [o.feedback for o in (*item.options, *item.prompts) if o.feedback]
        out += list(item.feedback.values())
    return [s for s in out if len(s) >= 25]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_answer_key_in_the_notebook_or_its_outputs(path):
    text = json.dumps(json.loads(path.read_text(encoding="utf-8")))
    leaked = [s for s in _secrets() if json.dumps(s)[1:-1] in text]
    assert leaked == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_ends_with_a_quiz(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"]]
    quiz = [i for i, s in enumerate(sources) if "lesson_quiz(" in s or "review_quiz(" in s]
    summary = next(i for i, s in enumerate(sources) if s.lstrip().startswith("## Summary"))
    assert quiz and max(quiz) < summary


def test_review_parameters():
    spec = get_spec("90-review")
    assert spec.defaults() == {"learner": "student", "seed": 0, "n_items": 10}
    assert spec.validate({"learner": "s1234", "n_items": 5}, partial=True)["n_items"] == 5
    with pytest.raises(ParameterError, match="parameter 'learner': learner id '../x'"):
        spec.validate({"learner": "../x"}, partial=True)
    with pytest.raises(ParameterError, match="n_items"):
        spec.validate({"n_items": 0}, partial=True)


@pytest.mark.slow
def test_review_runs_with_other_parameters(tmp_path, monkeypatch):
    import nbformat

    from widgets.lessons.variants import run_variant

    monkeypatch.setenv("MISS_PROGRESS_DIR", str(tmp_path / "progress"))
    out = tmp_path / "review.ipynb"
    run_variant(notebooks_dir() / "90-review.ipynb", out, {"learner": "s42", "n_items": 3})
    nb = nbformat.read(out, as_version=4)
    texts = [str(o.get("data", {}).get("text/plain", "")) for c in nb.cells
             for o in c.get("outputs", [])]
    assert any("'learner': 's42'" in t and "'n_items': 3" in t for t in texts)
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
