"""Lesson 01 (spinal anatomy): model build times, callback latency, mesh sizes, notebook size.

Budgets (from the issue): one vertebra built in <= 20 ms, L1-S1 in <= 150 ms, the
level-change callback p95 <= 100 ms, <= 20k triangles per vertebra, notebook <= 2 MB.

Build times are of the geometry with each level's dimensions already resolved
(the table look-up is cached once per process), and with the skeleton of the level
below, which only seats the inferior facets, cached the same way (reported rebuilt
too); the cold first build, including reading the tables, is reported separately. Callback latency is measured
in-process by setting a control's value, which runs the observers as a browser
change would (sending the new figure data to a front end is not included).
"""

from __future__ import annotations

import time

from benchmarks import cycle, latency, shown
from widgets.anatomy import LEVELS, build_spine, build_vertebra, level_dimensions
from widgets.anatomy.morphometry import PEDICLE_SERIES_DEFAULT
from widgets.anatomy.spine import _build_spine
from widgets.anatomy.vertebra import _neighbour_skeleton, vertebra_core
from widgets.core.catalog import notebooks_dir
from widgets.core.data import data_dir

BUDGETS = {"vertebra_build_ms": 20, "spine_build_ms": 150, "level_change_p95_ms": 100,
           "triangles_per_vertebra": 20_000, "notebook_kb": 2048}




def builds() -> dict[str, object]:
    """Time one vertebra and the whole stack."""
    t0 = time.perf_counter()
    build_spine()
    cold = (time.perf_counter() - t0) * 1000.0
    for level in LEVELS:
        level_dimensions(level)
    per_level = {lv: latency(lambda lv=lv: build_vertebra(lv), repeat=30) for lv in LEVELS}
    worst = max(per_level.values(), key=lambda f: f["p95_ms"])

    def uncached(lv):
        _neighbour_skeleton.cache_clear()
        build_vertebra(lv)

    per_level_cold = {lv: latency(lambda lv=lv: uncached(lv), repeat=30) for lv in LEVELS}
    worst_cold = max(per_level_cold.values(), key=lambda f: f["p95_ms"])
    core = latency(lambda: vertebra_core(level_dimensions("L4"), level_dimensions("L3")), repeat=30)
    spine = latency(lambda: _build_spine.__wrapped__(PEDICLE_SERIES_DEFAULT, 0.0, str(data_dir())),
                    repeat=10, warmup=2)
    return {
        "one vertebra (build_vertebra, its facets seated on the cached neighbour), worst level (ms)": worst,
        "one vertebra, the neighbour's skeleton rebuilt too, worst level (ms)": worst_cold,
        "one vertebra, parts only (L4, ms)": core,
        "L1-S1 stack with discs, foramina and nerves (ms)": spine,
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
