"""Plots with Korean text render without missing glyphs, keep the true minus sign, and the class style is larger."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import matplotlib
import pytest

from weekutils import plot as wplot

# Runs in a fresh interpreter with an empty matplotlib cache, as on a student's new machine.
PLOT_SCRIPT = textwrap.dedent("""
    import io, json, sys, warnings
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    from weekutils import plot as wplot

    def draw():
        x = np.linspace(-3, 3, 61)
        ax = wplot.line_plot({"시그모이드 (sigmoid)": (x, 1 / (1 + np.exp(-x))), "쌍곡탄젠트 (tanh)": (x, np.tanh(x))},
                             title="활성화 함수 (Activation functions)", xlabel="입력 x", ylabel="출력 y")
        fig = ax.figure
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(io.BytesIO(), format="png")  # savefig draws every text, so missing glyphs warn here
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        plt.close(fig)
        return [str(w.message) for w in caught], ticks, legend

    wplot.use_style(presentation=sys.argv[1] == "presentation")
    warned, ticks, legend = draw()
    dejavu = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    nanum = FT2Font(str(wplot.korean_font_path()))
    result = {
        "warnings": warned, "ticks": ticks, "legend": legend,
        "family": list(matplotlib.rcParams["font.family"]),
        "unicode_minus": bool(matplotlib.rcParams["axes.unicode_minus"]),
        "dejavu_has_minus": dejavu.get_char_index(0x2212) != 0,
        "nanum_has_hangul": all(nanum.get_char_index(ord(c)) != 0 for c in "활성화함수입력출력시그모이드"),
    }
    # Control: without the Korean fallback the same plot must warn, or the check above proves nothing.
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    result["control_warnings"] = draw()[0]
    print(json.dumps(result))
""")


def run_plot(mode: str, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "WEEKUTILS_PRESENTATION")}
    env["MPLCONFIGDIR"] = str(tmp_path / "mplconfig")  # no font cache yet: the fresh-machine path
    done = subprocess.run(
        [sys.executable, "-c", PLOT_SCRIPT, mode], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["study", "presentation"])
def test_korean_plot_has_no_missing_glyphs(mode, tmp_path):
    result = run_plot(mode, tmp_path)
    assert result["warnings"] == [], f"matplotlib warned while drawing: {result['warnings']}"
    assert result["family"] == ["DejaVu Sans", wplot.KOREAN_FONT]
    assert result["nanum_has_hangul"]
    assert result["legend"] == ["시그모이드 (sigmoid)", "쌍곡탄젠트 (tanh)"]
    # The negative ticks use U+2212, which DejaVu Sans draws (an ASCII hyphen would look too short).
    assert result["unicode_minus"] and result["dejavu_has_minus"]
    assert any(t.startswith("\u2212") for t in result["ticks"]), result["ticks"]
    assert not any("\u2212" in w or "8722" in w for w in result["warnings"])
    assert any("missing from font" in w for w in result["control_warnings"]), "the control should warn"


def test_presentation_style_is_larger_than_study_style(monkeypatch):
    with matplotlib.rc_context():
        study = wplot.use_style(presentation=False)
        talk = wplot.use_style(presentation=True)
        monkeypatch.setenv("WEEKUTILS_PRESENTATION", "1")
        assert wplot.use_style() == talk, "WEEKUTILS_PRESENTATION=1 switches every notebook to the class style"
        monkeypatch.setenv("WEEKUTILS_PRESENTATION", "0")
        assert wplot.use_style() == study
    for key in (
        "font.size",
        "axes.titlesize",
        "axes.labelsize",
        "legend.fontsize",
        "xtick.labelsize",
        "ytick.labelsize",
        "lines.linewidth",
        "lines.markersize",
    ):
        assert talk[key] > study[key], key
    assert talk["figure.figsize"][0] > study["figure.figsize"][0]
    assert talk["figure.figsize"][1] > study["figure.figsize"][1]


def test_presentation_figures_keep_14_px_tick_labels_on_a_slide():
    import numpy as np

    values = {f"layer {k}": np.random.default_rng(k).normal(size=500) for k in range(1, 6)}
    with matplotlib.rc_context():
        wplot.use_style(presentation=True)
        fig, _ = wplot.subplots()
        assert wplot.slide_tick_px(fig) >= 14
        fig = wplot.histograms(values, ncols=5, panel_size=(2.6, 3.0))  # week 4's call
        rows = {round(ax.get_position().y0, 2) for ax in fig.axes if ax.get_visible()}
        assert len(rows) == 2, "five panels wrap into rows of three"
        assert wplot.slide_tick_px(fig) >= 14
        wplot.use_style(presentation=False)
        fig = wplot.histograms(values, ncols=5, panel_size=(2.6, 3.0))
        assert len({round(ax.get_position().y0, 2) for ax in fig.axes}) == 1, "the notebook keeps its one row"
    matplotlib.pyplot.close("all")
