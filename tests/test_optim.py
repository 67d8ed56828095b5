"""weekutils.optim: each optimizer follows its torch.optim counterpart for 50 steps."""

import numpy as np
import pytest
import torch

from weekutils.optim import SGD, AdaGrad, Adam, Momentum, RMSprop

CASES = [
    (lambda: SGD(lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    (lambda: Momentum(lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    (lambda: AdaGrad(lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1)),
    (lambda: RMSprop(lr=0.01, decay_rate=0.9), lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9)),
    (lambda: Adam(lr=0.01, beta1=0.8, beta2=0.99), lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99))),
    (lambda: Adam(), lambda p: torch.optim.Adam(p)),
]


def _np_loss_grad(p, c):
    """Gradient of sum(c * p**2 + sin(3 p)): curved and non-quadratic, so every step changes the next gradient."""
    return 2 * c * p + 3 * np.cos(3 * p)


def _torch_loss(p, c):
    return (torch.as_tensor(c) * p**2 + torch.sin(3 * p)).sum()


@pytest.mark.parametrize("ours, theirs", CASES, ids=["sgd", "momentum", "adagrad", "rmsprop", "adam", "adam-default"])
def test_optimizer_follows_torch_for_50_steps(ours, theirs):
    rng = np.random.default_rng(0)
    # a 0-d parameter too: a scalar like the x of f(x, y) in week 3
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4), "s": np.array(rng.standard_normal())}
    curv = {k: rng.uniform(0.5, 2.0, np.shape(v)) for k, v in params.items()}
    tparams = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    arrays = dict(params)  # the same array objects: update must work in place
    start = {k: v.copy() for k, v in params.items()}
    opt, topt = ours(), theirs(list(tparams.values()))
    for _ in range(50):
        # Each side computes its gradient at its *own* current point (torch by autograd): a wrong
        # step then also changes every later gradient, instead of both being fed the same numbers.
        grads = {k: _np_loss_grad(v, curv[k]) for k, v in params.items()}
        topt.zero_grad()
        sum(_torch_loss(tparams[k], curv[k]) for k in tparams).backward()
        opt.update(params, grads)
        topt.step()
    for k in params:
        assert params[k] is arrays[k]
        assert np.all(np.isfinite(params[k])), k
        assert not np.allclose(params[k], start[k]), f"{k} did not move"
        np.testing.assert_allclose(params[k], tparams[k].detach().numpy(), rtol=0, atol=1e-10, equal_nan=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make", [SGD, Momentum, AdaGrad, RMSprop, Adam], ids=lambda c: c.__name__)
def test_update_keeps_dtype_and_defaults_match_torch(make, dtype):
    """float32 parameters stay float32, and the default settings are torch's (or the book's lr)."""
    p = {"W": np.linspace(-1, 1, 6, dtype=dtype).reshape(2, 3)}
    g = {"W": np.full((2, 3), 0.5, dtype=dtype)}
    opt = make()
    opt.update(p, g)
    assert p["W"].dtype == dtype and np.all(np.isfinite(p["W"]))


def test_default_settings():
    assert SGD().lr == 0.01
    assert (Momentum().lr, Momentum().momentum) == (0.01, 0.9)
    assert (AdaGrad().lr, AdaGrad().eps) == (0.01, 1e-10)
    assert (RMSprop().lr, RMSprop().decay_rate, RMSprop().eps) == (0.01, 0.99, 1e-8)
    a = Adam()
    assert (a.lr, a.beta1, a.beta2, a.eps, a.iter) == (0.001, 0.9, 0.999, 1e-8, 0)


@pytest.mark.parametrize(
    "make, name, value",
    [
        (lambda v: SGD(lr=v), "lr", -1e-9),
        (lambda v: SGD(lr=v), "lr", float("inf")),
        (lambda v: SGD(lr=v), "lr", True),
        (lambda v: SGD(lr=v), "lr", None),
        (lambda v: Momentum(lr=v), "lr", -0.1),
        (lambda v: Momentum(momentum=v), "momentum", -0.1),
        (lambda v: Momentum(momentum=v), "momentum", 1.0),
        (lambda v: AdaGrad(lr=v), "lr", -0.1),
        (lambda v: AdaGrad(eps=v), "eps", 0.0),
        (lambda v: AdaGrad(eps=v), "eps", -1e-10),
        (lambda v: AdaGrad(eps=v), "eps", float("nan")),
        (lambda v: RMSprop(lr=v), "lr", -0.1),
        (lambda v: RMSprop(decay_rate=v), "decay_rate", 1.0),
        (lambda v: RMSprop(decay_rate=v), "decay_rate", -0.01),
        (lambda v: RMSprop(eps=v), "eps", 0),
        (lambda v: Adam(lr=v), "lr", -0.1),
        (lambda v: Adam(beta1=v), "beta1", 1.0),
        (lambda v: Adam(beta1=v), "beta1", -0.1),
        (lambda v: Adam(beta2=v), "beta2", 1.0),
        (lambda v: Adam(beta2=v), "beta2", -1e-3),
        (lambda v: Adam(eps=v), "eps", 0.0),
    ],
)
def test_settings_out_of_range_are_rejected_with_the_range(make, name, value):
    with pytest.raises(ValueError) as info:
        make(value)
    message = str(info.value)
    assert message.startswith(f"{name} must be a finite number ") and message.endswith(f", got {value!r}")
    if name in ("momentum", "decay_rate", "beta1", "beta2"):
        assert "in [0, 1)" in message
    elif name == "eps":
        assert "> 0" in message
    else:
        assert ">= 0" in message


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(lr=0),
        lambda: Momentum(lr=0, momentum=0),
        lambda: Momentum(momentum=0.999999),
        lambda: AdaGrad(lr=0, eps=1e-300),
        lambda: RMSprop(decay_rate=0),
        lambda: RMSprop(decay_rate=0.999999, eps=1e-300),
        lambda: Adam(lr=0, beta1=0, beta2=0),
        lambda: Adam(beta1=0.999999, beta2=0.999999, eps=1e-300),
        lambda: SGD(lr=np.float32(0.1)),
        lambda: Adam(lr=1),
    ],
)
def test_settings_at_the_edges_of_the_range_are_accepted(make):
    opt = make()
    p = {"x": np.ones(2)}
    opt.update(p, {"x": np.ones(2)})
    assert np.all(np.isfinite(p["x"]))


@pytest.mark.parametrize("make", [SGD, Momentum, AdaGrad, RMSprop, Adam], ids=lambda c: c.__name__)
def test_gradients_must_exist_and_match_the_parameter_shape(make):
    opt = make()
    params = {"W": np.zeros((3, 4)), "b": np.zeros(4)}
    ok = {"W": np.ones((3, 4)), "b": np.ones(4)}
    for grads, message in [
        ({**ok, "W": np.ones((1, 4))}, "gradient for 'W' has shape (1, 4), expected the parameter's shape (3, 4)"),
        ({**ok, "b": np.ones(())}, "gradient for 'b' has shape (), expected the parameter's shape (4,)"),
        ({"W": ok["W"]}, "no gradient for parameter 'b'; grads has ['W']"),
    ]:
        with pytest.raises(ValueError) as info:
            opt.update(params, grads)
        assert str(info.value) == message
        assert not params["W"].any() and not params["b"].any(), "nothing moved"
    opt.update(params, {**ok, "extra": np.ones(7)})  # gradients of other parameters are ignored
    assert params["W"].all() and params["b"].all()


def test_momentum_equals_book_form_with_constant_lr():
    """The book's v = m*v - lr*g; p += v gives the same path as torch's form."""
    rng = np.random.default_rng(1)
    p = {"x": rng.standard_normal(5)}
    q = p["x"].copy()
    v = np.zeros(5)
    opt = Momentum(lr=0.1, momentum=0.9)
    for _ in range(20):
        g = rng.standard_normal(5)
        opt.update(p, {"x": g})
        v = 0.9 * v - 0.1 * g
        q += v
    np.testing.assert_allclose(p["x"], q, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: AdaGrad(lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1)),
        (lambda: RMSprop(lr=0.1), lambda p: torch.optim.RMSprop(p, lr=0.1)),
        (lambda: Adam(lr=0.1), lambda p: torch.optim.Adam(p, lr=0.1)),
    ],
    ids=["adagrad", "rmsprop", "adam"],
)
def test_eps_matters_for_gradients_as_small_as_eps(ours, theirs):
    """With |g| near eps the step depends on eps's value (and sign): compare with torch there."""
    g = np.array([1e-10, -3e-10, 1e-8, 0.0])
    p = {"x": np.zeros(4)}
    tp = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    opt, topt = ours(), theirs([tp])
    for _ in range(3):
        opt.update(p, {"x": g})
        tp.grad = torch.from_numpy(g.copy())
        topt.step()
    assert np.all(np.isfinite(p["x"]))
    np.testing.assert_allclose(p["x"], tp.detach().numpy(), rtol=1e-9, atol=0, equal_nan=False)
