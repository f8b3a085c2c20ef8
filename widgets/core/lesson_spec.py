"""What a catalog entry is: a :class:`Lesson` and its :class:`Objective` s (read by the catalog)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from widgets.core.params import Param

__all__ = ["Lesson", "Objective", "lower_first", "notebooks_dir"]


def notebooks_dir() -> Path:
    """Return the lessons' folder: ``widgets/_notebooks`` when installed from a wheel, else ``notebooks/``."""
    package = Path(__file__).resolve().parents[1]
    bundled = package / "_notebooks"
    return bundled if bundled.is_dir() else package.parent / "notebooks"


def lower_first(text: str) -> str:
    """``"Grade a slip"`` -> ``"grade a slip"``; an acronym (``"MISS ..."``) is left as it is."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Objective:
    """One learning objective: a short label, and the notebook's fuller wording if it has one."""

    label: str
    wording: str = ""

    @property
    def as_written(self) -> str:
        """The objective as the notebook's numbered list writes it (without the final ';' or '.')."""
        return self.wording or lower_first(self.label)


@dataclass(frozen=True)
class Lesson:
    """One lesson of the suite (see the module docstring for what is checked against it)."""

    stem: str
    title: str
    minutes: int
    goals: tuple[Objective | str, ...]
    params: tuple[Param, ...] = ()
    status: str = "available"

    @property
    def path(self) -> Path:
        """The notebook file of the lesson."""
        return notebooks_dir() / f"{self.stem}.ipynb"

    @property
    def number(self) -> str:
        """The lesson's number, the ``NN`` of ``NN-name``."""
        return self.stem.split("-", 1)[0]

    def _objectives(self) -> tuple[Objective, ...]:
        return tuple(g if isinstance(g, Objective) else Objective(g) for g in self.goals)

    @property
    def objectives(self) -> tuple[str, ...]:
        """The objectives' labels, in order (quiz items name one of these)."""
        return tuple(o.label for o in self._objectives())

    @property
    def objectives_as_written(self) -> tuple[str, ...]:
        """The objectives as the notebook's ``## Objectives`` list writes them, in order."""
        return tuple(o.as_written for o in self._objectives())
