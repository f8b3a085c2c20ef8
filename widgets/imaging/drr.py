"""Simulated fluoroscopy: digitally reconstructed radiographs (DRRs) of the voxel model.

A C-arm shot is the line integral of attenuation along every ray from a point source to a detector
pixel (cone beam), turned into a grey image as a C-arm monitor shows it.

Geometry (:class:`View`)
------------------------
The C-arm is squared to a target vertebra: its angles are those of :mod:`widgets.imaging.carm`
in that vertebra's frame (orbital 0, tilt 0 is a true AP of the level; orbital 90 a true lateral
from the patient's left). The source sits ``sod_mm`` before the isocentre (the middle of the body,
moved by ``centre_mm``), the detector ``sid_mm`` from the source; an object at the isocentre is
magnified ``sid / sod`` times, and the detector's ``field_mm`` covers ``field * sod / sid`` of it.

Method (shear-warp, exact for straight rays)
--------------------------------------------
The volume is cut into slices across the volume axis closest to the beam. Seen from a point
source, each slice maps onto a plane parallel to it (the base plane, through the middle of the
volume) by a scale and a shift, the same for both in-plane axes; so every slice is resampled onto
the base plane by two sparse interpolation matrices (two nonzero weights per row) and all slices
are summed with two sparse matrix products. One warp (bilinear) takes the base plane to the
detector, and each ray's sum is multiplied by its path length per slice. The geometry of a view is
worked out once and cached; the soft tissue around the spine (an elliptic cylinder) and the
instruments (cylinders) are added exactly, in closed form.

Display: a C-arm monitor's convention by default, **dense things dark on a light background**
(bone grey-black, metal black, soft tissue light), inside the round field of an image intensifier;
``invert=True`` gives the radiograph convention (bone white). Every image carries the words
"model rendering, not a patient image".
"""

from __future__ import annotations

import functools
import io
import math
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from widgets.core.assumptions import assumption
from widgets.imaging.carm import beam_direction, detector_axes
from widgets.imaging.filters import gaussian_blur, resize_linear
from widgets.imaging.volume import Volume, build_volume, mu_per_mm, torso_chords

if TYPE_CHECKING:  # scipy is imported where a projection is planned, not with the module
    from scipy import sparse

__all__ = [
    "CAPTION",
    "INSTRUMENT_KINDS",
    "Instrument",
    "Shot",
    "VIEWS",
    "View",
    "chord_lengths",
    "line_integrals",
    "png_bytes",
    "project_volume",
    "shot",
]

CAPTION = "model rendering, not a patient image"
#: Named C-arm positions (orbital, tilt) in degrees, in the target vertebra's frame.
VIEWS: dict[str, tuple[float, float]] = {"AP": (0.0, 0.0), "lateral": (90.0, 0.0),
                                         "oblique left": (-45.0, 0.0), "oblique right": (45.0, 0.0)}
INSTRUMENT_KINDS = ("needle", "K-wire", "dilator", "tube", "screw")


def _number(name: str, v, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise TypeError(f"{name} must be a finite number; got {v!r}")
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be from {lo:g} to {hi:g}; got {v}")
    return float(v)


@dataclass(frozen=True)
class View:
    """Where the C-arm is: target level, angles (degrees), distances (mm), detector size (pixels)."""

    level: str = "L4"
    orbital_deg: float = 0.0
    tilt_deg: float = 0.0
    sod_mm: float = field(default_factory=lambda: assumption("carm_source_object_distance").value)
    sid_mm: float = field(default_factory=lambda: assumption("carm_source_image_distance").value)
    field_mm: float = field(default_factory=lambda: assumption("carm_detector_field").value)
    size_px: int = 256
    centre_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        beam_direction(self.orbital_deg, self.tilt_deg)  # validates both angles
        _number("sod_mm", self.sod_mm, 200, 1500)
        _number("sid_mm", self.sid_mm, 300, 2000)
        if not self.sod_mm < self.sid_mm - 100:
            raise ValueError(f"sod_mm must be at least 100 mm less than sid_mm; got {self.sod_mm}"
                             f" and {self.sid_mm}")
        _number("field_mm", self.field_mm, 50, 500)
        size = self.size_px
        if isinstance(size, bool) or not isinstance(size, int) or not 32 <= size <= 1024:
            raise ValueError(f"size_px must be a whole number from 32 to 1024; got {self.size_px!r}")
        c = tuple(self.centre_mm)
        if len(c) != 3:
            raise ValueError(f"centre_mm must be three numbers (x, y, z in mm); got {self.centre_mm!r}")
        object.__setattr__(self, "centre_mm", tuple(_number("centre_mm", float(x), -300, 300) for x in c))

    @property
    def magnification(self) -> float:
        """How many times larger an object at the isocentre appears on the detector."""
        return self.sid_mm / self.sod_mm

    @property
    def pixel_mm(self) -> float:
        """Size of a detector pixel referred to the isocentre (mm)."""
        return self.field_mm / self.magnification / self.size_px


@dataclass(frozen=True)
class Instrument:
    """A radio-opaque instrument: a straight cylinder (hollow if ``inner_diameter_mm`` > 0).

    ``start`` and ``end`` are the centres of its two ends in the target vertebra's frame (mm;
    ``x`` left, ``y`` anterior, ``z`` up, origin the middle of the back of the body).
    """

    kind: str
    start: tuple[float, float, float]
    end: tuple[float, float, float]
    diameter_mm: float
    inner_diameter_mm: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in INSTRUMENT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(INSTRUMENT_KINDS)}; got {self.kind!r}")
        for name in ("start", "end"):
            p = np.asarray(getattr(self, name), dtype=float)
            if p.shape != (3,) or not np.all(np.isfinite(p)):
                raise ValueError(f"{name} must be three finite numbers (x, y, z in mm);"
                                 f" got {getattr(self, name)!r}")
            object.__setattr__(self, name, tuple(float(x) for x in p))
        if np.allclose(self.start, self.end):
            raise ValueError("an instrument's start and end must differ")
        _number("diameter_mm", self.diameter_mm, 0.1, 60)
        _number("inner_diameter_mm", self.inner_diameter_mm, 0, 59)
        if self.inner_diameter_mm >= self.diameter_mm:
            raise ValueError(f"inner_diameter_mm must be less than diameter_mm; got {self.inner_diameter_mm}"
                             f" and {self.diameter_mm}")


def chord_lengths(start: np.ndarray, end: np.ndarray, a: np.ndarray, b: np.ndarray,
                  radius: float) -> np.ndarray:
    """Length (mm) of each segment ``start -> end`` inside the solid cylinder of axis a-b and ``radius``."""
    s = np.asarray(start, dtype=float)
    d = np.asarray(end, dtype=float) - s
    axis = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    length = float(np.linalg.norm(axis))
    u = axis / length
    w = s - np.asarray(a, dtype=float)
    du, wu = d @ u, w @ u
    dp, wp = d - du[..., None] * u, w - wu[..., None] * u
    qa = np.einsum("...i,...i", dp, dp)
    qb = 2.0 * np.einsum("...i,...i", dp, wp)
    qc = np.einsum("...i,...i", wp, wp) - radius * radius
    disc = qb * qb - 4.0 * qa * qc
    parallel = qa < 1e-12
    root = np.sqrt(np.clip(disc, 0.0, None))
    qa_safe = np.where(parallel, 1.0, qa)
    t0 = np.where(parallel, np.where(qc <= 0, -np.inf, np.inf), (-qb - root) / (2 * qa_safe))
    t1 = np.where(parallel, np.where(qc <= 0, np.inf, -np.inf), (-qb + root) / (2 * qa_safe))
    t0 = np.where(disc < 0, np.inf, t0)
    # the axial extent: 0 <= wu + t du <= length
    du_safe = np.where(np.abs(du) < 1e-12, 1.0, du)
    ta, tb = -wu / du_safe, (length - wu) / du_safe
    inside_axially = (wu >= 0) & (wu <= length)
    s0 = np.where(np.abs(du) < 1e-12, np.where(inside_axially, -np.inf, np.inf), np.minimum(ta, tb))
    s1 = np.where(np.abs(du) < 1e-12, np.where(inside_axially, np.inf, -np.inf), np.maximum(ta, tb))
    lo = np.maximum(np.maximum(t0, s0), 0.0)
    hi = np.minimum(np.minimum(t1, s1), 1.0)
    return np.clip(hi - lo, 0.0, None) * np.linalg.norm(d, axis=-1)


def _linear(idx: np.ndarray, n_in: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and weights (both ``idx.shape + (2,)``) of linear interpolation at fractional indices.

    Neighbours outside ``0 .. n_in - 1`` get weight 0 (and a valid column), so every row keeps
    exactly two entries and the sparse matrices can be laid out directly, without sorting.
    """
    i0 = np.floor(idx).astype(np.int64)
    f = (idx - i0).astype(np.float32)
    cols = np.stack([i0, i0 + 1], axis=-1)
    w = np.stack([1.0 - f, f], axis=-1)
    bad = (cols < 0) | (cols >= n_in)
    w[bad] = 0.0
    return np.clip(cols, 0, n_in - 1), w


def _csr(cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """Return a CSR matrix whose rows hold the same number of entries (``cols``: rows x k)."""
    from scipy import sparse

    rows, k = cols.shape
    itype = np.int32 if max(rows * k, shape[1]) < 2 ** 31 else np.int64
    indptr = np.arange(0, rows * k + 1, k, dtype=itype)
    m = sparse.csr_matrix((vals.ravel().astype(np.float32), cols.ravel().astype(itype), indptr), shape=shape)
    m.has_sorted_indices = False
    return m


@functools.lru_cache(maxsize=8)
def _axis_order(vol: Volume, order: tuple[int, int, int]) -> np.ndarray:
    """Return the attenuation volume with its axes in ``order`` (a contiguous copy, cached)."""
    if order == (0, 1, 2):
        return vol.mu
    return np.ascontiguousarray(np.transpose(vol.mu, order))


@dataclass(frozen=True, eq=False)
class _Plan:
    """The precomputed sparse matrices of one projection of one grid (see the module's Method)."""

    order: tuple[int, int, int]  # the slicing axis, then the two in-plane axes, as the data are laid out
    wa: sparse.csr_matrix
    wb: sparse.csr_matrix
    base_shape: tuple[int, int]
    warp: sparse.csr_matrix
    step: np.ndarray  # path length per slice along each ray (mm)


@dataclass(frozen=True, eq=False)
class _Geometry:
    source: np.ndarray
    pixels: np.ndarray  # (n*n, 3) world positions of the pixel centres on the detector
    plans: tuple  # (volume, plan) per grid: the fine one, then the coarse one if any
    soft: np.ndarray  # (n*n,) line integral of the torso's soft tissue and fat
    inside: np.ndarray  # (n, n) bool: pixel inside the round field


def _plan(shape: tuple[int, int, int], origin: np.ndarray, h: float, src: np.ndarray,
          pixels: np.ndarray, pixel_mm: float) -> _Plan:
    """Plan the projection of a grid onto detector pixels (world positions) from a point source."""
    n_pix = len(pixels)
    ray = pixels - src
    axis = int(np.argmax(np.abs(ray[:: max(1, n_pix // 64)]).sum(axis=0)))
    ia, ib = (a for a in range(3) if a != axis)
    # the first resampling runs along the in-plane axis that leaves the smaller intermediate array
    rows = [min(float(np.ptp(pixels[:, a])), shape[a] * h) for a in (ia, ib)]
    if rows[0] * shape[ib] > rows[1] * shape[ia]:
        ia, ib = ib, ia
    k_n, na, nb = shape[axis], shape[ia], shape[ib]
    c_k = origin[axis] + h * np.arange(k_n)
    c_base = origin[axis] + h * (k_n - 1) / 2.0
    if np.any(np.sign(c_k[[0, -1]] - src[axis]) != np.sign(ray[0, axis])):
        raise ValueError("the source must lie outside the volume, before its first slice")
    t_base = (c_base - src[axis]) / ray[:, axis]
    q = src + t_base[:, None] * ray  # each ray's point on the base plane
    # the base grid: the detector's footprint on the base plane, cut to the volume's shadow there
    corners = np.array([[x, y, z] for x in (0, shape[0] - 1) for y in (0, shape[1] - 1)
                        for z in (0, shape[2] - 1)], dtype=float) * h + origin
    tc = (c_base - src[axis]) / (corners[:, axis] - src[axis])
    shadow = src + tc[:, None] * (corners - src)
    spacing = max(pixel_mm, 0.9 * h)  # finer than the voxels adds work, not detail
    lo = np.maximum(q[:, [ia, ib]].min(axis=0), shadow[:, [ia, ib]].min(axis=0)) - spacing
    hi = np.minimum(q[:, [ia, ib]].max(axis=0), shadow[:, [ia, ib]].max(axis=0)) + spacing
    cap = 2 * int(math.isqrt(n_pix)) + 2
    m_a = int(np.clip(np.ceil((hi[0] - lo[0]) / spacing) + 1, 2, cap))
    m_b = int(np.clip(np.ceil((hi[1] - lo[1]) / spacing) + 1, 2, cap))
    sp_a = max((hi[0] - lo[0]) / (m_a - 1), 1e-6)
    sp_b = max((hi[1] - lo[1]) / (m_b - 1), 1e-6)
    ga = lo[0] + sp_a * np.arange(m_a)
    gb = lo[1] + sp_b * np.arange(m_b)
    r = (c_k - src[axis]) / (c_base - src[axis])  # scale of slice k about the source
    # slice k, base point g -> slice point src + (g - src) * r_k -> voxel index
    idx_a = (src[ia] + (ga[None, :] - src[ia]) * r[:, None] - origin[ia]) / h  # (K, m_a)
    idx_b = (src[ib] + (gb[None, :] - src[ib]) * r[:, None] - origin[ib]) / h  # (K, m_b)
    kk = np.arange(k_n)
    # slice k resampled onto the base rows: row k*m_a + m reads voxels (k, i, :) of slice k
    ca, va = _linear(idx_a, na)  # (K, m_a, 2)
    wa = _csr((ca + (kk * na)[:, None, None]).reshape(-1, 2), va.reshape(-1, 2), (k_n * m_a, k_n * na))
    # then summed over the slices onto the base columns: row n reads (k, :, j) for every k
    cb, vb = _linear(idx_b, nb)  # (K, m_b, 2)
    cb = (cb + (kk * nb)[:, None, None]).transpose(1, 0, 2).reshape(m_b, -1)
    wb = _csr(cb, vb.transpose(1, 0, 2).reshape(m_b, -1), (m_b, k_n * nb))
    # base plane -> detector: bilinear weights at each ray's base point
    ja, wa_ = _linear((q[:, ia] - lo[0]) / sp_a, m_a)  # (n_pix, 2)
    jb, wb_ = _linear((q[:, ib] - lo[1]) / sp_b, m_b)
    cols = (ja[:, :, None] * m_b + jb[:, None, :]).reshape(n_pix, 4)
    vals = (wa_[:, :, None] * wb_[:, None, :]).reshape(n_pix, 4)
    warp = _csr(cols, vals, (n_pix, m_a * m_b))
    step = (h * np.sqrt(np.einsum("ij,ij->i", ray, ray)) / np.abs(ray[:, axis])).astype(np.float32)
    return _Plan((axis, ia, ib), wa, wb, (m_a, m_b), warp, step)


def _apply(plan: _Plan, data: np.ndarray) -> np.ndarray:
    """Line integrals of ``data`` (already ordered with the plan's axis first), one per pixel."""
    k_n, na, nb = data.shape
    m_a, m_b = plan.base_shape
    t = plan.wa @ data.reshape(k_n * na, nb)  # (K*m_a, nb)
    x = np.ascontiguousarray(t.reshape(k_n, m_a, nb).transpose(0, 2, 1)).reshape(k_n * nb, m_a)
    base = (plan.wb @ x).T  # (m_a, m_b)
    return (plan.warp @ np.ascontiguousarray(base).ravel()) * plan.step


def line_integrals(mu: np.ndarray, *, origin, spacing: float, source, pixels) -> np.ndarray:
    """Line integrals of a voxel array along the rays from ``source`` to each of ``pixels``.

    ``mu[i, j, k]`` is the value at ``origin + spacing * (i, j, k)`` (values per mm, zero
    outside); ``pixels`` is an n x 3 array of world positions. The general form of the projector,
    which :func:`shot` uses with the C-arm's geometry (and the tests with a phantom).
    """
    mu = np.asarray(mu, dtype=np.float32)
    if mu.ndim != 3:
        raise ValueError(f"mu must be a 3-D array; got {mu.ndim} dimensions")
    src = np.asarray(source, dtype=float)
    pix = np.asarray(pixels, dtype=float).reshape(-1, 3)
    spacing = float(spacing)
    pixel_mm = spacing
    plan = _plan(mu.shape, np.asarray(origin, dtype=float), spacing, src, pix, pixel_mm)
    return _apply(plan, np.ascontiguousarray(np.transpose(mu, plan.order)))


@functools.lru_cache(maxsize=6)  # about 10 MB each: the last few C-arm positions
def _geometry(vol: Volume, view: View) -> _Geometry:
    pose = vol.pose(view.level)
    rot = pose.rotation
    beam = rot @ beam_direction(view.orbital_deg, view.tilt_deg)
    e1, e2 = (rot @ e for e in detector_axes(view.orbital_deg, view.tilt_deg))
    iso = vol.body_centre(view.level) + rot @ np.asarray(view.centre_mm)
    src = iso - beam * view.sod_mm
    det = iso + beam * (view.sid_mm - view.sod_mm)
    n = view.size_px
    pix = view.field_mm / n
    c = (np.arange(n) + 0.5 - n / 2.0) * pix
    u, v = np.meshgrid(c, -c)  # row 0 at the top of the image (e2 up)
    pixels = det + u.reshape(-1, 1) * e1 + v.reshape(-1, 1) * e2
    plans = [(vol, _plan(vol.shape, vol.origin, vol.spacing, src, pixels, view.pixel_mm))]
    if vol.outer is not None:
        o = vol.outer
        plans.append((o, _plan(o.shape, o.origin, o.spacing, src, pixels, max(view.pixel_mm, o.spacing / 2))))
    whole, fat = torso_chords(vol.torso, src[None, :], pixels)
    mu_soft, mu_fat = mu_per_mm("soft tissue"), mu_per_mm("fat")
    soft = (whole * mu_soft + fat * (mu_fat - mu_soft)).astype(np.float32)
    rad = (np.arange(n) + 0.5 - n / 2.0)
    inside = (rad[None, :] ** 2 + rad[:, None] ** 2) <= (n / 2.0) ** 2
    return _Geometry(src, pixels, tuple(plans), soft, inside)


def project_volume(vol: Volume, view: View) -> np.ndarray:
    """Line integrals of the volume's attenuation (minus soft tissue) along every ray, n x n."""
    g = _geometry(vol, view)
    out = sum(_apply(plan, _axis_order(v, plan.order)) for v, plan in g.plans)
    return out.reshape(view.size_px, view.size_px)


@functools.lru_cache(maxsize=16)
def _grain(n: int, seed: int) -> np.ndarray:
    """Return unit Gaussian noise, n x n, the same for the same seed."""
    out = np.random.default_rng(seed).standard_normal((n, n)).astype(np.float32)
    out.setflags(write=False)
    return out


def _to_world(vol: Volume, level: str, p) -> np.ndarray:
    return vol.pose(level).apply(np.asarray(p, dtype=float))


@dataclass(frozen=True, eq=False)
class Shot:
    """One C-arm shot: line integrals (anatomy and with instruments) and how to show them."""

    view: View
    anatomy: np.ndarray  # line integral without instruments (dimensionless), n x n
    total: np.ndarray  # with instruments
    inside: np.ndarray  # pixels inside the round field
    instruments: tuple[Instrument, ...]
    source: np.ndarray
    pixels_world: np.ndarray

    @functools.cached_property
    def _shade(self) -> np.ndarray:
        """Return how dense each pixel looks, 0 (clear) to 1 (dense), after the monitor's processing."""
        n = self.view.size_px
        field_vals = self.anatomy[self.inside]
        # the broad trend of the anatomy: a blur over a twelfth of the field, worked on a 32 x 32 copy
        small = resize_linear(self.anatomy, zoom=32.0 / n)
        smooth = resize_linear(gaussian_blur(small, sigma=32.0 / 12.0, mode="nearest"),
                               zoom=n / small.shape[0])[:n, :n]
        damp = assumption("fluoro_range_compression").value
        trend = damp * (smooth - float(np.median(field_vals)))
        lo, hi = np.percentile((self.anatomy - trend)[self.inside], [0.5, 99.7])
        # metal far beyond the window is held just past black, so sharpening leaves no wide halo
        g = np.clip((self.total - trend - lo) / max(hi - lo, 1e-6), -0.1, 1.15)
        # edge enhancement (an unsharp mask), as a C-arm's image processing applies
        g = g + 0.8 * (g - gaussian_blur(g, sigma=2.0, mode="nearest"))
        # quantum mottle: the grain of a low-dose image, the same for the same view
        g = g + 0.012 * _grain(n, zlib.crc32(repr(self.view).encode()))
        return np.clip(g, 0.0, 1.0).astype(np.float32)

    def image(self, *, invert: bool = False) -> np.ndarray:
        """Return the grey image (uint8, n x n) as the monitor shows it: dense dark unless ``invert``.

        Like a C-arm's automatic brightness, the window is set from the anatomy inside the field;
        broad differences of soft-tissue thickness are damped (as a C-arm's image processing does),
        so that bone edges carry the contrast.
        """
        g = self._shade
        grey = (1.0 - g) if not invert else g
        out = (grey * 235 + 10).astype(np.uint8)
        out[~self.inside] = 0
        return out

    def to_pixels(self, points_world: np.ndarray) -> np.ndarray:
        """Image positions (column, row; fractional pixels) of world points (n x 3)."""
        p = np.atleast_2d(np.asarray(points_world, dtype=float))
        pix = self.pixels_world.reshape(self.view.size_px, self.view.size_px, 3)
        det_c = pix.mean(axis=(0, 1))
        e1 = pix[0, 1] - pix[0, 0]
        e2 = pix[0, 0] - pix[1, 0]
        normal = np.cross(e1, -e2)
        normal /= np.linalg.norm(normal)
        ray = p - self.source
        t = ((det_c - self.source) @ normal) / (ray @ normal)
        hit = self.source + t[:, None] * ray - det_c
        n = self.view.size_px
        col = hit @ e1 / (e1 @ e1) + n / 2.0 - 0.5
        row = -(hit @ e2) / (e2 @ e2) + n / 2.0 - 0.5
        return np.column_stack([col, row])

    def png(self, *, invert: bool = False, display_px: int = 512, caption: bool = True,
            marker: str | None = None) -> bytes:
        """PNG bytes of the image, scaled to ``display_px``, with the caption burnt in."""
        return png_bytes(self.image(invert=invert), display_px=display_px,
                         caption=CAPTION if caption else None, marker=marker)


def png_bytes(grey: np.ndarray, *, display_px: int = 512, caption: str | None = CAPTION,
              marker: str | None = None) -> bytes:
    """Encode a uint8 grey image as PNG, resized to ``display_px`` square, with an optional caption."""
    from PIL import Image, ImageDraw

    img = Image.fromarray(np.asarray(grey, dtype=np.uint8), mode="L")
    if display_px != img.width:
        img = img.resize((display_px, int(round(display_px * img.height / img.width))), Image.BILINEAR)
    if caption or marker:
        draw = ImageDraw.Draw(img)
        size = max(11, display_px // 36)
        try:
            from PIL import ImageFont

            font = ImageFont.load_default(size=size)
        except (TypeError, OSError):  # an old Pillow without scalable default font
            font = None
        if caption:
            draw.text((6, img.height - size - 6), caption, fill=255, font=font)
        if marker:
            draw.text((img.width - size * 1.6, 6), marker, fill=255, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=0)  # grainy images hardly compress: save the time
    return buf.getvalue()


def shot(*, level: str = "L4", orbital_deg: float = 0.0, tilt_deg: float = 0.0,
         instruments=(), size_px: int = 256, volume: Volume | None = None, **distances) -> Shot:
    """Take one simulated C-arm shot of the model.

    ``level``, ``orbital_deg``, ``tilt_deg``: where the C-arm points (see :class:`View`);
    ``instruments``: :class:`Instrument` objects, in the target level's frame; ``distances``:
    optional ``sod_mm``, ``sid_mm``, ``field_mm``, ``centre_mm`` of :class:`View`.
    """
    unknown = set(distances) - {"sod_mm", "sid_mm", "field_mm", "centre_mm"}
    if unknown:
        raise TypeError(f"unknown shot option(s) {sorted(unknown)};"
                        " allowed: sod_mm, sid_mm, field_mm, centre_mm")
    vol = volume if volume is not None else build_volume()
    view = View(level, orbital_deg, tilt_deg, size_px=size_px, **distances)
    return shot_of(vol, view, instruments)


def shot_of(vol: Volume, view: View, instruments=()) -> Shot:
    """Take a shot for a :class:`View` (the function :func:`shot` calls)."""
    tools = tuple(instruments)
    for t in tools:
        if not isinstance(t, Instrument):
            raise TypeError(f"instruments must be Instrument objects; got {type(t).__name__}")
    g = _geometry(vol, view)
    anatomy = (project_volume(vol, view).ravel() + g.soft).astype(np.float32)
    total = anatomy.copy()
    mu_metal = mu_per_mm("metal")
    for t in tools:
        a, b = _to_world(vol, view.level, t.start), _to_world(vol, view.level, t.end)
        length = chord_lengths(g.source[None, :], g.pixels, a, b, t.diameter_mm / 2.0)
        if t.inner_diameter_mm > 0:
            length = length - chord_lengths(g.source[None, :], g.pixels, a, b, t.inner_diameter_mm / 2.0)
        total += (mu_metal * length).astype(np.float32)
    n = view.size_px
    return Shot(view, anatomy.reshape(n, n), total.reshape(n, n), g.inside, tools, g.source, g.pixels)
