"""Collect a class's exported progress files into a gradebook and an item analysis.

``python -m widgets.lessons collect BUILD_DIR PROGRESS_DIR`` reads the
build's ``manifest.json`` (written by ``python -m widgets.lessons build``) and
every exported progress file (``*.jsonl``, the quiz engine's export format,
:meth:`widgets.quiz.store.ProgressStore.export`) in ``PROGRESS_DIR``. It
writes, into the build folder (or ``--out``):

``gradebook.csv``
    One row per student (members of a group share the group's file and
    score): ``learner_id``, the lesson's score in %, ``total``, then the
    variant, its case and whether a progress file was handed in. Scores are
    :func:`widgets.quiz.analytics.gradebook` over each variant's own quiz
    items (its questions are regenerated from its parameters), so an
    unanswered question counts 0.
``item_analysis.csv``
    :func:`widgets.quiz.analytics.item_statistics` (difficulty, point-biserial
    and upper-lower discrimination) over every learner's first attempt, with
    each item's template, Bloom level and stem.
``distractors.csv``
    :func:`widgets.quiz.analytics.distractor_rates` for the choice items.

Files that are not progress exports, learners not in the class and answers to
questions that were not in the learner's quiz are reported, not silently
mixed in.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Collected", "collect", "main_collect", "variant_items"]


@dataclass
class Collected:
    """The outputs of a collection and what was reported on the way."""

    gradebook: Any
    items: Any
    distractors: Any
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def variant_items(lesson: str, parameters: Mapping[str, Any]) -> list:
    """Return the quiz items a variant's student notebook asks (regenerated from its parameters)."""
    if lesson == "07-case":
        from widgets.cases import case_run

        return case_run({**dict(parameters), "mode": "student"}).items()
    from widgets.quiz.items import items_for_lesson

    return items_for_lesson(lesson)


def _read_manifest(build_dir: Path) -> dict[str, Any]:
    path = build_dir / "manifest.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no manifest; run `python -m widgets.lessons build` first")
    return json.loads(path.read_text(encoding="utf-8"))


def collect(build_dir: str | Path, progress_dir: str | Path, out_dir: str | Path | None = None,
            attempt: str = "first") -> Collected:
    """Gather the progress files of a class and write the gradebook and the item analysis.

    Parameters
    ----------
    build_dir
        The class build folder (holds ``manifest.json``).
    progress_dir
        A folder of exported progress files, one per student or group.
    out_dir
        Where to write the CSV files (default: ``build_dir``).
    attempt
        ``"first"`` (default: what a learner answered first, as in an exam) or
        ``"last"`` for the gradebook; the item analysis always uses first attempts.
    """
    import pandas as pd

    from widgets.quiz.analytics import (
        distractor_rates,
        gradebook,
        item_statistics,
        load_cohort,
        write_gradebook,
    )
    from widgets.quiz.store import StoreError, read_export

    build_dir, progress_dir = Path(build_dir), Path(progress_dir)
    out_dir = Path(out_dir) if out_dir is not None else build_dir
    manifest = _read_manifest(build_dir)
    lesson = manifest["lesson"]
    problems: list[str] = []

    # Only files the quiz engine exported; anything else is reported and left out.
    with tempfile.TemporaryDirectory(prefix="miss-collect-") as tmp:
        for path in sorted(progress_dir.glob("*.jsonl")):
            try:
                read_export(path)
            except (StoreError, OSError, UnicodeDecodeError) as exc:
                problems.append(f"{path.name}: skipped ({exc})")
                continue
            shutil.copy2(path, Path(tmp) / path.name)
        frame = load_cohort(tmp)
    if not frame.empty:
        frame = frame[frame["lesson"] == lesson].reset_index(drop=True)

    by_learner: dict[str, dict[str, Any]] = {}
    all_items: dict[str, Any] = {}
    for variant in manifest["variants"]:
        items = variant_items(lesson, variant["parameters"])
        learner = variant["parameters"].get("learner", variant["id"])
        by_learner[learner] = {"variant": variant, "items": items}
        for item in items:
            all_items.setdefault(item.id, item)

    known = set(by_learner)
    seen = set(frame["learner"]) if not frame.empty else set()
    for learner in sorted(seen - known):
        problems.append(f"learner {learner!r} has a progress file but is not in the class; left out")
    frame = frame[frame["learner"].isin(known)].reset_index(drop=True) if not frame.empty else frame

    rows = []
    for learner, info in by_learner.items():
        variant, items = info["variant"], info["items"]
        own = frame[frame["learner"] == learner] if not frame.empty else frame
        ids = {i.id for i in items}
        stray = sorted(set(own["item"]) - ids) if not own.empty else []
        if stray:
            problems.append(f"learner {learner!r} answered {len(stray)} question(s) not in their quiz"
                            f" ({stray[0]}...); left out of their score")
            own = own[own["item"].isin(ids)]
        if own.empty:
            score = {lesson: 0.0, "total": 0.0}
            status = "no progress file" if learner not in seen else "no answers"
        else:
            book = gradebook(own, items, lessons=[lesson], attempt=attempt)
            score = {lesson: float(book[lesson].iloc[0]), "total": float(book["total"].iloc[0])}
            status = "handed in"
        for member in variant["members"]:
            rows.append({"learner_id": member, lesson: score[lesson], "total": score["total"],
                         "variant": variant["id"], "case": variant["parameters"].get("case", ""),
                         "status": status})
    book = pd.DataFrame(rows, columns=["learner_id", lesson, "total", "variant", "case", "status"])
    book = book.sort_values("learner_id", kind="stable").reset_index(drop=True)

    stats = item_statistics(frame) if not frame.empty else item_statistics(frame.iloc[0:0])
    info_rows = {i.id: {"template": _template(i.id), "bloom": i.bloom, "difficulty": i.difficulty,
                        "stem": i.stem[:160]} for i in all_items.values()}
    if not stats.empty:
        extra = pd.DataFrame([{"item": k, **v} for k, v in info_rows.items()])
        stats = stats.merge(extra, on="item", how="left")
    distractors = distractor_rates(frame, all_items.values()) if not frame.empty else \
        pd.DataFrame(columns=["item", "option", "text", "keyed", "chosen", "n", "rate"])

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "gradebook": write_gradebook(book, out_dir / "gradebook.csv"),
        "items": out_dir / "item_analysis.csv",
        "distractors": out_dir / "distractors.csv",
    }
    stats.to_csv(files["items"], index=False, lineterminator="\n")
    distractors.to_csv(files["distractors"], index=False, lineterminator="\n")
    return Collected(book, stats, distractors, files, problems)


def _template(item_id: str) -> str:
    from widgets.cases import DIFFICULTIES

    if not item_id.startswith("case-"):
        return "static"
    for d in DIFFICULTIES:
        marker = f"-{d}-"
        if marker in item_id:
            head = item_id.rsplit(marker, 1)[0]
            for name in ("next-step", "applicability", "evidence-comparator", "evidence-mis",
                         "evidence-nodiff", "numeric", "factor", "matching"):
                if head.endswith("-" + name):
                    return name
    return "static"


def main_collect(build_dir: str, progress_dir: str, out_dir: str | None = None,
                 attempt: str = "first") -> int:
    """Command-line entry: collect, print what was written and any problems; return the exit code."""
    try:
        result = collect(build_dir, progress_dir, out_dir, attempt)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    book = result.gradebook
    handed = int((book["status"] == "handed in").sum())
    print(f"{len(book)} students, {handed} with answers; {len(result.items)} items analysed")
    for name, path in result.files.items():
        print(f"wrote {name}: {path}")
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0
