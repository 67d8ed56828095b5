"""weekutils.nets: gradient checks, agreement with torch, determinism, dtype, saving."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from weekutils.gradient import gradient_check
from weekutils.nets import MultiLayerNet, SimpleConvNet, TwoLayerNet

RNG = np.random.default_rng(0)
X_FLAT, T_FLAT = RNG.standard_normal((6, 7)), RNG.integers(0, 3, 6)
X_IMG, T_IMG = RNG.standard_normal((3, 2, 9, 8)), RNG.integers(0, 4, 3)


def small_nets():
    """One of each network, tiny, float64."""
    return {
        "two": TwoLayerNet(7, 5, 3, weight_init_std=0.5, rng=1),
        "multi-relu": MultiLayerNet(7, [6, 5], 3, rng=1),
        "multi-sigmoid-xavier": MultiLayerNet(7, [6, 5], 3, activation="sigmoid", weight_init_std="xavier", rng=1),
        "multi-decay": MultiLayerNet(7, [6], 3, weight_decay_lambda=0.3, rng=1),
        "multi-bn": MultiLayerNet(7, [6, 5], 3, use_batchnorm=True, rng=1),
        "multi-bn-dropout": MultiLayerNet(
            7, [6, 5], 3, use_batchnorm=True, use_dropout=True, dropout_ratio=0.3, weight_decay_lambda=0.1, rng=1
        ),
        "conv": SimpleConvNet(
            (2, 9, 8), {"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 2}, hidden_size=5, output_size=4, rng=1
        ),
    }


def data_for(net):
    return (X_IMG, T_IMG) if isinstance(net, SimpleConvNet) else (X_FLAT, T_FLAT)


@pytest.mark.parametrize("name", list(small_nets()))
def test_gradient_check(name):
    net = small_nets()[name]
    errors = gradient_check(net, *data_for(net))
    assert set(errors) == set(net.params)
    assert max(errors.values()) < 1e-7, errors


def test_simple_conv_net_default_conv_gradient_check():
    net = SimpleConvNet((1, 10, 9), {"filter_num": 2}, hidden_size=4, output_size=3, rng=2)  # 5x5 filters
    x = np.random.default_rng(3).standard_normal((2, 1, 10, 9))
    assert max(gradient_check(net, x, np.array([0, 2])).values()) < 1e-7


def test_bn_net_has_gamma_beta_and_no_redundant_bias():
    net = MultiLayerNet(7, [6, 5], 3, use_batchnorm=True)
    assert set(net.params) == {"W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"}


def torch_conv_loss(net, x, t):
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    conv = net.layers["Conv1"]
    h = F.conv2d(torch.from_numpy(x), p["W1"], p["b1"], stride=conv.stride, padding=conv.pad)
    h = F.max_pool2d(torch.relu(h), 2, 2)
    h = torch.relu(h.flatten(1) @ p["W2"] + p["b2"])
    return F.cross_entropy(h @ p["W3"] + p["b3"], torch.from_numpy(t)), p


def assert_matches_torch(net, x, t, loss_t, p):
    """The net's loss and every backprop gradient equal torch autograd's to 1e-10."""
    loss_t.backward()
    assert abs(net.loss(x, t) - loss_t.item()) < 1e-10
    grads = net.gradient(x, t)
    for k in net.params:
        np.testing.assert_allclose(grads[k], p[k].grad.numpy(), rtol=0, atol=1e-10)


def test_simple_conv_net_matches_torch_autograd():
    net = small_nets()["conv"]
    loss_t, p = torch_conv_loss(net, X_IMG, T_IMG)
    assert_matches_torch(net, X_IMG, T_IMG, loss_t, p)


def test_two_layer_net_matches_torch_autograd():
    net = small_nets()["two"]
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    h = torch.relu(torch.from_numpy(X_FLAT) @ p["W1"] + p["b1"])
    loss_t = F.cross_entropy(h @ p["W2"] + p["b2"], torch.from_numpy(T_FLAT))
    assert_matches_torch(net, X_FLAT, T_FLAT, loss_t, p)


def test_weight_decay_adds_l2_penalty():
    plain = MultiLayerNet(7, [6], 3, rng=4)
    decay = MultiLayerNet(7, [6], 3, weight_decay_lambda=0.3, rng=4)
    penalty = 0.5 * 0.3 * sum(np.sum(decay.params[k] ** 2) for k in ("W1", "W2"))
    assert np.isclose(decay.loss(X_FLAT, T_FLAT), plain.loss(X_FLAT, T_FLAT) + penalty, rtol=0, atol=1e-14)
    g0, g1 = plain.gradient(X_FLAT, T_FLAT), decay.gradient(X_FLAT, T_FLAT)
    np.testing.assert_allclose(g1["W1"], g0["W1"] + 0.3 * decay.params["W1"], atol=1e-14)
    np.testing.assert_allclose(g1["b1"], g0["b1"], atol=1e-14)


def test_same_seed_same_network_and_global_seed_is_ignored():
    for name in small_nets():
        np.random.seed(0)
        a = small_nets()[name]
        np.random.seed(123)
        b = small_nets()[name]
        assert a.params.keys() == b.params.keys()
        for k in a.params:
            np.testing.assert_array_equal(a.params[k], b.params[k])
        x, t = data_for(a)
        ga, gb = a.gradient(x, t), b.gradient(x, t)  # dropout masks come from the net's rng too
        for k in ga:
            np.testing.assert_array_equal(ga[k], gb[k])
    c = MultiLayerNet(7, [6], 3, rng=2)
    assert not np.array_equal(c.params["W1"], MultiLayerNet(7, [6], 3, rng=1).params["W1"])


def test_rng_generator_is_accepted_and_advanced():
    g = np.random.default_rng(9)
    a, b = TwoLayerNet(4, 3, 2, rng=g), TwoLayerNet(4, 3, 2, rng=g)
    assert not np.array_equal(a.params["W1"], b.params["W1"])


@pytest.mark.parametrize(
    "spec, std",
    [
        ("relu", np.sqrt(2 / 7)),
        ("he", np.sqrt(2 / 7)),
        ("sigmoid", np.sqrt(1 / 7)),
        ("xavier", np.sqrt(1 / 7)),
        (0.01, 0.01),
    ],
)
def test_weight_init_std(spec, std):
    net = MultiLayerNet(7, [6], 3, weight_init_std=spec, rng=5)
    unit = MultiLayerNet(7, [6], 3, weight_init_std=1.0, rng=5)
    np.testing.assert_allclose(net.params["W1"], std * unit.params["W1"], rtol=1e-15)
    assert np.all(net.params["b1"] == 0)


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="weight_init_std"):
        MultiLayerNet(7, [6], 3, weight_init_std="lecun")
    with pytest.raises(ValueError, match="activation"):
        MultiLayerNet(7, [6], 3, activation="tanh")
    with pytest.raises(ValueError, match="larger than the padded input"):
        SimpleConvNet((1, 4, 4))


def test_float32_stays_float32():
    net = SimpleConvNet((1, 12, 12), {"filter_num": 4}, hidden_size=8, rng=0, dtype=np.float32)
    x = np.random.default_rng(0).random((5, 1, 12, 12), dtype=np.float32)
    assert net.predict(x).dtype == np.float32
    grads = net.gradient(x, np.arange(5))
    assert all(g.dtype == np.float32 for g in grads.values())
    assert all(p.dtype == np.float32 for p in net.params.values())


def test_simple_conv_net_default_shapes():
    net = SimpleConvNet(rng=0)
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 100), "b2": (100,), "W3": (100, 10), "b3": (10,)}
    assert np.isclose(net.params["W1"].std(), np.sqrt(2 / 25), rtol=0.15)  # He by default


def test_accuracy_batched_with_indices_and_one_hot():
    net = TwoLayerNet(7, 5, 3, weight_init_std=1.0, rng=3)
    x = np.random.default_rng(1).standard_normal((23, 7))
    t = np.random.default_rng(2).integers(0, 3, 23)
    expected = np.mean(net.predict(x).argmax(1) == t)
    assert net.accuracy(x, t, batch_size=5) == pytest.approx(expected)
    assert net.accuracy(x, np.eye(3)[t], batch_size=100) == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"got shape \(22,\)"):
        net.accuracy(x, t[:-1])


def test_dropout_and_bn_behave_differently_in_training():
    net = small_nets()["multi-bn-dropout"]
    eval1, eval2 = net.predict(X_FLAT), net.predict(X_FLAT)
    np.testing.assert_array_equal(eval1, eval2)  # deterministic at test time
    assert not np.allclose(net.predict(X_FLAT, train_flg=True), net.predict(X_FLAT, train_flg=True))


@pytest.mark.parametrize("name", ["two", "multi-bn", "conv"])
def test_save_and_load_params_roundtrip(tmp_path, name):
    net = small_nets()[name]
    x, t = data_for(net)
    net.loss(x, t)  # BatchNorm running statistics move away from their start
    path = tmp_path / "net.npz"
    net.save_params(path)
    with np.load(path, allow_pickle=False) as f:  # plain arrays, no pickle
        assert set(f.files) >= set(net.params)
    other = small_nets()[name]
    for p in other.params.values():
        p[...] = 0
    layer_arrays = [id(p) for p in other.params.values()]
    other.load_params(path)
    assert [id(p) for p in other.params.values()] == layer_arrays  # loaded in place
    np.testing.assert_array_equal(other.predict(x), net.predict(x))


def test_load_params_rejects_wrong_keys_and_shapes(tmp_path):
    TwoLayerNet(7, 5, 3, rng=0).save_params(tmp_path / "a.npz")
    with pytest.raises(ValueError, match=r"'W1': network expects shape \(7, 6\), file has shape \(7, 5\)"):
        TwoLayerNet(7, 6, 3).load_params(tmp_path / "a.npz")
    with pytest.raises(ValueError, match="parameter names differ"):
        MultiLayerNet(7, [5, 5], 3).load_params(tmp_path / "a.npz")


def test_save_and_load_agree_on_the_npz_name(tmp_path):
    net = TwoLayerNet(3, 4, 2, rng=0)
    assert net.save_params(tmp_path / "model") == tmp_path / "model.npz"
    assert net.save_params(str(tmp_path / "other.npz")) == tmp_path / "other.npz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz", "other.npz"]
    other = TwoLayerNet(3, 4, 2, rng=1)
    other.load_params(tmp_path / "model")
    np.testing.assert_array_equal(other.params["W1"], net.params["W1"])


def test_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch):
    net = TwoLayerNet(3, 4, 2, rng=0)
    path = net.save_params(tmp_path / "model")
    good = path.read_bytes()

    def broken_savez(f, **arrays):
        f.write(b"PK half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(KeyboardInterrupt):
        TwoLayerNet(3, 4, 2, rng=5).save_params(path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"], "no temporary file is left behind"
