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


@pytest.mark.parametrize("ours, theirs", CASES, ids=["sgd", "momentum", "adagrad", "rmsprop", "adam", "adam-default"])
def test_optimizer_follows_torch_for_50_steps(ours, theirs):
    rng = np.random.default_rng(0)
    # a 0-d parameter too: a scalar like the x of f(x, y) in week 3
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4), "s": np.array(rng.standard_normal())}
    tparams = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    arrays = dict(params)  # the same array objects: update must work in place
    opt, topt = ours(), theirs(list(tparams.values()))
    for step in range(50):
        # gradients depend on the current point (like a real loss) plus noise
        grads = {k: np.asarray(2 * v + rng.standard_normal(v.shape)) for k, v in params.items()}
        for k, g in grads.items():
            tparams[k].grad = torch.from_numpy(g.copy())
        opt.update(params, grads)
        topt.step()
    for k in params:
        assert params[k] is arrays[k]
        np.testing.assert_allclose(params[k], tparams[k].detach().numpy(), rtol=0, atol=1e-10)


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
