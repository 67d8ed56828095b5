"""Seed spread of week 7: run the notebook unchanged under several seeds (WEEKUTILS_SEED) and summarise its records.

    python benchmarks/bench_week7.py                      # seeds 0 1 2, executed copies in build/bench_week7/
    python benchmarks/bench_week7.py --seeds 1 2 --executed build/week7_beyond_mnist.ipynb
        # also count a copy already executed with seed 0 (e.g. by `weekutils run 7`)

The notebook's test floors must sit at least two standard deviations below the means printed here
(see benchmarks/README.md). Run on an otherwise idle machine: the times are wall-clock seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from weekutils.runner import REPO_ROOT, find_notebooks, notebook_records, run_notebook  # noqa: E402
from weekutils.utils import SEED_VARIABLE  # noqa: E402

KEYS = [
    "SimpleConvNet NumPy Fashion test accuracy",
    "Better CNN Fashion test accuracy",
    "SimpleConvNet NumPy Fashion validation accuracy",
    "Better CNN Fashion validation accuracy",
    "SimpleConvNet NumPy Fashion training seconds",
    "Better CNN Fashion training seconds",
    "Preprocessing gain on drawn digits",
    "Reject threshold",
    "MNIST test coverage at threshold",
    "Fashion test images rejected",
    "Notebook seconds",
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument(
        "--executed",
        type=Path,
        nargs="*",
        default=[],
        help="notebooks already executed with other seeds (their records are added)",
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "bench_week7")
    args = parser.parse_args(argv)

    path = find_notebooks([7])[7]
    runs = {}
    for executed in args.executed:
        runs[f"{executed.name} (executed)"] = notebook_records(nbformat.read(executed, as_version=4))
    for seed in args.seeds:
        os.environ[SEED_VARIABLE] = str(seed)  # the kernel inherits it; set_seed(0) then uses this seed
        print(f"seed {seed}: running {path.name} ...", flush=True)
        result = run_notebook(path, 7, args.out / f"seed{seed}", timeout_s=3600)
        print(f"  {result.status} in {result.seconds:.0f} s {result.error}", flush=True)
        runs[f"seed {seed}"] = result.records
    os.environ.pop(SEED_VARIABLE, None)

    for name, records in runs.items():
        print(f"\n{name}")
        for key in KEYS:
            if key in records:
                print(f"  {key:<48s} {records[key]:.4f}")
    print("\nmean ± sample std over the runs")
    for key in KEYS:
        values = [r[key] for r in runs.values() if key in r]
        if len(values) >= 2:
            print(f"  {key:<48s} {statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}  (n={len(values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
