"""The stacked lumbar spine L1 to S1: vertebrae, discs, foramina and neural elements.

The sacrum's upper endplate is tilted by the sacral-slope assumption; every disc
then adds the cited segmental lordosis (Sci Rep 2022, all 324 subjects), taken
as the angle between the upper endplates of neighbouring vertebrae. A disc's
height at the middle of its depth is the cited disc height (Shin 2024); its
posterior and anterior heights follow from the wedge. Posterior walls line up
(no slip).

Soft tissue (:mod:`widgets.anatomy.neural`; sizes are assumptions): the dural
sac runs down the canals; each root leaves the sac at the disc above its own
vertebra, runs down the lateral recess (where it is the *traversing* root of
that disc), turns under its own pedicle and leaves through the foramen below it
(where it is the *exiting* root), swelling into its dorsal root ganglion there.
At L4-L5, the L4 root exits and the L5 root traverses. The ligamentum flavum
spans each interlaminar gap. Below S1 the sacrum and the iliac wings are drawn
in outline (:mod:`widgets.anatomy.pelvis`), the crests at the cited height of
the intercristal line.

All parts of a :class:`Spine` are in one world frame (the S1 local frame before
the sacral tilt); :meth:`Spine.level_parts` returns one level's parts in that
vertebra's own frame.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from widgets.anatomy.body import body_wedge_deg, endplate_ring
from widgets.anatomy.mesh import Mesh, Pose, loft, prism, rotation_x
from widgets.anatomy.morphometry import (
    LEVELS,
    PEDICLE_SERIES_DEFAULT,
    LevelDimensions,
    level_dimensions,
)
from widgets.anatomy.neural import flavum, ganglion, root_path, tube
from widgets.anatomy.pelvis import crest_source, iliac_wing, sacrum
from widgets.anatomy.vertebra import (
    SIDES,
    Part,
    Vertebra,
    describe,
    inferior_facet,
    model_cache_key,
    vertebra_codec,
    vertebra_core,
)
from widgets.core.assumptions import assumption
from widgets.core.cache import Codec, cached
from widgets.core.data import data_dir

__all__ = ["DiscGeometry", "Spine", "body_wedge_deg", "build_spine", "load_or_build_spine",
           "model_cache_key", "model_codec", "sac_ellipse"]

_DISC_INSET = 0.05  # mm: the disc stops this short of each endplate, so parts never share faces
_SAC_K = 32


def sac_ellipse(vert: Vertebra, fill: float, margin: float = 0.8) -> tuple[float, float, float]:
    """Semi-axes (a, b) and centre y of the dural sac's ellipse inside a vertebra's canal."""
    from widgets.anatomy.mesh import point_in_convex

    cw, cd = vert.dims.v("canal_width"), vert.dims.v("canal_depth")
    a, b, yc = fill * cw / 2.0, fill * cd / 2.0, -cd / 2.0
    t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    for _ in range(60):
        pts = np.column_stack([a * np.cos(t), yc + b * np.sin(t)])
        if np.all(point_in_convex(vert.canal_polygon, pts, margin=-margin)):
            break
        a, b = 0.96 * a, 0.96 * b
    return a, b, yc


@dataclass(frozen=True)
class DiscGeometry:
    """The derived shape of one disc in the stack."""

    name: str
    mid_height: float
    posterior_height: float
    anterior_height: float
    wedge_deg: float
    clamped: bool


@dataclass(frozen=True)
class Spine:
    """The stacked model: vertebrae (local frames), their poses and every part (world frame)."""

    series: str
    spread_sd: float
    vertebrae: tuple[Vertebra, ...]
    poses: dict[str, Pose]
    parts: tuple[Part, ...]
    discs: tuple[DiscGeometry, ...]
    notes: tuple[str, ...]

    def vertebra(self, level: str) -> Vertebra:
        """Return the vertebra at ``level`` (local frame, with its inferior facets)."""
        for v in self.vertebrae:
            if v.level == level:
                return v
        raise KeyError(level)

    def level_parts(self, level: str) -> list[Part]:
        """Parts shown with one level, moved into that vertebra's local frame.

        The vertebra's own bone and canal, the disc and foramina below it, its
        segment of the dural sac, its own roots (exiting below it) and the roots of
        the next level (traversing the disc below it).
        """
        i = LEVELS.index(level)
        nxt = LEVELS[i + 1] if i + 1 < len(LEVELS) else None
        inv = self.poses[level].inverse()
        out = []
        for p in self.parts:
            if p.level == level or (p.group == "roots" and p.level == nxt):
                out.append(p.transformed(inv))
        return out

    @property
    def n_triangles(self) -> int:
        """Total triangles."""
        return sum(p.mesh.n_triangles for p in self.parts)


def _poses(dims: dict[str, LevelDimensions]) -> tuple[dict[str, Pose], list[DiscGeometry], list[str]]:
    slope = assumption("sacral_slope").value
    min_post = assumption("min_posterior_disc_height").value
    s1 = dims["S1"]
    psi = -slope - body_wedge_deg(s1) / 2.0
    poses = {"S1": Pose(rotation_x(psi), np.zeros(3))}
    psis = {"S1": psi}
    discs, notes = [], []
    for i in range(len(LEVELS) - 2, -1, -1):
        up, lo = LEVELS[i], LEVELS[i + 1]
        du, dl = dims[up], dims[lo]
        delta = du.v("lordosis_below") - body_wedge_deg(du)
        elev_lo_sup = psis[lo] + body_wedge_deg(dl) / 2.0
        elev_up_inf = elev_lo_sup + delta
        psis[up] = elev_up_inf + body_wedge_deg(du) / 2.0
        hd = du.v("disc_height_below")
        d_mean = (du.v("body_depth") + dl.v("body_depth")) / 2.0
        tan_d = np.tan(np.radians(delta))
        post = hd - d_mean / 2.0 * tan_d
        clamped = post < min_post
        if clamped:
            notes.append(f"{up}-{lo}: the back of the disc came out {post:.1f} mm thin; held at"
                         f" {min_post:g} mm (assumption min_posterior_disc_height)")
            post = min_post
        ant = post + d_mean * tan_d
        discs.append(DiscGeometry(f"{up}-{lo}", hd, float(post), float(ant), float(delta), clamped))
        pose_lo = poses[lo]
        p_lo = pose_lo.apply(np.array([0.0, 0.0, dl.v("body_height_posterior") / 2.0]))
        n_lo = rotation_x(elev_lo_sup) @ np.array([0.0, 0.0, 1.0])
        q = p_lo + post * n_lo
        rot = rotation_x(psis[up])
        t = q - rot @ np.array([0.0, 0.0, -du.v("body_height_posterior") / 2.0])
        poses[up] = Pose(rot, t)
    return poses, discs[::-1], notes


def _room(path: np.ndarray, centre: np.ndarray, length: float, obstacles: list[Part],
          margin: float = 1.0) -> float:
    """Return how thick a spindle on ``path`` may be before it touches ``obstacles``.

    The spindle is ``length`` long, centred at ``centre``; clearance is measured to
    the obstacles' vertices, less ``margin``.
    """
    seg = path[np.linalg.norm(path - centre, axis=1) <= length / 2.0]
    pts = [p.mesh.vertices for p in obstacles]
    pts = np.vstack(pts) if pts else np.zeros((0, 3))
    pts = pts[np.linalg.norm(pts - centre, axis=1) < length + 10.0]
    if len(pts) == 0 or len(seg) == 0:
        return np.inf
    d = np.linalg.norm(seg[:, None, :] - pts[None, :, :], axis=2).min()
    return float(d - margin)


def _bulge(ring: np.ndarray, pose: Pose, amount: float) -> np.ndarray:
    """Push a mid-disc ring outwards (in the disc's plane) by ``amount`` mm."""
    centre = ring.mean(axis=0)
    axis = pose.apply_vector(np.array([0.0, 0.0, 1.0]))
    rel = ring - centre
    rel_plane = rel - np.outer(rel @ axis, axis)
    out = rel_plane / np.linalg.norm(rel_plane, axis=1, keepdims=True)
    return ring + np.asarray(amount, float).reshape(-1, 1) * out


def _sac_ring(vert: Vertebra, pose: Pose, ell: tuple[float, float, float], z: float) -> np.ndarray:
    a, b, yc = ell
    t = np.linspace(0, 2 * np.pi, _SAC_K, endpoint=False)
    local = np.column_stack([a * np.cos(t), yc + b * np.sin(t), np.full(_SAC_K, z)])
    return pose.apply(local)


def _foramen(upper: Vertebra, lower: Vertebra, lower_to_upper: Pose, side: str, s: float
             ) -> Mesh | None:
    """Return the space under ``upper``'s pedicle, down to ``lower``'s pedicle (upper's frame).

    Its footprint lies under the pedicle, between the back of the body and the
    front of the lower vertebra's superior facet; it reaches down to the highest
    point of the lower pedicle or transverse process under that footprint.
    """
    from widgets.anatomy.vertebra import _medial_x

    d = upper.dims
    ax = upper.pedicles[side]
    alpha = np.radians(d.v("pedicle_transverse_angle"))
    span = d.v("pedicle_span")
    wx = ax.width * np.cos(alpha)
    from widgets.anatomy.body import posterior_wall_y

    x0 = _medial_x(d, 0.0)
    ya = min(min(posterior_wall_y(d, x), posterior_wall_y(lower.dims, x))
             for x in np.linspace(x0, x0 + wx + 1.0, 9)) - 0.6
    xa = _medial_x(d, ya) + 0.3

    def moved(name: str) -> np.ndarray | None:
        try:
            return lower_to_upper.apply(lower.part(name).mesh.vertices)
        except KeyError:
            return None

    yb = -span + 1.5
    sap = moved(f"superior_facet_{side}")
    if sap is not None:
        yb = max(yb, float(sap[:, 1].max()) + 0.8)
    if ya - yb < 2.0:
        return None
    xb = _medial_x(d, yb) + 0.3
    poly = np.array([[s * xa, ya], [s * xb, yb], [s * (xb + wx), yb], [s * (xa + wx), ya]])
    lo_xy, hi_xy = poly.min(axis=0) - 4.0, poly.max(axis=0) + 4.0

    def in_box(v: np.ndarray) -> np.ndarray:
        return np.all((v[:, :2] >= lo_xy) & (v[:, :2] <= hi_xy), axis=1)

    ped = upper.part(f"pedicle_{side}").mesh.vertices
    top = float(ped[in_box(ped)][:, 2].min()) - 0.5
    below = []
    for name in (f"pedicle_{side}", f"transverse_process_{side}", f"ala_{side}"):
        v = moved(name)
        if v is None:
            continue
        v = v[in_box(v)]
        if len(v):
            below.append(v[:, 2].max())
    bottom = (max(below) if below else top - 12.0) + 0.5
    if top - bottom < 2.0:
        return None
    return prism(poly, bottom, top, f"foramen_{side}")


@functools.cache
def model_codec() -> Codec:
    """Return the codec of a cached spine: the only classes a cache file may rebuild."""
    return Codec([Spine, DiscGeometry, *vertebra_codec().classes.values()])


@functools.lru_cache(maxsize=16)
def _build_spine(series: str, spread_sd: float, directory: str) -> Spine:
    return load_or_build_spine(series=series, spread_sd=spread_sd)


def load_or_build_spine(*, series: str, spread_sd: float) -> Spine:
    """Return the spine from the disk cache, or build it and store it there (no memory cache)."""
    codec = model_codec()
    key = model_cache_key("spine", {"series": series, "spread_sd": spread_sd})
    return cached("spine", key, lambda: _assemble_spine(series, spread_sd),
                  encode=codec.encode, decode=codec.decode)


def _assemble_spine(series: str, spread_sd: float) -> Spine:
    dims = {lv: level_dimensions(lv, series, spread_sd) for lv in LEVELS}
    cores = {}
    for i, lv in enumerate(LEVELS):
        cores[lv] = vertebra_core(dims[lv], dims[LEVELS[i - 1]] if i > 0 else None)
    poses, discs, notes = _poses(dims)
    root_r = assumption("nerve_root_diameter").value / 2.0
    fill = assumption("dural_sac_fill").value
    ells = {lv: sac_ellipse(cores[lv], fill) for lv in LEVELS}
    vertebrae, parts = [], []
    for i, lv in enumerate(LEVELS):
        core = cores[lv]
        extra: list[Part] = []
        if i + 1 < len(LEVELS):
            lo = LEVELS[i + 1]
            lower_to_upper = poses[lv].inverse().compose(poses[lo])
            extra += [inferior_facet(core, cores[lo], side, s, lower_to_upper) for side, s in SIDES]
            for side, s in SIDES:
                mesh = _foramen(core, cores[lo], lower_to_upper, side, s)
                if mesh is None:
                    notes.append(f"{lv}-{lo} {side}: no room left for a foramen in the model")
                    continue
                extra.append(Part(mesh, "foramen",
                                  f"{lv}-{lo} {side} intervertebral foramen (space): the {lv} root"
                                  " exits here", "void", lv))
        vert = Vertebra(lv, core.dims, core.parts + tuple(extra), core.pedicles,
                        core.canal_polygon, core.landmarks)
        vertebrae.append(vert)
        parts += [p.transformed(poses[lv]) for p in vert.parts]
    # discs
    for i, disc in enumerate(discs):
        up, lo = LEVELS[i], LEVELS[i + 1]
        bottom = poses[lo].apply(endplate_ring(dims[lo], top=True, inset=_DISC_INSET))
        top = poses[up].apply(endplate_ring(dims[up], top=False, inset=_DISC_INSET))
        # the annulus bulges a little past the endplates' rims (less at the back: the canal)
        bulge = _bulge(0.5 * (bottom + top), poses[up],
                       np.minimum(0.6, 0.12 * np.linalg.norm(top - bottom, axis=1)))
        du = dims[up]
        label = (f"{disc.name} disc: height {describe(du['disc_height_below'], 2)} at mid-depth;"
                 f" lordosis {describe(du['lordosis_below'])}; back {disc.posterior_height:.1f} mm,"
                 f" front {disc.anterior_height:.1f} mm (derived)")
        parts.append(Part(loft([bottom, bulge, top], "disc"), "disc", label, "disc", up))
    # dural sac, one segment per vertebra: straight through the vertebra's own canal (where
    # lamina and pedicles bound it), blending to the next canal only between the laminae
    tops, bots = {}, {}
    for lv in LEVELS:
        z0, z1 = cores[lv].landmarks["canal_z"]
        tops[lv] = _sac_ring(cores[lv], poses[lv], ells[lv], z1)
        bots[lv] = _sac_ring(cores[lv], poses[lv], ells[lv], z0)
    for i, lv in enumerate(LEVELS):
        hp = dims[lv].v("body_height_posterior")
        rings = [bots[lv], tops[lv]]
        rings.insert(0, (bots[lv] + tops[LEVELS[i + 1]]) / 2.0 if i + 1 < len(LEVELS)
                     else _sac_ring(cores[lv], poses[lv], ells[lv], -hp / 2.0))
        rings.append((tops[lv] + bots[LEVELS[i - 1]]) / 2.0 if i > 0
                     else _sac_ring(cores[lv], poses[lv], ells[lv], hp / 2.0))
        parts.append(Part(loft(rings, "dural_sac"), "dural sac",
                          f"dural sac at {lv} (schematic: drawn at {fill:g} of the canal, an"
                          " assumption)", "neural", lv))
    # roots and their ganglia
    g_r = assumption("dorsal_root_ganglion_diameter").value / 2.0
    for i, lv in enumerate(LEVELS):
        core = cores[lv]
        hp = dims[lv].v("body_height_posterior")
        z_start = hp / 2.0 + (discs[i - 1].posterior_height / 2.0 if i > 0 else -1.0)
        nxt = LEVELS[i + 1] if i + 1 < len(LEVELS) else None
        for side, s in SIDES:
            path = root_path(core, side, s, ells[lv], z_start, root_r, g_r)
            radius = np.full(len(path), root_r)
            radius[: len(path) // 4] *= np.linspace(1.15, 1.0, len(path) // 4)  # dural sleeve
            where = (f"traverses the {LEVELS[i - 1]}-{lv} disc, " if i > 0 else "")
            where += (f"exits at {lv}-{nxt} under the {lv} pedicle" if nxt
                      else "runs on to the S1 sacral foramen (not modelled)")
            parts.append(Part(tube(poses[lv].apply(path), radius, f"root_{side}"), "roots",
                              f"{lv} {side} nerve root: {where}", "neural", lv))
            if nxt is None:
                continue
            ax = core.pedicles[side]
            centre = path[np.argmin(np.linalg.norm(path[:, :2] - ax.isthmus_centre[:2], axis=1))]
            world = poses[lv].apply(path)
            c_w = poses[lv].apply(centre)
            r_fit = _room(world, c_w, 4.2 * g_r, [p for p in parts if p.kind in ("bone", "disc")
                                                  and p.level in (lv, nxt)])
            r_g = max(min(g_r, r_fit), root_r)
            mesh = ganglion(world, c_w, r_g, 4.2 * g_r, f"ganglion_{side}")
            width = (f"drawn {2 * g_r:g} mm wide, an assumption" if r_g == g_r else
                     f"drawn {2 * r_g:.1f} mm wide: the assumed {2 * g_r:g} mm, an assumption, narrowed"
                     " to fit")
            parts.append(Part(mesh, "ganglia",
                              f"{lv} {side} dorsal root ganglion, in the {lv}-{nxt} foramen"
                              f" ({width})", "neural", lv))
    # ligamentum flavum between neighbouring laminae
    thick = assumption("ligamentum_flavum_thickness").value
    for i in range(len(LEVELS) - 1):
        up, lo = LEVELS[i], LEVELS[i + 1]
        lower_to_upper = poses[up].inverse().compose(poses[lo])
        mesh = flavum(cores[up], cores[lo], lower_to_upper, thick).transformed(poses[up])
        parts.append(Part(mesh, "ligamentum flavum",
                          f"{up}-{lo} ligamentum flavum, between the laminae (drawn {thick:g} mm"
                          " thick: an assumption)", "ligament", up))
    # sacrum and iliac wings (outline)
    parts.append(Part(sacrum(dims["S1"], lamina_bottom=cores["S1"].landmarks["lamina_bottom"])
                      .transformed(poses["S1"]), "sacrum",
                      "sacrum and coccyx below S1 (outline; its length, curve and width are assumptions)",
                      "bone", "S1"))
    l4 = poses["L4"].apply(np.array([0.0, 0.0, -dims["L4"].v("body_height_posterior") / 2.0]))
    crest_z = float(l4[2]) + assumption("iliac_crest_offset").value
    for side, s in SIDES:
        parts.append(Part(iliac_wing(s, dims["S1"], poses["S1"], crest_z, f"ilium_{side}"),
                          "pelvis", f"{side} iliac wing and crest (outline): its top drawn at the"
                          f" lower endplate of L4; {crest_source()}", "bone", "S1"))
    return Spine(series, spread_sd, tuple(vertebrae), poses, tuple(parts), tuple(discs),
                 tuple(notes))


def build_spine(series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0) -> Spine:
    """Build (or return the cached) stacked L1-S1 spine for a pedicle series and a spread.

    Cached in memory and on disk (:mod:`widgets.core.cache`: a second kernel reads the built
    meshes instead of building them again).
    """
    # the spread is checked here as level_dimensions checks it; the series by the build (a cache
    # file exists only for a series that built), so a warm cache reads no table to check it
    if not -3.0 <= float(spread_sd) <= 3.0:
        raise ValueError(f"spread_sd must be between -3 and 3; got {spread_sd!r}")
    return _build_spine(series, round(float(spread_sd), 3), str(data_dir()))
