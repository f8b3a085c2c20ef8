"""Fluoroscopy for the drills of lesson 12: the trainer's shots and the counting column's shots.

Both use the projector of :mod:`widgets.imaging.drr` (cone beam, the C-arm's distances of
``data/assumptions.yaml``, bone dark on a light field as a C-arm monitor shows it).

- The **screw trainer** shoots the voxelised L1-S1 model (:func:`widgets.imaging.volume.build_volume`)
  with the Jamshidi needle and, once passed, the guidewire drawn as radio-opaque cylinders where the
  student placed them (:func:`trainer_shot`).
- The **counting drill** shoots the schematic T10-sacrum column of :mod:`widgets.imaging.counting`
  (ribs, transitional vertebrae), voxelised here into the projector's volume type
  (:func:`column_volume`); the C-arm can be moved up and down the column, as a surgeon pans to
  count, and the mobile discs are lettered on the image (:func:`counting_png`).
"""

from __future__ import annotations

import functools
import io

import numpy as np

from widgets.anatomy.mesh import Pose
from widgets.core.assumptions import assumption
from widgets.imaging import counting
from widgets.imaging.drr import CAPTION, Instrument, Shot, View, chord_lengths, shot, shot_of
from widgets.imaging.screws import screw_direction
from widgets.imaging.trainer import Placement, instrument_points, view_angles
from widgets.imaging.volume import MATERIALS, Torso, Volume, build_volume, mu_per_mm

__all__ = [
    "COUNT_VIEWS",
    "ColumnVolume",
    "column_volume",
    "counting_png",
    "counting_shot",
    "instruments_for",
    "trainer_shot",
]

#: The counting drill's views: (orbital, tilt) in degrees.
COUNT_VIEWS = {"AP": (0.0, 0.0), "lateral": (90.0, 0.0)}
#: Drawn diameters (mm) of the trainer's instruments on the image.
_NEEDLE_MM, _WIRE_MM, _SHAFT_MM = 3.0, 1.5, 100.0


def instruments_for(p: Placement, stage: str, needle_depth_mm: float | None = None) -> list[Instrument]:
    """Return the instruments in the patient at ``p``: the needle, and the wire in the guidewire stages.

    The needle's shaft runs back out of the patient along its line. In the guidewire stage the
    needle stays at ``needle_depth_mm`` and the wire runs from the entry point to ``p.depth_mm``.
    """
    d = screw_direction(p.medial_deg, p.sagittal_deg, p.side)
    entry, tip = instrument_points(p)
    needle_tip = tip if stage == "needle" or needle_depth_mm is None else entry + needle_depth_mm * d
    tools = [Instrument("needle", tuple(needle_tip - _SHAFT_MM * d), tuple(needle_tip), _NEEDLE_MM)]
    if stage != "needle" and p.depth_mm > (needle_depth_mm or 0.0):
        tools.append(Instrument("K-wire", tuple(entry - 0.5 * _SHAFT_MM * d), tuple(tip), _WIRE_MM))
    return tools


@functools.lru_cache(maxsize=64)
def _anatomy(level: str, orbital: float, tilt: float, size_px: int) -> Shot:
    """Return the shot of the model alone in one view (cached: the anatomy does not move)."""
    return shot(level=level, orbital_deg=orbital, tilt_deg=tilt, size_px=size_px)


def trainer_shot(
    p: Placement, view: str, stage: str = "needle", needle_depth_mm: float | None = None, size_px: int = 256
) -> Shot:
    """Take one trainer shot of the L1-S1 model in ``view`` (``AP``, ``lateral`` or ``oblique``).

    The same image as :func:`widgets.imaging.drr.shot` with the instruments, made faster: the
    anatomy's line integrals are cached per view, and only the instruments' exact chords through
    each ray (:func:`widgets.imaging.drr.chord_lengths`) are added for each shot.
    """
    orbital, tilt = view_angles(view, p.level, p.side)
    base = _anatomy(p.level, orbital, tilt, size_px)
    tools = tuple(instruments_for(p, stage, needle_depth_mm))
    pose = build_volume().pose(p.level)
    total = base.anatomy.ravel().astype(np.float32).copy()
    mu_metal = mu_per_mm("metal")
    for t in tools:
        a, b = pose.apply(np.asarray(t.start)), pose.apply(np.asarray(t.end))
        length = chord_lengths(base.source[None, :], base.pixels_world, a, b, t.diameter_mm / 2.0)
        if t.inner_diameter_mm > 0:
            length = length - chord_lengths(
                base.source[None, :], base.pixels_world, a, b, t.inner_diameter_mm / 2.0
            )
        total += (mu_metal * length).astype(np.float32)
    return Shot(
        base.view,
        base.anatomy,
        total.reshape(base.anatomy.shape),
        base.inside,
        tools,
        base.source,
        base.pixels_world,
    )


# --------------------------------------------------------------------------- the counting column


@functools.cache
def _identity() -> Pose:
    return Pose.identity()


class ColumnVolume(Volume):
    """The counting column in the projector's volume type; every level's frame is the column's frame."""

    def pose(self, level: str):
        """Return the column's one frame: x left, y anterior (0 = back of the bodies), z up (0 = sacrum)."""
        return _identity()

    def body_centre(self, level: str) -> np.ndarray:
        """Return the C-arm's default isocentre: the middle of the lumbar bodies."""
        return np.array([0.0, 17.0, 100.0])


@functools.cache
def column_volume(variant: str) -> ColumnVolume:
    """Voxelise the schematic column of ``variant`` into the projector's volume (cached per variant)."""
    grid = counting.column_grid(variant)
    code = {m: i for i, m in enumerate(MATERIALS)}
    by_rank = np.array(
        [code[counting.SOFT], code[counting.DISC], code[counting.CANCELLOUS], code[counting.CORTICAL]],
        dtype=np.uint8,
    )
    labels = by_rank[grid.rank]
    lut = np.array(
        [mu_per_mm(m) if m not in ("air", "metal") else 0.0 for m in MATERIALS], dtype=np.float32
    ) - np.float32(mu_per_mm("soft tissue"))
    lut[code["air"]] = 0.0
    origin = np.asarray(grid.origin_mm, dtype=float) + grid.spacing_mm / 2.0
    back = -26.0 - assumption("skin_to_lamina_depth").value
    b = assumption("torso_depth").value / 2.0
    body = Torso(
        (0.0, back + b),
        assumption("torso_width").value / 2.0,
        b,
        assumption("subcutaneous_fat_thickness").value,
    )
    return ColumnVolume(
        origin,
        grid.spacing_mm,
        labels,
        np.full(labels.shape, -1, dtype=np.int16),
        lut[labels],
        (),
        None,
        body,
        0.0,
    )


@functools.lru_cache(maxsize=128)
def counting_shot(variant: str, view: str = "AP", height_mm: float = 100.0, size_px: int = 256) -> Shot:
    """Take one shot of the column centred ``height_mm`` above the sacral plate, in ``view`` (cached)."""
    if view not in COUNT_VIEWS:
        raise ValueError(f"view must be one of {', '.join(COUNT_VIEWS)}; got {view!r}")
    if isinstance(height_mm, bool) or not isinstance(height_mm, int | float) or not -60 <= height_mm <= 300:
        raise ValueError(f"height_mm must be from -60 to 300 mm above the sacrum; got {height_mm!r}")
    orbital, tilt = COUNT_VIEWS[view]
    v = View("column", orbital, tilt, size_px=size_px, centre_mm=(0.0, 0.0, float(height_mm) - 100.0))
    return shot_of(column_volume(variant), v)


@functools.lru_cache(maxsize=256)
def counting_png(
    variant: str,
    view: str = "AP",
    height_mm: float = 100.0,
    *,
    invert: bool = False,
    display_px: int = 480,
    size_px: int = 256,
) -> bytes:
    """PNG of a counting shot with each visible mobile disc lettered (a = top) and the caption (cached)."""
    from PIL import Image, ImageDraw, ImageFont

    s = counting_shot(variant, view, height_mm, size_px)
    img = Image.fromarray(s.image(invert=invert), mode="L").resize((display_px, display_px), Image.BILINEAR)
    draw = ImageDraw.Draw(img)
    size = max(12, display_px // 28)
    try:
        font = ImageFont.load_default(size=size)
    except (TypeError, OSError):  # an old Pillow without a scalable default font
        font = None
    scale = display_px / size_px
    ink = 255 if invert else 0
    zs = counting.disc_positions(variant)
    where = np.array([[34.0, 17.0, z] if view == "AP" else [0.0, 46.0, z] for z in zs])
    inside = s.inside
    for i, (col, row) in enumerate(s.to_pixels(where)):
        c, r = int(round(col)), int(round(row))
        if 0 <= c < size_px and 0 <= r < size_px and inside[r, c]:
            draw.text((col * scale, row * scale - size / 2), counting.letter(i), fill=ink, font=font)
    draw.text((6, img.height - size - 6), CAPTION, fill=255, font=font)
    draw.text((img.width - size * 2.2, 6), "AP" if view == "AP" else "LAT", fill=255, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()
