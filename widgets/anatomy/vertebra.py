"""A parametric vertebra built from its cited dimensions, as named closed meshes.

Local frame of every vertebra, in millimetres: ``x`` to the patient's left,
``y`` anterior, ``z`` cranial; the origin is the middle of the posterior wall of
the body, half-way up. The parts:

- **body** (:mod:`widgets.anatomy.body`): kidney-shaped seen from above, with a
  hollowed back wall, waisted front and sides and rounded rims; as wide as the
  cited endplate width and as deep as the body depth; its height runs from the
  cited posterior to the cited anterior height.
- **pedicles**: elliptic tubes along the pedicle axis (cited transverse angle,
  derived sagittal angle), narrowest at the isthmus, where the section is
  exactly the cited width and height, flaring towards both ends into the body
  and the arch. The medial wall is a straight line that meets the back of the
  body at half the cited canal width from the midline: the canal is exactly as
  wide as the data say.
- the **arch** (:mod:`widgets.anatomy.arch`): laminae meeting at the back of the
  canal at the cited canal depth, the spinous process, the transverse processes
  (S1: the sacral ala) and the superior and inferior articular processes, whose
  joint surfaces have the cited facet width and height; one smooth blended
  bone, meshed into those named parts.
- **canal**: the void bounded by body, pedicles and laminae (drawn see-through).

Sizes without a published figure come from ``data/assumptions.yaml``
(see :mod:`widgets.anatomy.morphometry`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from widgets.anatomy.arch import FacetSpec, arch_meshes, inferior_process
from widgets.anatomy.body import body_mesh, body_outline, posterior_wall_y
from widgets.anatomy.mesh import Mesh, Pose, convex_hull_2d, cross3, halfplanes, prism, sweep
from widgets.anatomy.morphometry import (
    LEVELS,
    PEDICLE_SERIES_DEFAULT,
    Dimension,
    LevelDimensions,
    level_dimensions,
    series_label,
)
from widgets.core.cache import Codec, cache_key, cached, source_files
from widgets.core.data import data_dir

__all__ = [
    "GROUPS",
    "Part",
    "PedicleAxis",
    "Vertebra",
    "body_outline",
    "build_vertebra",
    "describe",
    "facet_joint",
    "inferior_facet",
    "model_cache_key",
    "neutral_inferior_facets",
    "vertebra_codec",
    "vertebra_core",
]

#: The part groups a student can pick, in the order the selector shows them.
GROUPS: tuple[str, ...] = (
    "body", "pedicles", "lamina", "facets", "spinous process", "transverse processes", "canal",
    "foramen", "disc", "ligamentum flavum", "dural sac", "exiting roots", "traversing roots",
    "ganglia", "sacrum", "pelvis",
)
SIDES = (("left", 1.0), ("right", -1.0))
_TUBE_K = 24


@dataclass(frozen=True)
class Part:
    """One named closed mesh of the model, with the group a student selects it by."""

    mesh: Mesh
    group: str
    label: str
    kind: str  # "bone", "void", "disc", "ligament", "neural"
    level: str

    def transformed(self, pose: Pose) -> Part:
        """Return the part moved by ``pose``."""
        return Part(self.mesh.transformed(pose), self.group, self.label, self.kind, self.level)


@dataclass(frozen=True)
class PedicleAxis:
    """Where a pedicle's isthmus is and how its section is oriented (local frame)."""

    side: str
    isthmus_centre: np.ndarray
    axis: np.ndarray  # unit, pointing anteriorly (into the body)
    width_dir: np.ndarray  # unit, in the transverse plane, pointing laterally
    height_dir: np.ndarray  # unit, perpendicular to both, pointing up
    width: float
    height: float
    t_range: tuple[float, float]  # axis parameter of the posterior and anterior ends


@dataclass(frozen=True)
class Vertebra:
    """A vertebra: its level, dimensions, parts and landmarks, in its local frame."""

    level: str
    dims: LevelDimensions
    parts: tuple[Part, ...]
    pedicles: dict[str, PedicleAxis] = field(default_factory=dict)
    canal_polygon: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    landmarks: dict[str, object] = field(default_factory=dict)

    def part(self, name: str) -> Part:
        """Return the part whose mesh is called ``name``."""
        for p in self.parts:
            if p.mesh.name == name:
                return p
        raise KeyError(f"{self.level} has no part {name!r}")

    @property
    def n_triangles(self) -> int:
        """Total triangles of all parts."""
        return sum(p.mesh.n_triangles for p in self.parts)


def describe(d: Dimension, digits: int = 1) -> str:
    """Format a dimension for a hover label: value, unit and basis/source."""
    if d.basis == "cited":
        conf = "secondary source" if d.confidence == "secondary-source" else "read directly"
        basis = f"{series_label(d.source)}, {conf}"
    elif d.basis == "interpolated":
        basis = f"interpolated within {series_label(d.source)}"
    elif d.basis == "derived":
        basis = f"derived from {series_label(d.source)}"
    else:
        basis = "assumption"
    unit = "°" if d.unit == "deg" else f" {d.unit}"
    return f"{d.value:.{digits}f}{unit} ({basis})"


# --------------------------------------------------------------------------- pedicles


def _pedicle_axis(dims: LevelDimensions, side: str, s: float) -> PedicleAxis:
    alpha = np.radians(dims.v("pedicle_transverse_angle"))
    beta = np.radians(dims.v("pedicle_sagittal_angle"))
    w, ph = dims.v(f"pedicle_width_{side}"), dims.v("pedicle_height")
    cw, span = dims.v("canal_width"), dims.v("pedicle_span")
    hp = dims.v("body_height_posterior")
    d = np.array([-s * np.sin(alpha) * np.cos(beta), np.cos(alpha) * np.cos(beta), -np.sin(beta)])
    e_w = np.array([s * np.cos(alpha), np.sin(alpha), 0.0])
    e_h = cross3(d, e_w)
    e_h = e_h / np.linalg.norm(e_h)
    if e_h[2] < 0:
        e_h = -e_h
    z_i = hp / 2.0 - dims.v("pedicle_top_offset") - ph / 2.0
    # medial wall at the isthmus (half-way along the span), on the line through (s*cw/2, 0)
    y_m = -span / 2.0
    medial = np.array([s * (cw / 2.0 - y_m * np.tan(alpha)), y_m, z_i])
    centre = medial + (w / 2.0) * e_w
    dy = d[1]
    # the anterior end sinks into the body far enough that its medial edge passes the
    # back of the body: the medial wall then runs unbroken from the body to the lamina
    flare = dims.v("pedicle_flare")
    t_ant = (1.5 + flare * (w / 2.0) * np.sin(alpha) - centre[1]) / dy
    t_post = (-span - 0.5 - centre[1]) / dy
    return PedicleAxis(side, centre, d, e_w, e_h, w, ph, (float(t_post), float(t_ant)))


def _pedicle(ax: PedicleAxis, flare: float) -> Mesh:
    t_post, t_ant = ax.t_range
    frac = np.linspace(-1.0, 1.0, 13)
    ts = np.where(frac < 0, -frac * t_post, frac * t_ant)
    # the section widens smoothly from the isthmus, most steeply where it meets the body
    f = 1.0 + (flare - 1.0) * np.where(ts < 0, np.abs(ts / t_post) ** 2, np.abs(ts / t_ant) ** 2.5)
    semi_w, semi_h = f * ax.width / 2.0, f * ax.height / 2.0
    centres = ax.isthmus_centre + np.outer(ts, ax.axis) + np.outer(semi_w - ax.width / 2.0, ax.width_dir)
    n = len(ts)
    return sweep(centres, np.tile(ax.width_dir, (n, 1)), np.tile(ax.height_dir, (n, 1)),
                 semi_w, semi_h, _TUBE_K, f"pedicle_{ax.side}")


def _medial_x(dims: LevelDimensions, y: float) -> float:
    """|x| of the pedicles' medial wall at antero-posterior position ``y`` (<= 0)."""
    alpha = np.radians(dims.v("pedicle_transverse_angle"))
    return dims.v("canal_width") / 2.0 - y * np.tan(alpha)


# --------------------------------------------------------------------------- posterior arch


def _line_intersection(p1, d1, p2, d2) -> np.ndarray:
    a = np.array([d1, -d2]).T
    t = np.linalg.solve(a, np.asarray(p2) - np.asarray(p1))
    return np.asarray(p1) + t[0] * np.asarray(d1)


def _arch_polygons(dims: LevelDimensions) -> dict[str, np.ndarray]:
    """Canal polygon and the lamina's outer apex in the axial (x, y) plane.

    The canal's front edge runs just behind the hollowed back wall of the body,
    between the pedicles' medial walls; its back is the V of the laminae, whose
    apex lies on the midline at the cited canal depth.
    """
    cw, cd, span = dims.v("canal_width"), dims.v("canal_depth"), dims.v("pedicle_span")
    t = dims.v("lamina_thickness")
    alpha = np.radians(dims.v("pedicle_transverse_angle"))
    xp = _medial_x(dims, -span)
    apex = np.array([0.0, -cd])
    y_f = posterior_wall_y(dims, cw / 2.0 + 1.0) - 0.05
    x_f = cw / 2.0 - y_f * np.tan(alpha)
    canal = np.array([[-x_f, y_f], [x_f, y_f], [xp, -span], apex, [-xp, -span]])
    outer = []
    for s in (-1.0, 1.0):
        p = np.array([s * xp, -span])
        u = (p - apex) / np.linalg.norm(p - apex)
        n_out = np.array([u[1], -u[0]]) * (-s)
        if n_out[1] > 0:
            n_out = -n_out
        outer.append((p + t * n_out, u))
    apex_out = _line_intersection(outer[0][0], outer[0][1], outer[1][0], outer[1][1])
    return {"canal": canal, "apex_out": apex_out, "pillar_x": np.array([xp])}


def _shrink_convex(poly: np.ndarray, margin: float) -> np.ndarray:
    """Move every vertex of a convex polygon towards its centroid by about ``margin``."""
    c = poly.mean(axis=0)
    v = poly - c
    dist = np.linalg.norm(v, axis=1, keepdims=True)
    return c + v * (1.0 - margin / dist)


# --------------------------------------------------------------------------- facets


def facet_joint(lower: Vertebra, side: str, s: float, upper_dims: LevelDimensions | None
                ) -> tuple[FacetSpec, FacetSpec, dict[str, np.ndarray]]:
    """Return the facet joint above ``lower`` on one side, in ``lower``'s frame.

    Returns the joint surface of ``lower``'s superior articular process, that of the
    inferior articular process of the vertebra above (in ``lower``'s frame: the
    caller moves it into place), and the joint's centre and normal.

    The superior facet rises from the height of the pedicle's centre; the inferior
    facet hangs down to just above the lamina and transverse process of ``lower``.
    The joint starts on the pillar behind the pedicle and is moved back and out,
    half a millimetre at a time, until both joint plates stay clear of the canal
    and the inferior one clears the pedicle.
    """
    d = lower.dims
    phi = np.radians(d.v("facet_angle"))
    gap, ft = d.v("facet_gap"), d.v("facet_thickness")
    n_sap = np.array([-s * np.cos(phi), -np.sin(phi), 0.0])  # SAP faces back and in
    t_dir = np.array([s * np.sin(phi), -np.cos(phi), 0.0])
    ax = lower.pedicles[side]
    span = d.v("pedicle_span")
    sup_w, sup_h = d.v("superior_facet_width"), d.v("superior_facet_height")
    if upper_dims is not None:
        inf_w, inf_h = upper_dims.v("inferior_facet_width"), upper_dims.v("inferior_facet_height")
    else:
        inf_w, inf_h = sup_w, sup_h
    z_i = float(ax.isthmus_centre[2])
    iap_bottom = float(lower.landmarks["lamina_top"]) + 1.0
    iap_z = iap_bottom + inf_h / 2.0
    sap_z = min(z_i, iap_bottom) + sup_h / 2.0
    ped = lower.part(f"pedicle_{side}").mesh.vertices
    ped_hull = convex_hull_2d(ped[ped[:, 2] > iap_bottom - 0.5][:, :2])
    ped_planes = halfplanes(ped_hull) if len(ped_hull) >= 3 else None
    x_j = _medial_x(d, -span) + ax.width / 2.0
    y_j = -span - d.v("lamina_thickness") / 2.0
    # the superior facet rises beside the lamina of the vertebra above: keep it lateral to it
    x_upper = 0.0
    if upper_dims is not None:
        up_alpha = np.radians(upper_dims.v("pedicle_transverse_angle"))
        up_span = upper_dims.v("pedicle_span")
        x_upper = (upper_dims.v("canal_width") / 2.0 + up_span * np.tan(up_alpha)
                   + 0.5 + upper_dims.v("lamina_thickness") + 1.0)
    ring = np.cos(np.linspace(0, 2 * np.pi, 24, endpoint=False))
    canal = halfplanes(lower.canal_polygon)
    push = np.array([0.3, -1.0]) / np.hypot(0.3, 1.0)
    off = gap / 2.0 + ft / 2.0

    move = np.array([s * push[0], push[1]])
    centre0 = np.array([s * x_j, y_j])
    rim_pts = []
    for cc, w in ((centre0 - n_sap[:2] * off, sup_w), (centre0 + n_sap[:2] * off, inf_w)):
        rim = cc + np.outer(ring * w / 2.0, t_dir[:2])
        rim_pts.append(np.vstack([rim - ft / 2.0 * n_sap[:2], rim + ft / 2.0 * n_sap[:2]]))
    sap_rim, iap_rim = rim_pts

    def first_clear(steps: np.ndarray) -> int | None:
        """Index of the first candidate move that leaves both plates clear, if any."""

        def blocked(points: np.ndarray, planes: tuple[np.ndarray, np.ndarray], margin: float
                    ) -> np.ndarray:
            # per move: does any point end up inside the (grown) convex polygon?
            n, c = planes
            dist = (points @ n.T - c)[None] + steps[:, None, None] * (move @ n.T)[None, None]
            return np.all(dist < margin, axis=2).any(axis=1)

        ok = ~blocked(np.vstack([sap_rim, iap_rim]), canal, 1.0)
        ok &= np.min(np.abs(sap_rim[:, 0][None] + steps[:, None] * move[0]), axis=1) >= x_upper
        if ped_planes is not None:
            ok &= ~blocked(iap_rim, ped_planes, 0.5)
        return int(np.argmax(ok)) if ok.any() else None

    coarse = np.arange(0.0, 62.0, 2.0)  # 2 mm apart, then a quarter millimetre
    k = first_clear(coarse)
    if k is None:
        step = float(coarse[-1])
    elif k == 0:
        step = 0.0
    else:
        fine = np.arange(coarse[k - 1] + 0.25, coarse[k] + 0.125, 0.25)
        j = first_clear(fine)
        step = float(fine[j]) if j is not None else float(coarse[k])
    x_j += step * push[0]
    y_j += step * push[1]
    centre = np.array([s * x_j, y_j, 0.0])
    sap_c = centre - n_sap * off
    iap_c = centre + n_sap * off
    sap = FacetSpec(centre=np.array([sap_c[0], sap_c[1], sap_z]), normal=n_sap, t_dir=t_dir,
                    width=sup_w, height=sup_h, thickness=ft)
    iap = FacetSpec(centre=np.array([iap_c[0], iap_c[1], iap_z]), normal=-n_sap, t_dir=t_dir,
                    width=inf_w, height=inf_h, thickness=ft)
    return sap, iap, {"centre": np.array([s * x_j, y_j, (sap_z + iap_z) / 2.0]), "normal": n_sap}


# --------------------------------------------------------------------------- assembly


def _skeleton(dims: LevelDimensions, upper_dims: LevelDimensions | None) -> Vertebra:
    """Pedicles, canal outline, landmarks and the joint surfaces above (no other meshes)."""
    level = dims.level
    parts: list[Part] = []
    axes = {}
    flare = dims.v("pedicle_flare")
    for side, s in SIDES:
        ax = _pedicle_axis(dims, side, s)
        axes[side] = ax
        parts.append(Part(_pedicle(ax, flare), "pedicles",
                          f"{level} {side} pedicle: narrowest width"
                          f" {describe(dims[f'pedicle_width_{side}'], 2)}; height"
                          f" {describe(dims['pedicle_height'])}; medial angle"
                          f" {describe(dims['pedicle_transverse_angle'])}", "bone", level))
    arch = _arch_polygons(dims)
    hp = dims.v("body_height_posterior")
    z_ped = float(axes["left"].isthmus_centre[2])
    if level == "S1":  # the first sacral lamina starts at the pedicle's lower edge
        lam_top = z_ped - dims.v("pedicle_height") / 2.0
        lam_bot = lam_top - dims.v("sacral_lamina_height")
    else:
        lam_top = z_ped + dims.v("transverse_height") / 2.0
        lam_bot = lam_top - dims.v("lamina_height")
    canal_z = (max(-hp / 2.0, lam_bot) + 0.3, min(hp / 2.0, lam_top) - 0.3)
    landmarks: dict[str, object] = {
        "lamina_top": lam_top, "lamina_bottom": lam_bot,
        "lamina_apex_y": float(arch["apex_out"][1]),
        "pillar_x": float(arch["pillar_x"][0]), "canal_z": canal_z}
    vert = Vertebra(level, dims, tuple(parts), axes, arch["canal"], landmarks)
    for side, s in SIDES:
        sap, iap, joint = facet_joint(vert, side, s, upper_dims)
        landmarks[f"superior_facet_{side}"] = sap
        landmarks[f"upper_inferior_facet_{side}"] = iap  # the partner, in this frame
        landmarks[f"facet_joint_{side}"] = joint
    return vert


_ARCH_LABELS = {
    "lamina": "{lv} lamina: thickness {t}; height {h}",
    "spinous_process": "{lv} spinous process: length {sl} (shape schematic)",
    "transverse_process": "{lv} {side} transverse process: length {tl}",
    "ala": "S1 {side} sacral ala (schematic: sizes are assumptions)",
    "superior_facet": "{lv} {side} superior articular process: joint surface {w} wide, {fh} high",
}
_ARCH_GROUPS = {"lamina": "lamina", "spinous_process": "spinous process",
                "transverse_process": "transverse processes", "ala": "transverse processes",
                "superior_facet": "facets"}


def _arch_label(name: str, dims: LevelDimensions) -> tuple[str, str]:
    base, _, side = name.rpartition("_") if name.endswith(("_left", "_right")) else (name, "", "")
    lam_h = dims["sacral_lamina_height" if dims.level == "S1" else "lamina_height"]
    fmt = {"lv": dims.level, "side": side, "t": describe(dims["lamina_thickness"]),
           "h": describe(lam_h), "tl": describe(dims["transverse_length"]),
           "w": describe(dims["superior_facet_width"]), "fh": describe(dims["superior_facet_height"])}
    if dims.level != "S1":
        fmt["sl"] = describe(dims["spinous_length"])
    return _ARCH_GROUPS[base], _ARCH_LABELS[base].format(**fmt)


def vertebra_core(dims: LevelDimensions, upper_dims: LevelDimensions | None = None,
                  skeleton: bool = False) -> Vertebra:
    """Build every part of one vertebra except its inferior facets (they depend on the level below).

    ``upper_dims`` (the level above, if modelled) sizes the partner facet that the
    superior facets must leave room for. With ``skeleton=True`` only what the facet
    joints need is built (pedicles, canal outline, joints), for a neighbour whose
    own parts are not shown.
    """
    skel = _skeleton(dims, upper_dims)
    if skeleton:
        return skel
    level = dims.level
    parts = [Part(body_mesh(dims), "body",
                  f"{level} vertebral body: width {describe(dims['body_width'])}; depth"
                  f" {describe(dims['body_depth'])}; height"
                  f" {describe(dims['body_height_posterior'])} behind,"
                  f" {describe(dims['body_height_anterior'])} in front", "bone", level)]
    parts += list(skel.parts)
    saps = {side: skel.landmarks[f"superior_facet_{side}"] for side, _ in SIDES}
    meshes = arch_meshes(dims, skel.landmarks, skel.pedicles, skel.canal_polygon, saps)
    for name, mesh in meshes.items():
        if mesh.n_triangles == 0:
            continue
        group, label = _arch_label(name, dims)
        parts.append(Part(mesh, group, label, "bone", level))
    canal_z = skel.landmarks["canal_z"]
    canal_poly = _shrink_convex(skel.canal_polygon, 0.6)
    parts.append(Part(prism(canal_poly, canal_z[0], canal_z[1], "canal"), "canal",
                      f"{level} spinal canal (space): width {describe(dims['canal_width'])},"
                      f" depth {describe(dims['canal_depth'])}", "void", level))
    return Vertebra(level, dims, tuple(parts), skel.pedicles, skel.canal_polygon, skel.landmarks)


@functools.lru_cache(maxsize=64)
def _neighbour_skeleton(dims: LevelDimensions, upper_dims: LevelDimensions) -> Vertebra:
    """Return the skeleton of the level below (pedicles, canal, joints) that seats the inferior facets.

    Cached like the dimensions it is built from: changing the level in a lesson rebuilds the
    vertebra shown, not the neighbour that only places its facets.
    """
    return vertebra_core(dims, upper_dims, skeleton=True)


def model_cache_key(name: str, params: dict, extra_sources: tuple[str, ...] = ()) -> str:
    """Return the disk-cache key of a model built from the anatomy (see :mod:`widgets.core.cache`).

    It covers the parameters, every data table, schema and assumption the model may read, the
    source of the anatomy and core packages (and of ``extra_sources``, dotted module names) and
    the versions of the numerical libraries.
    """
    directory = data_dir()
    files = [*(directory / "tables").glob("*.csv"), *(directory / "tables").glob("*.schema.yaml"),
             directory / "assumptions.yaml", directory / "references.json"]
    sources = source_files("widgets.anatomy", "widgets.core", modules=extra_sources)
    return cache_key(name, params=params, files=[f for f in files if f.exists()], sources=sources,
                     libraries=("numpy", "scipy", "scikit-image"))


@functools.cache
def vertebra_codec() -> Codec:
    """Return the codec of a cached vertebra: the only classes a cache file may rebuild."""
    return Codec([Vertebra, Part, PedicleAxis, Mesh, Pose, LevelDimensions, Dimension, FacetSpec])


@functools.lru_cache(maxsize=32)
def _build_vertebra(level: str, series: str, spread_sd: float) -> Vertebra:
    codec = vertebra_codec()
    key = model_cache_key("vertebra", {"level": level, "series": series, "spread_sd": spread_sd})
    return cached("vertebra", key, lambda: _assemble_vertebra(level, series, spread_sd),
                  encode=codec.encode, decode=codec.decode)


def _assemble_vertebra(level: str, series: str, spread_sd: float) -> Vertebra:
    dims = level_dimensions(level, series, spread_sd)
    i = LEVELS.index(level)
    above = level_dimensions(LEVELS[i - 1], series, spread_sd) if i > 0 else None
    core = vertebra_core(dims, above)
    if level == LEVELS[-1]:
        return core
    below = _neighbour_skeleton(level_dimensions(LEVELS[i + 1], series, spread_sd), dims)
    return Vertebra(level, dims, core.parts + tuple(neutral_inferior_facets(core, below)),
                    core.pedicles, core.canal_polygon, core.landmarks)


def build_vertebra(level: str, series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0
                   ) -> Vertebra:
    """Build (or return the cached) vertebra on its own, in its local frame.

    The inferior facets are placed against the superior facets of the level below
    with the two vertebrae stacked on the cited disc height (no lordosis), as they
    would sit in a neutral spine; :func:`widgets.anatomy.spine.build_spine` places
    them with the cited lordosis instead.
    """
    # level and spread are checked here as level_dimensions checks them; the series by the build
    # (a cache file exists only for a series that built), so a warm cache reads no table to check it
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    if not -3.0 <= float(spread_sd) <= 3.0:
        raise ValueError(f"spread_sd must be between -3 and 3; got {spread_sd!r}")
    return _build_vertebra(level, series, round(float(spread_sd), 3))


def neutral_inferior_facets(upper: Vertebra, lower: Vertebra) -> list[Part]:
    """Inferior facets of ``upper`` placed on ``lower`` stacked straight on the cited disc height."""
    du = upper.dims
    shift = (du.v("body_height_posterior") / 2.0 + du.v("disc_height_below")
             + lower.dims.v("body_height_posterior") / 2.0)
    lower_to_upper = Pose(np.eye(3), np.array([0.0, 0.0, -shift]))
    return [inferior_facet(upper, lower, side, s, lower_to_upper) for side, s in SIDES]


def inferior_facet(upper: Vertebra, lower: Vertebra, side: str, s: float,
                   lower_to_upper: Pose) -> Part:
    """Return the ``side`` inferior articular process of ``upper``, resting on ``lower``'s superior one.

    Its joint surface is placed by the joint (in ``lower``'s frame, then moved into
    ``upper``'s); a stem joins it to ``upper``'s pars.
    """
    spec = lower.landmarks[f"upper_inferior_facet_{side}"].moved(lower_to_upper)
    d = upper.dims
    mesh = inferior_process(spec, d, upper.landmarks, upper.pedicles, upper.canal_polygon, side,
                            f"inferior_facet_{side}")
    return Part(mesh, "facets",
                f"{upper.level} {side} inferior articular process: joint surface"
                f" {describe(d['inferior_facet_width'])} wide,"
                f" {describe(d['inferior_facet_height'])} high", "bone", upper.level)
