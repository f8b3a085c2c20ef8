"""CT- and MRI-like slices of the voxel model, and a disc herniation a student can move.

A slice samples the material of every pixel from :mod:`widgets.imaging.volume` (nearest voxel;
the body around the spine from its ellipse) and gives it a grey value:

- **CT** (``modality="CT"``): each material's CT number (Hounsfield units, assumptions) shown
  through a window, bone (W 1800 / L 400 here) or soft tissue (W 400 / L 50); bone white, as CT is
  read;
- **T2** (``modality="T2"``): each material's signal on a T2-weighted MRI, as a relative brightness
  (assumptions): CSF and the disc's nucleus bright, annulus and cortex dark, fat bright, roots
  dark inside the bright CSF.

Planes: ``axial`` through a disc (``"L4-L5"``: the plane half-way between its two endplates) or
through a vertebra (``"L4"``: mid-body), shown from the feet as radiology shows it (the patient's
left on the image's right, anterior up); ``sagittal``, a plane of constant ``x`` (``offset_mm``
from the midline, positive to the left), anterior on the left, head up.

A :class:`Herniation` is disc material pushed out behind the disc: ``central`` (midline),
``paracentral`` (subarticular: between the midline and the pedicle's medial border, under the
lateral recess), ``foraminal`` (between the pedicle's medial and lateral borders) or
``extraforaminal`` (beyond the lateral border), on one side, of a size in millimetres. Zones are
measured on the pedicle of the upper vertebra, which roofs the foramen of that disc.
:func:`roots_touched` says, from the model's geometry alone (voxels of the fragment against
voxels of the roots), which roots it reaches.
"""

from __future__ import annotations

import functools
import math
import zlib
from dataclasses import dataclass

import numpy as np

from widgets.core.assumptions import assumption
from widgets.core.levels import DISCS, LEVELS
from widgets.imaging.drr import CAPTION, png_bytes
from widgets.imaging.filters import gaussian_blur
from widgets.imaging.volume import MATERIALS, Volume, build_volume, torso_material

__all__ = [
    "MODALITIES",
    "PLANES",
    "SIDES",
    "WINDOWS",
    "ZONES",
    "Herniation",
    "Slice",
    "fragment_offset",
    "herniation_frame",
    "herniation_report",
    "root_contacts",
    "roots_touched",
    "touches_sac",
    "slice_image",
    "zone_relation",
]

PLANES = ("axial", "sagittal")
MODALITIES = ("CT", "T2")
WINDOWS = ("bone", "soft tissue")
ZONES = ("central", "paracentral", "foraminal", "extraforaminal")
SIDES = ("left", "right")
_CODE = {m: i for i, m in enumerate(MATERIALS)}
_NOISE = {"CT": 0.015, "T2": 0.02}


def zone_relation(zone: str) -> str:
    """Return the herniation-zone row of lesson 02 a zone belongs to: paramedian or far-lateral."""
    if zone not in ZONES:
        raise ValueError(f"zone must be one of {', '.join(ZONES)}; got {zone!r}")
    return "paramedian" if zone in ("central", "paracentral") else "far-lateral"


@dataclass(frozen=True)
class Herniation:
    """Disc material pushed out of a disc: where (disc, zone, side) and how big (mm)."""

    disc: str = "L4-L5"
    zone: str = "paracentral"
    side: str = "left"
    size_mm: float = 12.0

    def __post_init__(self) -> None:
        if self.disc not in DISCS:
            raise ValueError(f"disc must be one of {', '.join(DISCS)}; got {self.disc!r}")
        zone_relation(self.zone)
        if self.side not in SIDES:
            raise ValueError(f"side must be left or right; got {self.side!r}")
        v = self.size_mm
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not 2 <= v <= 15:
            raise ValueError(f"size_mm must be a number from 2 to 15; got {v!r}")


@dataclass(frozen=True)
class _Frame:
    origin: np.ndarray
    axes: np.ndarray  # rows: x (left), y (anterior), z (up) in world


def _disc_frame(vol: Volume, disc: str) -> _Frame:
    """Return the disc's frame: origin mid-height on the back of the disc, in the midline."""
    up, lo = disc.split("-")
    pu, pl = vol.pose(up), vol.pose(lo)
    hu = vol.spine.vertebra(up).dims.v("body_height_posterior")
    hl = vol.spine.vertebra(lo).dims.v("body_height_posterior")
    origin = (pu.apply(np.array([0.0, 0.0, -hu / 2.0])) + pl.apply(np.array([0.0, 0.0, hl / 2.0]))) / 2.0
    z = pu.rotation[:, 2] + pl.rotation[:, 2]
    z /= np.linalg.norm(z)
    x = np.array([1.0, 0.0, 0.0])
    y = np.cross(z, x)
    return _Frame(origin, np.array([x, y, z]))


def _vertebra_frame(vol: Volume, level: str) -> _Frame:
    pose = vol.pose(level)
    return _Frame(pose.apply(np.zeros(3)), pose.rotation.T.copy())


def _pedicle_borders(vol: Volume, level: str, side: str) -> tuple[float, float]:
    """Medial and lateral borders (|x|, mm) of a vertebra's pedicle at its narrowest (the isthmus)."""
    vert = vol.spine.vertebra(level)
    ped = getattr(vert, "pedicles", {}).get(side)
    if ped is not None:
        x = abs(float(ped.isthmus_centre[0]))
        half = float(ped.width) / 2.0 * abs(float(ped.width_dir[0]))
        return x - half, x + half
    inv = vol.pose(level).inverse()
    s = 1.0 if side == "left" else -1.0
    for part in vol.parts:
        if part.level == level and part.group == "pedicles":
            v = inv.apply(part.mesh.vertices)
            if np.sign(v[:, 0].mean()) == s:
                ax = np.abs(v[:, 0])
                return float(ax.min()), float(np.percentile(ax, 50))
    raise ValueError(f"the model has no {side} pedicle at {level}")


def _disc_back(vol: Volume, disc: str, frame: _Frame, x: float) -> tuple[float, float]:
    """Return the back of the disc at lateral position ``x`` (disc frame): its y, and the disc's top there.

    Beyond the disc's side, the back of its outermost point.
    """
    from widgets.imaging.carm import convex_hull

    up = disc.split("-")[0]
    for part in vol.parts:
        if part.kind == "disc" and part.level == up:
            v = (part.mesh.vertices - frame.origin) @ frame.axes.T
            hull = convex_hull(v[:, :2])
            half = float(np.abs(v[:, 0]).max())
            xq = float(np.clip(x, -0.95 * half, 0.95 * half))
            ys = []
            for (x0, y0), (x1, y1) in zip(hull[:-1], hull[1:], strict=True):
                if (x0 - xq) * (x1 - xq) <= 0 and x0 != x1:
                    ys.append(y0 + (xq - x0) * (y1 - y0) / (x1 - x0))
            back = min(ys) if ys else float(v[:, 1].min())
            near = v[(np.abs(v[:, 1] - back) < 4.0)]
            top = float(near[:, 2].max()) if len(near) else float(v[:, 2].max())
            return back, top
    raise ValueError(f"the model has no {disc} disc")


def herniation_frame(vol: Volume, h: Herniation) -> tuple[np.ndarray, np.ndarray]:
    """Return the fragment's centre (world) and semi-axes along the disc frame's x, y, z (mm).

    See :func:`_herniation_frame`; cached per volume and herniation.
    """
    centre, semi = _herniation_frame(vol, h)
    return centre.copy(), semi.copy()


@functools.lru_cache(maxsize=256)
def _herniation_frame(vol: Volume, h: Herniation) -> tuple[np.ndarray, np.ndarray]:
    """Return the fragment's centre (world) and semi-axes along the disc frame's x, y, z (mm).

    The fragment is an ellipsoid lying against the back of the disc, across the middle of its
    zone. Central and paracentral fragments sit at the disc's mid-height; foraminal and
    extraforaminal ones sit at the top of the disc's back, reaching up into the foramen under the
    pedicle.
    """
    frame = _disc_frame(vol, h.disc)
    up = h.disc.split("-")[0]
    medial, lateral = _pedicle_borders(vol, up, h.side)
    s = 1.0 if h.side == "left" else -1.0
    r = h.size_mm / 2.0
    x = {"central": 0.0, "paracentral": 0.6 * medial, "foraminal": (medial + lateral) / 2.0,
         "extraforaminal": lateral + r + 1.0}[h.zone] * s
    back, top = _disc_back(vol, h.disc, frame, x)
    z = top if zone_relation(h.zone) == "far-lateral" else 0.0
    y = back - 0.8 * r
    centre = frame.origin + frame.axes.T @ np.array([x, y, z])
    return centre, np.array([r, r, r])


def _inside_fragment(vol: Volume, h: Herniation, points: np.ndarray, grow_mm: float = 0.0) -> np.ndarray:
    centre, semi = _herniation_frame(vol, h)
    axes = _disc_frame(vol, h.disc).axes
    p = np.asarray(points, dtype=float)
    out = np.zeros(p.shape[:-1], dtype=bool)
    reach = float(semi.max()) + grow_mm
    near = np.all(np.abs(p - centre) <= reach, axis=-1)
    local = (p[near] - centre) @ axes.T
    out[near] = (((local / (semi + grow_mm)) ** 2).sum(axis=-1)) <= 1.0
    return out


def _fragment_box(vol: Volume, h: Herniation, contact_mm: float):
    centre, semi = herniation_frame(vol, h)
    reach = float(semi.max()) + contact_mm + vol.spacing
    lo = np.maximum(np.floor(vol.index(centre - reach)).astype(int), 0)
    hi = np.minimum(np.ceil(vol.index(centre + reach)).astype(int) + 1, np.array(vol.shape))
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi, strict=True))
    idx = np.indices(tuple(int(b - a) for a, b in zip(lo, hi, strict=True))).reshape(3, -1).T + lo
    inside = _inside_fragment(vol, h, vol.world(idx), contact_mm).reshape(tuple(hi - lo))
    return box, inside


def root_contacts(h: Herniation, *, volume: Volume | None = None,
                  contact_mm: float = 0.5) -> dict[str, float]:
    """Return how much of each root the fragment reaches (mm^3), largest first: ``{"L5 left": 41.0}``.

    Geometry only: the voxels of every root part (group ``roots``, or ``ganglia``: the dorsal root
    ganglion on a root, in its foramen) within ``contact_mm`` of the
    fragment's surface. An empty answer: the fragment reaches no root (a small bulge, or a
    central fragment pressing only on the dural sac, see :func:`touches_sac`).
    """
    vol = volume if volume is not None else build_volume()
    box, inside = _fragment_box(vol, h, contact_mm)
    own = vol.owner[box][inside]
    out: dict[str, float] = {}
    for i, count in zip(*np.unique(own[own >= 0], return_counts=True), strict=True):
        part = vol.parts[int(i)]
        if part.group not in ("roots", "ganglia"):  # a root, or the ganglion on it in the foramen
            continue
        side = "left" if part.mesh.vertices[:, 0].mean() > 0 else "right"
        name = f"{part.level} {side}"
        out[name] = out.get(name, 0.0) + float(count) * vol.spacing ** 3
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], LEVELS.index(kv[0].split()[0]))))


def roots_touched(h: Herniation, *, volume: Volume | None = None, contact_mm: float = 0.5) -> list[str]:
    """Return the roots the fragment reaches in the model, most reached first (e.g. ``["L5 left"]``)."""
    return list(root_contacts(h, volume=volume, contact_mm=contact_mm))


def touches_sac(h: Herniation, *, volume: Volume | None = None, contact_mm: float = 0.5) -> bool:
    """Return whether the fragment reaches the dural sac in the model."""
    vol = volume if volume is not None else build_volume()
    box, inside = _fragment_box(vol, h, contact_mm)
    return any(vol.parts[i].group == "dural sac" for i in vol.parts_touching(box, inside))


def fragment_offset(h: Herniation, *, volume: Volume | None = None) -> float:
    """Return the sagittal offset (mm, left positive) of the fragment's middle: where to cut through it."""
    vol = volume if volume is not None else build_volume()
    return float(_herniation_frame(vol, h)[0][0])


def herniation_report(h: Herniation, *, volume: Volume | None = None) -> dict[str, object]:
    """Return one row a student reads: what the fragment reaches in the model, and lesson 02's rule.

    ``relation`` names the reached root's course at that disc: *traversing* (the root of the lower
    vertebra, crossing the disc) or *exiting* (the root of the upper vertebra, leaving through the
    foramen). ``rule root`` is :func:`widgets.conditions.roots.herniation_root` for the zone's row
    (central and paracentral: paramedian; foraminal and extraforaminal: far-lateral).
    """
    from widgets.conditions.roots import herniation_root

    vol = volume if volume is not None else build_volume()
    contacts = root_contacts(h, volume=vol)
    up, lo = h.disc.split("-")
    main = next(iter(contacts), None)
    relation = "none"
    if main is not None:
        relation = "traversing" if main.split()[0] == lo else "exiting"
    rule = herniation_root(h.disc, zone_relation(h.zone))
    return {
        "disc": h.disc, "zone": h.zone, "side": h.side if h.zone != "central" else "midline",
        "size (mm)": h.size_mm,
        "roots it reaches in the model": ", ".join(contacts) if contacts else "none",
        "relation": relation, "reaches the dural sac": "yes" if touches_sac(h, volume=vol) else "no",
        "lesson 02 rule": f"{rule.relation} root: {rule.root}",
        "agrees": ("no root reached" if main is None
                   else "yes" if main.split()[0] == rule.root else "no"),
    }


@functools.cache
def _luts() -> dict[str, np.ndarray]:
    def key(m: str) -> str:
        return m.lower().replace(" ", "_")

    hu = np.array([assumption(f"ct_hu_{key(m)}").value for m in MATERIALS], dtype=np.float32)
    t2 = np.array([assumption(f"t2_signal_{key(m)}").value for m in MATERIALS], dtype=np.float32)
    return {"CT": hu, "T2": t2}


def _window(window: str) -> tuple[float, float]:
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}; got {window!r}")
    name = "bone" if window == "bone" else "soft_tissue"
    return (assumption(f"ct_window_{name}_level").value, assumption(f"ct_window_{name}_width").value)


@dataclass(frozen=True, eq=False)
class Slice:
    """One slice: its materials (codes of :data:`MATERIALS`), grey image and where it lies."""

    plane: str
    modality: str
    where: str
    labels: np.ndarray
    grey: np.ndarray
    fov_mm: float
    herniation: Herniation | None
    marker: str

    def png(self, *, display_px: int = 512) -> bytes:
        """PNG bytes of the slice, scaled to ``display_px``, with the caption burnt in."""
        return png_bytes(self.grey, display_px=display_px, caption=CAPTION, marker=self.marker)

    def shows(self, material: str) -> bool:
        """Return whether any pixel of the slice is ``material``."""
        return bool((self.labels == _CODE[material]).any())


@functools.lru_cache(maxsize=16)
def _grain(n: int, seed: int) -> np.ndarray:
    """Return unit Gaussian noise, n x n, the same for the same seed (the grain of a real image)."""
    out = np.random.default_rng(seed).standard_normal((n, n)).astype(np.float32)
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=64)
def _cut(vol: Volume, plane: str, where: str, offset_mm: float, n: int, fov: float
         ) -> tuple[np.ndarray, np.ndarray, str]:
    """Return the world points of a slice's pixels (n*n x 3), their materials (n x n) and the side marker."""
    frame = _disc_frame(vol, where) if where in DISCS else _vertebra_frame(vol, where)
    c = (np.arange(n) + 0.5 - n / 2.0) * fov / n
    if plane == "axial":
        # from the feet: image right = patient's left (+x), image up = anterior (+y)
        centre = frame.origin - frame.axes[1] * 10.0 + frame.axes[2] * offset_mm
        right, up = frame.axes[0], frame.axes[1]
        marker = "L"
    else:
        # anterior on the left, head up, in the world's sagittal plane x = offset
        body = vol.body_centre(where.split("-")[0] if where in DISCS else where)
        height = frame.origin[2] if where in DISCS else body[2]
        centre = np.array([offset_mm, body[1] - 10.0, height])
        right, up = np.array([0.0, -1.0, 0.0]), np.array([0.0, 0.0, 1.0])
        marker = "P"
    uu, vv = np.meshgrid(c.astype(np.float32), -c.astype(np.float32))
    pts = (centre + uu.reshape(-1, 1) * right + vv.reshape(-1, 1) * up).astype(np.float32)
    idx = np.rint((pts - vol.origin) / vol.spacing).astype(np.int32)
    ok = np.all((idx >= 0) & (idx < np.array(vol.shape)), axis=1)
    labels = np.empty(n * n, dtype=np.uint8)
    labels[ok] = vol.labels.ravel()[np.ravel_multi_index(tuple(idx[ok].T), vol.shape)]
    if not ok.all():
        rest = np.flatnonzero(~ok)
        labels[rest] = torso_material(vol.torso, pts[rest])
        o = vol.outer
        if o is not None:  # bones far from the vertebrae, from the coarse grid
            oi = np.rint((pts[rest] - o.origin) / o.spacing).astype(np.int32)
            inside = np.all((oi >= 0) & (oi < np.array(o.shape)), axis=1)
            found = o.labels.ravel()[np.ravel_multi_index(tuple(oi[inside].T), o.shape)]
            keep = found != 0  # soft tissue there: keep the body's own material (fat, air)
            labels[rest[inside][keep]] = found[keep]
    soft = np.flatnonzero(labels == _CODE["soft tissue"])
    labels[soft[~_in_muscle(vol, pts[soft])]] = _CODE["fat"]
    labels = labels.reshape(n, n)
    labels.setflags(write=False)
    return pts, labels, marker


def _in_muscle(vol: Volume, pts: np.ndarray) -> np.ndarray:
    """Return whether each point lies in a psoas or paraspinal muscle (schematic ellipses).

    Each point is placed in the frame of the vertebra whose middle is nearest in height. The
    psoas lies against the side of the body, the paraspinal muscles behind the lamina on each
    side of the spinous process; their sizes are assumptions. Elsewhere the slices show fat.
    """
    if len(pts) == 0:
        return np.zeros(0, dtype=bool)
    levels = list(vol.spine.poses)
    centres = np.array([vol.body_centre(lv)[2] for lv in levels])
    nearest = np.argmin(np.abs(pts[:, 2][:, None] - centres[None, :]), axis=1)
    out = np.zeros(len(pts), dtype=bool)
    rp = assumption("slice_psoas_radius").value
    re_ = assumption("slice_paraspinal_radius").value
    for i, lv in enumerate(levels):
        sel = np.flatnonzero(nearest == i)
        if not len(sel):
            continue
        local = vol.pose(lv).inverse().apply(pts[sel])
        dims = vol.spine.vertebra(lv).dims
        x, y = np.abs(local[:, 0]), local[:, 1]
        psoas = ((x - dims.v("body_width") / 2.0 - 0.8 * rp) / rp) ** 2 + ((y - 0.45 * dims.v("body_depth"))
                                                                          / (1.2 * rp)) ** 2 <= 1.0
        back = -dims.v("canal_depth") - 0.9 * re_
        spinal = ((x - re_ - 3.0) / (1.1 * re_)) ** 2 + ((y - back) / re_) ** 2 <= 1.0
        out[sel] = psoas | spinal
    return out


def _check(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}; got {value!r}")


def slice_image(*, plane: str = "axial", where: str = "L4-L5", offset_mm: float = 0.0,
                modality: str = "T2", window: str = "bone", herniation: Herniation | None = None,
                size_px: int = 256, fov_mm: float | None = None, volume: Volume | None = None) -> Slice:
    """Cut one slice through the model and render it as CT (``window``) or T2.

    ``where``: a disc (``"L4-L5"``) or a vertebra (``"L4"``) the slice is centred on;
    ``offset_mm``: for an axial slice, how far above (+) or below the disc or mid-body; for a
    sagittal slice, how far left (+) or right of the midline. ``fov_mm``: the side of the square
    shown (default 110 mm axial, 160 mm sagittal).
    """
    _check("plane", plane, PLANES)
    _check("modality", modality, MODALITIES)
    _check("where", where, DISCS + LEVELS)
    if isinstance(offset_mm, bool) or not isinstance(offset_mm, int | float) or not -60 <= offset_mm <= 60:
        raise ValueError(f"offset_mm must be a number from -60 to 60; got {offset_mm!r}")
    if herniation is not None and not isinstance(herniation, Herniation):
        raise TypeError(f"herniation must be a Herniation or None; got {type(herniation).__name__}")
    if not isinstance(size_px, int) or isinstance(size_px, bool) or not 64 <= size_px <= 1024:
        raise ValueError(f"size_px must be a whole number from 64 to 1024; got {size_px!r}")
    fov = float(fov_mm if fov_mm is not None else (110.0 if plane == "axial" else 160.0))
    if not 40 <= fov <= 400:
        raise ValueError(f"fov_mm must be from 40 to 400; got {fov_mm!r}")
    lo_hu, width = _window(window) if modality == "CT" else (0.0, 1.0)
    vol = volume if volume is not None else build_volume()
    pts, base, marker = _cut(vol, plane, where, float(offset_mm), size_px, fov)
    labels = base.copy()
    n = size_px
    if herniation is not None:
        labels[_inside_fragment(vol, herniation, pts).reshape(n, n)] = _CODE["herniated disc"]
    value = _luts()[modality][labels]
    if modality == "CT":
        g = (value - (lo_hu - width / 2.0)) / width
    else:
        g = value
    g = gaussian_blur(g.astype(np.float32), sigma=0.8 * n / 256.0)
    g = g + _NOISE[modality] * _grain(n, zlib.crc32(repr((plane, where, float(offset_mm))).encode()))
    grey = (np.clip(g, 0.0, 1.0) * 255).astype(np.uint8)
    return Slice(plane, modality, where, labels, grey, fov, herniation, marker)
