"""Lesson 05: latency of every interactive control (re-pooling and redrawing), in-process.

Each figure is the time from setting a control's value to the end of its
callbacks: the meta-analysis is recomputed (effect sizes, tau², intervals), the
forest and funnel plots and both HTML tables are rebuilt, as a browser change
would trigger. Budget: p95 <= 50 ms. Also timed: building the wins/ties/loses
table from the data (a notebook cell, not a callback).
"""

from __future__ import annotations

import time

from benchmarks import cycle, latency, shown

BUDGET_P95_MS = 50


def _flip(control, a, b):
    return cycle(control, (a, b))


def run() -> dict:
    """Return p50/p95/max latency (ms) of each control of lesson 05's widgets."""
    from widgets.evidence.tables import evidence_map
    from widgets.evidence.view import LearningCurveExplorer, MetaExplorer

    ex = shown(MetaExplorer())
    figures = {
        "05-evidence: confidence interval slider (re-pool)": latency(_flip(ex.level, 95, 96)),
        "05-evidence: model toggle (re-pool)": latency(_flip(ex.model, "fixed", "REML")),
        "05-evidence: effect measure dropdown (re-pool)": latency(_flip(ex.measure, "MD", "SMD")),
        "05-evidence: study checkbox (re-pool)": latency(
            _flip(next(c for c in ex.checks if c.study == "Rahman 2025"), True, False)),
        "05-evidence: outcome dropdown (rebuild and re-pool)": latency(
            _flip(ex.outcome, "screw_accuracy_freehand", "blood_loss"), repeat=30),
    }
    lce = shown(LearningCurveExplorer())
    figures["05-evidence: simulated-surgeon slider (CUSUM)"] = latency(_flip(lce.seed, 1, 2))
    figures["05-evidence: curve shape dropdown (CUSUM)"] = latency(_flip(lce.shape, "line", "step"))
    figures["05-evidence: variation checkbox (CUSUM)"] = latency(_flip(lce.noise, False, True))
    t0 = time.perf_counter()
    evidence_map()
    figures["05-evidence: wins/ties/loses table (one build, ms)"] = {
        "p50_ms": round((time.perf_counter() - t0) * 1000, 1), "n": 1}
    over = [k for k, v in figures.items() if "p95_ms" in v and v["p95_ms"] > BUDGET_P95_MS]
    return {"callbacks": figures, "budget_p95_ms": BUDGET_P95_MS, "over_budget": over}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
