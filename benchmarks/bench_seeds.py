"""Seed-to-seed spread of every recorded result: run notebooks unchanged under several seeds.

Each notebook calls `set_seed(0)` once; the environment variable WEEKUTILS_SEED replaces that seed, so
the very code a student runs is what gets measured. For every value a notebook `record()`s, this prints
the mean, the standard deviation and each seed's value, as a Markdown table for benchmarks/README.md.
Executed copies go to build/seeds/seed<N>/.

    python benchmarks/bench_seeds.py --weeks 2 4 --seeds 0 1 2

On a 2-core machine, seeds can run side by side, one core each (the results do not depend on it):

    WEEKUTILS_THREADS=1 python benchmarks/bench_seeds.py --weeks 6 --seeds 1 --out build/seeds-s1 &
    WEEKUTILS_THREADS=1 python benchmarks/bench_seeds.py --weeks 6 --seeds 2 --out build/seeds-s2 &
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

from weekutils.runner import REPO_ROOT, find_notebooks, run_notebook
from weekutils.utils import SEED_VARIABLE, format_value

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--weeks", type=int, nargs="*", help="weeks to run (default: all)")
PARSER.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
PARSER.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "seeds")


def main() -> int:
    args = PARSER.parse_args()
    results = {}  # week -> seed -> NotebookResult
    for week, path in find_notebooks(args.weeks).items():
        for seed in args.seeds:
            os.environ[SEED_VARIABLE] = str(seed)
            result = run_notebook(path, week, args.out / f"seed{seed}")
            print(f"week {week} seed {seed}: {result.status} in {result.seconds:.0f} s {result.error}", flush=True)
            results.setdefault(week, {})[seed] = result
    os.environ.pop(SEED_VARIABLE, None)
    failed = False
    print("\n| week | result | mean | std | " + " | ".join(f"seed {s}" for s in args.seeds) + " |")
    print("|---|---|---|---|" + "---|" * len(args.seeds))
    summary = {}
    for week, by_seed in results.items():
        seconds = [r.seconds for r in by_seed.values()]
        print(
            f"| {week} | notebook time (s) | {statistics.mean(seconds):.0f} | {statistics.pstdev(seconds):.0f} | "
            + " | ".join(f"{s:.0f}" for s in seconds)
            + " |"
        )
        failed |= any(r.status != "ok" for r in by_seed.values())
        names = [name for name in next(iter(by_seed.values())).records]
        for name in names:
            values = [r.records.get(name) for r in by_seed.values()]
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                continue
            mean, std = statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0
            summary[f"week {week}: {name}"] = {"mean": mean, "std": std, "values": values}
            print(
                f"| {week} | {name} | {format_value(float(mean))} | {format_value(float(std))} | "
                + " | ".join(format_value(float(v)) for v in values)
                + " |"
            )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
