"""The `weekutils` command: run the notebooks, check the set-up, build slides, recognise your own images."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from weekutils.edition import LANGUAGES, edition_dirs


def doctor() -> int:
    """Print versions, device, thread settings, and which data files were found with their MD5 status (week 1)."""
    from weekutils import data
    from weekutils.envinfo import environment_lines

    for line in environment_lines():
        print(line)
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


def _positive_seconds(text: str) -> int:
    """argparse type for --timeout: a whole number of seconds >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of seconds >= 1, got {text!r}")
    return value


def main(argv=None) -> int:
    """Entry point of the `weekutils` command (week 1)."""
    parser = argparse.ArgumentParser(prog="weekutils", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks headless; write executed copies and HTML under build/")
    run.add_argument("weeks", nargs="*", type=int, help="week numbers (default: all)")
    run.add_argument("--out", type=Path, help="output folder (default: build/, build/ko/ with --lang ko)")
    run.add_argument("--lang", choices=LANGUAGES, default="en", help="edition: en (notebooks/) or ko (notebooks/ko/)")
    run.add_argument("--timeout", type=_positive_seconds, default=1200, help="seconds allowed per cell (default: 1200)")
    sub.add_parser("doctor", help="print versions, device, threads, and the data files with their MD5 status")
    slides = sub.add_parser("slides", help="write an offline HTML slide deck of one week under build/")
    slides.add_argument("week", type=int)
    slides.add_argument(
        "--out", type=Path, help="output folder (default: build/slides/, build/ko/slides/ with --lang ko)"
    )
    slides.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="edition: en (notebooks/) or ko (notebooks/ko/)"
    )
    predict = sub.add_parser("predict", help="top 3 classes of your own images (PNG, JPEG) with a saved model")
    predict.add_argument("images", nargs="+", type=Path, help="image files, any size, colour or grey")
    predict.add_argument("--model", default="mnist", help="mnist (digits, week 6) or fashion (clothes, week 7)")
    args = parser.parse_args(argv)

    try:
        if args.command == "doctor":
            return doctor()
        if args.command == "run":
            from weekutils.runner import RunInterrupted, run_weeks

            notebook_dir, build_dir = edition_dirs(args.lang)
            try:
                results = run_weeks(
                    args.weeks or None, out_dir=args.out or build_dir, timeout_s=args.timeout, notebook_dir=notebook_dir
                )
            except RunInterrupted as err:
                print(f"\n{err}", file=sys.stderr)
                return 130  # 128 + SIGINT, what a shell reports for a Ctrl-C
            return 0 if all(r.status == "ok" for r in results) else 1
        if args.command == "predict":
            from weekutils.predict import predict_files

            return predict_files(args.images, args.model)
        if args.command == "slides":
            from weekutils.slides import build_slides

            out = args.out or edition_dirs(args.lang)[1] / "slides"
            print(f"Slides written to {build_slides(args.week, out, lang=args.lang)}")
            return 0
    except ValueError as err:
        parser.exit(2, f"weekutils {args.command}: error: {err}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
