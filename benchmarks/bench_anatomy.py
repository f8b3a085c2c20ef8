"""Lesson 01 (spinal anatomy): model build times, callback latency, mesh sizes, notebook size.

Budgets (issue 15): one vertebra built cold in <= 150 ms and cached after, <= 20k
triangles per vertebra; from the earlier budgets: the level-change callback p95 <= 100 ms,
notebook <= 2 MB. The L1-S1 stack (six vertebrae, discs, foramina, nerves, ligaments,
sacrum and pelvis) is built once per pedicle series and spread and cached; its time is
reported without a budget.

Build times are of the geometry with each level's dimensions already resolved
(the table look-up is cached once per process). "Cold" bypasses the vertebra cache
and rebuilds the skeleton of the level below too; "cached" is a repeated
:func:`build_vertebra` call. The machine is shared, so CPU time (``process_time``) is
reported beside wall time. Callback latency is measured in-process by setting a
control's value, which runs the observers as a browser change would (sending the new
figure data to a front end is not included).
"""

from __future__ import annotations

import os
import time

from benchmarks import cycle, latency, shown
from widgets.anatomy import LEVELS, build_spine, build_vertebra, level_dimensions
from widgets.anatomy.morphometry import PEDICLE_SERIES_DEFAULT
from widgets.anatomy.spine import _assemble_spine
from widgets.anatomy.vertebra import _assemble_vertebra, _neighbour_skeleton, vertebra_core
from widgets.core.catalog import notebooks_dir

BUDGETS = {"vertebra_build_cold_ms": 150, "level_change_p95_ms": 100,
           "triangles_per_vertebra": 20_000, "notebook_kb": 2048}


def _cpu(func, repeat: int) -> dict[str, float]:
    """Median and worst CPU time (ms) of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        t0 = time.process_time()
        func()
        samples.append((time.process_time() - t0) * 1000.0)
    samples.sort()
    return {"cpu_p50_ms": round(samples[len(samples) // 2], 1), "cpu_max_ms": round(samples[-1], 1)}




def builds() -> dict[str, object]:
    """Time one vertebra (cold and cached) and the whole stack."""
    before = os.environ.get("MISS_CACHE_DIR")
    os.environ["MISS_CACHE_DIR"] = "off"  # a first build, not a read of the model cache
    try:
        t0 = time.perf_counter()
        build_spine()
        cold = (time.perf_counter() - t0) * 1000.0
    finally:
        if before is None:
            os.environ.pop("MISS_CACHE_DIR", None)
        else:
            os.environ["MISS_CACHE_DIR"] = before
    for level in LEVELS:
        level_dimensions(level)

    def uncached(lv):
        _neighbour_skeleton.cache_clear()
        _assemble_vertebra(lv, PEDICLE_SERIES_DEFAULT, 0.0)  # the build itself: no memory or disk cache

    per_level_cold = {lv: {**latency(lambda lv=lv: uncached(lv), repeat=10, warmup=1),
                           **_cpu(lambda lv=lv: uncached(lv), 5)} for lv in LEVELS}
    worst_cold = max(per_level_cold.values(), key=lambda f: f["p95_ms"])
    cached = {lv: latency(lambda lv=lv: build_vertebra(lv), repeat=30) for lv in LEVELS}
    worst_cached = max(cached.values(), key=lambda f: f["p95_ms"])
    core = latency(lambda: vertebra_core(level_dimensions("L4"), level_dimensions("L3")), repeat=10)
    spine = {**latency(lambda: _assemble_spine(PEDICLE_SERIES_DEFAULT, 0.0),
                       repeat=3, warmup=1),
             **_cpu(lambda: _assemble_spine(PEDICLE_SERIES_DEFAULT, 0.0), 2)}
    return {
        "one vertebra built cold (its parts and facets, the neighbour's skeleton rebuilt), per level (ms)":
            per_level_cold,
        "one vertebra built cold, worst level (ms)": worst_cold,
        "one vertebra, cached (build_vertebra again), worst level (ms)": worst_cached,
        "one vertebra, parts only (L4, ms)": core,
        "L1-S1 stack with discs, foramina, nerves, ligaments, sacrum and pelvis (ms)": spine,
        "first L1-S1 build in a fresh process, incl. reading the tables (ms)": round(cold, 1),
    }


def meshes() -> dict[str, object]:
    """Triangle counts."""
    spine = build_spine()
    per_vertebra = {v.level: v.n_triangles for v in spine.vertebrae}
    return {"triangles per vertebra": per_vertebra,
            "max triangles per vertebra": max(per_vertebra.values()),
            "triangles in the L1-S1 model (all parts)": spine.n_triangles}


def callbacks() -> dict[str, dict[str, float]]:
    """Latency of the lesson's controls."""
    from widgets.anatomy.view import AnatomyExplorer, KambinExplorer, TranspsoasView

    ex = shown(AnatomyExplorer())
    for series in ("Zindrick1987", PEDICLE_SERIES_DEFAULT):  # build both spines once
        ex.series.value = series
    k = shown(KambinExplorer())
    lateral = shown(TranspsoasView())
    return {
        "01: level dropdown": latency(cycle(ex.level, list(LEVELS)), repeat=60),
        "01: part dropdown": latency(cycle(ex.part, ["body", "pedicles", "disc",
                                                        "exiting roots"]), repeat=40),
        "01: series dropdown (models cached)": latency(
            cycle(ex.series, ["Zindrick1987", PEDICLE_SERIES_DEFAULT]), repeat=20),
        "01: Kambin segment": latency(cycle(k.segment, ["L1-L2", "L3-L4", "L5-S1"]), repeat=30),
        "01: transpsoas segment": latency(cycle(lateral.segment, ["L1-L2", "L4-L5"]),
                                          repeat=30),
    }


def run() -> dict:
    """Measure lesson 01; return the figures and the budgets."""
    path = notebooks_dir() / "01-spinal-anatomy.ipynb"
    out = {"builds": builds(), "meshes": meshes(), "callbacks": callbacks(),
           "notebook_kb": round(path.stat().st_size / 1024, 1) if path.exists() else None,
           "budgets": BUDGETS}
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
