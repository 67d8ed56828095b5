"""Test-wide settings: tests and notebook runs use the bundled MNIST unless told otherwise."""
import os

# Set before nbval starts any kernel, so the kernels inherit it. An explicit
# WEEKUTILS_DATA (e.g. =full on a machine with internet) still wins.
os.environ.setdefault("WEEKUTILS_DATA", "sample")
