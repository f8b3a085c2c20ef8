"""widgets.imaging.filters: a numpy Gaussian blur that gives what scipy's gives."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import ndimage

from widgets.imaging.filters import gaussian_blur, resize_linear


@pytest.mark.parametrize(("shape", "sigma", "mode"), [
    ((256, 256), 0.8, "reflect"), ((40, 33), 2.0, "nearest"), ((5, 7), 3.0, "reflect"),
    ((32, 32), 32.0 / 12.0, "nearest"),
])
def test_the_blur_equals_scipys_gaussian_filter(shape, sigma, mode):
    image = np.random.default_rng(7).random(shape).astype(np.float32)
    ours = gaussian_blur(image, sigma=sigma, mode=mode)
    assert ours.dtype == np.float32 and ours.shape == shape
    np.testing.assert_allclose(ours, ndimage.gaussian_filter(image, sigma=sigma, mode=mode), atol=1e-6)


@pytest.mark.parametrize(("n", "zoom"), [(256, 32 / 256), (512, 32 / 512), (32, 8.0), (37, 0.5), (10, 3.3)])
def test_the_resize_equals_scipys_linear_zoom(n, zoom):
    image = np.random.default_rng(3).random((n, n)).astype(np.float32)
    ours = resize_linear(image, zoom=zoom)
    theirs = ndimage.zoom(image, zoom, order=1, mode="nearest")
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_bad_arguments_say_what_is_allowed():
    image = np.zeros((4, 4))
    with pytest.raises(ValueError, match="mode must be one of"):
        gaussian_blur(image, sigma=1.0, mode="wrap")
    with pytest.raises(ValueError, match="sigma must be a positive"):
        gaussian_blur(image, sigma=0.0)
    with pytest.raises(ValueError, match="must be 2-D"):
        gaussian_blur(np.zeros(4), sigma=1.0)
    with pytest.raises(ValueError, match="zoom must be a positive"):
        resize_linear(image, zoom=-1.0)


def test_the_modules_that_draw_shots_and_slices_import_no_scipy():
    code = ("import sys; import widgets.imaging.slices, widgets.imaging.drr; "
            "print(any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_shot_and_a_slice_are_drawn_without_scipys_image_filters(monkeypatch):
    from widgets.imaging.drr import shot
    from widgets.imaging.slices import slice_image
    from widgets.imaging.volume import build_volume

    build_volume()  # built (or read) first: building the volume does use scipy
    for name in ("zoom", "gaussian_filter"):
        monkeypatch.setattr(ndimage, name, lambda *a, **k: pytest.fail("scipy.ndimage used"))
    assert shot(level="L4", size_px=64).png()[:4] == b"\x89PNG"
    assert slice_image(plane="axial", where="L4-L5").grey.shape[0] > 0
