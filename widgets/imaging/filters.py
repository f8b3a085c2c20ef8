"""A Gaussian blur and a linear resize in numpy, for the simulated images.

:func:`gaussian_blur` gives what ``scipy.ndimage.gaussian_filter`` gives (same kernel,
truncated at 4 sigma, same edge modes ``"reflect"`` and ``"nearest"``) and :func:`resize_linear`
what ``scipy.ndimage.zoom(..., order=1, mode="nearest")`` gives, so that drawing a slice or a
C-arm shot does not import ``scipy.ndimage`` (about a quarter of a second in a fresh kernel).
"""

from __future__ import annotations

import numpy as np

__all__ = ["gaussian_blur", "resize_linear"]

_PAD = {"reflect": "symmetric", "nearest": "edge"}  # scipy's edge modes, in numpy's words


def _kernel(sigma: float) -> np.ndarray:
    radius = int(4.0 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return w / w.sum()


def gaussian_blur(image: np.ndarray, *, sigma: float, mode: str = "reflect") -> np.ndarray:
    """Blur a 2-D image with a Gaussian of ``sigma`` pixels along each axis; same dtype out.

    ``mode`` says how the image continues past its edges: ``"reflect"`` (mirrored about the
    edge) or ``"nearest"`` (the edge pixel repeated).
    """
    if mode not in _PAD:
        raise ValueError(f"mode must be one of {sorted(_PAD)}, not {mode!r}")
    if not sigma > 0:
        raise ValueError(f"sigma must be a positive number of pixels, not {sigma!r}")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D, not {image.ndim}-D")
    w = _kernel(float(sigma))
    r = len(w) // 2
    out = image.astype(np.float64)
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r)
        padded = np.pad(out, pad, mode=_PAD[mode])
        n = out.shape[axis]
        acc = np.zeros_like(out)
        for k, weight in enumerate(w):
            acc += weight * (padded[k:k + n] if axis == 0 else padded[:, k:k + n])
        out = acc
    return out.astype(image.dtype, copy=False)


def _axis_weights(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # scipy's zoom maps the first and last pixel centres onto each other
    x = np.arange(n_out) * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(1)
    lo = np.clip(np.floor(x).astype(np.int64), 0, n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, x - lo


def resize_linear(image: np.ndarray, *, zoom: float) -> np.ndarray:
    """Resize a 2-D image by ``zoom`` with linear interpolation, corner pixels kept; same dtype out.

    The output has ``round(n * zoom)`` pixels along each axis, as ``scipy.ndimage.zoom`` gives.
    """
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D, not {image.ndim}-D")
    if not zoom > 0:
        raise ValueError(f"zoom must be a positive factor, not {zoom!r}")
    out = image.astype(np.float64)
    for axis in (0, 1):
        n_in = out.shape[axis]
        lo, hi, t = _axis_weights(n_in, max(1, int(round(n_in * zoom))))
        if axis == 0:
            out = out[lo] * (1 - t)[:, None] + out[hi] * t[:, None]
        else:
            out = out[:, lo] * (1 - t)[None, :] + out[:, hi] * t[None, :]
    return out.astype(image.dtype, copy=False)
