"""Lesson 03 (the view down the tube and the endoscope): rendering and callback latency, in-process.

Each figure is the time from a control's change to its view being updated (the
model rendering rasterised, the figure, its text alternative and the table
rewritten), as a browser change would trigger it; sending the figure to a front
end is not included. The spine model is built once before timing, as after the
lesson's first cells. The bare model renderings (no figure) are timed too, and
the wand and lens callbacks also in CPU time of this process (``time.process_time``),
which a machine shared with other work inflates far less than the wall clock.
Budget (issue 15): view update p95 <= 100 ms.
"""

from __future__ import annotations

import statistics
import time

from benchmarks import cycle, latency, shown

BUDGET_P95_MS = 100


def cpu_latency(func, repeat: int = 40) -> dict[str, float]:
    """Call ``func`` repeatedly; return p50/p95 of this process's CPU time per call, in ms."""
    func()
    samples = []
    for _ in range(repeat):
        t0 = time.process_time()
        func()
        samples.append((time.process_time() - t0) * 1000.0)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(round(0.95 * (repeat - 1)))], 2),
            "max_ms": round(samples[-1], 2), "n": repeat}


def run() -> dict:
    """Return p50/p95/max latency (ms) of each control's callback and of the bare renderings."""
    from widgets.access.endoscope import endoscope_view
    from widgets.access.view import EndoscopeView, TubeWindowView
    from widgets.access.window import REMOVALS, TARGETS, tube_diameters_mm, tube_window
    from widgets.core.levels import DISCS

    tube = shown(TubeWindowView())
    scope = shown(EndoscopeView())
    for segment in DISCS:  # every segment's scene built once, as a student visiting each would
        tube.segment.value = segment
        scope.segment.value = segment
    tube.segment.value = scope.segment.value = "L4-L5"
    state = {"r": 0}

    def turn():
        state["r"] = (state["r"] + 15) % 360
        scope.rotation.value = state["r"]

    return {
        "03-techniques: tube view, wand slider": latency(cycle(tube.wand, [-20, -10, 0, 10, 20]), repeat=60),
        "03-techniques: tube view, up-down wand slider": latency(cycle(tube.caudal, [-20, 0, 10, 20]),
                                                                repeat=60),
        "03-techniques: tube view, bone removed": latency(cycle(tube.removal, list(REMOVALS)), repeat=60),
        "03-techniques: tube view, side": latency(cycle(tube.side, ["left", "right"]), repeat=60),
        "03-techniques: tube view, disc level": latency(cycle(tube.segment, list(DISCS)), repeat=60),
        "03-techniques: tube view, tube diameter": latency(cycle(tube.diameter, list(tube_diameters_mm())),
                                                           repeat=60),
        "03-techniques: tube view, target": latency(cycle(tube.target, list(TARGETS)), repeat=60),
        "03-techniques: endoscope view, lens rotation": latency(turn, repeat=60),
        "03-techniques: endoscope view, disc level": latency(cycle(scope.segment, list(DISCS)), repeat=60),
        "tube rendering alone (tube_window, 120 px, medial facetectomy)": latency(
            lambda: tube_window(removal="laminotomy and medial facetectomy", wand_deg=-10), repeat=60),
        "endoscope rendering alone (endoscope_view, 120 px)": latency(
            lambda: endoscope_view(rotation_deg=90), repeat=60),
        "03-techniques: tube view, wand slider (CPU time)": cpu_latency(
            cycle(tube.wand, [-20, -10, 0, 10, 20])),
        "03-techniques: endoscope view, lens rotation (CPU time)": cpu_latency(turn),
        "budget_p95_ms": BUDGET_P95_MS,
    }
