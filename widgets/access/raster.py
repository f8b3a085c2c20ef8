"""What a camera sees of the spine model: the nearest surface per pixel, by structure.

The tube and endoscope views (:mod:`widgets.access.window`, :mod:`widgets.access.endoscope`)
both ask one question of the anatomical model of :mod:`widgets.anatomy`: looking from
here, in this direction, which structure is nearest along each line of sight? This
module answers it by rasterising the model's closed triangle meshes in numpy with a
depth buffer (no graphics card, no plotting):

- :func:`segment_scene` gathers the parts of one motion segment (the upper vertebra,
  the lower one, the disc between, the dural sac and the roots) in the upper
  vertebra's frame and names each part by the structure a surgeon would call it at
  that segment: the upper level's root *exits* there, the lower level's root
  *traverses* the disc;
- :func:`rasterise` draws triangles given in camera coordinates, orthographic (a
  microscope looking down a tube) or perspective (an endoscope's lens), and returns
  the structure and a shade for every pixel.

Pure numpy; no widgets.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from widgets.anatomy.spine import build_spine
from widgets.core.levels import DISCS

__all__ = [
    "NOTHING",
    "area_shares",
    "STRUCTURES",
    "Camera",
    "Raster",
    "Scene",
    "camera",
    "check_choice",
    "check_number",
    "in_view",
    "label_anchor",
    "label_points",
    "rasterise",
    "segment_scene",
    "structure_of",
]

#: The structures the views tell apart, in the order their legends list them.
STRUCTURES: tuple[str, ...] = (
    "lamina", "facet", "superior articular process", "inferior articular process",
    "ligamentum flavum", "spinous process", "pedicle", "vertebral body", "other bone",
    "dural sac", "traversing root", "exiting root", "disc",
)
#: The code of a pixel that sees none of the modelled parts.
NOTHING = -1


def area_shares(codes: np.ndarray, inside: np.ndarray, names: tuple[str, ...], nothing: str
                ) -> dict[str, float]:
    """Each structure's share (%) of the round window ``inside``, in the order of ``names``.

    ``codes`` index ``names`` per pixel (``NOTHING``: no structure, reported as ``nothing``;
    pixels outside the window carry any other negative code). Structures not seen are left out.
    """
    n_in = int(inside.sum())
    shares: dict[str, float] = {}
    for i, name in enumerate(names):
        n = int(np.count_nonzero(codes == i))
        if n:
            shares[name] = 100.0 * n / n_in
    n_none = int(np.count_nonzero(codes == NOTHING))
    if n_none:
        shares[nothing] = 100.0 * n_none / n_in
    return shares


def check_choice(name: str, value: object, allowed: tuple) -> object:
    """Return ``value`` if it is one of ``allowed``; else raise a one-line ValueError."""
    if isinstance(value, bool) or value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise ValueError(f"{name} must be one of {shown}; got {value!r}")
    return value


def check_number(name: str, value: object, low: float, high: float, unit: str) -> float:
    """Return ``value`` as a float within [low, high]; else raise a one-line error."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise ValueError(f"{name} must be a number of {unit} from {low:g} to {high:g}; got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low:g} to {high:g} {unit}; got {value!r}")
    return float(value)


def structure_of(group: str, name: str, level: str, upper: str, lower: str, side: str
                 ) -> str | None:
    """Name a part of the model by the structure it is at the segment ``upper``-``lower``.

    Returns None for spaces (canal, foramen) and parts the views do not draw. The
    facets are told apart (the superior articular process belongs to the lower
    vertebra); the roots by their role at this segment (``side`` keeps only the
    roots of the side looked at, so the other side's root is not mistaken for this
    one's).
    """
    group, name = group.lower(), name.lower()
    if group in ("canal", "foramen") or "space" in group:
        return None
    if "root" in group or "ganglion" in group or "root" in name or "ganglion" in name:
        if side not in name and ("left" in name or "right" in name):
            return "other root"
        if level == upper:
            return "exiting root"
        if level == lower:
            return "traversing root"
        return "other root"
    if "flavum" in group or "flavum" in name:
        return "ligamentum flavum"
    if "dural" in group or "sac" in group:
        return "dural sac"
    if "disc" in group:
        return "disc"
    if "facet" in group or "articular" in group:
        if "superior" in name:
            return "superior articular process"
        if "inferior" in name:
            return "inferior articular process"
        return "facet"
    for key, label in (("lamina", "lamina"), ("spinous", "spinous process"),
                       ("pedicle", "pedicle"), ("body", "vertebral body")):
        if key in group:
            return label
    return "other bone"


@dataclass(frozen=True)
class Scene:
    """The triangles of one segment (upper vertebra's frame) with a structure code each."""

    segment: str
    side: str
    triangles: np.ndarray  # n x 3 x 3, mm
    codes: np.ndarray  # n, index into STRUCTURES (or into ``extra`` after it)
    levels: np.ndarray  # n, the level each triangle's part belongs to
    has_flavum: bool
    frames: dict[str, np.ndarray]  # the lower vertebra's axes in this frame, and landmarks
    centres: np.ndarray  # n x 3: each triangle's centroid (for a quick cull)
    radii: np.ndarray  # n: the radius of a sphere about the centroid holding the triangle


def _segment_parts(segment: str, side: str):
    upper, lower = segment.split("-")
    spine = build_spine()
    inv = spine.poses[upper].inverse()
    out = []
    for p in spine.parts:
        if p.kind == "void" or p.level not in (upper, lower):
            continue
        label = structure_of(p.group, p.mesh.name, p.level, upper, lower, side)
        if label is None or label == "other root":
            continue
        out.append((p, label, inv))
    return spine, upper, lower, out


@functools.lru_cache(maxsize=16)
def segment_scene(*, segment: str, side: str) -> Scene:
    """Return the parts of ``segment`` (e.g. ``"L4-L5"``) seen from ``side``, as coded triangles.

    Every part of the two vertebrae, the disc between them, their dural sac and the
    roots of the side looked at, in the upper vertebra's frame (``x`` left, ``y``
    anterior, ``z`` cranial, mm). The superior and inferior articular processes keep
    their own codes; a view that shows them as one facet merges them.
    """
    check_choice("segment", segment, DISCS)
    check_choice("side", side, ("left", "right"))
    spine, upper, lower, parts = _segment_parts(segment, side)
    tris, codes, levels = [], [], []
    for p, label, inv in parts:
        v = inv.apply(p.mesh.vertices)
        t = v[p.mesh.faces]
        tris.append(t)
        codes.append(np.full(len(t), STRUCTURES.index(label)))
        levels.append(np.full(len(t), p.level))
    lower_pose = inv.compose(spine.poses[lower])
    has_flavum = any(lab == "ligamentum flavum" for _, lab, _ in parts)
    if not has_flavum:  # the anatomical model has none yet: a sheet across the interlaminar gap
        sheet = _flavum_sheet(spine.vertebra(upper), spine.vertebra(lower), lower_pose)
        tris.append(sheet)
        codes.append(np.full(len(sheet), STRUCTURES.index("ligamentum flavum")))
        levels.append(np.full(len(sheet), upper))
    tri = np.concatenate(tris)
    tri.flags.writeable = False
    frames = {
        "lower_rotation": lower_pose.rotation,
        "lower_origin": lower_pose.translation,
        "upper_landmarks": spine.vertebra(upper).landmarks,
        "lower_landmarks": spine.vertebra(lower).landmarks,
    }
    centres = tri.mean(axis=1)
    radii = np.linalg.norm(tri - centres[:, None, :], axis=2).max(axis=1)
    return Scene(segment, side, tri, np.concatenate(codes), np.concatenate(levels), has_flavum,
                 frames, centres, radii)


def _flavum_sheet(upper, lower, lower_pose) -> np.ndarray:
    """Return a 3 mm sheet along the roof of the canal, from the upper lamina down to the lower one.

    Used only while the anatomical model has no ligamentum flavum of its own: it
    follows the inner line of the upper lamina (the canal's roof) out to the
    facet joints, and spans the gap between the two laminae (upper vertebra's frame).
    """
    from widgets.anatomy.mesh import prism

    d = upper.dims
    span, cd, t = d.v("pedicle_span"), d.v("canal_depth"), 3.0
    xp = float(upper.landmarks["pillar_x"])
    inner = [(-xp - 7.0, -span), (-xp, -span), (0.0, -cd), (xp, -span), (xp + 7.0, -span)]
    outer = [(x, y - t) for x, y in inner[::-1]]
    poly = np.array(inner[::-1] + outer[::-1])
    top = float(upper.landmarks["lamina_bottom"]) + 2.0
    lam_top = float(lower.landmarks["lamina_top"])
    bottom = float(lower_pose.apply(np.array([0.0, -cd, lam_top]))[2]) - 2.0
    mesh = prism(poly, bottom, top, "ligamentum_flavum")
    return mesh.vertices[mesh.faces]


@dataclass(frozen=True)
class Camera:
    """Where the eye is and how it looks: origin, forward, up (unit), and the projection.

    ``kind`` is ``"orthographic"`` (``extent`` mm across the image) or ``"perspective"``
    (``fov_deg`` across the image). Surfaces nearer than ``near`` or farther than
    ``far`` (mm along ``forward``) are not drawn.
    """

    origin: np.ndarray
    forward: np.ndarray
    up: np.ndarray
    kind: str
    extent: float = 0.0
    fov_deg: float = 0.0
    near: float = 0.0
    far: float = 100.0

    @property
    def right(self) -> np.ndarray:
        """The image's right: ``up x forward`` (looking forward with ``up`` at the top)."""
        return np.cross(self.up, self.forward)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Map world points (... x 3) to camera coordinates (right, up, depth)."""
        basis = np.stack([self.right, self.up, self.forward])
        return (np.asarray(points, float) - self.origin) @ basis.T


def camera(*, origin, forward, up, kind: str, extent: float = 0.0, fov_deg: float = 0.0,
           near: float = 0.0, far: float = 100.0) -> Camera:
    """Return a :class:`Camera` with ``forward`` normalised and ``up`` made perpendicular to it."""
    f = np.asarray(forward, float)
    f = f / np.linalg.norm(f)
    u = np.asarray(up, float) - np.dot(up, f) * f
    u = u / np.linalg.norm(u)
    return Camera(np.asarray(origin, float), f, u, kind, extent, fov_deg, near, far)


@dataclass(frozen=True)
class Raster:
    """Per pixel: the structure code seen (``NOTHING`` if none), a shade (0-1) and the depth."""

    codes: np.ndarray  # h x w int
    shade: np.ndarray  # h x w float
    depth: np.ndarray  # h x w float, mm along the camera's forward (inf where nothing)


def _clip_near(tri: np.ndarray, codes: np.ndarray, near: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut triangles (camera coordinates) at the plane ``depth = near``; keep the far side."""
    front = tri[:, :, 2] > near
    n_front = front.sum(axis=1)
    keep = [tri[n_front == 3]]
    keep_codes = [codes[n_front == 3]]
    for count in (1, 2):
        sel = n_front == count
        if not np.any(sel):
            continue
        t, f = tri[sel], front[sel]
        # roll each triangle so the odd vertex (alone on its side) comes first
        odd = np.argmax(f if count == 1 else ~f, axis=1)
        idx = (odd[:, None] + np.arange(3)[None, :]) % 3
        t = np.take_along_axis(t, idx[:, :, None], axis=1)
        a, b, c = t[:, 0], t[:, 1], t[:, 2]
        tb = ((near - a[:, 2]) / (b[:, 2] - a[:, 2]))[:, None]
        tc = ((near - a[:, 2]) / (c[:, 2] - a[:, 2]))[:, None]
        ab, ac = a + tb * (b - a), a + tc * (c - a)
        if count == 1:  # only the odd vertex a is in front: one smaller triangle
            keep.append(np.stack([a, ab, ac], axis=1))
            keep_codes.append(codes[sel])
        else:  # a is behind: the quad ab, b, c, ac as two triangles
            keep.append(np.stack([ab, b, c], axis=1))
            keep.append(np.stack([ab, c, ac], axis=1))
            keep_codes += [codes[sel], codes[sel]]
    return np.concatenate(keep), np.concatenate(keep_codes)


def in_view(cam: Camera, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Return, per bounding sphere (centre, radius), whether it may reach into ``cam``'s view."""
    c = centres - cam.origin
    along = c @ cam.forward
    perp = np.sqrt(np.maximum(np.einsum("ij,ij->i", c, c) - along * along, 0.0))
    if cam.kind == "perspective":
        half = np.radians(cam.fov_deg) / 2.0 * np.sqrt(2.0)  # the image's corners
        reach = np.maximum(along, 0.0) * np.tan(min(half, np.radians(89.0))) + radii / np.cos(
            min(half, np.radians(89.0)))
    else:
        reach = cam.extent / np.sqrt(2.0) + radii
    return (perp <= reach) & (along + radii > cam.near) & (along - radii < cam.far)


def rasterise(*, triangles: np.ndarray, codes: np.ndarray, cam: Camera, size: int,
              spheres: tuple[np.ndarray, np.ndarray] | None = None) -> Raster:
    """Draw ``triangles`` (n x 3 x 3, world mm) seen by ``cam`` into a ``size`` x ``size`` image.

    Each pixel takes the code of the nearest surface along its line of sight, and a
    shade from the angle between that surface and the line of sight (surfaces
    facing the eye are bright) and from its distance. Row 0 of the image is its top.
    ``spheres`` (centres, radii; one per triangle) lets a large model skip at once
    the triangles that cannot be in view.
    """
    if spheres is not None and len(triangles):
        sel = in_view(cam, *spheres)
        triangles, codes = triangles[sel], codes[sel]
    t = cam.to_camera(triangles)
    if len(t):
        lo, hi = t[:, :, 2].min(axis=1), t[:, :, 2].max(axis=1)
        sel = (hi > cam.near) & (lo < cam.far)
        # off to one side of the view: every vertex beyond the same edge of the image
        half = (np.tan(np.radians(cam.fov_deg) / 2.0) * np.maximum(t[:, :, 2], 0.0)
                if cam.kind == "perspective" else np.full(t.shape[:2], cam.extent / 2.0))
        for axis in (0, 1):
            sel &= ~np.all(t[:, :, axis] > half, axis=1) & ~np.all(t[:, :, axis] < -half, axis=1)
        t, codes = t[sel], codes[sel]
    if cam.kind == "perspective" and len(t):
        t, codes = _clip_near(t, codes, max(cam.near, 0.05))
    elif len(t):
        t, codes = _clip_near(t, codes, cam.near)
    # screen coordinates in pixels (x right, y down) and a depth key linear on screen
    if cam.kind == "perspective":
        focal = (size / 2.0) / np.tan(np.radians(cam.fov_deg) / 2.0)
        z = t[:, :, 2]
        sx = size / 2.0 + focal * t[:, :, 0] / z
        sy = size / 2.0 - focal * t[:, :, 1] / z
        key = 1.0 / z  # larger is nearer
    else:
        scale = size / cam.extent
        sx = size / 2.0 + scale * t[:, :, 0]
        sy = size / 2.0 - scale * t[:, :, 1]
        key = -t[:, :, 2]
    # facing: |cos| of the angle between the face normal and the line of sight at its centre
    e1, e2 = t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]
    normal = np.cross(e1, e2)
    nn = np.linalg.norm(normal, axis=1)
    ok = nn > 1e-12
    sight = t.mean(axis=1) if cam.kind == "perspective" else np.array([[0.0, 0.0, 1.0]])
    sight = sight / np.linalg.norm(sight, axis=-1, keepdims=True)
    facing = np.abs(np.einsum("ij,ij->i", normal, np.broadcast_to(sight, normal.shape)))
    facing = np.where(ok, facing / np.where(ok, nn, 1.0), 0.0)
    # the depth key is a plane over the screen: key = A x + B y + C per triangle
    x0_, y0_ = sx[:, 0], sy[:, 0]
    dx1, dy1, dx2, dy2 = sx[:, 1] - x0_, sy[:, 1] - y0_, sx[:, 2] - x0_, sy[:, 2] - y0_
    area = dx1 * dy2 - dx2 * dy1
    y0 = np.clip(np.ceil(sy.min(axis=1) - 0.5), 0, size).astype(np.int64)
    y1 = np.clip(np.floor(sy.max(axis=1) - 0.5), -1, size - 1).astype(np.int64)
    h = np.maximum(y1 - y0 + 1, 0)
    live = (h > 0) & ok & (np.abs(area) > 1e-9) & (sx.max(axis=1) >= 0) & (sx.min(axis=1) <= size)
    idx = np.nonzero(live)[0]
    codes_img = np.full((size, size), NOTHING, dtype=np.int64)
    shade = np.zeros((size, size))
    depth = np.full((size, size), np.inf)
    if len(idx) == 0:
        return Raster(codes_img, shade, depth)
    inv = 1.0 / area[idx]
    dk1, dk2 = key[idx, 1] - key[idx, 0], key[idx, 2] - key[idx, 0]
    plane_a = np.zeros(len(t))
    plane_b = np.zeros(len(t))
    plane_a[idx] = (dk1 * dy2[idx] - dk2 * dy1[idx]) * inv
    plane_b[idx] = (dk2 * dx1[idx] - dk1 * dx2[idx]) * inv
    plane_c = key[:, 0] - plane_a * x0_ - plane_b * y0_
    # one span of pixels per triangle and row: where the row's centre line crosses the triangle
    hh = h[idx]
    tri_row = np.repeat(idx, hh)
    row = y0[tri_row] + np.arange(int(hh.sum())) - np.repeat(np.cumsum(hh) - hh, hh)
    cy = row + 0.5
    xl = np.full(len(row), np.inf)
    xr = np.full(len(row), -np.inf)
    for i, j in ((0, 1), (1, 2), (2, 0)):
        ya, yb, xa, xb = sy[tri_row, i], sy[tri_row, j], sx[tri_row, i], sx[tri_row, j]
        dy = yb - ya
        crosses = ((ya - cy) * (yb - cy) <= 0) & (dy != 0)
        xe = xa + (cy - ya) * (xb - xa) / np.where(dy != 0, dy, 1.0)
        xl = np.where(crosses, np.minimum(xl, xe), xl)
        xr = np.where(crosses, np.maximum(xr, xe), xr)
    good = np.isfinite(xl)
    c0 = np.clip(np.ceil(np.where(good, xl, 1.0) - 0.5), 0, size).astype(np.int64)
    c1 = np.clip(np.floor(np.where(good, xr, 0.0) - 0.5), -1, size - 1).astype(np.int64)
    w = np.where(good, np.maximum(c1 - c0 + 1, 0), 0)
    tri_of = np.repeat(tri_row, w)
    py = np.repeat(row, w)
    px = np.repeat(c0, w) + np.arange(int(w.sum())) - np.repeat(np.cumsum(w) - w, w)
    kval = plane_a[tri_of] * (px + 0.5) + plane_b[tri_of] * (py + 0.5) + plane_c[tri_of]
    pix = py * size + px
    best = np.full(size * size, -np.inf)
    np.maximum.at(best, pix, kval)
    win = kval >= best[pix]
    pix, tri_win, kwin = pix[win], tri_of[win], kval[win]
    flat_codes = codes_img.reshape(-1)
    flat_codes[pix] = codes[tri_win]
    d = 1.0 / kwin if cam.kind == "perspective" else -kwin
    depth.reshape(-1)[pix] = d
    fall = np.clip(1.0 - (d - max(cam.near, 0.0)) / max(cam.far - cam.near, 1e-6), 0.0, 1.0)
    shade.reshape(-1)[pix] = 0.45 + 0.35 * facing[tri_win] + 0.2 * fall
    return Raster(codes_img, shade, depth)


def _depth(mask: np.ndarray) -> np.ndarray:
    """Return, per pixel of ``mask``, how many steps it lies from the mask's edge (city-block)."""
    depth = np.zeros(mask.shape, dtype=np.int64)
    cur = mask.copy()
    while cur.any():
        depth += cur
        inner = cur.copy()
        inner[1:, :] &= cur[:-1, :]
        inner[:-1, :] &= cur[1:, :]
        inner[:, 1:] &= cur[:, :-1]
        inner[:, :-1] &= cur[:, 1:]
        inner[0, :] = inner[-1, :] = inner[:, 0] = inner[:, -1] = False
        cur = inner
    return depth


def label_anchor(col: float, size: int) -> str:
    """Return how a label at column ``col`` is anchored: text runs inwards from the image's sides."""
    return "right" if col > 0.6 * size else "left" if col < 0.4 * size else "center"


def label_points(codes: np.ndarray, names: tuple[str, ...], min_share: float = 4.0,
                 char_px: float = 2.7) -> dict[str, tuple[int, int]]:
    """Return, per structure filling at least ``min_share`` % of the image, a pixel deep inside it.

    The pixel (row, column) farthest from the structure's edge, among those in the
    middle three quarters of the round image (a label at the rim would run off it)
    and where its label (about ``char_px`` pixels a character, anchored by
    :func:`label_anchor`) would not cross one already placed (larger structures are
    labelled first). A structure with no such pixel gets no label (the legend
    still names it).
    """
    out: dict[str, tuple[int, int]] = {}
    n = codes.shape[0]
    c = (np.arange(n) + 0.5) / n * 2.0 - 1.0
    middle = (c[None, :] ** 2 + c[:, None] ** 2) <= 0.75 ** 2
    n_in = max(1, int(np.count_nonzero(codes != -2)))
    rows, cols = np.indices(codes.shape)

    def span(col, width):
        start = np.where(col > 0.6 * n, col - width, np.where(col < 0.4 * n, col, col - width / 2.0))
        return start, start + width

    placed: list[tuple[int, float, float]] = []
    sizes = [(int(np.count_nonzero(codes == i)), i) for i in range(len(names))]
    for count, i in sorted(sizes, reverse=True):
        mask = codes == i
        if 100.0 * count / n_in < min_share:
            continue
        free = mask & middle
        lo, hi = span(cols, char_px * len(names[i]))
        for r0, a0, a1 in placed:
            free &= ~((np.abs(rows - r0) < 0.09 * n) & (lo < a1) & (hi > a0))
        if not np.any(free):
            continue
        dist = np.where(free, _depth(mask), 0)
        r, col = np.unravel_index(int(np.argmax(dist)), dist.shape)
        out[names[i]] = (int(r), int(col))
        a0, a1 = span(np.array(float(col)), char_px * len(names[i]))
        placed.append((int(r), float(a0), float(a1)))
    return out
