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
    return g


def arch_meshes(dims, landmarks: dict, axes: dict, canal: np.ndarray,
                saps: dict[str, FacetSpec]) -> dict[str, Mesh]:
    """Mesh the arch of one vertebra (local frame) into its named parts."""
    g = _geometry(dims, landmarks, axes)
    level = dims.level
    span, cd, t = g["span"], g["cd"], g["t"]
    lam_top, lam_bot, z_i = g["lam_top"], g["lam_bot"], g["z_i"]
    apex = np.array([0.0, -cd])
    prims: dict[str, list] = {"lamina": []}
    for s in (1.0, -1.0):
        pil = np.array([s * g["pillar_x"], -span])
        u2 = (pil - apex) / np.linalg.norm(pil - apex)
        n2 = np.array([u2[1], -u2[0]]) * (-s)
        if n2[1] > 0:
            n2 = -n2
        a = apex - u2 * 0.8 * t
        b = pil + u2 * 2.5
        mid = (a + b) / 2.0 + n2 * t / 2.0
        ax = np.array([[u2[0], u2[1], 0.0], [n2[0], n2[1], 0.0], _Z])
        half = (np.linalg.norm(b - a) / 2.0, t / 2.0, (lam_top - lam_bot) / 2.0)
        centre = np.array([mid[0], mid[1], (lam_top + lam_bot) / 2.0])
        prims["lamina"].append(_box_prim(centre, ax, half, 0.45 * t))
        top = max(z_i + 2.0, lam_top - 1.0)
        prims["lamina"].append(_capsule_prim(pars_point(g, s, lam_bot + g["pars_r"]),
                                             pars_point(g, s, top), g["pars_r"], g["pars_r"]))
    if level != "S1":
        sl, sh, st = dims.v("spinous_length"), dims.v("spinous_height"), dims.v("spinous_thickness")
        zc = (lam_top + lam_bot) / 2.0
        y0, y1 = g["apex_y"] - sl, g["apex_y"] + 2.0
        blade = _box_prim(np.array([0.0, (y0 + y1) / 2.0 + 1.0, zc]), np.eye(3),
                          (0.36 * st, (y1 - y0) / 2.0 - 1.0, 0.4 * sh), 1.6)
        tip = _ellipsoid_prim(np.array([0.0, y0 + 0.3 * sh, zc]), (st / 2.0, 0.3 * sh, sh / 2.0))
        prims["spinous_process"] = [blade, tip]
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
