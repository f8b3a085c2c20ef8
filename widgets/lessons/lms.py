"""Export a lesson's questions for a learning-management system: ``python -m widgets.lessons export``.

``python -m widgets.lessons export FORMAT --out DIR [LESSON ...] [--class CLASS.yaml]``
writes, per lesson, ``<lesson>-qti12.zip`` (an IMS content package holding a
QTI 1.2 assessment: Canvas "QTI .zip file" import, Blackboard) or
``<lesson>-moodle.xml`` (Moodle's "Import questions", Moodle XML format). With
no lesson named, every lesson with questions is exported.

A lesson's bank items are asked one by one. The case lesson's generated
questions depend on its parameters (the case, the difficulty): each question
template becomes a pool of its resolved variants, from which the LMS asks one
(a QTI section selecting one item; a Moodle category for a random question).
The variants are those of every named case at every difficulty, or, with
``--class``, exactly those of the class's students.

An export holds every key and all feedback: it is an instructor's file. The
class build never writes one, and this command refuses a folder inside a class
build's ``student`` version or the lessons' own folder.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from widgets.quiz.lms import FORMATS, ExportError, Pool, pools_of_items

__all__ = ["case_pools", "export_lesson", "lesson_pools", "main_export"]

CASE_LESSON = "07-case"


def _case_runs(parameter_sets: Iterable[Mapping[str, Any]] | None):
    from widgets.case.model import case_run
    from widgets.case.patients import DIFFICULTIES, case_ids

    if parameter_sets is None:
        parameter_sets = [{"case": c, "difficulty": d} for c in case_ids() for d in DIFFICULTIES]
    for params in parameter_sets:
        yield case_run({**dict(params), "mode": "solution"})


def case_pools(parameter_sets: Iterable[Mapping[str, Any]] | None = None) -> list[Pool]:
    """Return the case lesson's pools: one per question template (its variants), then the bank items."""
    from widgets.case.quiz import case_items, static_items
    from widgets.lessons.collect import template_of

    by_template: dict[str, dict[str, Any]] = defaultdict(dict)
    for run in _case_runs(parameter_sets):
        for item in case_items(run):
            by_template[template_of(item.id)][item.id] = item
    pools = [Pool(f"{CASE_LESSON}-{name}", f"Case question: {name.replace('-', ' ')}",
                  tuple(items.values()), pick=1)
             for name, items in sorted(by_template.items())]
    return pools + pools_of_items(static_items())


def lesson_pools(lesson: str, parameter_sets: Iterable[Mapping[str, Any]] | None = None) -> list[Pool]:
    """Return the pools of one lesson (see the module docstring)."""
    from widgets.core.catalog import lesson as catalog_lesson
    from widgets.quiz.items import items_for_lesson

    catalog_lesson(lesson)  # an unknown lesson: KeyError naming the known ones
    if lesson == CASE_LESSON:
        return case_pools(parameter_sets)
    if parameter_sets is not None:
        raise ExportError(f"lesson {lesson!r} has no parameters that change its questions;"
                          " --class is for the case lesson (07-case)")
    return pools_of_items(items_for_lesson(lesson))


def _check_out(out: Path) -> None:
    from widgets.core.catalog import notebooks_dir

    resolved = out.resolve()
    lessons = notebooks_dir().resolve()
    if resolved == lessons or lessons in resolved.parents:
        raise ExportError(f"--out {str(out)!r} is inside the lessons folder; an export holds the"
                          " keys: write it to a folder of its own")
    for folder in (resolved, *resolved.parents):
        if (folder / "manifest.json").is_file():
            student = folder / "student"
            if resolved == student or student in resolved.parents:
                raise ExportError(f"--out {str(out)!r} is inside a class build's student version;"
                                  " an export holds the keys: write it beside the solutions")


def export_lesson(lesson: str, fmt: str, out: str | Path,
                  parameter_sets: Iterable[Mapping[str, Any]] | None = None) -> Path:
    """Write one lesson's export in ``fmt`` (``qti12`` or ``moodle``) into ``out``; return the file."""
    from widgets.core.catalog import lesson as catalog_lesson
    from widgets.quiz.lms import moodle, qti12

    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    out = Path(out)
    _check_out(out)
    pools = lesson_pools(lesson, parameter_sets)
    title = catalog_lesson(lesson).title
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "qti12":
        xml = qti12.write(pools, title=title, assessment_id=f"miss-{lesson}")
        problems = qti12.validate(xml)
        if problems:
            raise ExportError(f"{lesson}: the QTI export breaks the QTI 1.2.1 DTD: {problems[0]}")
        path = out / f"{lesson}-qti12.zip"
        path.write_bytes(qti12.package(xml, assessment_id=f"miss-{lesson}"))
    else:
        path = out / f"{lesson}-moodle.xml"
        path.write_bytes(moodle.write(pools, bank=f"MISS/{lesson}"))
    return path


def _lessons_with_items() -> list[str]:
    from widgets.core.catalog import LESSONS
    from widgets.quiz.items import items_for_lesson

    def has_items(stem: str) -> bool:
        try:
            return bool(items_for_lesson(stem))
        except LookupError:
            return False

    return [entry.stem for entry in LESSONS if entry.stem == CASE_LESSON or has_items(entry.stem)]


def main_export(fmt: str, out: str, lessons: list[str], class_config: str | None) -> int:
    """Command-line entry: write the exports, print each file; 2 with a one-line error."""
    from widgets.lessons.config import BuildError, load_config

    try:
        parameter_sets = None
        if class_config is not None:
            config = load_config(class_config)
            if lessons and lessons != [config.lesson]:
                raise ExportError(f"the class config is for lesson {config.lesson!r}; name no"
                                  " other lesson with --class")
            lessons, parameter_sets = [config.lesson], [v.parameters for v in config.variants]
        for lesson in lessons or _lessons_with_items():
            path = export_lesson(lesson, fmt, out, parameter_sets)
            print(f"wrote {path}")
    except (ExportError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    return 0
