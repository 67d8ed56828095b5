"""`weekutils run` / `doctor`: executing notebooks, collecting records, the summary and exit codes."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from weekutils import cli
from weekutils.runner import find_notebooks, format_summary, run_weeks


def _write(path, *sources):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def tiny_course(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _write(notebooks / "week1_ok.ipynb", "from weekutils import record", "record('test accuracy', 0.98765)\nrecord('epochs', 3)")
    _write(notebooks / "week2_broken.ipynb", "from weekutils import record\nrecord('partial', 1.5)", "raise ValueError('shape (3, 4) expected')")
    return notebooks


def test_run_writes_executed_copies_html_and_a_summary(tiny_course, tmp_path, capsys):
    out = tmp_path / "build"
    results = run_weeks(None, out_dir=out, notebook_dir=tiny_course, timeout_s=120)
    assert [r.status for r in results] == ["ok", "FAILED"]
    assert results[0].records == {"test accuracy": 0.98765, "epochs": 3}
    assert results[1].records == {"partial": 1.5} and "ValueError: shape (3, 4) expected" in results[1].error
    for name in ("week1_ok", "week2_broken"):
        assert (out / f"{name}.ipynb").is_file() and (out / f"{name}.html").stat().st_size > 1000
    executed = nbformat.read(out / "week1_ok.ipynb", as_version=4)
    assert executed.cells[1].outputs, "the executed copy keeps its outputs"
    printed = capsys.readouterr().out
    assert "test accuracy = 0.9877; epochs = 3" in printed
    assert "1 of 2 notebooks ran cleanly" in printed


def test_run_selects_weeks(tiny_course):
    assert list(find_notebooks([2], tiny_course)) == [2]
    with pytest.raises(ValueError, match=r"no notebook for week\(s\) \[7\]"):
        find_notebooks([1, 7], tiny_course)


def test_summary_table_layout(tiny_course):
    from weekutils.runner import NotebookResult

    table = format_summary([NotebookResult(3, tiny_course / "week3_x.ipynb", "ok", 12.34, {"acc": 0.9})])
    header, rule, row, total = table.splitlines()
    assert header.split()[:4] == ["week", "notebook", "status", "seconds"]
    assert row.split()[:4] == ["3", "week3_x", "ok", "12.3"] and row.endswith("acc = 0.9")
    assert total == "1 of 1 notebooks ran cleanly in 12.3 s"


def test_cli_unknown_week_exits_with_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "99"])
    assert exit_info.value.code == 2 and "no notebook for week(s) [99]" in capsys.readouterr().err


def test_doctor_reports_versions_threads_and_data(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    for word in ("Python", "torch", "torchvision", "numpy", "device", "torch threads", "MNIST: ", "MD5 OK"):
        assert word in out
