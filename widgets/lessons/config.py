"""The class config of a class build: read, checked, and turned into one variant per student or group.

``python -m widgets.lessons build CLASS.yaml`` reads a small config (see
``data/classes/example-class.yaml``)::

    class: spine-block-a          # a name for the build
    lesson: 07-case               # the lesson notebook (stem)
    output: build/classes/a       # where to write (relative to the current folder)
    seed: 2025                    # the class seed
    versions: [student, solution] # which versions to render (the lesson's `mode`)
    html: false                   # also export each notebook to offline HTML
    workers: 2                    # parallel processes
    defaults: {difficulty: medium}        # parameters for every variant
    cases: [lumbar-disc-herniation, ...]  # pool for students without a case
    assignment: rotate            # or `seeded`: how that pool is handed out
    students: [{id: s001, case: ...}, {id: s002, parameters: {difficulty: hard}}]
    groups: [{id: g1, members: [s010, s011], case: cauda-equina}]
    lms:                          # optional: for the Canvas and Moodle grade imports of `collect`
      assignment: MISS case quiz  # the gradebook column (Canvas assignment / Moodle grade item)
      identities:                 # per learner id: what the LMS knows them by
        s001: {canvas_sis_user_id: "20250001", moodle_idnumber: "20250001", email: a@uni.example}

Each student and each group is one *variant*. Its ``seed`` is derived from
the class seed and its id (:func:`derive_seed`), its ``learner`` is its id
(a group hands in one progress file), and its case is the one given or one
from the pool. Every variant is validated against the lesson's parameter spec
before anything runs (:func:`widgets.lessons.jobs.plan`); an invalid one is
reported with its one-line reason and the others are built.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "LMS_FIELDS",
    "SCHEMA",
    "BuildError",
    "ClassConfig",
    "Variant",
    "derive_seed",
    "load_config",
]

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["lesson", "seed"],
    "additionalProperties": False,
    "properties": {
        "class": {"type": "string", "minLength": 1},
        "lesson": {"type": "string", "pattern": "^[0-9]{2}-[a-z0-9-]+$"},
        "output": {"type": "string", "minLength": 1},
        "seed": {"type": "integer", "minimum": 0},
        "versions": {"type": "array", "minItems": 1, "uniqueItems": True,
                     "items": {"enum": ["student", "solution"]}},
        "html": {"type": "boolean"},
        "workers": {"type": "integer", "minimum": 1, "maximum": 64},
        "timeout": {"type": "integer", "minimum": 10},
        "kernel": {"enum": ["warm", "fresh"]},
        "defaults": {"type": "object"},
        "cases": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "assignment": {"enum": ["rotate", "seeded"]},
        "students": {"type": "array", "items": {
            "type": "object", "required": ["id"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "case": {"type": "string"},
                           "parameters": {"type": "object"}}}},
        "groups": {"type": "array", "items": {
            "type": "object", "required": ["id", "members"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "case": {"type": "string"},
                           "members": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                           "parameters": {"type": "object"}}}},
        "lms": {"type": "object", "additionalProperties": False, "required": ["identities"],
                "properties": {
                    "assignment": {"type": "string", "minLength": 1, "pattern": "^[^,\"\\n]+$"},
                    "identities": {"type": "object", "minProperties": 1, "additionalProperties": {
                        "type": "object", "minProperties": 1, "additionalProperties": False,
                        "properties": {
                            "canvas_sis_user_id": {"$ref": "#/$defs/lms_id"},
                            "canvas_sis_login_id": {"$ref": "#/$defs/lms_id"},
                            "moodle_idnumber": {"$ref": "#/$defs/lms_id"},
                            "email": {"type": "string",
                                      "pattern": "^[^@\\s,\"]+@[^@\\s,\"]+\\.[^@\\s,\"]+$"},
                        }}},
                }},
    },
    "anyOf": [{"required": ["students"]}, {"required": ["groups"]}],
    "$defs": {"lms_id": {"type": "string", "minLength": 1, "maxLength": 100,
                         "pattern": "^[^,\"\\s]+$"}},
}

#: The LMS identity fields a class config may give a learner, and what each is.
LMS_FIELDS = {"canvas_sis_user_id": "Canvas SIS User ID", "canvas_sis_login_id": "Canvas SIS Login ID",
              "moodle_idnumber": "Moodle ID number", "email": "email address (Moodle can match it)"}


class BuildError(ValueError):
    """The class config is invalid (the message names the file and line)."""


@dataclass(frozen=True)
class Variant:
    """One student or group: the parameters its notebooks are built with (``mode`` aside)."""

    id: str
    kind: str
    members: tuple[str, ...]
    parameters: Mapping[str, Any]


@dataclass(frozen=True)
class ClassConfig:
    """A parsed class config."""

    name: str
    lesson: str
    output: Path
    seed: int
    versions: tuple[str, ...]
    html: bool
    workers: int
    timeout: int
    kernel: str
    variants: tuple[Variant, ...]
    source: str = ""
    lms: Mapping[str, Any] = field(default_factory=dict)


def derive_seed(class_seed: int, variant_id: str) -> int:
    """Return the seed of one variant: a SHA-256 of the class seed and the id, below 2**31.

    Deterministic across runs, machines and Python versions.
    """
    digest = hashlib.sha256(f"miss-class:{class_seed}:{variant_id}".encode()).hexdigest()
    return int(digest[:8], 16) % (2**31)


def load_config(path: str | Path, output: str | Path | None = None) -> ClassConfig:
    """Read and check a class config; ``output`` overrides its ``output`` folder.

    Raises
    ------
    BuildError
        For YAML or schema problems (with the line), duplicate ids, or an
        unknown lesson. Bad *parameters* are not raised here: :func:`widgets.lessons.jobs.plan`
        reports each invalid variant and lets the others build.
    """
    from widgets.core import documents

    path = Path(path)
    try:
        doc, _ = documents.parse(path, str(path))
        if doc is None:
            raise BuildError(f"{path} line 1: the class config is empty; it needs at least 'lesson',"
                             " 'seed' and 'students' or 'groups' (see data/classes/example-class.yaml)")
        documents.check(doc, SCHEMA, str(path))
    except documents.DocumentError as exc:
        detail = f"cannot read the class config ({exc.__cause__})" if exc.kind == "read" else exc.detail
        raise BuildError(f"{path}" + (f" line {exc.line}" if exc.line else "") + f": {detail}") from exc
    from widgets.core.params import ParameterError
    from widgets.lessons.registry import get_spec

    lesson = doc["lesson"]
    try:
        spec = get_spec(lesson)
    except ParameterError as exc:
        raise BuildError(f"{path} line {doc.key_lines['lesson']}: {exc}") from None
    names = set(spec.names)
    seen: dict[str, int] = {}
    entries = [("student", s) for s in doc.get("students", [])]
    entries += [("group", g) for g in doc.get("groups", [])]
    from widgets.quiz.store import StoreError, check_learner

    folded: dict[str, tuple[str, int]] = {}
    for _, entry in entries:
        ids = [(entry["id"], entry.line)]
        ids += [(m, entry.line) for m in entry.get("members", ())]
        for some_id, line in ids:
            try:
                check_learner(some_id)
            except StoreError as exc:
                raise BuildError(f"{path} line {line}: {exc}") from None
        if entry["id"] in seen:
            raise BuildError(f"{path} line {entry.line}: id {entry['id']!r} is used twice"
                             f" (first at line {seen[entry['id']]})")
        other = folded.get(entry["id"].casefold())
        if other is not None:
            raise BuildError(f"{path} line {entry.line}: id {entry['id']!r} differs from"
                             f" {other[0]!r} (line {other[1]}) only in case; their files would"
                             " collide on macOS and Windows")
        seen[entry["id"]] = entry.line
        folded[entry["id"].casefold()] = (entry["id"], entry.line)
    out_dir = Path(output) if output is not None else Path(
        doc.get("output", f"build/classes/{path.stem}"))
    _check_output_folder(out_dir, f"{path} line {doc.key_lines.get('output', 1)}"
                         if output is None and "output" in doc else "--output")
    defaults = dict(doc.get("defaults", {}))
    pool = list(doc.get("cases") or _all_cases(lesson))
    assignment = doc.get("assignment", "rotate")
    variants = []
    rotate = 0
    for kind, entry in entries:
        params = dict(defaults)
        params.update(entry.get("parameters", {}))
        if "case" in entry:
            params["case"] = entry["case"]
        elif "case" not in params and "case" in names:
            if assignment == "rotate":
                params["case"] = pool[rotate % len(pool)]
                rotate += 1
            else:
                params["case"] = pool[derive_seed(doc["seed"], f"case:{entry['id']}") % len(pool)]
        if "seed" in names:
            params["seed"] = derive_seed(doc["seed"], entry["id"])
        if "learner" in names:
            params["learner"] = entry["id"]
        members = tuple(entry.get("members", (entry["id"],)))
        variants.append(Variant(entry["id"], kind, members, params))
    lms = _check_lms(doc.get("lms"), variants, path, doc.get("class", path.stem))
    return ClassConfig(
        name=str(doc.get("class", path.stem)),
        lesson=lesson,
        output=out_dir,
        seed=doc["seed"],
        versions=tuple(doc.get("versions", ("student", "solution"))),
        html=bool(doc.get("html", False)),
        workers=int(doc.get("workers", 2)),
        timeout=int(doc.get("timeout", 300)),
        kernel=doc.get("kernel", "warm"),
        variants=tuple(variants),
        source=str(path),
        lms=lms,
    )


def _check_lms(section: Any, variants: list[Variant], path: Path, name: str) -> dict[str, Any]:
    """Check the ``lms`` section against the class: known learners, no identity given twice."""
    if section is None:
        return {}
    learners = {m for v in variants for m in v.members}
    where = f"{path} line {section.line}" if hasattr(section, "line") else str(path)
    identities = section["identities"]
    for learner in identities:
        if learner not in learners:
            raise BuildError(f"{where}: lms identities name {learner!r}, who is not in the class;"
                             f" learners: {', '.join(sorted(learners))}")
    for name_ in LMS_FIELDS:
        seen: dict[str, str] = {}
        for learner, ids in identities.items():
            value = ids.get(name_)
            if value is None:
                continue
            key = value.casefold() if name_ == "email" else value
            if key in seen:
                raise BuildError(f"{where}: {name_} {value!r} is given to both {seen[key]!r} and"
                                 f" {learner!r}; each learner needs their own")
            seen[key] = learner
    return {"assignment": str(section.get("assignment", name)),
            "identities": {k: dict(v) for k, v in identities.items()}}


def _check_output_folder(folder: Path, where: str) -> None:
    """Refuse an output folder that would spread a build over the system or the suite itself."""
    resolved = folder.resolve()
    if resolved == Path(resolved.anchor):
        raise BuildError(f"{where}: output {str(folder)!r} is the root of the file system;"
                         " give a folder of its own, e.g. build/classes/<class>")
    if resolved == Path.home().resolve() or resolved in Path.cwd().resolve().parents:
        raise BuildError(f"{where}: output {str(folder)!r} would write into your home or a parent"
                         " of this folder; give a folder of its own, e.g. build/classes/<class>")
    from widgets.core.catalog import notebooks_dir

    lessons = notebooks_dir().resolve()
    if resolved == lessons or resolved in lessons.parents:
        raise BuildError(f"{where}: output {str(folder)!r} holds the lessons themselves;"
                         " give a folder of its own, e.g. build/classes/<class>")


def _all_cases(lesson: str) -> list[str]:
    if lesson == "07-case":
        from widgets.case.patients import case_ids

        return case_ids()
    return []
