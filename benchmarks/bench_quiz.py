"""Quiz engine latency: build and show a 20-item quiz and grade one answer, in-process.

The measured operation is what a learner waits for when a quiz cell runs and
they submit a first answer: draw 20 items from the banks (already loaded, as
after the first quiz of a session), shuffle them with a seed, build the
widget, produce its display bundle, set the first question's controls to an
answer, press Submit (grading in Python, feedback rendered) and record the
answer durably in a progress store (append, fsync) in a temporary folder.
Budget: p95 <= 50 ms. The cold load of every bank (YAML, schema, keys
resolved from the data tables) is reported separately, once per process.
"""

from __future__ import annotations

import os
import tempfile
import time

from benchmarks import latency

BUDGET_P95_MS = 50
N_ITEMS = 20


def _response(item):
    """A right answer to ``item`` in the grader's terms."""
    if item.type == "single":
        return item.answer
    if item.type == "multiple":
        return list(item.answer)
    if item.type == "numeric":
        return (item.key, item.unit)
    if item.type == "ordering":
        return list(item.answer)
    return dict(item.answer)


def run() -> dict:
    """Return latency figures (ms) and the cold bank-load time (s)."""
    from widgets.core import data
    from widgets.quiz import items as bank_items
    from widgets.quiz.grading import grade
    from widgets.quiz.session import shuffled_items
    from widgets.quiz.store import ENV_VAR, ProgressStore
    from widgets.quiz.view import QuizView

    def forget():
        data.clear_cache()
        bank_items._load_bank_cached.cache_clear()
        bank_items._scan_bank.cache_clear()

    forget()
    t0 = time.perf_counter()
    bank_items.items_for_lesson("00-start-here")
    lesson_cold_s = time.perf_counter() - t0
    forget()
    t0 = time.perf_counter()
    pool = bank_items.all_items()
    cold_s = time.perf_counter() - t0

    state = {"seed": 0}
    with tempfile.TemporaryDirectory() as folder:
        old = os.environ.get(ENV_VAR)
        os.environ[ENV_VAR] = folder
        try:
            store = ProgressStore("bench")

            def build_show_grade(record: bool = True):
                state["seed"] += 1
                chosen = shuffled_items(bank_items.all_items(), state["seed"])[:N_ITEMS]
                view = QuizView(chosen, seed=state["seed"], store=store if record else None)
                view.widget()._repr_mimebundle_()
                result = view.answer(_response(view.current.item))
                assert result is not None and result.correct
                view.close()

            full = latency(build_show_grade, repeat=100)
            no_store = latency(lambda: build_show_grade(record=False), repeat=100)
        finally:
            if old is None:
                os.environ.pop(ENV_VAR, None)
            else:
                os.environ[ENV_VAR] = old

    numeric = next(i for i in pool if i.type == "numeric")
    pure = latency(lambda: grade(numeric, (numeric.key, numeric.unit)), repeat=500)
    return {
        "build, show a 20-item quiz and grade one answer (recorded)": full,
        "build, show a 20-item quiz and grade one answer (not recorded)": no_store,
        "grade one numeric answer (pure grader)": pure,
        "bank_load_cold_s": round(cold_s, 2),
        "one_lesson_items_cold_s (00-start-here)": round(lesson_cold_s, 2),
        "items_in_banks": len(pool),
        "budget_p95_ms": BUDGET_P95_MS,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
