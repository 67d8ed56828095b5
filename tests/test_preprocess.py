"""Week 7's MNIST-style preprocessing and the drawing pad's rasterizer."""

import numpy as np
import pytest

from weekutils import preprocess as pp
from weekutils.drawpad import rasterize_strokes


def test_resize_matrix_averages_areas_down_and_interpolates_up():
    down = pp.resize_matrix(6, 3)
    np.testing.assert_allclose(down, np.kron(np.eye(3), [[0.5, 0.5]]))
    np.testing.assert_allclose(pp.resize_matrix(5, 2).sum(axis=1), 1)
    up = pp.resize_matrix(2, 4)
    np.testing.assert_allclose(up @ np.array([0.0, 1.0]), [0, 0.25, 0.75, 1])
    np.testing.assert_allclose(pp.resize_matrix(7, 7), np.eye(7))


def test_fit_in_box_keeps_aspect_ratio():
    assert pp.fit_in_box(np.ones((100, 50)), 20).shape == (20, 10)
    assert pp.fit_in_box(np.ones((3, 9)), 20).shape == (7, 20)


def test_centre_of_mass_lands_in_the_middle():
    blob = np.zeros((10, 6))
    blob[2:5, 1:3] = 1
    placed = pp.place_by_center_of_mass(blob, 28)
    r, c = pp.center_of_mass(placed)
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5
    assert placed.sum() == blob.sum()


def test_polarity_rgb_rgba_and_grey_paper_give_the_same_ink():
    ink = np.zeros((40, 30))
    ink[5:30, 12:16] = 1.0
    paper = (255 - 200 * ink).astype(np.uint8)  # dark ink on light-grey paper
    rgb = np.repeat(paper[:, :, None], 3, axis=2)
    rgba = np.dstack([np.zeros_like(paper)] * 3 + [(255 * ink).astype(np.uint8)])  # black ink, transparent paper
    expected = pp.mnist_preprocess(ink)
    for image in (paper, rgb, rgba, (255 * ink).astype(np.uint8), 1 - ink):
        np.testing.assert_allclose(pp.mnist_preprocess(image), expected, atol=1e-6)
    assert expected.dtype == np.float32 and expected.shape == (28, 28) and expected.max() == 1


def test_a_digit_in_mnist_form_is_left_almost_unchanged():
    from weekutils.data import load_mnist_test

    x, _ = load_mnist_test(flatten=False)
    for digit in x[:20, 0]:
        again = pp.mnist_preprocess(digit)
        assert np.corrcoef(again.ravel(), digit.ravel())[0, 1] > 0.95


def test_blank_and_malformed_images_raise_clear_errors():
    with pytest.raises(ValueError, match="blank"):
        pp.mnist_preprocess(np.zeros((30, 30)))
    with pytest.raises(ValueError, match="2-D grey image"):
        pp.mnist_preprocess(np.zeros((5, 5, 2)))


def test_fashion_preprocess_fits_the_longer_side_to_28():
    shirt = np.zeros((90, 60))
    shirt[10:80, 5:55] = 1
    out = pp.fashion_preprocess(shirt)
    rows, cols = np.flatnonzero(out.any(1)), np.flatnonzero(out.any(0))
    assert len(rows) == 28 and 18 <= len(cols) <= 22


def test_rasterize_strokes_draws_thick_lines_and_dots():
    line = rasterize_strokes([[(140, 40), (140, 240)]], size=280, width=20)
    assert line[140, 130:150].all() and not line[140, 152] and not line[20, 140]
    dot = rasterize_strokes([[(50, 60)]], size=280, width=20)
    assert dot[60, 50] == 1 and dot.sum() == pytest.approx(np.pi * 10**2, rel=0.1)
