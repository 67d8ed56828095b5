"""How many torch threads on a 2-core machine: small training steps, alone and beside a busy process.

torch's OpenMP threads spin while they wait for each other. When another process (a browser, a second
notebook) takes a core, a step of a small network can get many times slower with 2 threads than with 1.
This script times the course's typical step sizes both ways and prints a table for benchmarks/README.md.

    python benchmarks/bench_threads.py            # alone
    python benchmarks/bench_threads.py --busy 1   # with one competing busy process
"""

import argparse
import multiprocessing as mp
import time

import torch
import torch.nn.functional as F
from torch import nn

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--busy", type=int, default=0, help="number of competing busy-loop processes")
PARSER.add_argument("--steps", type=int, default=150)
ARGS = PARSER.parse_args()


def spin():
    while True:
        pass


def models():
    mlp = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10))
    cnn = nn.Sequential(
        nn.Conv2d(1, 30, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4320, 100),
        nn.ReLU(),
        nn.Linear(100, 10),
    )
    return {
        "MLP 784-100-100-10, batch 100": (mlp, torch.randn(100, 784)),
        "SimpleConvNet, batch 100": (cnn, torch.randn(100, 1, 28, 28)),
    }


def time_steps(model, x, steps):
    t = torch.randint(0, 10, (len(x),))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for i in range(steps + 10):
        if i == 10:
            start = time.perf_counter()
        optimizer.zero_grad()
        F.cross_entropy(model(x), t).backward()
        optimizer.step()
    return (time.perf_counter() - start) / steps * 1e3


if __name__ == "__main__":
    workers = [mp.Process(target=spin, daemon=True) for _ in range(ARGS.busy)]
    for w in workers:
        w.start()
    print(f"competing busy processes: {ARGS.busy}")
    for name, (model, x) in models().items():
        row = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            row.append(time_steps(model, x, ARGS.steps))
        print(f"{name:<32s} 1 thread {row[0]:7.2f} ms/step   2 threads {row[1]:7.2f} ms/step")
    for w in workers:
        w.terminate()
