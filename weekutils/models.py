"""PyTorch models shared by weeks 6 and 7 and by `weekutils predict`: one definition, saved as state_dicts."""

from __future__ import annotations

from pathlib import Path

from weekutils.files import atomic_path
from weekutils.runner import REPO_ROOT

MODEL_DIR = REPO_ROOT / "build" / "models"
MODEL_FILES = {"mnist": "mnist_better_cnn.pt", "fashion": "fashion_better_cnn.pt"}


def conv_bn_relu(in_channels: int, out_channels: int, batch_norm: bool = True) -> list:
    """A 3x3 convolution (padding 1, no bias: batch norm's beta replaces it), batch norm and ReLU (week 6).

    With batch_norm=False (week 6's ablation) the convolution keeps its bias and nothing normalises.
    """
    from torch import nn

    if not batch_norm:
        return [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
    return [
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
    ]


def make_better_cnn(dropout: float = 0.3, batch_norm: bool = True):
    """Week 6's better CNN: three 3x3 conv-BN-ReLU blocks (16, 64, 64), two poolings, dropout, linear (week 6)."""
    import torch
    from torch import nn

    return nn.Sequential(
        *conv_bn_relu(1, 16, batch_norm),
        nn.MaxPool2d(2),  # 16 x 14 x 14
        *conv_bn_relu(16, 64, batch_norm),
        nn.MaxPool2d(2),  # 64 x 7 x 7
        *conv_bn_relu(64, 64, batch_norm),  # 64 x 7 x 7
        nn.Flatten(),
        nn.Dropout(dropout),
        nn.Linear(64 * 7 * 7, 10),
    ).to(memory_format=torch.channels_last)


def model_path(name: str, model_dir: Path | None = None) -> Path:
    """Where the trained model `name` ("mnist" or "fashion") is saved under build/models/ (week 6)."""
    if name not in MODEL_FILES:
        raise ValueError(f"model must be one of {sorted(MODEL_FILES)}, got {name!r}")
    return Path(model_dir or MODEL_DIR) / MODEL_FILES[name]


def save_model(model, name: str, model_dir: Path | None = None) -> Path:
    """Save `model.state_dict()` as build/models/<name>, via a temporary file, so a failed write loses nothing (week 6)."""
    import torch

    path = model_path(name, model_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        torch.save(model.state_dict(), temporary)
    return path
