"""Plotting helpers: one style for study and class, Korean text, and the few chart kinds the course uses."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

# Okabe-Ito: colour-blind safe and still distinct on a washed-out projector.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
KOREAN_FONT = "NanumGothic"

_STUDY = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
}
# Sized for a 1280x720 slide: notebooks/rise.css shows a plot at most SLIDE_PLOT_BOX pixels, so a figure of
# 9.6 x 4.1 inches at 100 dpi is shown at 88 % of its size, with 14 pt tick labels at 17 px.
_PRESENTATION = {
    "figure.figsize": (9.6, 4.1),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.labelsize": 16,
    "legend.fontsize": 15,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "lines.linewidth": 3.2,
    "lines.markersize": 9,
    "axes.linewidth": 1.6,
    "grid.linewidth": 1.0,
}


SLIDE_PLOT_BOX = (1180, 360)  # px: the largest plot on a 1280x720 slide (max-height in notebooks/rise.css)
# A multi-panel figure in the presentation style fills this canvas (inches): shown at 360 px high it keeps
# 14 pt tick labels at 14 px or more. Wide rows of panels wrap into rows of at most this many columns.
PRESENTATION_CANVAS = (11.8, 4.8)
PRESENTATION_MAX_COLUMNS = 3


def korean_font_path() -> Path:
    """Path of the bundled NanumGothic font from the koreanize-matplotlib package (week 1)."""
    # Read the file without importing koreanize_matplotlib: its import rewrites rcParams
    # and needs distutils, which Python 3.12 no longer ships.
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("koreanize-matplotlib is not installed; run the README's setup command.")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / f"{KOREAN_FONT}.ttf"


def _register_korean_font() -> None:
    from matplotlib import font_manager

    if KOREAN_FONT not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(korean_font_path()))


def use_style(presentation: bool | None = None) -> dict:
    """Apply the course plot style; presentation=True enlarges everything for a projector (week 1).

    With presentation=None the environment variable WEEKUTILS_PRESENTATION=1 turns it on,
    so an instructor can switch every notebook at once.
    """
    if presentation is None:
        presentation = os.environ.get("WEEKUTILS_PRESENTATION", "0") not in ("", "0", "false", "False")
    _register_korean_font()
    params = dict(_PRESENTATION if presentation else _STUDY)
    params.update(
        {
            # DejaVu Sans draws Latin text and the true minus sign; NanumGothic fills in Hangul.
            # Font fallback runs along font.family itself, so both names go there.
            "font.family": ["DejaVu Sans", KOREAN_FONT],
            "axes.unicode_minus": True,
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "image.cmap": "gray",
            "figure.constrained_layout.use": True,
        }
    )
    matplotlib.rcParams.update(params)
    return params


def is_presentation() -> bool:
    """True while the presentation (projector) style is active (week 1)."""
    return matplotlib.rcParams["font.size"] >= 14


def subplots(nrows: int = 1, ncols: int = 1, panel_size: tuple[float, float] | None = None, **kwargs):
    """Figure with a grid of panels, sized from the current style (week 1).

    In the presentation style a grid of several panels is scaled, aspect kept, to fill PRESENTATION_CANVAS,
    so on a slide its labels are as large as a single plot's.
    """
    width, height = panel_size or matplotlib.rcParams["figure.figsize"]
    scale = 1.0 if nrows * ncols == 1 else 0.75
    width, height = width * ncols * scale, height * nrows * scale
    if is_presentation() and nrows * ncols > 1:
        fit = min(PRESENTATION_CANVAS[0] / width, PRESENTATION_CANVAS[1] / height)
        width, height = width * fit, height * fit
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    return fig, axes


def slide_tick_px(fig) -> float:
    """Height in screen pixels of the figure's tick labels once shown on a 1280x720 slide (course tooling)."""
    width_px, height_px = fig.get_size_inches() * fig.dpi
    shrink = min(1.0, SLIDE_PLOT_BOX[0] / width_px, SLIDE_PLOT_BOX[1] / height_px)
    points = max(tick.get_size() for ax in fig.axes for tick in ax.get_xticklabels() + ax.get_yticklabels())
    return points * fig.dpi / 72 * shrink


def _finish(ax, title, xlabel, ylabel, legend):
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend()
    return ax


def line_plot(
    series,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    ax=None,
    logy: bool = False,
    styles: dict | None = None,
    markers: bool = False,
):
    """Plot named curves: series maps label -> y or (x, y); returns the axes (week 1)."""
    if ax is None:
        _, ax = subplots()
    styles = styles or {}
    for label, values in series.items():
        x, y = values if isinstance(values, tuple) else (np.arange(1, len(values) + 1), values)
        ax.plot(x, y, label=label, marker="o" if markers else None, **styles.get(label, {}))
    if logy:
        ax.set_yscale("log")
    return _finish(ax, title, xlabel, ylabel, legend=len(series) > 1)


def image_grid(
    images,
    titles=None,
    ncols: int = 10,
    title: str = "",
    cmap: str = "gray",
    symmetric: bool = False,
    cell: float | None = None,
    title_colors=None,
):
    """Show images (N, H, W) or (N, 784) in a grid, optional per-image titles (week 2).

    symmetric=True centres a diverging colour map on zero, for weights and filters.
    """
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim != 3:
        raise ValueError(f"image_grid expects images of shape (N, H, W), (N, 1, H, W) or (N, 784), got {images.shape}")
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    cell = cell or (1.3 if matplotlib.rcParams["font.size"] < 14 else 2.0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell * ncols, cell * nrows * 1.15), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        if symmetric:
            limit = np.abs(images[i]).max() or 1.0
            ax.imshow(images[i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            ax.imshow(images[i], cmap=cmap)
        if titles is not None:
            color = title_colors[i] if title_colors is not None else "black"
            ax.set_title(str(titles[i]), fontsize=matplotlib.rcParams["font.size"] * 0.85, color=color)
    if title:
        fig.suptitle(title)
    return fig


def histograms(
    arrays: dict,
    title: str = "",
    xlabel: str = "",
    bins: int = 30,
    range_=None,
    ylabel: str = "count",
    ncols: int | None = None,
    panel_size: tuple[float, float] | None = None,
):
    """One histogram panel per named array, with shared axes (week 4).

    By default all panels sit side by side in one row; ncols wraps them into rows of ncols panels, and
    panel_size (width, height in inches, as for subplots) makes each panel smaller so many fit the page.
    In the presentation style rows hold at most PRESENTATION_MAX_COLUMNS panels, so the labels stay readable.
    """
    ncols = max(1, min(ncols or len(arrays), len(arrays)))
    if is_presentation():
        ncols = min(ncols, PRESENTATION_MAX_COLUMNS)
    nrows = int(np.ceil(len(arrays) / ncols))
    fig, axes = subplots(nrows, ncols, panel_size=panel_size, sharey=True, squeeze=False)
    for ax, (name, values) in zip(axes.flat, arrays.items()):
        ax.hist(np.ravel(values), bins=bins, range=range_, color=PALETTE[0])
        _finish(ax, name, xlabel, None, legend=False)
    for ax in axes.flat[len(arrays) :]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel(ylabel)
    if title:
        fig.suptitle(title)
    return fig


def contour(
    f,
    xlim,
    ylim,
    paths: dict | None = None,
    title: str = "",
    ax=None,
    levels: int = 20,
    xlabel: str = "x",
    ylabel: str = "y",
    resolution: int = 200,
):
    """Contour lines of f(X, Y) with optional named 2-D paths drawn over them (week 3)."""
    if ax is None:
        _, ax = subplots()
    xs, ys = np.linspace(*xlim, resolution), np.linspace(*ylim, resolution)
    X, Y = np.meshgrid(xs, ys)
    ax.contour(X, Y, f(X, Y), levels=levels, colors="0.6", linewidths=0.8)
    for i, (label, path) in enumerate((paths or {}).items()):
        path = np.asarray(path)
        color = PALETTE[i % len(PALETTE)]
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, markersize=3, label=label)
        ax.plot(path[-1, 0], path[-1, 1], "*", color=color, markersize=12)
    ax.plot(0, 0, "+", color="black", markersize=12)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return _finish(ax, title, xlabel, ylabel, legend=paths is not None and len(paths) > 1)


def decision_boundary(
    predict,
    X,
    y,
    title: str = "",
    ax=None,
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    resolution: int = 300,
    margin: float = 0.5,
):
    """Shade a 2-D classifier's regions; predict maps (M, 2) points to class labels (week 2)."""
    if ax is None:
        _, ax = subplots()
    X, y = np.asarray(X), np.asarray(y)
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    regions = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    from matplotlib.colors import ListedColormap

    classes = np.unique(y)
    cmap = ListedColormap(PALETTE[: max(len(classes), 2)])
    ax.contourf(gx, gy, regions, levels=np.arange(len(classes) + 1) - 0.5, cmap=cmap, alpha=0.2)
    for i, c in enumerate(classes):
        ax.scatter(*X[y == c].T, color=PALETTE[i], label=f"class {c}", edgecolor="white", linewidth=0.5)
    return _finish(ax, title, xlabel, ylabel, legend=True)


def confusion_matrix(t_true, t_pred, title: str = "Confusion matrix (혼동 행렬)", ax=None, normalize=None):
    """Confusion matrix of true vs predicted labels, drawn by scikit-learn (week 4)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    if ax is None:
        size = 6.0 if matplotlib.rcParams["font.size"] < 14 else 9.0
        _, ax = plt.subplots(figsize=(size, size))
    display = ConfusionMatrixDisplay.from_predictions(
        np.asarray(t_true),
        np.asarray(t_pred),
        ax=ax,
        colorbar=False,
        cmap="Blues",
        normalize=normalize,
        values_format=".2f" if normalize else "d",
    )
    ax.grid(False)
    return _finish(display.ax_, title, "predicted label", "true label", legend=False)


def smoothed_line_plot(
    series: dict,
    window: int = 20,
    title: str = "",
    xlabel: str = "iteration",
    ylabel: str = "loss",
    ax=None,
    logy: bool = False,
):
    """Noisy per-iteration curves (mini-batch losses): each drawn faintly, with its moving average on top (weeks 2-3).

    series maps label -> values; the moving average of `window` consecutive values is plotted at the
    iteration that ends each window.
    """
    if ax is None:
        _, ax = subplots()
    for i, (label, values) in enumerate(series.items()):
        y = np.asarray(values, dtype=float)
        x = np.arange(1, len(y) + 1)
        color = PALETTE[i % len(PALETTE)]
        ax.plot(x, y, color=color, alpha=0.25, linewidth=0.8)
        w = max(1, min(window, len(y)))
        ax.plot(x[w - 1 :], np.convolve(y, np.ones(w) / w, mode="valid"), color=color, label=label)
    if logy:
        ax.set_yscale("log")
    return _finish(ax, title, xlabel, ylabel, legend=len(series) > 1)
