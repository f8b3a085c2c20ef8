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
from widgets.anatomy.mesh import watertight_problems
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
