"""Mini-batch training loop for the NumPy networks (week 4)."""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import optim
from .nets import positive_int
from .progress import progress

__all__ = ["Trainer", "make_optimizer", "random_shift"]

_OPTIMIZERS = {
    "sgd": optim.SGD,
    "momentum": optim.Momentum,
    "adagrad": optim.AdaGrad,
    "rmsprop": optim.RMSprop,
    "adam": optim.Adam,
}


def make_optimizer(optimizer="sgd", optimizer_param=None):
    """Optimizer from a name ("sgd", "momentum", "adagrad", "rmsprop", "adam") and kwargs, or pass one through (week 4)."""
    if not isinstance(optimizer, str):
        return optimizer
    try:
        cls = _OPTIMIZERS[optimizer.lower()]
    except KeyError:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(_OPTIMIZERS)}") from None
    return cls(**(optimizer_param or {"lr": 0.01}))


def random_shift(x, rng=None, max_shift=2):
    """Shift each image (N, C, H, W) by up to max_shift pixels in x and y, filling with 0 (week 6).

    A cheap data augmentation for digits: a shifted digit is still the same digit.
    Use it as ``Trainer(..., augment=random_shift)``.
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"random_shift expects images of shape (N, C, H, W), got shape {x.shape}")
    if max_shift == 0:
        return x
    rng = np.random.default_rng(rng)
    n, s = len(x), max_shift
    padded = np.pad(x, [(0, 0), (0, 0), (s, s), (s, s)])
    # All (2s+1)^2 shifted copies as a view (N, C, 2s+1, 2s+1, H, W); pick one per image.
    shifted = sliding_window_view(padded, x.shape[2:], axis=(2, 3))
    dy, dx = rng.integers(0, 2 * s + 1, n), rng.integers(0, 2 * s + 1, n)
    return shifted[np.arange(n), :, dy, dx]


class Trainer:
    """Trains a network with mini-batches for a whole number of epochs, recording loss and accuracy (week 4).

    Each epoch shuffles the training set with ``rng`` and visits every sample
    exactly once in ceil(N / mini_batch_size) iterations (the last batch may be
    smaller).  ``train_loss_list`` has one entry per iteration,
    ``train_acc_list`` and ``test_acc_list`` one per epoch; accuracy is measured
    on the first ``evaluate_sample_num_per_epoch`` samples (all if None).
    ``augment(x_batch, rng)`` (e.g. ``random_shift``) transforms each training
    batch; ``lr_decay`` multiplies the optimizer's ``lr`` after every epoch.
    """

    def __init__(
        self,
        network,
        x_train,
        t_train,
        x_test,
        t_test,
        epochs=20,
        mini_batch_size=100,
        optimizer="sgd",
        optimizer_param=None,
        evaluate_sample_num_per_epoch=None,
        rng=None,
        verbose=True,
        augment=None,
        lr_decay=1.0,
    ):
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
        if len(x_train) != len(t_train) or len(x_test) != len(t_test):
            raise ValueError(
                f"inputs and labels must have the same length: x_train {np.shape(x_train)}, "
                f"t_train {np.shape(t_train)}, x_test {np.shape(x_test)}, t_test {np.shape(t_test)}"
            )
        positive_int("mini_batch_size", mini_batch_size)
        if len(x_train) == 0 or len(x_test) == 0:
            raise ValueError(
                f"x_train and x_test must not be empty, got shapes {np.shape(x_train)} and {np.shape(x_test)}"
            )
        if evaluate_sample_num_per_epoch is not None:
            positive_int("evaluate_sample_num_per_epoch", evaluate_sample_num_per_epoch)
        if (
            isinstance(lr_decay, bool)
            or not isinstance(lr_decay, (int, float, np.number))
            or not 0 < lr_decay < math.inf
        ):
            raise ValueError(f"lr_decay must be a finite number > 0 (1.0 keeps lr constant), got {lr_decay!r}")
        self.network = network
        self.x_train, self.t_train, self.x_test, self.t_test = x_train, t_train, x_test, t_test
        self.epochs = int(epochs)
        self.batch_size = int(mini_batch_size)
        self.optimizer = make_optimizer(optimizer, optimizer_param)
        if lr_decay != 1.0 and not hasattr(self.optimizer, "lr"):
            raise ValueError("lr_decay needs an optimizer with an 'lr' attribute")
        self.augment, self.lr_decay = augment, lr_decay
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        self.rng = np.random.default_rng(rng)
        self.verbose = verbose
        self.train_size = len(x_train)
        # ceil, not the book's int(max(N / B, 1)), which can skip the last samples of an epoch
        self.iter_per_epoch = math.ceil(self.train_size / self.batch_size)
        self.max_iter = self.epochs * self.iter_per_epoch
        self.train_loss_list, self.train_acc_list, self.test_acc_list = [], [], []

    def train_step(self, x_batch, t_batch):
        """One optimizer step on one mini-batch; returns the batch loss (week 4)."""
        grads = self.network.gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)
        # weekutils networks record the loss computed inside gradient(): no second forward pass.
        loss = getattr(self.network, "last_loss", None)
        if loss is None:
            loss = float(self.network.loss(x_batch, t_batch))
        self.train_loss_list.append(loss)
        return loss

    def evaluate(self):
        """Append train and test accuracy (on at most evaluate_sample_num_per_epoch samples) (week 4)."""
        n = self.evaluate_sample_num_per_epoch
        train_acc = self.network.accuracy(self.x_train[:n], self.t_train[:n])
        test_acc = self.network.accuracy(self.x_test[:n], self.t_test[:n])
        self.train_acc_list.append(train_acc)
        self.test_acc_list.append(test_acc)
        return train_acc, test_acc

    def train(self):
        """Run all epochs; returns self so lists can be read off directly (week 4)."""
        bar = progress(total=self.max_iter, disable=not self.verbose, desc="training")
        try:
            for epoch in range(self.epochs):
                order = self.rng.permutation(self.train_size)
                for i in range(self.iter_per_epoch):
                    idx = order[i * self.batch_size : (i + 1) * self.batch_size]
                    x_batch = self.x_train[idx]
                    if self.augment is not None:
                        x_batch = self.augment(x_batch, self.rng)
                    loss = self.train_step(x_batch, self.t_train[idx])
                    bar.update(1)
                    bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.4f}", refresh=False)
                if self.lr_decay != 1.0:
                    self.optimizer.lr *= self.lr_decay
                train_acc, test_acc = self.evaluate()
                bar.set_postfix(
                    epoch=epoch + 1,
                    loss=f"{loss:.4f}",
                    train_acc=f"{train_acc:.4f}",
                    test_acc=f"{test_acc:.4f}",
                    refresh=False,  # shown at the next redraw: a redraw per epoch is too many for 200 short epochs
                )
        finally:
            bar.close()
        return self
