"""Execute the course notebooks headless, keep executed copies and HTML, and summarise their results."""

from __future__ import annotations

import asyncio
import atexit
import html
import re
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from weekutils.files import atomic_path, atomic_write_text
from weekutils.utils import RECORD_MIMETYPE, format_value

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
WEEK_PATTERN = re.compile(r"week(\d+)_.*\.ipynb$")


@dataclass
class NotebookResult:
    """Outcome of running one week's notebook (course tooling)."""

    week: int
    path: Path
    status: str = "not run"
    seconds: float = 0.0
    records: dict = field(default_factory=dict)
    error: str = ""
    floors: dict = field(default_factory=dict)  # record name -> the floor the notebook asserted


class RunInterrupted(Exception):
    """Ctrl-C during `weekutils run`: which week was running and which weeks' outputs are complete (course tooling)."""

    def __init__(self, week: int, kept: list[int], out_dir: Path):
        kept_text = (
            ("week " if len(kept) == 1 else "weeks ") + ", ".join(map(str, kept)) if kept else "no week of this run"
        )
        super().__init__(f"interrupted during week {week}; {out_dir.name}/ keeps {kept_text}")
        self.week, self.kept, self.out_dir = week, kept, out_dir


def find_notebooks(weeks=None, notebook_dir: Path | None = None) -> dict[int, Path]:
    """Map week number -> notebook path, restricted to `weeks` if given (course tooling)."""
    notebook_dir = NOTEBOOK_DIR if notebook_dir is None else Path(notebook_dir)  # looked up late: tests redirect it
    found = {}
    for path in sorted(notebook_dir.glob("week*_*.ipynb")):
        match = WEEK_PATTERN.match(path.name)
        if match:
            found[int(match.group(1))] = path
    if weeks:
        missing = sorted(set(weeks) - set(found))
        if missing:
            raise ValueError(f"no notebook for week(s) {missing}; available weeks: {sorted(found)}")
        found = {w: found[w] for w in sorted(set(weeks))}
    return found


def prepare_out_dir(out_dir: Path) -> Path:
    """Create out_dir and check it is a writable folder, before any notebook runs (course tooling)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"output folder {str(out_dir)!r} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as err:
        raise ValueError(f"output folder {str(out_dir)!r} is not writable: {err.strerror or err}") from None
    return out_dir


def notebook_records(nb) -> dict:
    """Collect the values a notebook reported with `record()`, in order (course tooling)."""
    return {name: value for name, (value, _) in _records_with_floors(nb).items()}


def _records_with_floors(nb) -> dict:
    """name -> (value, floor or None) for every record() output of an executed notebook."""
    records = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(RECORD_MIMETYPE)
            if payload:
                records[payload["name"]] = (payload["value"], payload.get("floor"))
    return records


def _first_line_of_error(err: Exception) -> str:
    ename = getattr(err, "ename", type(err).__name__)
    evalue = " ".join(str(getattr(err, "evalue", err)).split())
    return f"{ename}: {evalue}"[:300]


def _stop_on_ctrl_c(client) -> threading.Event:
    """Make Ctrl-C end the run: nbclient's own SIGINT handler only shuts the kernel down and goes on."""
    interrupted = threading.Event()

    def on_start(**_):
        def on_sigint():
            interrupted.set()
            # What nbclient's own handler does (shut down this client's kernel, nothing else), but
            # at once: a graceful shutdown of a busy kernel makes it print ZMQ tracebacks.
            client.shutdown_kernel = "immediate"
            asyncio.ensure_future(client._async_cleanup_kernel())
            atexit.unregister(client._cleanup_kernel)

        try:  # replaces the handler nbclient installed for this execution; it removes it again at the end
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, on_sigint)
        except (RuntimeError, NotImplementedError, ValueError):  # not the main thread, or Windows
            pass

    client.on_notebook_start = on_start
    return interrupted


def run_notebook(path: Path, week: int, out_dir: Path, timeout_s: int = 1200, echo=None) -> NotebookResult:
    """Execute one notebook; write the executed .ipynb and an .html copy into out_dir (course tooling).

    Both files are written atomically.  Ctrl-C stops the kernel and raises KeyboardInterrupt.
    `echo` (a progress.TerminalEcho; by default one on stderr) sees every message the kernel sends.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    from weekutils.htmlcopy import html_copy
    from weekutils.progress import TerminalEcho

    echo = TerminalEcho() if echo is None else echo

    class EchoingClient(NotebookClient):
        def process_message(self, msg, cell, cell_index):
            echo(msg)  # before nbclient, which renames an update_display_data message in place
            return super().process_message(msg, cell, cell_index)

    result = NotebookResult(week=week, path=path)
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="weekutils-kernel-") as sockets:
        # IPC sockets in a private folder instead of TCP ports: nothing listens on the network,
        # and ipykernel no longer warns "Kernel is running over TCP without encryption".
        config = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}})
        client = EchoingClient(
            nb,
            timeout=timeout_s,
            kernel_name="python3",
            config=config,
            resources={"metadata": {"path": str(path.parent)}},
        )
        interrupted = _stop_on_ctrl_c(client)
        start = time.perf_counter()
        try:
            client.execute()
            result.status = "ok"
        except Exception as err:
            if interrupted.is_set():  # the kernel died because we stopped it: not the notebook's fault
                raise KeyboardInterrupt from None
            if not isinstance(err, (CellExecutionError, CellTimeoutError, DeadKernelError)):
                raise
            result.status, result.error = "FAILED", _first_line_of_error(err)
        finally:
            echo.finish()  # ends the line of a bar that a failed cell left open
        if interrupted.is_set():
            raise KeyboardInterrupt
    result.seconds = time.perf_counter() - start
    found = _records_with_floors(nb)
    result.records = {name: value for name, (value, _) in found.items()}
    result.floors = {name: floor for name, (_, floor) in found.items() if floor is not None}
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(out_dir / path.name) as tmp:
        nbformat.write(nb, tmp)
    atomic_write_text(out_dir / path.with_suffix(".html").name, html_copy(nb))
    return result


def _record_lines(result: NotebookResult, name_width: int, value_width: int) -> list[str]:
    """One line per recorded value, the floor beside it where the notebook asserted one."""
    lines = []
    for name, value in result.records.items():
        line = f"    {name:<{name_width}}  {format_value(value):>{value_width}}"
        if name in result.floors:
            line += f"  (floor {format_value(result.floors[name])})"
        lines.append(line.rstrip())
    return lines


def format_summary(results: list[NotebookResult]) -> str:
    """A plain-text table: week, notebook, status, seconds; under each week its recorded results (course tooling)."""
    rows = [("week", "notebook", "status", "seconds")]
    rows += [(str(r.week), r.path.stem, r.status, f"{r.seconds:.1f}") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    every = [(k, format_value(v)) for r in results for k, v in r.records.items()]
    name_width = max((len(k) for k, _ in every), default=0)
    value_width = max((len(v) for _, v in every), default=0)

    def line(cells):
        return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths)).rstrip()

    lines = [line(rows[0]), "  ".join("-" * w for w in widths)]
    for r, row in zip(results, rows[1:]):
        lines.append(line(row))
        if r.error:
            lines.append(f"    {r.error}")
        lines += _record_lines(r, name_width, value_width)
    total = sum(r.seconds for r in results)
    passed = sum(r.status == "ok" for r in results)
    lines.append(f"{passed} of {len(results)} notebooks ran cleanly in {total:.1f} s")
    return "\n".join(lines)


def format_index_html(results: list[NotebookResult], environment: list[str], when: str) -> str:
    """build/index.html: the summary table, a link to each week's HTML copy, the time and the versions (course tooling)."""
    esc = html.escape
    rows = []
    for r in results:
        records = "".join(
            f"<li>{esc(k)} = {esc(format_value(v))}"
            + (f" <span class=floor>(floor {esc(format_value(r.floors[k]))})</span>" if k in r.floors else "")
            + "</li>"
            for k, v in r.records.items()
        )
        error = f"<div class=error>{esc(r.error)}</div>" if r.error else ""
        link = f'<a href="{esc(r.path.stem)}.html">{esc(r.path.stem)}</a>'
        rows.append(
            f"<tr><td>{r.week}</td><td>{link}</td><td class={esc(r.status.lower())}>{esc(r.status)}</td>"
            f"<td>{r.seconds:.1f}</td><td>{error}<ul>{records}</ul></td></tr>"
        )
    passed = sum(r.status == "ok" for r in results)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>weekutils run: {passed} of {len(results)} notebooks ok</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}}
.ok{{color:#070}} .failed,.error{{color:#b00}} .floor{{color:#666}} ul{{margin:0;padding-left:1.2em}}</style></head>
<body><h1>Notebook run, {esc(when)}</h1>
<p>{passed} of {len(results)} notebooks ran cleanly in {sum(r.seconds for r in results):.1f} s.</p>
<table><tr><th>week</th><th>notebook</th><th>status</th><th>seconds</th><th>results</th></tr>
{chr(10).join(rows)}
</table>
<h2>Environment</h2>
<pre>{esc(chr(10).join(environment))}</pre>
</body></html>
"""


def run_weeks(
    weeks=None, out_dir: Path = REPO_ROOT / "build", timeout_s: int = 1200, notebook_dir: Path | None = None
) -> list[NotebookResult]:
    """Run the chosen weeks' notebooks in order, printing progress and the summary (course tooling).

    Raises RunInterrupted on Ctrl-C; the weeks finished before it keep their files.
    """
    from weekutils.envinfo import environment_lines

    if isinstance(timeout_s, bool) or not isinstance(timeout_s, int) or timeout_s < 1:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout_s!r}")
    notebooks = find_notebooks(weeks, notebook_dir)
    if not notebooks:
        raise ValueError(f"no notebooks found in {NOTEBOOK_DIR if notebook_dir is None else notebook_dir}")
    out_dir = prepare_out_dir(out_dir)
    results = []
    for week, path in notebooks.items():
        print(f"Running week {week}: {path.name} ...", flush=True)
        try:
            result = run_notebook(path, week, out_dir, timeout_s)
        except KeyboardInterrupt:
            raise RunInterrupted(week, [r.week for r in results], out_dir) from None
        print(
            f"  {result.status} in {result.seconds:.1f} s" + (f": {result.error}" if result.error else ""), flush=True
        )
        results.append(result)
    when = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    atomic_write_text(out_dir / "index.html", format_index_html(results, environment_lines(), when))
    print(f"\nExecuted notebooks and HTML copies are in {out_dir} (start at index.html)\n")
    print(format_summary(results))
    return results
