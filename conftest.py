"""Test-wide settings: the tests read the official MNIST files in place, never a copy in the repository."""

import os
import tempfile
import time
from pathlib import Path

from weekutils.data import MNIST, find_files

# The Korean notebooks (notebooks/ko/) are not executed again under nbval: their code cells are byte-identical
# to the English ones, in the same order (tests/test_edition.py fails otherwise), so a second run would only
# repeat the English run at twice the CI time. tests/test_edition.py checks their text, and
# tests/test_browser.py opens, runs and renders week 3's Korean notebook in JupyterLab.
collect_ignore = ["notebooks/ko"]

# A course checkout next to the course's shared data (as in CI) links those files into a temporary data
# folder in torchvision's layout. Set before nbval starts any kernel, so the kernels inherit it. An explicit
# WEEKUTILS_DATA_DIR, or a downloaded data/MNIST/, wins.
SHARED_MNIST = Path(__file__).resolve().parent.parent / "shared" / "data" / "mnist"
if not os.environ.get("WEEKUTILS_DATA_DIR") and find_files(MNIST) is None and SHARED_MNIST.is_dir():
    linked = Path(tempfile.mkdtemp(prefix="weekutils-data-")) / MNIST.folder / "raw"
    linked.mkdir(parents=True)
    for source in SHARED_MNIST.glob("*-ubyte.gz"):
        (linked / source.name).symlink_to(source)
    os.environ["WEEKUTILS_DATA_DIR"] = str(linked.parent.parent)


# ---------------------------------------------------------------- executed notebooks for the slide test
# nbval runs every notebook once. The outputs it gets are kept and each fully passing notebook is written to
# build/nbval/<name>.ipynb, so tests/test_slides_browser.py measures slides with plots and results without
# executing any notebook a second time; that test is ordered after the notebooks.
NBVAL_OUT = Path(__file__).resolve().parent / "build" / "nbval"
SLIDE_TESTS = "test_slides_browser.py"
_failed_notebooks: set = set()


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "test_outputs")


def pytest_runtest_makereport(item, call):
    if _is_nbval_cell(item) and call.excinfo is not None:
        _failed_notebooks.add(item.parent.path)


def pytest_runtest_teardown(item, nextitem):
    """After a notebook's last cell: write it with the outputs nbval collected, if every cell passed."""
    if not _is_nbval_cell(item):
        return
    import nbformat

    item.cell.outputs = [nbformat.from_dict(output) for output in (item.test_outputs or [])]
    if nextitem is not None and nextitem.parent is item.parent:
        return
    target = NBVAL_OUT / item.parent.path.name
    if item.parent.path in _failed_notebooks:
        target.unlink(missing_ok=True)  # never leave an older copy that looks current
        NBVAL_OUT.mkdir(parents=True, exist_ok=True)
        target.with_name(target.name + ".failed").touch()  # the slide test, on another worker, stops waiting
        return
    NBVAL_OUT.mkdir(parents=True, exist_ok=True)
    nbformat.write(item.parent.nb, target)


# ---------------------------------------------------------------- two workers on two cores
# The README's test command runs two pytest-xdist workers (`-n 2 --dist loadfile`: all cells of a notebook on
# one worker, in order). Each worker, and every kernel it starts, uses one thread: two processes with two threads
# each on two cores spin-wait on each other and run several times slower (benchmarks/README.md, threads).
# The controller's start time, inherited by the workers: the slide test waits for copies newer than it.
os.environ.setdefault("WEEKUTILS_TEST_SESSION_START", str(time.time()))
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("WEEKUTILS_THREADS", "1")
    from weekutils.utils import set_threads

    set_threads()

# The longest notebooks start first, so that the two workers finish at about the same time.
LONGEST_FIRST = ["week6", "week7", "week4", "week3", "week1", "week2", "week5"]


def _start_order(item) -> tuple[int, int]:
    if item.path.name == SLIDE_TESTS:
        return 2, 0  # last: it reads the executed notebooks
    if item.path.suffix == ".ipynb":
        week = item.path.stem.split("_")[0]
        return 0, LONGEST_FIRST.index(week) if week in LONGEST_FIRST else len(LONGEST_FIRST)
    return 1, 0


def pytest_collection_modifyitems(session, config, items):
    """Longest notebooks first, then the other tests, and last the slide test that reads the executed notebooks."""
    items.sort(key=_start_order)  # stable: the cells of a notebook, and tests within a file, keep their order
