"""Progress bars (weekutils.progress): text outside Jupyter; in a kernel a widget with a live text copy, which the
HTML copy and the terminal of `weekutils run` show."""

import io
import re

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from weekutils.progress import PROGRESS_KEY, WIDGET_MIMETYPE, TerminalEcho, progress, widget_free
from weekutils.runner import run_notebook


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def bar_message(text, closed, display_id="bar-1", msg_type="update_display_data"):
    return {
        "msg_type": msg_type,
        "header": {"msg_type": msg_type},
        "content": {
            "data": {"text/plain": text},
            "metadata": {PROGRESS_KEY: {"closed": closed}},
            "transient": {"display_id": display_id},
        },
    }


def test_outside_jupyter_the_bar_is_text():
    stream = io.StringIO()
    bar = progress(range(4), desc="training", file=stream, mininterval=0)
    for step in bar:
        bar.set_postfix(loss=f"{1 / (step + 1):.3f}")
    assert "training: 100%" in stream.getvalue() and "4/4" in stream.getvalue() and "loss=0.250" in stream.getvalue()
    quiet = io.StringIO()
    list(progress(range(3), file=quiet, disable=True))
    assert quiet.getvalue() == ""


def test_terminal_echo_redraws_a_bar_in_place_on_a_terminal():
    terminal = FakeTerminal()
    echo = TerminalEcho(terminal)
    echo(bar_message("epoch 1:  50%|█████     | 1/2", False, msg_type="display_data"))
    echo({"msg_type": "stream", "content": {"name": "stdout", "text": "a print\n"}})  # not a bar: not echoed
    echo(bar_message("epoch 1: 100%|██████████| 2/2", True))
    echo(bar_message("epoch 2:   0%|          | 0/2", False, display_id="bar-2", msg_type="display_data"))
    echo.finish()
    echo(bar_message("batch 1/4", False, display_id="bar-3", msg_type="display_data"))
    echo(bar_message("", True, display_id="bar-3"))  # leave=False: the bar vanishes
    assert terminal.getvalue() == (
        "\r  epoch 1:  50%|█████     | 1/2\x1b[K\r  epoch 1: 100%|██████████| 2/2\x1b[K\n"
        "\r  epoch 2:   0%|          | 0/2\x1b[K\n"
        "\r  batch 1/4\x1b[K\r\x1b[K"
    )


def test_terminal_echo_writes_a_log_line_per_finished_bar():
    log = io.StringIO()
    echo = TerminalEcho(log, log_every_s=3600)
    echo(bar_message("epoch 1:  50%", False, msg_type="display_data"))
    echo(bar_message("epoch 1: 100%", True))
    assert log.getvalue() == "  epoch 1: 100%\n"


def test_widget_free_keeps_the_bar_text_only():
    nb = new_notebook(cells=[new_code_cell("bar")])
    nb.metadata["widgets"] = {"state": {}}
    bundle = {WIDGET_MIMETYPE: {"model_id": "m"}, "text/plain": "100%|██████████| 2/2"}
    nb.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data=dict(bundle), metadata={PROGRESS_KEY: {"closed": True}}),
        nbformat.v4.new_output("display_data", data=dict(bundle)),  # another widget: not a bar, kept
    ]
    widget_free(nb)
    assert "widgets" not in nb.metadata
    assert nb.cells[0].outputs[0].data == {"text/plain": "100%|██████████| 2/2"}
    assert WIDGET_MIMETYPE in nb.cells[0].outputs[1].data


# One kernel run: the bar in a notebook, as `weekutils run` executes it (about 5 s).
TRAINING_CELL = """\
from weekutils.progress import progress

bar = progress(total=40, desc="demo training", mininterval=0, miniters=1)  # every step, so the test sees each
for step in range(40):
    bar.update()
    bar.set_postfix(loss=f"{1 / (step + 1):.4f}", refresh=False)
bar.close()
print("epoch 1: loss 0.0250")
"""


# The defaults bound a bar's redraws: nbval fails a cell whose messages pile up into the thousands.
DEFAULTS_CELL = """\
defaults = progress(range(1000), leave=False)
print(type(defaults).__name__, defaults.miniters, defaults.mininterval, defaults.maxinterval)
defaults.close()
"""


def test_in_a_kernel_the_widget_carries_live_text_for_rise_html_and_terminal(tmp_path):
    nb = new_notebook(cells=[new_code_cell(TRAINING_CELL), new_code_cell(DEFAULTS_CELL)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "week9_bar.ipynb")
    terminal = FakeTerminal()
    result = run_notebook(
        tmp_path / "week9_bar.ipynb", 9, tmp_path / "build", timeout_s=120, echo=TerminalEcho(terminal)
    )
    assert result.status == "ok", result.error

    # The notebook (JupyterLab, RISE): one output holding the widget and its text, then the epoch line.
    executed = nbformat.read(tmp_path / "build" / "week9_bar.ipynb", as_version=4)
    bar, line = executed.cells[0].outputs
    assert WIDGET_MIMETYPE in bar.data and bar.metadata[PROGRESS_KEY] == {"closed": True}
    final = bar.data["text/plain"]
    assert re.fullmatch(r"demo training: 100%\|█+\| 40/40 \[.*, loss=0\.0250\]", final), final
    assert line.text == "epoch 1: loss 0.0250\n"
    hidden, printed = executed.cells[1].outputs
    assert printed.text == "NotebookBar 20 0.5 inf\n", "at most 50 redraws, two a second"
    assert hidden.data == {"text/plain": ""}, "leave=False: the finished bar disappears, its text too"

    # The terminal saw the text move (so did RISE, which shows that text): redrawn in place, then ended.
    redraws = [redraw for redraw in terminal.getvalue().split("\r") if "demo training" in redraw]
    percents = [int(re.search(r"(\d+)%", redraw).group(1)) for redraw in redraws]
    assert len(set(percents)) >= 5 and percents == sorted(percents) and percents[-1] == 100, percents
    assert redraws[-1] == f"  {final}\x1b[K\n"

    # The HTML copy: the final text, no widget (it would need JavaScript from a CDN).
    page = (tmp_path / "build" / "week9_bar.html").read_text(encoding="utf-8")
    assert "demo training: 100%" in page and "loss=0.0250" in page and "epoch 1: loss 0.0250" in page
    assert WIDGET_MIMETYPE not in page and "html-manager" not in page
