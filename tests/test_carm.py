"""C-arm projection: known points land where they should."""

import math

import numpy as np
import pytest

from widgets.imaging.carm import beam_direction, owl_eye_error, project, project_perspective
from widgets.imaging.screws import preset, vertebra

PTS = np.array([[10.0, 0, 0], [0, 10.0, 0], [0, 0, 10.0]])


def test_ap_view():
    # AP: image right = +x (left), image up = +z; the AP depth (y) vanishes
    assert np.allclose(project(PTS, 0, 0), [[10, 0], [0, 0], [0, 10]])


def test_lateral_view():
    # orbital 90: beam = -x, image axes (0,1,0) and z: x vanishes, y maps to image right
    assert np.allclose(project(PTS, 90, 0), [[0, 0], [10, 0], [0, 10]])


def test_oblique_45():
    # orbital 45: e1 = (cos45, sin45, 0): (10,0,0) -> 7.07 ; (0,10,0) -> 7.07
    out = project(PTS, 45, 0)
    assert out[0, 0] == pytest.approx(10 / math.sqrt(2)) and out[1, 0] == pytest.approx(10 / math.sqrt(2))


def test_points_along_beam_coincide():
    b = beam_direction(30, 10)
    out = project(np.array([[1.0, 2, 3], [1.0, 2, 3] + 50 * b]), 30, 10)
    assert np.allclose(out[0], out[1])


def test_perspective_magnification():
    # a point at the object centre (depth 0) is magnified sid/sod = 1000/700
    out = project_perspective(np.array([[7.0, 0, 0]]), 0, 0, sod=700, sid=1000)
    assert out[0, 0] == pytest.approx(10.0)


def test_owl_eye_at_pedicle_angles():
    m, s, _, _ = preset("L4")
    ax = vertebra("L4").pedicles["left"].axis
    assert owl_eye_error(ax, m, s) == pytest.approx(0, abs=1e-6)
    assert owl_eye_error(vertebra("L4").pedicles["right"].axis, -m, s) == pytest.approx(0, abs=1e-6)
    assert owl_eye_error(ax, m + 10, s) > 5


def test_errors():
    with pytest.raises(ValueError):
        project(np.zeros((3, 2)), 0, 0)
    with pytest.raises(ValueError):
        beam_direction(0, 90)
    with pytest.raises(TypeError):
        beam_direction("0", 0)


def test_convex_hull_of_a_square_with_inner_points_is_the_square():
    import numpy as np

    from widgets.imaging.carm import convex_hull

    square = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]])
    inner = np.random.default_rng(0).uniform(0.1, 1.9, size=(40, 2))
    hull = convex_hull(np.vstack([inner, square, [[1.0, 0.0]]]))  # + a point on an edge
    assert np.allclose(hull[0], hull[-1])
    assert {tuple(p) for p in hull[:-1]} == {tuple(p) for p in square}
    x, y = hull[:, 0], hull[:, 1]
    assert 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) == pytest.approx(4.0)  # counter-clockwise
    with pytest.raises(ValueError, match="collinear"):
        convex_hull(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))


# --------------------------------------------------------------------------- the planner's views


def _bony(vert):
    return [p for p in vert.parts if p.kind == "bone"]


@pytest.mark.parametrize("plane, dims", [("axial", (0, 1)), ("lateral", (1, 2))])
def test_plane_outlines_are_closed_hulls_of_each_bony_part(plane, dims):
    from widgets.imaging.carm import plane_outlines

    vert = vertebra("L4")
    outlines = plane_outlines(vert, plane)
    assert list(outlines) == [p.mesh.name for p in _bony(vert)]
    for part in _bony(vert):
        hull = outlines[part.mesh.name]
        pts = part.mesh.vertices[:, list(dims)]
        assert np.allclose(hull[0], hull[-1])  # closed
        # every hull corner is a vertex of the part (to the 6 decimals the hull keeps); it spans the part
        assert all(np.isclose(pts, corner, atol=1e-5).all(axis=1).any() for corner in hull)
        assert np.allclose(hull.min(axis=0), pts.min(axis=0), atol=1e-5)
        assert np.allclose(hull.max(axis=0), pts.max(axis=0), atol=1e-5)


def test_plane_outlines_name_the_planes_on_a_bad_one():
    from widgets.imaging.carm import plane_outlines

    with pytest.raises(ValueError, match="axial"):
        plane_outlines(vertebra("L4"), "coronal")


def test_outline_path_joins_the_outlines_with_a_gap_after_each():
    from widgets.imaging.carm import outline_path

    square = np.array([[0.0, 0], [1, 0], [1, 1], [0, 0]])
    xs, ys = outline_path({"a": square, "b": square + 5})
    assert xs == [0, 1, 1, 0, None, 5, 6, 6, 5, None]
    assert ys == [0, 0, 1, 0, None, 5, 5, 6, 5, None]


def test_bone_meshes_merge_the_vertebra_and_the_pedicles_without_losing_a_triangle():
    from widgets.imaging.carm import bone_meshes

    vert = vertebra("L4")
    merged = bone_meshes(vert)
    assert [name for name, _, _ in merged] == ["vertebra", "pedicles"]
    for name, vertices, faces in merged:
        parts = [p.mesh for p in _bony(vert) if p.mesh.name.startswith("pedicle") == (name == "pedicles")]
        assert parts and len(vertices) == sum(len(m.vertices) for m in parts)
        assert faces.min() >= 0 and faces.max() < len(vertices)
        # the merged triangles are the parts' own triangles, corner for corner
        expected = np.vstack([m.vertices[m.faces] for m in parts])
        assert np.allclose(vertices[faces], expected)
