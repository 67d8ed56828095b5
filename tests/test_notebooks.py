"""Notebook hygiene: seven weeks, committed without outputs, generic python3 kernel, d2l structure."""

import ast
import re

import nbformat
import pytest

from weekutils.glossary import parse_table
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


# --- Checkpoints that cannot fail -------------------------------------------------------------------------
# An `assert` comparing literals with literals (`0.25**10 < 1e-6`, `780 + 432_100 == 433_890`) checks
# arithmetic, not the notebook's code or its claim: it passes whatever the cells above compute.


def _is_literal(node) -> bool:
    """A constant, or arithmetic / containers built only from constants."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) and _is_literal(node.right)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_literal(element) for element in node.elts)
    return False


def _has_literal_comparison(test) -> bool:
    """True for a comparison of literals only, also inside and/or/not and as a link of a chain.

    `a == 1 + 2 == 3` means `a == 1 + 2 and 1 + 2 == 3`; its second link compares literals only.
    """
    if isinstance(test, ast.Compare):
        operands = [test.left, *test.comparators]
        return any(_is_literal(a) and _is_literal(b) for a, b in zip(operands, operands[1:]))
    if isinstance(test, ast.BoolOp):
        return any(_has_literal_comparison(value) for value in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _has_literal_comparison(test.operand)
    return False


def _python_source(cell_source: str) -> str:
    """A code cell as plain Python: IPython magics (%, %%, !) become calls, as IPython itself runs them."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # without IPython, drop magic lines (keeping line numbers)
        return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line for line in cell_source.splitlines())
    return TransformerManager().transform_cell(cell_source)


def literal_asserts(cell_source: str) -> list[str]:
    """The source of every `assert` in a cell whose test compares only literals."""
    source = _python_source(cell_source)
    return [
        ast.get_source_segment(source, node) or ast.unparse(node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assert) and _has_literal_comparison(node.test)
    ]


def test_literal_assert_detector():
    flagged = [
        "assert 0.25**10 < 1e-6",
        "assert 780 + 432_100 == 433_890",
        "x = 3\nassert x > 0 and -(2 ** 3) <= 1e-6, 'message'",
        "%matplotlib inline\nassert not (1, 2) == (1, 2)",
        "assert n_params == 780 + 432_100 + 1_010 == 433_890",
    ]
    passing = [
        "assert x < 1e-6",
        "assert 0.25 ** n < 1e-6",
        "assert f(2) == 4 and np.pi > 3",
        "assert True",
        "!ls\nassert len(rows) == 2 * 3",
        "assert 0 < x < 1",
    ]
    for source in flagged:
        assert len(literal_asserts(source)) == 1, source
    for source in passing:
        assert literal_asserts(source) == [], source
    assert literal_asserts("if ok:\n    assert 1 + 1 == 2") == ["assert 1 + 1 == 2"]


ALL_NOTEBOOKS = sorted(p for p in NOTEBOOK_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(NOTEBOOK_DIR)))
def test_no_checkpoint_compares_literals_only(path):
    notebook = nbformat.read(path, as_version=4)
    found = [
        f"{path.relative_to(NOTEBOOK_DIR)} cell {index}: {source}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for source in literal_asserts(cell.source)
    ]
    assert not found, "asserts that compare only literals cannot fail:\n" + "\n".join(found)


# --- Glossary: every week ends with its English / Korean term table -----------------------------------------
GLOSSARY_TAG = "glossary"
GLOSSARY_HEADING = "## Glossary (용어 대조표)"


def glossary_rows(cell_source: str) -> list[tuple[str, str]]:
    """The (English, 한국어) rows of a glossary cell's markdown table, read by weekutils.glossary.parse_table."""
    table = "\n".join(line for line in cell_source.splitlines() if line.lstrip().startswith("|"))
    header = [part.strip() for part in table.split("\n", 1)[0].strip().strip("|").split("|")]
    assert header == ["English", "한국어"], f"table header is {header}"
    pairs = parse_table(table)
    assert pairs is not None, f"not a glossary table:\n{table}"
    return [(english, korean) for korean, english in pairs]


def test_ends_with_glossary(nb):
    # Also keeps the last solution collapsed in JupyterLab: Run All leaves the last cell selected and
    # expands a collapsed heading that holds it; a glossary cell after the solutions is outside every one.
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and GLOSSARY_TAG in last.metadata.get("tags", []), "last cell: the glossary"
    assert last.source.startswith(GLOSSARY_HEADING + "\n")
    solutions = [i for i, c in enumerate(nb.cells) if "solution" in c.metadata.get("tags", [])]
    assert solutions[-1] < len(nb.cells) - 1
    rows = glossary_rows(last.source)
    assert 10 <= len(rows) <= 25, f"{len(rows)} terms"
    english = [term for term, _ in rows]
    assert len(set(english)) == len(english), "a term is listed twice"


def test_glossaries_agree_across_weeks():
    korean_of: dict[str, tuple[str, str]] = {}
    disagreements = []
    for name in PRESENT:
        last = nbformat.read(NOTEBOOK_DIR / name, as_version=4).cells[-1]
        if GLOSSARY_TAG not in last.metadata.get("tags", []):
            continue  # test_ends_with_glossary reports it
        for term, korean in glossary_rows(last.source):
            first = korean_of.setdefault(term, (korean, name))
            if first[0] != korean:
                disagreements.append(f"{term!r}: {first[0]!r} in {first[1]}, {korean!r} in {name}")
    assert not disagreements, "one English term, two Korean words:\n" + "\n".join(disagreements)


def test_glossary_table_parser():
    table = "## Glossary (용어 대조표)\n\nOne sentence.\n\n| English | 한국어 |\n|---|---|\n| tensor | 텐서 |\n| epoch | 에폭 |"
    assert glossary_rows(table) == [("tensor", "텐서"), ("epoch", "에폭")]
    with pytest.raises(ValueError, match="does not have two filled cells"):
        glossary_rows(table + "\n| seed |  |")
