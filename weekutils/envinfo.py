"""What `weekutils doctor` and build/index.html report about the machine: versions, device, threads (week 1)."""

from __future__ import annotations

import os
import platform
import sys

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "WEEKUTILS_THREADS",
    "WEEKUTILS_SEED",
    "WEEKUTILS_DATA_DIR",
    "WEEKUTILS_PRESENTATION",
)


def environment_lines() -> list[str]:
    """Python and library versions, torch device, CPU cores and thread settings, one line each (week 1)."""
    import numpy as np
    import torch
    import torchvision
    from threadpoolctl import threadpool_info

    from weekutils.utils import get_device

    lines = [
        f"Python       {platform.python_version()} ({sys.executable})",
        f"torch        {torch.__version__}",
        f"torchvision  {torchvision.__version__}",
        f"numpy        {np.__version__}",
        f"device       {get_device(verbose=False)}",
        f"CPU cores    {os.cpu_count()}",
        f"torch threads  intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}",
    ]
    for pool in threadpool_info():
        lines.append(f"BLAS threads   {pool.get('internal_api')}: {pool.get('num_threads')} ({pool.get('prefix')})")
    for var in THREAD_VARIABLES:
        lines.append(f"{var:<22} {os.environ.get(var, '(unset)')}")
    return lines
