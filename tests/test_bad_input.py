"""Bad input fails loudly: each case checks the exception type *and* that the message names the problem."""

import re

import numpy as np
import pytest

from weekutils.functions import cross_entropy_error, label_indices, mean_squared_error
from weekutils.im2col import conv_output_size, im2col
from weekutils.layers import BatchNormalization, Convolution, Pooling, SoftmaxWithLoss
from weekutils.nets import MultiLayerNet, SimpleConvNet, TwoLayerNet
from weekutils.optim import SGD, AdaGrad, Adam, Momentum, RMSprop
from weekutils.train import Trainer


def case(id_, call, exc, pattern):
    return pytest.param(call, exc, pattern, id=id_)


def check(call, exc, pattern):
    with pytest.raises(exc) as info:
        call()
    assert re.search(pattern, str(info.value)), f"message {str(info.value)!r} lacks {pattern!r}"
    assert "allow_pickle" not in str(info.value)


# ---------------------------------------------------------------- labels

Y = np.full((3, 4), 0.25)

LABELS = [
    case(
        "all-zero row",
        lambda: label_indices(np.array([[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]]), (3, 4)),
        ValueError,
        r"exactly one 1 .*row 1 is \[0, 0, 0, 0\]",
    ),
    case(
        "two-hot row",
        lambda: label_indices(np.array([[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]]), (3, 4)),
        ValueError,
        r"exactly one 1 .*row 0",
    ),
    case(
        "soft row",
        lambda: label_indices(np.array([[0.7, 0.3, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]]), (3, 4)),
        ValueError,
        r"exactly one 1 .*row 0 is \[0.7, 0.3",
    ),
    case(
        "NaN one-hot",
        lambda: label_indices(np.array([[np.nan, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]]), (3, 4)),
        ValueError,
        r"one-hot labels must be finite",
    ),
    case("NaN index", lambda: label_indices(np.array([0.0, np.nan, 1.0]), (3, 4)), ValueError, r"must be integers"),
    case("index out of range", lambda: label_indices(np.array([0, 4, 1]), (3, 4)), ValueError, r"\[0, 4\)"),
    case("negative index", lambda: label_indices(np.array([0, -1, 1]), (3, 4)), ValueError, r"\[0, 4\)"),
    case(
        "fractional index",
        lambda: label_indices(np.array([0.5, 1.0, 2.0]), (3, 4)),
        ValueError,
        r"index labels must be integers, got dtype float64",
    ),
    case(
        "1-D one-hot, N == C",
        lambda: label_indices(np.array([0.0, 1.0, 0.0]), (3, 3)),
        ValueError,
        r"ambiguous labels of shape \(3,\) .*one-hot",
    ),
    case(
        "one sample, soft label",
        lambda: cross_entropy_error(np.full(3, 1 / 3), np.array([0.5, 0.5, 0.0])),
        ValueError,
        r"exactly one 1",
    ),
    case("one-hot wrong shape", lambda: label_indices(np.eye(4)[:2], (3, 4)), ValueError, r"\(3, 4\).*\(2, 4\)"),
    case(
        "SoftmaxWithLoss two-hot",
        lambda: SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([[1, 1, 0], [0, 1, 0]])),
        ValueError,
        r"exactly one 1",
    ),
]


@pytest.mark.parametrize("call, exc, pattern", LABELS)
def test_labels(call, exc, pattern):
    check(call, exc, pattern)


def test_valid_labels_still_work():
    assert label_indices(np.eye(4)[[2, 0, 1]], (3, 4)).tolist() == [2, 0, 1]
    assert label_indices(np.array([1.0, 0.0, 2.0]), (3, 3)).tolist() == [1, 0, 2]  # not a one-hot row
    assert label_indices(np.array([0, 1, 0]), (3, 3)).tolist() == [0, 1, 0]  # integer dtype: indices
    assert label_indices(np.eye(4, dtype=bool)[[3, 1]], (2, 4)).tolist() == [3, 1]


# ---------------------------------------------------------------- optimizer settings

OPTIMIZERS = [
    case("SGD lr < 0", lambda: SGD(lr=-0.1), ValueError, r"lr must be a finite number >= 0, got -0.1"),
    case("SGD lr NaN", lambda: SGD(lr=float("nan")), ValueError, r"lr must be a finite number >= 0"),
    case("SGD lr string", lambda: SGD(lr="0.1"), ValueError, r"lr must be a finite number >= 0, got '0.1'"),
    case("Momentum momentum < 0", lambda: Momentum(momentum=-0.5), ValueError, r"momentum must be .* in \[0, 1\)"),
    case("Momentum momentum 1", lambda: Momentum(momentum=1.0), ValueError, r"momentum must be .* in \[0, 1\)"),
    case("AdaGrad eps 0", lambda: AdaGrad(eps=0), ValueError, r"eps must be a finite number > 0, got 0"),
    case("AdaGrad lr < 0", lambda: AdaGrad(lr=-1), ValueError, r"lr must be a finite number >= 0"),
    case("RMSprop decay 1", lambda: RMSprop(decay_rate=1), ValueError, r"decay_rate must be .* in \[0, 1\)"),
    case("RMSprop eps < 0", lambda: RMSprop(eps=-1e-8), ValueError, r"eps must be a finite number > 0"),
    case("Adam beta1 1", lambda: Adam(beta1=1.0), ValueError, r"beta1 must be .* in \[0, 1\), got 1.0"),
    case("Adam beta2 < 0", lambda: Adam(beta2=-0.1), ValueError, r"beta2 must be .* in \[0, 1\)"),
    case("Adam lr < 0", lambda: Adam(lr=-0.001), ValueError, r"lr must be .* >= 0"),
    case("Adam eps 0", lambda: Adam(eps=0.0), ValueError, r"eps must be .* > 0"),
]


@pytest.mark.parametrize("call, exc, pattern", OPTIMIZERS)
def test_optimizer_settings(call, exc, pattern):
    check(call, exc, pattern)


@pytest.mark.parametrize("opt", [SGD(), Momentum(), AdaGrad(), RMSprop(), Adam()], ids=lambda o: type(o).__name__)
def test_gradient_shape_must_match_parameter(opt):
    params = {"W": np.zeros((3, 4))}
    check(
        lambda: opt.update(params, {"W": np.ones((1, 4))}),
        ValueError,
        r"gradient for 'W' has shape \(1, 4\), expected the parameter's shape \(3, 4\)",
    )
    check(lambda: opt.update(params, {"V": np.ones((3, 4))}), ValueError, r"no gradient for parameter 'W'")
    assert not params["W"].any(), "a rejected update must not move the parameter"


# ---------------------------------------------------------------- Trainer


def _trainer(**kw):
    x, t = np.zeros((4, 3)), np.array([0, 1, 0, 1])
    return Trainer(TwoLayerNet(3, 2, 2, rng=0), x, t, x, t, verbose=False, **kw)


TRAINER = [
    case(
        "batch 2.5",
        lambda: _trainer(mini_batch_size=2.5),
        ValueError,
        r"mini_batch_size must be a positive integer, got 2.5",
    ),
    case(
        "batch 0", lambda: _trainer(mini_batch_size=0), ValueError, r"mini_batch_size must be a positive integer, got 0"
    ),
    case(
        "batch True", lambda: _trainer(mini_batch_size=True), ValueError, r"mini_batch_size must be a positive integer"
    ),
    case(
        "evaluate 0",
        lambda: _trainer(evaluate_sample_num_per_epoch=0),
        ValueError,
        r"evaluate_sample_num_per_epoch must be a positive integer, got 0",
    ),
    case("lr_decay 0", lambda: _trainer(lr_decay=0), ValueError, r"lr_decay must be a finite number > 0"),
    case("lr_decay < 0", lambda: _trainer(lr_decay=-0.5), ValueError, r"lr_decay must be a finite number > 0"),
    case("epochs -1", lambda: _trainer(epochs=-1), ValueError, r"epochs must be a non-negative int"),
    case("unknown optimizer", lambda: _trainer(optimizer="lion"), ValueError, r"unknown optimizer 'lion'"),
]


@pytest.mark.parametrize("call, exc, pattern", TRAINER)
def test_trainer_arguments(call, exc, pattern):
    check(call, exc, pattern)


def test_trainer_accepts_numpy_integers():
    t = _trainer(mini_batch_size=np.int64(2), evaluate_sample_num_per_epoch=np.int32(3), epochs=np.int64(1))
    assert t.batch_size == 2 and t.iter_per_epoch == 2


# ---------------------------------------------------------------- geometry and sizes

GEOMETRY = [
    case("0x0 filter", lambda: conv_output_size(5, 0), ValueError, r"filter_size >= 1 .*filter_size=0"),
    case(
        "0x0 conv filter",
        lambda: Convolution(np.zeros((2, 1, 0, 0)), np.zeros(2)).forward(np.zeros((1, 1, 4, 4))),
        ValueError,
        r"filter_size=0",
    ),
    case("0x0 pool", lambda: Pooling(0, 0, stride=1).forward(np.zeros((1, 1, 4, 4))), ValueError, r"filter_size=0"),
    case(
        "conv_param typo",
        lambda: SimpleConvNet(conv_param={"filtersize": 3}),
        ValueError,
        r"unknown conv_param key\(s\) \['filtersize'\]; accepted keys: \['filter_num', 'filter_size', 'pad', 'stride'\]",
    ),
    case(
        "conv filter_num 0",
        lambda: SimpleConvNet(conv_param={"filter_num": 0}),
        ValueError,
        r"conv_param\['filter_num'\] must be a positive integer, got 0",
    ),
    case(
        "conv filter_size 0",
        lambda: SimpleConvNet(conv_param={"filter_size": 0}),
        ValueError,
        r"conv_param\['filter_size'\] must be a positive integer, got 0",
    ),
    case(
        "conv hidden 0",
        lambda: SimpleConvNet(hidden_size=0),
        ValueError,
        r"hidden_size must be a positive integer, got 0",
    ),
    case("conv input_dim", lambda: SimpleConvNet(input_dim=(28, 28)), ValueError, r"input_dim must be \(C, H, W\)"),
    case(
        "two-layer hidden 0", lambda: TwoLayerNet(4, 0, 2), ValueError, r"hidden_size must be a positive integer, got 0"
    ),
    case("two-layer output 0", lambda: TwoLayerNet(4, 3, 0), ValueError, r"output_size must be a positive integer"),
    case(
        "multi hidden 0",
        lambda: MultiLayerNet(4, [3, 0], 2),
        ValueError,
        r"hidden_size_list\[1\] must be a positive integer, got 0",
    ),
    case(
        "multi hidden 2.5",
        lambda: MultiLayerNet(4, [2.5], 2),
        ValueError,
        r"hidden_size_list\[0\] must be a positive integer",
    ),
    case(
        "multi weight decay < 0",
        lambda: MultiLayerNet(4, [3], 2, weight_decay_lambda=-0.1),
        ValueError,
        r"weight_decay_lambda must be >= 0, got -0.1",
    ),
    case("strict stride", lambda: conv_output_size(6, 3, 2, strict=True), ValueError, r"not a multiple of stride 2"),
    case("im2col 3-D", lambda: im2col(np.zeros((1, 4, 4)), 2, 2), ValueError, r"\(N, C, H, W\), got shape \(1, 4, 4\)"),
]


@pytest.mark.parametrize("call, exc, pattern", GEOMETRY)
def test_geometry(call, exc, pattern):
    check(call, exc, pattern)


# ---------------------------------------------------------------- empty batches and NaN

NET = TwoLayerNet(3, 4, 2, rng=0)

EMPTY_AND_NAN = [
    case("predict 0 rows", lambda: NET.predict(np.zeros((0, 3))), ValueError, r"at least one row, got shape \(0, 3\)"),
    case("loss 0 rows", lambda: NET.loss(np.zeros((0, 3)), np.zeros(0, int)), ValueError, r"at least one row"),
    case("accuracy 0 rows", lambda: NET.accuracy(np.zeros((0, 3)), np.zeros(0, int)), ValueError, r"at least one row"),
    case(
        "accuracy batch 0",
        lambda: NET.accuracy(np.zeros((2, 3)), np.zeros(2, int), batch_size=0),
        ValueError,
        r"batch_size must be a positive integer",
    ),
    case(
        "cross-entropy 0 rows",
        lambda: cross_entropy_error(np.zeros((0, 3)), np.zeros(0, int)),
        ValueError,
        r"at least one sample",
    ),
    case(
        "MSE 0 rows", lambda: mean_squared_error(np.zeros((0, 3)), np.zeros((0, 3))), ValueError, r"at least one sample"
    ),
    case(
        "BatchNorm 0 rows",
        lambda: BatchNormalization(np.ones(3), np.zeros(3)).forward(np.zeros((0, 3))),
        ValueError,
        r"at least one row",
    ),
    case(
        "BatchNorm NaN",
        lambda: BatchNormalization(np.ones(3), np.zeros(3)).forward(np.array([[1.0, np.nan, 0.0]] * 2)),
        ValueError,
        r"BatchNormalization training input .*non-finite",
    ),
]


@pytest.mark.parametrize("call, exc, pattern", EMPTY_AND_NAN)
def test_empty_batches_and_nan(call, exc, pattern):
    check(call, exc, pattern)


def test_batchnorm_nan_batch_leaves_running_statistics_intact():
    bn = BatchNormalization(
        np.ones(2), np.zeros(2), running_mean=np.array([0.5, -1.0]), running_var=np.array([2.0, 3.0])
    )
    x = np.array([[1.0, 2.0], [np.nan, 0.0], [3.0, 1.0]])
    check(lambda: bn.forward(x), ValueError, r"non-finite")
    check(lambda: bn.forward(np.full((2, 2), np.inf)), ValueError, r"non-finite")
    np.testing.assert_array_equal(bn.running_mean, [0.5, -1.0])
    np.testing.assert_array_equal(bn.running_var, [2.0, 3.0])


def test_accuracy_on_nan_scores_raises():
    net = TwoLayerNet(3, 4, 2, rng=0)
    net.params["W2"][...] = np.nan  # a diverged network
    check(
        lambda: net.accuracy(np.ones((5, 3)), np.zeros(5, int), batch_size=2),
        ValueError,
        r"scores for samples 0\.\.1 contain NaN",
    )


# ---------------------------------------------------------------- parameter files


def _saved(tmp_path):
    net = TwoLayerNet(3, 4, 2, rng=0)
    return net, net.save_params(tmp_path / "model")


def _write(path, content):
    path.write_bytes(content)
    return path


FILES = [
    case("empty", lambda p: _write(p / "bad.npz", b""), ValueError, r"bad\.npz' is not a readable \.npz"),
    case("text", lambda p: _write(p / "bad.npz", b"W1,b1\n1,2\n"), ValueError, r"bad\.npz' is not a readable \.npz"),
    case(
        "truncated",
        lambda p: _write(p / "bad.npz", _saved(p)[1].read_bytes()[:200]),
        ValueError,
        r"bad\.npz' is not a readable \.npz",
    ),
    case(
        "pickled object array",
        lambda p: (np.savez(p / "bad.npz", W1=np.array([{}], dtype=object)), p / "bad.npz")[1],
        ValueError,
        r"bad\.npz' is not a readable \.npz",
    ),
    case(
        "lone .npy",
        lambda p: _write(p / "bad.npz", (np.save(p / "a.npy", np.zeros(3)), (p / "a.npy").read_bytes())[1]),
        ValueError,
        r"bad\.npz' is not a readable \.npz",
    ),
    case(
        "other architecture",
        lambda p: TwoLayerNet(3, 5, 2).save_params(p / "bad"),
        ValueError,
        r"bad\.npz': parameter 'W1': network expects shape \(3, 4\), file has shape \(3, 5\)",
    ),
    case(
        "other names",
        lambda p: MultiLayerNet(3, [4], 2, use_batchnorm=True).save_params(p / "bad"),
        ValueError,
        r"bad\.npz': parameter names differ",
    ),
    case("missing", lambda p: p / "nothing.npz", FileNotFoundError, r"no parameter file .*nothing\.npz"),
    case("directory", lambda p: p, ValueError, r"must name a file, but .* is a directory"),
]


@pytest.mark.parametrize("call, exc, pattern", FILES)
def test_load_params_bad_files(tmp_path, call, exc, pattern):
    path = call(tmp_path)
    net = TwoLayerNet(3, 4, 2, rng=1)
    before = {k: v.copy() for k, v in net.params.items()}
    check(lambda: net.load_params(path), exc, pattern)
    for k in before:  # a failed load changes nothing
        np.testing.assert_array_equal(net.params[k], before[k])


def test_save_params_rejects_a_directory(tmp_path):
    check(lambda: TwoLayerNet(3, 4, 2).save_params(tmp_path), ValueError, r"is a directory")
