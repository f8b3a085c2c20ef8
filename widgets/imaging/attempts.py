"""Where the screw trainer keeps a learner's attempts: a file of its own in the progress folder.

The quiz's progress store (:mod:`widgets.quiz.store`) keeps one ``<learner>.jsonl`` file of answers
per learner; the class roster, the analytics and ``collect`` read every ``*.jsonl`` file of the
folder as a learner's answers. Trainer attempts are not quiz answers, so they go in a separate file,
``<learner>.fluoro-attempts`` (JSON lines, not matched by ``*.jsonl``), in the same folder
(``MISS_PROGRESS_DIR`` overrides it), written the same locked way: the quiz store's own append
(exclusive file lock, one ``O_APPEND`` write, ``fsync``) and read with its checks (a broken line is
skipped and reported, never fatal). The quiz's records and grades are never touched.

A record: ``{"v": 1, "id": <uuid>, "learner": ..., "item": "screw-trainer:L4-left",
"kind": "screw-attempt", "t": <ISO time>, "result": {...}}`` where ``result`` is
:meth:`widgets.imaging.trainer.Score.record`. It has no ``score`` or ``correct`` field (the quiz's
verdict fields), so no quiz reader could count it as an answer.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from widgets.quiz.store import EXPORT_VERSION, ProgressStore, check_learner, format_time, now_utc

__all__ = ["KIND", "SUFFIX", "AttemptStore", "attempt_store"]

#: The ``kind`` of a trainer attempt record.
KIND = "screw-attempt"
#: The attempt file's name ends with this (not ``.jsonl``: quiz readers glob that).
SUFFIX = ".fluoro-attempts"


class AttemptStore(ProgressStore):
    """The screw-trainer attempts of one learner, in ``<learner>.fluoro-attempts``.

    Parameters
    ----------
    learner
        The learner's id (the quiz's rule: letters, digits, ``_ . -``).
    directory
        The progress folder; by default the quiz's (``MISS_PROGRESS_DIR`` overrides it).
    """

    def __init__(self, learner: str, directory: str | Path | None = None):
        super().__init__(check_learner(learner), directory)
        self.path = self.directory / f"{self.learner}{SUFFIX}"
        self.lock_path = self.directory / f"{self.learner}{SUFFIX}.lock"

    def __repr__(self) -> str:
        return f"AttemptStore(learner={self.learner!r})"

    def save(self, score: Any, *, now: datetime | None = None) -> dict[str, Any]:
        """Append one attempt's score (a :class:`~widgets.imaging.trainer.Score` or its dict).

        Returns the record written.

        Once this returns, the record is on disk.
        """
        data = score.record() if hasattr(score, "record") else dict(score)
        for key in ("level", "side", "grade_modified", "fluoro_seconds"):
            if key not in data:
                raise ValueError(f"an attempt's score needs {key!r}; got fields {sorted(data)}")
        rec = {
            "v": EXPORT_VERSION,
            "id": uuid.uuid4().hex,
            "learner": self.learner,
            "item": f"screw-trainer:{data['level']}-{data['side']}",
            "kind": KIND,
            "t": format_time(now or now_utc()),
            "result": data,
        }
        self.append([rec])
        return rec

    def attempts(self) -> list[dict[str, Any]]:
        """Return this learner's attempt scores, oldest first (broken lines skipped)."""
        return [
            r["result"]
            for r in self.records()
            if r.get("kind") == KIND
            and r.get("learner") == self.learner
            and isinstance(r.get("result"), dict)
        ]


def attempt_store(learner: str | None = None, directory: str | Path | None = None) -> AttemptStore:
    """Return the attempt store of ``learner`` (default: ``MISS_LEARNER`` or ``"student"``)."""
    import os

    from widgets.quiz.store import DEFAULT_LEARNER

    return AttemptStore(learner or os.environ.get("MISS_LEARNER") or DEFAULT_LEARNER, directory)
