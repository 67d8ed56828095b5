"""weekutils.functions: activations and losses against PyTorch, stability, bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from weekutils.functions import (
    cross_entropy_error,
    label_indices,
    log_softmax,
    mean_squared_error,
    relu,
    sigmoid,
    softmax,
    step_function,
)

RNG = np.random.default_rng(0)
T = torch.from_numpy


def test_step_relu_sigmoid_match_torch():
    x = RNG.standard_normal((4, 5)) * 3
    x[0, 0] = 0.0
    assert np.array_equal(step_function(x), (T(x) > 0).long().numpy())
    assert np.array_equal(relu(x), torch.relu(T(x)).numpy())
    np.testing.assert_allclose(sigmoid(x), torch.sigmoid(T(x)).numpy(), rtol=0, atol=1e-15)


def test_activations_on_scalars_and_lists():
    assert step_function(0.5) == 1 and step_function(-1.0) == 0
    assert relu(-2.0) == 0 and sigmoid(0.0) == 0.5
    np.testing.assert_array_equal(step_function([-1.0, 0.0, 2.0]), [0, 0, 1])


def test_softmax_and_sigmoid_stable_at_extremes():
    x = np.array([[1000.0, -1000.0, 0.0], [1010.0, 1000.0, 990.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        s = softmax(x)
        ls = log_softmax(x)
        sg = sigmoid(x)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ls)) and np.all(np.isfinite(sg))
    np.testing.assert_allclose(s, torch.softmax(T(x), dim=1).numpy(), rtol=0, atol=1e-15)
    np.testing.assert_allclose(ls, torch.log_softmax(T(x), dim=1).numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(sg, torch.sigmoid(T(x)).numpy(), rtol=0, atol=1e-15)


def test_softmax_properties():
    x = RNG.standard_normal((3, 7))
    np.testing.assert_allclose(softmax(x).sum(axis=1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(softmax(x + 123.0), softmax(x), rtol=0, atol=1e-13)
    np.testing.assert_allclose(softmax(x[0]), softmax(x)[0], rtol=0, atol=1e-15)  # 1-D works too


def test_cross_entropy_matches_torch_with_indices_and_one_hot():
    logits = RNG.standard_normal((6, 4))
    t = RNG.integers(0, 4, 6)
    expected = F.cross_entropy(T(logits), T(t)).item()
    y = softmax(logits)
    assert abs(cross_entropy_error(y, t) - expected) < 1e-12
    assert abs(cross_entropy_error(y, np.eye(4)[t]) - expected) < 1e-12
    # a single sample (1-D) is a batch of one
    assert abs(cross_entropy_error(y[0], t[0]) - F.cross_entropy(T(logits[:1]), T(t[:1])).item()) < 1e-12
    assert abs(cross_entropy_error(y[0], np.eye(4)[t[0]]) - cross_entropy_error(y[0], t[0])) < 1e-15


def test_cross_entropy_never_takes_log_of_zero():
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = cross_entropy_error(y, np.array([1, 1]))
    assert np.isfinite(loss) and loss > 300  # log of the smallest float, about 708 / 2
    assert cross_entropy_error(y, np.array([0, 1])) == 0.0


def test_mean_squared_error_is_half_sse_per_sample():
    y = RNG.random((3, 4))
    t = np.eye(4)[[0, 2, 1]]
    assert np.isclose(mean_squared_error(y, t), 0.5 * np.sum((y - t) ** 2) / 3, rtol=0, atol=1e-15)
    assert np.isclose(mean_squared_error(y[0], t[0]), 0.5 * np.sum((y[0] - t[0]) ** 2), rtol=0, atol=1e-15)


def test_label_mismatch_and_non_finite_raise_with_shapes():
    y = softmax(RNG.standard_normal((5, 3)))
    with pytest.raises(ValueError, match=r"shape \(5,\).*\(5, 3\).*got shape \(4,\)"):
        cross_entropy_error(y, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=r"\(5, 3\).*got shape \(5, 4\)"):
        cross_entropy_error(y, np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        label_indices(np.array([0, 1, 3, 0, 0]), (5, 3))
    bad = y.copy()
    bad[1, 1] = np.nan
    with pytest.raises(ValueError, match=r"shape \(5, 3\).*non-finite"):
        cross_entropy_error(bad, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"\(5, 3\) and \(5, 2\)"):
        mean_squared_error(y, np.zeros((5, 2)))


def test_softmax_and_log_softmax_with_row_maxima_far_apart():
    """Each row is shifted by its own maximum: a shared shift would underflow the row whose max is 1000 lower."""
    x = np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0], [0.0, 1.0, 2.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        p, logp = softmax(x), log_softmax(x)
    ref = torch.softmax(torch.from_numpy(x), dim=-1).numpy()
    ref_log = torch.log_softmax(torch.from_numpy(x), dim=-1).numpy()
    for ours, theirs in ((p, ref), (logp, ref_log)):
        assert np.all(np.isfinite(ours))
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0, equal_nan=False)
    np.testing.assert_allclose(p[0], p[1], rtol=1e-12)  # same gaps, same probabilities
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)


def test_activations_keep_float32():
    x = np.array([[-1.5, 0.0, 2.0]], dtype=np.float32)
    for f in (sigmoid, relu, softmax, log_softmax):
        assert f(x).dtype == np.float32, f.__name__
    np.testing.assert_allclose(sigmoid(x), torch.sigmoid(torch.from_numpy(x)).numpy(), rtol=1e-6)


def test_float_index_labels_are_accepted_when_whole_numbers():
    y = softmax(RNG.standard_normal((4, 3)))
    t = np.array([2.0, 0.0, 1.0, 2.0])
    idx = label_indices(t, (4, 3))
    assert idx.dtype == np.int64 and idx.tolist() == [2, 0, 1, 2]
    assert cross_entropy_error(y, t) == cross_entropy_error(y, t.astype(int))
    for bad in ([2.5, 0, 1, 2], [np.nan, 0, 1, 2], [np.inf, 0, 1, 2]):
        with pytest.raises(ValueError, match=r"^index labels must be integers, got dtype float64$"):
            label_indices(np.array(bad), (4, 3))


@pytest.mark.parametrize(
    "t, row",
    [
        ([[0, 0, 0], [1, 0, 0]], "row 0 is [0, 0, 0]"),
        ([[1, 0, 0], [0, 1, 1]], "row 1 is [0, 1, 1]"),
        ([[1, 0, 0], [0, 0.5, 0.5]], "row 1 is [0.0, 0.5, 0.5]"),
        ([[1, 0, 0], [0, 2, 0]], "row 1 is [0, 2, 0]"),
        ([[1, 0, 0], [0, -1, 1]], "row 1 is [0, -1, 1]"),
    ],
)
def test_one_hot_rows_need_exactly_one_one(t, row):
    with pytest.raises(ValueError) as info:
        label_indices(np.array(t), (2, 3))
    assert str(info.value) == f"one-hot labels must have exactly one 1 (and 0s elsewhere) in every row; {row}"


def test_one_hot_labels_must_be_finite_numbers():
    for bad in (np.array([[np.nan, 1, 0], [1, 0, 0]]), np.array([["1", "0", "0"], ["0", "1", "0"]])):
        with pytest.raises(ValueError, match="one-hot labels must be finite numbers"):
            label_indices(bad, (2, 3))
    assert label_indices(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]), (2, 3)).tolist() == [1, 0]


def test_one_dimensional_labels_when_n_equals_c():
    assert label_indices(np.array([0, 1, 0]), (3, 3)).tolist() == [0, 1, 0]  # integers are indices
    assert label_indices(np.array([1.0, 1.0, 0.0]), (3, 3)).tolist() == [1, 1, 0]  # not one-hot: indices
    assert label_indices(np.array([0.0, 1.0]), (2, 3)).tolist() == [0, 1]  # N != C: no ambiguity
    assert label_indices(np.array([0.0]), (1, 1)).tolist() == [0]
    with pytest.raises(ValueError, match=r"^ambiguous labels of shape \(3,\) for scores \(3, 3\)"):
        label_indices(np.array([0.0, 0.0, 1.0]), (3, 3))
    # a single sample with its one-hot label is not ambiguous
    assert np.isclose(cross_entropy_error(np.array([0.2, 0.8]), np.array([0.0, 1.0])), -np.log(0.8))
    assert np.isclose(cross_entropy_error(np.array([0.2, 0.8]), 1), -np.log(0.8))


def test_losses_reject_an_empty_batch():
    for f in (cross_entropy_error, mean_squared_error):
        with pytest.raises(ValueError, match=r"at least one sample, got y of shape \(0, 3\)"):
            f(np.zeros((0, 3)), np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"at least one sample, got y of shape \(\)"):
        mean_squared_error(np.float64(1.0), np.float64(1.0))


def test_losses_on_float32():
    y = softmax(RNG.standard_normal((3, 4)).astype(np.float32))
    t = np.array([0, 3, 1])
    ref = torch.nn.functional.nll_loss(torch.log(torch.from_numpy(y)), torch.from_numpy(t)).item()
    assert np.isclose(cross_entropy_error(y, t), ref, rtol=1e-5)
    assert np.isfinite(cross_entropy_error(np.eye(4, dtype=np.float32)[[1, 1, 1]], t))  # log(tiny float32)


def test_step_function_is_int64_and_messages_name_the_function():
    out = step_function(np.array([-1.0, 0.0, 2.5]))
    assert out.dtype == np.int64 and out.tolist() == [0, 0, 1]
    bad = np.array([[0.5, np.nan, 0.5], [0.2, 0.3, 0.5]])
    with pytest.raises(ValueError) as info:
        mean_squared_error(bad, np.zeros((2, 3)))
    assert str(info.value) == "mean_squared_error input y of shape (2, 3) contains non-finite values (NaN or inf)"
    with pytest.raises(ValueError) as info:
        cross_entropy_error(bad, np.array([0, 1]))
    assert str(info.value) == "cross_entropy_error input y of shape (2, 3) contains non-finite values (NaN or inf)"
    with pytest.raises(ValueError) as info:
        cross_entropy_error(np.zeros((2, 3, 1)), np.array([0, 1]))
    assert str(info.value) == "cross_entropy_error expects probabilities of shape (N, C), got shape (2, 3, 1)"


def test_single_sample_labels_and_log_softmax_of_a_vector():
    np.testing.assert_allclose(log_softmax(np.array([1.0, 2.0, 3.0])), np.log(softmax(np.array([1.0, 2.0, 3.0]))))
    with pytest.raises(ValueError) as info:
        cross_entropy_error(np.array([0.2, 0.3, 0.5]), np.array([0.0, 1.0]))  # a row of the wrong length
    assert "(N, C) = (1, 3)" in str(info.value) and "got shape (1, 2)" in str(info.value)
    assert np.isclose(mean_squared_error(np.array([0.5, 0.5]), np.array([0.0, 1.0])), 0.25)


def test_ambiguity_check_needs_n_equal_c_of_at_least_2():
    with pytest.raises(ValueError, match=r"^ambiguous labels of shape \(2,\) for scores \(2, 2\)"):
        label_indices(np.array([0.0, 1.0]), (2, 2))
    with pytest.raises(ValueError) as info:
        label_indices(np.array([1.0]), (1, 1))  # one class: index 1 is simply out of range
    assert str(info.value) == "index labels must lie in [0, 1), got range [1, 1]"


def test_cross_entropy_clips_at_the_smallest_float_of_ys_dtype():
    t = np.array([0, 3, 1])
    y32 = np.eye(4, dtype=np.float32)[[1, 1, 1]]  # two of the three true-class probabilities are 0
    expected = -2 * np.log(np.float64(np.finfo(np.float32).tiny)) / 3
    np.testing.assert_allclose(cross_entropy_error(y32, t), expected, rtol=1e-6)
    y_int = np.eye(4, dtype=np.int64)[[0, 3, 0]]  # integer probabilities: clipped like float64
    expected64 = -np.log(np.finfo(np.float64).tiny) / 3
    np.testing.assert_allclose(cross_entropy_error(y_int, t), expected64, rtol=1e-12)
