"""`weekutils run` / `doctor`: executing notebooks, collecting records, the summary and exit codes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from weekutils import cli
from weekutils.runner import find_notebooks, format_summary, run_weeks

ROOT = Path(__file__).resolve().parent.parent


def _write(path, *sources):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def tiny_course(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _write(
        notebooks / "week1_ok.ipynb",
        "from weekutils import record",
        "record('test accuracy', 0.98765, floor=0.97)\nrecord('epochs', 3)",
    )
    _write(
        notebooks / "week2_broken.ipynb",
        "from weekutils import record\nrecord('partial', 1.5)",
        "raise ValueError('shape (3, 4) expected')",
    )
    return notebooks


def test_run_writes_executed_copies_html_and_a_summary(tiny_course, tmp_path, capfd):
    out = tmp_path / "build"
    results = run_weeks(None, out_dir=out, notebook_dir=tiny_course, timeout_s=120)
    assert [r.status for r in results] == ["ok", "FAILED"]
    assert results[0].records == {"test accuracy": 0.98765, "epochs": 3}
    assert results[1].records == {"partial": 1.5} and "ValueError: shape (3, 4) expected" in results[1].error
    for name in ("week1_ok", "week2_broken"):
        assert (out / f"{name}.ipynb").is_file() and (out / f"{name}.html").stat().st_size > 1000
    executed = nbformat.read(out / "week1_ok.ipynb", as_version=4)
    assert executed.cells[1].outputs, "the executed copy keeps its outputs"
    assert results[0].floors == {"test accuracy": 0.97} and results[1].floors == {}
    printed, errors = capfd.readouterr()  # capfd: the kernels write to the same stderr file descriptor
    assert "    test accuracy  0.9877  (floor 0.97)\n    epochs              3\n2 " in printed
    assert "1 of 2 notebooks ran cleanly" in printed
    assert "TCP" not in printed + errors and "encryption" not in printed + errors
    index = (out / "index.html").read_text(encoding="utf-8")
    for text in (
        '<a href="week1_ok.html">week1_ok</a>',
        '<a href="week2_broken.html">',
        "FAILED",
        "test accuracy = 0.9877",
        "(floor 0.97)",
        "ValueError: shape (3, 4) expected",
        "numpy ",
        "torch ",
    ):
        assert text in index, text
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")], "no temporary files are left"


def test_run_selects_weeks(tiny_course):
    assert list(find_notebooks([2], tiny_course)) == [2]
    with pytest.raises(ValueError, match=r"no notebook for week\(s\) \[7\]"):
        find_notebooks([1, 7], tiny_course)


def test_summary_table_layout(tiny_course):
    from weekutils.runner import NotebookResult

    table = format_summary(
        [
            NotebookResult(
                3,
                tiny_course / "week3_x.ipynb",
                "ok",
                12.34,
                {"acc": 0.9, "train seconds": 45.5319},
                floors={"acc": 0.85},
            ),
            NotebookResult(12, tiny_course / "week12_long_name.ipynb", "FAILED", 1.0, {}, "KeyError: 'x'"),
        ]
    )
    assert table.splitlines() == [
        "week  notebook          status  seconds",
        "----  ----------------  ------  -------",
        "3     week3_x           ok      12.3",
        "    acc              0.9  (floor 0.85)",
        "    train seconds  45.53",
        "12    week12_long_name  FAILED  1.0",
        "    KeyError: 'x'",
        "1 of 2 notebooks ran cleanly in 13.3 s",
    ]


def test_record_with_a_floor_reports_then_asserts(capsys):
    from weekutils.utils import record

    assert record("acc", 0.99, floor=0.98) == 0.99
    assert capsys.readouterr().out.strip() == "[recorded] acc = 0.99 (floor 0.98)"
    with pytest.raises(AssertionError, match=r"acc = 0.5 is below its floor 0.98"):
        record("acc", 0.5, floor=0.98)
    assert capsys.readouterr().out.strip() == "[recorded] acc = 0.5 (floor 0.98)", "recorded before the check"
    with pytest.raises(ValueError, match=r"floor must be a finite number or None, got 'high'"):
        record("acc", 0.5, floor="high")
    with pytest.raises(ValueError, match=r"its value must be a number"):
        record("ok", True, floor=0.5)


@pytest.mark.parametrize("timeout", ["0", "-5", "soon"])
def test_cli_rejects_a_timeout_below_one_second(timeout, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "--timeout", timeout])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and f"must be a whole number of seconds >= 1, got '{timeout}'" in err


def test_cli_out_pointing_at_a_file_fails_before_running(tmp_path, capsys, monkeypatch):
    import weekutils.runner

    monkeypatch.setattr(weekutils.runner, "run_notebook", lambda *a, **k: pytest.fail("a notebook ran"))
    (tmp_path / "file").write_text("x")
    for out, message in [
        (tmp_path / "file", "is a file, not a folder"),
        (tmp_path / "file" / "sub", "is not writable: Not a directory"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["run", "1", "--out", str(out)])
        err = capsys.readouterr().err
        assert exit_info.value.code == 2 and message in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write to a read-only folder")
def test_cli_unwritable_out_fails_before_running(tmp_path, capsys, monkeypatch):
    import weekutils.runner

    monkeypatch.setattr(weekutils.runner, "run_notebook", lambda *a, **k: pytest.fail("a notebook ran"))
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "1", "--out", str(out)])
    assert exit_info.value.code == 2 and "is not writable" in capsys.readouterr().err


def test_ctrl_c_stops_the_run_kills_its_kernel_and_keeps_finished_weeks(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    pid_file, started = tmp_path / "kernel.pid", tmp_path / "started"
    _write(notebooks / "week1_quick.ipynb", "print('done')")
    _write(
        notebooks / "week2_slow.ipynb",
        f"import os, pathlib, time\npathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\n"
        f"pathlib.Path({str(started)!r}).touch()\ntime.sleep(60)",
    )
    _write(notebooks / "week3_never.ipynb", "print('never')")
    out = tmp_path / "build"
    code = (
        "import sys; from weekutils import cli, runner; runner.NOTEBOOK_DIR = runner.Path(sys.argv[1]); "
        "sys.exit(cli.main(['run', '--out', sys.argv[2], '--timeout', '120']))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(notebooks), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 90
        while not started.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "week 2 never started"
            time.sleep(0.2)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)  # to the runner alone, as a terminal's Ctrl-C reaches it
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, (stdout, stderr)
    assert stderr.strip() == "interrupted during week 2; build/ keeps week 1", stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["week1_quick.html", "week1_quick.ipynb"]
    kernel = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(kernel), "the interrupted week's kernel was shut down"


def test_interrupted_message_lists_the_finished_weeks():
    from weekutils.runner import RunInterrupted

    assert str(RunInterrupted(1, [], Path("build"))) == "interrupted during week 1; build/ keeps no week of this run"
    assert str(RunInterrupted(4, [2, 3], Path("/tmp/out"))) == "interrupted during week 4; out/ keeps weeks 2, 3"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


def test_cli_unknown_week_exits_with_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "99"])
    assert exit_info.value.code == 2 and "no notebook for week(s) [99]" in capsys.readouterr().err


def test_doctor_reports_versions_threads_and_data(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    for word in ("Python", "torch", "torchvision", "numpy", "device", "torch threads", "MNIST: ", "MD5 OK"):
        assert word in out
