"""set_seed, get_device and record."""

import os
import random

import numpy as np
import pytest
import torch

from weekutils.utils import RECORD_MIMETYPE, format_value, get_device, record, set_seed


def test_set_seed_makes_python_numpy_and_torch_repeat():
    def draw():
        rng = set_seed(7)
        return random.random(), np.random.rand(), rng.random(), torch.rand(1).item()

    assert draw() == draw()


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_set_seed_rejects_bad_seeds(seed):
    with pytest.raises(ValueError):
        set_seed(seed)


def test_get_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert get_device(verbose=False).type == "cpu"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device(verbose=False).type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device(verbose=False).type == "cuda"


def test_record_outside_ipython_prints_and_returns_plain_values(capsys):
    assert record("test accuracy", np.float32(0.98126)) == pytest.approx(0.98126)
    assert capsys.readouterr().out.strip() == "[recorded] test accuracy = 0.9813"
    assert isinstance(record("epochs", np.int64(3)), int)


@pytest.mark.parametrize("name, value", [("", 1.0), ("x", float("nan")), ("x", [1, 2])])
def test_record_rejects_bad_input(name, value):
    with pytest.raises(ValueError):
        record(name, value)


def test_format_value_rounds_sensibly():
    assert format_value(0.912345) == "0.9123"
    assert format_value(3.0) == "3" and format_value(4.44421) == "4.444" and format_value(45.5319) == "45.53"
    assert format_value(9601.2) == "9,601"
    assert format_value(1.5e-9) == "1.50e-09"
    assert format_value(True) == "True" and format_value(12) == "12"


def test_record_mimetype_is_namespaced():
    assert RECORD_MIMETYPE.startswith("application/vnd.weekutils")


def test_weekutils_seed_replaces_the_notebook_seed(monkeypatch, capsys):
    monkeypatch.setenv("WEEKUTILS_SEED", "7")
    first = set_seed(0).random(3)
    monkeypatch.delenv("WEEKUTILS_SEED")
    assert np.array_equal(first, set_seed(7).random(3)) and not np.array_equal(first, set_seed(0).random(3))
    assert "Seed 7, from WEEKUTILS_SEED" in capsys.readouterr().out
    monkeypatch.setenv("WEEKUTILS_SEED", "-1")
    with pytest.raises(ValueError, match="WEEKUTILS_SEED must be a non-negative integer"):
        set_seed(0)


def test_set_threads_sets_torch_and_blas(monkeypatch):
    import torch
    from threadpoolctl import threadpool_info

    from weekutils.utils import set_threads

    monkeypatch.delenv("WEEKUTILS_THREADS", raising=False)
    try:
        assert set_threads(1) == 1 and torch.get_num_threads() == 1
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
        assert set_threads() == (os.cpu_count() or 1) == torch.get_num_threads()
        monkeypatch.setenv("WEEKUTILS_THREADS", "1")
        assert set_threads() == 1 and torch.get_num_threads() == 1
        for bad in ("0", "two"):
            monkeypatch.setenv("WEEKUTILS_THREADS", bad)
            with pytest.raises(ValueError, match="WEEKUTILS_THREADS must be a positive integer"):
                set_threads()
        monkeypatch.delenv("WEEKUTILS_THREADS")
        for bad in (0, 1.5, True):
            with pytest.raises(ValueError, match="threads must be a positive integer"):
                set_threads(bad)
    finally:
        monkeypatch.delenv("WEEKUTILS_THREADS", raising=False)
        set_threads()
