"""Week 6's ablation and reference models (sections 4.4 and 4.5) under several seeds, without the rest of week 6.

A whole week 6 run takes about seven minutes; its ablation and references take about one. This runs only the
cells they need, taken from the notebook itself (found by their first line), so the code measured is the code
a student runs. Each seed replaces the notebook's `set_seed(0)`; the random streams therefore differ from a
full notebook run with the same seed (the skipped cells draw from them too), but the spread is the same kind.

    python benchmarks/bench_ablation.py --seeds 0 1 2 3 4 5 6 7

Prints, per seed, each arm's change against the full recipe in correct validation digits (of 10,000), the two
references' validation accuracies, and a summary (mean, sample standard deviation, range) per row.
"""

import argparse
import json
import statistics
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO_ROOT / "notebooks" / "week6_cnn_mnist.ipynb"

# The cells to run, in order, by the start of their source.
CELLS = [
    "import math",
    "import matplotlib.pyplot as plt",
    "from weekutils import load_mnist",
    "class TorchSimpleConvNet(nn.Module):",
    "def torch_logits(",
    "def affine_warp(",
    "def random_affine(",
    "def conv_bn_relu(",
    "better_cnn = make_better_cnn()",
    "BETTER_EPOCHS, BETTER_BATCH",
    "ABLATION_IMAGES, CONSTANT_LR",
    "def one_pass(",
    "def train_ablation_arm(",
    "arms = {",
    "ablation_acc = {}",
    "class ExamplesNet(nn.Module):",
    "examples_net = ExamplesNet()",
    "book_net = TorchSimpleConvNet()",
]


def notebook_code(seed: int, starts: list[str] = CELLS) -> list[str]:
    """The sources of the cells `starts` names, with the notebook's seed replaced; raise if one is missing or ambiguous."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    code = []
    for start in starts:
        hits = [s for s in sources if s.startswith(start)]
        if len(hits) != 1:
            raise SystemExit(f"{NOTEBOOK.name}: expected one code cell starting {start!r}, found {len(hits)}")
        code.append(hits[0])
    if "set_seed(0)" not in code[2]:
        raise SystemExit(f"{NOTEBOOK.name}: the setup cell no longer calls set_seed(0)")
    code[2] = code[2].replace("set_seed(0)", f"set_seed({seed})").replace("wplot.use_style()", "")
    # Build the network, skip its shape printout.
    return [source.split("activation =")[0] if source.startswith("better_cnn =") else source for source in code]


def run_seed(seed: int) -> dict[str, float]:
    namespace: dict = {}
    for source in notebook_code(seed):
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    import numpy as np

    x_val, t_val, torch_logits = namespace["x_val"], namespace["t_val"], namespace["torch_logits"]
    ablation = namespace["ablation_acc"]
    full = ablation["full recipe"]
    row = {
        f"{name} (digits vs full)": round((acc - full) * len(t_val))
        for name, acc in ablation.items()
        if name != "full recipe"
    }
    row["full recipe (validation)"] = full
    for name in ("examples_net", "book_net"):
        row[f"{name} (validation)"] = float(np.mean(torch_logits(namespace[name], x_val).argmax(1) == t_val))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    rows = {}
    for seed in args.seeds:
        rows[seed] = run_seed(seed)
        print(
            f"seed {seed}: "
            + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v:+d}" for k, v in rows[seed].items()),
            flush=True,
        )
    print("\n| row | mean | std | min | max | " + " | ".join(f"seed {s}" for s in args.seeds) + " |")
    print("|---|---|---|---|---|" + "---|" * len(args.seeds))
    for name in rows[args.seeds[0]]:
        values = [rows[s][name] for s in args.seeds]
        std = statistics.stdev(values) if len(values) > 1 else 0.0
        fmt = "{:.4f}" if isinstance(values[0], float) else "{:+.0f}"
        cells = [
            fmt.format(statistics.mean(values)),
            fmt.format(std).lstrip("+"),
            fmt.format(min(values)),
            fmt.format(max(values)),
        ]
        print(f"| {name} | " + " | ".join(cells + [fmt.format(v) for v in values]) + " |")


if __name__ == "__main__":
    main()
