"""The bundled MNIST loader: shapes, dtypes, ranges, counts, MD5 failure and source selection."""
import gzip
import shutil

import numpy as np
import pytest

from weekutils import data
from weekutils.data import DataFileError, load_mnist, resolve_source

TRAIN_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def sample():
    return load_mnist(source="sample")


def test_shapes_dtypes_and_range(sample):
    (x_train, t_train), (x_test, t_test) = sample
    assert x_train.shape == (10_000, 784) and x_test.shape == (10_000, 784)
    assert x_train.dtype == np.float32 and t_train.dtype == np.int64
    assert 0.0 == x_train.min() and x_train.max() == 1.0
    assert t_train.shape == (10_000,) and t_test.shape == (10_000,)


def test_class_counts_match_the_data_readme(sample):
    (_, t_train), (_, t_test) = sample
    assert np.bincount(t_train).tolist() == TRAIN_COUNTS
    assert np.bincount(t_test).tolist() == TEST_COUNTS


def test_unflattened_raw_pixels_and_one_hot(capsys):
    (x_train, t_train), _ = load_mnist(normalize=False, flatten=False, one_hot_label=True, source="sample")
    assert x_train.shape == (10_000, 1, 28, 28) and x_train.dtype == np.uint8 and x_train.max() == 255
    assert t_train.shape == (10_000, 10) and np.all(t_train.sum(axis=1) == 1)
    assert "bundled MNIST sample" in capsys.readouterr().out


def test_load_prints_source_and_sizes(capsys):
    load_mnist(source="sample")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "10,000 train / 10,000 test" in out[0]


@pytest.mark.parametrize("kwargs", [{"source": "internet"}, {"normalize": "yes"}, {"flatten": 1}])
def test_bad_arguments_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        load_mnist(**kwargs)


def test_unknown_keyword_is_rejected():
    with pytest.raises(TypeError):
        load_mnist(one_hot=True)


def test_bad_environment_override(monkeypatch):
    monkeypatch.setenv("WEEKUTILS_DATA", "everything")
    with pytest.raises(ValueError, match="WEEKUTILS_DATA"):
        resolve_source("auto")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of the bundled data that the loader reads instead of the real one."""
    shutil.copytree(data.DATA_DIR / data.SAMPLE_DIR_NAME, tmp_path / data.SAMPLE_DIR_NAME)
    for f in (tmp_path / data.SAMPLE_DIR_NAME).iterdir():
        f.chmod(0o644)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    return tmp_path / data.SAMPLE_DIR_NAME


def test_corrupt_file_names_the_file_and_the_fix(data_copy):
    path = data_copy / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # one wrong label
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataFileError, match=r"t10k-labels-idx1-ubyte\.gz.*MD5.*git checkout"):
        load_mnist(source="sample")


def test_truncated_gzip_is_a_clear_error(data_copy):
    path = data_copy / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte\.gz.*(gzip|MD5)"):
        load_mnist(source="sample")


def test_missing_file_is_a_clear_error(data_copy):
    (data_copy / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataFileError, match="missing"):
        load_mnist(source="sample")


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No full MNIST on disk and a download that fails the way it does without internet."""
    def refuse(timeout_s):
        data._download_failure = "URLError: <urlopen error [Errno -2] Name or service not known>"
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.delenv("WEEKUTILS_DATA", raising=False)
    monkeypatch.setattr(data, "full_mnist_present", lambda: False)
    monkeypatch.setattr(data, "_download_full", refuse)
    monkeypatch.setattr(data, "_download_failure", None)


def test_auto_falls_back_to_sample_and_says_why(offline, capsys):
    (x_train, _), _ = load_mnist(source="auto")
    out = capsys.readouterr().out
    assert len(x_train) == 10_000
    assert "bundled MNIST sample" in out and "could not be downloaded" in out and "Name or service not known" in out


def test_full_without_internet_is_an_error_not_a_fallback(offline):
    with pytest.raises(RuntimeError, match="source='sample'"):
        load_mnist(source="full")


def test_environment_variable_overrides_the_argument(offline, monkeypatch, capsys):
    monkeypatch.setenv("WEEKUTILS_DATA", "sample")
    assert resolve_source("full") == ("sample", "WEEKUTILS_DATA=sample asks for the bundled sample")
    load_mnist(source="full")
    assert "bundled MNIST sample" in capsys.readouterr().out


def test_dataloaders_are_seeded_and_single_process():
    loader_a, test_loader = data.mnist_dataloaders(batch_size=64, seed=3, source="sample")
    loader_b, _ = data.mnist_dataloaders(batch_size=64, seed=3, source="sample")
    xa, ta = next(iter(loader_a))
    xb, tb = next(iter(loader_b))
    assert xa.shape == (64, 1, 28, 28) and loader_a.num_workers == 0
    assert (ta == tb).all() and (xa == xb).all()
    assert len(test_loader.dataset) == 10_000


def test_dataloader_applies_train_transform_per_sample():
    calls = []

    def transform(x):
        calls.append(tuple(x.shape))
        return x * 0

    loader, _ = data.mnist_dataloaders(batch_size=8, source="sample", train_transform=transform)
    x, _ = next(iter(loader))
    assert calls == [(1, 28, 28)] * 8 and float(x.abs().sum()) == 0.0


def test_full_mnist_on_disk_is_used_by_auto_and_full(tmp_path, monkeypatch, capsys):
    """torchvision's layout (data/MNIST/raw, uncompressed IDX), filled here with the bundled files."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, _ in data.SAMPLE_FILES.values():
        (raw / name[: -len(".gz")]).write_bytes(gzip.decompress((data.DATA_DIR / data.SAMPLE_DIR_NAME / name).read_bytes()))
    monkeypatch.delenv("WEEKUTILS_DATA", raising=False)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    monkeypatch.setattr(data, "_download_full", lambda timeout_s: pytest.fail("nothing should be downloaded"))
    for source in ("auto", "full"):
        (x_train, t_train), (x_test, _) = load_mnist(source=source)
        assert x_train.shape == (10_000, 784) and x_train.dtype == np.float32 and x_test.max() == 1.0
        assert np.bincount(t_train).tolist() == TRAIN_COUNTS
        assert "Data: full MNIST" in capsys.readouterr().out
