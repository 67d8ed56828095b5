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
            col[:, :, y, xx] = img[:, :, y : y + stride * oh : stride, xx : xx + stride * ow : stride]
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


@pytest.mark.parametrize("size, k, stride, pad", [(5, 5, 1, 0), (3, 5, 1, 1), (1, 7, 2, 3), (4, 6, 3, 1)])
def test_filter_exactly_filling_the_padded_input_gives_one_output(size, k, stride, pad):
    assert conv_output_size(size, k, stride, pad) == 1
    assert conv_output_size(size, k, stride, pad, strict=True) == 1  # span 0 is a multiple of any stride
    x = np.random.default_rng(3).standard_normal((2, 3, size, size))
    col = im2col(x, k, k, stride, pad)
    ref = F.unfold(torch.from_numpy(x), k, padding=pad, stride=stride)
    assert col.shape == (2, 3 * k * k) and ref.shape[2] == 1
    np.testing.assert_array_equal(col, ref.numpy()[:, :, 0])


def test_strict_accepts_sizes_that_fit_and_defaults_are_stride_1_pad_0():
    assert conv_output_size(7, 3, 2, 0, strict=True) == 3
    assert conv_output_size(8, 2, 2, 0, strict=True) == 4
    assert conv_output_size(6, 3, 3, 3, strict=True) == 4
    assert conv_output_size(5, 3) == 3 and conv_output_size(5, 3, 2) == 2 and conv_output_size(5, 3, 1, 1) == 5
    assert conv_output_size(1, 1) == 1
    x = np.arange(2 * 1 * 4 * 5, dtype=float).reshape(2, 1, 4, 5)
    np.testing.assert_array_equal(im2col(x, 2, 2), im2col(x, 2, 2, stride=1, pad=0))
    col = im2col(x, 2, 2)
    np.testing.assert_array_equal(col2im(col, x.shape, 2, 2), col2im(col, x.shape, 2, 2, stride=1, pad=0))


@pytest.mark.parametrize(
    "input_size, filter_size, stride, pad, message",
    [
        (5, 0, 1, 0, "need filter_size >= 1 and input_size >= 1, got filter_size=0, input_size=5"),
        (0, 1, 1, 0, "need filter_size >= 1 and input_size >= 1, got filter_size=1, input_size=0"),
        (5, 3, 0, 0, "need stride >= 1 and pad >= 0, got stride=0, pad=0"),
        (5, 3, 1, -1, "need stride >= 1 and pad >= 0, got stride=1, pad=-1"),
        (4, 6, 1, 0, "filter of size 6 is larger than the padded input of size 4 + 2*0 = 4"),
        (9, 4, 2, 1, "(input 9 + 2*pad 1 - filter 4) = 7 is not a multiple of stride 2"),
    ],
)
def test_conv_output_size_messages(input_size, filter_size, stride, pad, message):
    with pytest.raises(ValueError) as info:
        conv_output_size(input_size, filter_size, stride, pad, strict=True)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "shape, k, stride, pad",
    [
        ((1, 2, 5, 6), (3, 3), 1, 2),
        ((2, 1, 4, 4), (2, 3), 2, 3),
        ((1, 1, 6, 6), (2, 2), 2, 0),
        ((1, 1, 7, 6), (2, 2), 2, 0),
    ],
)
def test_other_paddings_tiles_and_float32(shape, k, stride, pad):
    from weekutils.im2col import fold, tiles, unfold, windows

    x = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    cols = unfold(x, *k, stride, pad)
    assert cols.dtype == np.float32
    np.testing.assert_array_equal(cols, F.unfold(torch.from_numpy(x), k, padding=pad, stride=stride).numpy())
    c = np.random.default_rng(5).standard_normal(cols.shape).astype(np.float32)
    img = fold(c, shape, *k, stride, pad)
    assert img.dtype == np.float32 and img.shape == shape
    ref = F.fold(torch.from_numpy(c), shape[2:], k, padding=pad, stride=stride).numpy()
    np.testing.assert_allclose(img, ref, rtol=1e-6, atol=1e-6)
    v = windows(x, *k, stride, pad, pad_value=-5.0)
    if pad:
        assert v[0, 0, 0, 0, 0, 0] == -5.0  # top-left window starts in the padding
    assert tiles(shape, *k, stride, pad) == (
        k[0] == k[1] == stride and pad == 0 and shape[2] % stride == 0 and shape[3] % stride == 0
    )


def test_tiles_needs_every_condition():
    from weekutils.im2col import tiles

    assert tiles((1, 1, 4, 4), 2, 2, 2, 0)
    assert not tiles((1, 1, 4, 4), 2, 2, 1, 0)
    assert not tiles((1, 1, 4, 4), 2, 1, 2, 0)
    assert not tiles((1, 1, 4, 4), 1, 2, 2, 0)
    assert not tiles((1, 1, 4, 4), 2, 2, 2, 1)
    assert not tiles((1, 1, 5, 4), 2, 2, 2, 0)
    assert not tiles((1, 1, 4, 5), 2, 2, 2, 0)


def test_windows_writeable_view_and_fold_shape_check():
    from weekutils.im2col import fold, windows

    x = np.zeros((1, 1, 4, 4))
    v = windows(x, 2, 2, 2, writeable=True)
    v[0, 0, 1, 1, 0, 0] = 7.0
    assert x[0, 0, 2, 2] == 7.0  # writes go through to x
    assert not windows(x, 2, 2, 2).flags.writeable
    with pytest.raises(ValueError) as info:
        fold(np.zeros((1, 4, 3)), (1, 1, 4, 4), 2, 2, 2, 0)
    assert str(info.value) == "fold expects columns of shape (1, 4, 4) for input (1, 1, 4, 4), got (1, 4, 3)"


def test_col2im_shape_message_names_both_shapes():
    with pytest.raises(ValueError) as info:
        col2im(np.zeros((5, 4)), (2, 1, 4, 4), 2, 2, 1, 0)
    assert str(info.value) == "col2im expects col of shape (18, 4) for input (2, 1, 4, 4), got (5, 4)"


def test_windows_unfold_fold_defaults_are_stride_1_pad_0_fill_0():
    from weekutils.im2col import fold, unfold, windows

    x = np.arange(1 * 2 * 4 * 5, dtype=float).reshape(1, 2, 4, 5) + 1  # no zeros: padding would show
    assert windows(x, 2, 3).shape == (1, 2, 3, 3, 2, 3)
    np.testing.assert_array_equal(windows(x, 2, 3), windows(x, 2, 3, 1, 0))
    assert windows(x, 3, 3, pad=1)[0, 0, 0, 0, 0, 0] == 0.0  # padding is 0 unless told otherwise
    cols = unfold(x, 2, 3)
    np.testing.assert_array_equal(cols, F.unfold(torch.from_numpy(x), (2, 3)).numpy())
    np.testing.assert_array_equal(unfold(x, 3, 3, pad=1), F.unfold(torch.from_numpy(x), 3, padding=1).numpy())
    np.testing.assert_array_equal(fold(cols, x.shape, 2, 3), F.fold(torch.from_numpy(cols), (4, 5), (2, 3)).numpy())


def test_unfold_passes_its_pad_value_on():
    from weekutils.im2col import unfold

    x = np.ones((1, 1, 2, 2))
    cols = unfold(x, 2, 2, 1, 1, pad_value=-np.inf)
    assert cols.shape == (1, 4, 9)
    assert np.isneginf(cols[0, 0, 0]) and np.sum(np.isneginf(cols)) == 4 * 9 - 4 * 4


@pytest.mark.parametrize(
    "call", [lambda x: im2col(x, 2, 2), lambda x: __import__("weekutils.im2col").im2col.unfold(x, 2, 2)]
)
def test_not_4d_message_says_im2col(call):
    with pytest.raises(ValueError) as info:
        call(np.zeros((3, 4, 4)))
    assert str(info.value) == "im2col expects input of shape (N, C, H, W), got shape (3, 4, 4)"
