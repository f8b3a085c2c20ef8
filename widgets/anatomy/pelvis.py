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

from widgets.anatomy.implicit import mesh_field
from widgets.anatomy.implicit import smooth_union as smooth_min
from widgets.anatomy.mesh import Mesh, Pose, loft
from widgets.anatomy.morphometry import LevelDimensions, series_label
from widgets.anatomy.neural import catmull_rom
from widgets.core.assumptions import assumption
from widgets.core.data import data_dir, load_table

__all__ = ["crest_source", "iliac_wing", "sacral_axis", "sacrum"]


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


#: Grid spacing (mm) of the marching cubes that mesh the sacrum.
SACRUM_STEP = 2.0
_SACRUM_SHARE = 0.75  # the sacrum's share of the drawn length; the rest is the coccyx


def sacral_axis(s1: LevelDimensions, n: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the sacrum's curved axis in S1's frame: arc fractions, points, unit tangents (down).

    It starts at the middle of the lower endplate of S1 and turns forwards by
    ``sacral_kyphosis`` in all, more in its lower part (the coccyx continues the curve).
    """
    length = assumption("sacrum_length").value
    kyph = np.radians(assumption("sacral_kyphosis").value)
    u = np.linspace(0.0, 1.0, n)
    bend = kyph * u ** 1.5
    tangent = np.column_stack([np.zeros(n), np.sin(bend), -np.cos(bend)])
    start = np.array([0.0, 0.5 * s1.v("body_depth"), -0.5 * s1.v("body_height_posterior")])
    mid = 0.5 * (tangent[1:] + tangent[:-1]) * (length / (n - 1))
    points = start + np.vstack([np.zeros(3), np.cumsum(mid, axis=0)])
    return u, points, tangent


def _ellipse2(x: np.ndarray, v: np.ndarray, cv: np.ndarray, a: np.ndarray, b: np.ndarray
              ) -> np.ndarray:
    """Approximate distance to ellipses (centre (0, cv), semi-axes a, b), one per point."""
    k = np.sqrt((x / a) ** 2 + ((v - cv) / b) ** 2)
    return (k - 1.0) * np.minimum(a, b)


def _rect2(x: np.ndarray, v: np.ndarray, half_w: np.ndarray, v_lo: np.ndarray, v_hi: np.ndarray,
           r: float) -> np.ndarray:
    """Distance to rectangles |x| <= half_w, v_lo <= v <= v_hi, corners rounded by ``r``."""
    dx = np.abs(x) - half_w + r
    dv = np.abs(v - 0.5 * (v_lo + v_hi)) - 0.5 * (v_hi - v_lo) + r
    out = np.hypot(np.maximum(dx, 0.0), np.maximum(dv, 0.0))
    return out + np.minimum(np.maximum(dx, dv), 0.0) - r


def _sacrum_sections(s1: LevelDimensions, u: np.ndarray) -> dict[str, np.ndarray]:
    """Sizes of the sacrum's cross-section along its axis (mm; ``v`` forwards of the axis).

    The outline: the fused bodies in front; behind them the sacral canal, roofed
    by the fused laminae with the median crest on the midline; on each side the
    lateral masses, as wide as ``sacrum_base_width_to_body_width`` times the S1
    body at the top, narrowing to the width of the bodies at the apex. Below
    the sacrum the coccyx is a tapering rod. The fractions of the S1 sizes that
    shape the section are the outline's drawing, not measurements.
    """
    w, depth = s1.v("body_width"), s1.v("body_depth")
    cw, cd, t = s1.v("canal_width"), s1.v("canal_depth"), s1.v("lamina_thickness")
    base = assumption("sacrum_base_width_to_body_width").value
    us = np.clip(u / _SACRUM_SHARE, 0.0, 1.0)  # 0 at S1, 1 at the apex of the sacrum
    uc = np.clip((u - _SACRUM_SHARE) / (1.0 - _SACRUM_SHARE), 0.0, 1.0)  # along the coccyx
    body_a = 0.5 * w * (0.85 - 0.5 * us)
    body_b = 0.5 * depth * (0.9 - 0.5 * us)
    # the coccyx: a tapering rod of small segments (commonly four), waisted between them
    waist = 1.0 - 0.18 * np.sin(np.pi * 4.0 * uc) ** 2
    body_a = body_a * (1.0 - 0.6 * uc) * waist
    body_b = body_b * (1.0 - 0.4 * uc) * waist
    # the canal, the dorsal wall and the lateral masses shrink into the bodies at the apex
    fade = np.sqrt(1.0 - us)
    canal_b = np.maximum(0.5 * 0.65 * cd * (1.0 - 0.6 * us) * fade, 0.3)
    canal_c = -(body_b + 1.5 + canal_b) * fade
    back = np.minimum(canal_c - canal_b - t * (1.0 - 0.4 * us) * fade, -0.8 * body_b)
    return {
        "body_a": body_a, "body_b": body_b,
        "mass_w": body_a * (1.0 - 0.2 * us) + (0.5 * base * w - 0.5 * w * 0.85) * (1.0 - us ** 1.6),
        "mass_front": 0.1 * body_b, "mass_back": back,
        "canal_a": np.maximum(0.45 * cw * (1.0 - 0.6 * us) * fade, 0.3), "canal_b": canal_b,
        "canal_c": canal_c, "crest_c": back - 1.0, "crest_a": np.full_like(u, 0.4 * t),
        "crest_b": np.maximum(0.5 * t * (1.0 - us), 0.3),
    }


def sacrum(s1: LevelDimensions, *, lamina_bottom: float | None = None) -> Mesh:
    """Return the sacrum and coccyx below the S1 body, in S1's local frame (outline).

    ``lamina_bottom``: the height of the lower edge of the S1 lamina; the parts
    behind the body start there (default: the lower endplate of S1).

    A signed-distance field swept along the curved sacral axis
    (:func:`sacral_axis`), meshed by marching cubes: a wedge, broad at the top
    and tapering to the coccyx, concave in front (the sacral kyphosis), with the
    canal carved out behind the bodies and the median crest on its back.
    """
    u, pts, tan = sacral_axis(s1)
    sec = _sacrum_sections(s1, u)
    fwd = np.column_stack([np.zeros(len(u)), -tan[:, 2], tan[:, 1]])  # forwards, in the section
    hp = s1.v("body_height_posterior")
    below_lamina = min(-hp / 2.0, -hp / 2.0 if lamina_bottom is None else float(lamina_bottom))

    def field(p: np.ndarray) -> np.ndarray:
        # the axis lies in the midsagittal plane: the nearest axis point depends on (y, z) only
        # (on a grid the same (y, z) recur for every x: solve them once)
        block = int(np.count_nonzero(p[:, 0] == p[0, 0]))
        if len(p) % block == 0 and np.array_equal(
                p[:, 1:].reshape(-1, block, 2), np.broadcast_to(p[:block, 1:], (len(p) // block,
                                                                                block, 2))):
            yz, inv = p[:block, 1:], np.tile(np.arange(block), len(p) // block)
        else:
            yz, inv = np.unique(p[:, 1:], axis=0, return_inverse=True)
        near = np.argmin(((yz[:, None, :] - pts[None, :, 1:]) ** 2).sum(axis=2), axis=1)
        near = near[inv.reshape(-1)]
        rel = p - pts[near]
        x = rel[:, 0]
        v = np.einsum("ij,ij->i", rel, fwd[near])
        along = np.einsum("ij,ij->i", rel, tan[near])
        g = {k: a[near] for k, a in sec.items()}
        far = 1e3  # outside every part (finite, so the smooth blends stay finite)
        body = _ellipse2(x, v, 0.0, g["body_a"], g["body_b"])
        mass = _rect2(x, v, g["mass_w"], g["mass_back"], g["mass_front"], 4.0)
        crest = _ellipse2(x, v, g["crest_c"], g["crest_a"], g["crest_b"])
        bone = smooth_min(smooth_min(body, mass, 3.0), crest, 2.0)
        bone = np.maximum(bone, -_ellipse2(x, v, g["canal_c"], g["canal_a"], g["canal_b"]))
        # the sacrum meets the S1 body 2 mm inside it; behind the body (the canal and its
        # roof) it starts below the S1 lamina, leaving the S1 canal and its contents open
        top = np.where(p[:, 1] < 0.0, p[:, 2] - below_lamina, p[:, 2] + hp / 2.0 - 2.0)
        tip = np.where(near == len(u) - 1, along, -far)  # a rounded end at the coccyx
        return np.maximum(np.maximum(bone, top), tip)

    reach = np.array([sec["mass_w"].max(), 0.0, 0.0]) + 3.0
    lo = np.minimum(pts.min(axis=0) - reach, pts.min(axis=0) + [0.0, sec["mass_back"].min() - 6.0,
                                                                  -6.0])
    hi = np.maximum(pts.max(axis=0) + reach, pts.max(axis=0) + [0.0, sec["body_b"].max() + 3.0,
                                                                  0.0])
    lo[1] = min(lo[1], pts[:, 1].min() + sec["mass_back"].min() - 4.0)
    hi[2] = max(hi[2], -hp / 2.0 + 4.0)
    return mesh_field(field, lo, hi, SACRUM_STEP, "sacrum")


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
