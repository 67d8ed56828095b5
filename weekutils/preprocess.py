"""MNIST-style preprocessing of a person's drawing or photo, from scratch in NumPy (week 7).

MNIST's digits were cropped to their ink, scaled to fit a 20x20 box (aspect ratio kept, anti-aliased into grey
levels) and placed in a 28x28 image with their centre of mass in the middle. A digit drawn on a canvas or
photographed on paper has none of these properties; `mnist_preprocess` gives it all of them, so the network
sees the kind of picture it was trained on. `fashion_preprocess` does the analogous steps for a clothing photo.
"""

from __future__ import annotations

import numpy as np

INK_THRESHOLD = 0.2  # a pixel is ink if it is at least this fraction of the brightest pixel
MNIST_BOX, MNIST_SIZE = 20, 28


def to_ink(image, invert: bool | None = None) -> np.ndarray:
    """Grey float image in [0, 1] with ink bright on a dark (0) background, from grey/RGB/RGBA, uint8 or float (week 7).

    invert=None decides from the border: a bright border means dark ink on light paper, which is inverted.
    The background level (the border's median) is subtracted, so grey paper becomes 0.
    """
    x = np.asarray(image)
    if x.ndim not in (2, 3) or (x.ndim == 3 and x.shape[-1] not in (3, 4)) or min(x.shape[:2]) < 2:
        raise ValueError(f"expected a 2-D grey image or an RGB/RGBA image (H, W, 3 or 4), got shape {x.shape}")
    x = x.astype(np.float64) / (255.0 if x.dtype == np.uint8 or x.max() > 1.0 else 1.0)
    if x.ndim == 3 and x.shape[-1] == 4:
        # Transparent pixels are background: composite over white for dark ink, over black for light ink.
        rgb, alpha = x[..., :3], x[..., 3:]
        opaque = alpha[..., 0] > 0.5
        background = 1.0 if not opaque.any() or rgb[opaque].mean() < 0.5 else 0.0
        x = rgb * alpha + background * (1 - alpha)
    if x.ndim == 3:
        x = x @ np.array([0.299, 0.587, 0.114])  # ITU-R 601 luma, as PIL's "L" mode
    border = np.concatenate([x[0], x[-1], x[1:-1, 0], x[1:-1, -1]])
    if invert is None:
        invert = bool(np.median(border) > 0.5)
    if invert:
        x, border = 1.0 - x, 1.0 - border
    return np.clip(x - np.median(border), 0.0, 1.0)


def ink_bounding_box(image, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int]:
    """(top, bottom, left, right), bottom/right exclusive, of the pixels brighter than threshold x max (week 7)."""
    x = np.asarray(image, dtype=np.float64)
    if x.max() <= 0:
        raise ValueError("the image is blank: no ink was found")
    ink = x >= threshold * x.max()
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def crop_to_ink(image, threshold: float = INK_THRESHOLD) -> np.ndarray:
    """Cut the image down to the bounding box of its ink (step 1 of MNIST's preprocessing, week 7)."""
    top, bottom, left, right = ink_bounding_box(image, threshold)
    return np.asarray(image, dtype=np.float64)[top:bottom, left:right]


def resize_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix that resamples a row of n_in pixels to n_out: area-averaging down, linear up (week 7).

    Shrinking, each output pixel is the average of the input interval it covers (anti-aliasing: thin strokes
    become grey, as in MNIST). Enlarging, each output pixel interpolates linearly between its two nearest
    input pixel centres.
    """
    if n_in < 1 or n_out < 1:
        raise ValueError(f"sizes must be positive, got {n_in} -> {n_out}")
    if n_out <= n_in:
        edges = np.arange(n_out + 1) * (n_in / n_out)  # output pixel j covers [edges[j], edges[j+1])
        lo, hi = edges[:-1, None], edges[1:, None]
        pixel = np.arange(n_in)[None, :]
        overlap = np.clip(np.minimum(hi, pixel + 1) - np.maximum(lo, pixel), 0, None)
        return overlap / overlap.sum(axis=1, keepdims=True)
    centres = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5  # output pixel centres in input coordinates
    centres = np.clip(centres, 0, n_in - 1)
    left = np.minimum(np.floor(centres).astype(int), n_in - 2) if n_in > 1 else np.zeros(n_out, int)
    frac = centres - left
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), left] += 1 - frac
    if n_in > 1:
        m[np.arange(n_out), left + 1] += frac
    return m


def resize(image, height: int, width: int) -> np.ndarray:
    """Resample a 2-D image to (height, width) with `resize_matrix` along each axis (week 7)."""
    x = np.asarray(image, dtype=np.float64)
    return resize_matrix(x.shape[0], height) @ x @ resize_matrix(x.shape[1], width).T


def fit_in_box(image, box: int = MNIST_BOX) -> np.ndarray:
    """Scale so that the longer side is `box` pixels, keeping the aspect ratio (step 2, week 7)."""
    h, w = np.shape(image)
    scale = box / max(h, w)
    return resize(image, max(1, round(h * scale)), max(1, round(w * scale)))


def center_of_mass(image) -> tuple[float, float]:
    """(row, column) of the intensity-weighted mean pixel position (week 7)."""
    x = np.asarray(image, dtype=np.float64)
    total = x.sum()
    if total <= 0:
        raise ValueError("the image is blank: no ink was found")
    rows, cols = np.indices(x.shape)
    return float((rows * x).sum() / total), float((cols * x).sum() / total)


def place_by_center_of_mass(image, size: int = MNIST_SIZE) -> np.ndarray:
    """Paste the image into a size x size field so that its centre of mass lands in the middle (step 3, week 7).

    The middle is pixel (14, 14) of 28 x 28, measured on MNIST's own digits (their mean centre of mass);
    the shift is rounded to whole pixels; ink pushed past the edge is cut off.
    """
    x = np.asarray(image, dtype=np.float64)
    h, w = x.shape
    r, c = center_of_mass(x)
    # A straight stroke's centre sits exactly on a half pixel: float noise must not decide which way it rounds.
    r, c = round(r, 6), round(c, 6)
    middle = size / 2
    top, left = int(round(middle - r)), int(round(middle - c))
    out = np.zeros((size, size))
    # Overlap of the pasted image [top, top+h) x [left, left+w) with the field [0, size).
    r0, r1, c0, c1 = max(top, 0), min(top + h, size), max(left, 0), min(left + w, size)
    if r0 < r1 and c0 < c1:
        out[r0:r1, c0:c1] = x[r0 - top : r1 - top, c0 - left : c1 - left]
    return out


def normalize_like_training(image) -> np.ndarray:
    """float32 in [0, 1] with the brightest pixel at 1, like the training images divided by 255 (step 4, week 7)."""
    x = np.clip(np.asarray(image, dtype=np.float64), 0, None)
    peak = x.max()
    return (x / peak if peak > 0 else x).astype(np.float32)


def mnist_preprocess(image, invert: bool | None = None) -> np.ndarray:
    """Any digit picture -> a (28, 28) float32 MNIST-style image: ink, crop, 20x20 box, centre of mass, [0, 1] (week 7)."""
    ink = to_ink(image, invert)
    return normalize_like_training(place_by_center_of_mass(fit_in_box(crop_to_ink(ink), MNIST_BOX), MNIST_SIZE))


def fashion_preprocess(image, invert: bool | None = None) -> np.ndarray:
    """Any clothing picture -> (28, 28) float32 like Fashion-MNIST: light on dark, crop, longer side 28, centred (week 7).

    Fashion-MNIST's product photos were trimmed to the object, resized so the longer edge is 28 pixels and
    centred; there is no centre-of-mass step.
    """
    fitted = fit_in_box(crop_to_ink(to_ink(image, invert), threshold=0.05), MNIST_SIZE)
    out = np.zeros((MNIST_SIZE, MNIST_SIZE))
    h, w = fitted.shape
    top, left = (MNIST_SIZE - h) // 2, (MNIST_SIZE - w) // 2
    out[top : top + h, left : left + w] = fitted
    return normalize_like_training(out)


PREPROCESSORS = {"mnist": mnist_preprocess, "fashion": fashion_preprocess}
