"""Parameters of the case lesson (07-case): a matrix of valid and invalid sets, each with its one line.

Also the backwards-compatible ``optional`` extension of :class:`widgets.core.params.Param`.
"""

from __future__ import annotations

import re

import pytest

from widgets.core.params import Param, ParameterError
from widgets.lessons.registry import get_spec

SPEC = get_spec("07-case")
CUSTOM = {
    "case": "custom", "age": 50, "sex": "male", "bmi": 25.0, "diagnosis": "lumbar disc herniation",
    "level": "L4-L5", "duration_weeks": 8, "conservative_care": True, "bone_quality": "normal",
    "comorbidities": [], "prior_surgery": False,
}


def custom(**changes):
    return {**CUSTOM, **changes}


VALID = [
    pytest.param({}, id="defaults"),
    pytest.param({"case": "osteoporotic-fracture", "mode": "solution"}, id="named-solution"),
    pytest.param({"case": "lumbar-disc-herniation", "age": 74, "prior_surgery": True}, id="override"),
    pytest.param({"case": "lumbar-disc-herniation", "diagnosis": "lumbar disc herniation"},
                 id="same-diagnosis-is-no-change"),
    pytest.param({"case": "osteoporotic-fracture", "level": "T12"}, id="fracture-other-vertebra"),
    pytest.param({"case": "cervical-radiculopathy", "level": "C6-C7"}, id="cervical-segment"),
    pytest.param({"comorbidities": ["diabetes", "current smoker"]}, id="comorbidities"),
    pytest.param(custom(), id="custom"),
    pytest.param(custom(diagnosis="cervical myelopathy", level="C4-C5"), id="custom-myelopathy"),
    pytest.param(custom(diagnosis="spinal metastasis with instability", level="T11"), id="custom-tumour"),
    pytest.param(custom(bmi=31), id="bmi-int-is-a-float"),
    pytest.param({"difficulty": "hard", "seed": 12345, "learner": "s001"}, id="settings"),
]

INVALID = [
    # a level that does not exist
    ({"level": "L6"}, "parameter 'level': 'L6' is not a spinal level; allowed: a vertebra (C1-C7, T1-T12,"
                      " L1-L5 or S1) or a disc segment of two neighbours (C1-C2 ... L5-S1, e.g. 'L4-L5')"),
    ({"level": "T13"}, "parameter 'level': 'T13' is not a spinal level"),
    (custom(diagnosis="osteoporotic compression fracture", level="L6", bone_quality="osteoporosis"),
     "parameter 'level': 'L6' is not a spinal level"),
    # a diagnosis at a level where it does not occur
    (custom(diagnosis="cervical myelopathy", level="L4"),
     "parameter 'level': 'L4' does not fit diagnosis 'cervical myelopathy', which needs a disc segment"
     " from C2-C3 to C7-T1"),
    (custom(diagnosis="cervical myelopathy", level="L4-L5"),
     "parameter 'level': 'L4-L5' does not fit diagnosis 'cervical myelopathy'"),
    (custom(diagnosis="osteoporotic compression fracture", level="L1-L2", bone_quality="osteoporosis"),
     "parameter 'level': 'L1-L2' does not fit diagnosis 'osteoporotic compression fracture', which needs"
     " one vertebra from T4 to L5"),
    ({"case": "lumbar-disc-herniation", "level": "C5-C6"},
     "parameter 'level': 'C5-C6' does not fit diagnosis 'lumbar disc herniation', which needs a disc"
     " segment from L1-L2 to L5-S1"),
    ({"case": "cervical-radiculopathy", "level": "L4"},
     "parameter 'level': 'L4' does not fit diagnosis 'cervical radiculopathy'"),
    # a named case overridden inconsistently
    ({"case": "osteoporotic-fracture", "bone_quality": "normal"},
     "parameter 'bone_quality': 'normal' does not fit diagnosis 'osteoporotic compression fracture',"
     " which needs 'osteopenia' or 'osteoporosis'"),
    ({"case": "osteoporotic-fracture", "level": "L4-L5"},
     "parameter 'level': 'L4-L5' does not fit diagnosis 'osteoporotic compression fracture'"),
    ({"case": "lumbar-disc-herniation", "diagnosis": "lumbar spinal stenosis"},
     "parameter 'diagnosis' is 'lumbar spinal stenosis', but named case 'lumbar-disc-herniation' is a"
     " 'lumbar disc herniation'; leave diagnosis None, pick another case or use case='custom'"),
    ({"case": "adult-scoliosis", "level": "L4-L5"},
     "parameter 'level': 'L4-L5' does not fit diagnosis 'adult degenerative scoliosis', which needs one"
     " vertebra from T10 to L4"),
    # a case that does not exist, an incomplete custom case
    ({"case": "lumbar-disc-hernia"},
     "parameter 'case' is 'lumbar-disc-hernia', not a named case (did you mean 'lumbar-disc-herniation'?);"
     " allowed: 'custom', 'adult-scoliosis'"),
    ({"case": "custom", "age": 50},
     "parameter 'sex' is None, but case='custom' needs every patient field; give one of 'female', 'male'"),
    ({"case": "custom"}, "parameter 'age' is None, but case='custom' needs every patient field; give an"
                         " int from 18 to 100"),
    # names, types and ranges
    ({"comorbidities": ["diabetis"]},
     "parameter 'comorbidities': 'diabetis' is not an allowed name (did you mean 'diabetes'?); allowed:"
     " diabetes, current smoker"),
    ({"comorbidities": ["diabetes", "diabetes"]}, "parameter 'comorbidities': lists a name twice"),
    ({"comorbidities": "diabetes"},
     "parameter 'comorbidities' must be a list, or None; got 'diabetes' (str)"),
    ({"age": 12}, "parameter 'age' must be an int from 18 to 100, or None; got 12"),
    ({"age": "old"}, "parameter 'age' must be an int from 18 to 100, or None; got 'old' (str)"),
    ({"age": 42.5}, "parameter 'age' must be an int from 18 to 100, or None; got 42.5 (float)"),
    ({"bmi": 70.0}, "parameter 'bmi' must be a float from 15.0 to 60.0, or None; got 70.0"),
    ({"duration_weeks": -1}, "parameter 'duration_weeks' must be an int from 0 to 520, or None; got -1"),
    ({"sex": "other"}, "parameter 'sex' must be one of 'female', 'male', or None; got 'other'"),
    ({"diagnosis": "sciatica"}, "parameter 'diagnosis' must be one of 'lumbar disc herniation'"),
    ({"bone_quality": "weak"}, "parameter 'bone_quality' must be one of 'normal', 'osteopenia',"
                               " 'osteoporosis', or None; got 'weak'"),
    ({"conservative_care": "yes"}, "parameter 'conservative_care' must be a bool, or None; got 'yes' (str)"),
    ({"prior_surgery": 1}, "parameter 'prior_surgery' must be a bool, or None; got 1 (int)"),
    ({"difficulty": "expert"},
     "parameter 'difficulty' must be one of 'easy', 'medium', 'hard'; got 'expert'"),
    ({"mode": "teacher"}, "parameter 'mode' must be one of 'student', 'solution'; got 'teacher'"),
    ({"mode": None}, "parameter 'mode' must be one of 'student', 'solution'; got None (NoneType)"),
    ({"seed": -1}, "parameter 'seed' must be an int >= 0; got -1"),
    ({"learner": "a b"}, "parameter 'learner': learner id 'a b' must be 1-64 letters, digits"),
    ({"levle": "L4-L5"}, "unknown parameter 'levle' for lesson '07-case' (did you mean 'level'?)"),
]


@pytest.mark.parametrize("values", VALID)
def test_valid_sets_pass(values):
    out = SPEC.validate(values, partial=True)
    assert set(out) == set(SPEC.names)


@pytest.mark.parametrize(("values", "message"), INVALID, ids=[m[:40] for _, m in INVALID])
def test_invalid_sets_fail_with_one_line(values, message):
    with pytest.raises(ParameterError) as info:
        SPEC.validate(values, partial=True)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(message), text


def test_every_invalid_message_names_a_parameter():
    for values, _ in INVALID:
        with pytest.raises(ParameterError, match=r"parameter '\w+'"):
            SPEC.validate(values, partial=True)


def test_validation_runs_before_heavy_work():
    """The consistency check reads YAML only: no pandas, no widgets, no kernel."""
    import subprocess
    import sys

    code = ("import sys\nfrom widgets.lessons.registry import get_spec\n"
            "get_spec('07-case').validate({'case': 'lumbar-stenosis', 'age': 80}, partial=True)\n"
            "print(sorted(m for m in ('pandas', 'ipywidgets', 'plotly', 'nbclient') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_notebook_defaults_equal_the_spec():
    from widgets.case.model import case_run

    run = case_run({})
    assert run.case.id == "lumbar-disc-herniation" and run.mode == "student"
    assert run.case.overrides == {}


# ---------------------------------------------------------------------- Param(optional=True)


def test_optional_param_accepts_none_and_still_checks_values():
    p = Param("age", int, None, "years", minimum=18, maximum=100, optional=True)
    assert p.check(None) is None
    assert p.check(40) == 40
    assert p.allowed() == "an int from 18 to 100, or None"
    with pytest.raises(ParameterError, match=re.escape("must be an int from 18 to 100, or None; got 5")):
        p.check(5)


def test_a_plain_param_still_rejects_none():
    p = Param("depth_mm", float, 50.0, "mm", minimum=20.0, maximum=120.0)
    assert p.allowed() == "a float from 20.0 to 120.0"
    with pytest.raises(ParameterError, match="got None"):
        p.check(None)


def test_optional_choices_say_so():
    p = Param("sex", str, None, "sex", choices=("female", "male"), optional=True)
    assert p.allowed() == "one of 'female', 'male', or None"
    assert p.check("male") == "male"
