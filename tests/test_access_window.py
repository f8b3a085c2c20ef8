"""The view down the tube and through the 30-degree endoscope: the models behind lesson 03's renderings."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.access.endoscope import ENDOSCOPE_STRUCTURES, endoscope_view, lens_direction
from widgets.access.raster import (
    NOTHING,
    STRUCTURES,
    camera,
    rasterise,
    segment_scene,
    structure_of,
)
from widgets.access.window import REMOVALS, TARGETS, tube_diameters_mm, tube_window, wand_range


def _square(z: float) -> np.ndarray:
    """Two triangles making the square [-1, 1] x [-1, 1] at depth ``z`` (camera looks along +z)."""
    a, b, c, d = [(-1, -1, z), (1, -1, z), (1, 1, z), (-1, 1, z)]
    return np.array([[a, b, c], [a, c, d]], dtype=float)


def _cam(kind="orthographic"):
    return camera(origin=[0, 0, 0], forward=[0, 0, 1], up=[0, 1, 0], kind=kind, extent=4.0,
                  fov_deg=90.0, near=0.1, far=100.0)


# --------------------------------------------------------------------------- the rasteriser


def test_a_square_half_as_wide_as_the_image_fills_a_quarter_of_it():
    ras = rasterise(triangles=_square(5.0), codes=np.array([3, 3]), cam=_cam(), size=40)
    assert np.count_nonzero(ras.codes == 3) == 20 * 20
    assert np.count_nonzero(ras.codes == NOTHING) == 40 * 40 - 400
    assert np.allclose(ras.depth[ras.codes == 3], 5.0)


def test_the_nearer_surface_wins_whatever_the_order_it_is_drawn_in():
    tri = np.concatenate([_square(5.0), _square(2.0) * [2, 2, 1]])  # a bigger square in front
    for order in (np.arange(4), np.arange(4)[::-1]):
        ras = rasterise(triangles=tri[order], codes=np.array([1, 1, 2, 2])[order], cam=_cam(), size=20)
        assert set(np.unique(ras.codes)) == {2}


def test_perspective_shrinks_with_distance_and_clips_what_crosses_the_lens():
    near = rasterise(triangles=_square(2.0), codes=np.array([0, 0]), cam=_cam("perspective"), size=40)
    far = rasterise(triangles=_square(4.0), codes=np.array([0, 0]), cam=_cam("perspective"), size=40)
    assert np.count_nonzero(near.codes == 0) == pytest.approx(4 * np.count_nonzero(far.codes == 0), rel=0.1)
    # a wall running from behind the lens to far ahead is cut at the lens, not dropped
    wall = np.array([[(-1, -1, -5), (1, -1, -5), (1, -1, 20)], [(-1, -1, -5), (1, -1, 20), (-1, -1, 20)]],
                    dtype=float)
    ras = rasterise(triangles=wall, codes=np.array([0, 0]), cam=_cam("perspective"), size=40)
    assert np.count_nonzero(ras.codes == 0) > 100


def test_parts_are_named_by_their_role_at_the_segment():
    assert structure_of("roots", "root_left", "L4", "L4", "L5", "left") == "exiting root"
    assert structure_of("roots", "root_left", "L5", "L4", "L5", "left") == "traversing root"
    assert structure_of("roots", "root_right", "L5", "L4", "L5", "left") == "other root"
    assert structure_of("facets", "superior_facet_left", "L5", "L4", "L5", "left") == \
        "superior articular process"
    assert structure_of("ligamentum flavum", "flavum_L4_L5", "L4", "L4", "L5", "left") == \
        "ligamentum flavum"
    assert structure_of("canal", "canal", "L4", "L4", "L5", "left") is None


def test_a_model_without_a_ligamentum_flavum_gets_a_sheet_between_the_laminae():
    scene = segment_scene(segment="L4-L5", side="left")
    flavum = scene.codes == STRUCTURES.index("ligamentum flavum")
    assert flavum.any()
    if not scene.has_flavum:  # drawn by the view: it lies behind the canal, between the laminae
        pts = scene.triangles[flavum].reshape(-1, 3)
        assert pts[:, 1].max() < 0


# --------------------------------------------------------------------------- the tube


def test_the_intact_window_holds_lamina_facet_and_flavum_and_hides_the_disc():
    w = tube_window()
    assert w.diameter_mm == 18.0 and 18.0 in tube_diameters_mm()
    for name in ("lamina", "facet", "ligamentum flavum"):
        assert w.shares.get(name, 0) >= 5, (name, w.shares)
    assert w.shares["lamina"] + w.shares["facet"] + w.shares["ligamentum flavum"] >= 80
    assert "dural sac" not in w.shares and "traversing root" not in w.shares
    assert w.target_in_line > 30 and w.target_visible < w.target_in_line / 3
    assert sum(w.shares.values()) == pytest.approx(100.0)
    hidden = tube_window(wand_deg=10)  # over the interlaminar window: all of the disc is hidden
    assert hidden.target_in_line > 30 and hidden.target_visible < 1
    assert hidden.answer().startswith("In line but hidden") and "open the way" in hidden.answer()


def test_wanding_medially_brings_the_spinous_process_and_laterally_the_facet_joint():
    straight, medial, lateral = (tube_window(wand_deg=a) for a in (0, 20, -20))
    assert medial.shares.get("spinous process", 0) > straight.shares.get("spinous process", 0) + 10
    assert lateral.shares["facet"] > straight.shares["facet"] + 20
    assert medial.shares.get("facet", 0) < straight.shares["facet"]
    # wanded away, the disc is no longer in line: the answer says where it is
    assert lateral.target_in_line < 1 and lateral.target_offset_mm[0] > 5
    assert "medial" in lateral.answer()


def test_bone_removal_brings_the_neural_elements_and_the_disc_into_view():
    before = tube_window(wand_deg=10)
    after = tube_window(wand_deg=10, removal="laminotomy")
    assert "dural sac" not in before.shares and "lamina" in before.shares
    assert after.shares["dural sac"] > 20 and "lamina" not in after.shares
    assert after.target_visible > before.target_visible
    assert tube_window(wand_deg=10, removal="laminotomy", target="dural sac").answer().startswith("Yes")


def test_wanding_caudally_after_a_laminotomy_brings_the_traversing_root_into_view():
    level = tube_window(wand_deg=10, removal="laminotomy", target="traversing root")
    caudal = tube_window(wand_deg=10, caudal_deg=20, removal="laminotomy", target="traversing root")
    assert level.target_visible < 1 and "dural sac" in level.covers[:1]
    assert "open the way" not in level.answer()  # it is under the sac, not under bone
    assert caudal.target_visible > 5 and caudal.answer().startswith("Yes")
    assert "wanded 10° medially and 20° caudally" in caudal.alt()


def test_a_medial_facetectomy_takes_facet_away_from_the_window():
    lam = tube_window(wand_deg=-10, removal="laminotomy")
    facet = tube_window(wand_deg=-10, removal="laminotomy and medial facetectomy")
    assert facet.shares.get("facet", 0) < lam.shares["facet"] - 10


def test_the_two_sides_mirror_each_other():
    left, right = (tube_window(side=s, removal="laminotomy") for s in ("left", "right"))
    assert left.medial_on_right and not right.medial_on_right
    for name, share in left.shares.items():
        assert right.shares.get(name, 0) == pytest.approx(share, abs=5), name


@pytest.mark.parametrize("kwargs, words", [
    ({"segment": "L4-L6"}, "segment must be one of"),
    ({"side": "middle"}, "side must be one of left, right"),
    ({"diameter_mm": 15}, "diameter_mm must be one of the cited tube sizes"),
    ({"diameter_mm": True}, "diameter_mm must be one of the cited tube sizes"),
    ({"wand_deg": 90}, "wand_deg must be from"),
    ({"wand_deg": "10"}, "wand_deg must be a number"),
    ({"caudal_deg": -40}, "caudal_deg must be from"),
    ({"removal": "laminectomy"}, "removal must be one of none, laminotomy"),
    ({"target": "aorta"}, "target must be one of disc"),
    ({"size": 10}, "size must be a whole number of pixels"),
])
def test_bad_tube_inputs_give_one_line_errors(kwargs, words):
    with pytest.raises(ValueError) as err:
        tube_window(**kwargs)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_the_choices_offered_are_the_ones_the_model_accepts():
    lo, hi = wand_range()
    assert lo < 0 < hi
    for removal in REMOVALS:
        for target in TARGETS:
            assert tube_window(removal=removal, target=target, size=40).answer()


# --------------------------------------------------------------------------- the endoscope


def test_turning_the_angled_lens_changes_what_is_in_view():
    views = {r: endoscope_view(rotation_deg=r) for r in range(0, 360, 30)}
    assert len({tuple(v.seen()) for v in views.values()}) >= 4
    assert views[270].shares["disc"] > 60  # ventral: into the disc
    assert views[90].shares["dural sac"] > 20  # dorsal: the sac and the traversing root
    assert "traversing root" in views[90].seen() + views[120].seen()
    assert "traversing root" not in views[270].seen() and "exiting root" not in views[270].seen()
    # between cranial and dorsal the lens catches the exiting root, which forms the triangle's roof
    assert any("exiting root" in views[r].seen() for r in (0, 30, 60, 90))
    assert views[0].shares["disc"] < views[270].shares["disc"]


def test_a_full_turn_comes_back_to_the_same_view():
    a, b = endoscope_view(rotation_deg=0), endoscope_view(rotation_deg=360)
    assert np.array_equal(a.codes, b.codes)
    assert lens_direction(350).startswith("cranial") and lens_direction(100).startswith("dorsal")
    assert set(a.shares) <= set(ENDOSCOPE_STRUCTURES) | {"nothing within reach"}


@pytest.mark.parametrize("kwargs, words", [
    ({"rotation_deg": 400}, "rotation_deg must be from 0 to 360"),
    ({"rotation_deg": None}, "rotation_deg must be a number"),
    ({"segment": "L5-L6"}, "segment must be one of"),
    ({"side": "both"}, "side must be one of left, right"),
    ({"size": 1000}, "size must be a whole number of pixels"),
])
def test_bad_endoscope_inputs_give_one_line_errors(kwargs, words):
    with pytest.raises(ValueError) as err:
        endoscope_view(**kwargs)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_the_stand_in_flavum_lies_behind_the_canal_between_the_two_laminae():
    from widgets.access.raster import _flavum_sheet
    from widgets.anatomy.spine import build_spine

    spine = build_spine()
    upper, lower = spine.vertebra("L4"), spine.vertebra("L5")
    tri = _flavum_sheet(upper, lower, spine.poses["L4"].inverse().compose(spine.poses["L5"]))
    pts = tri.reshape(-1, 3)
    assert pts[:, 1].max() < 0  # behind the back of the bodies
    assert pts[:, 2].max() > float(upper.landmarks["lamina_bottom"])  # overlaps the upper lamina
