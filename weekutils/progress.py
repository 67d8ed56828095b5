"""Progress bars for training loops that stay readable everywhere a notebook is shown (week 2).

`progress(...)` takes tqdm's arguments and returns a tqdm bar. In a Jupyter kernel it is tqdm's ipywidgets bar
(`tqdm.auto`'s choice there), sent together with the same bar as text in one output, and the text is updated
as the bar moves. A front end that renders the widget shows the widget; one that cannot (a RISE slide, whose
frame has no widget manager, or the HTML copy that `weekutils run` writes) shows the text, not a frozen "0%".
Outside Jupyter it is tqdm's text bar on stderr. `TerminalEcho` lets `weekutils run` show in its terminal the
bars of the notebook it executes.
"""

from __future__ import annotations

import math
import sys
import time

from tqdm.auto import tqdm as auto_tqdm

# Output metadata that marks a progress bar, for TerminalEcho and the HTML copy: {"closed": bool}.
PROGRESS_KEY = "weekutils/progress"
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"
# A bar in a kernel redraws at most this many times (and at most twice a second): each redraw is about four
# messages, and nbval, which reads a cell's messages only after the cell ends, loses them all (and fails the
# cell) once a few thousand have queued up.
MAX_REDRAWS, MIN_REDRAW_S = 50, 0.5

try:
    from tqdm.notebook import tqdm as notebook_tqdm
except ImportError:  # no ipywidgets: tqdm.auto is the text bar
    notebook_tqdm = None

IN_KERNEL_WITH_WIDGETS = notebook_tqdm is not None and issubclass(auto_tqdm, notebook_tqdm)


if notebook_tqdm is not None:

    class NotebookBar(notebook_tqdm):
        """tqdm's widget bar that also sends itself as text, for front ends that cannot render widgets (week 2)."""

        def __init__(self, *args, **kwargs):
            from IPython.display import DisplayHandle

            self._handle, self._closed = None, False
            super().__init__(*args, display=False, **kwargs)  # it would display the widget alone
            if not self.disable:
                bundle, options = self._output()
                self._handle = DisplayHandle()
                self._handle.display(bundle, **options)

        def _output(self) -> tuple[dict, dict]:
            if self._closed and not self.leave:  # tqdm hides a finished bar with leave=False: so does the text
                return {"text/plain": ""}, {"raw": True, "metadata": {PROGRESS_KEY: {"closed": True}}}
            bundle = self.container._repr_mimebundle_()
            bundle["text/plain"] = self.container.__repr__(True)  # the text bar, with block characters
            return bundle, {"raw": True, "metadata": {PROGRESS_KEY: {"closed": self._closed}}}

        def display(self, *args, **kwargs):
            super().display(*args, **kwargs)
            if self._handle is not None:
                bundle, options = self._output()
                self._handle.update(bundle, **options)

        def close(self):
            if not self.disable:
                self._closed = True
            super().close()


def progress(iterable=None, **tqdm_kwargs):
    """A tqdm progress bar: a widget with a live text copy in Jupyter, text on stderr elsewhere (week 2).

    Use it like tqdm: ``for x in progress(items, desc="training")``, or ``bar = progress(total=n)``, then
    ``bar.update()`` and ``bar.set_postfix(loss=...)`` per step and ``bar.close()`` at the end.
    """
    if not IN_KERNEL_WITH_WIDGETS:
        return auto_tqdm(iterable, **tqdm_kwargs)
    total = tqdm_kwargs.get("total", len(iterable) if hasattr(iterable, "__len__") else None)
    tqdm_kwargs.setdefault("mininterval", MIN_REDRAW_S)
    if total:
        tqdm_kwargs.setdefault("miniters", math.ceil(total / MAX_REDRAWS))
        tqdm_kwargs.setdefault("maxinterval", math.inf)  # else tqdm redraws every step after a 10 s pause
    return NotebookBar(iterable, **tqdm_kwargs)


def widget_free(nb):
    """Drop the progress bars' widget views and the widget state from a notebook, leaving their text (course tooling).

    For a page that is read offline: widgets render only with JavaScript fetched from a CDN.
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if PROGRESS_KEY in output.get("metadata", {}):
                output.get("data", {}).pop(WIDGET_MIMETYPE, None)
    return nb


class TerminalEcho:
    """Writes the progress bars of a notebook that nbclient executes to a terminal (course tooling).

    Call it with every iopub message. On a terminal each bar is redrawn in place; in a log file (not a
    terminal) a bar is written when it closes, and every `log_every_s` seconds while it runs.
    """

    def __init__(self, stream=None, prefix: str = "  ", log_every_s: float = 30.0):
        self.stream = sys.stderr if stream is None else stream
        self.prefix, self.log_every_s = prefix, log_every_s
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.open_line = None  # display id of the bar on the unfinished last line (terminal only)
        self.logged_at: dict[str, float] = {}

    def __call__(self, msg: dict) -> None:
        if msg.get("msg_type", msg.get("header", {}).get("msg_type")) not in ("display_data", "update_display_data"):
            return
        content = msg.get("content", {})
        state = content.get("metadata", {}).get(PROGRESS_KEY)
        if state is None:
            return
        text = content.get("data", {}).get("text/plain", "").strip("\n")
        display_id = content.get("transient", {}).get("display_id")
        if self.live:
            if self.open_line not in (None, display_id):
                self.stream.write("\n")
            if state.get("closed") and not text:  # a bar with leave=False: gone when done
                self.stream.write("\r\x1b[K")
                self.open_line = None
            else:
                self.stream.write(f"\r{self.prefix}{text}\x1b[K")
                self.open_line = display_id
            if state.get("closed"):
                self.finish()
        elif text:
            now = time.monotonic()
            if state.get("closed") or now - self.logged_at.setdefault(display_id, now) >= self.log_every_s:
                self.logged_at[display_id] = now
                self.stream.write(f"{self.prefix}{text}\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the line of a bar that was left open (its cell failed or was interrupted)."""
        if self.open_line is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.open_line = None
