"""Test-wide settings: the tests read the official MNIST files in place, never a copy in the repository."""

import os
import tempfile
from pathlib import Path

from weekutils.data import MNIST, find_files

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
