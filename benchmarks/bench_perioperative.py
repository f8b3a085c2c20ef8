"""Callback latency of every interactive control of lesson 06 (around surgery), in-process.

Each control's value is set back and forth, which runs its observers exactly
as a change in the browser would: the model is recomputed, the figure is
updated and the HTML tables are rebuilt. Budget: p95 <= 50 ms per callback.
The first build of each view (what a learner waits for when its cell runs) is
reported once, in seconds.
"""

from __future__ import annotations

import time

from benchmarks import cycle, latency, shown

BUDGET_P95_MS = 50


def _flip(control, a, b):
    return cycle(control, (a, b))


def run() -> dict:
    """Return callback latencies (ms) for every control of the lesson's views, and build times (s)."""
    from widgets.access.view import ComparatorView
    from widgets.perioperative.view import EvidenceView, RecoveryTimeline

    builds = {}
    t0 = time.perf_counter()
    comparator = shown(ComparatorView())
    builds["comparator_build_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    evidence = shown(EvidenceView())
    builds["evidence_build_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    timeline = shown(RecoveryTimeline())
    builds["timeline_build_s"] = round(time.perf_counter() - t0, 3)

    callbacks = {
        "06-around-surgery: comparator level dropdown": latency(_flip(comparator.level, "L1-L2", "L5-S1")),
        "06-around-surgery: comparator procedure dropdown": latency(
            _flip(comparator.procedure, "discectomy", "tlif")),
        "06-around-surgery: comparator tube dropdown": latency(_flip(comparator.tube, 14, 26)),
        "06-around-surgery: comparator depth slider": latency(_flip(comparator.depth, 40.0, 60.0)),
        "06-around-surgery: evidence family dropdown": latency(_flip(evidence.family, "discectomy", "all")),
        "06-around-surgery: evidence verdict dropdown": latency(_flip(evidence.verdict, "not better", "all")),
        "06-around-surgery: timeline milestone dropdown": latency(
            _flip(timeline.milestone, "length of stay", "all")),
        "06-around-surgery: timeline single-arm checkbox": latency(_flip(timeline.single_arm, False, True)),
    }
    worst = max(v["p95_ms"] for v in callbacks.values())
    return {"callbacks": callbacks, **builds, "worst_p95_ms": worst,
            "within_budget": worst <= BUDGET_P95_MS}
