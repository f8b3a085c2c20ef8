"""The anatomical form of the model: smooth bone, nerves that look like nerves, the pelvis.

The sizes are tested in test_anatomy_geometry.py; these tests check what makes the
model recognisable: blended, smooth bone (not a handful of boxes), nerves as smooth
tubes of varying radius with a ganglion in each foramen, the ligamentum flavum in
each interlaminar gap, and the sacrum and iliac crests placed by their cited level.
"""

from __future__ import annotations

import numpy as np
import pytest

from widgets.anatomy import GROUPS, LEVELS, build_spine, build_vertebra
from widgets.anatomy.checks import must_not_overlap
from widgets.anatomy.mesh import contains, watertight_problems
from widgets.core.assumptions import assumption
from widgets.core.data import load_table


def _turning_angles(points: np.ndarray) -> np.ndarray:
    d = np.diff(points, axis=0)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", d[:-1], d[1:]), -1.0, 1.0)))


def _axis_of_tube(mesh, k: int = 16) -> np.ndarray:
    """Centres of the rings of a swept tube (ring vertices come first, k per ring)."""
    n_rings = (len(mesh.vertices) - 2) // k
    return mesh.vertices[: n_rings * k].reshape(n_rings, k, 3).mean(axis=1)


@pytest.mark.parametrize("level", LEVELS)
def test_bone_is_smooth_not_boxes(level):
    """Every bony part of the arch is a fine mesh; no part is a prism of a few faces."""
    vert = build_vertebra(level)
    for p in vert.parts:
        if p.kind == "bone":
            assert p.mesh.n_triangles >= 300, (level, p.mesh.name, p.mesh.n_triangles)
    assert vert.n_triangles <= 20_000


def test_a_vertebra_is_built_once_then_cached():
    a = build_vertebra("L3")
    assert build_vertebra("L3") is a


def test_the_groups_a_student_can_pick_include_the_soft_tissue_and_the_pelvis():
    for group in ("ligamentum flavum", "ganglia", "sacrum", "pelvis"):
        assert group in GROUPS
    spine = build_spine()
    groups = {p.group for p in spine.parts}
    assert {"ligamentum flavum", "ganglia", "sacrum", "pelvis"} <= groups
    for p in spine.parts:
        assert watertight_problems(p.mesh) == [], (p.level, p.mesh.name)


def test_the_ligamentum_flavum_spans_every_interlaminar_gap():
    spine = build_spine()
    flava = [p for p in spine.parts if p.group == "ligamentum flavum"]
    assert sorted(p.level for p in flava) == sorted(LEVELS[:-1])
    for p in flava:
        assert p.kind == "ligament"
        i = LEVELS.index(p.level)
        upper, lower = spine.vertebra(p.level), spine.vertebra(LEVELS[i + 1])
        local = spine.poses[p.level].inverse().apply(p.mesh.vertices)
        # from inside the upper lamina's lower edge ...
        assert local[:, 2].max() > upper.landmarks["lamina_bottom"]
        # ... down to inside the lower lamina's upper edge
        to_lower = spine.poses[LEVELS[i + 1]].inverse().apply(p.mesh.vertices)
        assert to_lower[:, 2].min() < lower.landmarks["lamina_top"]
        # its front is the back of the canal: never in front of the canal's midline apex
        assert local[np.abs(local[:, 0]) < 1.0][:, 1].max() <= -upper.dims.v("canal_depth") + 0.6


def test_the_flavum_may_not_touch_a_nerve():
    spine = build_spine()
    flavum = next(p for p in spine.parts if p.group == "ligamentum flavum")
    sac = next(p for p in spine.parts if p.group == "dural sac")
    bone = next(p for p in spine.parts if p.kind == "bone")
    assert must_not_overlap(flavum, sac)
    assert not must_not_overlap(flavum, bone)  # it is attached to the laminae


def test_roots_are_smooth_tubes_of_varying_radius():
    """A nerve, not a stick figure: a path without corners, thicker at its sleeve, with a ganglion."""
    spine = build_spine()
    roots = [p for p in spine.parts if p.group == "roots"]
    assert len(roots) == 2 * len(LEVELS)
    for p in roots:
        axis = _axis_of_tube(p.mesh)
        assert len(axis) >= 30, p.label
        assert _turning_angles(axis[2:-2]).max() < 30.0, p.label  # no kinks
        ring = p.mesh.vertices[: (len(p.mesh.vertices) - 2) // 16 * 16].reshape(-1, 16, 3)
        radius = np.linalg.norm(ring - ring.mean(axis=1, keepdims=True), axis=2).mean(axis=1)
        assert np.ptp(radius[2:-2]) > 0.2, p.label  # not one radius all along
    ganglia = [p for p in spine.parts if p.group == "ganglia"]
    assert sorted(p.level for p in ganglia) == sorted(2 * LEVELS[:-1])
    root_r = assumption("nerve_root_diameter").value / 2.0
    for g in ganglia:
        width = np.ptp(g.mesh.vertices @ np.array([0.0, 0.0, 1.0]))
        assert width >= 2 * root_r - 0.2, g.label  # at least as thick as its root
        assert "foramen" in g.label and "assumption" in g.label


def test_the_iliac_crests_sit_at_the_cited_intercristal_level():
    """The crests' tops lie at the lower endplate of L4 (within the cited 'L4 or L4-5')."""
    spine = build_spine()
    row = load_table("spine_morphometry").query("measure == 'intercristal_line_level_imaging'")
    assert len(row) == 1 and row["source_key"].iloc[0] == "Chakraverty2007"
    d4 = spine.vertebra("L4").dims
    l4_bottom = spine.poses["L4"].apply(np.array([0.0, 0.0, -d4.v("body_height_posterior") / 2.0]))
    ilia = [p for p in spine.parts if p.group == "pelvis"]
    assert len(ilia) == 2
    for p in ilia:
        top = p.mesh.vertices[:, 2].max()
        assert top == pytest.approx(l4_bottom[2] + assumption("iliac_crest_offset").value, abs=3.0)
        assert f"{row['value'].iloc[0]:g}%" in p.label and "Chakraverty 2007" in p.label
    # the crest lies between the L4 body and the L5 body: it counts the levels
    l5_mid = spine.poses["L5"].apply(np.zeros(3))[2]
    l4_mid = spine.poses["L4"].apply(np.zeros(3))[2]
    assert l5_mid < max(p.mesh.vertices[:, 2].max() for p in ilia) < l4_mid


def test_the_sacrum_continues_below_s1():
    spine = build_spine()
    sacrum = next(p for p in spine.parts if p.group == "sacrum")
    s1 = spine.poses["S1"].inverse().apply(sacrum.mesh.vertices)
    hp = spine.vertebra("S1").dims.v("body_height_posterior")
    assert s1[:, 2].min() < -hp / 2.0 - 0.6 * assumption("sacrum_length").value


# ------------------------------------------------------------------ laminae and sacrum form


def _run_lengths(inside: np.ndarray, step: float) -> list[float]:
    """Lengths (mm) of the runs of True along a sampled line."""
    runs, n = [], 0
    for flag in inside:
        if flag:
            n += 1
        elif n:
            runs.append(n * step)
            n = 0
    if n:
        runs.append(n * step)
    return runs


def _y_extent(mesh, x: float, z: float, step: float = 0.1) -> float:
    """Length of bone met along the line parallel to y through (x, z)."""
    ys = np.arange(mesh.vertices[:, 1].min() - 1.0, mesh.vertices[:, 1].max() + 1.0, step)
    pts = np.column_stack([np.full(len(ys), x), ys, np.full(len(ys), z)])
    return float(contains(mesh, pts).sum() * step)


@pytest.mark.parametrize("level", ["L2", "L4"])
def test_a_lamina_is_thicker_at_the_spinous_process_than_at_its_lateral_edge(level):
    vert = build_vertebra(level)
    lamina = vert.part("lamina").mesh
    z = 0.5 * (vert.landmarks["lamina_top"] + vert.landmarks["lamina_bottom"])
    px = vert.landmarks["pillar_x"]
    for s in (1.0, -1.0):
        medial = _y_extent(lamina, s * 0.3 * px, z)
        lateral = _y_extent(lamina, s * 0.8 * px, z)
        assert medial > 1.15 * lateral, (level, s, medial, lateral)


def _edge_y(vertices: np.ndarray, lower_edge: bool) -> float:
    """Mean y of a lamina's lower (or upper) edge, beside the midline (4-8 mm out)."""
    strip = vertices[(np.abs(vertices[:, 0]) > 4.0) & (np.abs(vertices[:, 0]) < 8.0)]
    z = strip[:, 2]
    edge = strip[z < z.min() + 1.5] if lower_edge else strip[z > z.max() - 1.5]
    return float(edge[:, 1].mean())


@pytest.mark.parametrize("upper", LEVELS[:4])
def test_each_lamina_overlaps_the_one_below_like_a_roof_tile(upper):
    """In the upper vertebra's frame, its lamina's lower edge lies behind the next lamina's upper edge."""
    spine = build_spine()
    lower = LEVELS[LEVELS.index(upper) + 1]
    inv = spine.poses[upper].inverse()
    lam = {lv: next(p for p in spine.parts if p.level == lv and p.mesh.name == "lamina")
           for lv in (upper, lower)}
    y_upper = _edge_y(inv.apply(lam[upper].mesh.vertices), lower_edge=True)
    y_lower = _edge_y(inv.apply(lam[lower].mesh.vertices), lower_edge=False)
    assert y_upper < y_lower - 1.0, (upper, y_upper, y_lower)  # y runs forwards


def test_the_lamina_heights_keep_the_interlaminar_window():
    """The slope moves the laminae back and forth, not up or down: their heights are the data's."""
    for level in LEVELS[:-1]:
        vert = build_vertebra(level)
        v = vert.part("lamina").mesh.vertices
        z = v[np.abs(v[:, 0]) < 8.0][:, 2]  # the plate, not the pars column beside it
        assert z.min() == pytest.approx(vert.landmarks["lamina_bottom"], abs=0.7), level
        assert z.max() == pytest.approx(vert.landmarks["lamina_top"], abs=0.7), level


def _sacrum_in_s1(spine):
    part = next(p for p in spine.parts if p.group == "sacrum")
    return part.transformed(spine.poses["S1"].inverse()).mesh


def test_the_sacrum_has_a_canal_behind_its_bodies_and_a_median_crest():
    spine = build_spine()
    mesh = _sacrum_in_s1(spine)
    d = spine.vertebra("S1").dims
    z = -d.v("body_height_posterior") / 2.0 - 0.2 * assumption("sacrum_length").value
    step = 0.5
    ys = np.arange(-70.0, 70.0, step)

    def inside(x: float) -> np.ndarray:
        return contains(mesh, np.column_stack([np.full(len(ys), x), ys, np.full(len(ys), z)]))

    mid = inside(0.0)
    runs = _run_lengths(mid, step)
    assert len(runs) >= 2, runs  # bodies in front, the roof of the canal behind
    hit = np.nonzero(mid)[0]
    gaps = np.diff(hit) * step
    assert gaps.max() >= 4.0, gaps.max()  # the sacral canal, on the midline
    # the median crest: the midline reaches further back than the dorsal surface beside it
    side = inside(9.0)
    assert ys[hit[0]] < ys[np.nonzero(side)[0][0]] - 1.5


def test_the_sacrum_is_a_wedge_concave_in_front_narrowing_to_the_coccyx():
    spine = build_spine()
    mesh = _sacrum_in_s1(spine)
    w = spine.vertebra("S1").dims.v("body_width")
    v = mesh.vertices
    # the front of the midsagittal section, from the top down
    mid = v[np.abs(v[:, 0]) < 1.5]
    zs = np.linspace(mid[:, 2].max() - 3.0, mid[:, 2].min() + 3.0, 9)
    front = np.array([[mid[np.abs(mid[:, 2] - z) < 1.5][:, 1].max(), z] for z in zs])
    chord = front[-1] - front[0]
    normal = np.array([chord[1], -chord[0]]) / np.linalg.norm(chord)
    if normal[0] < 0:
        normal = -normal  # pointing forwards
    bow = (front[1:-1] - front[0]) @ normal
    # the front bows back behind its chord (the sacral kyphosis), nowhere in front of it
    assert bow.min() < -5.0 and bow.max() < 0.5, bow
    # broad at the top, narrowing downwards to the coccyx
    widths = np.array([np.ptp(v[np.abs(v[:, 2] - z) < 1.5][:, 0]) for z in zs])
    assert widths[0] >= 1.8 * w
    assert np.all(np.diff(widths) <= 1.0), widths
    assert widths[-1] <= 0.5 * w
