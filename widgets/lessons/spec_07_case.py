"""Parameters of lesson 07-case: a named (or custom) patient case and the lesson settings.

Patient fields default to ``None``: "take the named case's value". Any other
value overrides the case's; with ``case="custom"`` every patient field must be
given. :func:`widgets.case.patients.check_parameters` checks the combination (level
exists and fits the diagnosis, bone quality fits it, comorbidities are
allowed names, a named case keeps its diagnosis) before any heavy work.
"""

from __future__ import annotations

from widgets.case.conditions import BONE_QUALITY, DIAGNOSES, SEXES
from widgets.case.patients import AGE_RANGE, BMI_RANGE, DIFFICULTIES, DURATION_RANGE, MODES
from widgets.core.params import Param, ParameterSpec


def _consistent(values: dict) -> None:
    """Check the parameters together (see :func:`widgets.case.patients.check_parameters`)."""
    from widgets.case.patients import check_parameters

    check_parameters(values)


CASE = ParameterSpec(
    lesson="07-case",
    params=(
        Param("case", str, "lumbar-disc-herniation",
              "a named case (a file in data/cases) or 'custom'"),
        Param("age", int, None, "patient age in years; None: the named case's",
              minimum=AGE_RANGE[0], maximum=AGE_RANGE[1], optional=True),
        Param("sex", str, None, "patient sex; None: the named case's", choices=SEXES,
              optional=True),
        Param("bmi", float, None, "body mass index in kg/m²; None: the named case's",
              minimum=BMI_RANGE[0], maximum=BMI_RANGE[1], optional=True),
        Param("diagnosis", str, None, "diagnosis; None: the named case's", choices=DIAGNOSES,
              optional=True),
        Param("level", str, None,
              "a vertebra (L1) or disc segment (L4-L5) fitting the diagnosis; None: the case's",
              optional=True),
        Param("duration_weeks", int, None, "how long the symptoms have lasted, in weeks",
              minimum=DURATION_RANGE[0], maximum=DURATION_RANGE[1], optional=True),
        Param("conservative_care", bool, None, "whether conservative care was tried",
              optional=True),
        Param("bone_quality", str, None, "bone quality; None: the named case's",
              choices=BONE_QUALITY, optional=True),
        Param("comorbidities", list, None, "comorbidity names (widgets.case.conditions.COMORBIDITIES)",
              optional=True),
        Param("prior_surgery", bool, None, "previous surgery at this level", optional=True),
        Param("difficulty", str, "medium", "quiz difficulty", choices=DIFFICULTIES),
        Param("seed", int, 0, "seeds which quiz items are drawn and their order", minimum=0),
        Param("mode", str, "student",
              "'student' (no answers anywhere) or 'solution' (answers and tutor notes)",
              choices=MODES),
        Param("learner", str, "student", "learner id; it names the progress file"),
    ),
    consistency=_consistent,
)
