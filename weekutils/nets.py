"""Networks built from weekutils.layers: TwoLayerNet, MultiLayerNet and SimpleConvNet (weeks 3-6).

A network is an ordered list of layers (an OrderedDict, names like ``Affine1``)
followed by a SoftmaxWithLoss.  Parameters live in ``params`` under the names
used in the maths (W1, b1, ..., gamma1, beta1); the layers hold the *same*
arrays, so an optimizer updating ``params`` in place updates the layers too.

Every network takes ``rng`` (a numpy Generator, a seed, or None) and ``dtype``
(float64 for gradient checks, float32 for speed).  No global random state is
read or written.
"""

import numbers
import zipfile
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np

from .files import atomic_path, npz_path
from .functions import label_indices
from .gradient import numerical_gradient
from .im2col import conv_output_size
from .layers import Affine, BatchNormalization, Convolution, Dropout, Pooling, Relu, Sigmoid, SoftmaxWithLoss

__all__ = ["TwoLayerNet", "MultiLayerNet", "SimpleConvNet", "init_std"]


def init_std(weight_init_std, fan_in):
    """Std of a layer's initial weights: "relu"/"he" sqrt(2/fan_in), "sigmoid"/"xavier" sqrt(1/fan_in), or a number (week 4)."""
    if isinstance(weight_init_std, str):
        name = weight_init_std.lower()
        if name in ("relu", "he"):
            return np.sqrt(2.0 / fan_in)  # He: keeps activation variance through ReLU layers
        if name in ("sigmoid", "xavier"):
            return np.sqrt(1.0 / fan_in)  # Xavier (as in the book): for sigmoid/tanh layers
        raise ValueError(
            f"weight_init_std must be 'relu', 'he', 'sigmoid', 'xavier' or a number, got {weight_init_std!r}"
        )
    return float(weight_init_std)


def positive_int(name, value):
    """Return value as an int if it is a positive integer (NumPy integers too), else ValueError naming it (week 4)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_batch(x, what="input"):
    """Reject a batch with no rows: every mean over it would be NaN."""
    if np.ndim(x) == 0 or len(x) == 0:
        raise ValueError(f"{what} must be a batch with at least one row, got shape {np.shape(x)}")


def _read_npz(path):
    """All arrays of an .npz file as a dict; ValueError naming the file if it is not a clean .npz."""
    unreadable = ValueError(
        f"{str(path)!r} is not a readable .npz parameter file "
        "(empty, truncated, corrupt, or not written by save_params)"
    )
    try:
        f = np.load(path, allow_pickle=False)
        if not isinstance(f, np.lib.npyio.NpzFile):  # a lone .npy array under an .npz name
            raise unreadable
        with f:
            return {k: f[k] for k in f.files}
    except FileNotFoundError:
        raise FileNotFoundError(f"no parameter file {str(path)!r}") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError):
        # numpy's own messages here (e.g. its allow_pickle advice) point the wrong way.
        raise unreadable from None


class _LayerNet:
    """Shared machinery: predict, loss, accuracy, backprop, numerical gradient, saving."""

    weight_decay_lambda = 0.0
    last_loss = None

    def __init__(self, rng, dtype):
        self.rng = np.random.default_rng(rng)
        self.dtype = np.dtype(dtype)
        self.params = {}
        self.buffers = {}  # non-trained state that is saved too (BatchNorm running statistics)
        self.layers = OrderedDict()
        self.grad_sources = {}  # param name -> (layer name, gradient attribute)
        self.last_layer = SoftmaxWithLoss()

    def _param(self, name, std, shape):
        """Create params[name]: Gaussian with the given std, or zeros/ones for std 0/'ones'."""
        if std == "ones":
            a = np.ones(shape, dtype=self.dtype)
        elif std == 0:
            a = np.zeros(shape, dtype=self.dtype)
        else:
            a = (std * self.rng.standard_normal(shape)).astype(self.dtype)
        self.params[name] = a
        return a

    def predict(self, x, train_flg=False):
        """Class scores (before softmax) for a batch x (weeks 3-6)."""
        x = np.asarray(x, dtype=self.dtype)
        _check_batch(x)
        for layer in self.layers.values():
            if isinstance(layer, (Dropout, BatchNormalization)):
                x = layer.forward(x, train_flg)
            else:
                x = layer.forward(x)
        return x

    def loss(self, x, t, train_flg=True):
        """Mean cross-entropy of the predictions against t (indices or one-hot), plus weight decay (weeks 3-6)."""
        y = self.predict(x, train_flg)
        decay = 0.0
        if self.weight_decay_lambda:
            # L2 penalty 0.5 * lambda * ||W||^2 on every weight matrix (not on biases).
            decay = 0.5 * self.weight_decay_lambda * sum(np.sum(self.params[k] ** 2) for k in self._weight_names())
        self.last_loss = float(self.last_layer.forward(y, t) + decay)  # read by Trainer
        return self.last_loss

    def accuracy(self, x, t, batch_size=500):
        """Fraction of correctly classified samples, predicted batch by batch to bound memory (weeks 3-6)."""
        _check_batch(x, "accuracy input x")
        batch_size = positive_int("batch_size", batch_size)
        n = len(x)
        t = label_indices(t, (n, self.output_size))
        correct = 0
        for i in range(0, n, batch_size):
            y = self.predict(x[i : i + batch_size], train_flg=False)
            # argmax of NaN scores is 0, which would count as a (wrong or right) guess without a word.
            if not np.all(np.isfinite(y)):
                raise ValueError(
                    f"accuracy: the network's scores for samples {i}..{i + len(y) - 1} "
                    "contain NaN or inf (diverged training?)"
                )
            correct += int(np.sum(y.argmax(axis=1) == t[i : i + batch_size]))
        return correct / n

    def gradient(self, x, t):
        """Gradients of the loss for every parameter by backpropagation (weeks 3-6)."""
        self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1.0)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads = {key: getattr(self.layers[lname], attr) for key, (lname, attr) in self.grad_sources.items()}
        for key in self._weight_names():
            if self.weight_decay_lambda:
                grads[key] = grads[key] + self.weight_decay_lambda * self.params[key]  # d/dW of the L2 penalty
        return grads

    def numerical_gradient(self, x, t, h=1e-5):
        """Gradients of the loss by central differences: slow, for checking backprop (weeks 3-6)."""

        def f(_):
            return self.loss(x, t, train_flg=True)

        return {key: numerical_gradient(f, self.params[key], h) for key in self.params}

    def _weight_names(self):
        return [k for k, (lname, attr) in self.grad_sources.items() if attr == "dW"]

    @contextmanager
    def frozen_dropout(self):
        """Reuse each Dropout layer's mask inside the block, e.g. for a gradient check (week 4)."""
        drops = [layer for layer in self.layers.values() if isinstance(layer, Dropout)]
        for d in drops:
            d.frozen, d.mask = True, None
        try:
            yield self
        finally:
            for d in drops:
                d.frozen = False

    def save_params(self, path):
        """Save params (and BatchNorm running statistics) to path + '.npz' atomically, never pickle (weeks 3-6).

        The arrays go to a temporary file in the same folder that then replaces
        ``path`` in one step, so an interrupted save never destroys the last good file.
        """
        path = npz_path(path)
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.savez(f, **self.params, **self.buffers)
        return path

    def load_params(self, path):
        """Load arrays saved by save_params into this network in place; ValueError naming the file on mismatch (weeks 3-6)."""
        path = npz_path(path)
        arrays = {**self.params, **self.buffers}
        loaded = _read_npz(path)
        names = set(loaded)
        if names != set(arrays):
            raise ValueError(
                f"{str(path)!r}: parameter names differ: file has {sorted(names)}, network expects {sorted(arrays)}"
            )
        for key, a in arrays.items():
            if loaded[key].shape != a.shape:
                raise ValueError(
                    f"{str(path)!r}: parameter {key!r}: network expects shape {a.shape}, "
                    f"file has shape {loaded[key].shape}"
                )
            if not np.issubdtype(loaded[key].dtype, np.number):
                raise ValueError(f"{str(path)!r}: parameter {key!r} has non-numeric dtype {loaded[key].dtype}")
        for key, a in arrays.items():
            a[...] = loaded[key]  # in place: the layers share these arrays


class TwoLayerNet(_LayerNet):
    """Affine - ReLU - Affine - SoftmaxWithLoss, the book's two-layer network (week 3)."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, rng=None, dtype=np.float64):
        super().__init__(rng, dtype)
        self.output_size = positive_int("output_size", output_size)
        sizes = [positive_int("input_size", input_size), positive_int("hidden_size", hidden_size), self.output_size]
        for i in (1, 2):
            std = init_std(weight_init_std, sizes[i - 1])
            W = self._param(f"W{i}", std, (sizes[i - 1], sizes[i]))
            b = self._param(f"b{i}", 0, (sizes[i],))
            self.layers[f"Affine{i}"] = Affine(W, b)
            self.grad_sources[f"W{i}"] = (f"Affine{i}", "dW")
            self.grad_sources[f"b{i}"] = (f"Affine{i}", "db")
            if i == 1:
                self.layers["Relu1"] = Relu()


class MultiLayerNet(_LayerNet):
    """Fully connected net of any depth with optional BatchNorm, Dropout and weight decay (week 4).

    Hidden block i: Affine{i} [BatchNorm{i}] Activation_function{i} [Dropout{i}].
    With BatchNorm the hidden Affine layers have no bias b{i}: the batch mean
    subtraction cancels any bias (its gradient is exactly 0), and beta{i}
    takes its role, as with ``nn.Linear(bias=False)`` before ``nn.BatchNorm1d``.
    Dropout draws its masks from the network's rng; for a gradient check use
    ``weekutils.gradient.gradient_check(net, x, t)`` (it freezes the masks with
    ``net.frozen_dropout()``) or ``use_dropout=False``.
    """

    def __init__(
        self,
        input_size,
        hidden_size_list,
        output_size,
        activation="relu",
        weight_init_std="relu",
        weight_decay_lambda=0,
        use_dropout=False,
        dropout_ratio=0.5,
        use_batchnorm=False,
        rng=None,
        dtype=np.float64,
    ):
        super().__init__(rng, dtype)
        activations = {"relu": Relu, "sigmoid": Sigmoid}
        if activation not in activations:
            raise ValueError(f"activation must be 'relu' or 'sigmoid', got {activation!r}")
        self.output_size = positive_int("output_size", output_size)
        self.hidden_size_list = [positive_int(f"hidden_size_list[{i}]", h) for i, h in enumerate(hidden_size_list)]
        if not weight_decay_lambda >= 0:  # also catches NaN
            raise ValueError(f"weight_decay_lambda must be >= 0, got {weight_decay_lambda!r}")
        self.weight_decay_lambda = weight_decay_lambda
        sizes = [positive_int("input_size", input_size), *self.hidden_size_list, self.output_size]
        last = len(sizes) - 1
        for i in range(1, last + 1):
            W = self._param(f"W{i}", init_std(weight_init_std, sizes[i - 1]), (sizes[i - 1], sizes[i]))
            self.grad_sources[f"W{i}"] = (f"Affine{i}", "dW")
            b = None
            if i == last or not use_batchnorm:  # before BatchNorm a bias is redundant: beta{i} replaces it
                b = self._param(f"b{i}", 0, (sizes[i],))
                self.grad_sources[f"b{i}"] = (f"Affine{i}", "db")
            self.layers[f"Affine{i}"] = Affine(W, b)
            if i == last:
                break
            if use_batchnorm:
                gamma = self._param(f"gamma{i}", "ones", (sizes[i],))
                beta = self._param(f"beta{i}", 0, (sizes[i],))
                bn = BatchNormalization(gamma, beta)
                self.buffers[f"running_mean{i}"] = bn.running_mean
                self.buffers[f"running_var{i}"] = bn.running_var
                self.layers[f"BatchNorm{i}"] = bn
                self.grad_sources[f"gamma{i}"] = (f"BatchNorm{i}", "dgamma")
                self.grad_sources[f"beta{i}"] = (f"BatchNorm{i}", "dbeta")
            self.layers[f"Activation_function{i}"] = activations[activation]()
            if use_dropout:
                self.layers[f"Dropout{i}"] = Dropout(dropout_ratio, rng=self.rng)


class SimpleConvNet(_LayerNet):
    """Conv - ReLU - Pool(2x2) - Affine - ReLU - Affine - SoftmaxWithLoss, the book's CNN (week 6)."""

    def __init__(
        self,
        input_dim=(1, 28, 28),
        conv_param=None,
        hidden_size=100,
        output_size=10,
        weight_init_std="he",
        rng=None,
        dtype=np.float64,
    ):
        super().__init__(rng, dtype)
        cp = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        unknown = sorted(set(conv_param or {}) - set(cp))
        if unknown:  # a typo such as 'filtersize' would otherwise silently keep the default
            raise ValueError(f"unknown conv_param key(s) {unknown}; accepted keys: {sorted(cp)}")
        cp.update(conv_param or {})
        fn, fs = (
            positive_int("conv_param['filter_num']", cp["filter_num"]),
            positive_int("conv_param['filter_size']", cp["filter_size"]),
        )
        pad, stride = cp["pad"], cp["stride"]
        if len(input_dim) != 3:
            raise ValueError(f"input_dim must be (C, H, W), got {input_dim!r}")
        C, H, W = (positive_int(f"input_dim[{i}]", d) for i, d in enumerate(input_dim))
        hidden_size = positive_int("hidden_size", hidden_size)
        self.output_size = positive_int("output_size", output_size)
        conv_h = conv_output_size(H, fs, stride, pad)
        conv_w = conv_output_size(W, fs, stride, pad)
        # Pool 2x2, stride 2: (conv_h - 2) // 2 + 1 (the "+ 1" the original report missed).
        pool_size = fn * conv_output_size(conv_h, 2, 2, 0) * conv_output_size(conv_w, 2, 2, 0)

        W1 = self._param("W1", init_std(weight_init_std, C * fs * fs), (fn, C, fs, fs))
        b1 = self._param("b1", 0, (fn,))
        W2 = self._param("W2", init_std(weight_init_std, pool_size), (pool_size, hidden_size))
        b2 = self._param("b2", 0, (hidden_size,))
        W3 = self._param("W3", init_std(weight_init_std, hidden_size), (hidden_size, output_size))
        b3 = self._param("b3", 0, (output_size,))

        # The images need no gradient: skip Conv1's dx (as torch does for input data).
        self.layers["Conv1"] = Convolution(W1, b1, stride, pad, input_grad=False)
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(2, 2, stride=2)
        self.layers["Affine1"] = Affine(W2, b2)
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(W3, b3)
        self.grad_sources = {
            "W1": ("Conv1", "dW"),
            "b1": ("Conv1", "db"),
            "W2": ("Affine1", "dW"),
            "b2": ("Affine1", "db"),
            "W3": ("Affine2", "dW"),
            "b3": ("Affine2", "db"),
        }
