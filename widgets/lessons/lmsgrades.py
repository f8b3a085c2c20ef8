"""The grade imports of Canvas and Moodle, written by ``collect`` beside ``gradebook.csv``.

Both are written when the class config has an ``lms`` section (the learners'
LMS identities; :mod:`widgets.lessons.config`), with the lesson's score in %
(0-100: give the LMS assignment 100 points) under the config's ``assignment``
name.

``canvas-grades.csv``
    The layout of a Canvas Gradebook export, which Canvas's *Import* reads back:
    ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one
    column per assignment. Canvas matches a row by ``ID`` (Canvas's own user
    id, which the suite does not know and leaves empty), ``SIS User ID`` or
    ``SIS Login ID``; ``Student`` holds the learner id.
``moodle-grades.csv``
    For Moodle's *Import > CSV file*: ``ID number``, ``Email address`` and the
    grade column; on import, map "ID number" (or "Email address") to the user
    field of that name and the grade column to the grade item.

A learner with no identity for an LMS, or whose row needs review (no
automatic score), is left out of that LMS's file and named in the warnings:
an empty cell would be imported as "no grade" at best.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["CANVAS_COLUMNS", "MOODLE_COLUMNS", "write_lms_grades"]

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("ID number", "Email address")


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_lms_grades(book, lms: Mapping[str, Any], lesson: str, out_dir: str | Path,
                     problems: list[str]) -> dict[str, Path]:
    """Write ``canvas-grades.csv`` and ``moodle-grades.csv`` from the gradebook; return their paths."""
    if not lms:
        return {}
    out_dir = Path(out_dir)
    identities = lms.get("identities", {})
    column = lms.get("assignment") or lesson
    canvas, moodle, missing = [], [], {"Canvas": [], "Moodle": []}
    for row in book.itertuples(index=False):
        learner, score = row.learner_id, row.total
        if score is None or (isinstance(score, float) and math.isnan(score)):
            problems.append(f"{learner}: needs review; left out of the LMS grade files")
            continue
        ids = identities.get(learner, {})
        text = f"{float(score):.1f}"
        if ids.get("canvas_sis_user_id") or ids.get("canvas_sis_login_id"):
            canvas.append([learner, "", ids.get("canvas_sis_user_id", ""),
                           ids.get("canvas_sis_login_id", ""), "", text])
        else:
            missing["Canvas"].append(learner)
        if ids.get("moodle_idnumber") or ids.get("email"):
            moodle.append([ids.get("moodle_idnumber", ""), ids.get("email", ""), text])
        else:
            missing["Moodle"].append(learner)
    for system, who in missing.items():
        if who:
            problems.append(f"no {system} identity for {', '.join(who)} in the class config's lms"
                            f" section; left out of the {system} grade file")
    return {
        "canvas grades": _write(out_dir / "canvas-grades.csv", [*CANVAS_COLUMNS, column], canvas),
        "moodle grades": _write(out_dir / "moodle-grades.csv", [*MOODLE_COLUMNS, column], moodle),
    }
