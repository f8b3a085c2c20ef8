"""The patient of a case and the case lesson's parameters.

A *case* is a fictional teaching vignette: a patient (age, sex, BMI,
diagnosis, level, symptom duration, conservative care, bone quality,
comorbidities, previous surgery), a presentation, and tutor notes. Named cases
live in ``data/cases/<id>.yaml``, validated against ``case.schema.json`` and
then checked against the condition of their diagnosis
(:mod:`widgets.case.conditions`); a problem is reported with the file and line.

The lesson's parameters are the patient fields plus lesson settings. A named
case supplies every patient field; a parameter left at ``None`` takes the
case's value and any other value overrides it. ``case="custom"`` builds the
patient from the parameters alone. :func:`check_parameters` (the
``consistency`` hook of the lesson's :class:`~widgets.core.params.ParameterSpec`)
rejects an inconsistent combination with one line naming the parameter and
what is allowed, before any heavy work.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgets.case.conditions import (
    COMORBIDITIES,
    DIAGNOSES,
    CaseError,
    Condition,
    cases_dir,
    conditions,
    level_help,
    level_kind,
    read_yaml,
    stamp,
)
from widgets.core import documents

__all__ = [
    "AGE_RANGE",
    "BMI_RANGE",
    "CUSTOM",
    "DIFFICULTIES",
    "DURATION_RANGE",
    "LESSON",
    "MODES",
    "PATIENT_FIELDS",
    "Case",
    "Patient",
    "case_ids",
    "check_parameters",
    "load_case",
]

LESSON = "07-case"
DIFFICULTIES = ("easy", "medium", "hard")
MODES = ("student", "solution")
CUSTOM = "custom"
PATIENT_FIELDS = ("age", "sex", "bmi", "diagnosis", "level", "duration_weeks", "conservative_care",
                  "bone_quality", "comorbidities", "prior_surgery")
AGE_RANGE = (18, 100)
BMI_RANGE = (15.0, 60.0)
DURATION_RANGE = (0, 520)
_PLACEHOLDERS = ("level",)


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
    return sorted(p.stem for p in cases_dir().glob("*.yaml") if p.stem != "conditions")


def load_case(case_id: str) -> Case:
    """Read, validate and check the named case ``case_id``.

    Raises
    ------
    CaseError
        For a missing case, a schema violation or an inconsistent patient,
        naming the file and the line.
    """
    folder = cases_dir()
    return _load_case_cached(str(folder), stamp(folder), case_id)


@functools.lru_cache(maxsize=64)
def _load_case_cached(folder: str, stamp: tuple, case_id: str) -> Case:
    path = Path(folder) / f"{case_id}.yaml"
    if case_id == "conditions" or not path.is_file():
        raise CaseError(f"data/cases: no case {case_id!r}; named cases: {', '.join(case_ids())}")
    file = documents.relative_name(path)
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
        raise _PatientProblem("level", f"{level!r} is not a spinal level; allowed: {level_help()}")
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

