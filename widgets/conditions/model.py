"""Models for lesson 02: grading a slip, measuring a curve, and finding the root behind a deficit.

Three small, pure models, each built on cited tables in ``data/``:

* **Meyerding grade** of a spondylolisthesis from a measured slip
  (:func:`grade_slip`): the slip is the forward displacement of the upper
  vertebra's posterior wall over the upper endplate of the vertebra below,
  as a percentage of that endplate's antero-posterior width. The grade
  ranges come from ``meyerding_grades``.
* **Cobb angle** of a generated coronal curve (:func:`generate_curve`,
  :func:`cobb_angle`): the angle between the endplates of the most tilted
  vertebrae at the two ends of the curve. The threshold that defines
  scoliosis comes from ``scoliosis_definitions``.
* **Root localisation** (:func:`explain_pattern`, :func:`herniation_root`):
  which root (C5-C8, L2-S1) explains a pattern of weakness, numbness and
  reflex change, from ``nerve_root_signs`` and ``tendon_reflexes``; and
  which root a herniation at a disc compresses, from ``herniation_zones``
  (a paramedian lumbar herniation compresses the traversing root, a
  far-lateral one the exiting root).

Examples
--------
>>> grade_slip(10.0, 40.0).grade.grade  # 25 %: the boundary belongs to grade II
'II'
>>> [m.root for m in explain_pattern(weakness="ankle dorsiflexion")][:1]
['L4']
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from widgets.core.data import DataError, data_dir, load_table
from widgets.core.levels import DISCS

__all__ = [
    "CERVICAL_DISCS",
    "CobbResult",
    "CURVE_VERTEBRAE",
    "Curve",
    "HerniationRoot",
    "LUMBAR_DISCS",
    "MeyerdingGrade",
    "MeyerdingResult",
    "ROOTS",
    "RootMatch",
    "RootSigns",
    "ZONES",
    "best_roots",
    "cobb_angle",
    "cobb_between",
    "cobb_result",
    "discs_for_root",
    "endplate_width",
    "explain_pattern",
    "finding_choices",
    "generate_curve",
    "grade_slip",
    "herniation_root",
    "is_scoliosis",
    "lesson_references",
    "meyerding_grade",
    "meyerding_grades",
    "root_signs",
    "scoliosis_threshold",
    "slip_percent",
]


def _number(name: str, value: object) -> float:
    """Return ``value`` as a finite float, or raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


# =============================================================================== Meyerding


@dataclass(frozen=True)
class MeyerdingGrade:
    """One Meyerding grade as printed in its source (a row of ``meyerding_grades``)."""

    grade: str
    lower_pct: float
    upper_pct: float | None
    range_as_printed: str
    slip_group: str
    description: str
    source_key: str
    confidence: str


@functools.cache
def _grades(directory: str) -> tuple[MeyerdingGrade, ...]:
    table = load_table("meyerding_grades").sort_values("lower_pct")
    out = []
    for r in table.itertuples():
        upper = None if r.upper_pct is None or math.isnan(r.upper_pct) else float(r.upper_pct)
        out.append(MeyerdingGrade(str(r.grade), float(r.lower_pct), upper, str(r.range_as_printed),
                                  str(r.slip_group), str(r.description), str(r.source_key),
                                  str(r.confidence)))
    if not out or out[-1].upper_pct is not None:
        raise DataError("data/tables/meyerding_grades.csv: the last grade must have no upper end")
    return tuple(out)


def meyerding_grades() -> tuple[MeyerdingGrade, ...]:
    """Return the Meyerding grades, lowest first, from the ``meyerding_grades`` table."""
    return _grades(str(data_dir()))


def slip_percent(slip_mm: float, endplate_mm: float) -> float:
    """Return the slip as a percentage of the lower vertebra's endplate width.

    Parameters
    ----------
    slip_mm
        Forward displacement of the upper vertebra's posterior wall over the
        upper endplate of the vertebra below, in mm (0 or more).
    endplate_mm
        Antero-posterior width of that upper endplate, in mm (more than 0).

    Raises
    ------
    TypeError
        If either value is not a number.
    ValueError
        If the slip is negative (a backward slip, retrolisthesis, is not
        graded by this model) or the width is not positive.
    """
    slip = _number("slip_mm", slip_mm)
    width = _number("endplate_mm", endplate_mm)
    if slip < 0:
        raise ValueError(f"slip_mm must be 0 or more (a forward slip), got {slip:g}")
    if width <= 0:
        raise ValueError(f"endplate_mm must be more than 0, got {width:g}")
    return 100.0 * slip / width


def meyerding_grade(percent: float) -> MeyerdingGrade | None:
    """Return the Meyerding grade of a slip given as a percentage, or ``None`` for no slip.

    Boundary convention (the model's; the printed ranges share their end
    points): each grade includes its lower end and excludes its upper end,
    so 25 % is grade II, 50 % grade III and 75 % grade IV. The one exception
    is 100 %: grade V is defined as a slip *greater than* 100 %, so exactly
    100 % stays in grade IV. A slip of exactly 0 % is no slip (``None``).
    """
    pct = _number("percent", percent)
    if pct < 0:
        raise ValueError(f"percent must be 0 or more, got {pct:g}")
    if pct == 0:
        return None
    grades = meyerding_grades()
    for i, g in enumerate(grades):
        if g.upper_pct is None:
            if pct > g.lower_pct:
                return g
            continue
        nxt = grades[i + 1] if i + 1 < len(grades) else None
        closes = nxt is not None and nxt.upper_pct is None and nxt.lower_pct == g.upper_pct
        if g.lower_pct <= pct < g.upper_pct or (closes and pct == g.upper_pct):
            return g
    raise DataError(f"no Meyerding grade covers a slip of {pct:g} %")  # pragma: no cover


@dataclass(frozen=True)
class MeyerdingResult:
    """A measured slip, its percentage and its grade."""

    slip_mm: float
    endplate_mm: float
    percent: float
    grade: MeyerdingGrade | None

    @property
    def label(self) -> str:
        """The grade in words ("grade II", or "no slip")."""
        return "no slip" if self.grade is None else f"grade {self.grade.grade}"

    def as_rows(self, endplate_basis: str) -> list[dict[str, str]]:
        """Return what a student reads: measurements, percentage and grade, each with its basis."""
        g = self.grade
        source = "-" if g is None else f"{g.source_key} ({g.confidence})"
        return [
            {"quantity": "slip (measured)", "value": f"{self.slip_mm:.1f} mm", "basis": "your measurement"},
            {"quantity": "upper endplate width of the vertebra below", "value": f"{self.endplate_mm:.1f} mm",
             "basis": endplate_basis},
            {"quantity": "slip percentage", "value": f"{self.percent:.1f} %",
             "basis": "derived: slip / endplate width x 100"},
            {"quantity": "Meyerding grade", "value": self.label,
             "basis": "no grade" if g is None else f"range {g.range_as_printed}; {g.slip_group}"},
            {"quantity": "source of the grade ranges", "value": source, "basis": "cited"},
        ]


def grade_slip(slip_mm: float, endplate_mm: float) -> MeyerdingResult:
    """Grade a measured slip: percentage of the endplate width, then the Meyerding grade."""
    pct = slip_percent(slip_mm, endplate_mm)
    return MeyerdingResult(float(slip_mm), float(endplate_mm), pct, meyerding_grade(pct))


@dataclass(frozen=True)
class CitedWidth:
    """A cited endplate width: mean, SD and where it comes from."""

    value: float
    sd: float
    unit: str
    level: str
    source_key: str
    confidence: str


@functools.cache
def _endplate(directory: str, level: str) -> CitedWidth:
    table = load_table("lumbar_morphometry")
    rows = table[(table["level"] == level) & (table["measure"] == "vertebral_body_superior_length_AP")
                 & (table["subgroup"] == "all")]
    if len(rows) != 1:
        raise DataError(f"data/tables/lumbar_morphometry.csv: expected one {level} superior"
                        f" endplate length (subgroup all), found {len(rows)}")
    r = rows.iloc[0]
    return CitedWidth(float(r["value"]), float(r["sd"]), str(r["unit"]), level, str(r["source_key"]),
                      str(r["confidence"]))


def endplate_width(level: str = "L5") -> CitedWidth:
    """Return the cited antero-posterior length of the upper endplate of ``level``.

    Only L5 has this measure in the tables (Cook & Baker 2021); it is the
    vertebra below an L4-L5 slip.
    """
    if not isinstance(level, str):
        raise TypeError(f"level must be a string such as 'L5', got {type(level).__name__}")
    return _endplate(str(data_dir()), level)


# =============================================================================== Cobb angle

#: The vertebrae of the generated thoracolumbar column, top to bottom.
CURVE_VERTEBRAE: tuple[str, ...] = tuple(f"T{i}" for i in range(1, 13)) + tuple(f"L{i}" for i in range(1, 6))


@dataclass(frozen=True)
class Curve:
    """A generated coronal curve: each vertebra's centre and endplate tilt.

    Units are vertebral heights (one vertebra plus its disc), so the shape
    is schematic. Endplates are taken perpendicular to the curve's centre
    line: real vertebrae are also wedged and rotated, which the model leaves
    out.
    """

    vertebrae: tuple[str, ...]
    x: tuple[float, ...]
    y: tuple[float, ...]
    tilt_deg: tuple[float, ...]
    apex: str
    half_width: float
    shift: float
    side: str

    def index(self, vertebra: str) -> int:
        """Return the position of ``vertebra`` in the column."""
        if vertebra not in self.vertebrae:
            raise ValueError(f"unknown vertebra {vertebra!r}; use one of {', '.join(self.vertebrae)}")
        return self.vertebrae.index(vertebra)


def generate_curve(apex: str = "T9", half_width: float = 3.0, shift: float = 1.5,
                   side: str = "right") -> Curve:
    """Generate a single coronal curve centred on ``apex``.

    The centre line is a bell-shaped lateral shift
    ``x(y) = s * shift * exp(-(y - y_apex)**2 / (2 * half_width**2))``, with
    ``y`` counted in vertebral heights down the column and ``s = +1`` for a
    curve convex to the right, ``-1`` to the left. Each vertebra's endplate
    tilt is ``atan(dx/dy)`` at its centre, in degrees. The steepest tilts
    (the end vertebrae) lie ``half_width`` vertebrae above and below the apex.

    Raises
    ------
    ValueError
        For an unknown apex or side, a half width outside 1 to 8 vertebrae or a
        shift outside 0 to 6 vertebral heights.
    """
    if apex not in CURVE_VERTEBRAE:
        raise ValueError(f"unknown apex vertebra {apex!r}; use one of {', '.join(CURVE_VERTEBRAE)}")
    if side not in ("right", "left"):
        raise ValueError(f"side must be 'right' or 'left', got {side!r}")
    w = _number("half_width", half_width)
    d = _number("shift", shift)
    if not 1.0 <= w <= 8.0:
        raise ValueError(f"half_width must be from 1 to 8 vertebrae, got {w:g}")
    if not 0.0 <= d <= 6.0:
        raise ValueError(f"shift must be from 0 to 6 vertebral heights, got {d:g}")
    sign = 1.0 if side == "right" else -1.0
    y0 = float(CURVE_VERTEBRAE.index(apex))
    xs, ys, tilts = [], [], []
    for i in range(len(CURVE_VERTEBRAE)):
        y = float(i)
        g = math.exp(-((y - y0) ** 2) / (2.0 * w * w))
        xs.append(sign * d * g)
        ys.append(y)
        slope = sign * d * g * (-(y - y0) / (w * w))
        tilts.append(math.degrees(math.atan(slope)))
    return Curve(CURVE_VERTEBRAE, tuple(xs), tuple(ys), tuple(tilts), apex, w, d, side)


def cobb_between(tilts_deg: Sequence[float], upper: int, lower: int) -> float:
    """Return the Cobb angle measured between two chosen vertebrae: the difference of their tilts."""
    n = len(tilts_deg)
    for name, i in (("upper", upper), ("lower", lower)):
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n:
            raise ValueError(f"{name} must be a vertebra index from 0 to {n - 1}, got {i!r}")
    if upper >= lower:
        raise ValueError(f"the upper vertebra (index {upper}) must lie above the lower one (index {lower})")
    return abs(float(tilts_deg[upper]) - float(tilts_deg[lower]))


def cobb_angle(tilts_deg: Sequence[float]) -> tuple[float, int, int]:
    """Return (Cobb angle, upper end index, lower end index) of a single curve.

    The end vertebrae are the most tilted ones on each side of the apex: for
    one curve, the vertebra with the largest tilt and the one with the
    smallest (most negative). The Cobb angle is the difference of their
    tilts. With no tilt anywhere the angle is 0 and both ends are the first
    vertebra.
    """
    tilts = [_number("tilt", t) for t in tilts_deg]
    if len(tilts) < 2:
        raise ValueError("a curve needs at least two vertebrae")
    i_max = max(range(len(tilts)), key=lambda i: (tilts[i], -i))
    i_min = min(range(len(tilts)), key=lambda i: (tilts[i], i))
    angle = tilts[i_max] - tilts[i_min]
    if angle == 0:
        return 0.0, 0, 0
    return angle, min(i_max, i_min), max(i_max, i_min)


@dataclass(frozen=True)
class CobbResult:
    """The Cobb angle of a generated curve and whether it meets the scoliosis definition."""

    angle_deg: float
    upper_end: str
    lower_end: str
    upper_tilt_deg: float
    lower_tilt_deg: float
    threshold_deg: float
    comparison: str
    is_scoliosis: bool
    source_key: str
    confidence: str


@functools.cache
def _threshold(directory: str) -> tuple[float, str, str, str]:
    table = load_table("scoliosis_definitions")
    rows = table[table["term"] == "scoliosis"]
    if len(rows) != 1:
        raise DataError("data/tables/scoliosis_definitions.csv: expected one 'scoliosis' row")
    r = rows.iloc[0]
    return float(r["threshold"]), str(r["comparison"]), str(r["source_key"]), str(r["confidence"])


def scoliosis_threshold() -> tuple[float, str, str, str]:
    """Return (threshold in degrees, comparison, source key, confidence) of the scoliosis definition."""
    return _threshold(str(data_dir()))


def _meets(angle: float, threshold: float, comparison: str) -> bool:
    return angle > threshold if comparison == ">" else angle >= threshold


def is_scoliosis(angle_deg: float) -> bool:
    """Return whether a Cobb angle meets the cited definition of scoliosis (threshold and comparison)."""
    angle = _number("angle_deg", angle_deg)
    if angle < 0:
        raise ValueError(f"angle_deg must be 0 or more, got {angle:g}")
    threshold, comparison, _, _ = scoliosis_threshold()
    return _meets(angle, threshold, comparison)


def cobb_result(apex: str = "T9", half_width: float = 3.0, shift: float = 1.5,
                side: str = "right") -> CobbResult:
    """Generate a curve and return its Cobb angle, end vertebrae and scoliosis classification."""
    curve = generate_curve(apex, half_width, shift, side)
    angle, up, low = cobb_angle(curve.tilt_deg)
    threshold, comparison, key, conf = scoliosis_threshold()
    return CobbResult(angle, curve.vertebrae[up], curve.vertebrae[low], curve.tilt_deg[up],
                      curve.tilt_deg[low], threshold, comparison, _meets(angle, threshold, comparison),
                      key, conf)


# =============================================================================== nerve roots

#: The roots of the localisation table, top to bottom.
ROOTS: tuple[str, ...] = ("C5", "C6", "C7", "C8", "L2", "L3", "L4", "L5", "S1")
_SEGMENTS: tuple[str, ...] = (tuple(f"C{i}" for i in range(1, 9)) + tuple(f"T{i}" for i in range(1, 13))
                              + tuple(f"L{i}" for i in range(1, 6)) + tuple(f"S{i}" for i in range(1, 6)))
#: Disc levels the herniation model knows.
LUMBAR_DISCS: tuple[str, ...] = DISCS
CERVICAL_DISCS: tuple[str, ...] = ("C4-C5", "C5-C6", "C6-C7", "C7-T1")
#: Herniation zones: a paramedian (posterolateral) or a far-lateral (foraminal) fragment.
ZONES: tuple[str, ...] = ("paramedian", "far-lateral")


@dataclass(frozen=True)
class RootSigns:
    """What one root does: key muscle, key sensory point, the reflex it is tested by, exit foramen.

    ``reflexes`` follows the bedside convention (biceps C5, brachioradialis C6,
    triceps C7, knee jerk L4, ankle jerk S1), not the wider segmental ranges of
    textbooks; ``other_muscles`` are movements the root also weakens (C6: elbow
    flexion, shared with C5) and ``other_reflexes`` reflexes its compression
    also reduces (C6: the biceps reflex, shared with C5).
    """

    root: str
    region: str
    key_muscle: str
    key_sensory_point: str
    reflexes: tuple[str, ...]
    foramen: str
    sources: tuple[str, ...]
    secondary: bool
    other_muscles: tuple[str, ...] = ()
    other_reflexes: tuple[str, ...] = ()

    @property
    def weaknesses(self) -> tuple[str, ...]:
        """Every movement whose weakness this root explains: its key muscle first."""
        return (self.key_muscle, *self.other_muscles)

    @property
    def reduced_reflexes(self) -> tuple[str, ...]:
        """Every reflex whose reduction this root explains: its own first."""
        return (*self.reflexes, *self.other_reflexes)


@functools.cache
def _root_signs(directory: str) -> tuple[RootSigns, ...]:
    signs = load_table("nerve_root_signs")
    reflexes = load_table("tendon_reflexes")
    out = []
    for root in ROOTS:
        rows = signs[(signs["root"] == root) & (signs["sign"] != "also weakens")].set_index("sign")
        missing = {"key muscle", "key sensory point", "exit foramen"} - set(rows.index)
        if missing:
            raise DataError(f"data/tables/nerve_root_signs.csv: root {root} lacks {sorted(missing)}")
        served = tuple(str(r.reflex) for r in reflexes.itertuples() if str(r.root_by_convention) == root)
        shared = tuple(str(r.reflex) for r in reflexes.itertuples() if str(r.also_reduced_in) == root)
        served_rows = reflexes[reflexes["reflex"].isin(served + shared)]
        keys = sorted(set(rows["source_key"]) | set(served_rows["convention_source_key"]))
        others = signs[(signs["root"] == root) & (signs["sign"] == "also weakens")]
        out.append(RootSigns(
            root, str(rows.loc["key muscle", "region"]), str(rows.loc["key muscle", "finding"]),
            str(rows.loc["key sensory point", "finding"]), served,
            str(rows.loc["exit foramen", "finding"]), tuple(keys),
            bool((rows["confidence"] == "secondary-source").any()),
            tuple(str(f) for f in others["finding"]), shared,
        ))
    return tuple(out)


def root_signs() -> tuple[RootSigns, ...]:
    """Return the signs of every root in :data:`ROOTS`, from the cited tables."""
    return _root_signs(str(data_dir()))


def finding_choices() -> dict[str, tuple[str, ...]]:
    """Return the findings a student can report: weak movements, numb areas, reduced reflexes."""
    signs = root_signs()
    reflexes = load_table("tendon_reflexes")
    return {
        "weakness": tuple(dict.fromkeys(m for s in signs for m in s.weaknesses)),
        "numbness": tuple(s.key_sensory_point for s in signs),
        "reflex": tuple(str(r) for r in reflexes["reflex"]),
    }


def _as_set(kind: str, value: str | Iterable[str] | None, allowed: Sequence[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = (value,) if isinstance(value, str) else tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{kind} findings must be strings, got {type(item).__name__}")
        if item not in allowed:
            raise ValueError(f"unknown {kind} finding {item!r}; choose from: {', '.join(allowed)}")
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class RootMatch:
    """How well one root explains the findings."""

    root: str
    explained: tuple[str, ...]
    unexplained: tuple[str, ...]

    @property
    def explains_all(self) -> bool:
        """True when the root explains every finding (and there is at least one)."""
        return bool(self.explained) and not self.unexplained


def explain_pattern(weakness: str | Iterable[str] | None = None,
                    numbness: str | Iterable[str] | None = None,
                    reflex: str | Iterable[str] | None = None) -> list[RootMatch]:
    """Rank the roots by how well they explain a pattern of findings.

    Each finding is a label from :func:`finding_choices`: a weak key
    movement, a numb key sensory point, a reduced reflex. A root explains a
    weakness if the movement is its key muscle or one it also weakens (C6:
    elbow flexion), a numbness if the area is its key sensory point, and a
    reflex if the reflex is taught as that root's (the bedside convention:
    biceps C5, brachioradialis C6, triceps C7, knee jerk L4, ankle jerk S1) or
    is known to be reduced by it too (the biceps reflex in C6).
    Roots that explain every finding come first, then by the
    number of findings explained, then from top to bottom.

    Raises
    ------
    ValueError
        For an unknown finding, or when no finding is given.
    """
    choices = finding_choices()
    weak = _as_set("weakness", weakness, choices["weakness"])
    numb = _as_set("numbness", numbness, choices["numbness"])
    refl = _as_set("reflex", reflex, choices["reflex"])
    if not (weak or numb or refl):
        raise ValueError("give at least one finding: a weak movement, a numb area or a reduced reflex")
    findings = ([("weakness", f) for f in weak] + [("numbness", f) for f in numb]
                + [("reflex", f) for f in refl])
    out = []
    for s in root_signs():
        own = {("weakness", m) for m in s.weaknesses} | {("numbness", s.key_sensory_point)} | {
            ("reflex", r) for r in s.reduced_reflexes}
        explained = tuple(f"{k}: {v}" for k, v in findings if (k, v) in own)
        unexplained = tuple(f"{k}: {v}" for k, v in findings if (k, v) not in own)
        out.append(RootMatch(s.root, explained, unexplained))
    order = {r: i for i, r in enumerate(ROOTS)}
    return sorted(out, key=lambda m: (not m.explains_all, -len(m.explained), order[m.root]))


def best_roots(weakness: str | Iterable[str] | None = None,
               numbness: str | Iterable[str] | None = None,
               reflex: str | Iterable[str] | None = None) -> tuple[str, ...]:
    """Return the roots that explain every finding (empty when no single root does)."""
    return tuple(m.root for m in explain_pattern(weakness, numbness, reflex) if m.explains_all)


@dataclass(frozen=True)
class HerniationRoot:
    """The root a herniation at a disc compresses, and why."""

    disc: str
    zone: str
    root: str | None
    relation: str
    rule: str
    source_key: str
    confidence: str


@functools.cache
def _zones(directory: str) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    table = load_table("herniation_zones")
    out = {}
    for r in table.itertuples():
        out[(str(r.region), str(r.zone))] = (str(r.root_affected), str(r.rule), str(r.source_key),
                                              str(r.confidence))
    return out


def _zone_row(region: str, zone: str) -> tuple[str, str, str, str]:
    rows = _zones(str(data_dir()))
    for (reg, name), value in rows.items():
        if reg != region:
            continue
        if region == "cervical" or name.startswith(zone):
            return value
    raise DataError(f"data/tables/herniation_zones.csv: no {region} row for zone {zone!r}")


def herniation_root(disc: str, zone: str) -> HerniationRoot:
    """Return the root compressed by a herniation at ``disc`` in ``zone``.

    Lumbar: a paramedian (posterolateral) fragment compresses the traversing
    root, named for the lower vertebra (L4-L5 gives L5); a far-lateral
    (foraminal or extraforaminal) fragment compresses the exiting root, named
    for the upper vertebra (L4-L5 gives L4). Cervical: roots leave above the
    vertebra of their number, so the root at a disc is named for the lower
    vertebra in either zone (C5-C6 gives C6; C7-T1 gives C8).

    Raises
    ------
    ValueError
        For an unknown disc or zone.
    """
    if zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}; use one of {', '.join(ZONES)}")
    if disc in LUMBAR_DISCS:
        relation, rule, key, conf = _zone_row("lumbar", zone)
        upper, lower = disc.split("-")
        root = lower if relation == "traversing" else upper
        return HerniationRoot(disc, zone, root, relation, rule, key, conf)
    if disc in CERVICAL_DISCS:
        relation, rule, key, conf = _zone_row("cervical", zone)
        lower = disc.split("-")[1]
        root = "C8" if lower == "T1" else lower
        return HerniationRoot(disc, zone, root, relation, rule, key, conf)
    raise ValueError(f"unknown disc {disc!r}; use one of {', '.join(LUMBAR_DISCS + CERVICAL_DISCS)}")


def discs_for_root(root: str) -> list[HerniationRoot]:
    """Return every (disc, zone) whose herniation would compress ``root``, top to bottom."""
    if root not in ROOTS:
        raise ValueError(f"unknown root {root!r}; use one of {', '.join(ROOTS)}")
    out = []
    for disc in CERVICAL_DISCS + LUMBAR_DISCS:
        for zone in ZONES:
            h = herniation_root(disc, zone)
            if h.root == root:
                out.append(h)
    return out


def lesson_references() -> list[str]:
    """Return every source key of lesson 02's models and tables, in a stable order.

    The lesson's reference list adds its quiz's: :func:`widgets.conditions.lesson_sources`.
    """
    from widgets.conditions.selection import load_tree

    keys: list[str] = []

    def add(more):
        for k in more:
            if k not in keys:
                keys.append(k)

    add(load_table("conditions_miss")["source_key"])
    add(g.source_key for g in meyerding_grades())
    add([endplate_width("L5").source_key])
    add(load_table("lumbar_morphometry").query(
        "level == 'L5' and measure == 'vertebral_body_height_posterior' and source_key == 'CookBaker2021'"
    )["source_key"])
    add(load_table("scoliosis_definitions")["source_key"])
    add(k for s in root_signs() for k in s.sources)
    reflexes = load_table("tendon_reflexes")
    add(reflexes["convention_source_key"])
    add(reflexes["source_key"])
    add(load_table("herniation_zones")["source_key"])
    add(load_tree().sources())
    return keys
