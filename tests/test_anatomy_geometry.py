"""Geometry of the parametric spine: sizes equal the data, nothing overlaps that must not.

Watertightness: every part is checked as its own closed, consistently oriented
2-manifold. A vertebra as a whole is *not* one watertight shell, by design: it is
a set of closed parts that overlap where bone is continuous (a pedicle runs into
the body and the lamina), not a boolean union (no CSG library), so the test
checks each part and, separately, that parts anatomy keeps apart never overlap.
"""

from __future__ import annotations

import numpy as np
import pytest

from widgets.anatomy import LEVELS, build_spine, build_vertebra
from widgets.anatomy.checks import collisions, must_not_overlap
from widgets.anatomy.mesh import (
    Mesh,
    contains,
    intersects,
    loft,
    prism,
    section_extent,
    volume,
    watertight_problems,
)
from widgets.anatomy.morphometry import level_dimensions
from widgets.anatomy.spine import body_wedge_deg
from widgets.anatomy.tables import model_vs_data_table
from widgets.anatomy.vertebra import body_outline

VARIANTS = [
    ("Panjabi1992", 0.0),
    ("Zindrick1987", -2.0),
    ("Zindrick1987", 2.0),
    ("Makino2012", -2.0),
    ("Robertson2000", 0.0),
    ("Otsuki2021", 2.0),
]


# --------------------------------------------------------------------------- primitives


def test_unit_cube_prism_is_watertight_with_volume_one():
    cube = prism(np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float), 0.0, 1.0, "cube")
    assert watertight_problems(cube) == []
    assert volume(cube) == pytest.approx(1.0)


def test_concave_prism_is_watertight():
    ell = np.array([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]], float)
    m = prism(ell, -1.0, 1.0)
    assert watertight_problems(m) == []
    assert volume(m) == pytest.approx(3.0 * 2.0)


def test_loft_orientation_is_fixed_whatever_the_ring_winding():
    t = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = np.column_stack([np.cos(t), np.sin(t), np.zeros(16)])
    for rings in ([ring, ring + [0, 0, 2]], [ring[::-1], ring[::-1] + [0, 0, 2]]):
        m = loft(rings)
        assert watertight_problems(m) == []
        assert volume(m) > 0


def test_watertight_check_catches_a_hole_and_a_flip():
    cube = prism(np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float), 0.0, 1.0)
    holed = Mesh(cube.vertices, cube.faces[1:])
    assert any("without a partner" in p for p in watertight_problems(holed))
    flipped = Mesh(cube.vertices, np.vstack([cube.faces[:1, ::-1], cube.faces[1:]]))
    assert watertight_problems(flipped) != []


def test_intersection_and_containment_on_cubes():
    sq = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)
    a = prism(sq, 0.0, 1.0)
    assert intersects(a, prism(sq + 0.5, 0.5, 1.5))
    assert not intersects(a, prism(sq + 1.2, 0.0, 1.0))
    inner = prism(sq * 0.2 + 0.4, 0.4, 0.6)
    assert intersects(a, inner)  # nested: no surface crossing, still overlapping
    assert contains(a, np.array([[0.5, 0.5, 0.5], [2, 2, 2]])).tolist() == [True, False]


# --------------------------------------------------------------------------- sizes


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("series,spread", VARIANTS[:3])
def test_pedicle_narrowest_section_equals_the_data(level, series, spread):
    """Cut each pedicle perpendicular to its axis all along it: the narrowest cut is the data."""
    vert = build_vertebra(level, series, spread)
    for side in ("left", "right"):
        ax = vert.pedicles[side]
        mesh = vert.part(f"pedicle_{side}").mesh
        t0, t1 = ax.t_range
        widths = [section_extent(mesh, ax.isthmus_centre + t * ax.axis, ax.axis, ax.width_dir)
                  for t in np.linspace(t0 + 0.05, t1 - 0.05, 41)]
        want = vert.dims.v(f"pedicle_width_{side}")
        assert min(widths) == pytest.approx(want, abs=0.1), (level, side)
        height = section_extent(mesh, ax.isthmus_centre, ax.axis, ax.height_dir)
        assert height == pytest.approx(vert.dims.v("pedicle_height"), abs=0.1)


@pytest.mark.parametrize("level", LEVELS)
def test_measured_model_equals_the_values_it_was_built_from(level):
    table = model_vs_data_table(level)
    assert table["difference (mm)"].abs().max() <= 0.1, table


def test_zindrick_spread_moves_the_pedicle_by_its_sd():
    mean = level_dimensions("L5", "Zindrick1987", 0.0)
    plus = level_dimensions("L5", "Zindrick1987", 1.0)
    assert plus.v("pedicle_width_left") == pytest.approx(18.0 + 4.1)
    assert plus["pedicle_width_left"].spread_applied
    # everything else stays at its mean
    assert plus.v("canal_width") == mean.v("canal_width")
    assert plus.v("disc_height_below") == mean.v("disc_height_below")


def test_panjabi_has_no_sd_so_the_spread_does_not_move_it():
    d = level_dimensions("L4", "Panjabi1992", 2.0)
    assert d.v("pedicle_width_left") == 14.7
    assert "no SD published" in d["pedicle_width_left"].note


# --------------------------------------------------------------------------- stack


def test_stack_reproduces_cited_lordosis_and_disc_heights():
    spine = build_spine()
    for i, disc in enumerate(spine.discs):
        up, lo = LEVELS[i], LEVELS[i + 1]
        du, dl = spine.vertebra(up).dims, spine.vertebra(lo).dims

        def sup_elev(level, dims):
            rot = spine.poses[level].rotation
            mid = np.degrees(np.arctan2(rot[2, 1], rot[1, 1]))
            return mid + body_wedge_deg(dims) / 2.0

        angle = sup_elev(up, du) - sup_elev(lo, dl)
        assert angle == pytest.approx(du.v("lordosis_below"), abs=1e-6), disc.name
        assert disc.mid_height == du.v("disc_height_below")
        assert disc.posterior_height > 0
        assert (disc.posterior_height + disc.anterior_height) / 2 == pytest.approx(
            disc.mid_height, abs=1e-9)


def test_total_lordosis_is_the_sum_of_the_segments():
    spine = build_spine()
    total = sum(spine.vertebra(lv).dims.v("lordosis_below") for lv in LEVELS[:-1])
    assert total == pytest.approx(1.2 + 5.9 + 9.1 + 12.7 + 21.6)


@pytest.mark.parametrize("series,spread", VARIANTS, ids=[f"{s}{z:+g}" for s, z in VARIANTS])
def test_no_forbidden_overlap_anywhere_in_the_stack(series, spread):
    """Bone of different vertebrae, bone in the canal or a foramen, nerves in bone or disc."""
    spine = build_spine(series, spread)
    assert collisions(spine.parts) == []
    assert spine.notes == ()


def test_canal_is_empty_of_bone_by_sampling():
    """An independent check: a grid of points filling each canal lies in no bone part."""
    spine = build_spine()
    bones = [p for p in spine.parts if p.kind == "bone"]
    for canal in (p for p in spine.parts if p.group == "canal"):
        lo, hi = canal.mesh.bounds()
        grid = np.stack(np.meshgrid(*(np.linspace(lo[k], hi[k], 9) for k in range(3)),
                                    indexing="ij"), axis=-1).reshape(-1, 3)
        inside = grid[contains(canal.mesh, grid)]
        assert len(inside) > 50
        for bone in bones:
            assert not contains(bone.mesh, inside).any(), (canal.level, bone.level, bone.mesh.name)


def test_overlap_rules():
    spine = build_spine()
    by = {(p.level, p.mesh.name): p for p in spine.parts}
    assert not must_not_overlap(by[("L4", "body")], by[("L4", "pedicle_left")])
    assert must_not_overlap(by[("L4", "inferior_facet_left")], by[("L5", "superior_facet_left")])
    assert must_not_overlap(by[("L4", "canal")], by[("L4", "lamina")])
    assert must_not_overlap(by[("L4", "root_left")], by[("L4", "disc")])
    # the pedicle does run into its own body (continuous bone), which the rules allow
    assert intersects(by[("L4", "body")].mesh, by[("L4", "pedicle_left")].mesh)


def test_every_part_is_watertight_and_small():
    spine = build_spine()
    for p in spine.parts:
        assert watertight_problems(p.mesh) == [], (p.level, p.mesh.name)
    for v in spine.vertebrae:
        assert v.n_triangles <= 20_000
    names = {p.mesh.name for p in spine.parts}
    for needed in ("body", "pedicle_left", "lamina", "superior_facet_left", "inferior_facet_left",
                   "spinous_process", "transverse_process_left", "canal", "foramen_left", "disc",
                   "dural_sac", "root_left"):
        assert needed in names


def test_level_parts_contain_exiting_and_traversing_roots():
    spine = build_spine()
    parts = spine.level_parts("L4")
    roots = sorted(p.level for p in parts if p.group == "roots")
    assert roots == ["L4", "L4", "L5", "L5"]
    assert not [p for p in spine.level_parts("S1") if p.group == "disc"]


def test_body_outline_is_kidney_shaped_with_the_cited_width():
    """Seen from above the back wall is hollow: its middle on y = 0, its sides bulging back."""
    o = body_outline(46.6, 35.0, concavity=2.0)
    assert o[:, 0].max() - o[:, 0].min() == pytest.approx(46.6)
    back = o[o[:, 1] < 17.5]
    middle = back[np.abs(back[:, 0]) < 1.0]
    assert middle[:, 1].max() == pytest.approx(0.0, abs=1e-9)  # the midline of the wall
    assert -2.0 <= back[:, 1].min() <= -1.0  # the lobes reach back, up to the concavity
    assert np.all(back[np.abs(back[:, 0]) < 12.7][:, 1] <= 1e-9)  # nothing of it in front


def test_body_is_waisted_with_rounded_rims_and_a_straight_back():
    """The body is narrower half-way up than at its endplates, except at its back wall."""
    from widgets.anatomy.body import body_mesh

    dims = level_dimensions("L4")
    body = body_mesh(dims)
    assert watertight_problems(body) == []
    v = body.vertices
    mid, rim = np.abs(v[:, 2]) < 0.5, np.abs(np.abs(v[:, 2]) - (v[:, 2].max() - 1.2)) < 0.6
    front_mid, front_rim = v[mid][:, 1].max(), v[rim][:, 1].max()
    assert front_mid < front_rim - 1.0  # waisted in front
    back = v[np.abs(v[:, 0]) < 0.5]
    assert back[:, 1].min() == pytest.approx(0.0, abs=0.05)  # the wall's middle stays on y = 0
