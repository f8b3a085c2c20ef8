"""The sacrum below S1 and the iliac wings, in outline: the frame for L5-S1 access and counting.

Both are drawn in the spine's world frame (``z`` vertical). What fixes them:

- the **iliac crests**: the top of each crest lies at the height of the
  intercristal line, which a cited imaging study places at L4 or the L4-L5 disc
  in most adults (``spine_morphometry``: ``intercristal_line_level_imaging``);
  the model draws it at the lower endplate of L4 plus the assumption
  ``iliac_crest_offset``. How far the crests reach sideways
  (``iliac_crest_half_width``) and the wings' form are illustrative;
- the **sacrum** continues the S1 body downwards and backwards, tapering to the
  coccyx and curving forwards (assumption ``sacrum_length``).
"""

from __future__ import annotations

import functools

import numpy as np

from widgets.anatomy.mesh import Mesh, Pose, loft
from widgets.anatomy.morphometry import LevelDimensions, series_label
from widgets.anatomy.neural import catmull_rom
from widgets.core.assumptions import assumption
from widgets.core.data import data_dir, load_table

__all__ = ["crest_source", "iliac_wing", "sacrum"]


@functools.cache
def _crest_row(directory: str) -> dict:
    t = load_table("spine_morphometry")
    rows = t[t["measure"] == "intercristal_line_level_imaging"].to_dict("records")
    if not rows:
        raise ValueError("spine_morphometry: no intercristal_line_level_imaging row")
    return rows[0]


def crest_source() -> str:
    """One line a student reads: where imaging puts the intercristal line, with its source."""
    r = _crest_row(str(data_dir()))
    return (f"on imaging the intercristal line crossed {r['level']} in {r['value']:g}% of"
            f" {r['n']} ({series_label(r['source_key'])})")


def sacrum(s1: LevelDimensions) -> Mesh:
    """Return the sacrum and coccyx below the S1 body, in S1's local frame (outline)."""
    length = assumption("sacrum_length").value
    hp, width, depth = s1.v("body_height_posterior"), s1.v("body_width"), s1.v("body_depth")
    n_st = 12
    u = np.linspace(0.0, 1.0, n_st)
    bend = np.radians(55.0) * u ** 1.5  # the lower sacrum and coccyx curve forwards
    step = length / (n_st - 1)
    direction = np.column_stack([np.zeros(n_st), np.sin(bend), -np.cos(bend)])
    centre = np.array([0.0, 0.5 * depth, -hp / 2.0 + 3.0]) + np.vstack(
        [np.zeros(3), np.cumsum(direction[:-1] * step, axis=0)])
    half_w = 0.5 * (1.9 * width * (1.0 - u) ** 1.1 + 12.0 * u + 2.0 * (1.0 - u))
    half_d = 0.5 * (0.62 * depth * (1.0 - u) + 7.0 * u)
    t = np.linspace(0.0, 2.0 * np.pi, 40, endpoint=False)
    rings = []
    for i in range(n_st):
        up = np.array([0.0, np.cos(bend[i]), np.sin(bend[i])])  # anterior, in the section
        c, sn = np.cos(t), np.sin(t)
        x = half_w[i] * np.sign(c) * np.abs(c) ** 0.6
        y = half_d[i] * np.sign(sn) * np.abs(sn) ** 0.9
        rings.append(centre[i] + np.outer(x, [1.0, 0.0, 0.0]) + np.outer(y, up))
    return loft(rings, "sacrum")


def iliac_wing(side: float, s1: LevelDimensions, s1_pose: Pose, crest_z: float,
               name: str) -> Mesh:
    """One iliac wing as a thin curved plate (world frame), its crest's top at ``crest_z``."""
    half = assumption("iliac_crest_half_width").value
    hp, width, depth = s1.v("body_height_posterior"), s1.v("body_width"), s1.v("body_depth")
    ala = width / 2.0 - 4.0 + 1.5 * s1.v("transverse_length")
    centre = s1_pose.apply(np.array([0.0, depth / 2.0, 0.0]))
    bottom = s1_pose.apply(np.array([0.0, depth / 2.0, -hp / 2.0]))[2]
    yc = centre[1]
    x_si = ala + 4.0
    # the crest, from the posterior superior iliac spine to the anterior superior iliac spine
    crest = np.array([[x_si + 6.0, yc - 42.0, crest_z - 28.0],
                      [0.62 * half, yc - 30.0, crest_z],
                      [0.92 * half, yc - 5.0, crest_z - 4.0],
                      [half, yc + 25.0, crest_z - 14.0],
                      [0.9 * half, yc + 50.0, crest_z - 34.0]])
    # the lower edge: the sacroiliac joint behind, narrowing towards the hip joint in front
    base = np.array([[x_si, yc - 34.0, bottom - 18.0],
                     [x_si + 1.0, yc - 20.0, bottom - 24.0],
                     [x_si + 8.0, yc - 4.0, bottom - 34.0],
                     [0.52 * half, yc + 14.0, bottom - 44.0],
                     [0.6 * half, yc + 30.0, bottom - 50.0]])
    nu, nv = 21, 7
    uu = np.linspace(0.0, 1.0, nu)

    def along(curve: np.ndarray) -> np.ndarray:
        smooth = catmull_rom(curve, 12)
        d = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(smooth, axis=0), axis=1))]
        return np.column_stack([np.interp(uu * d[-1], d, smooth[:, k]) for k in range(3)])

    top, low = along(crest), along(base)
    vv = np.linspace(0.0, 1.0, nv)
    surf = low[:, None, :] + vv[None, :, None] * (top - low)[:, None, :]
    # the iliac fossa: the wing is hollow on its inner face
    surf[:, :, 0] += (10.0 * np.sin(np.pi * vv)[None, :] * np.sin(np.pi * uu)[:, None])
    du = np.gradient(surf, axis=0)
    dv = np.gradient(surf, axis=1)
    normal = np.cross(du, dv)
    normal /= np.linalg.norm(normal, axis=2, keepdims=True)
    normal *= np.sign(normal[..., 0:1] + 1e-9)  # lateral
    thick = 3.5 + 2.5 * vv[None, :, None] ** 4  # thicker at the crest
    rings = []
    for i in range(nu):
        outer = surf[i] + normal[i] * thick[0]
        inner = surf[i] - normal[i] * thick[0]
        rings.append(np.vstack([outer, inner[::-1]]))
    mesh = loft(rings, name)
    if side < 0:
        v = mesh.vertices * np.array([-1.0, 1.0, 1.0])
        mesh = Mesh(v, mesh.faces[:, ::-1].copy(), name)
    return mesh
