"""Benchmarks: performance figures measured, not asserted.

``python -m benchmarks`` runs every ``benchmarks/bench_*.py`` module's
``run()`` and writes the figures to ``benchmarks/results.json``; the README's
Performance section quotes that file. Helpers here time in-process callbacks.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def latency(func: Callable[[], object], repeat: int = 50, warmup: int = 3) -> dict[str, float]:
    """Call ``func`` repeatedly; return p50/p95/max latency in milliseconds."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t0) * 1000.0)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(samples[-1], 2),
        "n": repeat,
    }


def shown(view):
    """Return ``view`` after assembling its widget, as a notebook cell does.

    A suite figure updates its figure widget only once the widget exists, so a
    view that was never shown would time its callbacks without the redraw.
    """
    view.widget()
    return view


def cycle(control, values) -> Callable[[], None]:
    """Return a function that sets ``control.value`` to the next of ``values`` on each call.

    Setting a control's value runs its observers exactly as a change in the browser
    would, so timing the returned function times the callback.
    """
    values = list(values)
    state = {"i": 0}

    def run() -> None:
        state["i"] += 1
        control.value = values[state["i"] % len(values)]

    return run

