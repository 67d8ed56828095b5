"""Execute the course notebooks headless, keep executed copies and HTML, and summarise their results."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

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


def find_notebooks(weeks=None, notebook_dir: Path = NOTEBOOK_DIR) -> dict[int, Path]:
    """Map week number -> notebook path, restricted to `weeks` if given (course tooling)."""
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


def notebook_records(nb) -> dict:
    """Collect the values a notebook reported with `record()`, in order (course tooling)."""
    records = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(RECORD_MIMETYPE)
            if payload:
                records[payload["name"]] = payload["value"]
    return records


def _first_line_of_error(err: Exception) -> str:
    ename = getattr(err, "ename", type(err).__name__)
    evalue = " ".join(str(getattr(err, "evalue", err)).split())
    return f"{ename}: {evalue}"[:300]


def run_notebook(path: Path, week: int, out_dir: Path, timeout_s: int = 1200) -> NotebookResult:
    """Execute one notebook; write the executed .ipynb and an .html copy into out_dir (course tooling)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert import HTMLExporter

    result = NotebookResult(week=week, path=path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        result.status = "ok"
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        result.status, result.error = "FAILED", _first_line_of_error(err)
    result.seconds = time.perf_counter() - start
    result.records = notebook_records(nb)
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    (out_dir / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
    return result


def format_summary(results: list[NotebookResult]) -> str:
    """A plain-text table: week, notebook, status, seconds and recorded results (course tooling)."""
    rows = [("week", "notebook", "status", "seconds", "results")]
    for r in results:
        recorded = "; ".join(f"{k} = {format_value(v)}" for k, v in r.records.items())
        detail = recorded if r.status == "ok" else f"{r.error}" + (f" | {recorded}" if recorded else "")
        rows.append((str(r.week), r.path.stem, r.status, f"{r.seconds:.1f}", detail or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 7)
    total = sum(r.seconds for r in results)
    passed = sum(r.status == "ok" for r in results)
    lines.append(f"{passed} of {len(results)} notebooks ran cleanly in {total:.1f} s")
    return "\n".join(lines)


def run_weeks(weeks=None, out_dir: Path = REPO_ROOT / "build", timeout_s: int = 1200,
              notebook_dir: Path = NOTEBOOK_DIR) -> list[NotebookResult]:
    """Run the chosen weeks' notebooks in order, printing progress and the summary (course tooling)."""
    notebooks = find_notebooks(weeks, notebook_dir)
    if not notebooks:
        raise ValueError(f"no notebooks found in {notebook_dir}")
    results = []
    for week, path in notebooks.items():
        print(f"Running week {week}: {path.name} ...", flush=True)
        result = run_notebook(path, week, out_dir, timeout_s)
        print(f"  {result.status} in {result.seconds:.1f} s" + (f": {result.error}" if result.error else ""), flush=True)
        results.append(result)
    print(f"\nExecuted notebooks and HTML copies are in {out_dir}\n")
    print(format_summary(results))
    return results
