"""Activation and loss functions in NumPy, batch-first (weeks 1-3).

Every function works on a single sample (1-D) or a batch (2-D, one row per sample).
The softmax and the cross-entropy are numerically stable: inputs of +-1000 do not
overflow and the cross-entropy never evaluates log(0).
"""

import numpy as np

__all__ = [
    "step_function",
    "sigmoid",
    "relu",
    "softmax",
    "log_softmax",
    "mean_squared_error",
    "cross_entropy_error",
    "label_indices",
]


def step_function(x):
    """Step function: 1 where x > 0, else 0, as int64 (week 1)."""
    return (np.asarray(x) > 0).astype(np.int64)


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)), overflow-free for large |x| (week 1)."""
    x = np.asarray(x)
    # exp(-|x|) is always <= 1, so it cannot overflow; pick the algebraically
    # equal form that uses it on each side of zero.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(x):
    """Rectified linear unit max(0, x) (week 1)."""
    return np.maximum(0, x)


def softmax(x):
    """Softmax over the last axis, shifted by the row maximum so it never overflows (week 1)."""
    x = np.asarray(x)
    # softmax(x) == softmax(x - c) for any constant c; with c = max, exp() <= 1.
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x):
    """log(softmax(x)) over the last axis, computed without forming softmax (week 3)."""
    x = np.asarray(x)
    shifted = x - x.max(axis=-1, keepdims=True)
    # log sum exp of the shifted row is >= 0 (the max term is exp(0) = 1): no log(0).
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _as_batch(y, t):
    """Promote a single sample (1-D) to a batch of one, for y and t alike; reject an empty batch."""
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)
        # One label for one sample: an index (size 1) or a row; a row of the wrong length is caught
        # by label_indices with both shapes in the message.
        t = t.reshape(1, -1) if t.size > 1 else t.reshape(1)
    if y.ndim == 0 or y.shape[0] == 0:
        raise ValueError(f"the loss needs at least one sample, got y of shape {y.shape}")
    return y, t


def _one_hot_indices(t):
    """Class indices of one-hot rows; ValueError unless every row is 0s and exactly one 1."""
    if not (np.issubdtype(t.dtype, np.number) or t.dtype == bool) or not np.all(np.isfinite(t)):
        raise ValueError(f"one-hot labels must be finite numbers, got dtype {t.dtype} with NaN/inf or non-numbers")
    # Soft (0.7/0.3), two-hot and all-zero rows have no single class: argmax would invent one.
    bad = ~(np.all((t == 0) | (t == 1), axis=1) & (np.count_nonzero(t, axis=1) == 1))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"one-hot labels must have exactly one 1 (and 0s elsewhere) in every row; row {row} is {t[row].tolist()}"
        )
    return t.argmax(axis=1)


def label_indices(t, y_shape):
    """Class indices (N,) from index labels (N,) or one-hot labels (N, C), shape-checked (week 2)."""
    t = np.asarray(t)
    n, c = y_shape
    if t.ndim == 2:
        if t.shape != (n, c):
            raise ValueError(
                f"one-hot labels must have shape (N, C) = {(n, c)} to match the scores, got shape {t.shape}"
            )
        return _one_hot_indices(t)
    if t.ndim != 1 or t.shape[0] != n:
        raise ValueError(
            f"labels must have shape ({n},) (one index per sample) or ({n}, {c}) (one-hot) "
            f"to match scores of shape {(n, c)}, got shape {t.shape}"
        )
    if not np.issubdtype(t.dtype, np.integer):
        if n == c > 1 and np.all((t == 0) | (t == 1)) and np.count_nonzero(t) == 1:
            # With N == C a float vector holding a single 1 reads as one one-hot row just as well.
            raise ValueError(
                f"ambiguous labels of shape {t.shape} for scores {(n, c)}: they look like one one-hot "
                f"row; pass integer class indices, or one-hot labels of shape {(n, c)}"
            )
        if not np.all(np.isfinite(t)) or not np.all(t == np.round(t)):  # inf == round(inf)
            raise ValueError(f"index labels must be integers, got dtype {t.dtype}")
        t = t.astype(np.int64)
    if t.size and (t.min() < 0 or t.max() >= c):
        raise ValueError(f"index labels must lie in [0, {c}), got range [{t.min()}, {t.max()}]")
    return t


def _check_finite(name, a):
    """Raise ValueError if a loss input contains NaN or inf."""
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} of shape {np.shape(a)} contains non-finite values (NaN or inf)")


def mean_squared_error(y, t):
    """Sum of squared errors halved, 0.5 * sum((y - t)**2), averaged over the batch (week 2)."""
    y, t = _as_batch(y, t)
    if y.shape != t.shape:
        raise ValueError(f"mean_squared_error expects y and t of equal shape, got {y.shape} and {t.shape}")
    _check_finite("mean_squared_error input y", y)
    return 0.5 * np.sum((y - t) ** 2) / y.shape[0]


def cross_entropy_error(y, t):
    """Mean cross-entropy -sum(t * log y) / N of probabilities y; t one-hot or indices (week 2)."""
    y, t = _as_batch(y, t)
    if y.ndim != 2:
        raise ValueError(f"cross_entropy_error expects probabilities of shape (N, C), got shape {y.shape}")
    _check_finite("cross_entropy_error input y", y)
    idx = label_indices(t, y.shape)
    # Clip at the smallest positive float instead of the book's "+ 1e-7": log never
    # sees 0, and every probability above ~1e-308 keeps its exact value.
    p = np.maximum(y[np.arange(y.shape[0]), idx], np.finfo(np.result_type(y, np.float32)).tiny)
    return -np.sum(np.log(p)) / y.shape[0]
