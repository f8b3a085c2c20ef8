"""Build a lesson for a whole class: one variant per student or group, student and solution versions.

``python -m widgets.lessons build CLASS.yaml`` reads a class config
(:mod:`widgets.lessons.config`: its format, the variants and their seeds),
lists the jobs and skips those up to date (:mod:`widgets.lessons.jobs`), runs
the rest in parallel worker processes with warm kernels
(:mod:`widgets.lessons.workers`) and writes the outputs; the exit code is 1
when a variant is invalid or a notebook failed.

``manifest.json`` in the output folder lists every variant, for
``python -m widgets.lessons collect``, with the suite version and each
variant's quiz items pinned (:func:`pinned_items`: their content, key and a
hash), so the class is graded by the version its students saw. The manifest
holds the keys: keep it with the solution versions, not with what students get.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path
from typing import Any

from widgets.lessons.config import BuildError, ClassConfig, load_config
from widgets.lessons.jobs import JobResult, Plan, plan
from widgets.lessons.workers import init_worker, run_job

__all__ = [
    "MANIFEST",
    "build_class",
    "dry_run_table",
    "main_build",
    "pinned_items",
    "results_json",
    "summary_table",
]

MANIFEST = "manifest.json"



#: The manifest's format: 2 pins every variant's quiz items (content, key and hash).
MANIFEST_FORMAT = 2


def pinned_items(lesson: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Return a variant's quiz items pinned for the manifest: ``{"items": [...]}``.

    Each pin (:func:`widgets.quiz.grading.item_pin`) holds what the student is
    asked, the key and a hash of both, so ``collect`` grades by the version
    the students saw and names any item that changed since. A variant whose
    items cannot be made gets ``{"items": None, "items_error": why}``.
    """
    from widgets.lessons.collect import variant_items
    from widgets.quiz.grading import item_pin

    try:
        return {"items": [item_pin(item) for item in variant_items(lesson, parameters)]}
    except Exception as exc:  # noqa: BLE001  (recorded; collect reports it)
        return {"items": None, "items_error": f"{type(exc).__name__}: {exc}"}


def _write_manifest(config: ClassConfig, the_plan: Plan, results: Sequence[JobResult]) -> Path:
    import widgets

    status = {(r.variant, r.version): r for r in results}
    manifest = {
        "format": MANIFEST_FORMAT,
        "class": config.name,
        "lesson": config.lesson,
        "seed": config.seed,
        "versions": list(config.versions),
        "suite_version": widgets.__version__,
        "fingerprint": the_plan.fingerprint,
        "lms": dict(config.lms),
        "variants": [
            {
                "id": v.id,
                "kind": v.kind,
                "members": list(v.members),
                "parameters": dict(v.parameters),
                **pinned_items(config.lesson, v.parameters),
                "outputs": {
                    version: {
                        "notebook": f"{version}/{v.id}-{config.lesson}.ipynb",
                        "status": status[(v.id, version)].status if (v.id, version) in status else "",
                        "reason": status[(v.id, version)].reason if (v.id, version) in status else "",
                    }
                    for version in config.versions
                },
            }
            for v in config.variants
        ],
    }
    path = config.output / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def build_class(config: ClassConfig, *, workers: int | None = None, progress: bool = True,
                force: bool = False, notebook: Path | None = None,
                on_result: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Build every variant of a class; return one result per variant and version.

    Parameters
    ----------
    config
        From :func:`load_config`.
    workers
        Parallel processes (default: the config's, 2 unless set).
    progress
        Show a tqdm progress bar on stderr.
    force
        Rebuild outputs even when they are up to date.
    notebook
        Build from this notebook instead of ``notebooks/<lesson>.ipynb`` (tests).
    on_result
        Called with each result as it arrives.
    """
    from tqdm import tqdm

    the_plan = plan(config, notebook)
    results: list[JobResult] = list(the_plan.rejected)
    todo = []
    for job in the_plan.jobs:
        if not force and job.up_to_date():
            results.append(JobResult(job.variant, job.version, "up to date", output=job.output))
        else:
            todo.append(job)
    for r in results:
        if on_result:
            on_result(r)
    n_workers = max(1, min(workers or config.workers, len(todo) or 1))
    bar = tqdm(total=len(todo), desc=f"building {config.name}", unit="notebook", disable=not progress,
               file=sys.stderr, dynamic_ncols=True)
    try:
        if todo:
            with ProcessPoolExecutor(max_workers=n_workers, initializer=init_worker) as pool:
                futures = {pool.submit(run_job, job): job for job in todo}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001  (a worker died)
                        result = JobResult(job.variant, job.version, "failed",
                                           reason=f"worker failed: {type(exc).__name__}: {exc}",
                                           output=job.output)
                    results.append(result)
                    if on_result:
                        on_result(result)
                    bar.update(1)
                    if result.status == "failed":
                        bar.write(f"failed: {result.variant} ({result.version}): {result.reason}")
    finally:
        bar.close()
    order = {(v.id, ver): i for i, (v, ver) in enumerate(
        (v, ver) for v in config.variants for ver in config.versions)}
    results.sort(key=lambda r: order.get((r.variant, r.version), len(order)))
    _write_manifest(config, the_plan, results)
    return results


def summary_table(results: Sequence[JobResult]) -> str:
    """Return the results as a plain-text table (one line per notebook), with totals."""
    rows = [("variant", "version", "status", "seconds", "reason")]
    for r in results:
        rows.append((r.variant, r.version, r.status, f"{r.seconds:.1f}" if r.seconds else "",
                     r.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row)).rstrip()
             for row in rows]
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("total: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    return "\n".join(lines)


def results_json(results: Sequence[JobResult]) -> str:
    """Return the results as JSON (for scripts)."""
    return json.dumps([asdict(r) for r in results], indent=1)


def dry_run_table(config: ClassConfig) -> tuple[str, bool]:
    """Return what a build would do, one line per notebook, and whether every variant is valid."""
    the_plan = plan(config)
    results = list(the_plan.rejected)
    for job in the_plan.jobs:
        status = "up to date" if job.up_to_date() else "to build"
        reason = (f"case {job.parameters.get('case', '')}, seed {job.parameters.get('seed', '')}"
                  if "case" in job.parameters else "")
        results.append(JobResult(job.variant, job.version, status, reason=reason, output=job.output))
    order = {(v.id, ver): i for i, (v, ver) in enumerate(
        (v, ver) for v in config.variants for ver in config.versions)}
    results.sort(key=lambda r: order.get((r.variant, r.version), len(order)))
    return summary_table(results), not the_plan.rejected


def main_build(config_path: str, output: str | None = None, workers: int | None = None,
               force: bool = False, progress: bool | None = None, dry_run: bool = False) -> int:
    """Command-line entry: build, print the summary table, return the exit code.

    Exit codes: 0 all built or up to date, 1 some variant invalid or failed, 2 a bad config.
    """
    try:
        config = load_config(config_path, output)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if dry_run:
        table, ok = dry_run_table(config)
        print(table)
        return 0 if ok else 1
    show = sys.stderr.isatty() if progress is None else progress
    results = build_class(config, workers=workers, force=force, progress=show)
    print(summary_table(results))
    print(f"outputs in {config.output}{os.sep}  (manifest: {config.output / MANIFEST})")
    return 1 if any(r.status in ("failed", "invalid") for r in results) else 0
