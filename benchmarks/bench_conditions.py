"""Lesson 02 callback latency: every interactive control of its four views, in-process.

Each control's value is flipped between two settings, which runs the
observers exactly as a change in the browser would; the selection walker is
timed answering one question (grading, feedback, route table and figure
update) and starting again. Budget: p95 <= 50 ms.
"""

from __future__ import annotations

from benchmarks import cycle, latency, shown

BUDGET_P95_MS = 50


def _flip(control, a, b):
    return cycle(control, (a, b))


def run() -> dict:
    """Return latency figures (ms) for every control of lesson 02."""
    from widgets.conditions.view import CobbExplorer, MeyerdingExplorer, RootFinder, SelectionWalker

    mey = shown(MeyerdingExplorer())
    cobb = shown(CobbExplorer())
    roots = shown(RootFinder())
    walker = shown(SelectionWalker("paramedian-l4-l5"))

    def answer_and_restart():
        walker.answer_with("no-red-flag")
        walker._reset()

    figures = {
        "02: Meyerding slip slider": latency(_flip(mey.slip, 10.0, 20.0)),
        "02: Meyerding endplate slider": latency(_flip(mey.width, 34.0, 37.0)),
        "02: Cobb apex dropdown": latency(_flip(cobb.apex, "T8", "T10")),
        "02: Cobb half-width slider": latency(_flip(cobb.half, 2.5, 3.5)),
        "02: Cobb apex-shift slider": latency(_flip(cobb.shift, 1.0, 2.0)),
        "02: Cobb side toggle": latency(_flip(cobb.side, "left", "right")),
        "02: Cobb upper end dropdown": latency(_flip(cobb.upper, "T4", "T6")),
        "02: Cobb lower end dropdown": latency(_flip(cobb.lower, "T11", "T12")),
        "02: root finder weakness dropdown": latency(_flip(roots.weakness, "ankle dorsiflexion",
                                                           "great toe extension")),
        "02: root finder numbness dropdown": latency(_flip(roots.numbness, "inner ankle", "top of the foot")),
        "02: root finder reflex dropdown": latency(_flip(roots.reflex, "knee jerk (patellar)", "(none)")),
        "02: root finder zone toggle": latency(_flip(roots.zone, "far-lateral", "paramedian")),
        "02: selection case dropdown": latency(_flip(walker.case_menu, "mobile-slip", "paramedian-l4-l5")),
        "02: selection answer + check, then restart": latency(answer_and_restart),
    }
    worst = max(v["p95_ms"] for v in figures.values())
    return {"callbacks": figures, "budget_p95_ms": BUDGET_P95_MS, "worst_p95_ms": worst,
            "within_budget": worst <= BUDGET_P95_MS}
