"""The progress store: every answer of every learner, kept so that none is lost.

Where
    One JSON-lines file per learner, ``<learner>.jsonl``, in
    ``platformdirs.user_data_dir("miss-lessons")/progress``; the environment
    variable ``MISS_PROGRESS_DIR`` overrides the folder (tests and notebooks
    point it at a temporary folder).
How a record is written
    Append-only. Under an exclusive file lock (:mod:`filelock`,
    ``<learner>.jsonl.lock``) the record is serialised as one line, written
    with a single ``os.write`` to a file opened with ``O_APPEND``, and
    ``fsync``-ed before :meth:`ProgressStore.record` returns. So two kernels
    answering at once never interleave their lines, and an answer reported as
    saved is on disk.
What a killed process leaves
    At worst a partial last line (no newline, not valid JSON). Readers skip
    any line that is not a complete JSON record and count it in
    :attr:`ReadResult.skipped`; the next writer first ends the partial line
    with a newline, so the new record is never glued to the debris. Every
    record completed before the kill is still read.
What a reader accepts
    Every line is checked (:func:`record_problem`): a JSON object with a
    non-empty text ``id`` and ``item``, a ``t`` that is an ISO 8601 time, a
    ``score`` (when present) that is a number from 0 to 1, a ``correct``
    (when present) that is true or false, and text in ``learner``,
    ``lesson``, ``objective`` and ``mode``. A line that fails (a hand-edited
    ``"t": "yesterday"``, ``"score": "abc"``, bytes that are not UTF-8) is
    skipped, and :attr:`ReadResult.problems` says which line and why, so one
    bad line never stops a lesson or a class from reading the rest.
Export, import, reset
    :meth:`ProgressStore.export` writes one file (a header line, then the
    records), via a temporary file, ``fsync`` and :func:`os.replace`.
    :meth:`ProgressStore.import_file` merges such a file, skipping record ids
    already present (importing twice adds nothing). :meth:`ProgressStore.reset`
    moves the learner's file to ``backups/`` (never deletes it).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "ENV_VAR",
    "EXPORT_FORMAT",
    "DEFAULT_LEARNER",
    "ProgressStore",
    "has_verdict",
    "ReadResult",
    "StoreError",
    "learner_store",
    "list_learners",
    "parse_time",
    "progress_dir",
    "read_export",
    "read_export_result",
    "record_problem",
    "verdict_problem",
]

ENV_VAR = "MISS_PROGRESS_DIR"
EXPORT_FORMAT = "miss-progress"
EXPORT_VERSION = 1
LOCK_TIMEOUT_S = 30.0
# Checked with fullmatch: "$" would also accept a trailing newline.
_LEARNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_REQUIRED = ("id", "item", "t")
_TEXT_FIELDS = ("learner", "lesson", "objective", "mode")
_BOM = b"\xef\xbb\xbf"


class StoreError(ValueError):
    """A learner name, an export file or a record is not acceptable."""


def progress_dir() -> Path:
    """Return the folder of the progress files (``MISS_PROGRESS_DIR`` overrides it)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("miss-lessons", appauthor=False)) / "progress"


def check_learner(learner: str) -> str:
    """Return ``learner`` if it is a safe file name (letters, digits, ``_ . -``)."""
    if (not isinstance(learner, str) or not _LEARNER.fullmatch(learner)
            or learner.endswith(".jsonl")):
        raise StoreError(
            f"learner id {learner!r} must be 1-64 letters, digits, '_', '.' or '-',"
            " starting with a letter or digit"
        )
    return learner


def now_utc() -> datetime:
    """Return the current time, timezone-aware, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def format_time(when: datetime) -> str:
    """Return ``when`` as an ISO 8601 UTC string (naive times are taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime:
    """Parse a record's ``t`` field back into an aware datetime."""
    when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ReadResult:
    """What reading a progress file gave.

    Attributes
    ----------
    records
        The valid records, in file order.
    skipped
        The numbers (1-based, counted in the file) of the lines skipped.
    lines
        The line number of each record (parallel to ``records``).
    problems
        One message per skipped line: ``"line N: why"``.
    """

    records: list[dict[str, Any]]
    skipped: list[int]
    lines: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: Any, limit: int = 60) -> str:
    """Return ``repr(value)``, cut to ``limit`` characters (a message stays one short line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def verdict_problem(rec: Mapping[str, Any]) -> str | None:
    """Return why a record's stored verdict (``score``, ``correct``) is invalid, or ``None``."""
    if "score" in rec:
        score = rec["score"]
        try:
            ok = _is_number(score) and math.isfinite(score) and 0.0 <= score <= 1.0
        except OverflowError:
            ok = False
        if not ok:
            return f"'score' must be a number from 0 to 1, not {_shown(score)}"
    if "correct" in rec and not isinstance(rec["correct"], bool):
        return f"'correct' must be true or false, not {_shown(rec['correct'])}"
    return None


def record_problem(rec: Any, *, verdicts: bool = True) -> str | None:
    """Return why ``rec`` is not a valid answer record, or ``None`` if it is.

    See "What a reader accepts" in the module docstring. With ``verdicts``
    false the stored ``score`` and ``correct`` are not checked (a reader that
    grades every response again, such as ``collect``, ignores them).
    """
    if not isinstance(rec, dict):
        return f"not a record (a JSON {type(rec).__name__}, not an object)"
    missing = [k for k in _REQUIRED if k not in rec]
    if missing:
        return f"no {', '.join(repr(k) for k in missing)} field"
    for key in ("id", "item"):
        if not isinstance(rec[key], str) or not rec[key].strip():
            return f"{key!r} must be non-empty text, not {_shown(rec[key])}"
    time_help = "'t' must be an ISO 8601 time such as '2025-03-01T09:00:00+00:00'"
    try:
        if not isinstance(rec["t"], str):
            raise ValueError
        parse_time(rec["t"])
    except ValueError:
        return f"{time_help}, not {_shown(rec['t'])}"
    for key in _TEXT_FIELDS:
        if key in rec and not isinstance(rec[key], str):
            return f"{key!r} must be text, not {_shown(rec[key])}"
    return verdict_problem(rec) if verdicts else None


def _parse_lines(data: bytes, first_line: int = 1, verdicts: bool = True) -> ReadResult:
    records: list[dict[str, Any]] = []
    skipped: list[int] = []
    lines: list[int] = []
    problems: list[str] = []
    for number, raw in enumerate(data.split(b"\n"), start=first_line):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            skipped.append(number)
            problems.append(f"line {number}: not valid UTF-8 (byte {exc.start + 1} of the line)")
            continue
        try:
            rec = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            skipped.append(number)
            problems.append(f"line {number}: not a complete JSON record")
            continue
        why = record_problem(rec, verdicts=verdicts)
        if why is not None:
            skipped.append(number)
            problems.append(f"line {number}: {why}")
            continue
        records.append(rec)
        lines.append(number)
    return ReadResult(records, skipped, lines, problems)


def _dumps(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            + "\n").encode("utf-8")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover  (not every platform opens folders)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def has_verdict(rec: Mapping[str, Any]) -> bool:
    """Whether a record carries its own verdict (a self-graded practice answer).

    Exam drafts and hand-ins carry none: ``collect`` grades their responses.
    """
    return "correct" in rec


class ProgressStore:
    """The answers of one learner, in one append-only JSON-lines file.

    Parameters
    ----------
    learner
        The learner's id (a safe file name, e.g. ``"student"`` or ``"s1234"``).
    directory
        The folder of progress files; by default :func:`progress_dir`.
    """

    def __init__(self, learner: str, directory: str | Path | None = None):
        self.learner = check_learner(learner)
        self.directory = Path(directory) if directory is not None else progress_dir()
        self.path = self.directory / f"{self.learner}.jsonl"
        self.lock_path = self.directory / f"{self.learner}.jsonl.lock"

    def __repr__(self) -> str:
        return f"ProgressStore(learner={self.learner!r})"

    def _lock(self):
        from filelock import FileLock

        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S)

    # ------------------------------------------------------------------ writing

    def append(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Append complete records atomically (one write, fsync) under the lock.

        Returns the number of records written.
        """
        payload = b"".join(_dumps(r) for r in records)
        if not payload:
            return 0
        with self._lock():
            return self._append_locked(payload)

    def _append_locked(self, payload: bytes) -> int:
        """Append ``payload`` (complete lines); the caller holds the lock."""
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size:
                with open(self.path, "rb") as fh:
                    fh.seek(size - 1)
                    if fh.read(1) != b"\n":  # a killed writer left a partial line
                        payload = b"\n" + payload
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.directory)
        return payload.count(b"\n") - (1 if payload.startswith(b"\n") else 0)

    def make_record(
        self,
        item_id: str,
        response: Any,
        *,
        correct: bool | None,
        score: float | None,
        lesson: str = "",
        objective: str = "",
        mode: str = "practice",
        now: datetime | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build one answer record of this learner (not yet written; :meth:`append` writes it).

        ``correct=None, score=None`` builds the answer with no verdict at all: exam
        drafts and exam hand-ins carry none, so the learner's own file never says
        which exam answers were right (``collect`` grades them from the responses).
        """
        rec = {
            "v": EXPORT_VERSION,
            "id": uuid.uuid4().hex,
            "learner": self.learner,
            "item": str(item_id),
            "lesson": lesson,
            "objective": objective,
            "mode": mode,
            "response": response,
        }
        if correct is not None and score is not None:
            rec["correct"], rec["score"] = bool(correct), float(score)
        rec["t"] = format_time(now or now_utc())
        if extra:
            rec.update({k: v for k, v in extra.items() if k not in rec})
        json.dumps(rec)  # fail here, not half-way through a write, if not serialisable
        return rec

    def record(self, item_id: str, response: Any, **fields: Any) -> dict[str, Any]:
        """Record one answer and return the record (once this returns, it is on disk).

        Takes the arguments of :meth:`make_record`.
        """
        rec = self.make_record(item_id, response, **fields)
        self.append([rec])
        return rec

    def record_grade(self, item, grade, *, mode: str = "practice",
                     now: datetime | None = None) -> dict[str, Any]:
        """Record a :class:`~widgets.quiz.grading.Grade` of ``item``."""
        return self.record(item.id, grade.response, correct=grade.correct, score=grade.score,
                           lesson=item.lesson, objective=item.objective, mode=mode, now=now)

    # ------------------------------------------------------------------ reading

    def read(self) -> ReadResult:
        """Read every complete record, skipping (and counting) broken lines."""
        if not self.path.exists():
            return ReadResult([], [])
        with self._lock():
            data = self.path.read_bytes()
        return _parse_lines(data)

    def records(self) -> list[dict[str, Any]]:
        """Return every complete record, oldest first."""
        return self.read().records

    # ------------------------------------------------------------------ export, import, reset

    def export(self, path: str | Path) -> Path:
        """Write this learner's progress to one file (atomically) and return its path."""
        path = Path(path)
        header = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "learner": self.learner}
        seen = set()
        body = []
        for rec in self.records():
            if rec["id"] not in seen:
                seen.add(rec["id"])
                body.append(_dumps(rec))
        _write_atomic(path, _dumps(header) + b"".join(body))
        return path

    def import_file(self, path: str | Path) -> int:
        """Merge an exported file into this learner's store; return the records added.

        Records whose id is already present are skipped, so importing the same
        file twice adds nothing. Imported records are relabelled with this
        store's learner id.
        """
        _, records = read_export(path)
        with self._lock():  # one lock for reading and appending: concurrent imports cannot both add
            existing = (_parse_lines(self.path.read_bytes()).records
                        if self.path.exists() else [])
            have = {r["id"] for r in existing}
            new = []
            for rec in records:
                if rec["id"] not in have:
                    have.add(rec["id"])
                    new.append({**rec, "learner": self.learner})
            payload = b"".join(_dumps(r) for r in new)
            return self._append_locked(payload) if payload else 0

    def reset(self) -> Path | None:
        """Start afresh: move the progress file to ``backups/`` and return the backup's path."""
        with self._lock():
            if not self.path.exists():
                return None
            backups = self.directory / "backups"
            backups.mkdir(parents=True, exist_ok=True)
            stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
            target = backups / f"{self.learner}.{stamp}.{uuid.uuid4().hex[:6]}.jsonl"
            os.replace(self.path, target)
            _fsync_dir(self.directory)
        return target


#: A hand-in larger than this is refused before it is read (a record is about 300 bytes).
MAX_EXPORT_BYTES = 32 * 2**20


def read_export_result(path: str | Path, *, verdicts: bool = True) -> tuple[dict[str, Any], ReadResult]:
    """Read an exported progress file: its header, and its records with what was skipped.

    Line numbers count in the file (the header is line 1). A byte-order mark
    before the header (left by some editors) is ignored. ``verdicts=False``
    keeps records whose stored ``score`` or ``correct`` is invalid (for a
    reader that grades every response again).

    Raises
    ------
    StoreError
        If the file does not start with a miss-progress header naming a valid learner.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_EXPORT_BYTES:
        raise StoreError(f"{path.name}: {size / 2**20:.0f} MiB is larger than a progress export can"
                         f" be (at most {MAX_EXPORT_BYTES // 2**20} MiB, about 100,000 answers);"
                         " not read")
    data = path.read_bytes()
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    first, _, rest = data.partition(b"\n")
    try:
        header = json.loads(first.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("format") != EXPORT_FORMAT:
        raise StoreError(f"{path.name}: not a progress export (no '{EXPORT_FORMAT}' header line)")
    if header.get("version") != EXPORT_VERSION:
        raise StoreError(f"{path.name}: export version {header.get('version')!r} is not supported")
    try:
        check_learner(header.get("learner", ""))
    except StoreError as exc:
        raise StoreError(f"{path.name} line 1: {exc}") from None
    return header, _parse_lines(rest, first_line=2, verdicts=verdicts)


def read_export(path: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read an exported progress file: its header and its valid records.

    Invalid lines are skipped (:func:`read_export_result` says which and why).

    Raises
    ------
    StoreError
        If the file does not start with a miss-progress header.
    """
    header, result = read_export_result(path)
    return header, result.records


def list_learners(directory: str | Path | None = None) -> list[str]:
    """Return the learners with a progress file in ``directory``, sorted."""
    folder = Path(directory) if directory is not None else progress_dir()
    return sorted(p.name[: -len(".jsonl")] for p in folder.glob("*.jsonl"))


#: The learner whose progress a lesson records when none is named.
DEFAULT_LEARNER = "student"


def learner_store(learner: str | None = None) -> ProgressStore:
    """Return the store of ``learner`` (default: ``MISS_LEARNER`` or ``"student"``)."""
    return ProgressStore(learner or os.environ.get("MISS_LEARNER") or DEFAULT_LEARNER)
