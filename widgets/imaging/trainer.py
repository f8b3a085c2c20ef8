"""Percutaneous pedicle-screw trainer: place a Jamshidi needle and a guidewire from fluoroscopy shots.

The drill (documented model, built on :mod:`widgets.imaging.screws`)
-------------------------------------------------------------------
The student is given a level and a side. The **planned trajectory** is the screw planner's: entry
on the pedicle axis at the posterior end of the pedicle, with the level's published medial and
sagittal angles (:func:`widgets.imaging.screws.preset`). The student sets the needle's entry point
(medial/lateral and cranial/caudal offset from that planned entry, mm), its medial and sagittal
angles and how deep it is advanced, but sees the result **only through fluoroscopy shots** (AP,
lateral, or oblique along the planned pedicle axis, the "owl's eye"). Each shot costs simulated
fluoroscopy time (``data/assumptions.yaml: fluoroscopy_shot_time``, an assumption: no per-shot time
is cited in this suite's tables) and, as a calculation, a dose to the surgeon's hand (the cited
dominant-hand dose rate of the radiation table times that time).

Stages: ``needle`` (dock and advance the Jamshidi needle), ``guidewire`` (the wire runs down the
needle's line, deeper), ``reveal`` (the 3D view and the score). The needle's line is fixed once the
guidewire stage begins, as a wire passed through a needle cannot change its angle.

Score (per metric, as simulators report them)
---------------------------------------------
- **entry-point error (mm)**: the distance between the student's and the planned entry points
  in the plane of the pedicle's cross-section, ``sqrt(medial offset^2 + cranial offset^2)``;
- **medial and sagittal angle error (degrees)**: student's angle minus planned angle (signed;
  the table shows the absolute value and the direction);
- **Gertzbein-Robbins grade** of the screw that would follow the wire: a screw of the diameter the
  planner chooses for this pedicle (:func:`widgets.imaging.screws.choose_diameter`), as long as
  the wire is deep, graded by :func:`widgets.imaging.screws.evaluate`;
- **shots** and **simulated fluoroscopy time** (s).

Learning curve
--------------
Across attempts, the suite's CUSUM (:func:`widgets.evidence.learning_curve.cusum`) of a failure
indicator (1 when the screw breaches by 2 mm or more: modified grade C, D or E) against the
acceptable failure rate ``1 - accuracy`` of a cited pooled accuracy of fluoroscopy-assisted screws.
The chart rises with each failure and falls slowly with each success: a chart that keeps falling
means the student is doing better than that benchmark. A second CUSUM, of fluoroscopy time per
attempt around its own mean, peaks where the student becomes faster than their average (the
suite's operative-time reading of a learning curve).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from widgets.core.assumptions import assumption
from widgets.core.data import load_table, one_row
from widgets.evidence.learning_curve import cusum
from widgets.imaging.radiation import MREM_TO_MSV
from widgets.imaging.screws import (
    SIDES,
    BreachResult,
    Trajectory,
    choose_diameter,
    entry_point,
    evaluate,
    preset,
    screw_direction,
    vertebra,
)

__all__ = [
    "FAILING_GRADES",
    "LIMITS",
    "STAGES",
    "VIEWS",
    "Attempt",
    "Placement",
    "Score",
    "Shot",
    "accuracy_benchmark",
    "benchmark_rows",
    "hand_dose_rate",
    "instrument_points",
    "entry_offsets",
    "entry_position",
    "learning_curve",
    "start_placement",
    "planned",
    "score_placement",
    "shot_seconds",
    "view_angles",
]

#: The fluoroscopy views a shot can take.
VIEWS = ("AP", "lateral", "oblique")
#: The stages of an attempt, in order.
STAGES = ("needle", "guidewire", "reveal")
#: Modified Gertzbein-Robbins grades counted as a failure on the learning curve (breach >= 2 mm).
FAILING_GRADES = ("C", "D", "E")
#: What the controls may set: (lowest, highest) per field.
LIMITS = {
    "entry_medial_mm": (-10.0, 10.0),
    "entry_cranial_mm": (-10.0, 10.0),
    "medial_deg": (-10.0, 45.0),
    "sagittal_deg": (-25.0, 25.0),
    "depth_mm": (0.0, 70.0),
}
#: How deep (mm along the line) the Jamshidi needle may go; the wire goes on beyond it.
NEEDLE_MAX_MM = 30.0


def _number(name: str, v) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise TypeError(f"{name} must be a finite number; got {v!r}")
    lo, hi = LIMITS[name]
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be from {lo:g} to {hi:g}; got {v}")
    return float(v)


@dataclass(frozen=True)
class Placement:
    """Where the instrument is: level, side, entry offsets (mm), angles (degrees), depth (mm)."""

    level: str
    side: str
    entry_medial_mm: float = 0.0
    entry_cranial_mm: float = 0.0
    medial_deg: float = 0.0
    sagittal_deg: float = 0.0
    depth_mm: float = 0.0

    def __post_init__(self) -> None:
        """Check the level, the side and every number against :data:`LIMITS`."""
        vertebra(self.level)
        if self.side not in SIDES:
            raise ValueError(f"side must be 'left' or 'right'; got {self.side!r}")
        for name in LIMITS:
            _number(name, getattr(self, name))


def planned(level: str, side: str) -> Placement:
    """Return the planned trajectory at ``level``/``side``: no entry offset, the published angles.

    Its ``depth_mm`` is the screw length of the suite's planner (40 mm), the depth the wire aims for.
    """
    m, s, _, _ = preset(level, side)
    return Placement(level, side, 0.0, 0.0, round(float(m), 6), round(float(s), 6), 40.0)


def instrument_points(p: Placement) -> tuple[np.ndarray, np.ndarray]:
    """Return the entry point and the tip (vertebra frame, mm) of an instrument at ``p``."""
    traj = Trajectory(
        p.level, p.side, p.medial_deg, p.sagittal_deg, 5.0, 40.0, p.entry_medial_mm, p.entry_cranial_mm
    )  # only its entry point is used
    e = entry_point(traj)
    return e, e + p.depth_mm * screw_direction(p.medial_deg, p.sagittal_deg, p.side)


def _entry_axes(level: str, side: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ax = vertebra(level).pedicles[side]
    e0 = ax.isthmus_centre + ax.t_range[0] * ax.axis
    return e0, ax.width_dir, ax.height_dir


def entry_position(
    level: str, side: str, entry_medial_mm: float, entry_cranial_mm: float
) -> tuple[float, float]:
    """Return where an entry point lies on the back of the vertebra: (mm lateral of the midline, mm cranial).

    The student's controls use these absolute positions (the plan is not at zero); ``z`` is measured
    from the vertebra frame's origin (the middle of the body's back wall).
    """
    e0, w, h = _entry_axes(level, side)
    p = e0 - entry_medial_mm * w + entry_cranial_mm * h
    return round(float(p[0] * (1.0 if side == "left" else -1.0)), 6), round(float(p[2]), 6)


def entry_offsets(level: str, side: str, lateral_mm: float, cranial_mm: float) -> tuple[float, float]:
    """Inverse of :func:`entry_position`: the (medial, cranial) offsets from the planned entry."""
    e0, w, h = _entry_axes(level, side)
    x = lateral_mm * (1.0 if side == "left" else -1.0)
    a = np.array([[-w[0], h[0]], [-w[2], h[2]]])
    m, c = np.linalg.solve(a, np.array([x - e0[0], cranial_mm - e0[2]]))
    return round(float(m), 6), round(float(c), 6)


def start_placement(level: str, side: str, seed: int = 0) -> Placement:
    """Return a seeded start: the needle docked 3-6 mm off the planned entry, pointing straight in."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0; got {seed!r}")
    rng = np.random.default_rng(seed)
    r, t = rng.uniform(3.0, 6.0), rng.uniform(0.0, 2 * np.pi)
    return Placement(
        level, side, round(float(r * np.cos(t)), 1), round(float(r * np.sin(t)), 1), 0.0, 0.0, 0.0
    )


def view_angles(view: str, level: str, side: str) -> tuple[float, float]:
    """Return the C-arm (orbital, tilt) angles in degrees of ``view`` (see :mod:`widgets.imaging.carm`).

    AP is (0, 0) and lateral (90, 0); the oblique view looks down the planned pedicle axis
    (the owl's eye): orbital = the medial angle towards that side, tilt = the sagittal angle.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}; got {view!r}")
    if view == "AP":
        return 0.0, 0.0
    if view == "lateral":
        return 90.0, 0.0
    plan = planned(level, side)
    sign = 1.0 if side == "left" else -1.0
    return sign * plan.medial_deg, plan.sagittal_deg


def shot_seconds() -> float:
    """Return the simulated fluoroscopy time of one shot (s): the assumption ``fluoroscopy_shot_time``."""
    return float(assumption("fluoroscopy_shot_time").value)


def hand_dose_rate() -> tuple[float, str]:
    """Return the cited surgeon's dominant-hand dose rate (mSv per minute) and its source key.

    Read in mrem/min from the radiation table (cadaver study, lateral imaging) and converted with
    1 mrem = 0.01 mSv (a unit conversion).
    """
    row = one_row("radiation", {"source_key": "Rampersaud2000Spine", "measure": "dominant-hand dose rate"})
    return float(row["value"]) * MREM_TO_MSV, str(row["source_key"])


@dataclass(frozen=True)
class Shot:
    """One fluoroscopy shot: the view, its C-arm angles, what was in the patient, its cost."""

    number: int
    view: str
    orbital_deg: float
    tilt_deg: float
    stage: str
    placement: Placement
    seconds: float


@dataclass(frozen=True)
class Score:
    """The per-metric score of one attempt (see the module docstring)."""

    level: str
    side: str
    entry_error_mm: float
    medial_error_deg: float
    sagittal_error_deg: float
    grade_modified: str
    grade_original: str
    breach_mm: float
    breach_direction: str
    screw_diameter_mm: float
    shots: int
    fluoro_seconds: float
    hand_dose_msv: float

    @property
    def failed(self) -> bool:
        """Whether the screw breaches by 2 mm or more (modified grade C, D or E)."""
        return self.grade_modified in FAILING_GRADES

    def rows(self) -> list[dict[str, object]]:
        """Return the score as rows a student reads: metric, value, unit, how it is measured."""

        def way(err: float, plus: str, minus: str) -> str:
            return "on plan" if abs(err) < 0.5 else (plus if err > 0 else minus)

        return [
            {
                "metric": "entry-point error",
                "value": round(self.entry_error_mm, 1),
                "unit": "mm",
                "meaning": "distance from the planned entry point, in the pedicle's cross-section",
            },
            {
                "metric": "medial angle error",
                "value": round(abs(self.medial_error_deg), 1),
                "unit": "°",
                "meaning": way(
                    self.medial_error_deg, "more medial than planned", "more lateral than planned"
                ),
            },
            {
                "metric": "sagittal angle error",
                "value": round(abs(self.sagittal_error_deg), 1),
                "unit": "°",
                "meaning": way(
                    self.sagittal_error_deg, "more caudal than planned", "more cranial than planned"
                ),
            },
            {
                "metric": "Gertzbein-Robbins grade (modified A-E)",
                "value": self.grade_modified,
                "unit": "",
                "meaning": (
                    f"breach {round(self.breach_mm, 1)} mm {self.breach_direction}"
                    if self.breach_mm > 0
                    else "screw within the pedicle"
                ),
            },
            {"metric": "shots", "value": self.shots, "unit": "", "meaning": "fluoroscopy shots taken"},
            {
                "metric": "simulated fluoroscopy time",
                "value": round(self.fluoro_seconds, 1),
                "unit": "s",
                "meaning": "shots x the assumed time per shot",
            },
            {
                "metric": "surgeon's hand dose",
                "value": round(self.hand_dose_msv, 4),
                "unit": "mSv",
                "meaning": "calculation: cited hand dose rate x simulated time",
            },
        ]

    def record(self) -> dict[str, object]:
        """Return the score as a plain dict (what the progress store saves)."""
        return asdict(self)


def score_placement(p: Placement, *, shots: int = 0, fluoro_seconds: float = 0.0) -> Score:
    """Score a final placement (the wire's line and depth) against the planned trajectory.

    Examples
    --------
    >>> plan = planned("L4", "left")
    >>> s = score_placement(replace(plan, entry_medial_mm=3.0, entry_cranial_mm=4.0))
    >>> s.entry_error_mm
    5.0
    """
    if isinstance(shots, bool) or not isinstance(shots, int) or shots < 0:
        raise ValueError(f"shots must be a whole number >= 0; got {shots!r}")
    plan = planned(p.level, p.side)
    width = float(vertebra(p.level).pedicles[p.side].width)
    choice = choose_diameter(outer_mm=width)
    diameter = choice.diameter_mm if choice.diameter_mm is not None else min(choice.sizes_mm)
    length = min(max(p.depth_mm, 10.0), 80.0)
    result: BreachResult = evaluate(
        p.level, p.side, p.medial_deg, p.sagittal_deg, diameter, length, p.entry_medial_mm, p.entry_cranial_mm
    )
    rate, _ = hand_dose_rate()
    return Score(
        level=p.level,
        side=p.side,
        entry_error_mm=round(
            math.hypot(p.entry_medial_mm - plan.entry_medial_mm, p.entry_cranial_mm - plan.entry_cranial_mm),
            6,
        ),
        medial_error_deg=round(p.medial_deg - plan.medial_deg, 6),
        sagittal_error_deg=round(p.sagittal_deg - plan.sagittal_deg, 6),
        grade_modified=result.grade_modified,
        grade_original=result.grade_original,
        breach_mm=float(result.breach_depth_mm),
        breach_direction=result.direction,
        screw_diameter_mm=float(diameter),
        shots=shots,
        fluoro_seconds=round(float(fluoro_seconds), 6),
        hand_dose_msv=round(rate * fluoro_seconds / 60.0, 6),
    )


@dataclass
class Attempt:
    """One attempt of the trainer: move the instrument, take shots, advance stages, reveal.

    Parameters
    ----------
    level, side
        The pedicle to cannulate.
    """

    level: str
    side: str
    placement: Placement = field(init=False)
    stage: str = field(init=False, default="needle")
    shots: list[Shot] = field(init=False, default_factory=list)
    score: Score | None = field(init=False, default=None)
    seed: int = 0
    _needle_depth: float = field(init=False, default=0.0, repr=False)

    def __post_init__(self) -> None:
        """Start with the needle docked near the planned entry (seeded), pointing straight in."""
        self.placement = start_placement(self.level, self.side, self.seed)

    @property
    def needle_depth_mm(self) -> float | None:
        """How deep the needle stayed when the wire was passed (``None`` in the needle stage)."""
        return None if self.stage == "needle" else self._needle_depth

    @property
    def fluoro_seconds(self) -> float:
        """Simulated fluoroscopy time so far (s)."""
        return float(sum(s.seconds for s in self.shots))

    def move(self, **changes: float) -> Placement:
        """Change entry offsets, angles or depth (keyword names of :class:`Placement`).

        In the guidewire stage only ``depth_mm`` may change (the wire follows the needle's line);
        the needle itself goes no deeper than :data:`NEEDLE_MAX_MM`.
        """
        if self.stage == "reveal":
            raise ValueError("this attempt is finished; start a new attempt")
        unknown = set(changes) - set(LIMITS)
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {', '.join(LIMITS)}")
        if self.stage == "guidewire":
            fixed = set(changes) - {"depth_mm"}
            if any(getattr(self.placement, k) != changes[k] for k in fixed):
                raise ValueError("the guidewire follows the needle: only its depth can change now")
        new = replace(
            self.placement, **{k: float(v) if not isinstance(v, bool) else v for k, v in changes.items()}
        )
        if self.stage == "needle" and new.depth_mm > NEEDLE_MAX_MM:
            raise ValueError(
                f"the Jamshidi needle goes at most {NEEDLE_MAX_MM:g} mm; pass the guidewire to go deeper"
            )
        if self.stage == "guidewire" and new.depth_mm < self._needle_depth:
            raise ValueError(f"the guidewire starts at the needle's tip ({self._needle_depth:g} mm)")
        self.placement = new
        return new

    def shoot(self, view: str) -> Shot:
        """Take one shot in ``view``; it costs :func:`shot_seconds` of fluoroscopy."""
        if self.stage == "reveal":
            raise ValueError("this attempt is finished; no more shots")
        orbital, tilt = view_angles(view, self.level, self.side)
        shot = Shot(len(self.shots) + 1, view, orbital, tilt, self.stage, self.placement, shot_seconds())
        self.shots.append(shot)
        return shot

    def pass_guidewire(self) -> None:
        """Fix the needle's line and start the guidewire stage (the wire starts at the needle's tip)."""
        if self.stage != "needle":
            raise ValueError(f"the guidewire is passed after the needle; the attempt is at {self.stage!r}")
        if self.placement.depth_mm < 5.0:
            raise ValueError("advance the needle into the pedicle (at least 5 mm) before passing the wire")
        self._needle_depth = self.placement.depth_mm
        self.stage = "guidewire"

    def reveal(self) -> Score:
        """End the attempt and score it (the 3D reveal)."""
        if self.stage != "guidewire":
            raise ValueError("pass the guidewire before the reveal")
        self.stage = "reveal"
        self.score = score_placement(
            self.placement, shots=len(self.shots), fluoro_seconds=self.fluoro_seconds
        )
        return self.score


# --------------------------------------------------------------------------- learning curve


def accuracy_benchmark() -> tuple[float, str]:
    """Return the cited pooled accuracy (%) of fluoroscopy-assisted screws and its source key."""
    row = one_row(
        "screw_accuracy",
        {"source_key": "PerdomoPantoja2019WorldNeurosurg", "technique": "fluoroscopy-assisted"},
    )
    return float(row["accuracy_pct"]), str(row["source_key"])


@dataclass(frozen=True)
class LearningCurve:
    """A student's attempts read as a learning curve (see the module docstring)."""

    attempts: int
    failures: tuple[int, ...]
    failure_cusum: tuple[float, ...]
    acceptable_failure: float
    fluoro_seconds: tuple[float, ...]
    time_cusum: tuple[float, ...]
    time_change_point: int | None
    source_key: str


def learning_curve(scores) -> LearningCurve:
    """Read a sequence of scores (records or :class:`Score`) as CUSUM learning curves.

    With fewer than two attempts the CUSUMs are the attempts' own values (nothing to compare yet).
    """
    rows = [s.record() if isinstance(s, Score) else dict(s) for s in scores]
    acc, key = accuracy_benchmark()
    target = round(1.0 - acc / 100.0, 6)
    fail = tuple(int(r["grade_modified"] in FAILING_GRADES) for r in rows)
    secs = tuple(float(r["fluoro_seconds"]) for r in rows)
    if len(rows) < 2:
        return LearningCurve(
            len(rows),
            fail,
            tuple(float(f) - target for f in fail),
            target,
            secs,
            tuple(0.0 for _ in secs),
            None,
            key,
        )
    f_cusum = cusum(fail, target)
    t_cusum = cusum(secs)
    peak = int(np.argmax(t_cusum)) + 1 if np.ptp(secs) > 0 else None
    return LearningCurve(
        len(rows),
        fail,
        tuple(round(float(v), 6) for v in f_cusum),
        target,
        secs,
        tuple(round(float(v), 6) for v in t_cusum),
        peak,
        key,
    )


def benchmark_rows() -> list[dict[str, object]]:
    """Return the cited clinical figures a student's curve is set against (they differ; all shown).

    Accuracy of fluoroscopy-guided screws (pooled, and the range across studies), and learning-curve
    figures for fluoroscopy time. These are per screw or per **case** (several screws, whole
    operations), so they set the scale, not a target for one simulated screw.
    """
    acc = load_table("screw_accuracy")
    lc = load_table("learning_curve")
    rad = load_table("radiation")
    out = []
    pp = acc[
        (acc["source_key"] == "PerdomoPantoja2019WorldNeurosurg")
        & (acc["technique"] == "fluoroscopy-assisted")
    ]
    for _, r in pp.iterrows():
        out.append(
            {
                "figure": "pooled accuracy, fluoroscopy-assisted screws",
                "value": r["value_text"],
                "per": "screw",
                "source": r["source_label"],
            }
        )
    ge = acc[(acc["source_key"] == "Gelalis2012EurSpineJ") & (acc["technique"] == "fluoroscopy guidance")]
    for _, r in ge.iterrows():
        out.append(
            {
                "figure": "screws fully inside the pedicle, range across studies, fluoroscopy guidance",
                "value": r["value_text"],
                "per": "screw",
                "source": r["source_label"],
            }
        )
    ku = lc[(lc["source_key"] == "Kumar2019IntJSpineSurg") & (lc["metric"] == "fluoroscopy time mastery")]
    for _, r in ku.iterrows():
        out.append(
            {
                "figure": "cases until fluoroscopy time levelled off (one surgeon, MI-TLIF)",
                "value": f"{int(r['cases_to_plateau'])} cases; {r['early_value_text']} then"
                f" {r['late_value_text']} {r['unit']}",
                "per": "case",
                "source": r["source_label"],
            }
        )
    th = lc[(lc["source_key"] == "Thieme152case") & (lc["metric"] == "radiation exposure time by quarter")]
    for _, r in th.iterrows():
        out.append(
            {
                "figure": "radiation time per case, first vs last quarter of 152 cases",
                "value": f"{r['early_value']:g} then {r['late_value']:g} {r['unit']}",
                "per": "case",
                "source": r["source_label"],
            }
        )
    bi = rad[
        (rad["source_key"] == "Bindal2008JNeurosurgSpine")
        & (rad["measure"].str.startswith("fluoroscopy time"))
    ]
    for _, r in bi.iterrows():
        out.append(
            {
                "figure": "fluoroscopy time per MIS-TLIF case (mean)",
                "value": f"{r['value']:g} {r['unit']}",
                "per": "case",
                "source": r["source_label"],
            }
        )
    return out
