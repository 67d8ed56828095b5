"""im2col / col2im: turn a convolution into one matrix product (week 5).

Layout (as in Deep Learning from Scratch): an input batch (N, C, H, W) becomes a
matrix with one row per output pixel, (N*out_h*out_w, C*filter_h*filter_w), rows
ordered (n, y, x) and columns ordered (c, i, j).  ``torch.nn.functional.unfold``
returns the same numbers as (N, C*fh*fw, out_h*out_w): transpose to compare.

Instead of the book's loops, every window is first a strided *view*
(``windows``, via ``sliding_window_view``, no copy), copied once into a matrix.
col2im is the adjoint (it sums overlapping windows, like ``F.fold``) and loops
only over the fh*fw filter offsets, each step adding a whole strided slice.

``unfold`` / ``fold`` are the same operations in PyTorch's layout,
(N, C*fh*fw, out_h*out_w).  The Convolution layer uses that layout because the
product with the filters then comes out directly as (N, FN, out_h, out_w),
with no transpose of the feature maps; im2col/col2im are thin wrappers.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["conv_output_size", "im2col", "col2im", "unfold", "fold", "windows", "tiles"]


def conv_output_size(input_size, filter_size, stride=1, pad=0, strict=False):
    """Output length (input + 2*pad - filter) // stride + 1 of a convolution or pooling (week 5).

    Raises ValueError when the filter is larger than the padded input, when
    stride < 1, pad < 0, or the filter or input size is below 1.  If (input + 2*pad - filter) is not a multiple of the
    stride, the last partial window is dropped (floor), exactly like PyTorch;
    pass ``strict=True`` to raise instead.
    """
    if stride < 1 or pad < 0:
        raise ValueError(f"need stride >= 1 and pad >= 0, got stride={stride}, pad={pad}")
    if filter_size < 1 or input_size < 1:
        raise ValueError(
            f"need filter_size >= 1 and input_size >= 1, got filter_size={filter_size}, input_size={input_size}"
        )
    span = input_size + 2 * pad - filter_size
    if span < 0:
        raise ValueError(
            f"filter of size {filter_size} is larger than the padded input of size "
            f"{input_size} + 2*{pad} = {input_size + 2 * pad}"
        )
    if strict and span % stride:
        raise ValueError(
            f"(input {input_size} + 2*pad {pad} - filter {filter_size}) = {span} is not a multiple of stride {stride}"
        )
    return span // stride + 1


def _check_4d(x, what):
    if x.ndim != 4:
        raise ValueError(f"{what} expects input of shape (N, C, H, W), got shape {x.shape}")


def tiles(input_shape, filter_h, filter_w, stride, pad):
    """True when the windows cover the input exactly once, e.g. 2x2 pooling with stride 2 (week 5)."""
    H, W = input_shape[-2:]
    return stride == filter_h == filter_w and pad == 0 and H % stride == 0 and W % stride == 0


def windows(x, filter_h, filter_w, stride=1, pad=0, pad_value=0.0, writeable=False):
    """Strided view (N, C, out_h, out_w, filter_h, filter_w) of every window of x (week 5).

    ``writeable=True`` (only without padding) lets you write through the view;
    with overlapping windows one pixel then appears in several places.
    """
    x = np.asarray(x)
    _check_4d(x, "im2col")
    H, W = x.shape[2:]
    conv_output_size(H, filter_h, stride, pad)  # raise early with a readable message
    conv_output_size(W, filter_w, stride, pad)
    if pad:
        x = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=pad_value)
    # view[n, c, y, x, i, j] = x_padded[n, c, y*stride + i, x*stride + j]
    return sliding_window_view(x, (filter_h, filter_w), axis=(2, 3), writeable=writeable)[:, :, ::stride, ::stride]


def unfold(input_data, filter_h, filter_w, stride=1, pad=0, pad_value=0.0):
    """Windows as columns, (N, C*filter_h*filter_w, out_h*out_w): the layout of F.unfold (week 5)."""
    v = windows(input_data, filter_h, filter_w, stride, pad, pad_value)
    N, C, oh, ow = v.shape[:4]
    # (n, c, y, x, i, j) -> (n, (c, i, j), (y, x)); the reshape makes the one copy.
    # Each copied run is a row of output pixels, so memory is read in order.
    return v.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * filter_h * filter_w, oh * ow)


def fold(cols, input_shape, filter_h, filter_w, stride=1, pad=0):
    """Sum columns (N, C*filter_h*filter_w, out_h*out_w) back into (N, C, H, W), like F.fold (week 5)."""
    N, C, H, W = input_shape
    oh = conv_output_size(H, filter_h, stride, pad)
    ow = conv_output_size(W, filter_w, stride, pad)
    expected = (N, C * filter_h * filter_w, oh * ow)
    if np.shape(cols) != expected:
        raise ValueError(
            f"fold expects columns of shape {expected} for input {tuple(input_shape)}, got {np.shape(cols)}"
        )
    cols = np.asarray(cols).reshape(N, C, filter_h, filter_w, oh, ow)
    if tiles(input_shape, filter_h, filter_w, stride, pad):
        # No overlaps to sum, every pixel comes from one window: a pure rearrangement.
        return cols.transpose(0, 1, 4, 2, 5, 3).reshape(N, C, H, W)
    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    # Window (y, x) put its offset (i, j) at padded pixel (y*stride + i, x*stride + j):
    # for a fixed offset that is one strided slice, and overlapping windows add up.
    for i in range(filter_h):
        for j in range(filter_w):
            img[:, :, i : i + stride * oh : stride, j : j + stride * ow : stride] += cols[:, :, i, j]
    return img[:, :, pad : H + pad, pad : W + pad]


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """Unfold (N, C, H, W) into (N*out_h*out_w, C*filter_h*filter_w), one row per window (week 5)."""
    cols = unfold(input_data, filter_h, filter_w, stride, pad)
    return cols.transpose(0, 2, 1).reshape(-1, cols.shape[1])  # rows (n, y, x), columns (c, i, j)


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """Fold (N*out_h*out_w, C*fh*fw) back to (N, C, H, W), summing overlaps; adjoint of im2col (week 5)."""
    N, C, H, W = input_shape
    L = conv_output_size(H, filter_h, stride, pad) * conv_output_size(W, filter_w, stride, pad)
    expected = (N * L, C * filter_h * filter_w)
    if np.shape(col) != expected:
        raise ValueError(f"col2im expects col of shape {expected} for input {tuple(input_shape)}, got {np.shape(col)}")
    cols = np.asarray(col).reshape(N, L, -1).transpose(0, 2, 1)
    return fold(cols, input_shape, filter_h, filter_w, stride, pad)
