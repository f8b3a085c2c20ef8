"""Class build of the case lesson: 30 variants against 30 empty notebooks built the same way.

The figure the budget applies to (<= 60 s on a 2-core machine) is the wall time of
``build_class`` for a class of 30 students, each with their own case variant (cases rotated over
every named case, difficulties rotated, seeds derived from the class seed), rendered in both the
student and the solution version: 60 notebooks, 2 worker processes with warm kernels, no HTML.
Beside it, the same 30 variants are built from a notebook that holds only the parameters cell and
one empty cell, through the same code path: the floor set by kernels, papermill's parameter
injection and nbclient. The latency of the lesson's own interactive callbacks (approach chooser,
prediction dropdown and compare button, quiz answer) is measured in-process.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks import latency, shown

N_VARIANTS = 30
BUDGET_S = 60.0


def _config(out: Path, name: str):
    from widgets.case.patients import DIFFICULTIES, case_ids
    from widgets.lessons.config import ClassConfig, Variant, derive_seed

    cases = case_ids()
    variants = []
    for i in range(N_VARIANTS):
        sid = f"s{i + 1:03d}"
        variants.append(Variant(sid, "student", (sid,), {
            "case": cases[i % len(cases)], "difficulty": DIFFICULTIES[i % 3],
            "seed": derive_seed(2025, sid), "learner": sid}))
    return ClassConfig(name=name, lesson="07-case", output=out, seed=2025,
                       versions=("student", "solution"), html=False, workers=2, timeout=300,
                       kernel="warm", variants=tuple(variants))


def _empty_notebook(folder: Path) -> Path:
    src = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "07-case.ipynb", as_version=4)
    params = next(c for c in src.cells if "parameters" in c.metadata.get("tags", []))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(params.source, metadata=params.metadata),
                                         nbformat.v4.new_code_cell("")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def _timed_build(config, notebook=None) -> tuple[float, dict[str, int]]:
    from widgets.lessons.classbuild import build_class

    t0 = time.perf_counter()
    results = build_class(config, force=True, progress=False, notebook=notebook)
    seconds = time.perf_counter() - t0
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    return seconds, counts


def callbacks() -> dict[str, dict[str, float]]:
    """Latency of the lesson's controls (in-process, as a browser change would run them)."""
    from widgets.case.model import case_run
    from widgets.case.view import ApproachChooser, OutcomePredictor, case_quiz

    run = case_run({"case": "degenerative-spondylolisthesis", "mode": "solution"})
    chooser = ApproachChooser(run)
    predictor = shown(OutcomePredictor(run))
    state = {"i": 0}

    def flip_approach():
        state["i"] += 1
        chooser.choice.value = "mis-tlif" if state["i"] % 2 else "open-tlif"

    def flip_prediction():
        state["i"] += 1
        predictor.dropdowns[0].value = "mis" if state["i"] % 2 else "comp"

    quiz = case_quiz(run)  # solution mode: practice, graded with feedback, nothing recorded
    item = quiz.session.items[0]
    response = (item.key, item.unit) if item.type == "numeric" else (
        dict(item.answer) if item.type == "matching" else item.answer)

    def answer():
        quiz.nav.value = 0
        result = quiz.answer(response)
        assert result is not None and result.correct

    return {
        "07-case: approach radio buttons": latency(flip_approach),
        "07-case: prediction dropdown": latency(flip_prediction),
        "07-case: compare button": latency(predictor.compare.click),
        "07-case: submit a quiz answer (graded, feedback shown)": latency(answer),
    }


def run() -> dict:
    """Build the class and the empty-notebook floor; return the figures."""
    from widgets.case.model import case_run

    case_run({})  # load the data once, as any build does before it starts
    with tempfile.TemporaryDirectory(prefix="miss-bench-class-") as tmp:
        tmp = Path(tmp)
        empty = _empty_notebook(tmp)
        floor_s, floor_counts = _timed_build(_config(tmp / "empty", "empty"), notebook=empty)
        case_s, case_counts = _timed_build(_config(tmp / "case", "case"))
    return {
        "variants": N_VARIANTS,
        "notebooks": 2 * N_VARIANTS,
        "workers": 2,
        "class_build_s": round(case_s, 1),
        "empty_notebooks_build_s": round(floor_s, 1),
        "ratio_to_empty": round(case_s / floor_s, 2),
        "per_notebook_s": round(case_s / (2 * N_VARIANTS), 2),
        "statuses": case_counts,
        "empty_statuses": floor_counts,
        "budget_s": BUDGET_S,
        "within_budget": case_s <= BUDGET_S,
        "callbacks": callbacks(),
        "budgets": {"callback_p95_ms": 50, "class_build_s": BUDGET_S},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
