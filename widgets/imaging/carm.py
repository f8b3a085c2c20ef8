"""C-arm simulator: project the vertebra model to a radiograph-like image at any C-arm angle.

Projection (documented)
-----------------------
**Orthographic (parallel-beam)**: a point ``p`` maps to ``(p . e1, p . e2)`` on the detector,
where ``e1, e2`` are unit vectors perpendicular to the beam. Real C-arms diverge from a point
source, which magnifies near-source structures; :func:`project_perspective` gives that version
(point source at distance ``sid`` from the detector, object centre at ``sod`` from the source), so
a student can compare. The views of the lesson use the orthographic one.

Angles, in the vertebra frame of :mod:`widgets.anatomy` (``x`` left, ``y`` anterior, ``z`` up):
the beam runs from posterior to anterior in the AP view. ``orbital_deg`` rotates it about the
long axis (positive towards the patient's left-posterior to right-anterior; 90 = lateral), and
``tilt_deg`` tilts it caudally, with the same convention as the pedicle angles, so the beam is
``(-sin o cos t, cos o cos t, -sin t)``. The left pedicle is seen end-on (the "owl's eye") when
the beam is parallel to its axis: orbital = its medial angle, tilt = its sagittal angle.

The screw planner's views are here too: the bone outlined in the axial (``x-y``) and lateral
(``y-z``) planes (:func:`plane_outlines`, :func:`outline_path`) and the bony parts merged into
two meshes for the 3D view (:func:`bone_meshes`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["PLANES", "beam_direction", "bone_meshes", "convex_hull", "detector_axes", "outline_path",
           "owl_eye_error", "plane_outlines", "project", "project_perspective", "radiograph_outlines"]

#: The anatomical planes of the screw planner: the two axes of the vertebra frame each one keeps.
PLANES = {"axial": (0, 1), "lateral": (1, 2)}


def _angle(name: str, v: float, lim: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise TypeError(f"{name} must be a finite number; got {v!r}")
    if not -lim <= v <= lim:
        raise ValueError(f"{name} must be from {-lim} to {lim}; got {v}")
    return math.radians(v)


def beam_direction(orbital_deg: float, tilt_deg: float = 0.0) -> np.ndarray:
    """Return the unit vector of the beam (source to detector) in the vertebra frame."""
    o, t = _angle("orbital_deg", orbital_deg, 180), _angle("tilt_deg", tilt_deg, 60)
    return np.array([-math.sin(o) * math.cos(t), math.cos(o) * math.cos(t), -math.sin(t)])


def detector_axes(orbital_deg: float, tilt_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Detector axes (e1 'image right', e2 'image up'), both perpendicular to the beam.

    In the AP view (0, 0), e1 is the patient's left (+x) and e2 is cranial (+z).
    """
    b = beam_direction(orbital_deg, tilt_deg)
    o = math.radians(orbital_deg)
    e1 = np.array([math.cos(o), math.sin(o), 0.0])  # perpendicular to b's horizontal part
    e2 = np.cross(e1, b)
    e2 = e2 / np.linalg.norm(e2)
    if e2[2] < 0:
        e2 = -e2
    return e1, e2


def project(points: np.ndarray, orbital_deg: float, tilt_deg: float = 0.0) -> np.ndarray:
    """Orthographic projection of ``points`` (n x 3, mm) to the detector (n x 2, mm)."""
    p = np.asarray(points, dtype=float)
    if p.ndim != 2 or p.shape[1] != 3:
        raise ValueError(f"points must be an n x 3 array; got shape {p.shape}")
    e1, e2 = detector_axes(orbital_deg, tilt_deg)
    return np.column_stack([p @ e1, p @ e2])


def project_perspective(points: np.ndarray, orbital_deg: float, tilt_deg: float = 0.0,
                        sod: float = 700.0, sid: float = 1000.0) -> np.ndarray:
    """Point-source projection: magnification ``sid / (sod + depth)`` about the central ray.

    ``sod`` (source-object) and ``sid`` (source-image) distances in mm are inputs the student
    sets, not cited values; ``depth`` is the point's distance past the object centre along the beam.
    """
    if not 0 < sod < sid:
        raise ValueError(f"need 0 < sod < sid; got sod={sod}, sid={sid}")
    p = np.asarray(points, dtype=float)
    flat = project(p, orbital_deg, tilt_deg)
    depth = p @ beam_direction(orbital_deg, tilt_deg)
    return flat * (sid / (sod + depth))[:, None]


def owl_eye_error(pedicle_axis: np.ndarray, orbital_deg: float, tilt_deg: float) -> float:
    """Angle (degrees) between the beam and a pedicle axis; 0 = a perfect end-on owl's eye."""
    d = np.asarray(pedicle_axis, dtype=float)
    d = d / np.linalg.norm(d)
    c = abs(float(d @ beam_direction(orbital_deg, tilt_deg)))
    return math.degrees(math.acos(min(1.0, c)))


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Return the 2D convex hull of ``points``, counter-clockwise and closed (first point repeated)."""
    from widgets.anatomy.mesh import convex_hull_2d

    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 3:
        raise ValueError(f"need an n x 2 array of at least 3 points; got shape {pts.shape}")
    hull = convex_hull_2d(pts)
    if len(hull) < 3:
        raise ValueError("the points are collinear: they have no 2D hull")
    return np.vstack([hull, hull[:1]])


def radiograph_outlines(vert, orbital_deg: float, tilt_deg: float = 0.0) -> dict[str, np.ndarray]:
    """Project every bony part of a vertebra; return each part's silhouette (convex hull, closed)."""
    out = {}
    for part in vert.parts:
        if part.kind != "bone":
            continue
        out[part.mesh.name] = convex_hull(project(part.mesh.vertices, orbital_deg, tilt_deg))
    return out


def plane_outlines(vert, plane: str) -> dict[str, np.ndarray]:
    """Return each bony part's silhouette in one anatomical plane (closed convex hulls, mm).

    ``plane`` is ``"axial"`` (``x-y``, seen from above) or ``"lateral"`` (``y-z``, seen from the left).
    """
    if plane not in PLANES:
        raise ValueError(f"plane must be one of {sorted(PLANES)}; got {plane!r}")
    dims = list(PLANES[plane])
    return {part.mesh.name: convex_hull(part.mesh.vertices[:, dims]) for part in vert.parts
            if part.kind == "bone"}


def outline_path(outlines) -> tuple[list, list]:
    """Join closed outlines into one path: x and y lists, each outline followed by ``None`` (a gap)."""
    xs: list = []
    ys: list = []
    for hull in outlines.values():
        xs += list(hull[:, 0]) + [None]
        ys += list(hull[:, 1]) + [None]
    return xs, ys


def bone_meshes(vert) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Merge the bony parts into two meshes, ``vertebra`` and ``pedicles``: (name, vertices, faces).

    Vertices are n x 3 (mm); faces are m x 3 indices into that mesh's own vertices.
    """
    groups: dict[str, list] = {"vertebra": [], "pedicles": []}
    for part in vert.parts:
        if part.kind == "bone":
            groups["pedicles" if part.mesh.name.startswith("pedicle") else "vertebra"].append(part.mesh)
    out = []
    for name, meshes in groups.items():
        offsets = np.cumsum([0] + [len(m.vertices) for m in meshes[:-1]])
        vertices = np.vstack([m.vertices for m in meshes])
        faces = np.vstack([m.faces + o for m, o in zip(meshes, offsets, strict=True)])
        out.append((name, vertices, faces))
    return out
