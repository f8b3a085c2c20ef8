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
