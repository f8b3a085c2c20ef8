"""Collect a class's exported progress files into a gradebook and an item analysis.

``python -m widgets.lessons collect BUILD_DIR PROGRESS_DIR`` reads the
build's ``manifest.json`` (written by ``python -m widgets.lessons build``) and
every exported progress file (``*.jsonl``, the quiz engine's export format,
:meth:`widgets.quiz.store.ProgressStore.export`) in ``PROGRESS_DIR``. It
writes, into the build folder (or ``--out``):

``gradebook.csv``
    One row per student (members of a group share the group's file and
    score): ``learner_id``, the lesson's score in %, ``total``, the variant,
    its case, a ``status`` (``handed in``, ``no exam answers``, ``no progress
    file`` or ``needs review``) and a ``note`` saying why a row needs review.
``item_analysis.csv``
    :func:`widgets.quiz.analytics.item_statistics` (difficulty, point-biserial
    and upper-lower discrimination) over the answers that were graded, with
    each item's template, Bloom level and stem.
``distractors.csv``
    :func:`widgets.quiz.analytics.distractor_rates` for the choice items.
``canvas-grades.csv``, ``moodle-grades.csv``
    The scores as Canvas and Moodle import them, when the class config gives
    the learners' LMS identities (:mod:`widgets.lessons.lmsgrades`).

How a score is worked out (nothing the student's file says is trusted)
    Every response is graded again (:func:`widgets.quiz.grading.regrade`)
    against the variant's own items as the manifest pinned them at build
    time; a stored ``correct`` or ``score`` is ignored. Only exam answers
    count (``"mode": "exam"``; practice answers and drafts never do), and of
    those the last one submitted for each item (latest time, then latest
    line): a file a student holds cannot prove which answer came first, and
    answering again is what re-taking the exam does anyway. An unanswered
    item counts 0, so a score is always from 0 to 100 %.
Pinned items
    The manifest holds each variant's items as built (content, key and a
    hash). If an item has changed since the build (say, a corrected key),
    collect names it and grades by the pinned version; a manifest without
    pins (an older build) is graded by the items as generated now, with a
    warning. A pin that does not match its hash is refused.
Who handed in what
    A file counts for the learner its name and its header both name (the
    export is called ``<learner>-<lesson>-progress.jsonl``). A file whose
    name and header disagree (or whose name names nobody in the class), two
    files for one learner, or two learners' files sharing answer records (the
    same record copied) is a conflict: it is reported by file name, none of
    the files counts for the learners involved, and their rows say ``needs
    review`` with an empty score.
Bad input
    A file that is not a progress export, a line that is not a valid record
    (``"t": "yesterday"``, ``"score": "abc"``, bytes that are not UTF-8) and a
    response that cannot be graded are reported with the file and line and
    left out; everyone else is graded.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CollectError", "Collected", "collect", "main_collect", "template_of", "variant_items"]

NEEDS_REVIEW = "needs review"
#: Invalid lines reported one by one per file; the rest are counted in one line.
MAX_LINE_WARNINGS = 5


class CollectError(ValueError):
    """The build folder cannot be collected (no manifest, or a malformed one); one line says why."""


@dataclass
class Collected:
    """The outputs of a collection and what was reported on the way."""

    gradebook: Any
    items: Any
    distractors: Any
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    review: dict[str, list[str]] = field(default_factory=dict)


def variant_items(lesson: str, parameters: Mapping[str, Any]) -> list:
    """Return the quiz items a variant's student notebook asks (regenerated from its parameters)."""
    if lesson == "07-case":
        from widgets.case.model import case_run
        from widgets.case.quiz import quiz_items

        return quiz_items(case_run({**dict(parameters), "mode": "student"}))
    from widgets.quiz.items import items_for_lesson

    return items_for_lesson(lesson)


def _read_manifest(build_dir: Path) -> dict[str, Any]:
    path = build_dir / "manifest.json"
    if not path.is_file():
        raise CollectError(f"{path}: no manifest; run `python -m widgets.lessons build` first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CollectError(f"{path}: cannot read the manifest ({exc})") from None
    except json.JSONDecodeError as exc:
        raise CollectError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    ok = (isinstance(manifest, dict) and isinstance(manifest.get("lesson"), str)
          and isinstance(manifest.get("variants"), list)
          and all(isinstance(v, dict) and isinstance(v.get("id"), str)
                  and isinstance(v.get("parameters"), dict) and isinstance(v.get("members"), list)
                  for v in manifest["variants"]))
    if not ok:
        raise CollectError(f"{path}: not a class manifest (needs 'lesson' and 'variants' with"
                           " 'id', 'members' and 'parameters')")
    return manifest


@dataclass
class _Variant:
    data: dict[str, Any]
    learner: str
    items: list  # what the student was asked: the pinned items (or, unpinned, the current ones)


def _variants(manifest: dict[str, Any], problems: list[str]) -> list[_Variant]:
    """Return the variants with their items (pinned ones where the manifest has them); report changes."""
    from widgets.quiz.grading import PinError, item_from_pin, item_hash

    lesson = manifest["lesson"]
    out: list[_Variant] = []
    changed: dict[str, str] = {}
    unpinned: list[str] = []
    for variant in manifest["variants"]:
        learner = str(variant["parameters"].get("learner", variant["id"]))
        try:
            current = variant_items(lesson, variant["parameters"])
            current_error = ""
        except Exception as exc:  # noqa: BLE001  (reported; the pins still grade)
            current, current_error = [], f"{type(exc).__name__}: {exc}"
        pins = variant.get("items")
        if not isinstance(pins, list):
            if current_error:
                raise CollectError(f"manifest.json, variant {variant['id']!r}: no pinned items and"
                                   f" its items cannot be made now ({current_error})")
            unpinned.append(variant["id"])
            out.append(_Variant(variant, learner, current))
            continue
        try:
            items = [item_from_pin(pin) for pin in pins]
        except PinError as exc:
            raise CollectError(f"manifest.json, variant {variant['id']!r}: {exc}") from None
        if current_error:
            problems.append(f"variant {variant['id']!r}: its items cannot be made now"
                            f" ({current_error}); graded by the versions pinned at build")
            out.append(_Variant(variant, learner, items))
            continue
        now = {i.id: item_hash(i) for i in current}
        for pin in pins:
            if pin["id"] not in now:
                changed.setdefault(pin["id"], "is no longer in the quiz as generated now")
            elif now[pin["id"]] != pin["hash"]:
                changed.setdefault(pin["id"], "has changed (its text or key)")
        out.append(_Variant(variant, learner, items))
    if unpinned:
        problems.append(f"manifest.json has no pinned items for {len(unpinned)} variant(s)"
                        f" ({unpinned[0]}...; built by an older version): graded by the items as"
                        " generated now, which may differ from what the students saw;"
                        " rebuild the class to pin them")
    for item_id, how in sorted(changed.items()):
        problems.append(f"item {item_id!r} {how} since the class was built;"
                        " graded by the version the students saw (pinned in the manifest)")
    return out


@dataclass
class _File:
    path: Path
    header_learner: str
    name_learner: str | None
    records: list[dict[str, Any]]
    lines: list[int]


def _name_learner(name: str, known: set[str]) -> str | None:
    """Return the class learner a file name is for (``<id>.jsonl`` or ``<id>-...``), or ``None``."""
    stem = name[: -len(".jsonl")] if name.endswith(".jsonl") else name
    matches = [k for k in known if stem == k or stem.startswith(k + "-")]
    return max(matches, key=len) if matches else None


def _read_files(progress_dir: Path, known: set[str], problems: list[str]) -> list[_File]:
    from widgets.quiz.store import StoreError, read_export_result, verdict_problem

    files = []
    for path in sorted(progress_dir.glob("*.jsonl")):
        try:
            header, result = read_export_result(path, verdicts=False)
        except StoreError as exc:
            why = str(exc)
            if why.startswith(path.name):  # the store names the file; say it once
                why = why[len(path.name):].lstrip(": ")
            problems.append(f"{path.name}: skipped ({why})")
            continue
        except OSError as exc:
            problems.append(f"{path.name}: skipped (cannot read it: {exc.strerror or exc})")
            continue
        for message in result.problems[:MAX_LINE_WARNINGS]:
            problems.append(f"{path.name} {message}; that line is left out")
        if len(result.problems) > MAX_LINE_WARNINGS:
            problems.append(f"{path.name}: {len(result.problems) - MAX_LINE_WARNINGS} more invalid"
                            f" line(s) left out (lines {result.skipped[MAX_LINE_WARNINGS]}"
                            f" to {result.skipped[-1]})")
        bad = [(line, why) for rec, line in zip(result.records, result.lines, strict=True)
               if (why := verdict_problem(rec))]
        if bad:  # a stored verdict is never used; an invalid one is worth knowing about
            more = f" and {len(bad) - 1} more line(s)" if len(bad) > 1 else ""
            problems.append(f"{path.name} line {bad[0][0]}: {bad[0][1]}{more}; stored verdicts"
                            " are ignored (every response is graded again)")
        files.append(_File(path, header["learner"], _name_learner(path.name, known),
                           result.records, result.lines))
    return files


def _assign(files: list[_File], known: set[str], groups: Mapping[str, str],
            problems: list[str]) -> tuple[dict[str, _File], dict[str, list[str]]]:
    """Return the one file that counts for each learner, and the learners needing review (why)."""
    review: dict[str, list[str]] = defaultdict(list)
    claims: dict[str, list[_File]] = defaultdict(list)
    for f in files:
        h, n = f.header_learner, f.name_learner  # n is a class learner or None
        if h == n:
            claims[h].append(f)
            continue
        if h not in known and n is None:
            extra = (f" ({h!r} is a member of group {groups[h]!r}, which hands in as"
                     f" {groups[h]!r})") if h in groups else ""
            problems.append(f"learner {h!r} has a progress file ({f.path.name}) but is not in the"
                            f" class{extra}; left out")
            continue
        said = f"{n!r}" if n is not None else "nobody in the class"
        why = (f"{f.path.name}: its header says learner {h!r} but its file name is for {said};"
               " not graded")
        problems.append(f"conflict: {why}")
        for learner in {h, n} & known:
            review[learner].append(why)
    for learner, mine in claims.items():
        if len(mine) > 1:
            names = ", ".join(f.path.name for f in mine)
            why = f"{len(mine)} progress files for one learner ({names}); none graded"
            problems.append(f"conflict: learner {learner!r}: {why}")
            review[learner].append(why)
    owners: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for rec in f.records:
            owners[rec["id"]].add(f.path.name)
    by_name = {f.path.name: f for f in files}
    shared: dict[tuple[str, ...], int] = defaultdict(int)
    for names in owners.values():
        if len(names) > 1:
            shared[tuple(sorted(names))] += 1
    for names, count in sorted(shared.items()):
        learners = {by_name[n].header_learner for n in names} | {
            by_name[n].name_learner for n in names if by_name[n].name_learner}
        if len(learners) < 2:
            continue  # one learner's files: already a conflict above
        why = (f"{' and '.join(names)} share {count} answer record(s) (copied from one file"
               " into the other); not graded")
        problems.append(f"conflict: {why}")
        for learner in learners & known:
            review[learner].append(why)
    counted = {learner: mine[0] for learner, mine in claims.items()
               if len(mine) == 1 and learner not in review}
    return counted, dict(review)


def _graded_answers(file: _File, items: list, problems: list[str]) -> tuple[list[dict], int]:
    """Re-grade the answers that count (the last exam answer per item); return rows and practice count."""
    from widgets.quiz.grading import UNREADABLE, regrade
    from widgets.quiz.store import parse_time

    by_id = {item.id: item for item in items}
    last: dict[str, tuple[Any, int, dict]] = {}
    practice = 0
    stray: list[str] = []
    for rec, line in zip(file.records, file.lines, strict=True):
        if rec.get("mode") != "exam" or rec.get("draft"):
            practice += 1
            continue
        if rec["item"] not in by_id:
            stray.append(rec["item"])
            continue
        key = (parse_time(rec["t"]), line)
        if rec["item"] not in last or key >= last[rec["item"]][:2]:
            last[rec["item"]] = (*key, rec)
    if stray:
        problems.append(f"{file.path.name}: {len(stray)} answer(s) by {file.header_learner!r} to"
                        f" questions not in their quiz ({sorted(set(stray))[0]}...);"
                        " left out of their score")
    rows = []
    for item in items:
        if item.id not in last:
            continue
        when, line, rec = last[item.id]
        result = regrade(item, rec.get("response"))
        if result.message.startswith(UNREADABLE):
            problems.append(f"{file.path.name} line {line}: item {item.id!r}: {result.message};"
                            " scored 0")
        rows.append({"learner": file.header_learner, "item": item.id, "lesson": item.lesson,
                     "objective": item.objective, "mode": "exam", "correct": result.correct,
                     "score": result.score, "response": rec.get("response"), "t": when,
                     "id": rec["id"]})
    return rows, practice


def collect(build_dir: str | Path, progress_dir: str | Path,
            out_dir: str | Path | None = None) -> Collected:
    """Gather the progress files of a class, re-grade them and write the gradebook and item analysis.

    Parameters
    ----------
    build_dir
        The class build folder (holds ``manifest.json``).
    progress_dir
        A folder of exported progress files, one per student or group.
    out_dir
        Where to write the CSV files (default: ``build_dir``).

    Raises
    ------
    CollectError
        If the manifest is missing or malformed, or the progress folder does not exist.
    """
    import pandas as pd

    from widgets.quiz.analytics import distractor_rates, item_statistics, write_gradebook

    build_dir, progress_dir = Path(build_dir), Path(progress_dir)
    out_dir = Path(out_dir) if out_dir is not None else build_dir
    manifest = _read_manifest(build_dir)
    if not progress_dir.is_dir():
        raise CollectError(f"{progress_dir}: no such folder of progress files")
    lesson = manifest["lesson"]
    problems: list[str] = []

    variants = _variants(manifest, problems)
    by_learner = {v.learner: v for v in variants}
    groups = {m: v.learner for v in variants for m in v.data["members"] if m != v.learner}
    known = set(by_learner)
    files = _read_files(progress_dir, known, problems)
    counted, review = _assign(files, known, groups, problems)

    rows, answers = [], []
    all_items: dict[str, Any] = {}
    for learner, variant in by_learner.items():
        items = variant.items
        for item in items:
            all_items.setdefault(item.id, item)
        note = ""
        if learner in review:
            score, status = math.nan, NEEDS_REVIEW  # no automatic score
            note = "; ".join(review[learner])
        elif learner not in counted:
            score, status = 0.0, "no progress file"
        else:
            graded, practice = _graded_answers(counted[learner], items, problems)
            answers += graded
            got = sum(r["score"] for r in graded)
            score = round(100.0 * got / len(items), 1) if items else 0.0
            status = "handed in" if graded else "no exam answers"
            if not graded and practice:
                note = f"{practice} practice answer(s), which do not count"
        for member in variant.data["members"]:
            rows.append({"learner_id": member, lesson: score, "total": score,
                         "variant": variant.data["id"],
                         "case": variant.data["parameters"].get("case", ""),
                         "status": status, "note": note})
    columns = ["learner_id", lesson, "total", "variant", "case", "status", "note"]
    book = pd.DataFrame(rows, columns=columns)
    book = book.sort_values("learner_id", kind="stable").reset_index(drop=True)

    frame = pd.DataFrame(answers, columns=["learner", "item", "lesson", "objective", "mode",
                                           "correct", "score", "response", "t", "id"])
    stats = item_statistics(frame)
    info_rows = {i.id: {"template": template_of(i.id), "bloom": i.bloom, "difficulty": i.difficulty,
                        "stem": i.stem[:160]} for i in all_items.values()}
    if not stats.empty:
        extra = pd.DataFrame([{"item": k, **v} for k, v in info_rows.items()])
        stats = stats.merge(extra, on="item", how="left")
    distractors = distractor_rates(frame, all_items.values())

    out_dir.mkdir(parents=True, exist_ok=True)
    files_out = {
        "gradebook": write_gradebook(book, out_dir / "gradebook.csv"),
        "items": out_dir / "item_analysis.csv",
        "distractors": out_dir / "distractors.csv",
    }
    from widgets.lessons.lmsgrades import write_lms_grades

    files_out.update(write_lms_grades(book, manifest.get("lms") or {}, lesson, out_dir, problems))
    stats.to_csv(files_out["items"], index=False, lineterminator="\n")
    distractors.to_csv(files_out["distractors"], index=False, lineterminator="\n")
    return Collected(book, stats, distractors, files_out, problems, review)


def template_of(item_id: str) -> str:
    """Return the case-question template an item id was made from ("static" for a bank item)."""
    from widgets.case.patients import DIFFICULTIES
    from widgets.case.quiz import DIFFICULTY_TEMPLATES

    if not item_id.startswith("case-"):
        return "static"
    for d in DIFFICULTIES:
        marker = f"-{d}-"
        if marker in item_id:
            head = item_id.rsplit(marker, 1)[0]
            for name in DIFFICULTY_TEMPLATES["hard"]:   # every template the case quiz has
                if head.endswith("-" + name):
                    return name
    return "static"


def main_collect(build_dir: str, progress_dir: str, out_dir: str | None = None) -> int:
    """Command-line entry: collect, print what was written and any problems; return the exit code.

    Exit codes: 0 written (warnings and rows needing review are printed), 2 nothing could be
    collected (no manifest, a malformed one, no progress folder).
    """
    try:
        result = collect(build_dir, progress_dir, out_dir)
    except CollectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    book = result.gradebook
    handed = int((book["status"] == "handed in").sum())
    review = int((book["status"] == NEEDS_REVIEW).sum())
    print(f"{len(book)} students, {handed} with answers; {len(result.items)} items analysed"
          + (f"; {review} need review (see the gradebook's note column)" if review else ""))
    for name, path in result.files.items():
        print(f"wrote {name}: {path}")
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0
