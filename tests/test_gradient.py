"""weekutils.gradient: central differences, restoring x, relative error, gradient_check."""

import numpy as np
import pytest

from weekutils.gradient import gradient_check, numerical_gradient, relative_error
from weekutils.nets import TwoLayerNet


def test_numerical_gradient_of_sum_of_squares():
    x = np.array([3.0, 4.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), [6.0, 8.0], rtol=1e-10)


def test_numerical_gradient_any_shape_and_x_restored():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4))
    before = x.copy()
    g = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert g.shape == x.shape
    assert relative_error(g, np.cos(x)) < 1e-9
    assert np.array_equal(x, before)  # bit-for-bit unchanged


def test_x_restored_even_if_f_raises():
    x = np.array([1.0, 2.0])

    def f(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert np.array_equal(x, [1.0, 2.0])


def test_integer_x_is_rejected():
    with pytest.raises(ValueError, match="floating-point"):
        numerical_gradient(np.sum, np.array([1, 2]))


def test_relative_error():
    a = np.array([1.0, -2.0, 0.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert np.isclose(relative_error(a, a + [0, 0, 1e-3]), 1e-3 / 2)
    assert np.isclose(relative_error(1e6 * a, 1e6 * (a + [0, 0, 1e-3])), 1e-3 / 2)  # scale-free
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        relative_error(a, a[:2])


def test_gradient_check_returns_error_per_parameter():
    rng = np.random.default_rng(1)
    net = TwoLayerNet(5, 4, 3, weight_init_std=0.5, rng=2)
    errors = gradient_check(net, rng.standard_normal((6, 5)), rng.integers(0, 3, 6))
    assert set(errors) == {"W1", "b1", "W2", "b2"}
    assert max(errors.values()) < 1e-7
