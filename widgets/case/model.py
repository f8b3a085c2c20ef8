"""Patient cases for the case lesson (``notebooks/07-case.ipynb``).

A *case* is a fictional teaching vignette: a patient (age, sex, BMI,
diagnosis, level, symptom duration, conservative care, bone quality,
comorbidities, previous surgery), a presentation, and tutor notes. Named cases
live in ``data/cases/<id>.yaml``; the conditions they belong to, with the
approaches to choose from and the cited rows that compare them, in
``data/cases/conditions.yaml``. Both are validated against their JSON schemas
(``case.schema.json``, ``conditions.schema.json``) and then checked for
consistency; a problem is reported with the file and line.

The lesson's parameters are the patient fields plus lesson settings. A named
case supplies every patient field; a parameter left at ``None`` takes the
case's value and any other value overrides it. ``case="custom"`` builds the
patient from the parameters alone. :func:`check_parameters` (the
``consistency`` hook of the lesson's :class:`~widgets.core.params.ParameterSpec`)
rejects an inconsistent combination with one line naming the parameter and
what is allowed, before any heavy work.

Everything a student reads as a figure comes from ``data/tables``:
:func:`evidence` resolves each cited row, :func:`trial_criteria` reads a
trial's entry criteria from its ``population`` text, and the quiz items of
:func:`case_items` carry every number as a value resolved from those rows.
Rules that turn a case into an answer (:func:`decide`,
:func:`applicability`, the reading of a confidence interval) are small, pure
and tested; they are the lesson's teaching rules, not clinical guidance.

Modes: ``"student"`` shows no answer, key or tutor explanation;
``"solution"`` shows them. :func:`answer_key_strings` lists every string
that only a solution may contain, so tests can search built notebooks.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from widgets.core import schemacheck
from widgets.core.data import DataError, data_dir
from widgets.core.levels import SEGMENTS, VERTEBRAE
from widgets.core.yamllines import LineLoader, line_of

__all__ = [
    "AGE_RANGE",
    "BMI_RANGE",
    "BONE_QUALITY",
    "COMORBIDITIES",
    "CUSTOM",
    "Case",
    "CaseError",
    "CaseRun",
    "Condition",
    "DIAGNOSES",
    "DIFFICULTIES",
    "DURATION_RANGE",
    "Evidence",
    "MODES",
    "PATIENT_FIELDS",
    "Patient",
    "QUIZ_LENGTH",
    "SEGMENTS",
    "SEXES",
    "TrialCriteria",
    "VERTEBRAE",
    "answer_key_strings",
    "applicability",
    "case_ids",
    "case_items",
    "case_run",
    "check_parameters",
    "conditions",
    "decide",
    "evidence",
    "load_case",
    "quiz_items",
    "trial_criteria",
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
DIFFICULTIES = ("easy", "medium", "hard")
MODES = ("student", "solution")
CUSTOM = "custom"
PATIENT_FIELDS = ("age", "sex", "bmi", "diagnosis", "level", "duration_weeks", "conservative_care",
                  "bone_quality", "comorbidities", "prior_surgery")
AGE_RANGE = (18, 100)
BMI_RANGE = (15.0, 60.0)
DURATION_RANGE = (0, 520)
#: Questions per quiz, and options per choice question, by difficulty.
QUIZ_LENGTH = {"easy": 5, "medium": 6, "hard": 8}
N_OPTIONS = {"easy": 3, "medium": 4, "hard": 5}
READINGS = ("favours MISS", "no clear difference", "favours the comparator")
LESSON = "07-case"
OBJECTIVES = (
    "Apply selection criteria to a named case",
    "Predict and compare outcomes of MISS and open surgery with cited figures",
    "Judge whether published evidence applies to a given patient",
)
_PLACEHOLDERS = ("level",)


class CaseError(DataError):
    """A case or the conditions file is invalid (the message names the file and line)."""


# --------------------------------------------------------------------------- YAML with lines


def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(data_dir().resolve().parent).as_posix()
    except ValueError:
        return path.name


def read_yaml(path: Path, schema: str) -> Any:
    """Read a YAML file and validate it against ``data/cases/<schema>``.

    Raises
    ------
    CaseError
        Naming the file and line of the first problem (YAML syntax or schema).
    """
    file = _rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError(f"{file}: cannot read it ({exc})") from exc
    try:
        doc = yaml.load(text, Loader=LineLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise CaseError(f"{file}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    errors = sorted(schemacheck.errors(str(data_dir() / "cases" / schema), doc),
                    key=lambda e: line_of(doc, list(e.absolute_path)) or 0)
    if errors:
        first = errors[0]
        line = line_of(doc, list(first.absolute_path))
        at = ".".join(str(p) for p in first.absolute_path)
        raise CaseError(f"{file} line {line}: {first.message}" + (f" (at {at})" if at else ""))
    return doc


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


def _level_help() -> str:
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
    """A cited row selected from a table (evidence or a patient factor)."""

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


def _stamp(folder: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(folder.glob("*")) if p.is_file())


def _cases_dir() -> Path:
    return data_dir() / "cases"


def conditions() -> dict[str, Condition]:
    """Return every condition of ``data/cases/conditions.yaml`` by diagnosis (validated, cached)."""
    folder = _cases_dir()
    return _conditions_cached(str(folder), _stamp(folder))


@functools.lru_cache(maxsize=4)
def _conditions_cached(folder: str, stamp: tuple) -> dict[str, Condition]:
    path = Path(folder) / "conditions.yaml"
    file = _rel(path)
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
                    e.get("reading"), e.get("basis"), line=e.line)
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


# --------------------------------------------------------------------------- patients and cases


@dataclass(frozen=True)
class Patient:
    """The patient fields of a case (the lesson's patient parameters)."""

    age: int
    sex: str
    bmi: float
    diagnosis: str
    level: str
    duration_weeks: int
    conservative_care: bool
    bone_quality: str
    comorbidities: tuple[str, ...]
    prior_surgery: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict (comorbidities as a list)."""
        return {f: (list(getattr(self, f)) if f == "comorbidities" else getattr(self, f))
                for f in PATIENT_FIELDS}

    @property
    def noun(self) -> str:
        """``"woman"`` or ``"man"``."""
        return "woman" if self.sex == "female" else "man"


@dataclass(frozen=True)
class Case:
    """A case: its id, the patient, the presentation and the tutor's notes.

    ``overrides`` maps each patient field set by a parameter to the named case's
    own value (empty for a case run as written, and for ``custom`` cases).
    """

    id: str
    title: str
    patient: Patient
    complaint: str
    history: str
    examination: str
    imaging: str
    red_flags: tuple[str, ...] = ()
    tutor_approaches: tuple[str, ...] = ()
    tutor_notes: str = ""
    discussion: tuple[str, ...] = ()
    file: str = ""
    overrides: Mapping[str, Any] = field(default_factory=dict)

    @property
    def condition(self) -> Condition:
        """The condition of the patient's diagnosis."""
        return conditions()[self.patient.diagnosis]

    def text(self, name: str) -> str:
        """Return a presentation text with ``{level}`` filled in."""
        return " ".join(getattr(self, name).replace("{level}", self.patient.level).split())


def case_ids() -> list[str]:
    """Return the ids of the named cases (``data/cases/*.yaml`` except the conditions file)."""
    return sorted(p.stem for p in _cases_dir().glob("*.yaml") if p.stem != "conditions")


def load_case(case_id: str) -> Case:
    """Read, validate and check the named case ``case_id``.

    Raises
    ------
    CaseError
        For a missing case, a schema violation or an inconsistent patient,
        naming the file and the line.
    """
    folder = _cases_dir()
    return _load_case_cached(str(folder), _stamp(folder), case_id)


@functools.lru_cache(maxsize=64)
def _load_case_cached(folder: str, stamp: tuple, case_id: str) -> Case:
    path = Path(folder) / f"{case_id}.yaml"
    if case_id == "conditions" or not path.is_file():
        raise CaseError(f"data/cases: no case {case_id!r}; named cases: {', '.join(case_ids())}")
    file = _rel(path)
    doc = read_yaml(path, "case.schema.json")
    if doc["id"] != case_id:
        raise CaseError(f"{file} line {doc.key_lines['id']}: id {doc['id']!r} must equal the file"
                        f" name {case_id!r}")
    raw = doc["patient"]
    values = dict(raw)
    values["bmi"] = float(values["bmi"])
    values["comorbidities"] = list(values["comorbidities"])
    try:
        _check_patient(values)
    except _PatientProblem as exc:
        line = raw.key_lines.get(exc.field, raw.line)
        raise CaseError(f"{file} line {line}: patient field {exc.field!r}: {exc.message}") from None
    condition = conditions()[values["diagnosis"]]
    tutor = doc["tutor"]
    for approach_id in tutor["approaches"]:
        if approach_id not in {a.id for a in condition.approaches}:
            raise CaseError(
                f"{file} line {tutor.key_lines['approaches']}: tutor approach {approach_id!r} is not"
                f" an approach of {condition.name!r} ({', '.join(a.id for a in condition.approaches)})")
    pres = doc["presentation"]
    for key, text in pres.items():
        for name in re.findall(r"\{(\w*)\}", text):
            if name not in _PLACEHOLDERS:
                raise CaseError(f"{file} line {pres.key_lines[key]}: presentation.{key} uses"
                                f" {{{name}}}; only {{level}} may be filled in")
    patient = Patient(**{**values, "comorbidities": tuple(values["comorbidities"])})
    return Case(
        id=case_id,
        title=doc["title"],
        patient=patient,
        complaint=pres["complaint"],
        history=pres["history"],
        examination=pres["examination"],
        imaging=pres["imaging"],
        red_flags=tuple(doc.get("red_flags", ())),
        tutor_approaches=tuple(tutor["approaches"]),
        tutor_notes=" ".join(tutor["notes"].split()),
        discussion=tuple(tutor.get("discussion", ())),
        file=file,
    )


# --------------------------------------------------------------------------- parameter checks


class _PatientProblem(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field, self.message = field_name, message


def _check_patient(values: Mapping[str, Any]) -> None:
    """Check a complete set of patient fields for consistency (raises _PatientProblem)."""
    level = values["level"]
    if level_kind(level) is None:
        raise _PatientProblem("level", f"{level!r} is not a spinal level; allowed: {_level_help()}")
    table = conditions()
    diagnosis = values["diagnosis"]
    if diagnosis not in table:
        raise _PatientProblem("diagnosis", f"{diagnosis!r} is not a diagnosis the lesson teaches;"
                                           f" allowed: {', '.join(DIAGNOSES)}")
    cond = table[diagnosis]
    if level not in cond.levels:
        raise _PatientProblem(
            "level", f"{level!r} does not fit diagnosis {diagnosis!r}, which needs {cond.levels_text()}")
    if values["bone_quality"] not in cond.bone_quality:
        allowed = " or ".join(repr(b) for b in cond.bone_quality)
        raise _PatientProblem(
            "bone_quality", f"{values['bone_quality']!r} does not fit diagnosis {diagnosis!r}, which"
                            f" needs {allowed}")
    comorbidities = values["comorbidities"]
    for item in comorbidities:
        if not isinstance(item, str) or item not in COMORBIDITIES:
            close = difflib.get_close_matches(str(item), COMORBIDITIES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _PatientProblem(
                "comorbidities",
                f"{item!r} is not an allowed name{hint}; allowed: {', '.join(COMORBIDITIES)}")
    if len(set(comorbidities)) != len(comorbidities):
        raise _PatientProblem("comorbidities", "lists a name twice")


def check_parameters(values: Mapping[str, Any]) -> None:
    """Check the case lesson's parameters together (the spec's ``consistency`` hook).

    ``values`` holds every parameter, each already of the right type and range.
    Patient fields left ``None`` take the named case's value; the merged
    patient must be consistent: the level must exist and fit the diagnosis,
    the bone quality must fit it, comorbidities must be allowed names, and a
    named case's diagnosis cannot be changed (choose another case, or
    ``case="custom"``).

    Raises
    ------
    widgets.core.params.ParameterError
        One line naming the parameter and what is allowed.
    """
    from widgets.core.params import ParameterError
    from widgets.quiz.store import StoreError, check_learner

    try:
        check_learner(values["learner"])
    except StoreError as exc:
        raise ParameterError(f"parameter 'learner': {exc}") from None
    case_id = values["case"]
    named = case_ids()
    if case_id == CUSTOM:
        for name in PATIENT_FIELDS:
            if values.get(name) is None:
                from widgets.core.catalog import lesson

                param = {p.name: p for p in lesson(LESSON).params}[name]
                raise ParameterError(
                    f"parameter {name!r} is None, but case='custom' needs every patient field;"
                    f" give {param.allowed().removesuffix(', or None')}")
        merged = {name: values[name] for name in PATIENT_FIELDS}
    else:
        if case_id not in named:
            close = difflib.get_close_matches(case_id, named, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParameterError(f"parameter 'case' is {case_id!r}, not a named case{hint}; allowed:"
                                 f" 'custom', {', '.join(repr(c) for c in named)}")
        try:
            base = load_case(case_id).patient.as_dict()
        except CaseError as exc:
            raise ParameterError(f"parameter 'case': {exc}") from None
        given = values.get("diagnosis")
        if given is not None and given != base["diagnosis"]:
            raise ParameterError(
                f"parameter 'diagnosis' is {given!r}, but named case {case_id!r} is a"
                f" {base['diagnosis']!r}; leave diagnosis None, pick another case or use case='custom'")
        merged = {name: (base[name] if values.get(name) is None else values[name])
                  for name in PATIENT_FIELDS}
    try:
        _check_patient(merged)
    except _PatientProblem as exc:
        origin = ""
        if case_id != CUSTOM and values.get(exc.field) is None:
            origin = f" (the value of named case {case_id!r})"
        raise ParameterError(f"parameter {exc.field!r}{origin}: {exc.message}") from None


# --------------------------------------------------------------------------- a run of the lesson


@dataclass(frozen=True)
class CaseRun:
    """One run of the case lesson: the case (with overrides applied) and the lesson settings."""

    case: Case
    difficulty: str = "medium"
    seed: int = 0
    mode: str = "student"
    learner: str = "student"

    @classmethod
    def from_parameters(cls, values: Mapping[str, Any]) -> CaseRun:
        """Build a run from a *validated* parameter set (see :func:`case_run`)."""
        patient_values = {name: values.get(name) for name in PATIENT_FIELDS}
        if values["case"] == CUSTOM:
            merged = dict(patient_values)
            patient = Patient(**{**merged, "bmi": float(merged["bmi"]),
                                 "comorbidities": tuple(merged["comorbidities"])})
            cond = conditions()[patient.diagnosis]
            case = Case(
                id=CUSTOM,
                title=f"A custom case: {patient.diagnosis} at {patient.level}",
                patient=patient,
                complaint="Built from the parameters; no narrative is written for a custom case.",
                history=cond.summary,
                examination="Not described: the instructor set the patient fields only.",
                imaging=f"The parameters place the {patient.diagnosis} at {patient.level}.",
                tutor_approaches=tuple(a.id for a in cond.approaches if a.role != "conservative"
                                       and (a.role == "urgent") == (cond.timing == "urgent")),
                tutor_notes=("A custom case has no tutor notes of its own; the keys below follow the"
                             " lesson's rules for the condition."),
            )
        else:
            case = load_case(values["case"])
            base = case.patient.as_dict()
            overrides = {name: base[name] for name, v in patient_values.items()
                         if v is not None and v != base[name]}
            if overrides:
                merged = {name: (base[name] if patient_values[name] is None else patient_values[name])
                          for name in PATIENT_FIELDS}
                patient = Patient(**{**merged, "bmi": float(merged["bmi"]),
                                     "comorbidities": tuple(merged["comorbidities"])})
                case = replace(case, patient=patient, overrides=overrides)
        return cls(case=case, difficulty=values.get("difficulty", "medium"),
                   seed=int(values.get("seed", 0)), mode=values.get("mode", "student"),
                   learner=values.get("learner", "student"))

    @property
    def solution(self) -> bool:
        """Whether this run shows answers (mode ``"solution"``)."""
        return self.mode == "solution"

    @property
    def condition(self) -> Condition:
        """The patient's condition."""
        return self.case.condition

    def patient_table(self):
        """Return the patient fields as a table, marking those a parameter changed."""
        import pandas as pd

        p = self.case.patient
        labels = {
            "age": ("age", f"{p.age} years"),
            "sex": ("sex", p.sex),
            "bmi": ("body mass index", f"{p.bmi:g} kg/m²"),
            "diagnosis": ("diagnosis", p.diagnosis),
            "level": ("level", p.level),
            "duration_weeks": ("duration of symptoms", f"{p.duration_weeks} weeks"),
            "conservative_care": ("conservative care tried", "yes" if p.conservative_care else "no"),
            "bone_quality": ("bone quality", p.bone_quality),
            "comorbidities": ("comorbidities", ", ".join(p.comorbidities) or "none"),
            "prior_surgery": ("previous surgery at this level", "yes" if p.prior_surgery else "no"),
        }
        rows = []
        for name in PATIENT_FIELDS:
            label, shown = labels[name]
            if name in self.case.overrides:
                old = self.case.overrides[name]
                old = ", ".join(old) if isinstance(old, list | tuple) else old
                note = f"set for this run (the case has {old if old != '' else 'none'})"
            elif self.case.id == CUSTOM:
                note = "set for this run (custom case)"
            else:
                note = "as in the case"
            rows.append({"field": label, "value": shown, "where it comes from": note})
        return pd.DataFrame(rows).set_index("field")

    def evidence(self) -> list[Evidence]:
        """Return the cited comparisons for the patient's condition (see :func:`evidence`)."""
        return evidence(self.condition)

    def factors(self) -> list[Evidence]:
        """Return the cited rows this patient's own features bring in (:func:`patient_factors`)."""
        return patient_factors(self.case.patient)

    def evidence_table(self):
        """Return the cited comparisons as a table; the reading column only in solution mode."""
        return evidence_table(self.evidence(), self.condition, solution=self.solution)

    def factor_table(self):
        """Return the rows brought in by the patient's own features (or a one-line note)."""
        import pandas as pd

        rows = self.factors()
        if not rows:
            return pd.DataFrame([{"patient feature": "none",
                                  "what the cited source reports": "No feature of this patient brings in"
                                  " a further cited row in this suite's data.",
                                  "source": "", "evidence label": ""}]).set_index("patient feature")
        return pd.DataFrame([{
            "patient feature": r.outcome,
            "what the cited source reports": r.mis_text,
            "source": r.source_key,
            "evidence label": _label(r.confidence),
        } for r in rows]).set_index("patient feature")

    def applicability_table(self):
        """Return how the patient compares with the studied populations (no verdicts)."""
        import pandas as pd

        p = self.case.patient
        rows = []
        for crit in self.criteria():
            rows.append({
                "study": crit.label,
                "population studied": crit.population,
                "its age range": crit.age_text() or "not stated",
                "its symptom duration": crit.duration_text() or "not stated",
                "this patient": f"{p.age} years; {p.duration_weeks} weeks of symptoms",
                "source": crit.source_key,
                "evidence label": _label(crit.confidence),
            })
        if not rows:
            rows.append({"study": "none", "population studied": "No trial population is cited for"
                         " this condition in this suite's data.", "its age range": "",
                         "its symptom duration": "", "this patient": "", "source": "",
                         "evidence label": ""})
        return pd.DataFrame(rows).set_index("study")

    def criteria(self) -> list[TrialCriteria]:
        """Return the entry criteria of the trials this run cites (threshold and applicability)."""
        keys = list(self.condition.threshold_trials)
        trial = self.condition.applicability.get("trial")
        if trial and trial not in keys:
            keys.append(trial)
        return [trial_criteria(k) for k in keys]

    def decision(self) -> Decision:
        """Return the lesson's rule for the next step (see :func:`decide`)."""
        return decide(self.case.patient)

    def acceptable_approaches(self) -> tuple[str, ...]:
        """Return the approach ids the solution accepts for this run.

        The tutor's list for the case as written, unless the lesson's rule
        (:func:`decide`) says otherwise for the fields as run: then the
        conservative approaches (conservative step) or the urgent ones.
        """
        cond = self.condition
        step = self.decision().step
        if step == "conservative":
            return tuple(a.id for a in cond.approaches if a.role == "conservative")
        if step == "urgent":
            urgent = tuple(a for a in self.case.tutor_approaches if cond.approach(a).role == "urgent")
            return urgent or tuple(a.id for a in cond.approaches if a.role == "urgent")
        chosen = tuple(a for a in self.case.tutor_approaches if cond.approach(a).role != "urgent")
        return chosen or tuple(a.id for a in cond.approaches if a.role == "surgical")

    def items(self):
        """Return the quiz items of this run (see :func:`quiz_items`), computed once per run."""
        if "_items" not in self.__dict__:
            self.__dict__["_items"] = tuple(quiz_items(self))
        return list(self.__dict__["_items"])

    def sources(self) -> list[str]:
        """Every source key this run cites, sorted (for the References table)."""
        keys = {r.source_key for r in self.evidence()} | {r.source_key for r in self.factors()}
        keys |= {c.source_key for c in self.criteria()}
        app = applicability(self.case.patient)
        keys.add(app.source_key)
        for item in self.items():
            keys |= set(item.sources)
        return sorted(keys)


def case_run(namespace: Mapping[str, Any]) -> CaseRun:
    """Validate the lesson's parameters held in ``namespace`` and return the run.

    ``namespace`` is the notebook's ``globals()`` (whose parameters cells
    :func:`~widgets.core.params.notebook_values` reads) or a dict of
    parameters, where missing ones take their defaults.
    """
    from widgets.core.catalog import lesson
    from widgets.core.params import ParameterSpec, notebook_values

    spec = ParameterSpec(LESSON, lesson(LESSON).params, consistency=check_parameters)
    if "__name__" in namespace or "get_ipython" in namespace:
        values = spec.validate(notebook_values(namespace, spec.names))
    else:
        values = spec.validate(dict(namespace), partial=True)
    return CaseRun.from_parameters(values)


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """One cited row, normalised for display: arms, effect, reading and provenance.

    Attributes
    ----------
    outcome, comparison
        The lesson's labels for the row (from ``conditions.yaml``).
    mis_text, comparator_text
        The two arms as printed in the table (empty when not reported).
    effect_text
        The between-group effect with its 95 % CI as printed, or the table's
        words when it gives no number.
    reading
        ``favours MISS``, ``no clear difference``, ``favours the comparator``
        or ``no comparison``: read from the CI when it decides, else as
        written in ``conditions.yaml`` (``basis`` says why).
    mis_value, comparator_value
        The arm values when both are plain numbers (else ``None``).
    """

    outcome: str
    comparison: str
    mis_text: str
    comparator_text: str
    effect_text: str
    unit: str
    better: str
    reading: str
    basis: str
    source_key: str
    confidence: str
    table: str
    mis_value: float | None = None
    comparator_value: float | None = None


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _num(value: Any) -> str:
    return f"{float(value):g}"


def _cell(row: Mapping[str, Any], column: str) -> str:
    """Return a table cell as printed: the number, else its ``_text`` companion, else ''."""
    value = row.get(column)
    if _present(value):
        return _num(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    text = row.get(f"{column}_text")
    return str(text) if _present(text) else ""


_COLUMNS = {
    # table: (mis, comparator, estimate, estimate text, measure, ci_low, ci_high, p)
    "outcomes_mis_vs_open": ("mis_value", "open_value", "pooled_difference", "pooled_difference_text",
                             "effect_measure", "ci_low", "ci_high", None),
    "complications_durotomy_conversion": ("mis_value", "open_value", None, "effect", None, "ci_low",
                                          "ci_high", None),
    "recovery_milestones": ("mis_value", "open_value", None, None, None, None, None, None),
    "study_level_vertebroplasty_vs_sham": ("vp_value", "control_value", "between_group_difference",
                                           "between_group_difference_text", None, "ci_low", "ci_high",
                                           "p_value"),
    "trials": ("result_intervention", "result_control", "between_group_effect",
               "between_group_effect_text", None, "ci_low", "ci_high", "p_value"),
}
_RATIO_LABEL = {"risk ratio": "RR", "odds ratio": "OR", "ratio": "ratio"}


@functools.lru_cache(maxsize=64)
def _rows(table: str, directory: str) -> tuple[dict[str, Any], ...]:
    from widgets.core.data import load_table

    frame = load_table(table)
    rows = []
    for rec in frame.to_dict("records"):
        rows.append({k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()})
    return tuple(rows)


def select_row(table: str, where: Mapping[str, Any], context: str = "") -> dict[str, Any]:
    """Return the one row of ``table`` matching ``where`` (column -> value).

    Raises
    ------
    CaseError
        When no row or several rows match (``context`` names the YAML line).
    """
    try:
        rows = _rows(table, str(data_dir()))
    except DataError as exc:
        raise CaseError(f"{context}: {exc}") from exc

    def ok(row: Mapping[str, Any]) -> bool:
        for column, wanted in where.items():
            if column not in row:
                return False
            cell = row[column]
            if isinstance(wanted, int | float) and not isinstance(wanted, bool):
                if not (_present(cell) and float(cell) == float(wanted)):
                    return False
            elif str(cell) != str(wanted):
                return False
        return True

    found = [r for r in rows if ok(r)]
    if len(found) != 1:
        described = ", ".join(f"{k}={v!r}" for k, v in where.items())
        raise CaseError(f"{context}: {len(found)} rows of table {table!r} match {described};"
                        " a selector must match exactly one")
    return dict(found[0])


def _effect(table: str, row: Mapping[str, Any]) -> tuple[str, float | None, str | None]:
    """Return (effect text as printed, estimate or None, measure) for a row."""
    _, _, est_col, text_col, measure_col, lo_col, hi_col, p_col = _COLUMNS[table]
    estimate = row.get(est_col) if est_col else None
    measure = row.get(measure_col) if measure_col else ("difference" if _present(estimate) else None)
    text = str(row[text_col]) if text_col and _present(row.get(text_col)) else ""
    lo = row.get(lo_col) if lo_col else None
    hi = row.get(hi_col) if hi_col else None
    ci = f"95% CI {_num(lo)} to {_num(hi)}" if _present(lo) and _present(hi) else ""
    if _present(estimate):
        if measure in _RATIO_LABEL and not text:
            head = f"{_RATIO_LABEL[measure]} {_num(estimate)}"
        elif measure in _RATIO_LABEL:
            head = text
        else:
            head = f"MISS minus comparator {_num(estimate)}"
    else:
        head = text
    parts = [head] if head else []
    if ci:
        parts.append(f"({ci})")
    if p_col and _present(row.get(p_col)) and str(row.get(p_col)) not in head:
        parts.append(f"P {row[p_col]}" if not str(row[p_col]).startswith(("P", "p", "NS")) else
                     str(row[p_col]))
    return " ".join(parts) or "not reported", (float(estimate) if _present(estimate) else None), measure


def read_ci(estimate: float | None, measure: str | None, ci_low: Any, ci_high: Any,
            better: str) -> str | None:
    """Read a reading from a confidence interval, or ``None`` when it cannot decide.

    Parameters
    ----------
    estimate, measure
        The pooled estimate and what it measures (``difference``: MISS minus
        comparator, null 0; a ratio: MISS relative to comparator, null 1).
        Without a numeric estimate the interval's direction is unknown, so
        nothing is read.
    ci_low, ci_high
        The 95 % CI bounds.
    better
        ``"lower"`` or ``"higher"``: which direction is better for the patient.

    Returns
    -------
    str or None
        ``"no clear difference"`` when the CI includes the null value;
        otherwise ``"favours MISS"`` or ``"favours the comparator"``.
    """
    if estimate is None or not (_present(ci_low) and _present(ci_high)):
        return None
    null = 1.0 if measure in _RATIO_LABEL else 0.0
    lo, hi = float(ci_low), float(ci_high)
    if lo <= null <= hi:
        return "no clear difference"
    mis_lower = hi < null
    return "favours MISS" if mis_lower == (better == "lower") else "favours the comparator"


def _resolve(spec: RowSpec, cond: Condition) -> Evidence:
    context = f"data/cases/conditions.yaml line {spec.line}, condition {cond.name!r}"
    row = select_row(spec.table, spec.where, context)
    if spec.table not in _COLUMNS:
        raise CaseError(f"{context}: table {spec.table!r} has no evidence adapter;"
                        f" known: {', '.join(_COLUMNS)}")
    mis_col, comp_col = _COLUMNS[spec.table][:2]
    effect_text, estimate, measure = _effect(spec.table, row)
    lo_col, hi_col = _COLUMNS[spec.table][5:7]
    auto = read_ci(estimate, measure, row.get(lo_col) if lo_col else None,
                   row.get(hi_col) if hi_col else None, spec.better)
    if auto is not None and spec.reading is not None and auto != spec.reading:
        raise CaseError(f"{context}: reading {spec.reading!r} contradicts the CI, which reads {auto!r}")
    if auto is None and spec.reading is None:
        raise CaseError(f"{context}: the row's CI cannot decide a reading; write `reading` and `basis`")
    reading = auto or spec.reading
    basis = spec.basis or ("the 95% CI includes no difference" if auto == "no clear difference"
                           else "the 95% CI excludes no difference")
    mis_v, comp_v = row.get(mis_col), row.get(comp_col)
    numeric = (isinstance(mis_v, float) and _present(mis_v) and isinstance(comp_v, float)
               and _present(comp_v))
    unit = row.get("unit") if _present(row.get("unit")) else (row.get("scale") or "")
    return Evidence(
        outcome=spec.label, comparison=spec.comparison,
        mis_text=_cell(row, mis_col), comparator_text=_cell(row, comp_col),
        effect_text=effect_text, unit=str(unit) if _present(unit) else "",
        better=spec.better, reading=reading, basis=basis,
        source_key=str(row["source_key"]), confidence=str(row["confidence"]), table=spec.table,
        mis_value=float(mis_v) if numeric else None, comparator_value=float(comp_v) if numeric else None,
    )


def evidence(cond: Condition) -> list[Evidence]:
    """Resolve the cited comparisons of a condition (each selector matches one row)."""
    return list(_evidence_cached(cond.name, str(data_dir()), _stamp(_cases_dir())))


@functools.lru_cache(maxsize=32)
def _evidence_cached(name: str, directory: str, stamp: tuple) -> tuple[Evidence, ...]:
    cond = conditions()[name]
    return tuple(_resolve(spec, cond) for spec in cond.evidence)


def _bmi_threshold(row: Mapping[str, Any], context: str) -> float:
    for value in row.values():
        if isinstance(value, str):
            m = re.search(r"BMI\s*>=\s*(\d+(?:\.\d+)?)", value)
            if m:
                return float(m.group(1))
    raise CaseError(f"{context}: the row prints no 'BMI>=' threshold for its rule")


def _factor_applies(spec: RowSpec, row: Mapping[str, Any], patient: Patient, context: str) -> bool:
    rule = spec.when or ""
    if rule == "prior_surgery":
        return patient.prior_surgery
    if rule in ("obese", "overweight"):
        return patient.bmi >= _bmi_threshold(row, context)
    if rule == "low_bone_quality":
        return patient.bone_quality != "normal"
    if rule.startswith("comorbidity:"):
        return rule.split(":", 1)[1] in patient.comorbidities
    raise CaseError(f"{context}: unknown factor rule {rule!r}")


def patient_factors(patient: Patient) -> list[Evidence]:
    """Return the cited rows that this patient's own features bring in (in file order)."""
    cond = conditions()[patient.diagnosis]
    out = []
    for spec in cond.factors:
        context = f"data/cases/conditions.yaml line {spec.line}, condition {cond.name!r}"
        row = select_row(spec.table, spec.where, context)
        if not _factor_applies(spec, row, patient, context):
            continue
        text = row.get(spec.column)
        if not _present(text):
            raise CaseError(f"{context}: column {spec.column!r} is empty in the selected row")
        out.append(Evidence(
            outcome=spec.label, comparison="", mis_text=str(text), comparator_text="", effect_text="",
            unit="", better="", reading="no comparison", basis="", source_key=str(row["source_key"]),
            confidence=str(row["confidence"]), table=spec.table))
    return out


def _label(confidence: str) -> str:
    return ("secondary source: check the primary paper" if confidence == "secondary-source"
            else "read in the source")


def evidence_table(rows: Sequence[Evidence], cond: Condition, solution: bool = False):
    """Return the cited comparisons as a :class:`pandas.DataFrame`.

    The student version shows the arms, the effect with its CI and which
    direction is better for the patient; the reading (favours which side, and
    why) is the student's to make and appears only in the solution version.
    """
    import pandas as pd

    if not rows:
        return pd.DataFrame([{
            "outcome": "none",
            "comparison": (f"No comparison of {cond.procedure} is in this suite's data"
                           + (f" ({cond.indirect_reason})" if cond.indirect_reason else "") + "."),
        }]).set_index("outcome")
    out = []
    for r in rows:
        rec = {
            "outcome": r.outcome,
            "comparison": r.comparison + (" [indirect]" if cond.indirect else ""),
            "MISS arm": r.mis_text or "not reported",
            "comparator arm": r.comparator_text or "not reported",
            "effect (95% CI)": r.effect_text,
            "unit": r.unit,
            "better for the patient": r.better,
            "source": r.source_key,
            "evidence label": _label(r.confidence),
        }
        if solution:
            rec["reading (solution)"] = r.reading
            rec["why (solution)"] = r.basis
        out.append(rec)
    return pd.DataFrame(out).set_index("outcome")


# --------------------------------------------------------------------------- trials and rules


@dataclass(frozen=True)
class TrialCriteria:
    """Entry criteria of a trial, read from its ``population`` text in ``data/tables/trials``.

    Durations printed in months are converted to weeks (52/12 weeks a month)
    and marked ``converted``; the printed text is kept.
    """

    source_key: str
    label: str
    population: str
    confidence: str
    age_min: float | None = None
    age_max: float | None = None
    duration_op: str | None = None
    duration_weeks: float | None = None
    duration_printed: str = ""
    converted: bool = False

    def age_text(self) -> str:
        """Return the age criterion as printed (``"18 to 70 years"``) or ''."""
        if self.age_min is not None and self.age_max is not None:
            return f"{self.age_min:g} to {self.age_max:g} years"
        if self.age_min is not None:
            return f"{self.age_min:g} years or over"
        return ""

    def duration_text(self) -> str:
        """Return the duration criterion as printed, with weeks when converted, or ''."""
        if self.duration_op is None:
            return ""
        words = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}
        text = f"{words[self.duration_op]} {self.duration_printed}"
        if self.converted:
            text += f" (about {self.duration_weeks:g} weeks, converted)"
        return text

    def age_ok(self, age: float) -> bool | None:
        """Whether ``age`` meets the age criterion (``None`` when none is printed)."""
        if self.age_min is None and self.age_max is None:
            return None
        return (self.age_min is None or age >= self.age_min) and (self.age_max is None or age <= self.age_max)

    def duration_ok(self, weeks: float) -> bool | None:
        """Whether a symptom duration meets the duration criterion (``None`` when none)."""
        if self.duration_op is None:
            return None
        b = self.duration_weeks
        return {">": weeks > b, ">=": weeks >= b, "<": weeks < b, "<=": weeks <= b}[self.duration_op]

    def is_lower_bound(self) -> bool:
        """Whether the duration criterion is a minimum (symptoms must have lasted at least so long)."""
        return self.duration_op in (">", ">=")


_AGE_RANGE_RE = re.compile(r"\bage\s*(\d+)\s*-\s*(\d+)", re.IGNORECASE)
_AGE_MIN_RE = re.compile(r"\bage\s*>=\s*(\d+)", re.IGNORECASE)
_DURATION_RE = re.compile(r"(>=|<=|>|<)\s*(\d+(?:\.\d+)?)\s*(wk|weeks?|mo|months?)\b", re.IGNORECASE)


def parse_population(text: str) -> dict[str, Any]:
    """Read age and symptom-duration criteria from a trial's population text.

    ``"age 18-70, leg pain >8 wk"`` gives ages 18 to 70 and more than 8 weeks;
    ``">=6 mo symptoms"`` gives at least 6 months, about 26 weeks (converted).
    Other numbers (``>=15% height loss``, ``NRS >=7``) have no time unit and
    are ignored.
    """
    out: dict[str, Any] = {}
    m = _AGE_RANGE_RE.search(text)
    if m:
        out["age_min"], out["age_max"] = float(m.group(1)), float(m.group(2))
    else:
        m = _AGE_MIN_RE.search(text)
        if m:
            out["age_min"] = float(m.group(1))
    m = _DURATION_RE.search(text)
    if m:
        op, number, unit = m.group(1), float(m.group(2)), m.group(3).lower()
        months = unit.startswith("mo")
        out["duration_op"] = op
        out["duration_weeks"] = round(number * 52 / 12, 1) if months else number
        out["duration_printed"] = f"{number:g} {'months' if months else 'weeks'}"
        out["converted"] = months
    return out


def trial_criteria(source_key: str) -> TrialCriteria:
    """Return the entry criteria of the trial whose ``source_key`` is given."""
    row = select_row("trials", {"source_key": source_key}, f"trial {source_key!r}")
    population = str(row.get("population") or "")
    label = f"{row['trial']} ({row['year']})" if _present(row.get("year")) else str(row["trial"])
    return TrialCriteria(source_key=source_key, label=label, population=population,
                         confidence=str(row["confidence"]), **parse_population(population))


@dataclass(frozen=True)
class Decision:
    """The lesson's rule for the next step: ``conservative``, ``elective`` or ``urgent``, and why.

    ``reason`` is ``urgent-condition``, ``not-tried``, ``too-early``,
    ``criteria-met`` or ``tried`` (elective without a duration criterion).
    """

    step: str
    reason: str
    criteria: tuple[TrialCriteria, ...] = ()
    sources: tuple[str, ...] = ()


def decide(patient: Patient) -> Decision:
    """Apply the lesson's selection rule to a patient.

    1. An urgent condition (cauda equina syndrome, an unstable metastasis):
       ``urgent``.
    2. A condition treated conservatively first, when conservative care has not
       been tried: ``conservative``.
    3. When the condition's trials set a minimum symptom duration and the
       patient meets none of them: ``conservative`` (too early); when the
       patient meets at least one: ``elective``.
    4. Otherwise ``elective``.
    """
    cond = conditions()[patient.diagnosis]
    crits = tuple(trial_criteria(k) for k in cond.threshold_trials)
    sources = tuple(dict.fromkeys((*cond.threshold_trials, *cond.decision_sources)))
    if cond.timing == "urgent":
        return Decision("urgent", "urgent-condition", crits, sources)
    if cond.conservative_first and not patient.conservative_care:
        return Decision("conservative", "not-tried", crits, sources)
    bounds = [c for c in crits if c.is_lower_bound()]
    if bounds:
        if any(c.duration_ok(patient.duration_weeks) for c in bounds):
            return Decision("elective", "criteria-met", crits, sources)
        return Decision("conservative", "too-early", crits, sources)
    return Decision("elective", "tried", crits, sources)


@dataclass(frozen=True)
class Applicability:
    """How directly a cited comparison applies to the patient, and why."""

    verdict: str  # direct, condition, age, duration
    source_key: str
    label: str
    population: str
    confidence: str
    criteria: TrialCriteria | None = None


def applicability(patient: Patient) -> Applicability:
    """Judge how directly the condition's applicability source applies to this patient.

    In order: a source that studied another condition (``condition``); a
    patient outside its age range (``age``); symptoms outside its duration
    criterion (``duration``); otherwise ``direct``.
    """
    cond = conditions()[patient.diagnosis]
    spec = cond.applicability
    if "trial" in spec:
        crit = trial_criteria(spec["trial"])
        base = dict(source_key=crit.source_key, label=crit.label, population=crit.population,
                    confidence=crit.confidence, criteria=crit)
    else:
        row = select_row("outcomes_mis_vs_open", spec["meta"], f"condition {cond.name!r} applicability")
        base = dict(source_key=str(row["source_key"]), label=str(row["source_label"]),
                    population=str(row["procedure"]), confidence=str(row["confidence"]), criteria=None)
    crit = base["criteria"]
    if not spec.get("same_condition", True):
        verdict = "condition"
    elif crit is not None and crit.age_ok(patient.age) is False:
        verdict = "age"
    elif crit is not None and crit.duration_ok(patient.duration_weeks) is False:
        verdict = "duration"
    else:
        verdict = "direct"
    return Applicability(verdict=verdict, **base)


# --------------------------------------------------------------------------- quiz items


def _case_value(value: Any, unit: str | None = None):
    from widgets.quiz.keys import Resolved

    return Resolved(value, unit, frozenset(), frozenset({"case"}))


def _row_value(value: Any, source_key: str, confidence: str, unit: str | None = None):
    from widgets.quiz.keys import Resolved

    return Resolved(value, unit, frozenset({source_key}), frozenset({confidence}))


class _Builder:
    """Collects one generated item's templates and values, then renders it."""

    def __init__(self, run: CaseRun, template: str, bloom: str, objective: int, topics: Sequence[str]):
        self.run = run
        self.template = template
        self.bloom = bloom
        self.objective = OBJECTIVES[objective]
        self.topics = tuple(dict.fromkeys(("case", *run.condition.topics, *topics)))
        p = run.case.patient
        self.values: dict[str, Any] = {
            "age": _case_value(float(p.age), "years"),
            "noun": _case_value(p.noun),
            "diagnosis": _case_value(p.diagnosis),
            "level": _case_value(p.level),
            "weeks": _case_value(float(p.duration_weeks), "weeks"),
            "bmi": _case_value(p.bmi),
        }
        self.sources: list[str] = []
        self.templates: dict[str, str] = {}

    def value(self, name: str, resolved) -> str:
        self.values[name] = resolved
        return name

    def cite(self, *keys: str) -> None:
        for k in keys:
            if k not in self.sources:
                self.sources.append(k)

    def render(self, field_name: str, template: str) -> str:
        from widgets.quiz.items import render

        self.templates[field_name] = template
        return render(template, self.values)

    def build(self, *, type: str, stem: str, explanation: str, options=(), answer=None,
              prompts=(), choices=(), key=None, unit=None, tolerance=None, feedback=None):
        from widgets.core.data import cite
        from widgets.quiz.items import Item, Option

        if any("secondary-source" in v.confidences for v in self.values.values()):
            explanation += (" One figure here is from a secondary source: check it against the"
                            " primary paper.")
        opts = tuple(Option(oid, self.render(f"options.{oid}.text", text),
                            self.render(f"options.{oid}.feedback", fb)) for oid, text, fb in options)
        pr = tuple(Option(pid, self.render(f"prompts.{pid}.text", text),
                          self.render(f"prompts.{pid}.feedback", fb)) for pid, text, fb in prompts)
        ch = tuple(Option(cid, self.render(f"choices.{cid}.text", text)) for cid, text in choices)
        fbs = {k: self.render(f"feedback.{k}", v) for k, v in (feedback or {}).items()}
        stem_text = self.render("stem", stem)
        expl = self.render("explanation", explanation)
        run = self.run
        payload = json.dumps([type, stem_text, [o.text for o in opts], [p.text for p in pr],
                              [c.text for c in ch], answer, key, self.sources], sort_keys=True,
                             default=str)
        digest = hashlib.sha256(payload.encode()).hexdigest()[:8]
        item_id = f"case-{run.case.id}-{self.template}-{run.difficulty}-{digest}"
        return Item(
            id=item_id, type=type, stem=stem_text, explanation=expl, objective=self.objective,
            bloom=self.bloom, difficulty=run.difficulty, topics=self.topics, lesson=LESSON,
            sources=tuple(self.sources), options=opts, answer=answer, prompts=pr, choices=ch,
            key=key, unit=unit,
            tolerance_abs=(tolerance or {}).get("absolute"),
            tolerance_rel=(tolerance or {}).get("relative"),
            feedback=fbs, citations=tuple(cite(k) for k in self.sources), values=dict(self.values),
            shuffle=True, bank="07-case (generated)", file=f"generated from case {run.case.id!r}",
            line=0, templates=dict(self.templates),
        )


_OPENING = "A {{ age:g }}-year-old {{ noun }} presents with {{ diagnosis }} at {{ level }}"


def _next_step_item(run: CaseRun):
    d = run.decision()
    if not d.sources:
        return None
    p = run.case.patient
    b = _Builder(run, "next-step", "apply", 0, ("selection",))
    b.cite(*d.sources)
    crit_bits = []
    for i, c in enumerate(d.criteria):
        name = b.value(f"trial{i}", _row_value(f"{c.label}: {c.duration_text() or c.population}",
                                               c.source_key, c.confidence))
        crit_bits.append(f"{{{{ {name} }}}}")
    criteria = "; ".join(crit_bits)
    tried = ("conservative care has been tried" if p.conservative_care
             else "conservative care has not been tried")
    stem = (f"{_OPENING}, with symptoms for {{{{ weeks:g }}}} weeks; {tried}."
            + (" Findings: " + "; ".join(f.lower() for f in run.case.red_flags) + "."
               if run.case.red_flags else "")
            + " What is the best next step?")
    n = N_OPTIONS[run.difficulty]
    if d.step == "urgent":
        why_urgent = ("Right: this is an emergency; decompression should not wait for weeks of"
                      " conservative care.")
        fb = {
            "conservative": "Waiting is unsafe here: the findings point to compression that needs"
                            " decompression without delay.",
            "elective": "A date weeks away is too late: the findings call for decompression today.",
            "urgent": why_urgent,
            "imaging": "Imaging already shows the cause; more imaging now only delays decompression.",
        }
        ref = " ".join(crit_bits) or ""
        trial = applicability(p)
        name = b.value("pop", _row_value(trial.population, trial.source_key, trial.confidence))
        b.cite(trial.source_key)
        explanation = ("The findings make this an emergency, so surgery is arranged now rather than"
                       " after a trial of conservative care. The elective trials cited in the lesson"
                       f" enrolled {{{{ {name} }}}}; they do not describe this situation, so they"
                       " cannot decide the technique either." + (f" {ref}" if ref else ""))
    else:
        if d.reason == "not-tried":
            reason = "conservative care has not been tried yet"
        elif d.reason == "too-early":
            reason = "the symptoms have not lasted as long as the trials required before surgery"
        elif d.reason == "criteria-met":
            reason = ("conservative care has been tried and the symptoms have lasted as long as at"
                      " least one trial required before surgery")
        else:
            reason = "conservative care has been tried without enough relief"
        key_is_cons = d.step == "conservative"
        fb = {
            "conservative": (f"Right: {reason}." if key_is_cons else
                             "Possible if the patient prefers it, but conservative care has already"
                             " been tried for long enough: it is not the best next step."),
            "elective": (f"Right: {reason}; surgery is offered, and the patient decides."
                         if not key_is_cons else f"Too early: {reason}."),
            "urgent": "Nothing in this case is an emergency: there is no saddle numbness, no new"
                      " bladder or bowel dysfunction and no progressive weakness.",
            "imaging": "The imaging already matches the clinical picture; repeating it delays the"
                       " decision without changing it.",
        }
        explanation = (f"The lesson's rule: {reason}."
                       + (f" Entry criteria of the cited trials: {criteria}." if criteria else "")
                       + " Elective surgery is an offer, not an obligation.")
    texts = {
        "conservative": "Continue conservative care and review",
        "elective": "Offer elective surgery after discussion",
        "urgent": "Arrange decompression as an emergency",
        "imaging": "Repeat the imaging before any decision",
    }
    order = ["conservative", "elective", "urgent", "imaging"]
    key = d.step
    chosen = [o for o in order if o != key][: max(2, min(n, 4) - 1)]
    options = [(o, texts[o], fb[o]) for o in order if o == key or o in chosen]
    return b.build(type="single", stem=stem, explanation=explanation, options=options, answer=key)


def _applicability_item(run: CaseRun):
    p = run.case.patient
    app = applicability(p)
    b = _Builder(run, "applicability", "analyze", 2, ("evidence-appraisal", "applicability"))
    b.cite(app.source_key)
    b.value("src", _row_value(app.label, app.source_key, app.confidence))
    b.value("pop", _row_value(app.population, app.source_key, app.confidence))
    crit = app.criteria
    age_rule = crit.age_text() if crit else ""
    dur_rule = crit.duration_text() if crit else ""
    if age_rule:
        b.value("age_rule", _row_value(age_rule, app.source_key, app.confidence))
    if dur_rule:
        b.value("dur_rule", _row_value(dur_rule, app.source_key, app.confidence))
    stem = (f"{_OPENING}, with symptoms for {{{{ weeks:g }}}} weeks. A colleague quotes"
            " {{ src }}, which studied {{ pop }}, to support a minimally invasive operation for this"
            " patient. How directly does that source apply?")
    age_words = "its age range, {{ age_rule }}" if age_rule else "no age range"
    dur_words = "its duration criterion, {{ dur_rule }}" if dur_rule else "no duration criterion"
    reason = (run.condition.indirect_reason if run.condition.indirect
              else "it studied {{ pop }}, not {{ diagnosis }}")
    v = app.verdict
    fits = ("the patient's age fits " + age_words if age_rule else "it prints no age range")
    meets = ("the symptoms meet " + dur_words if dur_rule else "it prints no duration criterion")
    fb = {
        "direct": ("Right: the diagnosis matches, " + fits + ", and " + meets + "." if v == "direct"
                   else "Check the population against the patient before borrowing its result."),
        "condition": ("Right: " + reason + "." if v == "condition" else
                      "The source did study this condition."),
        "age": ("Right: the patient's age of {{ age:g }} falls outside " + age_words + "."
                if v == "age" else ("The patient's age fits " + age_words + "." if age_rule else
                                    "The source prints no age range to fall outside.")),
        "duration": ("Right: {{ weeks:g }} weeks of symptoms fall outside " + dur_words + "."
                     if v == "duration" else ("The symptom duration meets " + dur_words + "."
                                              if dur_rule else "The source prints no duration criterion.")),
        "two-open": "Every comparison cited in the lesson has a minimally invasive arm.",
    }
    texts = {
        "direct": "Directly: the patient fits the population studied",
        "condition": "Indirectly: it studied a different condition",
        "age": "Indirectly: the patient is outside its age range",
        "duration": "Indirectly: the symptoms fall outside its criteria",
        "two-open": "Not at all: it compared two open operations",
    }
    order = ["direct", "condition", "age", "duration", "two-open"]
    n = N_OPTIONS[run.difficulty]
    others = [o for o in order if o != v][: n - 1]
    options = [(o, texts[o], fb[o]) for o in order if o == v or o in others]
    explanation = ("Before applying a study's result, compare the patient with its population: "
                   "{{ src }} studied {{ pop }}. " + fb[v].removeprefix("Right: ").capitalize()
                   + " A result from a different population is indirect evidence, to be weighed,"
                   " not copied.")
    return b.build(type="single", stem=stem, explanation=explanation, options=options, answer=v)


def _side(reading: str, comparator: str) -> str:
    return {"favours MISS": "better with the minimally invasive operation",
            "no clear difference": "no clear difference between them",
            "favours the comparator": f"better with the comparator ({comparator})"}[reading]


def _fit_lengths(keyed: Sequence[Evidence], others: Sequence[Evidence],
                 k: int) -> tuple[Evidence, list[Evidence]]:
    """Pick a keyed row and ``k`` distractors so the key is not the conspicuously longest option.

    The NBME length cue (checked by :mod:`widgets.quiz.lint`): the keyed option
    at most 1.5 times the distractors' mean length. Distractors keep their
    order in the file; the first keyed row that passes is used (else the first).
    """
    pool = list(others)
    for key in keyed:
        ranked = sorted(pool, key=lambda r: abs(len(r.outcome) - len(key.outcome)))[:k]
        picked = [r for r in pool if r in ranked]
        mean = sum(len(r.outcome) for r in picked) / len(picked)
        if len(key.outcome) <= 1.5 * mean:
            return key, picked
    return keyed[0], pool[:k]


def _evidence_item(run: CaseRun, target: str):
    rows = [r for r in run.evidence() if r.reading in READINGS]
    keyed = [r for r in rows if r.reading == target]
    others = [r for r in rows if r.reading != target]
    n = N_OPTIONS[run.difficulty]
    if not keyed or len(others) < 2:
        return None
    labels = {r.outcome for r in rows}
    if len(labels) != len(rows):
        return None
    cond = run.condition
    name = {"favours MISS": "evidence-mis", "no clear difference": "evidence-nodiff",
            "favours the comparator": "evidence-comparator"}[target]
    b = _Builder(run, name, "analyze", 1, ("evidence", "mis-vs-open"))
    key_row, distractors = _fit_lengths(keyed, others, n - 1)
    chosen = [key_row, *distractors]
    options = []
    for i, r in enumerate(chosen):
        b.cite(r.source_key)
        eff = b.value(f"eff{i}", _row_value(r.effect_text, r.source_key, r.confidence))
        src = b.value(f"src{i}", _row_value(r.source_key, r.source_key, r.confidence))
        verdict = _side(r.reading, cond.comparator)
        text = r.outcome[0].upper() + r.outcome[1:]
        fbt = (f"{'Right' if r is key_row else 'Not this one'}: {{{{ {eff} }}}} ({{{{ {src} }}}});"
               f" {'lower' if r.better == 'lower' else 'higher'} is better, so it reads {verdict}.")
        options.append((f"o{i}", text, fbt))
    question = {"favours MISS": "was better with the minimally invasive operation",
                "no clear difference": "showed no clear difference between the two",
                "favours the comparator": f"was better with the comparator ({cond.comparator})"}[target]
    stem = (f"{_OPENING}. For this patient the lesson cites comparisons of {cond.procedure}."
            f" Of the outcomes below, which {question}?")
    explanation = ("Read each effect against its confidence interval and the direction that is"
                   " better for the patient: a CI that includes no difference means no clear"
                   " difference; otherwise the side it lies on decides. "
                   + ("These comparisons apply only indirectly: " + cond.indirect_reason + "."
                      if cond.indirect else ""))
    return b.build(type="single", stem=stem, explanation=explanation.strip(), options=options,
                   answer="o0")


def _matching_item(run: CaseRun):
    rows = [r for r in run.evidence() if r.reading in READINGS]
    present = {r.reading for r in rows}
    if len(rows) < 3 or len(present) < 2 or len({r.outcome for r in rows}) != len(rows):
        return None
    cond = run.condition
    b = _Builder(run, "matching", "analyze", 1, ("evidence", "mis-vs-open"))
    picked: list[Evidence] = []
    for reading in READINGS:  # one of each reading first, then the rest in order
        picked += [r for r in rows if r.reading == reading][:1]
    picked += [r for r in rows if r not in picked]
    picked = picked[: 4 if run.difficulty == "hard" else 3]
    prompts = []
    answer = {}
    for i, r in enumerate(picked):
        b.cite(r.source_key)
        eff = b.value(f"eff{i}", _row_value(r.effect_text, r.source_key, r.confidence))
        prompts.append((f"p{i}", r.outcome[0].upper() + r.outcome[1:],
                        f"{{{{ {eff} }}}}; {r.better} is better for the patient."))
        answer[f"p{i}"] = {"favours MISS": "mis", "no clear difference": "none",
                           "favours the comparator": "comp"}[r.reading]
    choices = [("mis", "Better with the minimally invasive operation"),
               ("none", "No clear difference"),
               ("comp", f"Better with the comparator ({cond.comparator})")]
    stem = (f"{_OPENING}. Match each outcome of the cited comparisons of {cond.procedure} with what"
            " the evidence shows.")
    explanation = ("A confidence interval that includes no difference (zero for a difference, one"
                   " for a ratio) shows no clear difference; otherwise the interval's side, read with"
                   " the direction that is better for the patient, decides."
                   + (" These comparisons apply only indirectly: " + cond.indirect_reason + "."
                      if cond.indirect else ""))
    return b.build(type="matching", stem=stem, explanation=explanation, prompts=prompts,
                   choices=choices, answer=answer)


def _numeric_item(run: CaseRun):
    rows = [r for r in run.evidence() if r.mis_value is not None and r.comparator_value is not None]
    if not rows:
        return None
    from widgets.quiz import units

    r = None
    for cand in rows:
        try:
            units.canonical(cand.unit)
        except units.UnitError:
            continue
        r = cand
        break
    if r is None:
        return None
    b = _Builder(run, "numeric", "apply", 1, ("evidence", "arithmetic"))
    b.cite(r.source_key)
    unit = units.canonical(r.unit)
    b.value("mis", _row_value(r.mis_value, r.source_key, r.confidence, unit))
    b.value("comp", _row_value(r.comparator_value, r.source_key, r.confidence, unit))
    b.value("src", _row_value(r.source_key, r.source_key, r.confidence))
    from widgets.quiz.keys import Resolved

    key = round(r.mis_value - r.comparator_value, 4)
    b.value("key", Resolved(key, unit, frozenset({r.source_key}), frozenset({r.confidence, "derived"})))
    what = r.outcome
    unit_words = "percentage points" if unit == "%" else unit
    stem = (f"{_OPENING}. In the cited comparison ({r.comparison}, {{{{ src }}}}), {what} was"
            " {{ mis:g }} with the minimally invasive operation and {{ comp:g }} with the"
            f" comparator. What is the difference, minimally invasive minus comparator, in {unit_words}?")
    explanation = ("Subtract the comparator arm from the minimally invasive arm: {{ mis:g }} minus"
                   " {{ comp:g }} gives {{ key:g }}" + (" percentage points" if unit == "%" else f" {unit}")
                   + ". A negative difference means less with the minimally invasive operation; whether"
                   " that is better depends on the outcome, and a difference between arms is not"
                   " by itself evidence that it is real (look for its CI or P value).")
    feedback = {
        "correct": "Right: the arms as printed, minimally invasive minus comparator.",
        "low": "Too low: check the order of subtraction, minimally invasive minus comparator.",
        "high": "Too high: check the order of subtraction, minimally invasive minus comparator.",
    }
    return b.build(type="numeric", stem=stem, explanation=explanation, key=float(key), unit=unit,
                   tolerance={"absolute": 0.05}, feedback=feedback)


def _factor_item(run: CaseRun):
    p = run.case.patient
    rows = run.factors()
    if not rows:
        return None
    cond = run.condition
    first = rows[0]
    spec = next(s for s in cond.factors if s.label == first.outcome)
    rule = spec.when or ""
    features: list[tuple[str, str, bool]] = [
        ("age", "Age of {{ age:g }} years", False),
        ("bmi", "Body mass index of {{ bmi:g }}", rule in ("obese", "overweight")),
        ("prior", "Previous surgery at this level" if p.prior_surgery else
         "No previous spinal surgery", rule == "prior_surgery"),
        ("sex", "Sex: " + p.sex, False),
    ]
    for c in p.comorbidities:
        features.append((f"c-{c.replace(' ', '-')}", "Comorbidity: " + c, rule == f"comorbidity:{c}"))
    if rule == "low_bone_quality":
        features.append(("bone", "Bone quality: " + p.bone_quality, True))
    keyed = [f for f in features if f[2]]
    if len(keyed) != 1:
        return None
    said = first.mis_text.lower()
    mentioned = {"age": r"\bage\b", "bmi": r"\bbmi\b|obes", "prior": r"revision|previous",
                 "sex": r"\bsex\b|female|male"}
    others = [f for f in features if not f[2]
              and not re.search(mentioned.get(f[0], re.escape(f[1].split(": ")[-1].lower())), said)]
    n = N_OPTIONS[run.difficulty]
    chosen = [keyed[0], *others[: n - 1]]
    if len(chosen) < 3:
        return None
    b = _Builder(run, "factor", "analyze", 2, ("evidence-appraisal", "patient-factors"))
    b.cite(first.source_key)
    b.value("said", _row_value(first.mis_text, first.source_key, first.confidence))
    b.value("src", _row_value(first.source_key, first.source_key, first.confidence))
    options = []
    for fid, text, is_key in chosen:
        fb = ("Right: {{ src }} reports {{ said }}, which bears on this feature of the patient."
              if is_key else "This feature does not bring in a further cited row in the lesson.")
        options.append((fid, text, fb))
    stem = (f"{_OPENING}. Which feature of this patient brings in further cited evidence, beyond the"
            " comparisons for the condition as a whole?")
    explanation = ("Patient features can change which evidence applies. Here {{ src }} reports"
                   " {{ said }} for " + first.outcome + "; the lesson's table of patient factors"
                   " shows it beside the patient.")
    return b.build(type="single", stem=stem, explanation=explanation, options=options,
                   answer=keyed[0][0])


_TEMPLATES = (
    ("next-step", _next_step_item),
    ("applicability", _applicability_item),
    ("evidence-comparator", lambda run: _evidence_item(run, "favours the comparator")),
    ("evidence-mis", lambda run: _evidence_item(run, "favours MISS")),
    ("numeric", _numeric_item),
    ("evidence-nodiff", lambda run: _evidence_item(run, "no clear difference")),
    ("factor", _factor_item),
    ("matching", _matching_item),
)
#: Templates each difficulty may use (harder levels add the analysis-heavy ones).
DIFFICULTY_TEMPLATES = {
    "easy": ("next-step", "applicability", "evidence-mis", "evidence-comparator", "numeric"),
    "medium": ("next-step", "applicability", "evidence-mis", "evidence-comparator", "numeric",
               "evidence-nodiff", "factor"),
    "hard": tuple(name for name, _ in _TEMPLATES),
}


def case_items(run: CaseRun) -> list:
    """Generate the quiz items of a run from its case data (deterministic, no seed).

    Which templates are used depends on the difficulty; an item is made only
    when the data support it (a next-step question needs a source for its
    rule, an evidence question three outcomes with distinct readings, and so
    on). Item ids name the case, the template and the difficulty and end with
    a digest of the content, so two runs share an id only for the same item.
    """
    allowed = DIFFICULTY_TEMPLATES[run.difficulty]
    out = []
    for name, make in _TEMPLATES:
        if name in allowed:
            item = make(run)
            if item is not None:
                out.append(item)
    return out


def static_items() -> list:
    """Return the items of the lesson's static bank ``data/questions/07-case.yaml`` (if present)."""
    from widgets.quiz.items import load_bank, questions_dir

    path = questions_dir() / f"{LESSON}.yaml"
    if not path.is_file():
        return []
    return list(_static_cached(str(path), path.stat().st_mtime_ns, load_bank))


@functools.lru_cache(maxsize=2)
def _static_cached(path: str, stamp: int, loader) -> tuple:
    return tuple(loader(path).items)


def quiz_items(run: CaseRun) -> list:
    """Return the quiz of a run: generated items first, filled with static items, seeded.

    The quiz has :data:`QUIZ_LENGTH` items for the difficulty. When the case
    generates more, the seed picks which; when it generates fewer, static
    items are added, those sharing a topic with the condition first, in a
    seeded order. The items' display order is shuffled later by the quiz
    session (same seed).
    """
    size = QUIZ_LENGTH[run.difficulty]
    generated = case_items(run)
    rng = random.Random(f"miss-case-quiz:{run.case.id}:{run.difficulty}:{run.seed}")
    if len(generated) > size:
        keep = set(rng.sample(range(len(generated)), size))
        generated = [item for i, item in enumerate(generated) if i in keep]
    need = size - len(generated)
    if need <= 0:
        return generated
    pool = static_items()
    topics = set(run.condition.topics)
    near = [i for i in pool if topics & set(i.topics)]
    far = [i for i in pool if not topics & set(i.topics)]
    rng.shuffle(near)
    rng.shuffle(far)
    return generated + (near + far)[:need]


# --------------------------------------------------------------------------- keys


def answer_key_strings(run: CaseRun) -> list[str]:
    """Every string that only the solution version may show, for the leak test.

    The answer key line of each quiz item, its explanation and feedback texts,
    the case's tutor notes and discussion points, and the reading and its
    basis for each cited comparison.
    """
    from widgets.quiz.types import key_lines

    out: list[str] = []
    for item in run.items():
        out += key_lines(item)
        out.append(item.explanation)
        out += [o.feedback for o in (*item.options, *item.prompts) if o.feedback]
        out += [v for v in item.feedback.values() if v]
    if run.case.tutor_notes:
        out.append(run.case.tutor_notes)
    out += list(run.case.discussion)
    out += [r.basis for r in run.evidence() if not r.basis.startswith("the 95% CI")]
    return list(dict.fromkeys(s for s in out if s))
