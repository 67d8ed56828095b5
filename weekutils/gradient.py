"""Numerical differentiation and gradient checks (week 3)."""

from contextlib import nullcontext

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "gradient_check"]


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient (f(x+h) - f(x-h)) / 2h of scalar f at x, any shape (week 3).

    ``f`` is called as ``f(x)`` after x has been changed in place, one element at
    a time (so f may also ignore its argument and read shared arrays, as in the
    book).  x is restored exactly afterwards, even if f raises.  The error of
    the central difference is O(h^2); h = 1e-5 balances it against rounding in
    float64.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"numerical_gradient needs a floating-point x, got dtype {x.dtype}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        orig = x[idx].copy()
        try:
            x[idx] = orig + h
            f_plus = float(f(x))
            x[idx] = orig - h
            f_minus = float(f(x))
        finally:
            x[idx] = orig
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """max|a - b| / max(max|a|, max|b|): the worst error relative to the gradient's scale (week 3).

    Unlike the element-wise CS231n form |a-b| / max(|a|, |b|), this does not blow
    up on entries that are (nearly) zero in both, e.g. behind a ReLU.  Two
    all-zero arrays have error 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error expects equal shapes, got {a.shape} and {b.shape}")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - b)) / scale)


def gradient_check(network, x, t):
    """Relative error between numerical and backprop gradients, per parameter name (week 3).

    Dropout masks are held fixed during the check when the network offers
    ``frozen_dropout()`` (all weekutils networks do), so both gradients see the
    same random function.
    """
    frozen = getattr(network, "frozen_dropout", None)
    with frozen() if frozen else nullcontext():
        grad_numerical = network.numerical_gradient(x, t)
        grad_backprop = network.gradient(x, t)
    return {key: relative_error(grad_numerical[key], grad_backprop[key]) for key in grad_numerical}
