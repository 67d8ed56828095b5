"""The `weekutils` command: run the notebooks, check the set-up, build slides, recognise your own images."""
from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

from weekutils.runner import REPO_ROOT


def doctor() -> int:
    """Print versions, device, thread settings, and which data files were found with their MD5 status (week 1)."""
    import numpy as np
    import torch
    import torchvision
    from threadpoolctl import threadpool_info

    from weekutils import data
    from weekutils.utils import get_device

    print(f"Python       {platform.python_version()} ({sys.executable})")
    print(f"torch        {torch.__version__}")
    print(f"torchvision  {torchvision.__version__}")
    print(f"numpy        {np.__version__}")
    print(f"device       {get_device(verbose=False)}")
    print(f"CPU cores    {os.cpu_count()}")
    print(f"torch threads  intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}")
    for pool in threadpool_info():
        print(f"BLAS threads   {pool.get('internal_api')}: {pool.get('num_threads')} ({pool.get('prefix')})")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "WEEKUTILS_DATA_DIR",
                "WEEKUTILS_PRESENTATION"):
        print(f"{var:<22} {os.environ.get(var, '(unset)')}")
    print(f"data folder  {data.data_dir()}")
    problems = 0
    for spec in data.DATASETS.values():
        lines = data.check_files(spec)
        problems += sum("PROBLEM" in line for line in lines)
        print("\n".join(lines))
        print(f"  downloads go to {data.raw_dir(spec)}")
    if problems:
        print(f"{problems} data file(s) have problems: delete them and run again to download fresh copies")
        return 1
    return 0


def main(argv=None) -> int:
    """Entry point of the `weekutils` command (week 1)."""
    parser = argparse.ArgumentParser(prog="weekutils", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks headless; write executed copies and HTML under build/")
    run.add_argument("weeks", nargs="*", type=int, help="week numbers (default: all)")
    run.add_argument("--out", type=Path, default=REPO_ROOT / "build", help="output folder (default: build/)")
    run.add_argument("--timeout", type=int, default=1200, help="seconds allowed per cell (default: 1200)")
    sub.add_parser("doctor", help="print versions, device, threads, and the data files with their MD5 status")
    slides = sub.add_parser("slides", help="write an offline HTML slide deck of one week under build/")
    slides.add_argument("week", type=int)
    slides.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "slides")
    predict = sub.add_parser("predict", help="top 3 classes of your own images (PNG, JPEG) with a saved model")
    predict.add_argument("images", nargs="+", type=Path, help="image files, any size, colour or grey")
    predict.add_argument("--model", default="mnist", help="mnist (digits, week 6) or fashion (clothes, week 7)")
    args = parser.parse_args(argv)

    try:
        if args.command == "doctor":
            return doctor()
        if args.command == "run":
            from weekutils.runner import run_weeks

            results = run_weeks(args.weeks or None, out_dir=args.out, timeout_s=args.timeout)
            return 0 if all(r.status == "ok" for r in results) else 1
        if args.command == "predict":
            from weekutils.predict import predict_files

            return predict_files(args.images, args.model)
        if args.command == "slides":
            from weekutils.slides import build_slides

            print(f"Slides written to {build_slides(args.week, args.out)}")
            return 0
    except ValueError as err:
        parser.exit(2, f"weekutils {args.command}: error: {err}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
