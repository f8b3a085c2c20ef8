"""The spine model as a voxel volume: one material per voxel, for simulated fluoroscopy and slices.

The closed meshes of :func:`widgets.anatomy.build_spine` (each a ``Part`` with a kind: bone, disc,
neural, void) are filled into a regular grid in the spine's world frame (``x`` left, ``y``
anterior, ``z`` up, millimetres). Filling uses **scanline parity**: every triangle is intersected
with the vertical lines through the voxel columns it covers, and a voxel is inside a closed mesh
when an odd number of its mesh's crossings lie below its centre (a cumulative sum along ``z``).
This takes well under a second for the whole model, where testing every voxel against the mesh
would take minutes.

Partial voxels: :func:`fill_fraction` gives the fraction of each voxel's height inside a mesh, so
attenuation is painted with it and sloping edges do not show as stair steps in a projection.

Materials, later ones winning where parts overlap: soft tissue (the default), fat (the canal and
foramina around the neural elements: epidural and foraminal fat), bone, split into a **cortical
shell** (about the outer ``cortical_shell_thickness`` of each bone, where the blurred bone
occupancy falls short of full) and
**cancellous** bone inside it, the disc (an annulus around a nucleus: the inner part of the disc,
found from each voxel's distance to the disc's edge), other tissue of the model (ligaments), the
dural sac (**CSF**) and the nerve roots. The body around the spine (soft tissue under a layer of
subcutaneous fat, air outside) is an elliptic cylinder along ``z``, handled exactly by
:func:`torso_chords` and :func:`torso_material` rather than stored as voxels.

Every attenuation, CT number and T2 signal of a material is an assumption of
``data/assumptions.yaml``: round teaching values, chosen for a recognisable contrast order.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from widgets.anatomy import build_spine
from widgets.anatomy.morphometry import PEDICLE_SERIES_DEFAULT
from widgets.anatomy.vertebra import model_cache_key
from widgets.core.assumptions import assumption
from widgets.core.cache import Codec, cached

__all__ = [
    "MATERIALS",
    "Torso",
    "Volume",
    "build_volume",
    "fill_fraction",
    "fill_mesh",
    "load_or_voxelise",
    "material_of",
    "torso",
    "torso_chords",
    "torso_material",
    "voxelise",
    "warm",
]

#: The materials of the volume, in code order (a voxel stores the index of its material).
MATERIALS: tuple[str, ...] = (
    "soft tissue", "fat", "cancellous bone", "cortical bone", "disc annulus", "disc nucleus",
    "CSF", "nerve root", "ligament", "air", "herniated disc", "metal",
)
_CODE = {m: i for i, m in enumerate(MATERIALS)}
#: The order in which parts are painted; later wins.
_PAINT_ORDER = ("fat", "bone", "disc", "ligament", "CSF", "nerve root")
# tiny offsets of the sampled column centres, so that no vertical line runs exactly along an edge
_JITTER = (1.234567e-4, 2.718281e-4)


def _slug(material: str) -> str:
    return material.lower().replace(" ", "_")


def mu_per_mm(material: str) -> float:
    """Linear X-ray attenuation of a material, per millimetre (assumption, given per cm)."""
    if material == "air":
        return 0.0
    if material == "herniated disc":
        material = "disc"
    key = {"disc annulus": "disc", "disc nucleus": "disc", "cancellous bone": "cancellous_bone",
           "cortical bone": "cortical_bone", "nerve root": "nerve", "soft tissue": "soft_tissue",
           "ligament": "soft_tissue"}.get(material, _slug(material))
    return assumption(f"xray_mu_{key}").value / 10.0


def material_of(kind: str, group: str) -> str:
    """Return the material a part of the model is filled with, from its kind and group.

    Bone parts are bone, discs disc, the dural sac CSF, roots and other neural parts nerve root,
    voids (canal, foramina) fat; a part of any other kind (a ligament, say) is ``ligament``.
    """
    if kind == "bone":
        return "bone"
    if kind == "disc":
        return "disc"
    if kind == "void":
        return "fat"
    if kind == "neural":
        return "CSF" if "sac" in group else "nerve root"
    return "ligament"


def _crossings(vertices: np.ndarray, faces: np.ndarray, origin: np.ndarray, spacing: float,
               shape: tuple[int, int, int]):
    """Where the vertical lines through the voxel columns cross a mesh's triangles.

    Returns the sub-box the mesh covers, its shape, and per crossing: the column (flat index in the
    sub-box), the height in voxel units and the sign (+1 entering the mesh going up, -1 leaving).
    """
    g = (np.asarray(vertices, dtype=float)[np.asarray(faces)] - origin) / spacing  # (m, 3, 3)
    lo = np.maximum(np.floor(g.reshape(-1, 3).min(axis=0)).astype(int) - 1, 0)
    hi = np.minimum(np.ceil(g.reshape(-1, 3).max(axis=0)).astype(int) + 2, np.array(shape))
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi, strict=True))
    sub = tuple(int(max(b - a, 0)) for a, b in zip(lo, hi, strict=True))
    empty = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    if min(sub) == 0:
        return box, sub, *empty
    g = g - lo
    x, y, z = g[..., 0], g[..., 1], g[..., 2]
    i0 = np.maximum(np.ceil(x.min(axis=1) - _JITTER[0]).astype(int), 0)
    i1 = np.minimum(np.floor(x.max(axis=1) - _JITTER[0]).astype(int), sub[0] - 1)
    j0 = np.maximum(np.ceil(y.min(axis=1) - _JITTER[1]).astype(int), 0)
    j1 = np.minimum(np.floor(y.max(axis=1) - _JITTER[1]).astype(int), sub[1] - 1)
    wi, wj = i1 - i0 + 1, j1 - j0 + 1
    area = (x[:, 1] - x[:, 0]) * (y[:, 2] - y[:, 0]) - (x[:, 2] - x[:, 0]) * (y[:, 1] - y[:, 0])
    keep = (wi > 0) & (wj > 0) & (np.abs(area) > 1e-12)
    tri = np.flatnonzero(keep)
    counts = (wi * wj)[tri]
    total = int(counts.sum())
    if not total:
        return box, sub, *empty
    t = np.repeat(tri, counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    k = np.arange(total) - start
    ii = i0[t] + k // wj[t]
    jj = j0[t] + k % wj[t]
    px, py = ii + _JITTER[0], jj + _JITTER[1]
    xa, ya = x[t], y[t]
    d = area[t]
    # barycentric weights of the column's (px, py) in the triangle's xy projection
    w1 = ((px - xa[:, 0]) * (ya[:, 2] - ya[:, 0]) - (xa[:, 2] - xa[:, 0]) * (py - ya[:, 0])) / d
    w2 = ((xa[:, 1] - xa[:, 0]) * (py - ya[:, 0]) - (px - xa[:, 0]) * (ya[:, 1] - ya[:, 0])) / d
    w0 = 1.0 - w1 - w2
    hit = (w0 >= 0) & (w1 >= 0) & (w2 >= 0)
    za = z[t[hit]]
    zc = w0[hit] * za[:, 0] + w1[hit] * za[:, 1] + w2[hit] * za[:, 2]
    # a face seen counter-clockwise from above points up (outwards): the line leaves the mesh there
    sign = np.where(d[hit] > 0, -1.0, 1.0)
    return box, sub, ii[hit] * sub[1] + jj[hit], zc, sign


def fill_mesh(vertices: np.ndarray, faces: np.ndarray, origin: np.ndarray, spacing: float,
              shape: tuple[int, int, int]) -> tuple[tuple[slice, slice, slice], np.ndarray]:
    """Voxelise one closed mesh by scanline parity along ``z``.

    Voxel ``(i, j, k)`` has its centre at ``origin + spacing * (i, j, k)``. Returns the sub-box of
    the grid that the mesh covers (three slices) and the boolean mask of the voxels (centres)
    inside it: those with an odd number of crossings below them.
    """
    box, sub, col, zc, _ = _crossings(vertices, faces, origin, spacing, shape)
    if min(sub) == 0:
        return box, np.zeros(sub, dtype=bool)
    nz = sub[2]
    kk = np.clip(np.floor(zc).astype(int) + 1, 0, nz)  # first voxel centre above the crossing
    toggles = np.bincount(col * (nz + 1) + kk, minlength=sub[0] * sub[1] * (nz + 1))
    parity = np.cumsum(toggles.reshape(sub[0], sub[1], nz + 1), axis=2)[:, :, :nz] & 1
    return box, parity.astype(bool)


def fill_fraction(vertices: np.ndarray, faces: np.ndarray, origin: np.ndarray, spacing: float,
                  shape: tuple[int, int, int]) -> tuple[tuple[slice, slice, slice], np.ndarray]:
    """Like :func:`fill_mesh`, but the fraction of each voxel's height inside the mesh (0 to 1).

    Along each column the inside is a sum of steps, up at an entry and down at an exit; each
    voxel gets the exact length of it within its height, so a gently sloping surface (an
    endplate) gives smooth partial voxels instead of stair steps.
    """
    box, sub, col, zc, sign = _crossings(vertices, faces, origin, spacing, shape)
    if min(sub) == 0:
        return box, np.zeros(sub, dtype=np.float32)
    nz = sub[2]
    kk = np.floor(zc + 0.5).astype(int)  # the voxel whose height holds the crossing
    part = (kk + 0.5 - zc) * sign
    below = kk < 0
    kk, part = np.clip(kk, 0, nz), np.where(below, sign, part)  # wholly below the box: a full step
    steps = np.bincount(col * (nz + 2) + np.where(below, 0, kk + 1), weights=np.where(below, 0.0, sign),
                        minlength=sub[0] * sub[1] * (nz + 2))
    steps += np.bincount(col * (nz + 2), weights=np.where(below, sign, 0.0), minlength=len(steps))
    frac = np.bincount(col * (nz + 2) + kk, weights=np.where(below, 0.0, part), minlength=len(steps))
    occ = np.cumsum(steps.reshape(sub[0], sub[1], nz + 2), axis=2) + frac.reshape(sub[0], sub[1], nz + 2)
    return box, np.clip(np.abs(occ[:, :, :nz]), 0.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class Torso:
    """The body around the spine: an elliptic cylinder along ``z`` (world frame, mm)."""

    centre: tuple[float, float]
    semi_x: float
    semi_y: float
    fat_mm: float


@dataclass(frozen=True, eq=False)
class Volume:
    """The voxelised model: materials, the part that owns each voxel, and attenuation.

    ``labels[i, j, k]`` is the index in :data:`MATERIALS` of the voxel whose centre is
    ``origin + spacing * (i, j, k)`` (world frame); ``owner`` the index in ``parts`` of the part
    painted last there (-1: none); ``mu`` the attenuation per mm minus that of soft tissue, so
    that the soft tissue around it can be added exactly (:func:`torso_chords`).
    """

    origin: np.ndarray
    spacing: float
    labels: np.ndarray
    owner: np.ndarray
    mu: np.ndarray
    parts: tuple
    spine: object
    torso: Torso
    build_seconds: float
    outer: Volume | None = None  # a coarser grid for bones far from the vertebrae (pelvis), if any

    @property
    def shape(self) -> tuple[int, int, int]:
        """Voxels along x, y and z."""
        return tuple(int(n) for n in self.labels.shape)

    @property
    def nbytes(self) -> int:
        """Memory held by the voxel arrays (labels, owners, attenuation; with the coarse grid), bytes."""
        own = int(self.labels.nbytes + self.owner.nbytes + self.mu.nbytes)
        return own + (self.outer.nbytes if self.outer is not None else 0)

    def world(self, index: np.ndarray) -> np.ndarray:
        """World coordinates (mm) of fractional voxel indices (n x 3)."""
        return self.origin + self.spacing * np.asarray(index, dtype=float)

    def index(self, points: np.ndarray) -> np.ndarray:
        """Fractional voxel indices of world points (n x 3, mm)."""
        return (np.asarray(points, dtype=float) - self.origin) / self.spacing

    def pose(self, level: str):
        """Return the pose (local to world) of a vertebra of the model."""
        if level not in self.spine.poses:
            raise ValueError(f"level must be one of {', '.join(self.spine.poses)}; got {level!r}")
        return self.spine.poses[level]

    def body_centre(self, level: str) -> np.ndarray:
        """World position of the middle of a vertebral body (the C-arm's default isocentre)."""
        vert = self.spine.vertebra(level)
        return self.pose(level).apply(np.array([0.0, vert.dims.v("body_depth") / 2.0, 0.0]))

    def parts_touching(self, mask_box: tuple[slice, slice, slice], mask: np.ndarray) -> list[int]:
        """Return the indices of the parts owning any voxel of ``mask`` (a bool array over ``mask_box``)."""
        own = self.owner[mask_box][mask]
        return sorted(int(i) for i in np.unique(own) if i >= 0)


def torso(spine=None) -> Torso:
    """Return the body outline around the model, from the assumptions (world frame).

    Its back lies ``skin_to_lamina_depth`` behind the lamina of L4 and it is as wide and deep as
    ``torso_width`` and ``torso_depth``; the outer ``subcutaneous_fat_thickness`` of it is fat.
    """
    spine = spine if spine is not None else build_spine()
    vert = spine.vertebra("L4")
    lamina = spine.poses["L4"].apply(vert.part("lamina").mesh.vertices)
    back = float(lamina[:, 1].min()) - assumption("skin_to_lamina_depth").value
    a = assumption("torso_width").value / 2.0
    b = assumption("torso_depth").value / 2.0
    return Torso((0.0, back + b), a, b, assumption("subcutaneous_fat_thickness").value)


def _chord(s: np.ndarray, d: np.ndarray, c: tuple[float, float], a: float, b: float) -> np.ndarray:
    """Length of each ray ``s + t d`` (t in [0, 1]) inside the cylinder (x/a)^2 + (y/b)^2 <= 1."""
    sx, sy = (s[..., 0] - c[0]) / a, (s[..., 1] - c[1]) / b
    dx, dy = d[..., 0] / a, d[..., 1] / b
    qa = dx * dx + dy * dy
    qb = 2.0 * (sx * dx + sy * dy)
    qc = sx * sx + sy * sy - 1.0
    disc = qb * qb - 4.0 * qa * qc
    ok = (disc > 0) & (qa > 1e-15)
    root = np.sqrt(np.where(ok, disc, 0.0))
    qa_safe = np.where(ok, qa, 1.0)
    t0 = np.clip((-qb - root) / (2.0 * qa_safe), 0.0, 1.0)
    t1 = np.clip((-qb + root) / (2.0 * qa_safe), 0.0, 1.0)
    return np.where(ok, (t1 - t0), 0.0) * np.linalg.norm(d, axis=-1)


def torso_chords(t: Torso, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lengths (mm) of segments ``start -> end`` inside the whole torso and inside its fat layer."""
    d = np.asarray(end, dtype=float) - np.asarray(start, dtype=float)
    s = np.asarray(start, dtype=float)
    whole = _chord(s, d, t.centre, t.semi_x, t.semi_y)
    inner = _chord(s, d, t.centre, max(t.semi_x - t.fat_mm, 1.0), max(t.semi_y - t.fat_mm, 1.0))
    return whole, whole - inner


def torso_material(t: Torso, points: np.ndarray) -> np.ndarray:
    """Material code at world points outside the voxel box: air, subcutaneous fat or soft tissue."""
    p = np.asarray(points, dtype=float)
    rx, ry = p[..., 0] - t.centre[0], p[..., 1] - t.centre[1]
    outer = (rx / t.semi_x) ** 2 + (ry / t.semi_y) ** 2
    inner = (rx / max(t.semi_x - t.fat_mm, 1.0)) ** 2 + (ry / max(t.semi_y - t.fat_mm, 1.0)) ** 2
    out = np.full(p.shape[:-1], _CODE["soft tissue"], dtype=np.uint8)
    out[inner > 1.0] = _CODE["fat"]
    out[outer > 1.0] = _CODE["air"]
    return out


def _cortical_weight(occupancy: np.ndarray, spacing: float) -> np.ndarray:
    """How much of each bone voxel is cortex (0 to 1): 1 at the bone's edge, 0 deep inside.

    The bone's partial occupancy is blurred over the shell thickness; where the blurred value
    falls short of 1, the voxel is near the edge. Working on the partial occupancy keeps the shell
    even on surfaces that slope across the grid.
    """
    from scipy import ndimage  # only when building: a volume read from the cache needs none

    sigma = max(0.7, assumption("cortical_shell_thickness").value / spacing)
    # "nearest": a bone cut by the edge of the grid (the other grid goes on) gets no shell there
    near = ndimage.gaussian_filter(occupancy, sigma=sigma, mode="nearest")
    return np.clip((1.0 - near) / 0.3, 0.0, 1.0).astype(np.float32)


def _nucleus(disc: np.ndarray, spacing: float) -> np.ndarray:
    """Return the inner part of a disc mask: in its own plane, far from the disc's edge."""
    from scipy import ndimage  # only when building: a volume read from the cache needs none

    out = np.zeros_like(disc)
    labels, n = ndimage.label(disc)
    frac = assumption("disc_nucleus_fraction").value
    for idx, box in enumerate(ndimage.find_objects(labels), start=1):
        one = labels[box] == idx
        # distance to the edge in each horizontal slice (the disc is a flat plate)
        dist = np.stack([ndimage.distance_transform_edt(one[:, :, k]) for k in range(one.shape[2])], axis=2)
        cut = (1.0 - frac) * dist.max()
        out[box] |= one & (dist > cut)
    return out


def _paint(parts, lo: np.ndarray, spacing: float, shape: tuple[int, int, int], owners: bool
           ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Fill ``parts`` into a grid: material codes, owning part (or None) and attenuation minus soft tissue."""
    from scipy import ndimage  # only when building: a volume read from the cache needs none

    labels = np.zeros(shape, dtype=np.uint8)
    owner = np.full(shape, -1, dtype=np.int16) if owners else None
    soft = mu_per_mm("soft tissue")
    mu = np.zeros(shape, dtype=np.float32)  # painted with partial voxels
    for material in _PAINT_ORDER:
        occ = np.zeros(shape, dtype=np.float32) if material in ("bone", "disc") else None
        for idx, part in enumerate(parts):
            if material_of(part.kind, part.group) != material:
                continue
            box, frac = fill_fraction(part.mesh.vertices, part.mesh.faces, lo, spacing, shape)
            inside = frac > 0.5
            if owner is not None:
                owner[box][inside] = idx
            if occ is not None:
                np.maximum(occ[box], frac, out=occ[box])
            else:
                labels[box][inside] = _CODE[material]
                mu[box] += frac * (np.float32(mu_per_mm(material) - soft) - mu[box])
        if occ is None or not occ.any():
            continue
        mask = occ > 0.5
        if material == "bone":
            w = _cortical_weight(occ, spacing)
            labels[mask] = _CODE["cancellous bone"]
            labels[mask & (w >= 0.5)] = _CODE["cortical bone"]
            canc, cort = mu_per_mm("cancellous bone"), mu_per_mm("cortical bone")
            value = (np.float32(canc - soft) + w * np.float32(cort - canc))
        else:
            labels[mask] = _CODE["disc annulus"]
            labels[_nucleus(mask, spacing)] = _CODE["disc nucleus"]
            value = np.float32(mu_per_mm("disc") - soft)
        mu += occ * (value - mu)
    # a light blur stands in for partial volume across the columns (the heights are exact)
    return labels, owner, ndimage.gaussian_filter(mu, sigma=0.5, mode="nearest")


def _core_parts(spine, parts) -> list[int]:
    """Return the indices of the parts near the vertebrae: all but bones outside any vertebra (pelvis)."""
    own = {(v.level, p.mesh.name) for v in spine.vertebrae for p in v.parts}
    return [i for i, p in enumerate(parts) if p.kind != "bone" or (p.level, p.mesh.name) in own]


def _inside_fraction(lo: np.ndarray, spacing: float, shape, box_lo: np.ndarray, box_hi: np.ndarray
                     ) -> np.ndarray:
    """Fraction of each voxel of a grid that lies inside the box ``box_lo .. box_hi`` (mm)."""
    out = np.ones(shape, dtype=np.float32)
    for ax in range(3):
        c = lo[ax] + spacing * np.arange(shape[ax])
        f = np.clip((np.minimum(c + spacing / 2, box_hi[ax]) - np.maximum(c - spacing / 2, box_lo[ax]))
                    / spacing, 0.0, 1.0).astype(np.float32)
        sh = [1, 1, 1]
        sh[ax] = -1
        out = out * f.reshape(sh)
    return out


def voxelise(spine, parts, spacing: float) -> Volume:
    """Voxelise ``parts`` of ``spine`` (see :func:`build_volume`, which caches it for the model's parts).

    The vertebrae, discs and neural elements fill a fine grid (``spacing``); bones that reach far
    beyond them (the iliac wings, the lower sacrum) are added by a grid twice as coarse, which counts
    only outside the fine one, so a shot or a slice sees every part once.
    """
    import time

    t0 = time.perf_counter()
    parts = tuple(parts)
    margin = 4.0 * spacing
    core = [parts[i] for i in _core_parts(spine, parts)] or list(parts)
    lo = np.min([p.mesh.vertices.min(axis=0) for p in core], axis=0) - margin
    hi = np.max([p.mesh.vertices.max(axis=0) for p in core], axis=0) + margin
    shape = tuple(int(n) for n in np.ceil((hi - lo) / spacing).astype(int) + 1)
    labels, owner, mu = _paint(parts, lo, spacing, shape, owners=True)
    t = torso(spine)
    all_lo = np.min([p.mesh.vertices.min(axis=0) for p in parts], axis=0)
    all_hi = np.max([p.mesh.vertices.max(axis=0) for p in parts], axis=0)
    outer = None
    if np.any(all_lo < lo) or np.any(all_hi > lo + spacing * (np.array(shape) - 1)):
        coarse = 2.0 * spacing
        far = [p for p in parts if np.any(p.mesh.vertices.min(axis=0) < lo)
               or np.any(p.mesh.vertices.max(axis=0) > hi)]
        o_lo, o_hi = all_lo - 2 * coarse, all_hi + 2 * coarse
        o_shape = tuple(int(n) for n in np.ceil((o_hi - o_lo) / coarse).astype(int) + 1)
        o_labels, _, o_mu = _paint(far, o_lo, coarse, o_shape, owners=False)
        # the fine grid covers its voxels' full extent: the coarse one counts only outside it
        core_hi = lo + spacing * (np.array(shape) - 1)
        o_mu *= 1.0 - _inside_fraction(o_lo, coarse, o_shape, lo - spacing / 2, core_hi + spacing / 2)
        outer = Volume(o_lo, coarse, o_labels, np.full((1, 1, 1), -1, np.int16), o_mu, tuple(far),
                       spine, t, 0.0)
    return Volume(lo, float(spacing), labels, owner, mu, parts, spine, t, time.perf_counter() - t0, outer)


@functools.lru_cache(maxsize=4)
def _build(series: str, spread_sd: float, spacing: float) -> Volume:
    return load_or_voxelise(series=series, spread_sd=spread_sd, spacing=spacing)


def load_or_voxelise(*, series: str, spread_sd: float, spacing: float) -> Volume:
    """Return the volume of the model from the disk cache, or voxelise it and store it there.

    No memory cache here (:func:`build_volume` has one). The file holds the voxel arrays and the
    torso; the parts are those of :func:`widgets.anatomy.build_spine`, named by their index.
    """
    spine = build_spine(series, spread_sd)
    key = model_cache_key("volume", {"series": series, "spread_sd": spread_sd, "voxel_mm": spacing},
                          extra_sources=(__name__,))
    index = {id(p): i for i, p in enumerate(spine.parts)}
    codec = Codec([Torso])

    def fields(vol: Volume) -> dict:
        return {"origin": vol.origin, "spacing": vol.spacing, "labels": vol.labels, "owner": vol.owner,
                "mu": vol.mu, "parts": [index[id(p)] for p in vol.parts], "torso": vol.torso,
                "build_seconds": vol.build_seconds,
                "outer": None if vol.outer is None else fields(vol.outer)}

    def volume(f: dict) -> Volume:
        return Volume(f["origin"], f["spacing"], f["labels"], f["owner"], f["mu"],
                      tuple(spine.parts[i] for i in f["parts"]), spine, f["torso"], f["build_seconds"],
                      None if f["outer"] is None else volume(f["outer"]))

    return cached("volume", key, lambda: voxelise(spine, spine.parts, spacing),
                  encode=lambda vol: codec.encode(fields(vol)),
                  decode=lambda meta, arrays: volume(codec.decode(meta, arrays)))


def build_volume(*, voxel_mm: float = 1.0, series: str = PEDICLE_SERIES_DEFAULT,
                 spread_sd: float = 0.0) -> Volume:
    """Voxelise the L1-S1 model (cached per voxel size, pedicle series and spread).

    ``voxel_mm`` is the edge of a cubic voxel, from 0.5 to 2 mm; the default 1 mm holds the whole
    model in about 2 million voxels.
    """
    if isinstance(voxel_mm, bool) or not isinstance(voxel_mm, int | float) or not math.isfinite(voxel_mm):
        raise TypeError(f"voxel_mm must be a number of millimetres; got {voxel_mm!r}")
    if not 0.5 <= voxel_mm <= 2.0:
        raise ValueError(f"voxel_mm must be from 0.5 to 2; got {voxel_mm}")
    return _build(series, round(float(spread_sd), 3), float(voxel_mm))


def warm() -> list[str]:
    """Build the models the lessons use into the disk cache; return what was done, line by line.

    The L1-S1 spine, each vertebra on its own and the 1 mm voxel volume, all with the default
    pedicle series and no spread (``python -m widgets.dev warm`` runs it; so does the hub image).
    """
    import time

    from widgets.anatomy import LEVELS, build_vertebra
    from widgets.core.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return ["the model cache is off (MISS_CACHE_DIR=off): nothing to warm"]
    jobs = [("L1-S1 spine", build_spine)]
    jobs += [(f"{lv} vertebra", functools.partial(build_vertebra, lv)) for lv in LEVELS]
    jobs += [("voxel volume, 1 mm", build_volume)]
    lines = []
    for what, job in jobs:
        t0 = time.perf_counter()
        job()
        lines.append(f"{what}: ready in {time.perf_counter() - t0:.2f} s")
    lines.append(f"model cache: {folder}")
    return lines
