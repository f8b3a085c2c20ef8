"""A 30-degree endoscope in Kambin's triangle: what its angled lens shows as it turns.

A transforaminal endoscope enters from the side and behind, through Kambin's
triangle (:mod:`widgets.anatomy.kambin`: the exiting root above, the endplate of
the lower vertebra below, the traversing root and dural sac medially). Its tip sits
in the triangle, at the centre of the largest circle that fits it, just behind
the disc's posterolateral wall; its shaft lies in the disc's plane, angled from
the horizontal by the approach angle.

Its lens looks off the shaft's axis by the lens angle (30° here), so turning the
scope about its shaft sweeps the centre of the view around a cone: towards the
exiting root (cranial), the facet joint and the canal (dorsal), the endplate
(caudal) or into the disc (ventral). The picture is kept upright (cranial at the
top), as when the camera head is held level while the scope turns.

The model answers which structures are in the field of view (share of the round
image) at each rotation. Lens angle, field of view, the distance the rendering
reaches and the approach angle are assumptions (``data/assumptions.yaml``); the
triangle's sides are cited or interpolated (:func:`widgets.anatomy.kambin.kambin_triangle`).
It is a model rendering, not an image of a patient.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from widgets.access.raster import (
    NOTHING,
    STRUCTURES,
    area_shares,
    camera,
    check_choice,
    check_number,
    rasterise,
    segment_scene,
)
from widgets.anatomy.kambin import kambin_triangle
from widgets.core.assumptions import assumption
from widgets.core.levels import DISCS

__all__ = ["ENDOSCOPE_STRUCTURES", "EndoscopeView", "endoscope_view", "lens_direction"]

#: The structures the endoscope view names (others are counted as "other bone").
ENDOSCOPE_STRUCTURES: tuple[str, ...] = (
    "exiting root", "traversing root", "disc", "superior articular process", "dural sac",
    "inferior articular process", "ligamentum flavum", "pedicle", "vertebral body", "lamina",
    "other bone",
)
_MIN_SHARE = 1.0


def _endo_code(code: int) -> int:
    if code == NOTHING:
        return NOTHING
    name = STRUCTURES[code]
    if name not in ENDOSCOPE_STRUCTURES:
        name = "other bone"
    return ENDOSCOPE_STRUCTURES.index(name)


_TO_ENDO = np.array([_endo_code(c) for c in range(len(STRUCTURES))] + [NOTHING])


def lens_direction(rotation_deg: float) -> str:
    """Where the lens looks at a rotation (0 cranial, 90 dorsal, 180 caudal, 270 ventral), in words."""
    names = ("cranial (towards the exiting root)", "dorsal (towards the facet joint and the canal)",
             "caudal (towards the endplate below)", "ventral (into the disc)")
    return names[int(((rotation_deg % 360) + 45) // 90) % 4]


@dataclass(frozen=True)
class EndoscopeView:
    """What the angled lens shows at one rotation."""

    segment: str
    side: str
    rotation_deg: float
    lens_deg: float
    fov_deg: float
    approach_deg: float
    size: int
    codes: np.ndarray  # size x size: index into ENDOSCOPE_STRUCTURES, NOTHING, -2 outside the image
    shade: np.ndarray
    shares: dict[str, float]  # % of the round image per structure present
    triangle_basis: str  # "cited" or "interpolated" (Kambin's triangle at this segment)
    right_is: str  # which way the image's right side faces: "dorsal" or "ventral"

    def seen(self) -> list[str]:
        """Structures that fill at least 1% of the image, largest first."""
        return [s for s, v in sorted(self.shares.items(), key=lambda kv: -kv[1])
                if v >= _MIN_SHARE and s != "nothing within reach"]

    def rows(self) -> list[dict[str, object]]:
        """Return the shares as table rows, largest first."""
        return [{"structure": s, "share of the image (%)": round(v, 1)} for s, v in
                sorted(self.shares.items(), key=lambda kv: -kv[1])]

    def alt(self) -> str:
        """Return a sentence saying what the rendering shows."""
        seen = "; ".join(f"{s} {self.shares[s]:.0f}%" for s in self.seen())
        return (f"Model rendering of a {self.lens_deg:g}-degree endoscope in Kambin's triangle at the"
                f" {self.side} {self.segment}, turned {self.rotation_deg:g}°: the lens looks"
                f" {lens_direction(self.rotation_deg)}. In view: {seen or 'nothing modelled'}.")


@functools.lru_cache(maxsize=16)
def _placement(segment: str, side: str) -> dict[str, np.ndarray]:
    """Return the tip, the shaft's axis and the frame around it (upper vertebra's frame)."""
    scene = segment_scene(segment=segment, side=side)
    s = 1.0 if side == "left" else -1.0
    rot = scene.frames["lower_rotation"]
    origin = scene.frames["lower_origin"]
    upper, lower = segment.split("-")
    tri, codes, levels = scene.triangles, scene.codes, scene.levels
    # the medial corner: the lateral edge of the dural sac on this side, on the lower endplate
    sac = tri[codes == STRUCTURES.index("dural sac")].reshape(-1, 3)
    sac_x = float(np.max(s * sac[:, 0])) if len(sac) else 9.0
    body = tri[(codes == STRUCTURES.index("vertebral body")) & (levels == lower)].reshape(-1, 3)
    local = (body - origin) @ rot  # back into the lower vertebra's own frame
    back = local[local[:, 1] < 2.0]  # the back of the endplate, where the triangle's base lies
    top = float(back[:, 2].max()) if len(back) else 14.0
    corner = origin + rot @ np.array([0.0, 0.0, top])  # back of the upper endplate, midline
    kt = kambin_triangle(segment)
    cx, cy = (float(v) for v in kt.incircle_centre)
    a = np.radians(assumption("transforaminal_approach_angle").value)
    anterior, cranial = rot[:, 1], rot[:, 2]
    lateral = np.array([s, 0.0, 0.0])
    axis = np.cos(a) * (-lateral) + np.sin(a) * anterior  # into the body, medially and forwards
    axis /= np.linalg.norm(axis)
    root = assumption("nerve_root_diameter").value  # the traversing root, beside the sac
    tip = (corner + (s * (sac_x + root + cx)) * np.array([1.0, 0.0, 0.0]) + cy * cranial
           - 2.5 * anterior)
    up = cranial - np.dot(cranial, axis) * axis
    up /= np.linalg.norm(up)
    dorsal = np.cross(axis, up)  # perpendicular to both; make it point backwards
    if np.dot(dorsal, anterior) > 0:
        dorsal = -dorsal
    return {"tip": tip, "axis": axis, "cranial": up, "dorsal": dorsal,
            "basis": np.array(kt.basis)}


def _disc_circle(size: int) -> np.ndarray:
    c = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    return (c[None, :] ** 2 + c[:, None] ** 2) <= 1.0


def endoscope_view(*, segment: str = "L4-L5", side: str = "left", rotation_deg: float = 0.0,
                   size: int = 120) -> EndoscopeView:
    """Render what a 30-degree endoscope in Kambin's triangle at ``segment`` shows, turned ``rotation_deg``.

    ``rotation_deg`` (0-360) turns the lens about the shaft: 0 looks cranially
    (towards the exiting root), 90 dorsally, 180 caudally, 270 ventrally.
    """
    check_choice("segment", segment, DISCS)
    check_choice("side", side, ("left", "right"))
    rot = check_number("rotation_deg", rotation_deg, 0.0, 360.0, "degrees")
    if isinstance(size, bool) or not isinstance(size, int) or not 40 <= size <= 400:
        raise ValueError(f"size must be a whole number of pixels from 40 to 400; got {size!r}")
    p = _placement(segment, side)
    lens = assumption("endoscope_lens_angle").value
    fov = assumption("endoscope_field_of_view").value
    reach = assumption("endoscope_view_distance").value
    t, ln = np.radians(rot), np.radians(lens)
    sweep = np.cos(t) * p["cranial"] + np.sin(t) * p["dorsal"]
    view = np.cos(ln) * p["axis"] + np.sin(ln) * sweep
    cam = camera(origin=p["tip"], forward=view, up=p["cranial"], kind="perspective", fov_deg=fov,
                 near=0.3, far=reach)
    scene = segment_scene(segment=segment, side=side)
    ras = rasterise(triangles=scene.triangles, codes=scene.codes, cam=cam, size=size,
                    spheres=(scene.centres, scene.radii))
    codes = _TO_ENDO[ras.codes]
    inside = _disc_circle(size)
    codes[~inside] = -2
    shares = area_shares(codes, inside, ENDOSCOPE_STRUCTURES, "nothing within reach")
    approach = assumption("transforaminal_approach_angle").value
    return EndoscopeView(segment, side, rot, lens, fov, approach, size, codes,
                         np.where(inside, ras.shade, 0.0), shares, str(p["basis"]),
                         "dorsal" if np.dot(cam.right, p["dorsal"]) > 0 else "ventral")
