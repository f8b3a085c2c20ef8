"""Pedicle screw planner: a trajectory through a modelled pedicle, its clearance, breach and grade.

Geometry (documented model, built on :mod:`widgets.anatomy`)
------------------------------------------------------------
The vertebra's local frame is the anatomy model's: ``x`` to the patient's left, ``y`` anterior,
``z`` cranial. For each pedicle the anatomy model gives the isthmus centre, the pedicle axis
(a unit vector pointing anteriorly), the lateral width direction and the cranial height direction,
the cited isthmus width and height, and the axis range over which the pedicle runs.

The pedicle is modelled as an **elliptic cylinder**: the isthmus cross-section (semi-axes
width/2 and height/2) swept unchanged along the pedicle axis over that range. The real pedicle
flares at both ends, so the model is conservative: it reports a breach wherever the screw leaves
the narrowest section.

A screw is a cylinder of diameter ``D`` along a straight line from the entry point, of length
``L``. The entry point is placed on the posterior end of the pedicle, offset medially/laterally
and cranially/caudally from the pedicle axis. The direction uses the anatomy model's angle
convention: transverse (medial) angle ``a`` and sagittal (caudal) angle ``b`` give
``(-s sin a cos b, cos a cos b, -sin b)``, with ``s = +1`` on the left and ``-1`` on the right, so
a screw with the pedicle's own angles and no offset runs on the pedicle axis.

Clearance at one point of the screw axis is the distance from that point to the ellipse in the
cross-section, minus the screw radius. The **breach depth** is the largest penetration of the
screw beyond the cortex along the pedicle (radius minus the distance inside, or radius plus the
distance outside), and its direction is where the nearest cortex lies: medial, lateral,
superior or inferior. The screw tip is also checked against the axial outline of the vertebral
body (``anterior`` breach: how far the tip lies outside it).

Grading
-------
Both scales are read from ``data/tables/gertzbein_robbins_grading``: the cut points (mm) are the
numbers printed in ``breach_definition_mm``. Boundary convention used here: **half-open bins,
lower bound included** (a breach of exactly 2.0 mm is grade 2 / C, exactly 4.0 mm is grade 3 / D).
This follows the modified scale's printed "2 to <4"; the original prints "2-4" and ">4", which
would put exactly 4 mm in grade 2 — papers differ, and the lesson says so. A depth of 0 (no
breach) is grade 0 / A.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.anatomy import LEVELS, build_vertebra
from widgets.anatomy.vertebra import Vertebra, body_outline
from widgets.core.assumptions import assumption
from widgets.core.data import load_table

__all__ = [
    "ORIGINAL",
    "MODIFIED",
    "SIDES",
    "BreachResult",
    "ScrewChoice",
    "Trajectory",
    "breach_grade",
    "choose_diameter",
    "deformation_ceiling",
    "deformation_rule",
    "evaluate",
    "grade",
    "grade_scale",
    "narrowest_width",
    "pedicle_width",
    "preset",
    "screw_direction",
    "screw_sizes",
    "vertebra",
]

ORIGINAL = "Gertzbein & Robbins 1990 (original)"
MODIFIED = "Modified Gertzbein-Robbins (A-E)"
SIDES = ("left", "right")
_SIGN = {"left": 1.0, "right": -1.0}
_N_ALONG = 64
_N_ELLIPSE = 360


@functools.cache
def vertebra(level: str) -> Vertebra:
    """Return the anatomy model's vertebra at ``level`` (cached).

    Raises
    ------
    ValueError
        If ``level`` is not a modelled level.
    """
    if not isinstance(level, str) or level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    return build_vertebra(level)


# --------------------------------------------------------------------------- grading


def _scale_rows(scale: str) -> pd.DataFrame:
    table = load_table("gertzbein_robbins_grading")
    rows = table[table["scale"].str.startswith(scale)]
    if rows.empty:
        raise ValueError(f"unknown grading scale {scale!r}; use {ORIGINAL!r} or {MODIFIED!r}")
    return rows


@functools.cache
def grade_scale(scale: str = MODIFIED) -> tuple[tuple[str, ...], tuple[float, ...], str]:
    """Return the grades, the cut points (mm) and the source key of one scale, read from data.

    The cut points are the positive numbers printed in ``breach_definition_mm`` (for the
    original scale 2 and 4 mm, for the A-E scale 2, 4 and 6 mm).
    """
    rows = _scale_rows(scale)
    cuts: set[float] = set()
    for text in rows["breach_definition_mm"]:
        first = re.findall(r"\d+(?:\.\d+)?", str(text).split("(")[0])
        cuts |= {float(x) for x in first if float(x) > 0}
    grades = tuple(str(g) for g in rows["grade"])
    cut_points = tuple(sorted(cuts))
    if len(grades) != len(cut_points) + 2:
        raise ValueError(f"scale {scale!r}: {len(grades)} grades do not fit cut points {cut_points}")
    return grades, cut_points, str(rows["source_key"].iloc[0])


def grade(depth_mm: float, scale: str = MODIFIED) -> str:
    """Grade a breach depth (mm) on a Gertzbein-Robbins scale (half-open bins, lower bound in).

    Examples
    --------
    >>> grade(0.0), grade(1.9), grade(2.0), grade(6.0)
    ('A', 'B', 'C', 'E')
    >>> grade(4.0, ORIGINAL)
    '3'
    """
    if isinstance(depth_mm, bool) or not isinstance(depth_mm, int | float) or not math.isfinite(depth_mm):
        raise TypeError(f"depth_mm must be a finite number; got {depth_mm!r}")
    if depth_mm < 0:
        raise ValueError(f"depth_mm must be >= 0; got {depth_mm}")
    grades, cuts, _ = grade_scale(scale)
    if depth_mm == 0:
        return grades[0]
    return grades[1 + sum(depth_mm >= c for c in cuts)]


# --------------------------------------------------------------------------- trajectory


@dataclass(frozen=True)
class Trajectory:
    """A planned pedicle screw.

    Parameters
    ----------
    level, side
        Modelled level (``L1``-``S1``) and ``left``/``right`` pedicle.
    medial_deg, sagittal_deg
        Transverse (medial) and sagittal (caudal) angles, degrees.
    diameter_mm, length_mm
        Screw diameter and length, mm.
    entry_medial_mm, entry_cranial_mm
        Offset of the entry point from the pedicle axis at the pedicle's posterior end
        (positive = medial / cranial), mm.
    """

    level: str
    side: str
    medial_deg: float
    sagittal_deg: float
    diameter_mm: float
    length_mm: float
    entry_medial_mm: float = 0.0
    entry_cranial_mm: float = 0.0

    def __post_init__(self) -> None:
        """Check every field's type and range."""
        vertebra(self.level)
        if self.side not in SIDES:
            raise ValueError(f"side must be 'left' or 'right'; got {self.side!r}")
        limits = {"medial_deg": (-45, 75), "sagittal_deg": (-45, 45), "diameter_mm": (2, 12),
                  "length_mm": (10, 80), "entry_medial_mm": (-15, 15), "entry_cranial_mm": (-15, 15)}
        for name, (lo, hi) in limits.items():
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise TypeError(f"{name} must be a finite number; got {v!r}")
            if not lo <= v <= hi:
                raise ValueError(f"{name} must be from {lo} to {hi}; got {v}")


def screw_direction(medial_deg: float, sagittal_deg: float, side: str) -> np.ndarray:
    """Return the unit direction of a screw in the vertebra frame (anatomy model's angle convention)."""
    a, b, s = math.radians(medial_deg), math.radians(sagittal_deg), _SIGN[side]
    return np.array([-s * math.sin(a) * math.cos(b), math.cos(a) * math.cos(b), -math.sin(b)])


def entry_point(traj: Trajectory) -> np.ndarray:
    """Entry point of the screw (vertebra frame): the posterior end of the pedicle axis, offset."""
    ax = vertebra(traj.level).pedicles[traj.side]
    p = ax.isthmus_centre + ax.t_range[0] * ax.axis
    return p - traj.entry_medial_mm * ax.width_dir + traj.entry_cranial_mm * ax.height_dir


@dataclass(frozen=True)
class BreachResult:
    """What a trajectory does to the pedicle: clearance, breach, grades."""

    trajectory: Trajectory
    min_clearance_mm: float
    breach_depth_mm: float
    direction: str
    grade_original: str
    grade_modified: str
    entry: np.ndarray
    tip: np.ndarray
    pedicle_width_mm: float
    pedicle_height_mm: float

    @property
    def value(self) -> float:
        """The breach depth (mm), so value specs can call :func:`evaluate` directly."""
        return self.breach_depth_mm

    def summary(self) -> pd.DataFrame:
        """Return the result as a one-row table a student reads."""
        t = self.trajectory
        return pd.DataFrame([{
            "level": t.level, "side": t.side, "medial angle (°)": t.medial_deg,
            "sagittal angle (°)": t.sagittal_deg, "diameter (mm)": t.diameter_mm,
            "length (mm)": t.length_mm, "min clearance (mm)": round(self.min_clearance_mm, 2),
            "breach depth (mm)": round(self.breach_depth_mm, 2), "breach direction": self.direction,
            "grade (1990 original)": self.grade_original, "grade (modified A-E)": self.grade_modified,
        }])


def _ellipse_points(a: float, b: float) -> np.ndarray:
    t = np.linspace(0.0, 2 * np.pi, _N_ELLIPSE, endpoint=False)
    return np.column_stack([a * np.cos(t), b * np.sin(t)])


def _direction_label(u: float, v: float) -> str:
    if abs(u) >= abs(v):
        return "lateral" if u > 0 else "medial"
    return "superior" if v > 0 else "inferior"


def _anterior_excess(level: str, tip: np.ndarray) -> float:
    """How far (mm) the tip lies outside the body's axial outline on its anterior half, else 0."""
    dims = vertebra(level).dims
    poly = body_outline(dims.v("body_width"), dims.v("body_depth"))
    p = tip[:2]
    if p[1] <= dims.v("body_depth") / 2.0:
        return 0.0
    a, b = poly, np.roll(poly, -1, axis=0)
    edge = b - a
    tt = np.clip(np.einsum("ij,ij->i", p - a, edge) / np.einsum("ij,ij->i", edge, edge), 0, 1)
    dist = np.linalg.norm(a + tt[:, None] * edge - p, axis=1).min()
    cross = edge[:, 0] * (p[1] - a[:, 1]) - edge[:, 1] * (p[0] - a[:, 0])
    inside = bool(np.all(cross >= 0) or np.all(cross <= 0))
    return 0.0 if inside else float(dist)


def evaluate(level: str, side: str, medial_deg: float, sagittal_deg: float, diameter_mm: float,
             length_mm: float, entry_medial_mm: float = 0.0, entry_cranial_mm: float = 0.0
             ) -> BreachResult:
    """Compute clearance, breach depth and direction, and both grades of one trajectory.

    Examples
    --------
    >>> r = evaluate("L4", "left", *preset("L4")[:2], 6.0, 45.0)
    >>> r.grade_modified
    'A'
    """
    traj = Trajectory(level, side, medial_deg, sagittal_deg, diameter_mm, length_mm,
                      entry_medial_mm, entry_cranial_mm)
    ax = vertebra(level).pedicles[side]
    a, b = ax.width / 2.0, ax.height / 2.0
    r = diameter_mm / 2.0
    e = entry_point(traj)
    d = screw_direction(medial_deg, sagittal_deg, side)
    s = np.linspace(0.0, length_mm, _N_ALONG)
    pts = e + np.outer(s, d)
    rel = pts - ax.isthmus_centre
    t = rel @ ax.axis
    sel = (t >= ax.t_range[0] - 1e-9) & (t <= ax.t_range[1] + 1e-9)
    uv = np.column_stack([rel[sel] @ ax.width_dir, rel[sel] @ ax.height_dir])
    # medial is -u on both sides (width_dir points laterally)
    ell = _ellipse_points(a, b)
    diff = uv[:, None, :] - ell[None, :, :]
    dist2 = np.einsum("ijk,ijk->ij", diff, diff)
    k = dist2.argmin(axis=1)
    dist = np.sqrt(dist2[np.arange(len(uv)), k])
    inside = (uv[:, 0] / a) ** 2 + (uv[:, 1] / b) ** 2 <= 1.0
    # exact distance on the axes (the hand-checkable cases): closed form where v == 0 or u == 0
    signed = np.where(inside, dist, -dist)  # distance inside the cortex (negative outside)
    clearance = signed - r
    i = int(clearance.argmin())
    min_clear = float(clearance[i])
    depth = max(0.0, -min_clear)
    direction = "none"
    if depth > 0:
        near = ell[k[i]]
        direction = _direction_label(float(near[0]), float(near[1]))
    tip = pts[-1]
    ant = _anterior_excess(level, tip)
    if ant > depth:
        depth, direction = ant, "anterior"
    depth = round(depth, 6)
    return BreachResult(traj, round(min_clear, 6), depth, direction, grade(depth, ORIGINAL),
                        grade(depth, MODIFIED), e, tip, ax.width, ax.height)


# --------------------------------------------------------------------------- presets


def preset(level: str, side: str = "left") -> tuple[float, float, str, str]:
    """Return the published pedicle angles at ``level``: (medial, sagittal, basis, basis).

    The medial (transverse) angle is the anatomy model's: the per-level series of
    :data:`widgets.anatomy.morphometry.PEDICLE_ANGLE_SERIES` (never an interpolation where a
    per-level series exists). The basis says whether each angle is cited, derived or an assumption.
    """
    if side not in SIDES:
        raise ValueError(f"side must be 'left' or 'right'; got {side!r}")
    dims = vertebra(level).dims
    m, g = dims["pedicle_transverse_angle"], dims["pedicle_sagittal_angle"]
    return m.value, g.value, m.basis, g.basis


# --------------------------------------------------------------------------- screw diameter


@functools.cache
def deformation_rule() -> tuple[float, str]:
    """Return the ceiling fraction of the outer cortical width and its source (the 1989 Spine cadaver study).

    The cited finding: the pedicle deformed plastically once the thread diameter exceeded the
    endosteal diameter or 80% of the outer cortical diameter. It is a ceiling, not a target.
    """
    t = load_table("instruments")
    row = t[(t["item"] == "pedicle screw diameter limit")]
    if row.empty:
        raise ValueError("instruments: no 'pedicle screw diameter limit' row")
    text = str(row.iloc[0]["value_text"])
    pct = re.search(r"(\d+(?:\.\d+)?)\s*%\s*of outer cortical", text)
    if pct is None:
        raise ValueError("instruments: no percentage of the outer cortical diameter in the limit row")
    return float(pct.group(1)) / 100.0, str(row.iloc[0]["source_key"])


@functools.cache
def screw_sizes() -> tuple[tuple[float, ...], str]:
    """Return the commonly used lumbar screw diameters (mm) and the source of their range.

    The range's ends are cited (instruments table); the sizes between them are listed in the step
    of ``data/assumptions.yaml: pedicle_screw_diameter_step``.
    """
    t = load_table("instruments")
    row = t[(t["item"] == "lumbar pedicle screw")
            & (t["parameter"] == "outer diameter of the most commonly used screws")]
    if row.empty:
        raise ValueError("instruments: no commonly used lumbar screw diameter row")
    lo, hi = float(row.iloc[0]["value_low"]), float(row.iloc[0]["value_high"])
    step = assumption("pedicle_screw_diameter_step").value
    n = int(round((hi - lo) / step))
    return tuple(round(lo + k * step, 2) for k in range(n + 1)), str(row.iloc[0]["source_key"])


def _width(name: str, v) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise TypeError(f"{name} must be a finite number of mm; got {v!r}")
    if not 1.0 <= v <= 40.0:
        raise ValueError(f"{name} must be from 1 to 40 mm; got {v}")
    return float(v)


@dataclass(frozen=True)
class ScrewChoice:
    """The largest commonly used screw under a pedicle's deformation ceiling."""

    outer_mm: float | None
    endosteal_mm: float | None
    ceiling_mm: float
    sizes_mm: tuple[float, ...]
    diameter_mm: float | None
    reason: str

    @property
    def value(self) -> float:
        """The chosen diameter (mm), so value specs can call :func:`choose_diameter` directly."""
        if self.diameter_mm is None:
            raise ValueError(f"no commonly used screw fits: {self.reason}")
        return self.diameter_mm


def deformation_ceiling(*, outer_mm: float | None = None, endosteal_mm: float | None = None) -> float:
    """Return the largest thread diameter (mm) before the pedicle deforms (1989 Spine cadaver study).

    ``outer_mm`` is the outer cortical width at the isthmus (cortex to cortex): the ceiling is 80% of
    it. ``endosteal_mm`` is the width of the cancellous canal inside the cortex: the ceiling is the
    canal itself. With both, the smaller ceiling applies.

    Examples
    --------
    >>> round(deformation_ceiling(outer_mm=10.0), 2)
    8.0
    >>> deformation_ceiling(outer_mm=10.0, endosteal_mm=6.5)
    6.5
    """
    outer, inner = _width("outer_mm", outer_mm), _width("endosteal_mm", endosteal_mm)
    if outer is None and inner is None:
        raise ValueError("give outer_mm (outer cortical width) or endosteal_mm (inner canal width), or both")
    frac, _ = deformation_rule()
    ceilings = [c for c in (None if outer is None else frac * outer, inner) if c is not None]
    return round(min(ceilings), 6)


def choose_diameter(*, outer_mm: float | None = None, endosteal_mm: float | None = None) -> ScrewChoice:
    """Choose a screw as a surgeon does: the largest common size that stays under the ceiling.

    The ceiling (:func:`deformation_ceiling`) is a limit, not a target; the screw is the largest of
    the commonly used sizes (:func:`screw_sizes`) at or below it. If even the smallest common size
    is above the ceiling, no size is chosen and the reason says so.

    Examples
    --------
    >>> choose_diameter(outer_mm=14.7).diameter_mm
    7.0
    >>> choose_diameter(outer_mm=7.8).diameter_mm
    6.0
    """
    ceiling = deformation_ceiling(outer_mm=outer_mm, endosteal_mm=endosteal_mm)
    sizes, _ = screw_sizes()
    fits = [d for d in sizes if d <= ceiling + 1e-9]
    if not fits:
        return ScrewChoice(outer_mm, endosteal_mm, ceiling, sizes, None,
                           f"the ceiling {ceiling:.1f} mm is below the smallest common size"
                           f" {sizes[0]:g} mm: a smaller screw or another fixation is needed")
    d = max(fits)
    why = (f"largest common size at or below the ceiling {ceiling:.1f} mm" if d < sizes[-1]
           else f"the ceiling {ceiling:.1f} mm is above the largest common size, so that size")
    return ScrewChoice(outer_mm, endosteal_mm, ceiling, sizes, d, why)


def narrowest_width(level: str) -> tuple[float, str]:
    """Return the narrower pedicle's width (mm) at ``level`` in the model, and its side."""
    ped = vertebra(level).pedicles
    side = min(SIDES, key=lambda s: ped[s].width)
    return float(ped[side].width), side


def pedicle_width(level: str, side: str = "left") -> float:
    """Return the modelled pedicle isthmus width (mm) at ``level`` (the anatomy model's cited value)."""
    if side not in SIDES:
        raise ValueError(f"side must be 'left' or 'right'; got {side!r}")
    return float(vertebra(level).pedicles[side].width)


def breach_grade(level: str, side: str, medial_deg: float, sagittal_deg: float, diameter_mm: float,
                 length_mm: float, entry_medial_mm: float = 0.0, scale: str = MODIFIED) -> str:
    """Return the grade of a trajectory on one scale (for quiz value specs)."""
    r = evaluate(level, side, medial_deg, sagittal_deg, diameter_mm, length_mm, entry_medial_mm)
    return r.grade_modified if scale == MODIFIED else grade(r.breach_depth_mm, scale)
