"""weekutils.im2col against F.unfold / F.fold, the book's loops, and the adjoint identity."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from weekutils.im2col import col2im, conv_output_size, im2col

# (N, C, H, W), (fh, fw), stride, pad: square and non-square, overlapping and not
CASES = [
    ((2, 3, 7, 7), (3, 3), 1, 0),
    ((2, 2, 6, 9), (2, 3), 2, 1),
    ((1, 1, 5, 8), (3, 2), 3, 2),
    ((3, 2, 8, 5), (4, 4), 2, 0),
]


def to_torch_layout(col, N, L):
    """(N*L, C*fh*fw) -> F.unfold's (N, C*fh*fw, L)."""
    return torch.from_numpy(np.ascontiguousarray(col.reshape(N, L, -1).transpose(0, 2, 1)))


def im2col_loops(x, fh, fw, stride, pad):
    """The book's reference loop, kept here as an independent check."""
    N, C, H, W = x.shape
    oh, ow = (H + 2 * pad - fh) // stride + 1, (W + 2 * pad - fw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    col = np.zeros((N, C, fh, fw, oh, ow))
    for y in range(fh):
        for xx in range(fw):
            col[:, :, y, xx] = img[:, :, y:y + stride * oh:stride, xx:xx + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * oh * ow, -1)


@pytest.mark.parametrize("shape, k, stride, pad", CASES)
def test_im2col_matches_unfold_and_loops(shape, k, stride, pad):
    x = np.random.default_rng(0).standard_normal(shape)
    col = im2col(x, *k, stride=stride, pad=pad)
    ref = F.unfold(torch.from_numpy(x), k, padding=pad, stride=stride)
    N, L = shape[0], ref.shape[2]
    assert col.shape == (N * L, shape[1] * k[0] * k[1])
    np.testing.assert_array_equal(to_torch_layout(col, N, L).numpy(), ref.numpy())
    np.testing.assert_array_equal(col, im2col_loops(x, *k, stride, pad))


@pytest.mark.parametrize("shape, k, stride, pad", CASES)
def test_col2im_matches_fold_and_is_adjoint(shape, k, stride, pad):
    rng = np.random.default_rng(1)
    N, C, H, W = shape
    L = conv_output_size(H, k[0], stride, pad) * conv_output_size(W, k[1], stride, pad)
    col = rng.standard_normal((N * L, C * k[0] * k[1]))
    img = col2im(col, shape, *k, stride=stride, pad=pad)
    ref = F.fold(to_torch_layout(col, N, L), (H, W), k, padding=pad, stride=stride)
    np.testing.assert_allclose(img, ref.numpy(), rtol=0, atol=1e-12)
    # adjoint: <im2col(x), col> == <x, col2im(col)>
    x = rng.standard_normal(shape)
    assert np.isclose(np.sum(im2col(x, *k, stride, pad) * col), np.sum(x * img), rtol=1e-12)


def test_conv_output_size():
    assert conv_output_size(28, 5, 1, 0) == 24
    assert conv_output_size(24, 2, 2, 0) == 12  # the report's pooling size without "+ 1" gave 11
    assert conv_output_size(7, 3, 2, 1) == 4
    assert conv_output_size(8, 3, 2, 0) == 3  # (8 - 3) / 2 is not whole: floor, like torch
    assert F.conv2d(torch.zeros(1, 1, 8, 8), torch.zeros(1, 1, 3, 3), stride=2).shape[-1] == 3


def test_conv_output_size_raises_when_sizes_do_not_fit():
    with pytest.raises(ValueError, match=r"filter of size 5 is larger than the padded input of size 2 \+ 2\*1 = 4"):
        conv_output_size(2, 5, 1, 1)
    with pytest.raises(ValueError, match="not a multiple of stride 2"):
        conv_output_size(8, 3, 2, 0, strict=True)
    with pytest.raises(ValueError, match="stride"):
        conv_output_size(8, 3, 0, 0)
    with pytest.raises(ValueError, match=r"expects col of shape \(18, 4\)"):
        col2im(np.zeros((5, 4)), (2, 1, 4, 4), 2, 2, 1, 0)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\), got shape \(4, 4\)"):
        im2col(np.zeros((4, 4)), 2, 2)


@pytest.mark.parametrize("shape, k, stride, pad", CASES + [((2, 3, 8, 6), (2, 2), 2, 0)])
def test_unfold_fold_are_torch_layout(shape, k, stride, pad):
    from weekutils.im2col import fold, tiles, unfold

    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    cols = unfold(x, *k, stride, pad)
    ref = F.unfold(torch.from_numpy(x), k, padding=pad, stride=stride)
    np.testing.assert_array_equal(cols, ref.numpy())
    c = rng.standard_normal(cols.shape)
    ref_img = F.fold(torch.from_numpy(c), shape[2:], k, padding=pad, stride=stride)
    np.testing.assert_allclose(fold(c, shape, *k, stride, pad), ref_img.numpy(), rtol=0, atol=1e-12)
    assert tiles(shape, *k, stride, pad) == (k == (2, 2) and stride == 2 and pad == 0)
