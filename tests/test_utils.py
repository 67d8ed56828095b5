"""set_seed, get_device and record."""

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
