"""The lesson catalog: the one place that says what each lesson is.

Every lesson is one :class:`Lesson` entry in :data:`LESSONS`, in order: its notebook stem, the
title its notebook opens with, its time to learn, its objectives and its parameters. Everything
else is read from here and checked against it by the tests:

- the notebook's outline: its ``#`` title, the numbered list under ``## Objectives`` and the
  "About N minutes" under ``## Time to learn`` (:func:`widgets.lessons.notebooks.catalog_problems`);
- the notebook's ``parameters`` cell (same names, types and defaults as :attr:`Lesson.params`);
- the lesson map lesson 00 prints (:func:`lesson_map_table`) and the one in ``README.md``
  (:func:`readme_map_rows`; ``python -m widgets.lessons readme`` writes it);
- the ``objective`` of every quiz item, which must be one of its lesson's :attr:`Lesson.objectives`.

An objective has a short **label** (the maps, the quiz items and the mastery table use it) and, when
the notebook words it more fully, that **wording** too; without one, the notebook's list shows the
label with a lower-case first letter ("By the end of this lesson you will be able to: 1. grade ...").

Parameters are :class:`~widgets.core.params.Param` values (name, type, default, allowed values).
This module imports nothing but the core, so choices that a topic model also defines are written
out here, and a test keeps each such list equal to the model's. A rule that checks parameters
together (for example "this effect measure fits this outcome") needs the topic's model, so it is
registered in :mod:`widgets.lessons.registry`, which builds each lesson's
:class:`~widgets.core.params.ParameterSpec` from this catalog.
"""

from __future__ import annotations

from widgets.core.catalog_clinical import CLINICAL_LESSONS
from widgets.core.lesson_spec import Lesson, Objective, lower_first, notebooks_dir
from widgets.core.levels import DISCS, LEVELS
from widgets.core.params import Param

__all__ = ["LESSONS", "Lesson", "Objective", "lesson", "lesson_map_table", "notebooks_dir",
           "readme_map", "readme_map_rows", "with_readme_map"]

#: The header row of the README's lesson map table.
README_MAP_HEADER = "| # | lesson | time | what you will be able to do |"


#: The skin-to-lamina depth both corridor comparisons (lessons 00 and 06) take
#: (the range and default of the ``skin_to_lamina_depth`` assumption; a test keeps them equal).
DEPTH_MM = Param("depth_mm", float, 50.0, "skin-to-lamina depth in mm (an assumption)",
                 minimum=20.0, maximum=120.0)

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "00-start-here",
        "Start here: how the suite works, and a first look at open vs tubular access",
        20,
        (
            Objective("Use the widgets, quizzes and parameter cells of the suite",
                      "run a lesson, move its controls and read its tables"),
            Objective("Tell cited figures from assumptions in what a lesson shows",
                      "tell a **cited** figure from a **derived** one and from an **assumption**"),
            Objective("Compare the tissue corridor of open midline exposure with tubular access",
                      "compare the tissue corridor of an open midline exposure with that of a"
                      " tubular retractor"),
        ),
        params=(
            Param("tube_diameter_mm", int, 16, "tubular retractor diameter in mm (cited sizes)",
                  choices=(14, 16, 18)),
            DEPTH_MM,
            Param("retraction_width_mm", float, 40.0,
                  "open wound retraction width in mm (an assumption)", minimum=20.0, maximum=80.0),
        ),
    ),
    Lesson(
        "01-spinal-anatomy",
        "Spinal anatomy in 3D, and the corridors minimally invasive surgery works through",
        45,
        (
            Objective("Name the parts of a lumbar vertebra and motion segment on a 3-D model",
                      "name the parts of a lumbar vertebra and of a motion segment, and find them on"
                      " a 3-D model built from published measurements"),
            Objective("Relate lumbar vertebral and pedicle dimensions to level, with their spread",
                      "explain why an L1 pedicle is not an L5 pedicle, and read how far published"
                      " series disagree about pedicle width"),
            Objective("Tell the root that exits at a disc level from the one that traverses it",
                      "trace the lumbar nerve roots and tell the root that exits at a disc level from"
                      " the one that traverses it"),
            Objective("Locate the corridors (interlaminar, Kambin's triangle, transpsoas) MISS uses",
                      "locate the interlaminar, transforaminal (Kambin's triangle) and transpsoas"
                      " corridors and judge which instruments fit through each"),
            Objective("Explain what MISS spares compared with subperiosteal open exposure",
                      "explain what MISS spares, the multifidus and the posterior tension band,"
                      " compared with an open subperiosteal exposure"),
        ),
        params=(
            Param("level", str, "L4", "vertebra shown first in the 3-D explorer", choices=LEVELS),
            Param("part", str, "pedicles", "part highlighted first",
                  choices=("body", "pedicles", "lamina", "facets", "spinous process",
                           "transverse processes", "canal", "foramen", "disc", "dural sac",
                           "exiting roots", "traversing roots")),
            Param("series", str, "Panjabi1992",
                  "published pedicle-width series that sizes the model (source key)",
                  choices=("Panjabi1992", "Arockiaraj2025", "Hou1993", "Krag1988", "Lien2007",
                           "Makino2012", "Mitra2002", "MoncadaHabib2025", "Olsewski1990",
                           "Otsuki2021", "Robertson2000", "Yu2015", "Zindrick1987")),
            Param("spread_sd", float, 0.0,
                  "population spread: SDs from the mean, where the source prints an SD",
                  minimum=-2.0, maximum=2.0),
            Param("segment", str, "L4-L5", "disc level for Kambin's triangle and the transpsoas view",
                  choices=DISCS),
        ),
    ),
    Lesson(
        "02-conditions-and-selection",
        "The conditions MISS treats, and choosing the patient",
        60,
        (
            Objective("Name the conditions MISS treats, the approach used for each, and when open"
                      " surgery is better",
                      "name the conditions MISS treats (disc herniation in the lumbar spine and the"
                      " neck, spinal stenosis, spondylolisthesis, fractures including osteoporotic"
                      " compression fractures, scoliosis and other deformity, some spinal tumours,"
                      " and root compression), the approach used for each, and when open surgery is"
                      " the better choice"),
            Objective("Grade a spondylolisthesis and measure a Cobb angle",
                      "grade a spondylolisthesis by the Meyerding scale and measure a Cobb angle"),
            Objective("Match a pattern of weakness, numbness and reflex change to a root and a disc"
                      " level",
                      "match a pattern of weakness, numbness and reflex change to a nerve root and to"
                      " the disc herniation that could cause it, telling a traversing from an exiting"
                      " root"),
            Objective("Walk a case through red flags, conservative care, imaging and the choice of"
                      " MISS or open",
                      "walk a case through red flags, conservative care, imaging and the choice"
                      " between MISS and open surgery"),
        ),
        params=(
            Param("slip_mm", float, 10.0, "slip of L4 over L5 you measured, in mm", minimum=0.0,
                  maximum=50.0),
            # widgets.conditions.curve.CURVE_VERTEBRAE (a test keeps them equal)
            Param("apex", str, "T9", "apex vertebra of the generated curve",
                  choices=tuple(f"T{i}" for i in range(1, 13)) + tuple(f"L{i}" for i in range(1, 6))),
            Param("half_width", float, 3.0, "curve half-width, in vertebrae", minimum=1.0,
                  maximum=8.0),
            Param("apex_shift", float, 1.5, "lateral shift of the apex, in vertebral heights",
                  minimum=0.0, maximum=6.0),
            # the teaching cases of data/selection_tree.yaml (a test keeps them equal)
            Param("case", str, "paramedian-l4-l5", "teaching case walked through the selection tree",
                  choices=("saddle-numbness", "early-sciatica", "improving-sciatica",
                           "discordant-imaging", "mobile-slip", "high-grade-slip",
                           "paramedian-l4-l5", "far-lateral-l4-l5", "out-of-reach")),
        ),
    ),
    Lesson(
        "03-techniques",
        "The techniques step by step: how MISS operations are done, imaged and compared",
        60,
        (
            Objective("Order the steps of each MISS technique with its imaging",
                      "put the steps of tubular microdiscectomy, tubular decompression,"
                      " full-endoscopic discectomy, MIS-TLIF, lateral transpsoas fusion, kyphoplasty"
                      " and vertebroplasty in order, naming the fluoroscopic view expected at each"
                      " step"),
            Objective("Choose instruments and corridors for a target",
                      "choose the instruments and the corridor that suit a given target, from their"
                      " cited sizes"),
            Objective("Explain what each technology adds and costs, and what can go wrong at each"
                      " step",
                      "explain what each technology (tubes, endoscopes, microscopes, fluoroscopy,"
                      " navigation, robots, percutaneous implants) adds, what it costs, and what can"
                      " go wrong at each step"),
        ),
        params=(
            Param("seed", int, 0, "seeds the shuffled steps of every drill and the order of the quiz",
                  minimum=0, maximum=99),
            # "all" and widgets.techniques.model.TECHNIQUES (a test keeps them equal)
            Param("reference_technique", str, "all",
                  "technique whose step sheet the lesson prints at the end ('all' for every"
                  " technique)",
                  choices=("all", "tubular-microdiscectomy", "unilateral-bilateral-decompression",
                           "endoscopic-transforaminal", "endoscopic-interlaminar", "mis-tlif",
                           "lateral-transpsoas", "kyphoplasty", "vertebroplasty")),
        ),
    ),
    Lesson(
        "04-imaging-navigation-radiation",
        "Fluoroscopy, navigation and robotics: plan a pedicle screw, see the breach, count the dose",
        45,
        (
            Objective("Plan a pedicle screw and grade a breach",
                      "plan a pedicle screw trajectory and grade a breach on the Gertzbein-Robbins"
                      " scales"),
            Objective("Line up the C-arm for the owl's eye view",
                      "line up a C-arm for the owl's eye and oblique views and read how far off you"
                      " are"),
            Objective("Explain how registration error grows along a trajectory",
                      "explain how registration error grows along a trajectory, and what the"
                      " randomized evidence says about robots"),
            Objective("Weigh the radiation a technique costs",
                      "weigh the radiation a technique costs, using time, distance and shielding"),
        ),
        params=(
            Param("level", str, "L4", "vertebra the screw planner and C-arm open on",
                  choices=LEVELS),
            Param("screw_diameter_mm", float, 6.0, "screw diameter in mm", minimum=3.0,
                  maximum=10.0),
            Param("screw_length_mm", float, 40.0, "screw length in mm", minimum=20.0, maximum=70.0),
            Param("registration_mm", float, 1.0, "navigation registration translation error, mm",
                  minimum=0.0, maximum=10.0),
            Param("registration_deg", float, 2.0, "navigation registration rotation error, degrees",
                  minimum=0.0, maximum=20.0),
            Param("distance_m", float, 0.5, "reference distance of the surgeon from the beam, m",
                  minimum=0.1, maximum=5.0),
        ),
    ),
    Lesson(
        "05-evidence",
        "The evidence: a live meta-analysis of MISS vs open surgery, the landmark trials, and the"
        " learning curve",
        60,
        (
            Objective("Pool study-level data and read heterogeneity",
                      "pool study-level data with fixed- and random-effects models, and read"
                      " heterogeneity (Q, I², tau²) and the prediction interval"),
            Objective("Check study data for implausible figures before pooling them"),
            Objective("Appraise a trial's design and explain why blinding changed the answer for"
                      " vertebroplasty",
                      "appraise a trial's design, and explain why blinding changed the answer for"
                      " vertebroplasty"),
            Objective("Read a learning curve with CUSUM and say how many cases it takes"),
            Objective("Say where MISS wins, ties and loses",
                      "say where MISS wins, ties and loses: whether each difference is large enough"
                      " to matter to a patient, and how certain the evidence is"),
        ),
        params=(
            # the keys of widgets.evidence.studies.OUTCOMES (a test keeps them equal)
            Param("outcome", str, "blood_loss", "outcome the meta-analysis explorer opens on",
                  choices=("blood_loss", "length_of_stay", "operative_time", "fluoroscopy_time",
                           "complications", "vertebroplasty_pain", "screw_accuracy_freehand",
                           "screw_accuracy_fluoroscopy", "screw_accuracy_navigation")),
            Param("measure", str, "auto", "effect measure ('auto': the outcome's usual one)",
                  choices=("auto", "MD", "SMD", "OR", "RR", "PLO", "GEN")),
            Param("model", str, "REML", "pooling model: fixed effect or random effects (DL, REML)",
                  choices=("fixed", "DL", "REML")),
            Param("include_flagged", bool, False,
                  "also pool the studies the data-quality check flags"),
            Param("seed", int, 0, "names the simulated surgeon of the learning-curve widget",
                  minimum=0, maximum=99),
            Param("curve_shape", str, "step", "shape of the simulated learning curve",
                  choices=("step", "line")),
        ),
    ),
    Lesson(
        "06-around-surgery",
        "Around surgery: from the consultation to recovery, and what MISS changes",
        60,
        (
            Objective("Compare open and MISS access for a procedure and level: incisions, muscle,"
                      " exposure, corridor",
                      "compare open and MISS access for a chosen procedure and level: the incisions,"
                      " what happens to the muscle, the exposure and the volume of tissue disturbed"),
            Objective("Weigh where MISS is better, no different or worse, with the strength of the"
                      " evidence",
                      "weigh where MISS is better, no different or worse than open surgery, with the"
                      " strength of the evidence behind each finding"),
            Objective("Read recovery milestones after MISS and open surgery, telling medians from"
                      " means",
                      "read recovery milestones after MISS and open surgery, telling medians from"
                      " means and printed figures from derived ones"),
            Objective("Explain what happens before, during and after surgery, and the warning signs",
                      "explain what happens before, during and after surgery, and which warning signs"
                      " need urgent care"),
        ),
        params=(
            # widgets.access.comparator.PROCEDURES, LEVELS and tube_options() (tests keep them equal)
            Param("procedure", str, "tlif", "procedure compared in the open vs MISS comparator",
                  choices=("discectomy", "decompression", "tlif")),
            Param("level", str, "L4-L5", "disc level of the comparison", choices=DISCS),
            Param("tube_diameter_mm", int, 18,
                  "tubular retractor diameter in mm (cited sizes; 26 is a secondary-source range end)",
                  choices=(14, 16, 18, 26)),
            DEPTH_MM,
        ),
    ),
    Lesson(
        "07-case",
        "A patient case: choose an approach and compare MISS with open surgery",
        30,
        (
            Objective("Apply selection criteria to a named case",
                      "apply selection criteria (red flags, conservative care, the trials' entry"
                      " criteria) to a case"),
            Objective("Predict and compare outcomes of MISS and open surgery with cited figures",
                      "predict and compare outcomes of MISS and open surgery for the case with cited"
                      " figures"),
            Objective("Judge whether published evidence applies to a given patient",
                      "judge whether a published result applies to this patient, or only indirectly"),
        ),
        # Patient fields default to None: "take the named case's value". The allowed values are
        # SEXES, DIAGNOSES, BONE_QUALITY of widgets.case.conditions and DIFFICULTIES, MODES and the
        # ranges of widgets.case.patients (a test keeps them equal); the registry adds the model's
        # check of the whole set.
        params=(
            Param("case", str, "lumbar-disc-herniation",
                  "a named case (a file in data/cases) or 'custom'"),
            Param("age", int, None, "patient age in years; None: the named case's",
                  minimum=18, maximum=100, optional=True),
            Param("sex", str, None, "patient sex; None: the named case's",
                  choices=("female", "male"), optional=True),
            Param("bmi", float, None, "body mass index in kg/m²; None: the named case's",
                  minimum=15.0, maximum=60.0, optional=True),
            Param("diagnosis", str, None, "diagnosis; None: the named case's",
                  choices=("lumbar disc herniation", "far-lateral lumbar disc herniation",
                           "lumbar spinal stenosis", "degenerative spondylolisthesis",
                           "osteoporotic compression fracture", "adult degenerative scoliosis",
                           "cervical radiculopathy", "cervical myelopathy", "cauda equina syndrome",
                           "spinal metastasis with instability"),
                  optional=True),
            Param("level", str, None,
                  "a vertebra (L1) or disc segment (L4-L5) fitting the diagnosis; None: the case's",
                  optional=True),
            Param("duration_weeks", int, None, "how long the symptoms have lasted, in weeks",
                  minimum=0, maximum=520, optional=True),
            Param("conservative_care", bool, None, "whether conservative care was tried",
                  optional=True),
            Param("bone_quality", str, None, "bone quality; None: the named case's",
                  choices=("normal", "osteopenia", "osteoporosis"), optional=True),
            Param("comorbidities", list, None,
                  "comorbidity names (widgets.case.conditions.COMORBIDITIES)", optional=True),
            Param("prior_surgery", bool, None, "previous surgery at this level", optional=True),
            Param("difficulty", str, "medium", "quiz difficulty", choices=("easy", "medium", "hard")),
            Param("seed", int, 0, "seeds which quiz items are drawn and their order", minimum=0),
            Param("mode", str, "student",
                  "'student' (no answers anywhere) or 'solution' (answers and tutor notes)",
                  choices=("student", "solution")),
            Param("learner", str, "student", "learner id; it names the progress file"),
        ),
    ),
    *CLINICAL_LESSONS,
    Lesson(
        "90-review",
        "Spaced review: what is due, and how well you know each objective",
        15,
        (
            "See which questions are due for review, lesson by lesson",
            "Read your mastery of each learning objective, not just a count of answers",
            "Answer a mixed quiz of due questions and read why each option is right or wrong",
        ),
        params=(
            Param("learner", str, "student", "your learner id; it names your progress file"),
            Param("seed", int, 0, "seeds the order of the questions and of their options",
                  minimum=0),
            Param("n_items", int, 10, "how many due questions the mixed quiz asks",
                  minimum=1, maximum=40),
        ),
    ),
)


def lesson(stem: str) -> Lesson:
    """Return the catalog entry of lesson ``stem``; a one-line KeyError names the known ones."""
    for entry in LESSONS:
        if entry.stem == stem:
            return entry
    raise KeyError(f"no lesson {stem!r} in the catalog; known: {', '.join(e.stem for e in LESSONS)}")


def lesson_map_table(include_planned: bool = True):
    """Return the lesson map as a :class:`pandas.DataFrame` (one row per lesson)."""
    import pandas as pd

    rows = [
        {
            "lesson": entry.stem,
            "title": entry.title,
            "minutes": entry.minutes,
            "objectives": "; ".join(entry.objectives),
            "status": entry.status,
        }
        for entry in LESSONS
        if include_planned or entry.status == "available"
    ]
    return pd.DataFrame(rows).set_index("lesson")


def readme_map_rows() -> list[str]:
    """Return the rows of the README's lesson map table, one Markdown line per available lesson."""
    return [
        f"| {e.number} | [{e.title}](notebooks/{e.stem}.ipynb) | {e.minutes} min | "
        + "; ".join(lower_first(label) for label in e.objectives) + " |"
        for e in LESSONS if e.status == "available"
    ]


def _map_span(lines: list[str]) -> tuple[int, int]:
    """Where the README's lesson map rows are: (first row, one past the last)."""
    start = lines.index(README_MAP_HEADER) + 2
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return start, end


def readme_map(text: str) -> list[str]:
    """Return the lesson map rows of a README's text (after its header and separator rows)."""
    lines = text.splitlines()
    start, end = _map_span(lines)
    return lines[start:end]


def with_readme_map(text: str) -> str:
    """Return the README's text with its lesson map rows replaced by :func:`readme_map_rows`."""
    lines = text.split("\n")
    start, end = _map_span(lines)
    return "\n".join(lines[:start] + readme_map_rows() + lines[end:])
