"""Writing files so that an interruption never leaves half a file behind (weeks 3-6, course tooling)."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "atomic_write_text", "npz_path"]


def npz_path(path) -> Path:
    """The file name save_params and load_params both use: path with '.npz' added unless present (week 3)."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"path must name a file, but {str(path)!r} is a directory")
    # np.savez adds '.npz' silently but np.load does not; doing it here keeps the two in step.
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`; on success it replaces `path` in one step (course tooling).

    On any exception (KeyboardInterrupt included) the temporary file is removed and
    `path` is left exactly as it was.
    """
    path = Path(path)
    # Same folder, so os.replace is a rename within one file system and therefore atomic.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path, text: str) -> None:
    """Write text (UTF-8) to path atomically (course tooling)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
