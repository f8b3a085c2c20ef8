"""The view down a tubular retractor: what lies in its window, and whether the target does.

A tubular retractor is docked on the lamina-facet junction of the upper vertebra
of a disc segment, on one side (for an L4-L5 disc: the lower edge of the L4
lamina, where it meets the facet joint). From the skin it pivots: *wanding* it
medially tilts its deep end towards the midline (more lamina and, further on,
the base of the spinous process), laterally towards the facet joint, caudally
down the back of the disc towards the traversing root's shoulder. The surgeon
looks straight down it (a microscope or loupes: an orthographic view along the
tube's axis); the window is the tube's circle.

The model answers, from the suite's anatomical model (:mod:`widgets.anatomy`):

- which structures fill the window, as a share of its area (lamina, facet,
  ligamentum flavum; after a laminotomy the dural sac and the traversing root;
  after a medial facetectomy more of the lateral recess and the disc);
- whether a target (the disc at that segment, its traversing or exiting root, the
  dural sac) is *in line* with the window (behind whatever covers it) and whether
  it is *in view* now, or else how far from the window's centre it lies.

Assumptions (``data/assumptions.yaml``): the skin-to-lamina depth (the pivot of
wanding) and the range of wanding angles. The tube's axis lies parallel to the
disc space (as checked on a lateral fluoroscopic view); the tube sizes are the
cited ones of :func:`widgets.access.comparator.tube_options`. Bone removal takes
away, within the window, the whole lamina (laminotomy, with the ligamentum
flavum under it) and, with a medial facetectomy, the medial part of the articular
processes (a fraction of the joint's width, an assumption). It is a model
rendering, not an image of a patient.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from widgets.access.comparator import tube_options
from widgets.access.raster import (
    NOTHING,
    STRUCTURES,
    Raster,
    area_shares,
    camera,
    check_choice,
    check_number,
    in_view,
    rasterise,
    segment_scene,
)
from widgets.core.assumptions import assumption
from widgets.core.levels import DISCS

__all__ = [
    "REMOVALS",
    "TARGETS",
    "TUBE_STRUCTURES",
    "TubeWindow",
    "tube_diameters_mm",
    "tube_window",
    "wand_range",
    "wand_words",
]

#: Bone removal choices, in the order an operation proceeds.
REMOVALS: tuple[str, ...] = ("none", "laminotomy", "laminotomy and medial facetectomy")
#: What the student may ask about: "is it in my window?"
TARGETS: tuple[str, ...] = ("disc", "traversing root", "dural sac", "exiting root")
#: The structures the tube view tells apart (the two articular processes are one facet here).
TUBE_STRUCTURES: tuple[str, ...] = (
    "lamina", "facet", "ligamentum flavum", "spinous process", "pedicle", "vertebral body",
    "other bone", "dural sac", "traversing root", "exiting root", "disc",
)
_BONE = ("lamina", "facet", "superior articular process", "inferior articular process",
         "spinous process", "pedicle", "vertebral body", "other bone")
#: Least share of the window (%) for a structure to count as "in the window".
MIN_SHARE = 1.0


def tube_diameters_mm() -> tuple[float, ...]:
    """Return the cited tube diameters (mm) a student may choose, smallest first."""
    return tuple(t.value for t in tube_options())


def wand_range() -> tuple[float, float]:
    """Return the wanding angles (degrees, medial positive) a student may choose (an assumption)."""
    a = assumption("tube_wand_angle")
    return a.minimum, a.maximum


@dataclass(frozen=True)
class TubeWindow:
    """What the surgeon sees down the tube, and the answers the view gives."""

    segment: str
    side: str
    diameter_mm: float
    wand_deg: float
    caudal_deg: float
    removal: str
    target: str
    size: int
    codes: np.ndarray  # size x size: index into TUBE_STRUCTURES, NOTHING, or -2 outside the window
    shade: np.ndarray  # size x size, 0-1
    shares: dict[str, float]  # structure -> % of the window's area (only those present)
    target_in_line: float  # % of the window the target's outline covers, seen through everything
    target_visible: float  # % of the window where the target is the nearest surface
    covers: tuple[str, ...]  # what is seen where the target lies in line, most first
    target_offset_mm: tuple[float, float] | None  # (medial +, cranial +) from centre to the target
    has_flavum: bool
    medial_on_right: bool  # which side of the image is medial

    @property
    def mm_per_pixel(self) -> float:
        """Size of one pixel at the window, mm."""
        return self.diameter_mm / self.size

    def tube_words(self) -> str:
        """Return "an 18 mm tube" (the article a reader says before the number)."""
        size = f"{self.diameter_mm:g}"
        article = "an" if size.startswith(("8", "11", "18")) else "a"
        return f"{article} {size} mm tube"

    def answer(self) -> str:
        """Is the target in my window? One or two sentences."""
        upper = self.segment.split("-")[0]
        lower = self.segment.split("-")[1]
        name = {"disc": f"the {self.segment} disc", "traversing root": f"the {lower} root (traversing)",
                "exiting root": f"the {upper} root (exiting)", "dural sac": "the dural sac"}[self.target]
        if self.target_visible >= MIN_SHARE:
            return (f"Yes: {name} is in view, {self.target_visible:.0f}% of the window"
                    f" ({self.target_in_line:.0f}% lies in line with it).")
        if self.target_in_line >= MIN_SHARE:
            bone = bool(self.covers) and self.covers[0] in ("lamina", "facet", "ligamentum flavum")
            words = [f"the {c}" for c in self.covers[:3]] or ["other parts"]
            behind = ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]
            return (f"In line but hidden: {name} lies behind {behind}"
                    f" ({self.target_in_line:.0f}% of the window)."
                    + (" Removing lamina, facet or ligamentum flavum would open the way." if bone else ""))
        if self.target_offset_mm is None:
            return f"No: {name} is not in line with the window, nor within a window's width of it."
        med, cra = self.target_offset_mm
        parts = []
        if abs(med) >= 1:
            parts.append(f"{abs(med):.0f} mm {'medial' if med > 0 else 'lateral'}")
        if abs(cra) >= 1:
            parts.append(f"{abs(cra):.0f} mm {'cranial' if cra > 0 else 'caudal'}")
        where = " and ".join(parts) or "just outside the rim"
        return f"No: the nearest part of {name} lies {where} of the window's centre."

    def rows(self) -> list[dict[str, object]]:
        """Return the shares as table rows, largest first."""
        return [{"structure": s, "share of the window (%)": round(v, 1)} for s, v in
                sorted(self.shares.items(), key=lambda kv: -kv[1])]

    def alt(self) -> str:
        """Return a sentence saying what the rendering shows."""
        seen = "; ".join(f"{s} {v:.0f}%" for s, v in
                         sorted(self.shares.items(), key=lambda kv: -kv[1]) if v >= MIN_SHARE)
        return (f"Model rendering of the view down {self.tube_words()} at the {self.side}"
                f" {self.segment} lamina-facet junction, {wand_words(self.wand_deg, self.caudal_deg)},"
                f" bone removed: {self.removal}. In the window: {seen}. {self.answer()}")


def wand_words(wand_deg: float, caudal_deg: float = 0.0) -> str:
    """Return how the tube is wanded, in words ("wanded 10° medially and 5° caudally")."""
    parts = []
    if abs(wand_deg) >= 0.5:
        parts.append(f"{abs(wand_deg):g}° {'medially' if wand_deg > 0 else 'laterally'}")
    if abs(caudal_deg) >= 0.5:
        parts.append(f"{abs(caudal_deg):g}° {'caudally' if caudal_deg > 0 else 'cranially'}")
    return "wanded " + " and ".join(parts) if parts else "straight"


@functools.lru_cache(maxsize=16)
def _geometry(segment: str, side: str) -> dict[str, np.ndarray]:
    """Dock point, axis and up direction at ``segment`` on ``side`` (upper vertebra's frame)."""
    scene = segment_scene(segment=segment, side=side)
    s = 1.0 if side == "left" else -1.0
    upper, lower = segment.split("-")
    tri, codes, levels = scene.triangles, scene.codes, scene.levels
    on_side = s * tri.reshape(len(tri), -1)[:, 0::3].mean(axis=1) > 0
    lam = tri[(codes == STRUCTURES.index("lamina")) & (levels == upper) & on_side]
    iap = tri[(codes == STRUCTURES.index("inferior articular process")) & (levels == upper) & on_side]
    lam_x = float(np.max(s * lam[:, :, 0])) if len(lam) else 15.0
    iap_x = float(np.min(s * iap[:, :, 0])) if len(iap) else lam_x
    z_dock = float(scene.frames["upper_landmarks"]["lamina_bottom"])
    rot_lower = scene.frames["lower_rotation"]
    anterior = np.array([0.0, 1.0, 0.0]) + rot_lower[:, 1]  # bisects the two vertebrae's axes
    anterior /= np.linalg.norm(anterior)
    cranial = np.array([0.0, 0.0, 1.0]) + rot_lower[:, 2]
    cranial -= np.dot(cranial, anterior) * anterior
    cranial /= np.linalg.norm(cranial)
    dock_x = s * min(float(scene.frames["upper_landmarks"]["pillar_x"]), (lam_x + iap_x) / 2.0)
    # the dock point sits on the back of the bone there: the most posterior bone near (x, z)
    bone = np.isin(codes, [STRUCTURES.index(b) for b in _BONE])
    pts = tri[bone].reshape(-1, 3)
    near = (np.abs(pts[:, 0] - dock_x) < 4.0) & (np.abs(pts[:, 2] - z_dock) < 6.0)
    y_dock = float(pts[near, 1].min()) if np.any(near) else -25.0
    sap = tri[(codes == STRUCTURES.index("superior articular process")) & (levels == lower) & on_side]
    sap_x = s * sap[:, :, 0] if len(sap) else np.array([[iap_x, iap_x + 10.0]])
    frac = assumption("medial_facetectomy_fraction").value
    medial_wall = float(sap_x.min() + frac * (sap_x.max() - sap_x.min()))
    return {"dock": np.array([dock_x, y_dock, z_dock]), "anterior": anterior, "cranial": cranial,
            "medial": np.array([-s, 0.0, 0.0]), "medial_wall_x": np.array(medial_wall)}


def _tube_code(code: int) -> int:
    if code == NOTHING:
        return NOTHING
    name = STRUCTURES[code]
    if name in ("superior articular process", "inferior articular process"):
        name = "facet"
    return TUBE_STRUCTURES.index(name)


_TO_TUBE = np.array([_tube_code(c) for c in range(len(STRUCTURES))] + [NOTHING])
#: Per structure code (and NOTHING, last): does a laminotomy take it away; is it an articular process?
_REMOVED = np.isin(np.arange(len(STRUCTURES) + 1), [STRUCTURES.index("lamina"),
                                                    STRUCTURES.index("ligamentum flavum")])
_FACET = np.isin(np.arange(len(STRUCTURES) + 1), [STRUCTURES.index(n) for n in (
    "superior articular process", "inferior articular process", "facet")])


def _circle(size: int) -> np.ndarray:
    c = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    return (c[None, :] ** 2 + c[:, None] ** 2) <= 1.0


def tube_window(*, segment: str = "L4-L5", side: str = "left", diameter_mm: float = 18.0,
                wand_deg: float = 0.0, caudal_deg: float = 0.0, removal: str = "none",
                target: str = "disc", size: int = 120) -> TubeWindow:
    """Render the view down a tube docked at ``segment`` on ``side``, and answer for ``target``.

    ``wand_deg`` tilts the tube about its pivot at the skin (positive: the deep end
    medially), ``caudal_deg`` in the other plane (positive: the deep end caudally);
    ``removal`` is one of :data:`REMOVALS`; ``size`` is the image's side in pixels (40-400).
    """
    check_choice("segment", segment, DISCS)
    check_choice("side", side, ("left", "right"))
    sizes = tube_diameters_mm()
    if isinstance(diameter_mm, bool) or diameter_mm not in sizes:
        raise ValueError(f"diameter_mm must be one of the cited tube sizes"
                         f" {', '.join(f'{d:g}' for d in sizes)} mm; got {diameter_mm!r}")
    lo, hi = wand_range()
    wand = check_number("wand_deg", wand_deg, lo, hi, "degrees (medial positive)")
    caudal = check_number("caudal_deg", caudal_deg, lo, hi, "degrees (caudal positive)")
    check_choice("removal", removal, REMOVALS)
    check_choice("target", target, TARGETS)
    if isinstance(size, bool) or not isinstance(size, int) or not 40 <= size <= 400:
        raise ValueError(f"size must be a whole number of pixels from 40 to 400; got {size!r}")
    scene = segment_scene(segment=segment, side=side)
    g = _geometry(segment, side)
    depth = assumption("skin_to_lamina_depth").value
    pivot = g["dock"] - depth * g["anterior"]
    phi = np.radians(wand)
    axis = np.cos(phi) * g["anterior"] + np.sin(phi) * g["medial"]
    psi = np.radians(caudal)
    axis = np.cos(psi) * axis - np.sin(psi) * g["cranial"]
    cam = camera(origin=pivot, forward=axis, up=g["cranial"], kind="orthographic",
                 extent=float(diameter_mm), near=0.0, far=depth + 80.0)
    vis = np.nonzero(in_view(cam, scene.centres, scene.radii))[0]  # cull once, mask the rest
    tri, codes = scene.triangles[vis], scene.codes[vis]
    keep = ~_REMOVED[codes] if removal != "none" else np.ones(len(codes), dtype=bool)
    ras = rasterise(triangles=tri[keep], codes=codes[keep], cam=cam, size=size)
    if removal == "laminotomy and medial facetectomy":
        ras = _medial_facetectomy(tri, codes, keep, cam, ras, size, side, float(g["medial_wall_x"]))
    inside = _circle(size)
    tube_codes = _TO_TUBE[ras.codes]
    tube_codes[~inside] = -2
    n_in = int(inside.sum())
    shares = area_shares(tube_codes, inside, TUBE_STRUCTURES, "soft tissue (not modelled)")
    tcode = TUBE_STRUCTURES.index(target)
    visible = shares.get(target, 0.0)
    is_target = _TO_TUBE[:-1] == tcode
    alone = is_target[codes]
    outline = rasterise(triangles=tri[alone], codes=codes[alone], cam=cam, size=size)
    in_line = 100.0 * int(np.count_nonzero((outline.codes != NOTHING) & inside)) / n_in
    offset = None
    if in_line < MIN_SHARE:
        every = is_target[scene.codes]
        offset = _offset(scene.triangles[every], cam, float(diameter_mm), side,
                         (scene.centres[every], scene.radii[every]))
    over = tube_codes[(outline.codes != NOTHING) & inside]
    over = over[(over >= 0) & (over != tcode)]
    covers = tuple(TUBE_STRUCTURES[i] for i in np.argsort(-np.bincount(over, minlength=len(TUBE_STRUCTURES)))
                   if np.count_nonzero(over == i))
    return TubeWindow(segment, side, float(diameter_mm), wand, caudal, removal, target, size,
                      tube_codes, np.where(inside, ras.shade, 0.0), shares, in_line, visible, covers, offset,
                      scene.has_flavum, bool(np.dot(cam.right, g["medial"]) > 0))


def _medial_facetectomy(tri, codes, keep, cam, ras: Raster, size: int, side: str,
                        medial_wall_x: float) -> Raster:
    """Where a pixel sees an articular process medial to ``medial_wall_x``, look past it."""
    k2 = keep & ~_FACET[codes]
    past = rasterise(triangles=tri[k2], codes=codes[k2], cam=cam, size=size)
    s = 1.0 if side == "left" else -1.0
    c = (np.arange(size) + 0.5) / size - 0.5
    right, up = cam.right, cam.up
    xs = c[None, :] * cam.extent
    ys = -c[:, None] * cam.extent
    d = np.where(np.isfinite(ras.depth), ras.depth, 0.0)
    world_x = (cam.origin[0] + xs * right[0] + ys * up[0] + d * cam.forward[0])
    hit_facet = _FACET[ras.codes]
    cut = hit_facet & (s * world_x < medial_wall_x)
    return Raster(np.where(cut, past.codes, ras.codes), np.where(cut, past.shade, ras.shade),
                  np.where(cut, past.depth, ras.depth))


def _offset(triangles: np.ndarray, cam, diameter: float, side: str, spheres
            ) -> tuple[float, float] | None:
    """(medial, cranial) mm from the window's centre to the nearest point of the target's outline."""
    if len(triangles) == 0:
        return None
    wide = 3.0 * diameter
    big = camera(origin=cam.origin, forward=cam.forward, up=cam.up, kind="orthographic",
                 extent=wide, near=cam.near, far=cam.far)
    n = 90
    ras = rasterise(triangles=triangles, codes=np.zeros(len(triangles), dtype=np.int64), cam=big, size=n,
                    spheres=spheres)
    hit = np.argwhere(ras.codes != NOTHING)
    if len(hit) == 0:
        return None
    y = (n / 2.0 - (hit[:, 0] + 0.5)) * wide / n
    x = ((hit[:, 1] + 0.5) - n / 2.0) * wide / n
    i = int(np.argmin(x * x + y * y))
    medial = x[i] if side == "left" else -x[i]
    return float(medial), float(y[i])
