"""weekutils.train.Trainer: whole epochs, every sample once, records, progress bar, bad input."""

import numpy as np
import pytest

from weekutils.nets import MultiLayerNet, TwoLayerNet
from weekutils.optim import Adam
from weekutils.train import Trainer, make_optimizer


def blobs(n, seed):
    """Three well-separated Gaussian clusters in 4-D."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, n)
    x = rng.standard_normal((n, 4)) * 0.5 + np.eye(3, 4)[t] * 3
    return x, t


class Recorder(TwoLayerNet):
    """TwoLayerNet that remembers which samples each gradient call saw."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def gradient(self, x, t):
        self.seen.append(x[:, 0].copy())
        return super().gradient(x, t)


def test_ceil_iterations_and_every_sample_once_per_epoch():
    x, t = blobs(250, 0)
    x[:, 0] = np.arange(250)  # make the first feature an id
    net = Recorder(4, 5, 3, rng=0)
    tr = Trainer(net, x, t, x[:50], t[:50], epochs=2, mini_batch_size=100, rng=1, verbose=False).train()
    assert tr.iter_per_epoch == 3
    assert [len(b) for b in net.seen] == [100, 100, 50] * 2
    for epoch in range(2):
        ids = np.concatenate(net.seen[3 * epoch : 3 * epoch + 3])
        assert sorted(ids) == list(range(250))
    assert not np.array_equal(np.concatenate(net.seen[:3]), np.arange(250))  # shuffled
    assert len(tr.train_loss_list) == 6
    assert len(tr.train_acc_list) == len(tr.test_acc_list) == 2


def test_training_learns_and_is_reproducible(capsys):
    x, t = blobs(300, 2)
    xt, tt = blobs(100, 3)
    runs = []
    for global_seed in (0, 1):
        np.random.seed(global_seed)  # must not matter
        net = MultiLayerNet(4, [8], 3, use_dropout=True, dropout_ratio=0.1, rng=4)
        tr = Trainer(
            net,
            x,
            t,
            xt,
            tt,
            epochs=5,
            mini_batch_size=32,
            optimizer="adam",
            optimizer_param={"lr": 0.01},
            rng=5,
            verbose=False,
        ).train()
        runs.append(tr.train_loss_list)
    assert runs[0] == runs[1]
    assert tr.test_acc_list[-1] > 0.95
    assert np.mean(tr.train_loss_list[-5:]) < np.mean(tr.train_loss_list[:5])
    assert capsys.readouterr().err == ""  # verbose=False: no progress bar


def test_recorded_loss_includes_weight_decay():
    x, t = blobs(40, 6)
    net = MultiLayerNet(4, [5], 3, weight_decay_lambda=0.5, rng=0)
    tr = Trainer(net, x, t, x, t, epochs=1, mini_batch_size=40, optimizer=Adam(lr=0.0), verbose=False)
    tr.train()
    assert tr.train_loss_list[0] == pytest.approx(net.loss(x, t))


def test_progress_bar_shown_when_verbose(capsys):
    x, t = blobs(20, 7)
    Trainer(TwoLayerNet(4, 3, 3, rng=0), x, t, x, t, epochs=1, mini_batch_size=10, verbose=True).train()
    assert "training" in capsys.readouterr().err


def test_optimizer_by_name_or_instance():
    assert isinstance(make_optimizer("Adam", {"lr": 0.1}), Adam)
    opt = Adam()
    assert make_optimizer(opt) is opt
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("lbfgs")


@pytest.mark.parametrize("epochs", [2.0, 2.5, "3", -1, True])
def test_epochs_must_be_an_int(epochs):
    x, t = blobs(10, 0)
    with pytest.raises(ValueError, match="epochs must be"):
        Trainer(TwoLayerNet(4, 3, 3), x, t, x, t, epochs=epochs)


def test_mismatched_lengths_raise():
    x, t = blobs(10, 0)
    with pytest.raises(ValueError, match=r"x_train \(10, 4\), t_train \(9,\)"):
        Trainer(TwoLayerNet(4, 3, 3), x, t[:9], x, t)


def test_random_shift_moves_images_by_at_most_max_shift():
    from weekutils.train import random_shift

    x = np.zeros((50, 2, 7, 6))
    x[:, :, 3, 3] = np.arange(1, 51)[:, None]  # one bright pixel per image, value = its id
    out = random_shift(x, rng=0, max_shift=2)
    assert out.shape == x.shape
    for n in range(50):
        ys, xs = np.nonzero(out[n, 0])
        assert len(ys) == 1 and abs(ys[0] - 3) <= 2 and abs(xs[0] - 3) <= 2
        assert out[n, 0, ys[0], xs[0]] == n + 1 and np.array_equal(out[n, 0], out[n, 1])
    moves = {tuple(np.argwhere(out[n, 0])[0]) for n in range(50)}
    assert len(moves) > 5
    np.testing.assert_array_equal(out, random_shift(x, rng=0, max_shift=2))  # seeded
    assert random_shift(x, max_shift=0) is x
    with pytest.raises(ValueError, match=r"\(N, C, H, W\), got shape \(3, 4\)"):
        random_shift(np.zeros((3, 4)))


def test_augment_and_lr_decay():
    x, t = blobs(30, 8)
    seen = []

    def augment(xb, rng):
        seen.append(len(xb))
        return xb + 0.01 * rng.standard_normal(xb.shape)

    tr = Trainer(
        TwoLayerNet(4, 3, 3, rng=0),
        x,
        t,
        x,
        t,
        epochs=3,
        mini_batch_size=10,
        optimizer="sgd",
        optimizer_param={"lr": 0.1},
        augment=augment,
        lr_decay=0.5,
        verbose=False,
    ).train()
    assert seen == [10] * 9
    assert tr.optimizer.lr == pytest.approx(0.1 * 0.5**3)
