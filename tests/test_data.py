"""The data layer: full MNIST and Fashion-MNIST, the validation split, and every failure path.

The tests of the happy path read the official files (CI links them into a temporary data folder); the
tests of the failure paths build their own small IDX files in a temporary folder.
"""

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from weekutils import data
from weekutils.data import DataFileError, DatasetSpec, load_dataset, load_dataset_test, load_mnist, load_mnist_test

ROOT = Path(__file__).resolve().parent.parent
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]  # ../shared/data/README.md
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(), load_mnist_test()


def test_full_mnist_shapes_dtypes_and_range(mnist):
    ((x_train, t_train), (x_val, t_val)), (x_test, t_test) = mnist
    assert x_train.shape == (50_000, 784) and x_val.shape == (10_000, 784) and x_test.shape == (10_000, 784)
    assert x_train.dtype == np.float32 and t_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert t_train.shape == (50_000,) and t_val.shape == (10_000,) and t_test.shape == (10_000,)


def test_class_counts_match_the_official_files(mnist):
    ((_, t_train), (_, t_val)), (_, t_test) = mnist
    assert (np.bincount(t_train) + np.bincount(t_val)).tolist() == TRAIN_COUNTS
    assert np.bincount(t_test).tolist() == TEST_COUNTS


def test_validation_is_the_end_of_the_training_set_and_never_the_test_set(mnist):
    ((x_train, _), (x_val, _)), (x_test, _) = mnist
    (x_all, _), (x_last, _) = load_mnist(validation=1)
    assert len(x_all) == 59_999
    np.testing.assert_array_equal(x_all[:50_000], x_train)
    np.testing.assert_array_equal(x_all[50_000:], x_val[:-1])
    np.testing.assert_array_equal(x_last[0], x_val[-1])
    assert not any(np.array_equal(x_val[0], x) for x in x_test[:1000])


@pytest.mark.parametrize("validation", [0, 60_000, -5, 2.5, True, "10000"])
def test_bad_validation_sizes_are_rejected(validation):
    with pytest.raises(ValueError, match=r"validation must be an integer .* 1 to 59,999"):
        load_mnist(validation=validation)


def test_unflattened_raw_pixels_and_one_hot():
    (x_train, t_train), _ = load_mnist(normalize=False, flatten=False, one_hot_label=True, validation=59_000)
    assert x_train.shape == (1_000, 1, 28, 28) and x_train.dtype == np.uint8 and x_train.max() == 255
    assert t_train.shape == (1_000, 10) and np.all(t_train.sum(axis=1) == 1)


def test_each_load_prints_one_calm_line(capsys):
    load_mnist()
    load_mnist_test()
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert "MNIST" in lines[0] and "50,000 training" in lines[0] and "10,000 validation" in lines[0]
    assert "test set" in lines[1] and "10,000 images" in lines[1] and "once" in lines[1]
    assert not any(word in " ".join(lines).lower() for word in ("error", "fail", "urlopen", "could not"))


@pytest.mark.parametrize("kwargs", [{"normalize": "yes"}, {"flatten": 1}, {"one_hot_label": None}])
def test_bad_flags_raise_value_error(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        load_mnist(**kwargs)


def test_unknown_keyword_is_rejected():
    with pytest.raises(TypeError):
        load_mnist(source="sample")


def test_dataloaders_are_seeded_single_process_and_validate():
    loader_a, val_loader = data.mnist_dataloaders(batch_size=64, seed=3)
    loader_b, _ = data.mnist_dataloaders(batch_size=np.int64(64), seed=3)
    xa, ta = next(iter(loader_a))
    xb, tb = next(iter(loader_b))
    assert xa.shape == (64, 1, 28, 28) and loader_a.num_workers == 0
    assert (ta == tb).all() and (xa == xb).all()
    assert len(loader_a.dataset) == 50_000 and len(val_loader.dataset) == 10_000


@pytest.mark.parametrize("batch_size", [0, 2.5, "64", True])
def test_dataloaders_reject_bad_batch_sizes(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        data.mnist_dataloaders(batch_size=batch_size)


def test_dataloader_applies_train_transform_per_sample():
    calls = []

    def transform(x):
        calls.append(tuple(x.shape))
        return x * 0

    loader, _ = data.mnist_dataloaders(batch_size=8, train_transform=transform)
    x, _ = next(iter(loader))
    assert calls == [(1, 28, 28)] * 8 and float(x.abs().sum()) == 0.0


@pytest.mark.skipif(not FASHION_DIR.is_dir(), reason="needs Debian's dataset-fashion-mnist (apt-get install)")
def test_fashion_mnist_has_the_same_api(capsys):
    (x_train, t_train), (x_val, t_val) = data.load_fashion_mnist(flatten=False)
    x_test, t_test = data.load_fashion_mnist_test()
    assert x_train.shape == (50_000, 1, 28, 28) and x_val.shape == (10_000, 1, 28, 28) and x_test.shape == (10_000, 784)
    assert (np.bincount(t_train) + np.bincount(t_val)).tolist() == [6000] * 10
    assert np.bincount(t_test).tolist() == [1000] * 10
    assert "Fashion-MNIST" in capsys.readouterr().out


# ---- failure paths, on small IDX files made here ----------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file: two zero bytes, type 0x08 (uint8), the number of dimensions, big-endian sizes, the data."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A made-up dataset of 12 training and 4 test images in torchvision's layout, and its spec."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (12, 28, 28)),
        "train_labels": np.arange(12) % 10,
        "test_images": rng.integers(0, 256, (4, 28, 28)),
        "test_labels": np.arange(4),
    }
    raw = tmp_path / "Tiny" / "raw"
    raw.mkdir(parents=True)
    md5 = {}
    for key, array in arrays.items():
        content = idx_bytes(array)
        md5[key] = hashlib.md5(content).hexdigest()
        (raw / (data.SPLIT_FILES[key] + ".gz")).write_bytes(gzip.compress(content))
    spec = DatasetSpec(title="Tiny", folder="Tiny", md5=md5, class_names=tuple("0123456789"))
    monkeypatch.setitem(data.DATASETS, "tiny", spec)
    monkeypatch.setenv("WEEKUTILS_DATA_DIR", str(tmp_path))
    return spec, raw, arrays


def test_tiny_dataset_loads_gzip_and_uncompressed(tiny):
    spec, raw, arrays = tiny
    (x_train, t_train), (x_val, t_val) = load_dataset(spec, normalize=False, flatten=False, validation=2)
    np.testing.assert_array_equal(x_train[:, 0], arrays["train_images"][:10])
    np.testing.assert_array_equal(t_val, arrays["train_labels"][10:])
    gz = raw / "t10k-images-idx3-ubyte.gz"
    gz.with_suffix("").write_bytes(gzip.decompress(gz.read_bytes()))  # torchvision keeps both forms
    gz.unlink()
    x_test, _ = load_dataset_test(spec, normalize=False)
    np.testing.assert_array_equal(x_test.reshape(4, 28, 28), arrays["test_images"])


def test_corrupt_file_names_the_file_and_the_fix(tiny):
    spec, raw, arrays = tiny
    path = raw / "t10k-labels-idx1-ubyte.gz"
    content = bytearray(gzip.decompress(path.read_bytes()))
    content[-1] = 200  # a label byte no digit has
    path.write_bytes(gzip.compress(bytes(content)))
    with pytest.raises(DataFileError, match=r"t10k-labels-idx1-ubyte\.gz is corrupt.*MD5.*download a fresh copy"):
        load_dataset_test(spec)


def test_flipped_bytes_in_the_gzip_stream_are_a_clear_error(tiny):
    spec, raw, _ = tiny
    path = raw / "train-images-idx3-ubyte.gz"
    content = bytearray(path.read_bytes())
    for i in range(30, 60):
        content[i] ^= 0xFF
    path.write_bytes(bytes(content))
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte\.gz is (damaged|corrupt)"):
        load_dataset(spec, validation=2)


def test_truncated_file_is_a_clear_error(tiny):
    spec, raw, _ = tiny
    path = raw / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte\.gz is damaged.*not a readable gzip"):
        load_dataset(spec, validation=2)


def test_wrong_magic_is_a_clear_error(tiny):
    spec, raw, arrays = tiny
    wrong = bytearray(idx_bytes(arrays["train_labels"]))
    wrong[3] = 3  # a labels file claiming three dimensions
    (raw / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(wrong)))
    with pytest.raises(DataFileError, match=r"train-labels-idx1-ubyte\.gz is corrupt or not the official file"):
        load_dataset(spec, validation=2)


def test_missing_files_and_failed_download_say_where_to_put_them(tiny, monkeypatch):
    spec, raw, _ = tiny
    (raw / "train-labels-idx1-ubyte.gz").unlink()

    def offline(*args, **kwargs):
        raise OSError("<urlopen error [Errno -2] Name or service not known>")

    monkeypatch.setattr("torchvision.datasets.MNIST.download", offline)
    spec = DatasetSpec(title="Tiny", folder="MNIST", md5=spec.md5, class_names=spec.class_names)
    with pytest.raises(DataFileError) as err:
        load_dataset(spec, validation=2)
    message = str(err.value)
    assert "could not be downloaded" in message and "Name or service not known" in message
    assert str(raw.parent.parent / "MNIST" / "raw") in message
    for key, md5 in spec.md5.items():
        assert data.SPLIT_FILES[key] in message and md5 in message


def test_load_without_download_says_where_files_go(tiny):
    spec, raw, _ = tiny
    for path in raw.iterdir():
        path.unlink()
    with pytest.raises(DataFileError, match=r"not in .*Tiny/raw.*Put the four official files there"):
        data.load_arrays(spec, download=False)


def test_a_file_changed_after_loading_is_read_again(tiny):
    spec, raw, _ = tiny
    load_dataset_test(spec)
    path = raw / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(DataFileError, match="t10k-images"):
        load_dataset_test(spec)


def test_check_files_reports_each_file(tiny):
    spec, raw, _ = tiny
    lines = data.check_files(spec)
    assert lines[0] == f"Tiny: {raw}" and sum("MD5 OK" in line for line in lines) == 4
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not gzip, not IDX")
    assert sum("PROBLEM" in line for line in data.check_files(spec)) == 1


def test_doctor_reports_the_files_and_their_md5(monkeypatch):
    result = subprocess.run(
        [sys.executable, "-m", "weekutils.cli", "doctor"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WEEKUTILS_DATA_DIR" in result.stdout
    assert result.stdout.count("MD5 OK") >= 4 and "downloads go to" in result.stdout


def test_no_dataset_file_is_tracked_under_data():
    """The repository redistributes no dataset: no .gz, .npz or IDX file above 100 kB under data/."""
    tracked = subprocess.run(
        ["git", "ls-files", "data"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    too_big = [
        name
        for name in tracked
        if (name.endswith((".gz", ".npz")) or "ubyte" in name) and (ROOT / name).stat().st_size > 100_000
    ]
    assert not too_big, f"dataset files are tracked: {too_big}"
