"""Parameter update rules, each step-for-step equal to its torch.optim counterpart (week 3).

``update(params, grads)`` changes every array in ``params`` in place (so the
layers that share those arrays see the new values).  State such as velocities is
kept per parameter name.  ``eps`` is a keyword with torch's default.
"""

import numbers

import numpy as np

__all__ = ["SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"]


def _check_setting(name, value, low, high=None, low_open=False):
    """Return value if it is a real number in the range, else ValueError naming the range."""
    if high is None:
        accepted = f"> {low}" if low_open else f">= {low}"
    else:
        accepted = f"in [{low}, {high})"
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    ok = ok and (value > low if low_open else value >= low) and (high is None or value < high)
    if not ok:
        raise ValueError(f"{name} must be a finite number {accepted}, got {value!r}")
    return value


def _checked_grads(params, grads):
    """grads, once every parameter is known to have a gradient of its own shape."""
    for key, p in params.items():
        if key not in grads:
            raise ValueError(f"no gradient for parameter {key!r}; grads has {sorted(grads)}")
        if np.shape(grads[key]) != np.shape(p):
            # NumPy would broadcast e.g. a (1, 4) gradient into a (3, 4) parameter without complaint.
            raise ValueError(
                f"gradient for {key!r} has shape {np.shape(grads[key])}, expected the parameter's shape {np.shape(p)}"
            )
    return grads


class SGD:
    """Stochastic gradient descent p -= lr * g, as torch.optim.SGD (week 3)."""

    def __init__(self, lr=0.01):
        self.lr = _check_setting("lr", lr, 0)

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        grads = _checked_grads(params, grads)
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """SGD with momentum v = momentum * v + g; p -= lr * v, as torch.optim.SGD(momentum=...) (week 3).

    The book writes v = momentum * v - lr * g; p += v.  That is the same
    trajectory (its v is -lr times ours) as long as lr is constant; we use
    torch's form so a changed lr acts like torch's too.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = _check_setting("lr", lr, 0), _check_setting("momentum", momentum, 0, 1)
        self.v = {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        grads = _checked_grads(params, grads)
        for key in params:
            if key not in self.v:
                self.v[key] = grads[key].copy()  # torch starts the buffer at the first gradient
            else:
                self.v[key] *= self.momentum
                self.v[key] += grads[key]
            params[key] -= self.lr * self.v[key]


class AdaGrad:
    """AdaGrad h += g^2; p -= lr * g / (sqrt(h) + eps), as torch.optim.Adagrad (week 3)."""

    def __init__(self, lr=0.01, eps=1e-10):
        self.lr, self.eps = _check_setting("lr", lr, 0), _check_setting("eps", eps, 0, low_open=True)
        self.h = {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        grads = _checked_grads(params, grads)
        for key in params:
            h = self.h.setdefault(key, np.zeros_like(params[key]))
            h += grads[key] * grads[key]
            # Each coordinate's step shrinks with the total squared gradient it has seen.
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + self.eps)


class RMSprop:
    """RMSprop h = a*h + (1-a)*g^2; p -= lr * g / (sqrt(h) + eps), as torch.optim.RMSprop(alpha=a) (week 3)."""

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-8):
        self.lr = _check_setting("lr", lr, 0)
        self.decay_rate = _check_setting("decay_rate", decay_rate, 0, 1)
        self.eps = _check_setting("eps", eps, 0, low_open=True)
        self.h = {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        grads = _checked_grads(params, grads)
        for key in params:
            h = self.h.setdefault(key, np.zeros_like(params[key]))
            # Unlike AdaGrad, old squared gradients fade, so steps do not shrink forever.
            h *= self.decay_rate
            h += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + self.eps)


class Adam:
    """Adam with bias correction, p -= lr * m_hat / (sqrt(v_hat) + eps), as torch.optim.Adam (week 3)."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = _check_setting("lr", lr, 0)
        self.beta1, self.beta2 = _check_setting("beta1", beta1, 0, 1), _check_setting("beta2", beta2, 0, 1)
        self.eps = _check_setting("eps", eps, 0, low_open=True)
        self.iter = 0
        self.m, self.v = {}, {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        grads = _checked_grads(params, grads)
        self.iter += 1
        # m and v start at 0, so early averages are too small by (1 - beta^t): undo that.
        c1 = 1 - self.beta1**self.iter
        c2 = 1 - self.beta2**self.iter
        for key in params:
            g = grads[key]
            m = self.m.setdefault(key, np.zeros_like(params[key]))
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            m *= self.beta1
            m += (1 - self.beta1) * g  # running mean of gradients
            v *= self.beta2
            v += (1 - self.beta2) * (g * g)  # running mean of squared gradients
            # step = lr * (m / c1) / (sqrt(v / c2) + eps), computed in place in one scratch array
            step = np.sqrt(v, out=np.empty_like(v))  # an array even for 0-d parameters
            step /= np.sqrt(c2)
            step += self.eps
            np.divide(m, step, out=step)
            step *= self.lr / c1
            params[key] -= step
