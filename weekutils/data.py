"""MNIST for the course: full MNIST through torchvision when available, else the bundled 10k copy."""
from __future__ import annotations

import functools
import gzip
import hashlib
import os
import socket
from pathlib import Path

import numpy as np

DATA_DIR = Path(os.environ.get("WEEKUTILS_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))
SAMPLE_DIR_NAME = "mnist-10k"
SOURCES = ("auto", "full", "sample")
DOWNLOAD_TIMEOUT_S = 10

# MD5 of the *uncompressed* bytes, as listed in data/README.md.
SAMPLE_FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", "63a563d3843dba5073e604e3a7990e87"),
    "train_labels": ("train-labels-idx1-ubyte.gz", "e6ef65212ddc6f9010e22d95b5269050"),
    "test_images": ("t10k-images-idx3-ubyte.gz", "2646ac647ad5339dbf082846283269ea"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", "27ae3e4e09519cfbb04c329615203637"),
}
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049

# Remember a failed download for the rest of the process, so an offline laptop
# pays the network timeout once, not on every load.
_download_failure: str | None = None


class DataFileError(RuntimeError):
    """A bundled data file is missing or corrupt; the message says how to restore it (week 1)."""


def _restore_hint(path: Path) -> str:
    return (
        f"Restore it with `git checkout -- data/{SAMPLE_DIR_NAME}/{path.name}` from the course repository "
        f"(or copy it again from the course's shared data folder)."
    )


def _read_idx(path: Path, expected_md5: str, magic: int) -> np.ndarray:
    """Read one gzip-compressed IDX file, checking its MD5 and header."""
    if not path.is_file():
        raise DataFileError(f"Bundled MNIST file {path} is missing. {_restore_hint(path)}")
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise DataFileError(f"Bundled MNIST file {path} is not a readable gzip file ({err}). {_restore_hint(path)}") from err
    md5 = hashlib.md5(raw).hexdigest()
    if md5 != expected_md5:
        raise DataFileError(
            f"Bundled MNIST file {path} is corrupt: the MD5 of its uncompressed bytes is {md5}, "
            f"expected {expected_md5}. {_restore_hint(path)}"
        )
    header = np.frombuffer(raw, dtype=">i4", count=1)[0]
    if header != magic:
        raise DataFileError(f"{path} has IDX magic number {header}, expected {magic}. {_restore_hint(path)}")
    ndim = magic - 2048  # 2049 -> 1-d labels, 2051 -> 3-d images
    dims = np.frombuffer(raw, dtype=">i4", count=ndim, offset=4).astype(int)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _load_sample():
    folder = DATA_DIR / SAMPLE_DIR_NAME
    arrays = {
        key: _read_idx(folder / name, md5, IMAGE_MAGIC if key.endswith("images") else LABEL_MAGIC)
        for key, (name, md5) in SAMPLE_FILES.items()
    }
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def _torchvision_mnist(train: bool, download: bool):
    from torchvision.datasets import MNIST

    return MNIST(root=str(DATA_DIR), train=train, download=download)


@functools.lru_cache(maxsize=4)
def _full_split_on_disk(root: str, train: bool):
    """torchvision's MNIST split already under root; cached, so the presence check and the load read it once."""
    from torchvision.datasets import MNIST

    return MNIST(root=root, train=train, download=False)


def full_mnist_present() -> bool:
    """True when torchvision's full MNIST is already under data/ (week 1)."""
    try:
        for train in (True, False):
            _full_split_on_disk(str(DATA_DIR), train)
    except RuntimeError:  # torchvision: "Dataset not found"; failures are not cached
        return False
    return True


def _download_full(timeout_s: float) -> None:
    """Download full MNIST with torchvision (its MD5 checks included) under a bounded timeout."""
    global _download_failure
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout_s)
    try:
        for train in (True, False):
            _torchvision_mnist(train=train, download=True)
    except Exception as err:  # torchvision raises several types for network trouble
        # torchvision's message lists every mirror it tried; one line is enough here.
        _download_failure = " ".join(f"{type(err).__name__}: {err}".split())[:200]
        raise
    finally:
        socket.setdefaulttimeout(previous)


def _load_full():
    (train, test) = (_full_split_on_disk(str(DATA_DIR), flag) for flag in (True, False))
    return (train.data.numpy(), train.targets.numpy()), (test.data.numpy(), test.targets.numpy())


def resolve_source(source: str = "auto", download: bool = True) -> tuple[str, str]:
    """Decide which MNIST to use: returns ("full" | "sample", reason) (week 1).

    `WEEKUTILS_DATA` overrides `source`. With `download=False`, "auto" only looks on disk.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    why = f"source={source!r}"
    env = os.environ.get("WEEKUTILS_DATA")
    if env:
        if env not in SOURCES:
            raise ValueError(f"WEEKUTILS_DATA must be one of {SOURCES}, got {env!r}")
        source, why = env, f"WEEKUTILS_DATA={env}"
    if source == "sample":
        return "sample", f"{why} asks for the bundled sample"
    if full_mnist_present():
        return "full", f"full MNIST found under {DATA_DIR}"
    if source == "full":
        if not download:
            return "full", f"{why}: full MNIST will be downloaded"
        try:
            _download_full(DOWNLOAD_TIMEOUT_S)
        except Exception as err:
            raise RuntimeError(
                f"{why} needs full MNIST, which is not under {DATA_DIR} and could not be downloaded "
                f"({_download_failure or err}). Connect to the internet, or use source='sample' "
                f"(or WEEKUTILS_DATA=sample) for the bundled 10,000-image copy."
            ) from err
        return "full", "full MNIST downloaded by torchvision"
    # auto
    if not download:
        return "sample", "full MNIST is not downloaded yet (auto would try to download it)"
    if _download_failure is None:
        try:
            _download_full(DOWNLOAD_TIMEOUT_S)
            return "full", "full MNIST downloaded by torchvision"
        except Exception:
            pass
    return "sample", f"full MNIST is not under {DATA_DIR} and could not be downloaded ({_download_failure})"


def load_mnist(normalize: bool = True, flatten: bool = True, one_hot_label: bool = False, source: str = "auto"):
    """Load MNIST as NumPy arrays ((x_train, t_train), (x_test, t_test)), book-style arguments (week 1).

    normalize: float32 pixels in [0, 1] instead of uint8 0..255.
    flatten: images as (N, 784) instead of (N, 1, 28, 28).
    one_hot_label: labels as (N, 10) float32 one-hot rows instead of int64 class indices.
    """
    for name, flag in (("normalize", normalize), ("flatten", flatten), ("one_hot_label", one_hot_label)):
        if not isinstance(flag, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    chosen, reason = resolve_source(source)
    if chosen == "full":
        (x_train, t_train), (x_test, t_test) = _load_full()
        label = f"full MNIST ({DATA_DIR / 'MNIST'})"
    else:
        (x_train, t_train), (x_test, t_test) = _load_sample()
        label = f"bundled MNIST sample ({DATA_DIR / SAMPLE_DIR_NAME})"
        if not reason.endswith("bundled sample"):
            label += f" because {reason}"
    print(f"Data: {label}: {len(x_train):,} train / {len(x_test):,} test images")

    def images(x):
        x = x.astype(np.float32) / 255.0 if normalize else x.copy()
        return x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, 28, 28)

    def labels(t):
        t = t.astype(np.int64)
        return np.eye(10, dtype=np.float32)[t] if one_hot_label else t

    return (images(x_train), labels(t_train)), (images(x_test), labels(t_test))


def mnist_dataloaders(batch_size: int = 100, seed: int = 0, source: str = "auto",
                      flatten: bool = False, train_transform=None, test_batch_size: int = 1000):
    """Torch DataLoaders over MNIST: shuffled, seeded, single-process (week 2).

    train_transform, if given, is applied to each training image tensor (1, 28, 28) on the fly,
    so augmentation draws fresh random parameters for every sample.
    """
    import torch
    from torch.utils.data import DataLoader, Dataset, TensorDataset

    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, flatten=flatten, source=source)

    class _Transformed(Dataset):
        def __init__(self, x, t):
            self.x, self.t = x, t

        def __len__(self):
            return len(self.x)

        def __getitem__(self, i):
            return train_transform(self.x[i]), self.t[i]

    x_tr, t_tr = torch.from_numpy(x_train), torch.from_numpy(t_train)
    train_set = _Transformed(x_tr, t_tr) if train_transform is not None else TensorDataset(x_tr, t_tr)
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, num_workers=0, generator=generator)
    test_loader = DataLoader(TensorDataset(torch.from_numpy(x_test), torch.from_numpy(t_test)),
                             batch_size=test_batch_size, shuffle=False, num_workers=0)
    return train_loader, test_loader
