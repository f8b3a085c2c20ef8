"""The class hub under a start-of-class surge of 20 learners, and Voila page views (loopback only).

Reports time to ready and to lesson 00 executed (median, max), the hub's CPU
seconds, memory per learner (server + kernel after lesson 00), the memory of an
empty-notebook kernel measured in the same run, what those give per 24 GB and
per core, and the same for Voila: one kernel per page view of lesson 00.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.hub_surge import ROOT, _children, _free_port, _tree_rss_kb, run_surge

N_USERS = 20
N_PAGES = 5


def _voila(n_pages: int) -> dict:
    from widgets.dev import ensure_app_template

    ensure_app_template(Path(sys.executable))
    state = Path(tempfile.mkdtemp(prefix="miss-voila-bench-"))
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "voila", str(ROOT / "notebooks"), "--template=miss",
                             "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--token="],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, MISS_PROGRESS_DIR=str(state)))
    url = f"http://127.0.0.1:{port}/voila/render/00-start-here.ipynb"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)

        def view(_):
            t0 = time.perf_counter()
            with urllib.request.urlopen(url, timeout=300) as r:
                r.read()
            return time.perf_counter() - t0

        with ThreadPoolExecutor(n_pages) as pool:
            times = list(pool.map(view, range(n_pages)))
        kernels = [_tree_rss_kb(pid) / 1024 for pid in _children(proc.pid)]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"pages": n_pages, "page_s_median": round(statistics.median(times), 1),
            "page_s_max": round(max(times), 1),
            "kernel_mb_median": round(statistics.median(kernels), 0) if kernels else None}


def _largest_surge_within(seconds: float, sizes=(15, 10, 5)) -> int | None:
    """Return the largest of ``sizes`` whose every user is ready within ``seconds`` (None: none)."""
    for n in sizes:
        r = run_surge(n, state=Path(tempfile.mkdtemp(prefix="miss-hub-bench-")), limit_s=600)
        if not r["errors"] and max(u["ready_s"] for u in r["users"]) <= seconds:
            return n
    return None


def run() -> dict:
    state = Path(tempfile.mkdtemp(prefix="miss-hub-bench-"))
    r = run_surge(N_USERS, state=state, limit_s=900)
    ready = [u["ready_s"] for u in r["users"]]
    executed = [u["executed_s"] for u in r["users"]]
    mem = list(r["memory_mb"].values())
    per_user = max(mem) if mem else float("nan")
    voila = _voila(N_PAGES)
    return {
        "surge_users": N_USERS, "surge_errors": len(r["errors"]),
        "ready_s_median": round(statistics.median(ready), 1), "ready_s_max": round(max(ready), 1),
        "executed_s_median": round(statistics.median(executed), 1),
        "executed_s_max": round(max(executed), 1),
        "hub_cpu_s": round(r["hub_cpu_s"], 1),
        "memory_per_user_mb_median": round(statistics.median(mem), 0),
        "memory_per_user_mb_max": round(per_user, 0),
        "empty_kernel_mb": round(r["empty_kernel_mb"], 0),
        "users_per_24gb": int(24 * 1024 // per_user),
        "all_ready_within_60s": max(ready) <= 60 and not r["errors"],
        "surge_error_messages": r["errors"][:3],
        "largest_surge_ready_within_60s": (N_USERS if max(ready) <= 60 and not r["errors"]
                                           else _largest_surge_within(60.0)),
        "voila": voila,
        "voila_views_per_24gb": (int(24 * 1024 // voila["kernel_mb_median"])
                                 if voila["kernel_mb_median"] else None),
    }
