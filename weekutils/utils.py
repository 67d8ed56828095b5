"""Reproducibility, device choice and result recording shared by every notebook."""

from __future__ import annotations

import math
import numbers
import os
import random

import numpy as np

RECORD_MIMETYPE = "application/vnd.weekutils.record+json"


SEED_VARIABLE = "WEEKUTILS_SEED"
THREADS_VARIABLE = "WEEKUTILS_THREADS"


def set_seed(seed: int = 0) -> np.random.Generator:
    """Seed Python, NumPy and torch, and return a fresh NumPy Generator (week 1).

    The environment variable WEEKUTILS_SEED, if set, replaces `seed`: the benchmarks use it to run a
    notebook unchanged under several seeds and measure the spread of its results.
    """
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    override = os.environ.get(SEED_VARIABLE)
    if override is not None:
        if not override.isdigit():
            raise ValueError(f"{SEED_VARIABLE} must be a non-negative integer, got {override!r}")
        seed = int(override)
        print(f"Seed {seed}, from {SEED_VARIABLE}")
    import torch

    random.seed(seed)
    # Legacy global NumPy state is seeded too, for any third-party code that still uses it;
    # course code itself uses the returned Generator.
    np.random.seed(seed)
    torch.manual_seed(seed)
    return np.random.default_rng(seed)


def set_threads(threads: int | None = None) -> int:
    """Set how many CPU threads torch and NumPy's BLAS use; None means one per core (week 2).

    Small networks train fastest on one thread: a step is too short to split, and a second thread
    mostly waits, spinning, for the first. When another program (a browser, a second notebook) is
    busy on the same cores, that spinning made small steps 4-5 times slower in benchmarks/bench_threads.py.
    Convolutional networks do enough work per step to gain from every core. The environment variable
    WEEKUTILS_THREADS, if set, replaces `threads`: the seed benchmarks run notebooks side by side, one core each.
    """
    import torch
    from threadpoolctl import threadpool_limits

    cores = os.cpu_count() or 1
    override = os.environ.get(THREADS_VARIABLE)
    if override is not None:
        if not override.isdigit() or int(override) < 1:
            raise ValueError(f"{THREADS_VARIABLE} must be a positive integer, got {override!r}")
        threads = int(override)
    if threads is None:
        threads = cores
    if not isinstance(threads, numbers.Integral) or isinstance(threads, bool) or threads < 1:
        raise ValueError(f"threads must be a positive integer or None (one per core), got {threads!r}")
    torch.set_num_threads(int(threads))
    threadpool_limits(limits=int(threads))
    print(f"Threads: torch and NumPy use {threads} of {cores} CPU cores")
    return int(threads)


def get_device(verbose: bool = True):
    """Pick the best available torch device: cuda, then mps, then cpu (week 1)."""
    import torch

    if torch.cuda.is_available():
        device = torch.device("cuda")
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device = torch.device("mps")
    else:
        device = torch.device("cpu")
    if verbose:
        print(f"Using device: {device}")
    return device


def _plain(value):
    """Turn NumPy/torch scalars into plain JSON values."""
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise ValueError(f"record() takes a number, bool or string, got {type(value).__name__}: {value!r}")


def format_value(value) -> str:
    """Format a recorded value with sensible rounding (week 1)."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if math.isfinite(value) and value != 0 and abs(value) < 1e-3:
        return f"{value:.2e}"
    # Four significant digits: 0.9827 for an accuracy, 4.444 for seconds, 45.53 for a minute's work.
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def record(name: str, value, floor=None):
    """Report a notebook's headline result for the `weekutils run` summary; optional floor is asserted (week 1).

    The value is shown in the notebook and also travels in the cell output under a
    dedicated MIME type, which the runner reads back from the executed notebook.
    With ``floor`` the value is a checkpoint: it is recorded (so the summary shows
    it beside its floor) and then ``AssertionError`` is raised if it is below.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"record() needs a non-empty name, got {name!r}")
    value = _plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"record({name!r}) got a non-finite value {value}")
    payload = {"name": name, "value": value}
    text = f"[recorded] {name} = {format_value(value)}"
    if floor is not None:
        floor = _plain(floor)
        if isinstance(floor, bool) or not isinstance(floor, (int, float)) or not math.isfinite(floor):
            raise ValueError(f"record({name!r}) floor must be a finite number or None, got {floor!r}")
        if isinstance(value, (bool, str)):
            raise ValueError(f"record({name!r}) has a floor, so its value must be a number, got {value!r}")
        payload["floor"] = floor
        text += f" (floor {format_value(floor)})"
    _show(text, payload)
    # Recorded first, checked second: a failing run still reports how far below the floor it was.
    # (An explicit raise, not `assert`, so that python -O cannot skip the checkpoint.)
    if floor is not None and value < floor:
        raise AssertionError(f"{name} = {format_value(value)} is below its floor {format_value(floor)}")
    return value


def _show(text, payload):
    """Display a record in Jupyter (text plus the machine-readable payload), or print it."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display({"text/plain": text, RECORD_MIMETYPE: payload}, raw=True)
            return
    except ImportError:  # plain Python without IPython: printing is enough
        pass
    print(text)
