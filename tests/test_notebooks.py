"""Notebook hygiene: seven weeks, committed without outputs, generic python3 kernel, d2l structure."""
import re

import nbformat
import pytest

from weekutils.runner import NOTEBOOK_DIR

WEEKS = {
    1: "week1_pytorch_basics.ipynb",
    2: "week2_regression.ipynb",
    3: "week3_backprop.ipynb",
    4: "week4_mlp_mnist.ipynb",
    5: "week5_conv_pooling.ipynb",
    6: "week6_cnn_mnist.ipynb",
    7: "week7_beyond_mnist.ipynb",
}
PRESENT = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))


def test_only_known_notebooks():
    assert set(PRESENT) <= set(WEEKS.values()), f"unexpected notebooks: {set(PRESENT) - set(WEEKS.values())}"
    assert WEEKS[1] in PRESENT


@pytest.fixture(params=PRESENT)
def nb(request):
    return nbformat.read(NOTEBOOK_DIR / request.param, as_version=4)


def test_committed_without_outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


def test_generic_python3_kernel(nb):
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["language"] == "python"


def test_d2l_structure(nb):
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    text = "\n".join(markdown)
    assert markdown[0].startswith("# Week "), "the first cell is the title"
    assert re.search(r"[\uac00-\ud7a3]", markdown[0]), "the title carries the Korean week title"
    assert re.search(r"learning goals", text, re.I) and re.search(r"what we'll cover", text, re.I)
    assert re.search(r"^## Summary", text, re.M) and re.search(r"^## Exercises", text, re.M)
    assert len(re.findall(r"^### Exercise \d+", text, re.M)) >= 3


def test_every_exercise_has_a_tagged_solution(nb):
    exercises = len([c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("### Exercise")])
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    assert exercises >= 3 and sum(c.cell_type == "code" for c in solutions) >= exercises
    marked = [c for c in solutions if c.cell_type == "markdown" and c.source.startswith("#### Solution")]
    assert len(marked) == exercises


def test_exactly_one_set_seed_and_checkpoints(nb):
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert len(re.findall(r"\bset_seed\(", code)) == 1
    assert re.search(r"^\s*assert ", code, re.M), "a notebook shows its checkpoints"


def test_plots_go_through_the_course_helpers(nb):
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    raw = re.findall(r"\bplt\.(?:subplots|figure|plot|scatter|imshow|hist|bar)\(", code)
    assert not raw, f"use weekutils.plot (wplot) instead of raw matplotlib: {raw}"
