"""widgets.imaging.filters: a numpy Gaussian blur that gives what scipy's gives."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import ndimage

from widgets.imaging.filters import gaussian_blur


@pytest.mark.parametrize(("shape", "sigma", "mode"), [
    ((256, 256), 0.8, "reflect"), ((40, 33), 2.0, "nearest"), ((5, 7), 3.0, "reflect"),
    ((32, 32), 32.0 / 12.0, "nearest"),
])
def test_the_blur_equals_scipys_gaussian_filter(shape, sigma, mode):
    image = np.random.default_rng(7).random(shape).astype(np.float32)
    ours = gaussian_blur(image, sigma=sigma, mode=mode)
    assert ours.dtype == np.float32 and ours.shape == shape
    np.testing.assert_allclose(ours, ndimage.gaussian_filter(image, sigma=sigma, mode=mode), atol=1e-6)


def test_bad_arguments_say_what_is_allowed():
    image = np.zeros((4, 4))
    with pytest.raises(ValueError, match="mode must be one of"):
        gaussian_blur(image, sigma=1.0, mode="wrap")
    with pytest.raises(ValueError, match="sigma must be a positive"):
        gaussian_blur(image, sigma=0.0)
    with pytest.raises(ValueError, match="must be 2-D"):
        gaussian_blur(np.zeros(4), sigma=1.0)


def test_the_slice_and_shot_modules_import_scipy_only_when_a_projection_or_volume_is_built():
    code = ("import sys; import widgets.imaging.slices, widgets.imaging.drr; "
            "print(any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
