"""The lesson map: every lesson, in order, with its objectives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["LESSONS", "Lesson", "lesson_map_table", "notebooks_dir"]


def notebooks_dir() -> Path:
    """Return the lessons' folder: ``widgets/_notebooks`` when installed from a wheel, else ``notebooks/``."""
    package = Path(__file__).resolve().parents[1]
    bundled = package / "_notebooks"
    return bundled if bundled.is_dir() else package.parent / "notebooks"


@dataclass(frozen=True)
class Lesson:
    """One lesson of the suite."""

    stem: str
    title: str
    minutes: int
    objectives: tuple[str, ...]
    status: str = "available"

    @property
    def path(self) -> Path:
        """The notebook file of the lesson."""
        return notebooks_dir() / f"{self.stem}.ipynb"


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "00-start-here",
        "Start here: how the suite works, and a first look at open vs tubular access",
        20,
        (
            "Use the widgets, quizzes and parameter cells of the suite",
            "Tell cited figures from assumptions in what a lesson shows",
            "Compare the tissue corridor of open midline exposure with tubular access",
        ),
    ),
    Lesson(
        "01-spinal-anatomy",
        "Spinal anatomy in 3D and the corridors MISS works through",
        45,
        (
            "Relate lumbar vertebral and pedicle dimensions to level, with their spread",
            "Locate the corridors (interlaminar, Kambin's triangle, transpsoas) MISS uses",
            "Explain what MISS spares compared with subperiosteal open exposure",
        ),
        status="available",
    ),
    Lesson(
        "02-conditions-and-selection",
        "The conditions MISS treats and choosing the patient",
        60,
        (
            "Name the conditions MISS treats, the approach used for each, and when open surgery is better",
            "Grade a spondylolisthesis and measure a Cobb angle",
            "Match a pattern of weakness, numbness and reflex change to a root and a disc level",
            "Walk a case through red flags, conservative care, imaging and the choice of MISS or open",
        ),
    ),
    Lesson(
        "03-techniques",
        "The techniques step by step, with their imaging and technology",
        60,
        (
            "Order the steps of each MISS technique with its imaging",
            "Choose instruments and corridors for a target",
            "Explain what each technology adds and costs, and what can go wrong at each step",
        ),
        status="available",
    ),
    Lesson(
        "04-imaging-navigation-radiation",
        "Fluoroscopy, navigation and robotics",
        45,
        (
            "Plan a pedicle screw and grade a breach",
            "Line up the C-arm for the owl's eye view",
            "Explain how registration error grows along a trajectory",
            "Weigh the radiation a technique costs",
        ),
        status="available",
    ),
    Lesson(
        "05-evidence",
        "The evidence: a live meta-analysis of MISS vs open, the landmark trials and the learning curve",
        60,
        (
            "Pool study-level data and read heterogeneity",
            "Check study data for implausible figures before pooling them",
            "Appraise a trial's design and explain why blinding changed the answer for vertebroplasty",
            "Read a learning curve with CUSUM and say how many cases it takes",
            "Say where MISS wins, ties and loses",
        ),
        status="available",
    ),
    Lesson(
        "06-around-surgery",
        "Around surgery: anaesthesia, recovery and risks, open vs MISS",
        60,
        (
            "Compare open and MISS access for a procedure and level: incisions, muscle, exposure, corridor",
            "Weigh where MISS is better, no different or worse, with the strength of the evidence",
            "Read recovery milestones after MISS and open surgery, telling medians from means",
            "Explain what happens before, during and after surgery, and the warning signs",
        ),
        status="available",
    ),
    Lesson(
        "07-case",
        "A patient case: choose an approach and compare MISS with open surgery",
        30,
        (
            "Apply selection criteria to a named case",
            "Predict and compare outcomes of MISS and open surgery with cited figures",
            "Judge whether published evidence applies to a given patient",
        ),
        status="available",
    ),
    Lesson(
        "90-review",
        "Spaced review across lessons",
        15,
        ("Answer the questions that are due and see mastery per objective",),
        status="available",
    ),
)


def lesson_map_table(include_planned: bool = True):
    """Return the lesson map as a :class:`pandas.DataFrame` (one row per lesson)."""
    import pandas as pd

    rows = [
        {
            "lesson": lesson.stem,
            "title": lesson.title,
            "minutes": lesson.minutes,
            "objectives": "; ".join(lesson.objectives),
            "status": lesson.status,
        }
        for lesson in LESSONS
        if include_planned or lesson.status == "available"
    ]
    return pd.DataFrame(rows).set_index("lesson")
