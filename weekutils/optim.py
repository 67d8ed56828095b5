"""Parameter update rules, each step-for-step equal to its torch.optim counterpart (week 3).

``update(params, grads)`` changes every array in ``params`` in place (so the
layers that share those arrays see the new values).  State such as velocities is
kept per parameter name.  ``eps`` is a keyword with torch's default.
"""

import numpy as np

__all__ = ["SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"]


class SGD:
    """Stochastic gradient descent p -= lr * g, as torch.optim.SGD (week 3)."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """SGD with momentum v = momentum * v + g; p -= lr * v, as torch.optim.SGD(momentum=...) (week 3).

    The book writes v = momentum * v - lr * g; p += v.  That is the same
    trajectory (its v is -lr times ours) as long as lr is constant; we use
    torch's form so a changed lr acts like torch's too.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
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
        self.lr, self.eps = lr, eps
        self.h = {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        for key in params:
            h = self.h.setdefault(key, np.zeros_like(params[key]))
            h += grads[key] * grads[key]
            # Each coordinate's step shrinks with the total squared gradient it has seen.
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + self.eps)


class RMSprop:
    """RMSprop h = a*h + (1-a)*g^2; p -= lr * g / (sqrt(h) + eps), as torch.optim.RMSprop(alpha=a) (week 3)."""

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-8):
        self.lr, self.decay_rate, self.eps = lr, decay_rate, eps
        self.h = {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
        for key in params:
            h = self.h.setdefault(key, np.zeros_like(params[key]))
            # Unlike AdaGrad, old squared gradients fade, so steps do not shrink forever.
            h *= self.decay_rate
            h += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + self.eps)


class Adam:
    """Adam with bias correction, p -= lr * m_hat / (sqrt(v_hat) + eps), as torch.optim.Adam (week 3)."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.iter = 0
        self.m, self.v = {}, {}

    def update(self, params, grads):
        """One step on every parameter, in place (week 3)."""
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
