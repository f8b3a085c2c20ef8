"""The lesson map: every lesson, in order, with its objectives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["LESSONS", "Lesson", "lesson_map_table", "notebooks_dir"]


def notebooks_dir() -> Path:
    """Return the ``notebooks/`` folder of the repository."""
    return Path(__file__).resolve().parents[2] / "notebooks"


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
        status="planned",
    ),
    Lesson(
        "02-conditions-and-selection",
        "The conditions MISS treats and choosing the patient",
        45,
        (
            "Grade a spondylolisthesis and measure a Cobb angle",
            "Match a root deficit pattern to its level",
            "Walk a case through conservative care, imaging and red flags",
        ),
        status="planned",
    ),
    Lesson(
        "03-techniques",
        "The techniques step by step",
        60,
        (
            "Order the steps of each MISS technique with its imaging",
            "Choose instruments and corridors for a target",
        ),
        status="planned",
    ),
    Lesson(
        "04-imaging-navigation-radiation",
        "Fluoroscopy, navigation and robotics",
        45,
        (
            "Plan a pedicle screw and grade a breach",
            "Weigh the radiation a technique costs",
        ),
        status="planned",
    ),
    Lesson(
        "05-evidence",
        "The evidence: MISS vs open, trials and the learning curve",
        60,
        (
            "Pool study-level data and read heterogeneity",
            "Say where MISS wins, ties and loses",
        ),
        status="planned",
    ),
    Lesson(
        "06-around-surgery",
        "Around surgery: anaesthesia, recovery and risks, open vs MISS",
        45,
        (
            "Compare open and MISS corridors, recovery milestones and risks for a procedure",
            "Explain what happens before, during and after surgery, and the warning signs",
        ),
        status="planned",
    ),
    Lesson(
        "07-case",
        "A patient case: choose an approach and compare MISS with open surgery",
        30,
        (
            "Apply selection criteria to a named case",
            "Predict and compare outcomes of MISS and open surgery with cited figures",
        ),
        status="planned",
    ),
    Lesson(
        "90-review",
        "Spaced review across lessons",
        15,
        ("Answer the questions that are due and see mastery per objective",),
        status="planned",
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
