"""Test-wide settings: the tests read the official MNIST files in place, never a copy in the repository."""

import os
import tempfile
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
