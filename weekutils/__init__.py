"""Shared helpers for the course 'Deep Learning for Image Recognition (Deep Learning을 이용한 이미지 인식)'.

Submodules: data, utils, plot (all weeks); functions, gradient, layers, optim, nets, train, im2col
(the NumPy-from-scratch core, weeks 1-6); progress (training progress bars); runner, htmlcopy, slides and
cli (the `weekutils` command).
"""

from weekutils.data import load_fashion_mnist, load_fashion_mnist_test, load_mnist, load_mnist_test, mnist_dataloaders
from weekutils.utils import get_device, record, set_seed, set_threads

__all__ = [
    "get_device",
    "load_fashion_mnist",
    "load_fashion_mnist_test",
    "load_mnist",
    "load_mnist_test",
    "mnist_dataloaders",
    "record",
    "set_seed",
    "set_threads",
]
__version__ = "0.1.0"
