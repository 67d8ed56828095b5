"""MNIST and Fashion-MNIST for the course: the official files, MD5-checked, with a validation split.

The files live in torchvision's layout under the data folder (`data/` or `WEEKUTILS_DATA_DIR`):
`MNIST/raw/` and `FashionMNIST/raw/`, each file either gzip-compressed or not. When they are missing,
torchvision downloads them. The training set is split into training and validation data here; the test
set comes from a separate call (`load_mnist_test`), made once, at the end of a notebook.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import socket
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DOWNLOAD_TIMEOUT_S = 30
DEFAULT_VALIDATION = 10_000
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
SPLIT_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, so it can key the read cache
class DatasetSpec:
    """One IDX dataset: its torchvision folder, the MD5s of its uncompressed files, other places to look (week 1)."""

    title: str
    folder: str
    md5: dict
    class_names: tuple
    system_dirs: tuple = ()


MNIST = DatasetSpec(
    title="MNIST",
    folder="MNIST",
    md5={
        "train_images": "6bbc9ace898e44ae57da46a324031adb",
        "train_labels": "a25bea736e30d166cdddb491f175f624",
        "test_images": "2646ac647ad5339dbf082846283269ea",
        "test_labels": "27ae3e4e09519cfbb04c329615203637",
    },
    class_names=tuple(str(d) for d in range(10)),
)
FASHION_MNIST = DatasetSpec(
    title="Fashion-MNIST",
    folder="FashionMNIST",
    md5={
        "train_images": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train_labels": "9018921c3c673c538a1fc5bad174d6f9",
        "test_images": "8181f5470baa50b63fa0f6fddb340f0a",
        "test_labels": "15d484375f8d13e6eb1aabb0c3f46965",
    },
    class_names=(
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    # Debian's dataset-fashion-mnist package (recompressed: same bytes once uncompressed).
    system_dirs=("/usr/share/datasets/fashion-mnist",),
)
DATASETS = {"mnist": MNIST, "fashion-mnist": FASHION_MNIST}


class DataFileError(RuntimeError):
    """A data file is missing, corrupt or of the wrong kind; the message names it and says how to fix it (week 1)."""


def data_dir() -> Path:
    """The data folder: `WEEKUTILS_DATA_DIR` if set, else the repository's `data/` (week 1)."""
    return Path(os.environ.get("WEEKUTILS_DATA_DIR") or REPO_DATA_DIR)


def raw_dir(spec: DatasetSpec = MNIST) -> Path:
    """Where torchvision keeps (and downloads) a dataset's files under the data folder (week 1)."""
    return data_dir() / spec.folder / "raw"


def _file_in(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def find_files(spec: DatasetSpec = MNIST) -> tuple[Path, dict] | None:
    """The first folder holding all four files of `spec`, and their paths; None if there is none (week 1)."""
    for folder in (raw_dir(spec), *map(Path, spec.system_dirs)):
        paths = {key: _file_in(folder, stem) for key, stem in SPLIT_FILES.items()}
        if all(paths.values()):
            return folder, paths
    return None


def expected_files_text(spec: DatasetSpec = MNIST) -> str:
    """The four file names with the MD5 of their uncompressed bytes, one per line (week 1)."""
    return "\n".join(f"  {SPLIT_FILES[key]}.gz  (uncompressed MD5 {md5})" for key, md5 in spec.md5.items())


def _get_good_copy(spec: DatasetSpec) -> str:
    return (
        f"Delete it and run again to download a fresh copy, or copy the official file into {raw_dir(spec)}. "
        f"The files and the MD5s of their uncompressed bytes:\n{expected_files_text(spec)}"
    )


def read_idx(path: Path, expected_md5: str, spec: DatasetSpec = MNIST) -> np.ndarray:
    """Read one IDX file (gzip-compressed or not), checking the MD5 of its bytes and its header (week 1)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # the gzip signature
            raw = gzip.decompress(raw)
    except FileNotFoundError:
        raise DataFileError(f"{spec.title} file {path} is missing. {_get_good_copy(spec)}") from None
    except (OSError, EOFError, zlib.error) as err:
        raise DataFileError(
            f"{spec.title} file {path} is damaged: it is not a readable gzip file ({err}). {_get_good_copy(spec)}"
        ) from None
    md5 = hashlib.md5(raw).hexdigest()
    if md5 != expected_md5:
        raise DataFileError(
            f"{spec.title} file {path} is corrupt or not the official file: the MD5 of its "
            f"uncompressed bytes is {md5}, expected {expected_md5}. {_get_good_copy(spec)}"
        )
    # The MD5 already proves the bytes are the official ones, so the header is trusted from here on.
    ndim = raw[3]  # header: two zero bytes, the type code (0x08: uint8), the number of dimensions
    dims = np.frombuffer(raw, dtype=">i4", count=ndim, offset=4).astype(int)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _download(spec: DatasetSpec) -> None:
    """Fetch the four files with torchvision (which checks its own MD5s), under a bounded socket timeout."""
    import torchvision.datasets

    dataset_class = getattr(torchvision.datasets, spec.folder)
    print(f"{spec.title} is not in {raw_dir(spec)} yet: downloading it with torchvision (one time, about 60 MB)...")
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        for train in (True, False):
            dataset_class(root=str(data_dir()), train=train, download=True)
    except Exception as err:  # torchvision raises several types for network trouble
        reason = " ".join(f"{type(err).__name__}: {err}".split())[:200]
        raise DataFileError(
            f"{spec.title} is not in {raw_dir(spec)} and could not be downloaded ({reason}).\n"
            f"Connect to the internet and run again, or put the four official files there (gzip-compressed "
            f"or not; set WEEKUTILS_DATA_DIR to use another data folder):\n{expected_files_text(spec)}"
        ) from None
    finally:
        socket.setdefaulttimeout(previous)


@functools.lru_cache(maxsize=4)
def _read_all(spec: DatasetSpec, paths: tuple) -> dict:
    """The four arrays, read once per process for a given set of files (keyed by path, size and mtime)."""
    arrays = {key: read_idx(path, spec.md5[key], spec) for key, (path, _, _) in zip(SPLIT_FILES, paths)}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if len(images) != len(labels):  # cannot happen with official files; guards a future spec typo
            raise DataFileError(f"{spec.title}: {len(images)} {split} images but {len(labels)} labels")
    return arrays


def load_arrays(spec: DatasetSpec = MNIST, download: bool = True) -> tuple[dict, Path]:
    """The raw uint8 arrays of `spec` and the folder they came from, downloading if needed (week 1)."""
    found = find_files(spec)
    if found is None:
        if not download:
            raise DataFileError(
                f"{spec.title} is not in {raw_dir(spec)}. Put the four official files there:\n"
                f"{expected_files_text(spec)}"
            )
        _download(spec)
        found = find_files(spec)
        if found is None:
            raise DataFileError(f"torchvision reported success but {spec.title}'s files are not in {raw_dir(spec)}")
    folder, paths = found
    keys = tuple((p, p.stat().st_size, p.stat().st_mtime_ns) for p in paths.values())
    return _read_all(spec, keys), folder


def _check_flags(**flags) -> None:
    for name, flag in flags.items():
        if not isinstance(flag, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {flag!r}")


def _prepare(images, labels, normalize, flatten, one_hot_label):
    x = images.astype(np.float32) / 255.0 if normalize else images.copy()
    x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, 28, 28)
    t = labels.astype(np.int64)
    return x, (np.eye(10, dtype=np.float32)[t] if one_hot_label else t)


def _relative(folder: Path) -> str:
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def load_dataset(
    spec: DatasetSpec = MNIST,
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    validation: int = DEFAULT_VALIDATION,
):
    """Training and validation data of `spec`: ((x_train, t_train), (x_val, t_val)) (week 1).

    The validation data are the last `validation` images of the official training set. The test set is
    deliberately not returned: get it with `load_dataset_test` once every choice is made.
    """
    _check_flags(normalize=normalize, flatten=flatten, one_hot_label=one_hot_label)
    arrays, folder = load_arrays(spec)
    n = len(arrays["train_images"])
    if not isinstance(validation, (int, np.integer)) or isinstance(validation, bool) or not 1 <= validation < n:
        raise ValueError(f"validation must be an integer number of images from 1 to {n - 1:,}, got {validation!r}")
    cut = n - int(validation)
    train = _prepare(arrays["train_images"][:cut], arrays["train_labels"][:cut], normalize, flatten, one_hot_label)
    val = _prepare(arrays["train_images"][cut:], arrays["train_labels"][cut:], normalize, flatten, one_hot_label)
    print(
        f"Data: {spec.title} from {_relative(folder)} (MD5 verified): {cut:,} training images, "
        f"{int(validation):,} validation images (the last of the official training set)"
    )
    return train, val


def load_dataset_test(
    spec: DatasetSpec = MNIST, normalize: bool = True, flatten: bool = True, one_hot_label: bool = False
):
    """The official test set of `spec` as (x_test, t_test); score it once, at the end (week 1)."""
    _check_flags(normalize=normalize, flatten=flatten, one_hot_label=one_hot_label)
    arrays, folder = load_arrays(spec)
    x, t = _prepare(arrays["test_images"], arrays["test_labels"], normalize, flatten, one_hot_label)
    print(
        f"Data: {spec.title} test set from {_relative(folder)} (MD5 verified): {len(x):,} images, "
        f"used once, for the final score"
    )
    return x, t


def load_mnist(
    normalize: bool = True, flatten: bool = True, one_hot_label: bool = False, validation: int = DEFAULT_VALIDATION
):
    """MNIST training and validation data, ((x_train, t_train), (x_val, t_val)), book-style arguments (week 1).

    normalize: float32 pixels in [0, 1] instead of uint8 0..255.
    flatten: images as (N, 784) instead of (N, 1, 28, 28).
    one_hot_label: labels as (N, 10) float32 one-hot rows instead of int64 class indices.
    validation: how many of the 60,000 training images (the last ones) to hold out for choosing settings.
    """
    return load_dataset(MNIST, normalize, flatten, one_hot_label, validation)


def load_mnist_test(normalize: bool = True, flatten: bool = True, one_hot_label: bool = False):
    """The 10,000 official MNIST test images as (x_test, t_test), for the one final score (week 2)."""
    return load_dataset_test(MNIST, normalize, flatten, one_hot_label)


def load_fashion_mnist(
    normalize: bool = True, flatten: bool = True, one_hot_label: bool = False, validation: int = DEFAULT_VALIDATION
):
    """Fashion-MNIST training and validation data, with the same API as `load_mnist` (week 7)."""
    return load_dataset(FASHION_MNIST, normalize, flatten, one_hot_label, validation)


def load_fashion_mnist_test(normalize: bool = True, flatten: bool = True, one_hot_label: bool = False):
    """The 10,000 Fashion-MNIST test images as (x_test, t_test), for the one final score (week 7)."""
    return load_dataset_test(FASHION_MNIST, normalize, flatten, one_hot_label)


def mnist_dataloaders(
    batch_size: int = 100,
    seed: int = 0,
    flatten: bool = False,
    train_transform=None,
    validation: int = DEFAULT_VALIDATION,
    eval_batch_size: int = 1000,
    spec: DatasetSpec = MNIST,
):
    """Torch DataLoaders (train, validation): shuffled, seeded, single-process (week 2).

    train_transform, if given, is applied to each training image tensor (1, 28, 28) on the fly,
    so augmentation draws fresh random parameters for every sample.
    """
    import torch
    from torch.utils.data import DataLoader, Dataset, TensorDataset

    for name, value in (("batch_size", batch_size), ("eval_batch_size", eval_batch_size)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    (x_train, t_train), (x_val, t_val) = load_dataset(spec, normalize=True, flatten=flatten, validation=validation)

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
    train_loader = DataLoader(train_set, batch_size=int(batch_size), shuffle=True, num_workers=0, generator=generator)
    val_loader = DataLoader(
        TensorDataset(torch.from_numpy(x_val), torch.from_numpy(t_val)),
        batch_size=int(eval_batch_size),
        shuffle=False,
        num_workers=0,
    )
    return train_loader, val_loader


def check_files(spec: DatasetSpec = MNIST) -> list[str]:
    """One line per file of `spec`: where it was found and whether its MD5 is right (week 1, for `doctor`)."""
    found = find_files(spec)
    if found is None:
        return [f"{spec.title}: not found; the first use downloads it into {raw_dir(spec)}"]
    folder, paths = found
    lines = [f"{spec.title}: {folder}"]
    for key, path in paths.items():
        try:
            read_idx(path, spec.md5[key], spec)
            status = "MD5 OK"
        except DataFileError as err:
            status = "PROBLEM: " + str(err).split(". ")[0]
        lines.append(f"  {path.name:<28} {status}")
    return lines
