"""The posterior arch as one smooth bone: laminae, spinous process, transverse processes, facets.

The arch is a signed-distance field of blended primitives
(:mod:`widgets.anatomy.implicit`), meshed by marching cubes into the named parts
the rest of the suite knows (``lamina``, ``spinous_process``,
``transverse_process_left``/``right`` or, at S1, ``ala_left``/``right``, and
``superior_facet_left``/``right``). Each part keeps the place and size the
cited data and the assumptions give it (the same envelopes as the schematic
model had); what changes is the form:

- each **lamina** is a plate whose inner face runs from the back of the pedicle
  (the pillar) to the midline, meeting its partner at the back of the canal;
  a **pars** column joins it to the pedicle and to the articular processes;
- the **spinous process** is a hatchet: a thin blade from the laminae,
  thickened and taller at its tip;
- the **transverse processes** are flat tapering bars (S1: the sacral ala);
- the **articular processes** rise (superior) or hang (inferior) from the pars,
  each ending in a flat joint surface facing its partner across the joint space.

The canal is carved out exactly (no blend enters it), and each articular
process is clipped at its joint surface, so the joint space stays open.
Inferior articular processes belong to the vertebra above but are placed by
the joint with the vertebra below (:func:`inferior_process`).
"""

from __future__ import annotations

import functools

import numpy as np

from widgets.anatomy.implicit import (
    Prim,
    capsule,
    carve,
    ellipsoid,
    elliptic_plate,
    halfspace,
    mesh_field,
    mesh_regions,
    prism_sdf,
    rounded_box,
    smooth_union,
)
from widgets.anatomy.mesh import Mesh, Pose
from widgets.core.assumptions import assumption

__all__ = ["ARCH_STEP", "FacetSpec", "arch_meshes", "inferior_process", "pars_point"]

#: Grid spacing of the marching cubes (mm).
ARCH_STEP = 1.25
_BLEND = 3.0  # mm: the fillet where processes meet
_Z = np.array([0.0, 0.0, 1.0])


class FacetSpec(dict):
    """An articular process's joint surface: centre, normal (facing the joint), width direction, sizes."""

    def moved(self, pose: Pose) -> FacetSpec:
        """Return the spec in another frame."""
        out = FacetSpec(self)
        out["centre"] = pose.apply(self["centre"])
        out["normal"] = pose.apply_vector(self["normal"])
        out["t_dir"] = pose.apply_vector(self["t_dir"])
        out["up"] = pose.apply_vector(self.get("up", _Z))
        return out


def _box_prim(centre, axes, half, radius) -> Prim:
    centre = np.asarray(centre, float)
    ext = np.abs(np.asarray(axes, float)).T @ np.asarray(half, float)
    return Prim(functools.partial(rounded_box, centre=centre, axes=axes, half=half, radius=radius),
                centre - ext, centre + ext)


def _capsule_prim(a, b, ra, rb, squash=None) -> Prim:
    a, b = np.asarray(a, float), np.asarray(b, float)
    r = max(ra, rb)
    return Prim(functools.partial(capsule, a=a, b=b, ra=ra, rb=rb, squash=squash),
                np.minimum(a, b) - r, np.maximum(a, b) + r)


def _ellipsoid_prim(centre, radii) -> Prim:
    centre = np.asarray(centre, float)
    return Prim(functools.partial(ellipsoid, centre=centre, axes=np.eye(3), radii=radii),
                centre - np.asarray(radii, float), centre + np.asarray(radii, float))


def pars_point(g: dict, s: float, z: float) -> np.ndarray:
    """Return a point on the axis of the pars (the column behind the pedicle) at height ``z``."""
    return np.array([s * (g["pillar_x"] + 1.0), -g["span"] - 0.4 - g["pars_r"], z])


def _plate(spec: FacetSpec) -> tuple[callable, callable]:
    """Return the joint plate (a rounded box) and the half-space on its own side of its joint face."""
    n = np.asarray(spec["normal"], float)
    u = np.asarray(spec["t_dir"], float)
    up = np.asarray(spec.get("up", _Z), float)
    up = up - (up @ n) * n - (up @ u) * u
    up = up / np.linalg.norm(up)
    ft = spec["thickness"]
    axes = np.array([u, up, n])
    semi = (spec["width"] / 2.0, spec["height"] / 2.0)
    face = np.asarray(spec["centre"], float) + n * ft / 2.0

    def plate(p):
        return elliptic_plate(p, spec["centre"], axes, semi, ft / 2.0, min(1.6, ft / 2.0 - 0.1))

    def side(p):
        return halfspace(p, face, n)

    return plate, side


def _joint_process(spec: FacetSpec, root: np.ndarray, radius: float):
    """Return a process: its plate, joined to ``root`` by a stem, never crossing its joint face."""
    plate, side = _plate(spec)
    c = np.asarray(spec["centre"], float)
    n = np.asarray(spec["normal"], float)
    inner = c - n * 0.5 * spec["thickness"]  # the stem ends on the plate's back, not its face

    def field(p):
        stem = capsule(p, root, inner, radius, radius * 0.8)
        return np.maximum(smooth_union(plate(p), stem, _BLEND), side(p))

    ext = 0.5 * max(spec["width"], spec["height"]) + 1.0
    root = np.asarray(root, float)
    return Prim(field, np.minimum(c - ext, root - radius), np.maximum(c + ext, root + radius))


def _geometry(dims, landmarks: dict, axes: dict) -> dict:
    g = {"span": dims.v("pedicle_span"), "cd": dims.v("canal_depth"),
         "t": dims.v("lamina_thickness"), "pillar_x": landmarks["pillar_x"],
         "lam_top": landmarks["lamina_top"], "lam_bot": landmarks["lamina_bottom"],
         "apex_y": landmarks["lamina_apex_y"], "z_i": float(axes["left"].isthmus_centre[2])}
    g["pars_r"] = 0.45 * g["t"] + 0.8
    g["slope"] = np.radians(assumption("lamina_slope").value)
    g["taper"] = assumption("lamina_thickness_taper").value
    g["waist"] = assumption("pars_waist").value
    return g


def _lamina_frame(g: dict, s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Return the lamina's axial line: medial end, unit direction to the pillar, dorsal normal, length."""
    apex = np.array([0.0, -g["cd"]])
    pil = np.array([s * g["pillar_x"], -g["span"]])
    u2 = (pil - apex) / np.linalg.norm(pil - apex)
    n2 = np.array([u2[1], -u2[0]]) * (-s)
    if n2[1] > 0:
        n2 = -n2
    a = apex - u2 * 0.8 * g["t"]
    b = pil + u2 * 0.5  # ends at the pillar: the pars column carries it on
    return a, u2, n2, float(np.linalg.norm(b - a))


def lamina_inner_offset(g: dict, z: np.ndarray) -> np.ndarray:
    """How far the lamina's inner face lies behind the back of the canal at height ``z`` (mm).

    The lamina is tilted by ``lamina_slope`` about its mid-height: its upper half
    leans forwards (the canal, carved out, trims it), its lower half backwards,
    so its lower edge overlaps the lamina below like a roof tile. (Towards the
    pillar the forward lean fades out: see :func:`_lamina_prim`.)
    """
    zc = (g["lam_top"] + g["lam_bot"]) / 2.0
    return (zc - np.asarray(z, float)) * np.tan(g["slope"])


def _lamina_prim(g: dict, s: float) -> Prim:
    """One lamina: a sloping plate from the midline to the pillar, thickest at the midline."""
    a, u2, n2, length = _lamina_frame(g, s)
    t, taper = g["t"], g["taper"]
    lo_z, hi_z = g["lam_bot"], g["lam_top"]
    radius = 0.4 * t * (1.0 - taper)

    def field(p: np.ndarray) -> np.ndarray:
        rel = p[:, :2] - a
        qu = rel @ u2
        f = np.clip(qu / length, 0.0, 1.0)
        off = lamina_inner_offset(g, p[:, 2])
        # the upper half leans forwards only towards the midline: at the pillar it
        # stays behind the pedicle, off the corner of the canal
        qn = rel @ n2 - np.where(off < 0.0, off * (1.0 - f), off)
        thick = t * (1.0 + taper - 2.0 * taper * f)
        d = np.column_stack([np.abs(qu - length / 2.0) - length / 2.0,
                             np.abs(qn - thick / 2.0) - thick / 2.0,
                             np.abs(p[:, 2] - (hi_z + lo_z) / 2.0) - (hi_z - lo_z) / 2.0]) + radius
        return (np.linalg.norm(np.maximum(d, 0.0), axis=1) + np.minimum(d.max(axis=1), 0.0)
                - radius) * np.cos(g["slope"])

    shift = (hi_z - lo_z) / 2.0 * np.tan(g["slope"]) + t * (1.0 + taper)
    ends = [a + u2 * length * k + n2 * m for k in (0.0, 1.0) for m in (-shift, shift)]
    lo = np.r_[np.min(ends, axis=0), lo_z]
    hi = np.r_[np.max(ends, axis=0), hi_z]
    return Prim(field, lo, hi)


def _pars_prims(g: dict, s: float) -> list[Prim]:
    """Return the pars: a column behind the pedicle, narrowest between the articular processes."""
    r = g["pars_r"]
    bottom = g["lam_bot"] + r
    top = max(g["z_i"] + 2.0, g["lam_top"] - 1.0)
    waist = (g["lam_bot"] + r + 1.0 + g["z_i"] + 1.0) / 2.0  # between the IAP's and SAP's roots
    a, b, c = (pars_point(g, s, z) for z in (bottom, waist, top))
    return [_capsule_prim(a, b, r, r * g["waist"]), _capsule_prim(b, c, r * g["waist"], r)]


def _spinous_prims(dims, g: dict) -> list[Prim]:
    """Return the spinous process: a hatchet, taller at its free border, which is thickened."""
    sl, sh, st = dims.v("spinous_length"), dims.v("spinous_height"), dims.v("spinous_thickness")
    root_h = assumption("spinous_process_root_height").value * sh
    zc = (g["lam_top"] + g["lam_bot"]) / 2.0
    y0, y1 = g["apex_y"] - sl, g["apex_y"] + 2.0
    half_t, radius = 0.36 * st, 1.6

    r_tip = st / 2.0
    yb = y0 + r_tip  # the blade ends on the axis of its rounded, thickened free border

    def blade(p: np.ndarray) -> np.ndarray:
        f = np.clip((y1 - p[:, 1]) / (y1 - yb), 0.0, 1.0)  # 0 at the root, 1 at the border
        half_h = (root_h + (sh - root_h) * f) / 2.0
        d = np.column_stack([np.abs(p[:, 0]) - half_t,
                             np.abs(p[:, 1] - (yb + y1) / 2.0) - (y1 - yb) / 2.0,
                             np.abs(p[:, 2] - zc) - half_h]) + radius
        return np.linalg.norm(np.maximum(d, 0.0), axis=1) + np.minimum(d.max(axis=1), 0.0) - radius

    border = _capsule_prim(np.array([0.0, y0 + r_tip, zc - sh / 2.0 + r_tip]),
                           np.array([0.0, y0 + r_tip, zc + sh / 2.0 - r_tip]), r_tip, r_tip)
    return [Prim(blade, np.array([-half_t, yb, zc - sh / 2.0]),
                 np.array([half_t, y1, zc + sh / 2.0])), border]


def arch_meshes(dims, landmarks: dict, axes: dict, canal: np.ndarray,
                saps: dict[str, FacetSpec]) -> dict[str, Mesh]:
    """Mesh the arch of one vertebra (local frame) into its named parts."""
    g = _geometry(dims, landmarks, axes)
    level = dims.level
    span, cd, z_i = g["span"], g["cd"], g["z_i"]
    prims: dict[str, list] = {"lamina": []}
    for s in (1.0, -1.0):
        prims["lamina"].append(_lamina_prim(g, s))
        prims["lamina"].extend(_pars_prims(g, s))
    if level != "S1":
        prims["spinous_process"] = _spinous_prims(dims, g)
    tl, th, tt = (dims.v("transverse_length"), dims.v("transverse_height"),
                  dims.v("transverse_thickness"))
    hp = dims.v("body_height_posterior")
    for side, s in (("left", 1.0), ("right", -1.0)):
        if level == "S1":
            x0 = dims.v("body_width") / 2.0 - 4.0
            lo_z, hi_z = -hp / 2.0 + 1.0, hp / 2.0 - 9.0
            y_lo, y_hi = -2.0, dims.v("body_depth") * 0.5
            centre = np.array([s * (x0 + 0.75 * tl), (y_lo + y_hi) / 2.0, (lo_z + hi_z) / 2.0])
            half = (0.75 * tl, (y_hi - y_lo) / 2.0, (hi_z - lo_z) / 2.0)
            prims[f"ala_{side}"] = [_box_prim(centre, np.eye(3), half, min(3.5, half[2] - 0.2))]
        else:
            w = axes[side].width
            x_root = g["pillar_x"] + w * 0.5
            yc = -span - 1.0 - tt / 2.0
            a = np.array([s * (x_root - 3.0), yc, z_i])
            b = np.array([s * (x_root + tl - th * 0.4), yc - 1.0, z_i + 0.8])
            prims[f"transverse_process_{side}"] = [_capsule_prim(
                a, b, th / 2.0, th * 0.4, squash=(np.array([0.0, 1.0, 0.0]), tt / th))]
    for side, s in (("left", 1.0), ("right", -1.0)):
        spec = saps.get(side)
        if spec is None:
            continue
        root = pars_point(g, s, z_i + 1.0)
        prims[f"superior_facet_{side}"] = [_joint_process(spec, root, g["pars_r"] * 0.95)]

    def blend(d: dict, p: np.ndarray) -> np.ndarray:
        names = list(d)
        out = d[names[0]]
        for name in names[1:]:
            out = smooth_union(out, d[name], _BLEND)
        return carve(out, prism_sdf(p, canal))

    every = [q for fields in prims.values() for q in fields]
    lo = np.min([q.box[0] for q in every], axis=0) - 1.5
    hi = np.max([q.box[1] for q in every], axis=0) + 1.5
    anchor = np.array([0.0, -cd - 1e-3, 0.0])  # a grid node on the back of the canal
    return mesh_regions(prims, blend, lo, hi, ARCH_STEP, anchor)


def inferior_process(spec: FacetSpec, dims, landmarks: dict, axes: dict, canal: np.ndarray,
                     side: str, name: str) -> Mesh:
    """Mesh an inferior articular process in its own vertebra's frame: plate, stem to the pars."""
    g = _geometry(dims, landmarks, axes)
    s = 1.0 if side == "left" else -1.0
    root = pars_point(g, s, g["lam_bot"] + g["pars_r"] + 1.0)
    proc = _joint_process(spec, root, g["pars_r"] * 0.95)

    def field(p):
        return carve(proc.field(p), prism_sdf(p, canal))

    return mesh_field(field, proc.box[0] - 1.5, proc.box[1] + 1.5, ARCH_STEP, name)
