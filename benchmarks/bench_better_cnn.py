"""Week 6's better CNN with other channel counts: the validation accuracy and time behind its design (section 4.3).

Runs the notebook's own cells for section 4.3 (the network, its 10-epoch recipe, the validation score) with
the three convolution blocks' channels replaced, then scores the test set too, for benchmarks/README.md. The
design is chosen on the validation column; the test column only shows what the choice costs on the floor.

    python benchmarks/bench_better_cnn.py --channels 32-64-64 16-64-64 16-32-64 --seeds 0 1 2

On a 2-core machine, run two of them side by side with WEEKUTILS_THREADS=1 (the seconds then compare designs
only within one run's conditions).
"""

import argparse
import re
import statistics

from bench_ablation import NOTEBOOK, notebook_code

CELLS = [
    "import math",
    "import matplotlib.pyplot as plt",
    "from weekutils import load_mnist",
    "def torch_logits(",
    "def affine_warp(",
    "def random_affine(",
    "augment_generator = torch.Generator()",
    "def conv_bn_relu(",
    "better_cnn = make_better_cnn()",
    "BETTER_EPOCHS, BETTER_BATCH",
    "def better_epoch(",
    "bar = progress(total=BETTER_EPOCHS",
    "better_seconds =",
    "better_val_acc = np.mean(",
]
BLOCK = re.compile(r"conv_bn_relu\((\d+), (\d+)\)")


def with_channels(source: str, channels: tuple[int, int, int]) -> str:
    """The notebook's make_better_cnn cell with its three blocks' output channels replaced."""
    blocks = BLOCK.findall(source)
    linear = re.findall(r"nn\.Linear\((\d+) \* 7 \* 7, 10\)", source)
    if len(blocks) != 3 or len(linear) != 1:
        raise SystemExit(
            f"{NOTEBOOK.name}: make_better_cnn no longer has three conv_bn_relu blocks and one linear layer"
        )
    inputs = (1, *channels[:2])
    calls = iter(f"conv_bn_relu({c_in}, {c_out})" for c_in, c_out in zip(inputs, channels))
    source = BLOCK.sub(lambda _: next(calls), source)
    return source.replace(f"nn.Linear({linear[0]} * 7 * 7, 10)", f"nn.Linear({channels[2]} * 7 * 7, 10)")


def run(channels: tuple[int, int, int], seed: int) -> dict[str, float]:
    namespace: dict = {}
    for source in notebook_code(seed, CELLS):
        if source.startswith("augment_generator ="):
            source = source.split("digits =")[0]  # the generator only, not the picture of augmented digits
        if source.startswith("def conv_bn_relu("):
            source = with_channels(source, channels)
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    import numpy as np

    from weekutils import load_mnist_test

    x_test, t_test = load_mnist_test(normalize=True, flatten=False)
    model, torch_logits = namespace["better_cnn"], namespace["torch_logits"]
    return {
        "parameters": sum(p.numel() for p in model.parameters()),
        "validation": float(namespace["better_val_acc"]),
        "test": float(np.mean(torch_logits(model, x_test).argmax(1) == t_test)),
        "seconds": namespace["better_seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", nargs="+", default=["16-64-64"], help="e.g. 32-64-64")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    results = {}
    for design in args.channels:
        channels = tuple(int(c) for c in design.split("-"))
        for seed in args.seeds:
            results[design, seed] = run(channels, seed)
            print(f"{design} seed {seed}: {results[design, seed]}", flush=True)
    print(
        "\n| channels | parameters | validation, mean ± std | test, mean ± std | training s, mean | seeds (validation / test) |"
    )
    print("|---|---|---|---|---|---|")
    for design in args.channels:
        rows = [results[design, seed] for seed in args.seeds]
        stats = {}
        for key in ("validation", "test"):
            values = [r[key] for r in rows]
            std = statistics.stdev(values) if len(values) > 1 else 0.0
            stats[key] = f"{statistics.mean(values):.4f} ± {std:.4f}"
        seeds = ", ".join(f"{r['validation']:.4f} / {r['test']:.4f}" for r in rows)
        seconds = statistics.mean(r["seconds"] for r in rows)
        print(
            f"| {design} | {rows[0]['parameters']:,} | {stats['validation']} | {stats['test']} | {seconds:.0f} | {seeds} |"
        )


if __name__ == "__main__":
    main()
