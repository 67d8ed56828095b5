"""Benchmark: SimpleConvNet in NumPy (weekutils, float32) vs the same network in PyTorch on CPU.

Part 1 times one epoch (the 50,000 MNIST training images, batch 100, Adam lr=0.001)
for each framework, alternating them so both see the same machine load, and
prints the times and the ratio numpy / torch (target: <= 2).
Part 2 trains weekutils' SimpleConvNet from scratch until the validation accuracy
reaches 0.98 and prints how long that took.  The recipe: Adam lr=0.001, batch
100, each batch randomly shifted by up to 2 pixels (``random_shift``), and the
learning rate multiplied by 0.7 after every epoch from the 4th on.  Without the
shifts this network overfitted the 10,000-image sample the course used to ship and stalled
near 0.977-0.979 (the results in benchmarks/README.md date from then).

    python benchmarks/bench_simpleconvnet.py [--repeats 3] [--max-epochs 10] [--threads 2]

Threads: torch.set_num_threads(--threads); NumPy's BLAS (OpenBLAS) uses its own
pool, sized by OPENBLAS_NUM_THREADS / OMP_NUM_THREADS before start-up (this
script sets both to --threads if they are unset).  The data come from ``load_mnist()``: 50,000
training and 10,000 validation images of the official MNIST files.
"""

import argparse
import os
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="timed epochs per framework (best and median are shown)")
    ap.add_argument("--max-epochs", type=int, default=10, help="give up training to 0.98 after this many epochs")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-accuracy", action="store_true", help="only time one epoch")
    return ap.parse_args()


ARGS = parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, str(ARGS.threads))  # must happen before numpy is imported

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from weekutils.data import load_mnist  # noqa: E402
from weekutils.nets import SimpleConvNet  # noqa: E402
from weekutils.optim import Adam  # noqa: E402
from weekutils.train import random_shift  # noqa: E402

BATCH, LR = 100, 0.001


class TorchSimpleConvNet(nn.Module):
    """conv(30, 5x5) - ReLU - maxpool 2x2 - linear(4320, 100) - ReLU - linear(100, 10)."""

    def __init__(self, np_net):
        super().__init__()
        self.conv = nn.Conv2d(1, 30, 5)
        self.fc1 = nn.Linear(4320, 100)
        self.fc2 = nn.Linear(100, 10)
        p = np_net.params  # start from the very same weights (torch stores Linear weights transposed)
        with torch.no_grad():
            self.conv.weight.copy_(torch.from_numpy(p["W1"]))
            self.conv.bias.copy_(torch.from_numpy(p["b1"]))
            self.fc1.weight.copy_(torch.from_numpy(p["W2"].T.copy()))
            self.fc1.bias.copy_(torch.from_numpy(p["b2"]))
            self.fc2.weight.copy_(torch.from_numpy(p["W3"].T.copy()))
            self.fc2.bias.copy_(torch.from_numpy(p["b3"]))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def numpy_epoch(net, opt, x, t, rng, shift=0):
    """One epoch of weekutils training; returns (seconds, mean loss)."""
    order = rng.permutation(len(x))
    start = time.perf_counter()
    losses = []
    for i in range(0, len(x), BATCH):
        idx = order[i : i + BATCH]
        grads = net.gradient(random_shift(x[idx], rng, shift), t[idx])
        opt.update(net.params, grads)
        losses.append(net.last_loss)
    return time.perf_counter() - start, float(np.mean(losses))


def torch_epoch(model, opt, x, t, gen):
    """One epoch of the same training in PyTorch; returns (seconds, mean loss)."""
    order = torch.randperm(len(x), generator=gen)
    start = time.perf_counter()
    losses = []
    for i in range(0, len(x), BATCH):
        idx = order[i : i + BATCH]
        loss = F.cross_entropy(model(x[idx]), t[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return time.perf_counter() - start, float(np.mean(losses))


def main():
    torch.set_num_threads(ARGS.threads)
    (x_train, t_train), (x_val, t_val) = load_mnist(normalize=True, flatten=False)
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, torch threads {torch.get_num_threads()}, "
        f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, cpu count {os.cpu_count()}"
    )
    print(f"train {x_train.shape} {x_train.dtype}, validation {x_val.shape}; batch {BATCH}, Adam lr={LR}")

    # ---- Part 1: one epoch each, alternating
    net = SimpleConvNet(rng=ARGS.seed, dtype=np.float32)
    model = TorchSimpleConvNet(net)
    np_opt, t_opt = Adam(lr=LR), torch.optim.Adam(model.parameters(), lr=LR)
    rng, gen = np.random.default_rng(ARGS.seed), torch.Generator().manual_seed(ARGS.seed)
    xt, tt = torch.from_numpy(x_train), torch.from_numpy(t_train)
    numpy_epoch(net, np_opt, x_train[:1000], t_train[:1000], rng)  # warm-up (allocator, BLAS threads)
    torch_epoch(model, t_opt, xt[:1000], tt[:1000], gen)
    np_times, t_times = [], []
    for r in range(ARGS.repeats):
        s, loss = numpy_epoch(net, np_opt, x_train, t_train, rng)
        np_times.append(s)
        print(f"  epoch {r + 1}: numpy {s:6.2f} s (loss {loss:.4f})", end="", flush=True)
        s, loss = torch_epoch(model, t_opt, xt, tt, gen)
        t_times.append(s)
        print(f" | torch {s:6.2f} s (loss {loss:.4f})")
    best_np, best_t = min(np_times), min(t_times)
    med_np, med_t = float(np.median(np_times)), float(np.median(t_times))
    print(
        f"one epoch, best of {ARGS.repeats}: numpy float32 {best_np:.2f} s, torch CPU {best_t:.2f} s, "
        f"ratio {best_np / best_t:.2f} (median: {med_np:.2f} s / {med_t:.2f} s = {med_np / med_t:.2f})"
    )
    print(
        f"validation accuracy after the warm-up and {ARGS.repeats} epochs: numpy {net.accuracy(x_val, t_val):.4f}, "
        f"torch {(model(torch.from_numpy(x_val)).argmax(1) == torch.from_numpy(t_val)).float().mean():.4f}"
    )
    if ARGS.skip_accuracy:
        return

    # ---- Part 2: train from scratch to 0.98 validation accuracy
    net = SimpleConvNet(rng=ARGS.seed, dtype=np.float32)
    opt, rng = Adam(lr=LR), np.random.default_rng(ARGS.seed)
    train_s = 0.0
    start = time.perf_counter()
    print(
        f"training SimpleConvNet (float32) to 0.98: Adam lr={LR}, batch {BATCH}, random shifts <= 2 px, "
        f"lr x0.7 per epoch from epoch 4"
    )
    for epoch in range(1, ARGS.max_epochs + 1):
        if epoch >= 4:
            opt.lr *= 0.7
        s, loss = numpy_epoch(net, opt, x_train, t_train, rng, shift=2)
        train_s += s
        acc = net.accuracy(x_val, t_val)
        print(
            f"  epoch {epoch}: loss {loss:.4f}, validation accuracy {acc:.4f}, "
            f"{time.perf_counter() - start:.1f} s so far (training only {train_s:.1f} s)"
        )
        if acc >= 0.98:
            print(
                f"reached validation accuracy {acc:.4f} >= 0.98 after {epoch} epochs in "
                f"{time.perf_counter() - start:.1f} s ({train_s:.1f} s training, the rest evaluation)"
            )
            break
    else:
        print(f"did not reach 0.98 in {ARGS.max_epochs} epochs (last validation accuracy {acc:.4f})")


if __name__ == "__main__":
    main()
