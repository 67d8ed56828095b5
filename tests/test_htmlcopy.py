"""The HTML copy of `weekutils run` (weekutils.htmlcopy): which cells it hides, and its offline progress bars.

The browser test (test_browser.py) clicks the button; these check the page's content without a browser.
"""

import re

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from weekutils.htmlcopy import html_copy, solution_groups
from weekutils.progress import PROGRESS_KEY, WIDGET_MIMETYPE

SOLUTION = {"tags": ["solution"]}


def exercises():
    nb = new_notebook(
        cells=[
            new_markdown_cell("### Exercise 1: Add"),
            new_markdown_cell("#### Solution 1", metadata=SOLUTION),
            new_markdown_cell("Add them.", metadata=SOLUTION),
            new_code_cell("1 + 1", metadata=SOLUTION),
            new_markdown_cell("### Exercise 2: Train"),
            new_markdown_cell("#### Solution 2", metadata=SOLUTION),
            new_code_cell("train()", metadata=SOLUTION),
            new_markdown_cell("## Glossary (용어 대조표)", metadata={"tags": ["glossary"]}),
        ]
    )
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell{index}"
    return nb


def test_solution_groups_are_the_cells_under_each_solution_heading():
    assert solution_groups(exercises()) == [["cell2", "cell3"], ["cell6"]]


def test_html_copy_hides_solutions_by_style_and_keeps_the_bar_as_text():
    nb = exercises()
    bar = {
        "text/plain": "training: 100%|██████████| 5/5 [00:01<00:00, loss=0.1234]",
        WIDGET_MIMETYPE: {"model_id": "a1"},
    }
    nb.cells[6].outputs = [new_output("display_data", data=bar, metadata={PROGRESS_KEY: {"closed": True}})]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    page = html_copy(nb)
    style = re.search(r"<style>(\[id=.*?)\{display:none\}", page).group(1)
    assert re.findall(r'cell-id=(\w+)"', style) == ["cell2", "cell3", "cell6"], "the headings and exercises stay"
    assert '"Show solution"' in page and '[["cell2", "cell3"], ["cell6"]]' in page
    assert page.index("<style>[id=") < page.index("</head>") and page.rindex("<script>") < page.rindex("</body>")
    assert "<noscript>" in page, "without JavaScript the solutions show"
    assert "training: 100%|██████████| 5/5" in page and "loss=0.1234" in page
    assert WIDGET_MIMETYPE not in page and "widget-state" not in page
    assert WIDGET_MIMETYPE in nb.cells[6].outputs[0].data, "the notebook itself is left as it was"
