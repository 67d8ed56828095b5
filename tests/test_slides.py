"""Slide metadata on every notebook, and the offline reveal.js deck that `weekutils slides N` writes."""

from __future__ import annotations

import copy
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from weekutils import slides
from weekutils.runner import find_notebooks

NOTEBOOKS = find_notebooks()
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
MODULE_IMPORT = re.compile(r"""\bimport\b[^;]*?['"]((?:https?:)?//[^'"]+)['"]""")
# Attributes that make the browser fetch something; <a href> is a link a person may follow, so it is allowed.
FETCHING = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("image", "href"),
}


class ResourceParser(HTMLParser):
    """Collects every URL the page loads, and the nesting of reveal.js <section> slides."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.top_sections = 0
        self._depth = 0
        self._in = None  # "style" or "script" while inside one
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[name] for t, name in FETCHING if t == tag and attrs.get(name)]
        if attrs.get("style"):
            self.urls += css_urls(attrs["style"])
        if tag == "section":
            self.top_sections += self._depth == 0
            self._depth += 1
        if tag in ("style", "script"):
            self._in, self._text = tag, []

    def handle_endtag(self, tag):
        if tag == "section":
            self._depth -= 1
        if tag == self._in:
            text = "".join(self._text)
            self.urls += css_urls(text) if tag == "style" else MODULE_IMPORT.findall(text)
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)


def css_urls(css: str) -> list[str]:
    """URLs that CSS text loads: url(...) and @import, ignoring comments."""
    return [a or b for a, b in CSS_URL.findall(CSS_COMMENT.sub("", css))]


def is_external(url: str) -> bool:
    """True for anything fetched from another host; data: URIs and relative paths stay in the deck."""
    parts = urlsplit(url.strip())
    return parts.scheme not in ("", "data") or bool(parts.netloc)


def parse(html: str) -> ResourceParser:
    parser = ResourceParser()
    parser.feed(html)
    parser.close()
    return parser


def teaching_notebook():
    """A tiny notebook in the course layout, with one executed plot output."""
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Week 0: Demo (데모)\n\nWhy this matters."),
        new_markdown_cell("## 1. Loss (손실 함수)\n\n$L = \\frac{1}{2}(y - t)^2$"),
        new_markdown_cell("### Derivation\n\n$$\\frac{\\partial L}{\\partial y} = y - t$$"),
        new_code_cell("print('loss')", metadata={"slideshow": {"slide_type": "slide"}}),
        new_markdown_cell("Speaker hint", metadata={"slideshow": {"slide_type": "notes"}}),
        new_markdown_cell("## Exercises"),
        new_markdown_cell("### Exercise 1: Add\n\nCompute 2 + 2."),
        new_markdown_cell("#### Solution 1", metadata={"tags": ["solution"]}),
        new_markdown_cell("Four.", metadata={"tags": ["solution"]}),
        new_code_cell("assert 2 + 2 == 4", metadata={"tags": ["solution"], "editable": True}),
    ]
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    nb.cells[3].outputs = [new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]
    return nb


def test_apply_sets_the_course_slide_types():
    nb = slides.apply_slide_metadata(teaching_notebook())
    types = [cell.metadata.slideshow.slide_type for cell in nb.cells]
    assert types == ["slide", "slide", "subslide", "-", "notes", "slide", "subslide", "skip", "skip", "skip"]
    # The solution heading is collapsed in JupyterLab, which hides every cell under it.
    assert [c.metadata.get(slides.HEADING_COLLAPSED) for c in nb.cells[-3:]] == [True, None, None]
    # The cells under it are collapsed by nbformat's own flags too, which VS Code honours; the heading stays
    # visible, as the thing to click.
    assert [c.metadata.get("jupyter") for c in nb.cells[-3:]] == [
        None,
        {"source_hidden": True},
        {"source_hidden": True, "outputs_hidden": True},
    ]
    assert nb.cells[-1].metadata.editable is True, "other metadata is kept"
    assert slides.slide_metadata_problems(nb) == []


def test_problems_name_the_cells_that_do_not_conform():
    nb = teaching_notebook()
    del nb.cells[-3]  # a solution that does not start with its heading
    problems = slides.slide_metadata_problems(slides.apply_slide_metadata(nb))
    assert len(problems) == 1 and "cell 7" in problems[0] and "'#### Solution k' heading" in problems[0]
    nb = slides.apply_slide_metadata(teaching_notebook())
    del nb.cells[-3].metadata[slides.HEADING_COLLAPSED]
    assert "is not collapsed" in slides.slide_metadata_problems(nb)[0]
    nb = slides.apply_slide_metadata(teaching_notebook())
    del nb.cells[-1].metadata.jupyter["outputs_hidden"]
    assert slides.slide_metadata_problems(nb) == [
        "cell 9 ('assert 2 + 2 == 4'): solution cell is not hidden (metadata.jupyter.outputs_hidden)"
    ]
    assert any("cell 0" in p and "'slide'" in p for p in slides.slide_metadata_problems(teaching_notebook()))


LONG_PROSE = (
    "This paragraph explains at length why the loss is written this way, which the instructor says aloud "
    "while the slide shows the formula; it is far longer than a key line and belongs in the speaker notes."
)


def test_long_prose_is_cut_into_notes_at_blank_lines_only():
    source = "\n\n".join(
        [
            "## 2. Gradient (기울기)",
            "The key line.",
            LONG_PROSE,
            "$$g = \\nabla L$$",
            LONG_PROSE,
            "- a list item",
            "Short.",
        ]
    )
    nb = new_notebook(cells=[new_markdown_cell(source), new_code_cell("g = 1"), new_code_cell("print(g)")])
    slides.apply_slide_metadata(nb)
    pieces = [(c.metadata.slideshow.slide_type, c.source) for c in nb.cells if c.cell_type == "markdown"]
    assert pieces == [
        ("slide", "## 2. Gradient (기울기)\n\nThe key line."),
        ("notes", LONG_PROSE),
        ("-", "$$g = \\nabla L$$"),
        ("notes", LONG_PROSE),
        ("-", "- a list item"),
        ("-", "Short."),  # prose after a list starts a group of its own, where a sub-slide may begin
    ]
    assert "\n\n".join(text for _, text in pieces) == source, "no word changed, nothing reordered"
    assert len({c.id for c in nb.cells}) == len(nb.cells), "every new cell has its own id"
    assert slides.uncut_cells(nb) == [] and slides.slide_metadata_problems(nb) == []
    before = nbformat.writes(nb)
    assert nbformat.writes(slides.apply_slide_metadata(nb)) == before, "cutting again changes nothing"


def test_notes_and_manual_subslides_are_kept_and_uncut_prose_is_reported():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## 1. Setup"),
            new_markdown_cell(LONG_PROSE + "\n\n" + LONG_PROSE, metadata={"slideshow": {"slide_type": "notes"}}),
            new_code_cell("x = 1", metadata={"slideshow": {"slide_type": "subslide"}}),
            new_markdown_cell("## Glossary (용어 대조표)\n\n" + LONG_PROSE, metadata={"tags": ["glossary"]}),
        ]
    )
    assert [slides.expected_slide_type(c) for c in nb.cells] == ["slide", "notes", "subslide", "skip"]
    nb.cells.insert(1, new_markdown_cell(LONG_PROSE, metadata={"slideshow": {"slide_type": "-"}}))
    assert slides.uncut_cells(nb) == [1]
    assert any("cell 1" in p and "speaker notes" in p for p in slides.slide_metadata_problems(nb))


LONG_CODE = """import matplotlib.pyplot as plt


wplot.use_style()


def square(x):
    return x * x


values = [square(n) for n in range(10)]
print(values)


fig, ax = wplot.subplots()

ax.plot(values)
plt.show()


total = sum(values)
total
"""


def test_long_code_is_split_between_statements_that_behave_the_same_apart():
    pieces = slides.split_code(LONG_CODE, max_lines=4)
    assert pieces == [
        "import matplotlib.pyplot as plt",  # an import or a style is not a figure
        "wplot.use_style()\n\n\ndef square(x):\n    return x * x",  # use_style() shows its value if last
        "values = [square(n) for n in range(10)]\nprint(values)",
        "fig, ax = wplot.subplots()\n\nax.plot(values)\nplt.show()",  # a figure is never cut before plt.show()
        "total = sum(values)\ntotal",  # the value the cell shows stays last
    ]
    assert "\n\n\n".join(pieces) + "\n" == LONG_CODE
    assert slides.split_code("x = 1\n\n" * 20 + "'shown'\n\ny = 2", max_lines=2)[-1] == "'shown'\n\ny = 2"
    assert slides.split_code("%time x = 1\n\n" + "y = 2\n\n" * 20, max_lines=2) == [
        "%time x = 1\n\n" + "y = 2\n\n" * 20
    ]
    assert slides.split_code("a = 1\n\nb = 2") == ["a = 1\n\nb = 2"], "a short cell stays whole"
    computes_then_draws = (
        "x = np.arange(10)\ny = x**2\nz = y + 1\nw = z * 2\nprint(w)\n"
        + "wplot.line_plot({'y': y})\n" * 4
        + "plt.show()"
    )
    assert slides.split_code(computes_then_draws) == [
        "x = np.arange(10)\ny = x**2\nz = y + 1\nw = z * 2\nprint(w)",
        "wplot.line_plot({'y': y})\n" * 4 + "plt.show()",
    ], "the plot shares its slide only with the lines that draw it"


def test_split_long_code_cells_keeps_order_and_metadata():
    nb = new_notebook(cells=[new_markdown_cell("## 1. Code"), new_code_cell(LONG_CODE, metadata={"editable": True})])
    slides.split_long_code_cells(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) > 1 and all(c.metadata.editable for c in code)
    assert "\n\n\n".join(c.source for c in code) + "\n" == LONG_CODE
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_pack_subslides_starts_a_subslide_where_the_slide_is_full():
    nb = slides.apply_slide_metadata(
        new_notebook(
            cells=[
                new_markdown_cell("## 1. A"),
                new_code_cell("a = 1"),
                new_code_cell("b = 2", metadata={"slideshow": {"slide_type": "subslide"}}),
                new_code_cell("c = 3"),
                new_markdown_cell("Notes.", metadata={"slideshow": {"slide_type": "notes"}}),
                new_markdown_cell("### 1.1 B"),
                new_code_cell("d = 4"),
            ]
        )
    )
    too_tall = slides.pack_subslides(nb, [60, 300, 200, 300, 50, 700], budget=640)
    assert [c.metadata.slideshow.slide_type for c in nb.cells] == [
        "slide",
        "-",
        "-",
        "subslide",
        "notes",
        "subslide",
        "-",
    ]
    assert too_tall == [nb.cells[-1]]
    with pytest.raises(ValueError, match="one height per shown cell, 6, got 2"):
        slides.pack_subslides(nb, [1, 2])


@pytest.mark.parametrize("path", NOTEBOOKS.values(), ids=[p.name for p in NOTEBOOKS.values()])
def test_apply_is_idempotent(path):
    once = slides.apply_slide_metadata(nbformat.read(path, as_version=4))
    twice = slides.apply_slide_metadata(copy.deepcopy(once))
    assert nbformat.writes(twice) == nbformat.writes(once)


@pytest.mark.parametrize("path", NOTEBOOKS.values(), ids=[p.name for p in NOTEBOOKS.values()])
def test_notebook_carries_slide_metadata(path):
    problems = slides.slide_metadata_problems(nbformat.read(path, as_version=4))
    assert not problems, (
        f"{len(problems)} problems; run `python -m weekutils.slides notebooks/{path.name}`; "
        "the first ones:\n" + "\n".join(problems[:8])
    )


def test_main_rewrites_in_place_once(tmp_path, capsys):
    path = tmp_path / "week0_demo.ipynb"
    nbformat.write(teaching_notebook(), path)
    assert slides.main([str(path)]) == 0
    assert slides.main([str(path)]) == 0
    assert capsys.readouterr().out.split("\n")[:2] == [f"updated    {path}", f"unchanged  {path}"]
    nb = nbformat.read(path, as_version=4)
    assert slides.slide_metadata_problems(nb) == []
    assert nb.cells[3].outputs[0].output_type == "display_data", "outputs are left as they were"


def test_executed_copy_is_used_only_when_newer(tmp_path):
    notebook, build = tmp_path / "week0_demo.ipynb", tmp_path / "build"
    build.mkdir()
    nbformat.write(teaching_notebook(), notebook)
    assert slides.executed_copy(notebook, build) is None
    executed = build / notebook.name
    nbformat.write(teaching_notebook(), executed)
    os.utime(executed, (notebook.stat().st_mtime + 10,) * 2)
    assert slides.executed_copy(notebook, build) == executed
    os.utime(executed, (notebook.stat().st_mtime - 10,) * 2)
    assert slides.executed_copy(notebook, build) is None


def test_checker_catches_external_resources():
    html = """<html><head><link rel="stylesheet" href="https://cdn.example/x.css">
    <script src="//cdn.example/a.js"></script><script type="module">import m from 'https://cdn.example/m.mjs';</script>
    <style>/* see https://example.org */ @import "https://fonts.example/f.css"; b { background: url(data:image/png;base64,AA) }</style>
    </head><body><a href="https://example.org">fine</a><img src="assets/ok.png"><div style="background:url('http://x/y.png')"></div>
    <section><section></section></section><section></section></body></html>"""
    page = parse(html)
    assert [u for u in page.urls if is_external(u)] == [
        "https://cdn.example/x.css",
        "//cdn.example/a.js",
        "https://cdn.example/m.mjs",
        "https://fonts.example/f.css",
        "http://x/y.png",
    ]
    assert page.top_sections == 2


def assert_offline_deck(html_path: Path, nb):
    page = parse(html_path.read_text(encoding="utf-8"))
    external = [u for u in page.urls if is_external(u)]
    assert not external, f"the deck loads from the network: {external}"
    local = {unquote(urlsplit(u).path) for u in page.urls if not u.startswith("data:")}
    assert {"assets/reveal.js/dist/reveal.js", "assets/mathjax/es5/tex-svg-full.js"} <= local
    for ref in local:
        asset = html_path.parent / ref
        assert asset.is_file(), f"{html_path.name} references {ref}, which is not in the deck folder"
        if asset.suffix == ".css":
            remote = [u for u in css_urls(asset.read_text(encoding="utf-8")) if is_external(u)]
            assert not remote, f"{ref} loads {remote}"
    slide_cells = [
        c for c in slides.apply_slide_metadata(copy.deepcopy(nb)).cells if c.metadata.slideshow.slide_type == "slide"
    ]
    assert page.top_sections == len(slide_cells), "one reveal.js slide per ## section (and the title)"


def test_deck_with_outputs_is_offline(tmp_path):
    nb = teaching_notebook()
    html_path = slides.export_deck(nb, tmp_path / "deck", "week0_demo")
    assert_offline_deck(html_path, nb)
    html = html_path.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html, "plots are embedded in the page"
    assert "Four." not in html and "assert 2 + 2" not in html, "solutions are skipped in the slides"
    assert '<aside class="notes">' in html and "Speaker hint" in html, "notes cells go to reveal.js's speaker view"
    assert (tmp_path / "deck/assets/rise.css").read_bytes() == slides.STYLESHEET.read_bytes(), "RISE's style sheet"
    assert (tmp_path / "deck/assets/reveal.js/dist/plugin/notes.js").is_file()
    assert (tmp_path / "deck/assets/fonts/NanumGothic-subset.ttf").stat().st_size < 200_000


def test_build_slides_week1_is_offline(tmp_path):
    week1 = find_notebooks([1])[1]
    html_path = slides.build_slides(1, tmp_path / "slides", prefer_executed=False)
    assert html_path == tmp_path / "slides" / f"{week1.stem}.slides.html"
    assert_offline_deck(html_path, nbformat.read(week1, as_version=4))
