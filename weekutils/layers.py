"""Layers with forward/backward, in the style of Deep Learning from Scratch (weeks 3-5).

Protocol: ``forward(x)`` returns the output and remembers what backward needs;
``backward(dout)`` takes dL/d(output) and returns dL/d(input).  Parameter
gradients are stored in ``dW``, ``db``, ``dgamma``, ``dbeta``.  Layers that
behave differently while training take ``forward(x, train_flg=True)``.

Unlike the book, ``backward`` never writes into ``dout`` (the caller may still
need it), and nothing touches NumPy's global random state.
"""

import numpy as np

from .functions import label_indices, log_softmax, sigmoid, softmax
from .im2col import conv_output_size, fold, tiles, unfold, windows

__all__ = [
    "MulLayer",
    "AddLayer",
    "Relu",
    "Sigmoid",
    "Affine",
    "SoftmaxWithLoss",
    "Dropout",
    "BatchNormalization",
    "Convolution",
    "Pooling",
]


def _require_finite_batch(x, what):
    """Raise ValueError unless x has at least one row and only finite values."""
    if x.shape[0] == 0:
        raise ValueError(f"{what} must have at least one row, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what} of shape {x.shape} contains non-finite values (NaN or inf)")


def _forward_first(layer, saved):
    """Raise RuntimeError when backward runs before forward, i.e. while what forward saves is still None."""
    if saved is None:
        raise RuntimeError(f"{type(layer).__name__}.backward: call forward() first")


class MulLayer:
    """Multiply node z = x * y of a computational graph (week 3)."""

    def __init__(self):
        self.x = self.y = None

    def forward(self, x, y):
        """Return x * y and keep both factors for backward (week 3)."""
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        """dz/dx = y and dz/dy = x: each input gets dout times the *other* input (week 3)."""
        _forward_first(self, self.x)
        return dout * self.y, dout * self.x


class AddLayer:
    """Add node z = x + y of a computational graph (week 3)."""

    def forward(self, x, y):
        """Return x + y (week 3)."""
        return x + y

    def backward(self, dout):
        """dz/dx = dz/dy = 1: the gradient passes through unchanged to both inputs (week 3)."""
        return dout * 1, dout * 1


class Relu:
    """ReLU layer y = max(0, x) (week 3)."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """Zero the non-positive entries; remember where x was positive (week 3)."""
        self.mask = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        """Gradient 1 where x > 0, else 0 (torch uses 0 at x == 0 too); dout is not modified (week 3)."""
        _forward_first(self, self.mask)
        # The original report (and the book) wrote dout[mask] = 0 in place.
        return dout * self.mask


class Sigmoid:
    """Sigmoid layer y = 1 / (1 + exp(-x)) (week 3)."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """Return sigmoid(x); the output alone is enough for backward (week 3)."""
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        """dy/dx = y (1 - y) (week 3)."""
        _forward_first(self, self.out)
        return dout * self.out * (1.0 - self.out)


class Affine:
    """Affine (fully connected) layer y = xW + b; N-d input is flattened per sample (week 3).

    ``b=None`` gives a layer without bias (used before BatchNormalization, whose
    beta does the bias's job: the mean subtraction would cancel any bias).
    """

    def __init__(self, W, b=None):
        self.W, self.b = W, b  # shared with the network's params dict, updated in place
        self.x = self.x_shape = None
        self.dW = self.db = None

    def forward(self, x):
        """Flatten x to (N, D) and return x @ W + b (week 3)."""
        self.x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        if x.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"Affine expects input with {self.W.shape[0]} features per sample "
                f"(shape (N, {self.W.shape[0]})), got shape {self.x_shape}"
            )
        self.x = x
        out = x @ self.W
        if self.b is not None:
            out += self.b
        return out

    def backward(self, dout):
        """dx = dout W^T, dW = x^T dout, db = column sums of dout (week 3)."""
        _forward_first(self, self.x)
        self.dW = self.x.T @ dout
        if self.b is not None:
            self.db = dout.sum(axis=0)  # b was broadcast over the batch, so its gradient sums over it
        return (dout @ self.W.T).reshape(self.x_shape)


class SoftmaxWithLoss:
    """Softmax followed by mean cross-entropy loss, equal to F.cross_entropy (week 3)."""

    def __init__(self):
        self.y = self.t = self.loss = None

    def forward(self, x, t):
        """Return the mean cross-entropy of softmax(x) against labels t (one-hot or indices) (week 3)."""
        if x.ndim != 2:
            raise ValueError(f"SoftmaxWithLoss expects scores of shape (N, C), got shape {x.shape}")
        self.t = label_indices(t, x.shape)
        if not np.all(np.isfinite(x)):
            raise ValueError(f"SoftmaxWithLoss input of shape {x.shape} contains non-finite values (NaN or inf)")
        self.y = softmax(x)
        # log_softmax avoids log(softmax) underflowing to log(0) for very negative scores.
        self.loss = -log_softmax(x)[np.arange(x.shape[0]), self.t].mean()
        return self.loss

    def backward(self, dout=1.0):
        """d(loss)/dx = (softmax(x) - onehot(t)) / N, times dout (week 3)."""
        _forward_first(self, self.y)
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1.0
        return dx * (dout / n)


class Dropout:
    """Inverted dropout: zero with probability p and scale by 1/(1-p) while training (week 4).

    Same convention as ``torch.nn.Dropout``: at test time it is the identity.
    Set ``frozen = True`` to reuse the last mask (needed for a numerical
    gradient check, where the loss is evaluated many times).
    """

    def __init__(self, dropout_ratio=0.5, rng=None):
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError(f"dropout_ratio must be in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = np.random.default_rng(rng)  # a Generator is used as is; an int seeds a new one
        self.mask = None
        self.frozen = False

    def forward(self, x, train_flg=True):
        """Training: x * mask / (1 - p) with a fresh random mask; testing: x unchanged (week 4)."""
        if not train_flg:
            self.mask = None
            return x
        if not (self.frozen and self.mask is not None and self.mask.shape == x.shape):
            keep = 1.0 - self.dropout_ratio
            # Scaling the kept units by 1/keep now keeps E[output] = x, so testing needs no rescale.
            self.mask = (self.rng.random(x.shape) < keep).astype(x.dtype) / x.dtype.type(keep)
        return x * self.mask

    def backward(self, dout):
        """Same mask and scale as forward (the report's bug was a misspelt self_mask here) (week 4)."""
        return dout if self.mask is None else dout * self.mask


class BatchNormalization:
    """Batch normalisation over the batch (2-D) or batch and space (4-D), like F.batch_norm (week 4).

    Training: normalise with the batch mean and *biased* variance, then scale by
    gamma and shift by beta.  Running statistics follow PyTorch exactly:
    ``running = momentum * running + (1 - momentum) * batch_stat`` with the
    *unbiased* batch variance, so our ``momentum=0.9`` is torch's ``momentum=0.1``.
    They start at mean 0 and variance 1 (torch's defaults; the book starts the
    variance at 0).  ``eps`` defaults to torch's 1e-5.
    """

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-5):
        self.gamma, self.beta = gamma, beta
        self.momentum, self.eps = momentum, eps
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.ones_like(gamma) if running_var is None else running_var
        self.input_shape = self.xn = self.std = None
        self.train_flg = True
        self.dgamma = self.dbeta = None

    def _to_2d(self, x):
        """(N, D) stays; (N, C, H, W) becomes (N*H*W, C) so every channel is one column."""
        if x.ndim == 4:
            x = x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])
        elif x.ndim != 2:
            raise ValueError(f"BatchNormalization expects input (N, D) or (N, C, H, W), got shape {x.shape}")
        if x.shape[1] != self.gamma.shape[0]:
            raise ValueError(
                f"BatchNormalization expects {self.gamma.shape[0]} features/channels "
                f"(shape (N, {self.gamma.shape[0]}) or (N, {self.gamma.shape[0]}, H, W)), got shape {self.input_shape}"
            )
        return x

    def _from_2d(self, y):
        if len(self.input_shape) == 4:
            N, C, H, W = self.input_shape
            return y.reshape(N, H, W, C).transpose(0, 3, 1, 2)
        return y

    def forward(self, x, train_flg=True):
        """Normalise x per feature, then y = gamma * x_hat + beta (week 4)."""
        self.input_shape = x.shape
        x = self._to_2d(x)
        if train_flg:
            _require_finite_batch(x, "BatchNormalization training input")  # else NaN enters the running stats for good
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc**2, axis=0)
            self.std = np.sqrt(var + self.eps)
            self.xn = xc / self.std
            m, n = self.momentum, x.shape[0]
            self.running_mean[...] = m * self.running_mean + (1 - m) * mu
            self.running_var[...] = m * self.running_var + (1 - m) * var * (n / max(n - 1, 1))
        else:
            self.std = np.sqrt(self.running_var + self.eps)
            self.xn = (x - self.running_mean) / self.std
        self.train_flg = train_flg
        return self._from_2d(self.gamma * self.xn + self.beta)

    def backward(self, dout):
        """Gradients of gamma, beta and x; in training mode mean and variance depend on x too (week 4)."""
        _forward_first(self, self.xn)
        dout = self._to_2d(dout)
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(dout * self.xn, axis=0)
        dxn = dout * self.gamma
        if self.train_flg:
            # Chain rule through x_hat = (x - mean) / std, with mean and std functions of
            # the whole batch; the three terms collapse to this standard compact form.
            dxn = dxn - dxn.mean(axis=0) - self.xn * np.mean(dxn * self.xn, axis=0)
        return self._from_2d(dxn / self.std)


class Convolution:
    """2-D convolution (cross-correlation) layer with filters W (FN, C, FH, FW) and bias b (FN,) (week 5).

    Forward unfolds the input into columns and multiplies by the filters (the
    im2col idea, in F.unfold's layout so the result is already (N, FN, oh, ow));
    backward is the transposed products followed by fold (col2im).
    """

    def __init__(self, W, b, stride=1, pad=0, input_grad=True):
        self.W, self.b = W, b
        self.stride, self.pad = stride, pad
        # input_grad=False: backward returns None instead of dx, for a first layer whose
        # input (the images) needs no gradient, like torch's requires_grad=False data.
        self.input_grad = input_grad
        self.x_shape = self.cols = None
        self.dW = self.db = None

    def forward(self, x):
        """Return the (N, FN, out_h, out_w) feature maps of x (N, C, H, W) (week 5)."""
        FN, C, FH, FW = self.W.shape
        if x.ndim != 4 or x.shape[1] != C:
            raise ValueError(f"Convolution expects input with {C} channels (shape (N, {C}, H, W)), got shape {x.shape}")
        N, _, H, W = x.shape
        oh = conv_output_size(H, FH, self.stride, self.pad)
        ow = conv_output_size(W, FW, self.stride, self.pad)
        self.x_shape = x.shape
        self.cols = unfold(x, FH, FW, self.stride, self.pad)  # (N, C*FH*FW, oh*ow)
        # Every filter (a row of W) dotted with every window (a column): (N, FN, oh*ow).
        out = np.matmul(self.W.reshape(FN, -1), self.cols)
        out += self.b[:, None]
        return out.reshape(N, FN, oh, ow)

    def backward(self, dout):
        """dW = sum_n dout_n cols_n^T, db = sums of dout, dx = fold(W^T dout) (week 5)."""
        _forward_first(self, self.cols)
        FN, C, FH, FW = self.W.shape
        N = dout.shape[0]
        dout = dout.reshape(N, FN, -1)  # (N, FN, oh*ow), matching the columns
        self.db = dout.sum(axis=(0, 2))  # b was added at every pixel of every sample
        # out_n = W cols_n, so dW = sum over the batch of dout_n cols_n^T.
        self.dW = np.matmul(dout, self.cols.transpose(0, 2, 1)).sum(axis=0).reshape(self.W.shape)
        if not self.input_grad:
            return None
        dcols = np.matmul(self.W.reshape(FN, -1).T, dout)  # (N, C*FH*FW, oh*ow)
        return fold(dcols, self.x_shape, FH, FW, self.stride, self.pad)


class Pooling:
    """Max or average pooling over pool_h x pool_w windows; stride defaults to the pool size (week 5).

    Output size (H + 2*pad - pool_h) // stride + 1, the formula the original
    report missed the "+ 1" of.  Max pooling pads with -inf (padding never wins)
    and breaks ties towards the first element in row-major order, like
    ``F.max_pool2d``; average pooling pads with zeros and divides by the full
    window size, like ``F.avg_pool2d`` (count_include_pad=True).
    """

    def __init__(self, pool_h, pool_w, stride=None, pad=0, mode="max"):
        if mode not in ("max", "avg"):
            raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
        if 2 * pad > min(pool_h, pool_w):
            raise ValueError(f"pad {pad} must be at most half the pool size ({pool_h}, {pool_w}), as in PyTorch")
        self.pool_h, self.pool_w, self.pad, self.mode = pool_h, pool_w, pad, mode
        self.stride = pool_h if stride is None else stride
        self.x_shape = self.mask = None

    def forward(self, x):
        """Return the (N, C, out_h, out_w) max or mean of every window (week 5)."""
        if x.ndim != 4:
            raise ValueError(f"Pooling expects input of shape (N, C, H, W), got shape {x.shape}")
        N, C, H, W = self.x_shape = x.shape
        oh = conv_output_size(H, self.pool_h, self.stride, self.pad)
        ow = conv_output_size(W, self.pool_w, self.stride, self.pad)
        k = self.pool_h * self.pool_w
        # One copy puts the k elements of each window in k contiguous slabs: (N, C, k, oh*ow).
        cols = unfold(
            x, self.pool_h, self.pool_w, self.stride, self.pad, pad_value=-np.inf if self.mode == "max" else 0.0
        ).reshape(N, C, k, oh * ow)
        if self.mode == "avg":
            return cols.mean(axis=2).reshape(N, C, oh, ow)
        out = cols[:, :, 0].copy()
        for i in range(1, k):
            np.maximum(out, cols[:, :, i], out=out)  # running max over the k slabs
        # Only the first maximum of a window (row-major order) gets the gradient, as in torch.
        self.mask = cols == out[:, :, None]
        taken = self.mask[:, :, 0].copy()
        for i in range(1, k):
            self.mask[:, :, i] &= ~taken
            taken |= self.mask[:, :, i]
        return out.reshape(N, C, oh, ow)

    def backward(self, dout):
        """Max: route dout to the winning element; avg: spread dout evenly over the window (week 5)."""
        _forward_first(self, self.x_shape)
        N, C = dout.shape[:2]
        k = self.pool_h * self.pool_w
        dout = dout.reshape(N, C, 1, -1)  # one value per window, broadcast over its k elements
        if self.mode == "max" and tiles(self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad):
            # Fast path (e.g. 2x2, stride 2): each pixel is in exactly one window, so write
            # dout * mask straight into dx seen window by window; one pass, no fold.
            dx = np.empty(self.x_shape, dtype=np.result_type(dout, np.float32))
            view = windows(dx, self.pool_h, self.pool_w, self.stride, writeable=True).transpose(0, 1, 4, 5, 2, 3)
            np.multiply(dout.reshape(N, C, 1, 1, *view.shape[4:]), self.mask.reshape(view.shape), out=view)
            return dx
        # Gradient per window element, in fold's layout (N, C*k, oh*ow).
        dcols = dout * self.mask if self.mode == "max" else np.broadcast_to(dout / k, (N, C, k, dout.shape[3]))
        return fold(dcols.reshape(N, C * k, -1), self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
