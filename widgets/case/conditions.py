"""The conditions the case lesson (``notebooks/07-case.ipynb``) teaches, and its vocabulary.

``data/cases/conditions.yaml`` holds one entry per diagnosis: where it occurs,
its timing, the approaches a student chooses from and the cited rows that
compare them (see that file's header). :func:`conditions` reads it, validates it
against ``conditions.schema.json`` and checks it for consistency; a problem is
reported with the file and line (:class:`CaseError`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgets.core import documents
from widgets.core.data import DataError, data_dir
from widgets.core.levels import SEGMENTS, VERTEBRAE

__all__ = [
    "BONE_QUALITY",
    "COMORBIDITIES",
    "DIAGNOSES",
    "SEXES",
    "Approach",
    "CaseError",
    "Condition",
    "RowSpec",
    "cases_dir",
    "conditions",
    "level_help",
    "level_kind",
    "level_range",
    "read_yaml",
    "stamp",
]

# --------------------------------------------------------------------------- vocabulary

SEXES = ("female", "male")
BONE_QUALITY = ("normal", "osteopenia", "osteoporosis")
#: Comorbidities a case may list (names, not codes).
COMORBIDITIES = (
    "diabetes",
    "current smoker",
    "cardiovascular disease",
    "chronic kidney disease",
    "chronic lung disease",
    "anticoagulant therapy",
    "rheumatoid arthritis",
    "depression",
)
#: Diagnoses the lesson teaches; ``data/cases/conditions.yaml`` has one entry for each.
DIAGNOSES = (
    "lumbar disc herniation",
    "far-lateral lumbar disc herniation",
    "lumbar spinal stenosis",
    "degenerative spondylolisthesis",
    "osteoporotic compression fracture",
    "adult degenerative scoliosis",
    "cervical radiculopathy",
    "cervical myelopathy",
    "cauda equina syndrome",
    "spinal metastasis with instability",
)


class CaseError(DataError):
    """A case or the conditions file is invalid (the message names the file and line)."""


# --------------------------------------------------------------------------- YAML with lines


def read_yaml(path: Path, schema: str) -> Any:
    """Read a YAML file and validate it against ``data/cases/<schema>``.

    Raises
    ------
    CaseError
        Naming the file and line of the first problem (YAML syntax or schema).
    """
    try:
        return documents.load(path, data_dir() / "cases" / schema)
    except documents.DocumentError as exc:
        raise CaseError(str(exc)) from exc


# --------------------------------------------------------------------------- levels


def level_kind(level: str) -> str | None:
    """Return ``"vertebra"`` or ``"segment"`` for a valid level name, else ``None``."""
    if level in VERTEBRAE:
        return "vertebra"
    if level in SEGMENTS:
        return "segment"
    return None


def level_range(kind: str, first: str, last: str) -> tuple[str, ...]:
    """Return the levels of one kind from ``first`` to ``last`` inclusive."""
    names = VERTEBRAE if kind == "vertebra" else SEGMENTS
    if first not in names or last not in names:
        raise ValueError(f"{first!r}..{last!r} are not both {kind} names")
    i, j = names.index(first), names.index(last)
    if i > j:
        raise ValueError(f"{first!r} comes after {last!r}")
    return names[i:j + 1]


def level_help() -> str:
    """Say in words which level names are allowed (for error messages)."""
    return ("a vertebra (C1-C7, T1-T12, L1-L5 or S1) or a disc segment of two neighbours"
            " (C1-C2 ... L5-S1, e.g. 'L4-L5')")


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Approach:
    """One option for the student: its role (conservative, surgical, urgent) and access."""

    id: str
    label: str
    role: str
    about: str
    access: str | None = None


@dataclass(frozen=True)
class RowSpec:
    """A cited row selected from a table (evidence or a patient factor).

    ``judge`` says how the evidence map's rule reads a comparison (see
    :func:`widgets.case.evidence.judge`): its ``threshold`` (``[MCID, instrument]``,
    ``[MCID, instrument, scale]`` or ``[assumption, name]``), and optionally
    ``sign``, ``trial``, ``patient_reported``, ``first``, ``comparable`` and ``note``.
    """

    table: str
    where: Mapping[str, Any]
    label: str
    comparison: str = ""
    better: str = ""
    reading: str | None = None
    basis: str | None = None
    when: str | None = None
    column: str | None = None
    line: int = 0
    judge: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Condition:
    """One diagnosis the lesson teaches (see ``data/cases/conditions.yaml``)."""

    name: str
    summary: str
    level_kind: str
    levels: tuple[str, ...]
    bone_quality: tuple[str, ...]
    timing: str
    conservative_first: bool
    threshold_trials: tuple[str, ...]
    decision_sources: tuple[str, ...]
    corridor: bool
    indirect: bool
    indirect_reason: str
    procedure: str
    comparator: str
    topics: tuple[str, ...]
    approaches: tuple[Approach, ...]
    evidence: tuple[RowSpec, ...]
    factors: tuple[RowSpec, ...]
    applicability: Mapping[str, Any]
    line: int = 0

    def approach(self, approach_id: str) -> Approach:
        """Return the approach with id ``approach_id``."""
        for a in self.approaches:
            if a.id == approach_id:
                return a
        raise KeyError(f"condition {self.name!r} has no approach {approach_id!r}")

    def levels_text(self) -> str:
        """Describe where the condition occurs, e.g. ``"a disc segment from L1-L2 to L5-S1"``."""
        what = "a disc segment" if self.level_kind == "segment" else "one vertebra"
        return f"{what} from {self.levels[0]} to {self.levels[-1]}"


def stamp(folder: Path) -> tuple:
    """Return the names, times and sizes of a folder's files (a cache key that changes with them)."""
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(folder.glob("*")) if p.is_file())


def cases_dir() -> Path:
    """Return the folder of the cases, ``data/cases``."""
    return data_dir() / "cases"


def conditions() -> dict[str, Condition]:
    """Return every condition of ``data/cases/conditions.yaml`` by diagnosis (validated, cached)."""
    folder = cases_dir()
    return _conditions_cached(str(folder), stamp(folder))


@functools.lru_cache(maxsize=4)
def _conditions_cached(folder: str, stamp: tuple) -> dict[str, Condition]:
    path = Path(folder) / "conditions.yaml"
    file = documents.relative_name(path)
    doc = read_yaml(path, "conditions.schema.json")
    out: dict[str, Condition] = {}
    for name, raw in doc["conditions"].items():
        line = doc["conditions"].key_lines.get(name, 0)

        def fail(message: str, key: str | None = None, _raw=raw, _line=line, _name=name) -> CaseError:
            at = _raw.key_lines.get(key, _line) if key else _line
            return CaseError(f"{file} line {at}, condition {_name!r}: {message}")

        if name not in DIAGNOSES:
            raise fail(f"is not one of the diagnoses the lesson declares ({', '.join(DIAGNOSES)})")
        lv = raw["levels"]
        try:
            levels = level_range(lv["kind"], lv["first"], lv["last"])
        except ValueError as exc:
            raise fail(f"levels: {exc}", "levels") from None
        approaches = tuple(Approach(a["id"], a["label"], a["role"], a["about"], a.get("access"))
                           for a in raw["approaches"])
        ids = [a.id for a in approaches]
        if len(set(ids)) != len(ids):
            raise fail("approach ids must be unique", "approaches")
        evidence_specs = tuple(
            RowSpec(e["table"], dict(e["where"]), e["outcome"], e["comparison"], e["better"],
                    e.get("reading"), e.get("basis"), line=e.line, judge=dict(e.get("judge", {})))
            for e in raw["evidence"])
        factor_specs = tuple(
            RowSpec(f["table"], dict(f["where"]), f["factor"], when=f["when"], column=f["column"],
                    line=f.line)
            for f in raw["factors"])
        for f in factor_specs:
            if f.when.startswith("comorbidity:") and f.when.split(":", 1)[1] not in COMORBIDITIES:
                raise CaseError(f"{file} line {f.line}, condition {name!r}: factor rule {f.when!r}"
                                f" names no comorbidity; allowed: {', '.join(COMORBIDITIES)}")
        indirect = bool(raw.get("indirect", False))
        applic = dict(raw["applicability"])
        applic.setdefault("same_condition", not indirect)
        out[name] = Condition(
            name=name,
            summary=" ".join(raw["summary"].split()),
            level_kind=lv["kind"],
            levels=levels,
            bone_quality=tuple(raw["bone_quality"]),
            timing=raw["timing"],
            conservative_first=raw["conservative_first"],
            threshold_trials=tuple(raw["threshold_trials"]),
            decision_sources=tuple(raw.get("decision_sources", ())),
            corridor=raw["corridor"],
            indirect=indirect,
            indirect_reason=raw.get("indirect_reason", ""),
            procedure=raw["procedure"],
            comparator=raw["comparator"],
            topics=tuple(raw.get("topics", ())),
            approaches=approaches,
            evidence=evidence_specs,
            factors=factor_specs,
            applicability=applic,
            line=line,
        )
    missing = [d for d in DIAGNOSES if d not in out]
    if missing:
        raise CaseError(f"{file}: no entry for the diagnoses {', '.join(missing)}")
    return out
