"""Smooth bone shapes as signed-distance fields, meshed by marching cubes.

A field is a function of points (n x 3, millimetres) returning a signed distance:
negative inside, positive outside. Primitives (rounded boxes, tapered capsules,
ellipsoids) are blended with a smooth minimum, so processes grow out of each
other with fillets instead of meeting at creases, and carved by other fields
(the canal, the joint space), so a blend never fills a space the data keep open.

:func:`mesh_regions` meshes one field as several named parts: space is split
between groups of primitives (each point belongs to the group whose primitive
is nearest), and each part is the field cut to its group's region. The parts
tile the bone, each a closed mesh; their cut faces lie inside the bone.

Pure numpy plus scikit-image's marching cubes; no plotting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from widgets.anatomy.mesh import Mesh, volume

__all__ = [
    "Field",
    "Prim",
    "capsule",
    "carve",
    "ellipsoid",
    "elliptic_plate",
    "halfspace",
    "mesh_field",
    "mesh_regions",
    "prism_sdf",
    "rounded_box",
    "smooth_union",
]

Field = Callable[[np.ndarray], np.ndarray]


class Prim:
    """A primitive field with the box outside which it need not be evaluated exactly.

    The box holds the primitive. Beyond the box grown by ``pad`` the field is
    replaced by the distance to the box, a lower bound of the true distance that
    is at least ``pad``: larger than any blend there, so blends are unchanged.
    """

    def __init__(self, field: Field, lo: np.ndarray, hi: np.ndarray, pad: float = 4.5):
        self.field = field
        self.box = (np.asarray(lo, float), np.asarray(hi, float))
        self.lo = self.box[0] - pad
        self.hi = self.box[1] + pad

    def __call__(self, p: np.ndarray) -> np.ndarray:
        """Evaluate at points (n x 3)."""
        inside = np.all((p >= self.lo) & (p <= self.hi), axis=1)
        lo, hi = self.box
        out = np.linalg.norm(np.maximum(np.maximum(lo - p, p - hi), 0.0), axis=1)
        out[inside] = self.field(p[inside])
        return out

    def on_grid(self, axes: Sequence[np.ndarray]) -> np.ndarray:
        """Evaluate on the grid spanned by three coordinate axes (exactly only inside the box)."""
        lo, hi = self.box
        d = [np.maximum(np.maximum(lo[k] - axes[k], axes[k] - hi[k]), 0.0) for k in range(3)]
        out = np.sqrt(d[0][:, None, None] ** 2 + d[1][None, :, None] ** 2
                      + d[2][None, None, :] ** 2)
        sl = []
        for k in range(3):
            idx = np.nonzero((axes[k] >= self.lo[k]) & (axes[k] <= self.hi[k]))[0]
            if len(idx) == 0:
                return out
            sl.append(slice(idx[0], idx[-1] + 1))
        sub = [axes[k][sl[k]] for k in range(3)]
        pts = np.stack(np.meshgrid(*sub, indexing="ij"), axis=-1).reshape(-1, 3)
        out[tuple(sl)] = self.field(pts).reshape(tuple(len(a) for a in sub))
        return out

    @staticmethod
    def bounds(prims) -> tuple[np.ndarray, np.ndarray]:
        """Return the box around several primitives (their own boxes, padded)."""
        return (np.min([q.lo for q in prims], axis=0), np.max([q.hi for q in prims], axis=0))


def smooth_union(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Polynomial smooth minimum of two distances (a fillet of about ``k`` mm where they meet)."""
    if k <= 0:
        return np.minimum(a, b)
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b + (a - b) * h - k * h * (1.0 - h)


def carve(a: np.ndarray, hole: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Remove the region ``hole < margin`` from ``a`` (a sharp boolean difference)."""
    return np.maximum(a, margin - hole)


def _frame(axes: np.ndarray) -> np.ndarray:
    axes = np.asarray(axes, dtype=float)
    return axes / np.linalg.norm(axes, axis=1, keepdims=True)


def rounded_box(p: np.ndarray, centre: np.ndarray, axes: np.ndarray, half: Sequence[float],
                radius: float = 0.0) -> np.ndarray:
    """Distance to a box (rows of ``axes``: its unit directions; ``half``: half sizes) with rounded edges.

    The rounding stays inside the box: the box's faces keep their places.
    """
    q = (p - np.asarray(centre, float)) @ _frame(axes).T
    d = np.abs(q) - (np.asarray(half, float) - radius)
    outside = np.linalg.norm(np.maximum(d, 0.0), axis=1)
    return outside + np.minimum(d.max(axis=1), 0.0) - radius


def elliptic_plate(p: np.ndarray, centre: np.ndarray, axes: np.ndarray, semi: Sequence[float],
                   half_thickness: float, radius: float = 0.0) -> np.ndarray:
    """Approximate distance to an elliptic plate with rounded rim.

    Rows of ``axes``: the plate's two in-plane directions and its normal; ``semi``:
    the ellipse's semi-axes along the first two. The faces stay at
    ``+-half_thickness``; the rim is rounded by ``radius``.
    """
    q = (p - np.asarray(centre, float)) @ _frame(axes).T
    a, b = np.asarray(semi, float) - radius
    k = np.sqrt((q[:, 0] / a) ** 2 + (q[:, 1] / b) ** 2)
    d2 = (k - 1.0) * min(a, b)
    w = np.column_stack([d2, np.abs(q[:, 2]) - (half_thickness - radius)])
    return (np.minimum(w.max(axis=1), 0.0) + np.linalg.norm(np.maximum(w, 0.0), axis=1)
            - radius)


def capsule(p: np.ndarray, a: np.ndarray, b: np.ndarray, ra: float, rb: float,
            squash: Sequence[float] | None = None) -> np.ndarray:
    """Approximate distance to a capsule from ``a`` (radius ``ra``) to ``b`` (radius ``rb``).

    ``squash`` = (unit direction, factor) flattens the section along a direction
    (factor < 1: thinner that way), for flat processes.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    ab = b - a
    t = np.clip(((p - a) @ ab) / float(ab @ ab), 0.0, 1.0)
    rel = p - (a + t[:, None] * ab)
    if squash is not None:
        u, f = np.asarray(squash[0], float), float(squash[1])
        u = u / np.linalg.norm(u)
        along = rel @ u
        rel = rel + np.outer(along * (1.0 / f - 1.0), u)
        return (np.linalg.norm(rel, axis=1) - (ra + (rb - ra) * t)) * f
    return np.linalg.norm(rel, axis=1) - (ra + (rb - ra) * t)


def ellipsoid(p: np.ndarray, centre: np.ndarray, axes: np.ndarray, radii: Sequence[float]
              ) -> np.ndarray:
    """Approximate distance to an ellipsoid (first-order, exact on the surface)."""
    q = (p - np.asarray(centre, float)) @ _frame(axes).T
    r = np.asarray(radii, float)
    k0 = np.linalg.norm(q / r, axis=1)
    k1 = np.linalg.norm(q / (r * r), axis=1)
    return k0 * (k0 - 1.0) / np.maximum(k1, 1e-9)


def halfspace(p: np.ndarray, point: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Distance to the half-space behind a plane (negative on the side opposite ``normal``)."""
    n = np.asarray(normal, float) / np.linalg.norm(normal)
    return (p - np.asarray(point, float)) @ n


def prism_sdf(p: np.ndarray, poly: np.ndarray, z0: float = -np.inf, z1: float = np.inf
              ) -> np.ndarray:
    """Distance bound to a convex polygon (x-y, either winding) extruded from ``z0`` to ``z1``.

    Exact on the faces (the zero set is the prism); a lower bound near its edges.
    """
    from widgets.anatomy.mesh import halfplanes

    poly = np.asarray(poly, float)
    n, c = halfplanes(poly)
    # exact near the polygon; further out the distance to its bounding box (a lower bound)
    lo, hi = poly.min(axis=0), poly.max(axis=0)
    d = np.linalg.norm(np.maximum(np.maximum(lo - p[:, :2], p[:, :2] - hi), 0.0), axis=1)
    near = d < 6.0
    d[near] = (p[near, :2] @ n.T - c).max(axis=1)
    if np.isfinite(z0):
        d = np.maximum(d, z0 - p[:, 2])
    if np.isfinite(z1):
        d = np.maximum(d, p[:, 2] - z1)
    return d


def _grid(lo: np.ndarray, hi: np.ndarray, step: float, anchor: np.ndarray | None
          ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Grid axes covering [lo, hi] with ``step``, one node on ``anchor`` (if given)."""
    axes = []
    for k in range(3):
        a = 0.0 if anchor is None else float(anchor[k])
        i0 = np.floor((lo[k] - a) / step) - 1
        i1 = np.ceil((hi[k] - a) / step) + 1
        axes.append(a + step * np.arange(i0, i1 + 1))
    origin = np.array([ax[0] for ax in axes])
    return origin, axes


def _marching(values: np.ndarray, origin: np.ndarray, step: float, name: str) -> Mesh:
    from skimage.measure import marching_cubes

    inside = values < 0
    if not inside.any():
        return Mesh(np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64), name)
    # crop to the nodes around the inside (marching cubes then visits only them)
    box = []
    for k in range(3):
        hit = np.nonzero(inside.any(axis=tuple(j for j in range(3) if j != k)))[0]
        box.append(slice(max(hit[0] - 1, 0), min(hit[-1] + 2, values.shape[k])))
    origin = origin + step * np.array([b.start for b in box])
    v = np.pad(values[tuple(box)], 1, constant_values=1.0)  # closed where a part meets the box
    verts, faces, _, _ = marching_cubes(v, level=0.0, spacing=(step, step, step),
                                        allow_degenerate=False)
    verts = verts + origin - step
    faces = faces.astype(np.int64)
    mesh = Mesh(verts, faces, name)
    if volume(mesh) < 0:
        mesh = Mesh(verts, faces[:, ::-1].copy(), name)
    return _drop_unused(mesh)


def _drop_unused(mesh: Mesh) -> Mesh:
    used = np.unique(mesh.faces)
    if len(used) == len(mesh.vertices):
        return mesh
    remap = np.full(len(mesh.vertices), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return Mesh(mesh.vertices[used], remap[mesh.faces], mesh.name)


def _jitter(values: np.ndarray) -> np.ndarray:
    # keep grid values off exactly zero, where marching cubes makes zero-area triangles
    return np.where(np.abs(values) < 1e-6, 1e-6, values)


def mesh_field(field: Field, lo: np.ndarray, hi: np.ndarray, step: float, name: str,
               anchor: np.ndarray | None = None) -> Mesh:
    """Mesh the zero set of ``field`` inside the box [lo, hi] on a grid of ``step`` mm."""
    origin, axes = _grid(np.asarray(lo, float), np.asarray(hi, float), step, anchor)
    pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    vals = _jitter(field(pts)).reshape(tuple(len(a) for a in axes))
    return _marching(vals, origin, step, name)


def mesh_regions(primitives: Mapping[str, Sequence[Field]], blend: Callable[[dict, np.ndarray], np.ndarray],
                 lo: np.ndarray, hi: np.ndarray, step: float,
                 anchor: np.ndarray | None = None) -> dict[str, Mesh]:
    """Mesh a blended field as named parts, one per group of primitives.

    ``primitives`` maps a part name to its primitive fields; ``blend`` takes the
    evaluated distances ({part name: array of its primitives' minimum}) and the
    points, and returns
    the whole bone's field (smooth unions, carving). Each part is that field cut
    to the points whose nearest primitive is its own (the cut is the bisector
    between groups, so neighbouring parts share their cut face).
    """
    origin, axes = _grid(np.asarray(lo, float), np.asarray(hi, float), step, anchor)
    shape = tuple(len(a) for a in axes)
    pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)

    def evaluate(f) -> np.ndarray:
        return f.on_grid(axes).reshape(-1) if isinstance(f, Prim) else f(pts)

    dist = {name: np.min(np.stack([evaluate(f) for f in fields]), axis=0)
            for name, fields in primitives.items()}
    whole = blend(dist, pts)
    names = list(dist)
    stack = np.stack([dist[n] for n in names])
    nearest = stack.argmin(axis=0)
    first = stack.min(axis=0)
    if len(names) > 1:
        masked = stack.copy()
        np.put_along_axis(masked, nearest[None], np.inf, axis=0)
        second = masked.min(axis=0)
    out = {}
    for i, name in enumerate(names):
        if len(names) == 1:
            region = np.full(len(pts), -1.0)
        else:
            region = 0.5 * (stack[i] - np.where(nearest == i, second, first))
        vals = _jitter(np.maximum(whole, region)).reshape(shape)
        out[name] = _marching(vals, origin, step, name)
    return out
