"""The vertebral body: kidney-shaped, waisted, with rounded endplate rims.

Local frame as in :mod:`widgets.anatomy.vertebra` (``x`` left, ``y`` anterior,
``z`` up; origin on the middle of the posterior wall, half-way up).

Seen from above the body is kidney-shaped: the front is half an ellipse as wide
as the cited endplate width; the back wall is hollowed from side to side, its
middle on ``y = 0`` (so the cited body depth and canal depth meet there) and its
two sides bulging back by the assumed concavity. Seen from the side its front
and sides are waisted; the endplates are planes whose separation is the cited
posterior height at the back and the cited anterior height at the front, both
taken just inside the rounded rim (:func:`height_probes`).
"""

from __future__ import annotations

import numpy as np

from widgets.anatomy.mesh import Mesh, loft
from widgets.anatomy.morphometry import LevelDimensions
from widgets.core.assumptions import assumption

__all__ = ["body_mesh", "body_outline", "body_wedge_deg", "endplate_ring", "height_probes",
           "posterior_wall_y"]

_BODY_N = 72
_SUPER = 4.0  # exponent of the rounded-rectangle back half


def body_outline(width: float, depth: float, n: int = _BODY_N, concavity: float | None = None
                 ) -> np.ndarray:
    """Axial outline of the body (n x 2), counter-clockwise, the middle of its back wall on y = 0.

    Front half: half an ellipse. Back half: a rounded rectangle whose wall is hollowed
    between two posterolateral lobes that reach ``concavity`` mm behind ``y = 0``
    (default: the assumption ``vertebral_body_posterior_concavity``).
    """
    if concavity is None:
        concavity = assumption("vertebral_body_posterior_concavity").value
    a, b = width / 2.0, depth / 2.0
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    xb = a * np.sign(c) * np.abs(c) ** (2.0 / _SUPER)
    q = (xb / a) ** 2
    yb = b - b * np.abs(s) ** (2.0 / _SUPER) - concavity * 4.0 * q * (1.0 - q)
    x = np.where(s >= 0, a * c, xb)
    y = np.where(s >= 0, b + b * s, yb)
    return np.column_stack([x, y])


def posterior_wall_y(dims: LevelDimensions, x: float) -> float:
    """Return the y of the body's back wall at ``x`` (0 at the midline, negative on the lobes)."""
    a, b = dims.v("body_width") / 2.0, dims.v("body_depth") / 2.0
    c = min((abs(x) / a) ** 2, 1.0)  # |cos t| of the rounded-rectangle parameter
    q = (abs(x) / a) ** 2
    concavity = assumption("vertebral_body_posterior_concavity").value
    return float(b - b * (1.0 - c * c) ** 0.25 - concavity * 4.0 * q * (1.0 - q))


def _rim() -> float:
    return assumption("vertebral_body_rim").value


def height_probes(dims: LevelDimensions) -> tuple[float, float]:
    """Return the y (at x = 0) where the body's posterior and anterior heights equal the cited values."""
    yb = 1.5 * _rim()
    return yb, dims.v("body_depth") - yb


def _height(dims: LevelDimensions, y: np.ndarray) -> np.ndarray:
    hp, ha = dims.v("body_height_posterior"), dims.v("body_height_anterior")
    y0, y1 = height_probes(dims)
    return hp + (ha - hp) * (np.asarray(y, float) - y0) / (y1 - y0)


def body_wedge_deg(dims: LevelDimensions) -> float:
    """Angle between the body's lower and upper endplates, degrees (positive: taller in front)."""
    hp, ha = dims.v("body_height_posterior"), dims.v("body_height_anterior")
    y0, y1 = height_probes(dims)
    return float(np.degrees(2.0 * np.arctan((ha - hp) / (2.0 * (y1 - y0)))))


def _normals(poly: np.ndarray) -> np.ndarray:
    """Outward unit normals at the vertices of a counter-clockwise polygon."""
    tang = np.roll(poly, -1, axis=0) - np.roll(poly, 1, axis=0)
    n = np.column_stack([tang[:, 1], -tang[:, 0]])
    return n / np.linalg.norm(n, axis=1, keepdims=True)


def endplate_ring(dims: LevelDimensions, top: bool, inset: float = 0.0) -> np.ndarray:
    """Return the flat face of the upper (``top``) or lower endplate as a ring (local frame).

    ``inset`` moves the ring off the endplate, away from the body (a disc resting on it).
    """
    outline = body_outline(dims.v("body_width"), dims.v("body_depth"))
    face = outline - _rim() * _normals(outline)
    h = _height(dims, face[:, 1])
    z = h / 2.0 + inset if top else -h / 2.0 - inset
    return np.column_stack([face, z])


def body_mesh(dims: LevelDimensions, name: str = "body") -> Mesh:
    """Return the body as one closed loft: rounded rims, waisted front and sides, a straight back wall."""
    outline = body_outline(dims.v("body_width"), dims.v("body_depth"))
    normal = _normals(outline)
    r = _rim()
    waist = assumption("vertebral_body_waist").value
    depth = dims.v("body_depth")
    # the waist draws in the front and the sides, not the back wall (the canal's front)
    weight = np.clip((outline[:, 1] - 0.1 * depth) / (0.35 * depth), 0.0, 1.0)
    weight = weight * weight * (3.0 - 2.0 * weight)
    rings = []
    rim_steps = [0.0, 0.08, 0.3, 0.65, 1.0]  # distance from the endplate, in rims
    mid = np.linspace(-1.0, 1.0, 7)[1:-1]  # between the rims, as a fraction of the half-height
    # (side, distance from the endplate in mm, inset of the rim, fraction of the half-height)
    levels: list[tuple[float, float, float, float]] = []
    for d in rim_steps:  # lower rim, from the endplate up
        levels.append((-1.0, d * r, r - np.sqrt(max(r * r - (r - d * r) ** 2, 0.0)), 1.0))
    for f in mid:
        levels.append((float(np.sign(f)), 0.0, 0.0, abs(float(f))))
    for d in rim_steps[::-1]:
        levels.append((1.0, d * r, r - np.sqrt(max(r * r - (r - d * r) ** 2, 0.0)), 1.0))
    for side, d, rim_in, f in levels:
        waist_in = waist * weight * (1.0 - f * f) if d == 0.0 and rim_in == 0.0 else 0.0 * weight
        xy = outline - (rim_in + waist_in)[:, None] * normal if np.ndim(waist_in) else (
            outline - rim_in * normal)
        h = _height(dims, xy[:, 1])  # the endplates are planes: heights where the ring lies
        z = side * (h / 2.0 - d) if f == 1.0 else side * f * (h / 2.0 - r)
        rings.append(np.column_stack([xy, z]))
    return loft(rings, name)
