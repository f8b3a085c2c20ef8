"""Soft tissue of the stack: nerve roots with their ganglia, and the ligamentum flavum.

Nerves are smooth tubes of varying radius along smooth paths (centripetal
Catmull-Rom splines through a few anatomical way-points), not polylines:

- each **root** leaves the dural sac at the disc above its own vertebra, runs
  down the lateral recess (where it is the *traversing* root of that disc), turns
  under its own pedicle and leaves through the foramen below it (the *exiting*
  root), swelling into its **dorsal root ganglion** in the foramen;
- the **ligamentum flavum** spans the gap between neighbouring laminae, its
  front flush with the back of the canal.

Sizes are assumptions (``data/assumptions.yaml``): root and ganglion diameters,
flavum thickness. Paths are kept clear of bone and disc (checked by
:func:`widgets.anatomy.checks.collisions`).
"""

from __future__ import annotations

import numpy as np

from widgets.anatomy.body import posterior_wall_y
from widgets.anatomy.mesh import Mesh, Pose, loft, merge, sweep
from widgets.anatomy.morphometry import LEVELS
from widgets.anatomy.vertebra import Vertebra

__all__ = ["catmull_rom", "flavum", "ganglion", "root_path", "tube"]

_K = 16


def catmull_rom(points: np.ndarray, per_segment: int = 8) -> np.ndarray:
    """Return a smooth curve through ``points`` (centripetal Catmull-Rom: no loops, little overshoot)."""
    p = np.asarray(points, float)
    p = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        t0 = 0.0
        t1 = t0 + np.linalg.norm(p1 - p0) ** 0.5 + 1e-9
        t2 = t1 + np.linalg.norm(p2 - p1) ** 0.5 + 1e-9
        t3 = t2 + np.linalg.norm(p3 - p2) ** 0.5 + 1e-9
        t = np.linspace(t1, t2, per_segment, endpoint=False)[:, None]
        a1 = (t1 - t) / (t1 - t0) * p0 + (t - t0) / (t1 - t0) * p1
        a2 = (t2 - t) / (t2 - t1) * p1 + (t - t1) / (t2 - t1) * p2
        a3 = (t3 - t) / (t3 - t2) * p2 + (t - t2) / (t3 - t2) * p3
        b1 = (t2 - t) / (t2 - t0) * a1 + (t - t0) / (t2 - t0) * a2
        b2 = (t3 - t) / (t3 - t1) * a2 + (t - t1) / (t3 - t1) * a3
        out.append((t2 - t) / (t2 - t1) * b1 + (t - t1) / (t2 - t1) * b2)
    out.append(p[-2][None])
    return np.vstack(out)


def _frames(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rotation-minimising unit vectors (u, v) perpendicular to a polyline at each point."""
    n = len(points)
    tang = np.gradient(points, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tang[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    u = ref - (ref @ tang[0]) * tang[0]
    us, vs = [], []
    for i in range(n):
        u = u - (u @ tang[i]) * tang[i]
        u /= np.linalg.norm(u)
        us.append(u)
        vs.append(np.cross(tang[i], u))
    return np.array(us), np.array(vs)


def tube(points: np.ndarray, radius: np.ndarray | float, name: str, k: int = _K) -> Mesh:
    """Return a closed tube along ``points`` with a radius per point (rounded ends)."""
    pts = np.asarray(points, float)
    r = np.broadcast_to(np.asarray(radius, float), (len(pts),)).copy()
    # round the two ends: short caps shrinking to a point-like ring
    d0 = pts[0] - pts[1]
    d0 /= np.linalg.norm(d0)
    d1 = pts[-1] - pts[-2]
    d1 /= np.linalg.norm(d1)
    caps0 = [pts[0] + d0 * r[0] * np.sin(a) for a in (0.9, 0.5)]
    caps1 = [pts[-1] + d1 * r[-1] * np.sin(a) for a in (0.5, 0.9)]
    rad0 = [r[0] * np.cos(a) for a in (0.9, 0.5)]
    rad1 = [r[-1] * np.cos(a) for a in (0.5, 0.9)]
    allp = np.vstack([caps0, pts, caps1])
    allr = np.concatenate([rad0, r, rad1])
    u, v = _frames(allp)
    return sweep(allp, u, v, allr, allr, k, name)


def root_path(vert: Vertebra, side: str, s: float, sac: tuple[float, float, float],
              z_start: float, radius: float, ganglion_r: float) -> np.ndarray:
    """Way-points of one root in its vertebra's frame: sac, lateral recess, under the pedicle, out.

    Returns the smoothed path (n x 3). The segment under the pedicle sits low
    enough for the ganglion (radius ``ganglion_r``) to clear the pedicle.
    """
    d = vert.dims
    ax = vert.pedicles[side]
    cw, ph, w = d.v("canal_width"), d.v("pedicle_height"), ax.width
    a, _, yc = sac
    z_i = float(ax.isthmus_centre[2])
    x_rec = cw / 2.0 - radius - 0.9
    y_rec = min(posterior_wall_y(d, x_rec + radius), 0.0) - radius - 1.0
    z_root = z_i - ph / 2.0 - radius - 1.2
    pts = [(s * 0.35 * a, yc, z_start),
           (s * 0.75 * x_rec, 0.5 * (yc + y_rec), 0.5 * (z_start + z_i)),
           (s * x_rec, y_rec, z_i),
           (s * x_rec, y_rec, 0.5 * (z_i + z_root))]
    if vert.level == LEVELS[-1]:
        pts += [(s * x_rec, y_rec - 1.0, z_root), (s * x_rec, y_rec - 2.0, z_root - 5.0)]
        return catmull_rom(np.array(pts))
    x_iso = abs(float(ax.isthmus_centre[0]))
    z_g = z_i - ph / 2.0 - ganglion_r - 0.9
    y_g = min(posterior_wall_y(d, x_iso), 0.0) - ganglion_r - 0.8
    x_out = x_iso + (w / 2.0) * np.cos(np.radians(d.v("pedicle_transverse_angle"))) + 6.0
    pts += [(s * (x_rec + 0.5 * (x_iso - x_rec)), y_rec, 0.5 * (z_root + z_g)),
            (s * x_iso, y_g, z_g),
            (s * x_out, y_rec + 1.0, z_g - 3.0)]
    # beyond the foramen the root runs forwards, outwards and down, clear of the body
    x_far = max(x_out, d.v("body_width") / 2.0 + 6.0)
    pts += [(s * (x_far + 3.0), 0.2 * d.v("body_depth"), z_g - 6.5),
            (s * (x_far + 7.0), 0.42 * d.v("body_depth"), z_g - 10.0)]
    return catmull_rom(np.array(pts))


def ganglion(path: np.ndarray, centre: np.ndarray, radius: float, length: float, name: str
             ) -> Mesh:
    """Return a spindle of ``radius`` and ``length`` on ``path``, centred where the path passes ``centre``."""
    i = int(np.argmin(np.linalg.norm(path - centre, axis=1)))
    seg = np.cumsum(np.r_[0.0, np.linalg.norm(np.diff(path, axis=0), axis=1)])
    s0 = seg[i]
    sel = np.abs(seg - s0) <= length / 2.0
    pts = path[sel]
    if len(pts) < 3:
        pts = path[max(i - 2, 0):i + 3]
    fine = np.linspace(0, 1, 14)
    along = np.cumsum(np.r_[0.0, np.linalg.norm(np.diff(pts, axis=0), axis=1)])
    along /= along[-1]
    pts = np.column_stack([np.interp(fine, along, pts[:, k]) for k in range(3)])
    r = radius * np.sin(np.pi * np.clip(fine, 0.04, 0.96)) ** 0.7
    return tube(pts, r, name, k=_K)


def flavum(upper: Vertebra, lower: Vertebra, lower_to_upper: Pose, thickness: float) -> Mesh:
    """Return the ligamentum flavum between two laminae, in ``upper``'s frame (two halves, one mesh).

    Each half is a band whose front lies on the back of the canal (the line from
    the pillar to the midline); it runs from inside the upper lamina's lower edge
    to inside the lower lamina's upper edge.
    """

    def band(vert: Vertebra, s: float, z: float) -> np.ndarray:
        d = vert.dims
        apex = np.array([0.0, -d.v("canal_depth")])
        pil = np.array([s * vert.landmarks["pillar_x"], -d.v("pedicle_span")])
        u = (pil - apex) / np.linalg.norm(pil - apex)
        n = np.array([u[1], -u[0]]) * (-s)
        if n[1] > 0:
            n = -n
        a = apex - u * 0.4
        b = pil - u * 1.0
        quad = np.array([a, b, b + n * thickness, a + n * thickness])
        return np.column_stack([quad, np.full(4, z)])

    halves = []
    for s in (1.0, -1.0):
        top = band(upper, s, float(upper.landmarks["lamina_bottom"]) + 2.5)
        bottom = lower_to_upper.apply(band(lower, s, float(lower.landmarks["lamina_top"]) - 2.5))
        mid = 0.5 * (top + bottom)
        halves.append(loft([bottom, mid, top], "ligamentum_flavum"))
    return merge(halves, "ligamentum_flavum")
