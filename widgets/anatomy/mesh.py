"""Closed triangle meshes from simple primitives, and the checks the geometry tests use.

A :class:`Mesh` is a pair of numpy arrays: ``vertices`` (n x 3, float, millimetres)
and ``faces`` (m x 3, int, counter-clockwise seen from outside, so normals point
out). Every builder here returns a closed, consistently oriented 2-manifold
(watertight); :func:`watertight_problems` checks that, :func:`contains` tests
points against a closed mesh (generalised winding number) and
:func:`intersects` tests two meshes for a crossing or nesting.

Pure numpy; no plotting.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Mesh",
    "Pose",
    "ellipse_ring",
    "intersects",
    "contains",
    "loft",
    "merge",
    "prism",
    "rotation_x",
    "section_extent",
    "section_points",
    "sweep",
    "triangulate_polygon",
    "volume",
    "watertight_problems",
]


@dataclass(frozen=True)
class Mesh:
    """A closed triangle mesh with a name (the anatomical part it draws)."""

    vertices: np.ndarray
    faces: np.ndarray
    name: str = ""

    @property
    def n_triangles(self) -> int:
        """Number of triangles."""
        return int(len(self.faces))

    def transformed(self, pose: Pose) -> Mesh:
        """Return the mesh with its vertices mapped by ``pose``."""
        return Mesh(pose.apply(self.vertices), self.faces, self.name)

    def renamed(self, name: str) -> Mesh:
        """Return the same geometry under another name."""
        return Mesh(self.vertices, self.faces, name)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the (min, max) corners of the axis-aligned bounding box."""
        return self.vertices.min(axis=0), self.vertices.max(axis=0)


@dataclass(frozen=True)
class Pose:
    """A rigid transform: ``world = rotation @ local + translation``."""

    rotation: np.ndarray
    translation: np.ndarray

    @staticmethod
    def identity() -> Pose:
        """Return the transform that changes nothing."""
        return Pose(np.eye(3), np.zeros(3))

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Map local points (n x 3, or one 3-vector) to world coordinates."""
        return np.asarray(points, dtype=float) @ self.rotation.T + self.translation

    def apply_vector(self, vectors: np.ndarray) -> np.ndarray:
        """Rotate directions (no translation)."""
        return np.asarray(vectors, dtype=float) @ self.rotation.T

    def inverse(self) -> Pose:
        """Return the transform back from world to local coordinates."""
        rt = self.rotation.T
        return Pose(rt, -rt @ self.translation)

    def compose(self, inner: Pose) -> Pose:
        """Return ``self`` after ``inner`` (apply ``inner`` first)."""
        return Pose(self.rotation @ inner.rotation, self.rotation @ inner.translation + self.translation)


def rotation_x(angle_deg: float) -> np.ndarray:
    """Rotation about the x axis (left-right) that turns +y (anterior) towards +z (cranial)."""
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def ellipse_ring(a: float, b: float, n: int) -> np.ndarray:
    """Return ``n`` points (n x 2) on an ellipse, counter-clockwise, starting on +a."""
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return np.column_stack([a * np.cos(t), b * np.sin(t)])


def roll_next(a: np.ndarray) -> np.ndarray:
    """Return ``a`` shifted by one along its first axis, as ``np.roll(a, -1, axis=0)`` but cheaper."""
    return np.concatenate([a[1:], a[:1]])


def cross3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the cross product of 3-vectors (last axis), as ``np.cross`` but cheaper on small arrays."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def _signed_area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.dot(x, roll_next(y)) - np.dot(roll_next(x), y))


def triangulate_polygon(poly: np.ndarray) -> np.ndarray:
    """Triangulate a simple polygon (k x 2, counter-clockwise) by ear clipping.

    Returns (k - 2) x 3 vertex indices, each triangle counter-clockwise.
    """
    poly = np.asarray(poly, dtype=float)
    k = len(poly)
    e = roll_next(poly) - poly
    e1 = roll_next(e)
    turn = e[:, 0] * e1[:, 1] - e[:, 1] * e1[:, 0]
    if np.all(turn > 1e-12):  # convex: a fan from the first vertex
        j = np.arange(1, k - 1)
        return np.column_stack([np.zeros(k - 2, dtype=np.int64), j, j + 1])
    idx = list(range(k))
    tris: list[tuple[int, int, int]] = []

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    guard = 0
    while len(idx) > 3:
        guard += 1
        if guard > 10 * len(poly) ** 2:
            raise ValueError("polygon could not be triangulated (is it simple and CCW?)")
        for k in range(len(idx)):
            i0, i1, i2 = idx[k - 1], idx[k], idx[(k + 1) % len(idx)]
            a, b, c = poly[i0], poly[i1], poly[i2]
            if cross(a, b, c) <= 1e-12:
                continue  # reflex or degenerate corner
            inside = False
            for j in idx:
                if j in (i0, i1, i2):
                    continue
                p = poly[j]
                if cross(a, b, p) >= 0 and cross(b, c, p) >= 0 and cross(c, a, p) >= 0:
                    inside = True
                    break
            if not inside:
                tris.append((i0, i1, i2))
                idx.pop(k)
                break
    tris.append((idx[0], idx[1], idx[2]))
    return np.array(tris, dtype=np.int64)


@functools.lru_cache(maxsize=64)
def _side_faces(n_rings: int, k: int) -> np.ndarray:
    """Quads (two triangles each) between consecutive closed rings of ``k`` points.

    Ring ``r`` holds vertex indices ``r*k .. r*k + k - 1``. The result is cached and
    read-only (meshes are rebuilt on every control change; the topology is not).
    """
    r = np.arange(n_rings - 1)[:, None] * k
    j = np.arange(k)[None, :]
    a, a1 = r + j, r + (j + 1) % k
    b, b1 = a + k, a1 + k
    t1 = np.stack([a, a1, b1], axis=-1).reshape(-1, 3)
    t2 = np.stack([a, b1, b], axis=-1).reshape(-1, 3)
    out = np.stack([t1, t2], axis=1).reshape(-1, 3).astype(np.int64)
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _loft_faces(n_rings: int, k: int) -> np.ndarray:
    """Side faces and the two end fans of a loft (centroids at indices ``n_rings*k`` and +1)."""
    j = np.arange(k)
    ci0, last = n_rings * k, (n_rings - 1) * k
    cap0 = np.column_stack([np.full(k, ci0), (j + 1) % k, j])
    cap1 = np.column_stack([np.full(k, ci0 + 1), last + j, last + (j + 1) % k])
    out = np.vstack([_side_faces(n_rings, k), cap0, cap1]).astype(np.int64)
    out.flags.writeable = False
    return out


def loft(rings: Sequence[np.ndarray], name: str = "", caps: str = "fan") -> Mesh:
    """Close a sequence of 3-D rings (each k x 3, same k) into a watertight tube.

    Rings run from the first to the last; each ring winds counter-clockwise when
    seen looking back from the next ring (i.e. about the direction of travel), so
    the side normals point outwards. The two ends are closed by a fan from each
    end ring's centroid (``caps="fan"``); the end rings must be star-shaped about
    their centroid, which holds for the convex sections used here.
    """
    rings = [np.asarray(r, dtype=float) for r in rings]
    k = len(rings[0])
    if any(len(r) != k for r in rings) or len(rings) < 2 or k < 3:
        raise ValueError("loft needs at least two rings of the same size (>= 3 points)")
    start_c = rings[0].mean(axis=0)
    end_c = rings[-1].mean(axis=0)
    verts = np.vstack([*rings, start_c, end_c])
    faces = _loft_faces(len(rings), k)
    # which way do the rings wind about the direction of travel? (Newell normal of ring 0)
    r0 = rings[0]
    nxt = roll_next(r0)
    newell = np.array([np.sum((r0[:, 1] - nxt[:, 1]) * (r0[:, 2] + nxt[:, 2])),
                       np.sum((r0[:, 2] - nxt[:, 2]) * (r0[:, 0] + nxt[:, 0])),
                       np.sum((r0[:, 0] - nxt[:, 0]) * (r0[:, 1] + nxt[:, 1]))])
    if float(newell @ (rings[1].mean(axis=0) - start_c)) < 0:
        faces = faces[:, ::-1]  # rings wound the other way: flip every face
    return Mesh(verts, faces.copy(), name)


def prism(poly: np.ndarray, z0: float | np.ndarray, z1: float | np.ndarray, name: str = "") -> Mesh:
    """Extrude a simple polygon (k x 2 in x-y) from ``z0`` to ``z1`` into a closed prism.

    ``z0`` and ``z1`` may be arrays (one height per polygon vertex) for a wedge whose
    bottom and top are planes. The polygon may be concave (caps by ear clipping).
    """
    poly = np.asarray(poly, dtype=float)
    if _signed_area(poly) < 0:
        poly = poly[::-1].copy()
        z0 = z0[::-1] if isinstance(z0, np.ndarray) else z0
        z1 = z1[::-1] if isinstance(z1, np.ndarray) else z1
    k = len(poly)
    z0 = np.broadcast_to(np.asarray(z0, dtype=float), (k,))
    z1 = np.broadcast_to(np.asarray(z1, dtype=float), (k,))
    bottom = np.column_stack([poly, z0])
    top = np.column_stack([poly, z1])
    verts = np.vstack([bottom, top])
    tri = triangulate_polygon(poly)
    faces = [
        tri[:, ::-1],  # bottom, seen from below: clockwise in x-y
        tri + k,  # top
        _side_faces(2, k),
    ]
    mesh = Mesh(verts, np.vstack(faces).astype(np.int64), name)
    if volume(mesh) < 0:
        mesh = Mesh(mesh.vertices, mesh.faces[:, ::-1].copy(), name)
    return mesh


def sweep(centres: np.ndarray, frames_u: np.ndarray, frames_v: np.ndarray, semi_u: np.ndarray,
          semi_v: np.ndarray, k: int = 20, name: str = "") -> Mesh:
    """Sweep an ellipse along stations into a closed tube.

    Station ``i`` is the ellipse ``centres[i] + semi_u[i] cos t u_i + semi_v[i] sin t v_i``,
    with ``u_i`` and ``v_i`` unit vectors perpendicular to the path.
    """
    t = np.linspace(0.0, 2.0 * np.pi, k, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    centres, frames_u, frames_v = (np.asarray(a, dtype=float) for a in (centres, frames_u, frames_v))
    semi_u = np.broadcast_to(np.asarray(semi_u, dtype=float), (len(centres),))
    semi_v = np.broadcast_to(np.asarray(semi_v, dtype=float), (len(centres),))
    rings = (centres[:, None, :]
             + (semi_u[:, None] * c[None, :])[:, :, None] * frames_u[:, None, :]
             + (semi_v[:, None] * s[None, :])[:, :, None] * frames_v[:, None, :])
    return loft(list(rings), name)


def merge(meshes: Sequence[Mesh], name: str = "") -> Mesh:
    """Concatenate meshes into one (each stays a separate closed shell)."""
    verts, faces, offset = [], [], 0
    for m in meshes:
        verts.append(m.vertices)
        faces.append(m.faces + offset)
        offset += len(m.vertices)
    if not verts:
        return Mesh(np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64), name)
    return Mesh(np.vstack(verts), np.vstack(faces), name)


def volume(mesh: Mesh) -> float:
    """Signed volume (positive when the faces point outwards), in cubic millimetres."""
    v = mesh.vertices[mesh.faces]
    return float(np.einsum("ij,ij->i", v[:, 0], cross3(v[:, 1], v[:, 2])).sum() / 6.0)


def watertight_problems(mesh: Mesh) -> list[str]:
    """Return why ``mesh`` is not a closed, consistently oriented 2-manifold (empty if it is).

    Checks: every directed edge occurs once and its reverse once (closed and
    consistently oriented), no degenerate triangles, positive enclosed volume.
    """
    problems = []
    f = mesh.faces
    if len(f) == 0:
        return ["no faces"]
    directed = np.vstack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    if np.any(directed[:, 0] == directed[:, 1]):
        problems.append("degenerate triangle (repeated vertex index)")
    n = len(mesh.vertices)
    code = directed[:, 0].astype(np.int64) * n + directed[:, 1]
    uniq, counts = np.unique(code, return_counts=True)
    if np.any(counts > 1):
        problems.append(f"{int(np.sum(counts > 1))} directed edges used twice (inconsistent winding)")
    reverse = directed[:, 1].astype(np.int64) * n + directed[:, 0]
    missing = ~np.isin(reverse, uniq)
    if np.any(missing):
        problems.append(f"{int(missing.sum())} edges without a partner face (open boundary)")
    v = mesh.vertices[f]
    areas = 0.5 * np.linalg.norm(np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0]), axis=1)
    if np.any(areas < 1e-12):
        problems.append(f"{int(np.sum(areas < 1e-12))} zero-area triangles")
    if volume(mesh) <= 0:
        problems.append("enclosed volume is not positive (faces point inwards)")
    return problems


def contains(mesh: Mesh, points: np.ndarray) -> np.ndarray:
    """Return a boolean per point: whether it lies inside the closed ``mesh``.

    Uses the generalised winding number (sum of signed solid angles of the
    triangles, Van Oosterom & Strackee 1983): about 1 inside, 0 outside.
    """
    points = np.atleast_2d(np.asarray(points, dtype=float))
    tri = mesh.vertices[mesh.faces]
    lo, hi = mesh.bounds()
    out = np.zeros(len(points), dtype=bool)
    chunk = max(1, 200_000 // max(1, len(tri)))
    candidates = np.where(np.all((points >= lo - 1e-9) & (points <= hi + 1e-9), axis=1))[0]
    for start in range(0, len(candidates), chunk):
        sel = candidates[start:start + chunk]
        p = points[sel][:, None, None, :]
        r = tri[None, :, :, :] - p  # (P, F, 3, 3)
        a, b, c = r[:, :, 0], r[:, :, 1], r[:, :, 2]
        la, lb, lc = (np.linalg.norm(x, axis=-1) for x in (a, b, c))
        num = np.einsum("pfi,pfi->pf", a, np.cross(b, c))
        den = (la * lb * lc + np.einsum("pfi,pfi->pf", a, b) * lc
               + np.einsum("pfi,pfi->pf", b, c) * la + np.einsum("pfi,pfi->pf", c, a) * lb)
        wn = np.arctan2(num, den).sum(axis=1) / (2.0 * np.pi)
        out[sel] = wn > 0.5
    return out


def _segments_hit_triangles(p0: np.ndarray, p1: np.ndarray, tri: np.ndarray) -> bool:
    """Return True if any segment p0[i]-p1[i] crosses any triangle (vectorised).

    A segment crosses a triangle when its end points lie strictly on opposite
    sides of the triangle's plane and the crossing point lies inside the
    triangle (barycentric test). Segments lying in or parallel to the plane do
    not count, which keeps touching surfaces from reading as crossings.
    """
    if len(p0) == 0 or len(tri) == 0:
        return False
    v0 = tri[:, 0]
    e1, e2 = tri[:, 1] - v0, tri[:, 2] - v0
    n = np.cross(e1, e2)
    nn = np.einsum("fi,fi->f", n, n)
    good = nn > 1e-18
    v0, e1, e2, n, nn = v0[good], e1[good], e2[good], n[good], nn[good]
    n_len = np.sqrt(nn)
    chunk = max(1, 100_000 // max(1, len(v0)))
    for start in range(0, len(p0), chunk):
        a, b = p0[start:start + chunk], p1[start:start + chunk]
        da = (np.einsum("sj,fj->sf", a, n) - np.einsum("fj,fj->f", v0, n)) / n_len
        db = (np.einsum("sj,fj->sf", b, n) - np.einsum("fj,fj->f", v0, n)) / n_len
        cand = (da * db < 0) & (np.abs(da) > 1e-9) & (np.abs(db) > 1e-9)
        if not np.any(cand):
            continue
        si, fi = np.nonzero(cand)
        t = da[si, fi] / (da[si, fi] - db[si, fi])
        x = a[si] + t[:, None] * (b[si] - a[si]) - v0[fi]
        # barycentric coordinates of x in (e1, e2)
        d00 = np.einsum("ij,ij->i", e1[fi], e1[fi])
        d01 = np.einsum("ij,ij->i", e1[fi], e2[fi])
        d11 = np.einsum("ij,ij->i", e2[fi], e2[fi])
        d20 = np.einsum("ij,ij->i", x, e1[fi])
        d21 = np.einsum("ij,ij->i", x, e2[fi])
        den = d00 * d11 - d01 * d01
        v = (d11 * d20 - d01 * d21) / den
        w = (d00 * d21 - d01 * d20) / den
        if np.any((v >= 0) & (w >= 0) & (v + w <= 1)):
            return True
    return False


def _edges(mesh: Mesh) -> np.ndarray:
    f = mesh.faces
    e = np.vstack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    e = np.sort(e, axis=1)
    return np.unique(e, axis=0)


def intersects(a: Mesh, b: Mesh) -> bool:
    """Return whether two closed meshes share volume (surfaces cross, or one holds the other).

    A strict test: an edge of either mesh crossing a triangle of the other, or a
    vertex of one inside the other. Surfaces that only touch may go either way,
    so the model keeps a small gap wherever parts must not meet.
    """
    lo_a, hi_a = a.bounds()
    lo_b, hi_b = b.bounds()
    if np.any(lo_a > hi_b) or np.any(lo_b > hi_a):
        return False
    lo, hi = np.maximum(lo_a, lo_b), np.minimum(hi_a, hi_b)

    def crossing(m: Mesh, other: Mesh) -> bool:
        e = _edges(m)
        p0, p1 = m.vertices[e[:, 0]], m.vertices[e[:, 1]]
        keep = ~(np.any(np.minimum(p0, p1) > hi, axis=1) | np.any(np.maximum(p0, p1) < lo, axis=1))
        tri = other.vertices[other.faces]
        tkeep = ~(np.any(tri.min(axis=1) > hi, axis=1) | np.any(tri.max(axis=1) < lo, axis=1))
        return _segments_hit_triangles(p0[keep], p1[keep], tri[tkeep])

    if crossing(a, b) or crossing(b, a):
        return True
    # no surface crossing: one may still sit wholly inside the other
    return bool(contains(b, a.vertices[:1])[0] or contains(a, b.vertices[:1])[0])


def section_points(mesh: Mesh, origin: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Points where the mesh's edges cross the plane through ``origin`` with ``normal``."""
    normal = np.asarray(normal, float) / np.linalg.norm(normal)
    e = _edges(mesh)
    d = (mesh.vertices - np.asarray(origin, float)) @ normal
    d0, d1 = d[e[:, 0]], d[e[:, 1]]
    cross = d0 * d1 < 0
    e, d0, d1 = e[cross], d0[cross], d1[cross]
    t = d0 / (d0 - d1)
    pts = mesh.vertices[e[:, 0]] + t[:, None] * (mesh.vertices[e[:, 1]] - mesh.vertices[e[:, 0]])
    used = np.unique(mesh.faces)
    return np.vstack([pts, mesh.vertices[used][np.abs(d[used]) < 1e-12]])


def section_extent(mesh: Mesh, origin: np.ndarray, normal: np.ndarray, direction: np.ndarray) -> float:
    """Width of the mesh's cross-section in a plane, measured along ``direction``.

    The plane passes through ``origin`` with ``normal``; ``direction`` lies in the
    plane. The section is where the triangle edges cross the plane; the result is
    the spread (max - min) of those crossing points projected on ``direction``.
    """
    direction = np.asarray(direction, float) / np.linalg.norm(direction)
    pts = section_points(mesh, origin, normal)
    if len(pts) == 0:
        return 0.0
    proj = pts @ direction
    return float(proj.max() - proj.min())


# --------------------------------------------------------------------------- 2-D convex geometry


def halfplanes(poly: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the outward unit normals and offsets of a convex polygon's edges (either winding)."""
    nxt = roll_next(poly)
    area = 0.5 * np.sum(poly[:, 0] * nxt[:, 1] - nxt[:, 0] * poly[:, 1])
    if area < 0:
        poly = poly[::-1]
        nxt = roll_next(poly)
    e = nxt - poly
    n = np.column_stack([e[:, 1], -e[:, 0]]) / np.linalg.norm(e, axis=1, keepdims=True)
    return n, np.einsum("ij,ij->i", poly, n)


def point_in_convex(poly: np.ndarray | tuple[np.ndarray, np.ndarray], pts: np.ndarray,
                     margin: float = 0.0) -> np.ndarray:
    """Return, per point, whether it is inside the convex polygon grown by ``margin`` (negative: shrunk).

    ``poly`` is the polygon's vertices, or its :func:`halfplanes` when testing often.
    """
    n, c = halfplanes(poly) if isinstance(poly, np.ndarray) else poly
    return np.all(pts @ n.T - c < margin, axis=1)


def convex_hull_2d(points: np.ndarray) -> np.ndarray:
    """Return the convex hull of 2-D points (monotone chain), counter-clockwise, not closed."""
    pts = np.asarray(points, dtype=float)
    if len(pts) > 8:  # Akl-Toussaint: drop points inside the quadrilateral of extreme points
        quad = pts[[pts[:, 0].argmin(), pts[:, 1].argmin(), pts[:, 0].argmax(), pts[:, 1].argmax()]]
        quad = np.unique(quad, axis=0)
        if len(quad) >= 3:
            quad = quad[np.argsort(np.arctan2(*(quad - quad.mean(axis=0)).T[::-1]))]
            pts = pts[~point_in_convex(quad, pts, margin=-1e-9)]
            pts = np.vstack([pts, quad])
    pts = np.unique(np.round(pts, 6), axis=0)
    if len(pts) < 3:
        return pts

    def half(seq):
        # plain floats, not numpy scalars: the same arithmetic, twenty times faster per point
        out: list[tuple[float, float]] = []
        for px, py in seq:
            while len(out) >= 2:
                (ax, ay), (bx, by) = out[-2], out[-1]
                if (bx - ax) * (py - ay) - (by - ay) * (px - ax) > 0:
                    break
                out.pop()
            out.append((px, py))
        return out

    seq = pts.tolist()
    lower, upper = half(seq), half(seq[::-1])
    return np.array(lower[:-1] + upper[:-1], dtype=float)
