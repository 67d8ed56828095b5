"""weekutils.layers: gradient checks, agreement with torch autograd, dout untouched, bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from weekutils.gradient import numerical_gradient, relative_error
from weekutils.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Convolution,
    Dropout,
    MulLayer,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)

TOL = 1e-10


def rng(seed=0):
    return np.random.default_rng(seed)


def tt(a):
    """float64 leaf tensor that records its gradient."""
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def close(a, b, tol=TOL):
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=0, atol=tol)


def backward_keeps_dout(layer, out, seed=5):
    """Backward with a random dout, asserting dout is not modified; returns dx."""
    dout = rng(seed).standard_normal(out.shape)
    kept = dout.copy()
    dx = layer.backward(dout)
    assert np.array_equal(dout, kept), f"{type(layer).__name__}.backward modified dout"
    return dout, dx


def check_layer_gradients(layer, x, params=(), forward=None, seed=5):
    """Numerical gradient check of L = sum(forward(x) * dout) for x and the named params."""
    forward = forward or layer.forward
    out = forward(x)
    dout, dx = backward_keeps_dout(layer, out, seed)
    grads = {"x": dx, **{p: getattr(layer, "d" + p) for p in params}}
    targets = {"x": x, **{p: getattr(layer, p) for p in params}}
    for name, arr in targets.items():
        num = numerical_gradient(lambda _: np.sum(forward(x) * dout), arr)
        err = relative_error(num, grads[name])
        assert err < 1e-7, f"{type(layer).__name__} d{name}: relative error {err:.2e}"


# ---------------------------------------------------------------- week 3 layers


def test_mul_and_add_layers_shopping_example():
    apple, n, tax = 100, 2, 1.1
    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(apple, n), tax)
    assert np.isclose(price, 220)
    dprice, dtax = mul_tax.backward(1)
    dapple, dn = mul_apple.backward(dprice)
    assert np.isclose(dapple, 2.2) and np.isclose(dn, 110) and np.isclose(dtax, 200)
    add = AddLayer()
    assert add.forward(3.0, 4.0) == 7.0 and add.backward(2.0) == (2.0, 2.0)


def test_mul_add_do_not_modify_dout():
    x, y = rng().standard_normal((2, 3, 4))
    for layer in (MulLayer(), AddLayer()):
        out = layer.forward(x, y)
        dout = rng(1).standard_normal(out.shape)
        kept = dout.copy()
        dx, dy = layer.backward(dout)
        assert np.array_equal(dout, kept)
        dx[...] = 0  # the returned gradients are new arrays, not dout itself
        assert np.array_equal(dout, kept)


@pytest.mark.parametrize("layer_cls, torch_fn", [(Relu, torch.relu), (Sigmoid, torch.sigmoid)])
def test_activation_layers_match_torch(layer_cls, torch_fn):
    x = rng().standard_normal((4, 5))
    x[0, 0] = 0.0  # relu'(0) = 0, as in torch
    layer = layer_cls()
    out = layer.forward(x)
    dout, dx = backward_keeps_dout(layer, out)
    xt = tt(x)
    yt = torch_fn(xt)
    yt.backward(torch.from_numpy(dout))
    close(out, yt)
    close(dx, xt.grad)
    check_layer_gradients(layer_cls(), x + 0.1 * (x == 0))  # away from the kink


def test_affine_matches_linear_with_nd_input():
    r = rng()
    x, W, b = r.standard_normal((3, 2, 4)), r.standard_normal((8, 5)), r.standard_normal(5)
    layer = Affine(W, b)
    out = layer.forward(x)
    dout, dx = backward_keeps_dout(layer, out)
    xt, Wt, bt = tt(x), tt(W), tt(b)
    yt = F.linear(xt.reshape(3, -1), Wt.T, bt)  # torch stores the weight as (out, in)
    yt.backward(torch.from_numpy(dout))
    close(out, yt)
    close(dx, xt.grad)
    close(layer.dW, Wt.grad)
    close(layer.db, bt.grad)
    assert dx.shape == x.shape
    check_layer_gradients(Affine(W, b), x, ("W", "b"))


def test_affine_without_bias():
    x, W = rng().standard_normal((3, 4)), rng(1).standard_normal((4, 2))
    layer = Affine(W)
    np.testing.assert_array_equal(layer.forward(x), x @ W)
    layer.backward(np.ones((3, 2)))
    assert layer.db is None


@pytest.mark.parametrize("one_hot", [False, True])
@pytest.mark.parametrize("dout", [1.0, 2.5])
def test_softmax_with_loss_matches_cross_entropy(one_hot, dout):
    r = rng()
    x, t = r.standard_normal((6, 4)) * 3, r.integers(0, 4, 6)
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, np.eye(4)[t] if one_hot else t)
    dx = layer.backward(dout)
    xt = tt(x)
    lt = F.cross_entropy(xt, torch.from_numpy(t))
    (lt * dout).backward()
    assert abs(loss - lt.item()) < TOL
    close(dx, xt.grad)
    num = numerical_gradient(lambda _: layer.forward(x, t) * dout, x)
    assert relative_error(num, dx) < 1e-7


def test_softmax_with_loss_is_stable_at_extreme_logits():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    t = np.array([1, 2])
    layer = SoftmaxWithLoss()
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = layer.forward(x, t)
        dx = layer.backward()
    xt = tt(x)
    lt = F.cross_entropy(xt, torch.from_numpy(t))
    lt.backward()
    assert np.isfinite(loss) and abs(loss - lt.item()) < 1e-9 * abs(lt.item())
    close(dx, xt.grad)


# ---------------------------------------------------------------- week 4 layers


def test_dropout_is_inverted_and_seeded():
    x = np.ones((200, 50))
    layer = Dropout(0.3, rng=0)
    out = layer.forward(x, train_flg=True)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.7)  # kept units scaled by 1/(1-p), like torch
    assert abs(kept.mean() - 0.7) < 0.02
    dout, dx = backward_keeps_dout(layer, out)
    np.testing.assert_allclose(dx, dout * kept / 0.7, rtol=1e-15, atol=0)
    assert layer.forward(x, train_flg=False) is x  # identity at test time
    np.testing.assert_array_equal(layer.backward(dout), dout)
    np.random.seed(0)
    a = Dropout(0.5, rng=7).forward(x)
    np.random.seed(1)
    b = Dropout(0.5, rng=7).forward(x)
    np.testing.assert_array_equal(a, b)  # only the explicit rng matters


def test_dropout_gradient_with_frozen_mask():
    layer = Dropout(0.5, rng=1)
    layer.frozen = True
    check_layer_gradients(layer, rng().standard_normal((4, 6)))


def test_dropout_rejects_bad_ratio():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Dropout(1.0)


BN_SHAPES = [(8, 5), (4, 3, 2, 5)]


@pytest.mark.parametrize("shape", BN_SHAPES)
def test_batchnorm_training_matches_torch(shape):
    r = rng()
    C = shape[1]
    x = r.standard_normal(shape) * 2 + 1
    gamma, beta = r.standard_normal(C), r.standard_normal(C)
    layer = BatchNormalization(gamma, beta, momentum=0.9)
    out = layer.forward(x, train_flg=True)
    dout, dx = backward_keeps_dout(layer, out)
    xt, gt, bt = tt(x), tt(gamma), tt(beta)
    rm, rv = torch.zeros(C, dtype=torch.float64), torch.ones(C, dtype=torch.float64)
    yt = F.batch_norm(xt, rm, rv, gt, bt, training=True, momentum=0.1, eps=1e-5)  # torch momentum = 1 - ours
    yt.backward(torch.from_numpy(dout))
    close(out, yt)
    close(dx, xt.grad)
    close(layer.dgamma, gt.grad)
    close(layer.dbeta, bt.grad)
    close(layer.running_mean, rm)
    close(layer.running_var, rv)  # unbiased variance in the running estimate, like torch


@pytest.mark.parametrize("shape", BN_SHAPES)
def test_batchnorm_eval_uses_running_stats_like_torch(shape):
    r = rng(1)
    C = shape[1]
    x = r.standard_normal(shape)
    gamma, beta = r.standard_normal(C), r.standard_normal(C)
    mean, var = r.standard_normal(C), r.random(C) + 0.5
    layer = BatchNormalization(gamma, beta, running_mean=mean.copy(), running_var=var.copy())
    out = layer.forward(x, train_flg=False)
    dout, dx = backward_keeps_dout(layer, out)
    xt, gt, bt = tt(x), tt(gamma), tt(beta)
    yt = F.batch_norm(xt, torch.from_numpy(mean), torch.from_numpy(var), gt, bt, training=False, eps=1e-5)
    yt.backward(torch.from_numpy(dout))
    close(out, yt)
    close(dx, xt.grad)
    close(layer.dgamma, gt.grad)
    close(layer.dbeta, bt.grad)
    np.testing.assert_array_equal(layer.running_mean, mean)  # eval mode does not update them


@pytest.mark.parametrize("shape", BN_SHAPES)
def test_batchnorm_gradient_check_training_mode(shape):
    r = rng(2)
    C = shape[1]
    layer = BatchNormalization(r.standard_normal(C), r.standard_normal(C))
    check_layer_gradients(layer, r.standard_normal(shape), ("gamma", "beta"))


def test_batchnorm_bad_shape():
    layer = BatchNormalization(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"expects 3 features.*got shape \(2, 4\)"):
        layer.forward(np.zeros((2, 4)))


# ---------------------------------------------------------------- week 5 layers

# (N, C, H, W), (FN, FH, FW), stride, pad
CONV_CASES = [
    ((2, 3, 6, 6), (4, 3, 3), 1, 0),
    ((2, 2, 5, 7), (3, 3, 2), 2, 1),
    ((1, 3, 7, 5), (2, 2, 3), 1, 2),
    ((2, 1, 8, 6), (3, 4, 4), 3, 1),
]


@pytest.mark.parametrize("shape, fshape, stride, pad", CONV_CASES)
def test_convolution_matches_conv2d(shape, fshape, stride, pad):
    r = rng()
    FN, FH, FW = fshape
    x, W, b = r.standard_normal(shape), r.standard_normal((FN, shape[1], FH, FW)), r.standard_normal(FN)
    layer = Convolution(W, b, stride, pad)
    out = layer.forward(x)
    dout, dx = backward_keeps_dout(layer, out)
    xt, Wt, bt = tt(x), tt(W), tt(b)
    yt = F.conv2d(xt, Wt, bt, stride=stride, padding=pad)
    yt.backward(torch.from_numpy(dout))
    close(out, yt)
    close(dx, xt.grad)
    close(layer.dW, Wt.grad)
    close(layer.db, bt.grad)


def test_convolution_without_input_grad():
    r = rng()
    x, W, b = r.standard_normal((2, 2, 6, 5)), r.standard_normal((3, 2, 3, 3)), r.standard_normal(3)
    full, first = Convolution(W, b, 1, 1), Convolution(W, b, 1, 1, input_grad=False)
    dout = r.standard_normal(full.forward(x).shape)
    first.forward(x)
    assert first.backward(dout) is None  # the images need no gradient
    full.backward(dout)
    np.testing.assert_array_equal(first.dW, full.dW)
    np.testing.assert_array_equal(first.db, full.db)


@pytest.mark.parametrize("shape, fshape, stride, pad", CONV_CASES)
def test_convolution_gradient_check(shape, fshape, stride, pad):
    r = rng(3)
    FN, FH, FW = fshape
    shape = (1,) + shape[1:]  # one sample keeps the numerical gradient fast
    layer = Convolution(r.standard_normal((FN, shape[1], FH, FW)), r.standard_normal(FN), stride, pad)
    check_layer_gradients(layer, r.standard_normal(shape), ("W", "b"))


# (N, C, H, W), (PH, PW), stride, pad
POOL_CASES = [
    ((2, 3, 6, 6), (2, 2), None, 0),
    ((2, 2, 5, 7), (3, 3), 2, 1),
    ((1, 2, 7, 6), (2, 3), 1, 1),
    ((2, 1, 9, 8), (3, 2), (3), 0),
]


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("shape, k, stride, pad", POOL_CASES)
def test_pooling_matches_torch(shape, k, stride, pad, mode):
    x = rng().standard_normal(shape)  # continuous data: no ties in a window
    layer = Pooling(*k, stride=stride, pad=pad, mode=mode)
    out = layer.forward(x)
    dout, dx = backward_keeps_dout(layer, out)
    xt = tt(x)
    fn = F.max_pool2d if mode == "max" else F.avg_pool2d
    yt = fn(xt, k, stride=stride, padding=pad)  # stride None -> kernel size in both
    yt.backward(torch.from_numpy(dout))
    close(out, yt)
    close(dx, xt.grad)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("shape, k, stride, pad", POOL_CASES)
def test_pooling_gradient_check(shape, k, stride, pad, mode):
    check_layer_gradients(Pooling(*k, stride=stride, pad=pad, mode=mode), rng(4).standard_normal(shape))


def test_max_pool_ties_go_to_first_element_like_torch():
    x = np.zeros((1, 1, 4, 4))  # every window is a tie, as after a ReLU
    layer = Pooling(2, 2)
    layer.forward(x)
    dx = layer.backward(np.ones((1, 1, 2, 2)))
    xt = tt(x)
    F.max_pool2d(xt, 2).sum().backward()
    close(dx, xt.grad)


def test_pooling_output_size_has_plus_one():
    assert Pooling(2, 2).forward(np.zeros((1, 1, 5, 5))).shape == (1, 1, 2, 2)
    assert Pooling(3, 3, stride=1).forward(np.zeros((1, 1, 5, 4))).shape == (1, 1, 3, 2)


# ---------------------------------------------------------------- bad input


def test_convolution_wrong_channel_count():
    layer = Convolution(np.zeros((4, 3, 3, 3)), np.zeros(4))
    with pytest.raises(
        ValueError, match=r"expects input with 3 channels \(shape \(N, 3, H, W\)\), got shape \(2, 1, 8, 8\)"
    ):
        layer.forward(np.zeros((2, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"got shape \(3, 8, 8\)"):
        layer.forward(np.zeros((3, 8, 8)))


def test_filter_larger_than_padded_input():
    layer = Convolution(np.zeros((1, 1, 5, 5)), np.zeros(1), pad=1)
    with pytest.raises(ValueError, match=r"filter of size 5 is larger than the padded input of size 2 \+ 2\*1 = 4"):
        layer.forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match=r"filter of size 3 is larger than the padded input of size 2"):
        Pooling(3, 3).forward(np.zeros((1, 1, 2, 2)))


def test_pooling_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        Pooling(2, 2, mode="min")
    with pytest.raises(ValueError, match="half the pool size"):
        Pooling(2, 2, pad=2)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\), got shape \(4, 4\)"):
        Pooling(2, 2).forward(np.zeros((4, 4)))


def test_affine_wrong_feature_count():
    with pytest.raises(
        ValueError, match=r"expects input with 6 features per sample \(shape \(N, 6\)\), got shape \(2, 5\)"
    ):
        Affine(np.zeros((6, 2)), np.zeros(2)).forward(np.zeros((2, 5)))


def test_softmax_with_loss_label_length_and_non_finite():
    layer = SoftmaxWithLoss()
    with pytest.raises(ValueError, match=r"labels must have shape \(4,\).*got shape \(3,\)"):
        layer.forward(np.zeros((4, 3)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match=r"input of shape \(2, 3\) contains non-finite"):
        layer.forward(np.array([[0.0, np.inf, 1.0], [0.0, 0.0, 0.0]]), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"scores of shape \(N, C\), got shape \(3,\)"):
        layer.forward(np.zeros(3), np.zeros(1, dtype=int))


# ---------------------------------------------------------------- defaults, state over several steps, float32


@pytest.mark.parametrize("shape, momentum", [((6, 3), 0.9), ((3, 3, 2, 2), 0.7), ((1, 3, 2, 2), 0.9)])
def test_batchnorm_running_statistics_follow_torch_over_several_steps(shape, momentum):
    r = rng(3)
    C = shape[1]
    start_mean, start_var = r.standard_normal(C), r.random(C) + 0.5  # not torch's 0 and 1
    mean, var = start_mean.copy(), start_var.copy()
    layer = BatchNormalization(np.ones(C), np.zeros(C), momentum=momentum, running_mean=mean, running_var=var)
    rm, rv = torch.from_numpy(start_mean.copy()), torch.from_numpy(start_var.copy())
    for step in range(4):
        x = r.standard_normal(shape) * (step + 1) + step
        layer.forward(x) if step % 2 else layer.forward(x, train_flg=True)  # True is the default
        F.batch_norm(torch.from_numpy(x), rm, rv, training=True, momentum=1 - momentum, eps=1e-5)
        close(layer.running_mean, rm, 1e-12)
        close(layer.running_var, rv, 1e-12)
    assert layer.running_mean is mean and layer.running_var is var, "updated in place (a network saves these)"
    assert layer.train_flg is True


def test_batchnorm_running_variance_of_a_single_row_batch():
    """n = 1 has no unbiased variance; the biased one (0) is used, so nothing divides by zero."""
    layer = BatchNormalization(
        np.ones(2), np.zeros(2), running_mean=np.array([1.0, 2.0]), running_var=np.array([4.0, 8.0])
    )
    with np.errstate(divide="raise", invalid="raise"):
        layer.forward(np.array([[3.0, -2.0]]))
    np.testing.assert_allclose(layer.running_mean, [0.9 * 1 + 0.1 * 3, 0.9 * 2 + 0.1 * -2], rtol=1e-15)
    np.testing.assert_allclose(layer.running_var, [0.9 * 4, 0.9 * 8], rtol=1e-15)


def test_batchnorm_defaults_are_torchs():
    layer = BatchNormalization(np.ones(3), np.zeros(3))
    assert layer.momentum == 0.9 and layer.eps == 1e-5
    np.testing.assert_array_equal(layer.running_mean, np.zeros(3))
    np.testing.assert_array_equal(layer.running_var, np.ones(3))
    x = rng(4).standard_normal((5, 3))
    out = layer.forward(x)
    ref = F.batch_norm(torch.from_numpy(x), None, None, training=True).numpy()  # torch eps 1e-5
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12)
    eval_out = BatchNormalization(np.ones(3), np.zeros(3)).forward(x, train_flg=False)
    np.testing.assert_allclose(eval_out, x / np.sqrt(1 + 1e-5), rtol=1e-15)


def test_batchnorm_rejects_non_finite_training_batches_and_keeps_its_statistics():
    mean, var = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    layer = BatchNormalization(np.ones(2), np.zeros(2), running_mean=mean, running_var=var)
    for bad in (np.array([[1.0, np.nan], [0.0, 1.0]]), np.array([[np.inf, 0.0], [0.0, 1.0]]), np.zeros((0, 2))):
        with pytest.raises(ValueError, match=r"^BatchNormalization training input (of shape|must have)"):
            layer.forward(bad)
    np.testing.assert_array_equal(layer.running_mean, [0.5, -1.0])
    np.testing.assert_array_equal(layer.running_var, [2.0, 3.0])
    with pytest.raises(ValueError) as info:
        layer.forward(np.zeros((0, 2)))
    assert str(info.value) == "BatchNormalization training input must have at least one row, got shape (0, 2)"
    with pytest.raises(ValueError) as info:
        layer.forward(np.array([[np.nan, 0.0]]))
    assert (
        str(info.value) == "BatchNormalization training input of shape (1, 2) contains non-finite values (NaN or inf)"
    )


def test_batchnorm_eval_after_train_uses_eval_backward():
    layer = BatchNormalization(np.full(2, 2.0), np.zeros(2), running_var=np.full(2, 4.0))
    x = rng(5).standard_normal((3, 2))
    layer.forward(x)
    layer.forward(x, train_flg=False)
    assert layer.train_flg is False
    dx = layer.backward(np.ones((3, 2)))
    # eval mode: the statistics are constants, so dx is just dout * gamma / std
    np.testing.assert_allclose(dx, np.broadcast_to(2.0 / np.sqrt(layer.running_var + 1e-5), (3, 2)), rtol=1e-15)


def test_dropout_defaults_train_and_ratio_half():
    x = np.ones((100, 100))
    layer = Dropout(rng=0)
    assert layer.dropout_ratio == 0.5 and layer.frozen is False
    out = layer.forward(x)  # train_flg defaults to True
    kept = out != 0
    assert abs(kept.mean() - 0.5) < 0.02
    np.testing.assert_array_equal(out[kept], 2.0)


def test_dropout_ratio_zero_is_the_identity_while_training():
    x = rng(6).standard_normal((4, 5))
    layer = Dropout(0.0, rng=0)
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(np.ones((4, 5))), np.ones((4, 5)))


def test_dropout_frozen_reuses_the_mask_until_the_shape_changes():
    x = np.ones((50, 40))
    layer = Dropout(0.5, rng=1)
    first = layer.forward(x)
    assert not np.array_equal(layer.forward(x), first), "not frozen: a new mask each call"
    layer.frozen = True
    frozen = layer.forward(x)
    np.testing.assert_array_equal(layer.forward(x), frozen)
    np.testing.assert_array_equal(layer.forward(2 * x), 2 * frozen)
    assert layer.forward(np.ones((10, 40))).shape == (10, 40)  # a new shape needs a new mask
    layer.frozen = False
    assert not np.array_equal(layer.forward(x), frozen)


def test_dropout_accepts_a_generator_and_keeps_float32():
    g = np.random.default_rng(3)
    layer = Dropout(0.25, rng=g)
    assert layer.rng is g
    x = np.ones((20, 30), dtype=np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32 and layer.mask.dtype == np.float32
    np.testing.assert_allclose(out[out != 0], np.float32(1 / 0.75), rtol=1e-7)
    for ratio in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError) as info:
            Dropout(ratio)
        assert str(info.value) == f"dropout_ratio must be in [0, 1), got {ratio}"


def test_float32_layers_stay_float32():
    r = rng(7)
    x = r.standard_normal((2, 3, 6, 6)).astype(np.float32)
    conv = Convolution(r.standard_normal((4, 3, 3, 3)).astype(np.float32), np.zeros(4, np.float32), pad=1)
    out = conv.forward(x)
    assert out.dtype == np.float32 and conv.backward(np.ones_like(out)).dtype == np.float32
    assert conv.dW.dtype == np.float32 and conv.db.dtype == np.float32
    for mode in ("max", "avg"):
        pool = Pooling(2, 2, mode=mode)
        p = pool.forward(out)
        assert p.dtype == np.float32 and pool.backward(np.ones_like(p)).dtype == np.float32
    bn = BatchNormalization(np.ones(4, np.float32), np.zeros(4, np.float32))
    assert bn.forward(out).dtype == np.float32 and bn.backward(np.ones_like(out)).dtype == np.float32
    aff = Affine(r.standard_normal((4 * 36, 5)).astype(np.float32), np.zeros(5, np.float32))
    y = aff.forward(out)
    assert y.dtype == np.float32 and aff.backward(np.ones_like(y)).dtype == np.float32
    for layer in (Relu(), Sigmoid()):
        assert layer.forward(y).dtype == np.float32 and layer.backward(np.ones_like(y)).dtype == np.float32


def test_layer_defaults():
    r = rng(8)
    W, b = r.standard_normal((2, 1, 3, 3)), r.standard_normal(2)
    conv = Convolution(W, b)
    assert (conv.stride, conv.pad, conv.input_grad) == (1, 0, True)
    x = r.standard_normal((1, 1, 5, 5))
    np.testing.assert_allclose(
        conv.forward(x),
        F.conv2d(torch.from_numpy(x), torch.from_numpy(W), torch.from_numpy(b)).numpy(),
        rtol=0,
        atol=1e-12,
    )
    pool = Pooling(2, 3)
    assert (pool.stride, pool.pad, pool.mode) == (2, 0, "max")
    loss = SoftmaxWithLoss()
    loss.forward(r.standard_normal((3, 4)), np.array([0, 1, 2]))
    np.testing.assert_array_equal(loss.backward(), loss.backward(1.0))


@pytest.mark.parametrize(
    "make",
    [
        MulLayer,
        Relu,
        Sigmoid,
        lambda: Affine(np.ones((2, 2)), np.zeros(2)),
        SoftmaxWithLoss,
        lambda: BatchNormalization(np.ones(2), np.zeros(2)),
        lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1)),
        lambda: Pooling(2, 2),
    ],
    ids=["MulLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "BatchNormalization", "Convolution", "Pooling"],
)
def test_backward_before_forward_says_so(make):
    layer = make()  # built inside the test, so that mutation testing sees the constructor run here
    with pytest.raises(RuntimeError) as info:
        layer.backward(np.ones((1, 1, 2, 2)))
    assert str(info.value) == f"{type(layer).__name__}.backward: call forward() first"


def test_add_layer_passes_integer_gradients_unchanged():
    dx, dy = AddLayer().backward(np.array([1, 2], dtype=np.int64))
    assert dx.dtype == dy.dtype == np.int64 and dx.tolist() == dy.tolist() == [1, 2]


def test_batchnorm_messages_name_the_shapes():
    layer = BatchNormalization(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError) as info:
        layer.forward(np.zeros((2, 3, 4)))
    assert str(info.value) == "BatchNormalization expects input (N, D) or (N, C, H, W), got shape (2, 3, 4)"


@pytest.mark.parametrize("n", [2, 3])
def test_batchnorm_unbiased_running_variance_for_small_batches(n):
    x = rng(9).standard_normal((n, 2))
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    layer.forward(x)
    np.testing.assert_allclose(layer.running_var, 0.9 + 0.1 * x.var(axis=0, ddof=1), rtol=1e-14)


def test_parameter_gradients_are_none_until_backward():
    for layer in (
        Affine(np.ones((2, 2)), np.zeros(2)),
        Convolution(np.ones((1, 1, 2, 2)), np.zeros(1)),
        BatchNormalization(np.ones(2), np.zeros(2)),
    ):
        grads = [getattr(layer, name) for name in ("dW", "db", "dgamma", "dbeta") if hasattr(layer, name)]
        assert grads and all(g is None for g in grads), type(layer).__name__


def test_max_pool_backward_of_integer_dout_is_float():
    layer = Pooling(2, 2)
    layer.forward(rng(10).standard_normal((1, 1, 4, 4)))
    dx = layer.backward(np.ones((1, 1, 2, 2), dtype=np.int64))
    assert dx.dtype == np.float64 and dx.sum() == 4
