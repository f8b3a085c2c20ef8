"""The Cobb angle of a generated coronal curve, and whether it is a scoliosis (lesson 02).

:func:`generate_curve` draws a single schematic curve; :func:`cobb_angle`
measures the angle between the endplates of the most tilted vertebrae at its two
ends. The threshold that defines scoliosis comes from ``scoliosis_definitions``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from widgets.core.data import DataError, data_dir, load_table
from widgets.core.numbers import finite_float

__all__ = [
    "CURVE_VERTEBRAE",
    "CobbResult",
    "Curve",
    "cobb_angle",
    "cobb_between",
    "cobb_result",
    "generate_curve",
    "is_scoliosis",
    "scoliosis_threshold",
]


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
    w = finite_float("half_width", half_width)
    d = finite_float("shift", shift)
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
    tilts = [finite_float("tilt", t) for t in tilts_deg]
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
    angle = finite_float("angle_deg", angle_deg)
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
