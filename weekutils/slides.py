"""Slides for class: RISE/nbconvert slide metadata on every notebook, and an offline reveal.js deck per week.

Run `python -m weekutils.slides` to (re)apply the slide metadata in place to both editions (notebooks/ and
notebooks/ko/), or name the notebooks to touch.

The convention that keeps a slide within a 1280x720 projector: a slide shows its heading, a key line, the maths,
lists, tables, code and results; longer explanation goes into the speaker notes (RISE's `notes` slide type, still
shown in the notebook). `cut_for_slides` applies it by splitting a markdown cell at its blank lines only, never
rewording, reordering or merging text, because the Korean edition's translation memory is keyed by paragraphs.
The Korean notebooks are never cut here: their cells follow the English ones (weekutils.edition).
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
import uuid
from pathlib import Path

from weekutils.files import atomic_path, atomic_write_text
from weekutils.runner import NOTEBOOK_DIR, REPO_ROOT, find_notebooks

SOLUTION_TAG = "solution"
GLOSSARY_TAG = "glossary"  # the English-Korean glossary at the end of each notebook: for reading, not for slides
# A solution starts with this heading; JupyterLab collapses the cells under a heading whose
# metadata says so, until the next heading of the same or a higher level (the next exercise).
SOLUTION_MARK = "#### Solution"
SOLUTION_MARKS = (SOLUTION_MARK, "#### 풀이")  # the English and the Korean edition's heading
HEADING_COLLAPSED = "jp-MarkdownHeadingCollapsed"
# The cells under a solution heading also carry nbformat's own collapse flags, which VS Code (and JupyterLab)
# honour: a code cell's outputs too, since Run All fills them in.
SOURCE_HIDDEN, OUTPUTS_HIDDEN = "source_hidden", "outputs_hidden"
# Types an author may set by hand on a cell that is neither a heading nor a solution; "subslide" starts a new
# sub-slide where the slide is full (pack_subslides places them from measured heights).
FREE_SLIDE_TYPES = {"-", "fragment", "subslide", "notes", "skip"}
# A paragraph of prose stays on the slide if it is short: the line right under a heading (a few lines at 24 px)
# or a one-line lead-in such as "**Learning goals.** By the end you can"; longer prose becomes speaker notes.
KEY_PARAGRAPH_CHARS = 260
LEAD_IN_CHARS = 120
# Height in px a (sub-)slide may fill in the offline deck at 1280x720; RISE adds ~20 px at the top, and a cell
# can differ a little between the two, so the budget keeps a margin below 720.
SLIDE_BUDGET_PX = 640
TRANSLATED = "translation"  # weekutils.edition.META_KEY: the cell metadata that marks a Korean cell
# Blocks a slide always shows: display maths, lists, tables, fenced code or diagrams, images, HTML, quotes.
SHOWN_BLOCK = re.compile(r"^\s*(\$\$|\\begin|[-*+] |\d+[.)] |\||```|~~~|!\[|<|>)")

# Notebook-level RISE settings: RISE's default theme ("simple") fetches Google Fonts, which fails offline;
# "white" has its fonts built in. Scrolling is the fallback if a slide is still taller than the screen.
RISE_CONFIG = {"theme": "white", "scroll": True}

PACKAGE_DIR = Path(__file__).resolve().parent
VENDOR_DIR = PACKAGE_DIR / "vendor"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
TEMPLATE_NAME = "weekutils_reveal"
ASSETS = "assets"  # folder next to the deck's HTML; every script, style and font is in it
# The course's slide style: RISE loads it from the notebooks' folder, the offline deck gets a copy in its assets.
STYLESHEET = NOTEBOOK_DIR / "rise.css"


def _first_line(cell) -> str:
    return cell.source.lstrip().split("\n", 1)[0]


def _is_solution(cell) -> bool:
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def _is_skipped(cell) -> bool:
    return bool({SOLUTION_TAG, GLOSSARY_TAG} & set(cell.metadata.get("tags", [])))


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def expected_slide_type(cell) -> str:
    """The slide type the course gives a cell: ##/# slide, ### sub-slide, solution/glossary skip (course tooling)."""
    if _is_skipped(cell):
        return "skip"
    if cell.cell_type == "markdown":
        first = _first_line(cell)
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    current = _slide_type(cell)
    return current if current in FREE_SLIDE_TYPES else "-"


def _is_heading(cell) -> bool:
    return cell.cell_type == "markdown" and _first_line(cell).startswith(("# ", "## ", "### "))


def shown_cells(nb) -> list:
    """The cells a slide shows, in order: neither speaker notes nor skipped (course tooling)."""
    return [cell for cell in nb.cells if expected_slide_type(cell) not in ("notes", "skip")]


def pack_subslides(nb, heights: list[float], budget: float = SLIDE_BUDGET_PX) -> list:
    """Start a sub-slide wherever the next shown cell would not fit; return the cells taller than a slide (course tooling).

    heights: the measured height of each of `shown_cells(nb)` on a 1280x720 slide (tests/fit_slides.py measures
    them in the offline deck). Sub-slides that a heading starts stay; the others are placed anew.
    """
    cells = shown_cells(nb)
    if len(heights) != len(cells):
        raise ValueError(f"pack_subslides expects one height per shown cell, {len(cells)}, got {len(heights)}")
    too_tall, used, only_heading = [], 0.0, False
    for cell, height in zip(cells, heights):
        slideshow = cell.metadata.setdefault("slideshow", {})
        if not _is_heading(cell) and slideshow.get("slide_type") == "subslide":
            slideshow["slide_type"] = "-"
        if _is_heading(cell):
            used, only_heading = height, True
            continue
        # A slide never ends after its heading alone: a cell too tall for any slide stays under its heading.
        if used > 0 and used + height > budget and not only_heading:
            slideshow["slide_type"] = "subslide"
            used = height
        else:
            used += height
        only_heading = False
        if height > budget:
            too_tall.append(cell)
    return too_tall


def _blocks_on_slide(blocks: list[str]) -> list[bool]:
    """For each paragraph of a shown markdown cell: does it stay on the slide (True) or go to the notes?"""
    shown = []
    for index, block in enumerate(blocks):
        after_heading = index > 0 and blocks[index - 1].lstrip().startswith("#")
        if block.lstrip().startswith("#") or SHOWN_BLOCK.match(block):
            shown.append(True)
        else:
            shown.append(len(block) <= (KEY_PARAGRAPH_CHARS if after_heading else LEAD_IN_CHARS))
    return shown


def _new_cell_id() -> str:
    return uuid.uuid4().hex[:8]


def _runs(cell) -> list[tuple[bool, list[str]]] | None:
    """A shown markdown cell as runs of paragraphs (shown on the slide?, paragraphs); None if it stays whole."""
    from weekutils.edition import paragraphs

    if cell.cell_type != "markdown" or _is_skipped(cell) or _slide_type(cell) in ("notes", "skip"):
        return None
    if TRANSLATED in cell.metadata:
        return None  # a Korean cell: cut as its English cell is, by the edition, never by its own length
    blocks = paragraphs(cell.source)
    if "\n\n".join(blocks) != cell.source.strip("\n"):
        return None  # more than one blank line, or a blank line inside code or maths: no lossless cut
    runs: list[tuple[bool, list[str]]] = []
    for block, shown in zip(blocks, _blocks_on_slide(blocks)):
        # A line of prose after a list or formula starts a new group ("**What we'll cover.**" after the goals):
        # its own cell, so that a sub-slide may begin there when the slide is full.
        new_group = shown and runs and SHOWN_BLOCK.match(runs[-1][1][-1]) and not SHOWN_BLOCK.match(block)
        if runs and runs[-1][0] == shown and not new_group:
            runs[-1][1].append(block)
        else:
            runs.append((shown, [block]))
    return None if len(runs) == 1 and runs[0][0] else runs


def cut_for_slides(nb):
    """Split shown markdown cells at blank lines so long prose becomes `notes` cells; text unchanged (course tooling).

    A cell is cut only between paragraphs, into runs of paragraphs that stay on the slide and runs that go to
    the speaker notes; joining the pieces with blank lines gives the original text back. Idempotent.
    """
    from nbformat import NotebookNode

    cells = []
    for cell in nb.cells:
        runs = _runs(cell)
        if runs is None:
            cells.append(cell)
            continue
        for number, (shown, run) in enumerate(runs):
            piece = (
                cell if number == 0 else NotebookNode(cell_type="markdown", id=_new_cell_id(), metadata=NotebookNode())
            )
            piece.source = "\n\n".join(run)
            slideshow = piece.metadata.setdefault("slideshow", NotebookNode())
            if not shown:
                slideshow["slide_type"] = "notes"
            elif number:
                slideshow["slide_type"] = "-"
            cells.append(piece)
    nb.cells = cells
    return nb


def uncut_cells(nb) -> list[int]:
    """Indices of markdown cells whose long prose is still on a slide: `cut_for_slides` would split them (course tooling)."""
    return [index for index, cell in enumerate(nb.cells) if _runs(cell) is not None]


# A code cell longer than this many lines (a long line counts as the lines it wraps into on a slide) cannot
# share a 1280x720 slide with its result; split_code splits it at statement boundaries.
CODE_LINES_PER_SLIDE = 14
CODE_CHARS_PER_LINE = 95
LINES_WITH_A_PLOT = 8  # a plot takes half the slide: a cell that computes and draws longer than this is cut
PLOTTING = re.compile(r"\b(wplot|plt|fig|axes|ax)\b")


def _slide_lines(text: str) -> int:
    return sum(max(1, -(-len(line) // CODE_CHARS_PER_LINE)) for line in text.split("\n"))


def _draws(node, text: str) -> bool:
    import ast

    return (
        bool(PLOTTING.search(text)) and not isinstance(node, (ast.Import, ast.ImportFrom)) and "use_style" not in text
    )


def split_code(source: str, max_lines: int = CODE_LINES_PER_SLIDE) -> list[str]:
    """A long code cell's source as consecutive pieces, cut only between top-level statements (course tooling).

    Running the pieces one after another does what the cell did: no cut follows an expression whose value
    the cell would not have shown, none falls between a figure's first line and its `plt.show()`, and cells
    with IPython magics stay whole. Cuts prefer the blank lines the author left between statements. A cell
    that computes and then draws is cut before its figure, so the plot shares a slide only with the lines
    that draw it.
    """
    import ast

    if re.search(r"^\s*[%!]", source, re.M):
        return [source]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [source]
    lines = source.split("\n")
    cuts, figure_open, plot_cut = [], False, None  # line numbers (0-based) where a new piece may start
    at_blank_line = set()  # the cuts the author already marked with a blank line: preferred
    for node, following in zip(tree.body, tree.body[1:]):
        text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
        if _draws(node, text):
            figure_open = not text.strip().startswith("plt.show(")
        shows_value = isinstance(node, ast.Expr) and not (
            isinstance(node.value, ast.Call) and ast.unparse(node.value.func) in ("print", "display", "plt.show")
        )
        start = following.lineno - 1 - len(getattr(following, "decorator_list", []) or [])
        between = lines[node.end_lineno : start]
        if figure_open or shows_value or any(line.strip() for line in between):
            continue
        cuts.append(start)
        if between:
            at_blank_line.add(start)
        following_text = "\n".join(lines[following.lineno - 1 : following.end_lineno])
        if plot_cut is None and _draws(following, following_text):
            plot_cut = start
    forced = {plot_cut} if plot_cut is not None and _slide_lines(source) > LINES_WITH_A_PLOT else set()
    if _slide_lines(source) <= max_lines and not forced:
        return [source]
    pieces, begin = [], 0
    while True:
        rest = "\n".join(lines[begin:]).strip("\n")
        later = [c for c in cuts if c > begin]
        if not later or (_slide_lines(rest) <= max_lines and not forced & set(later)):
            pieces.append(rest)
            return pieces
        fitting = [c for c in later if _slide_lines("\n".join(lines[begin:c]).strip("\n")) <= max_lines]
        must = [c for c in later if c in forced]
        preferred = [c for c in fitting if c in at_blank_line and c - begin >= (fitting[-1] - begin) // 2]
        cut = (preferred or fitting)[-1] if fitting else min(later)
        cut = min(must) if must and min(must) <= cut else cut
        pieces.append("\n".join(lines[begin:cut]).strip("\n"))
        begin = cut


def split_long_code_cells(nb):
    """Split every long shown code cell with `split_code`, in place, keeping its metadata (course tooling)."""
    from nbformat import NotebookNode

    cells = []
    for cell in nb.cells:
        pieces = split_code(cell.source) if cell.cell_type == "code" and not _is_skipped(cell) else [cell.source]
        for number, piece in enumerate(pieces):
            if number == 0:
                cell.source = piece
                cells.append(cell)
                continue
            metadata = copy.deepcopy(cell.metadata)
            metadata.setdefault("slideshow", NotebookNode())["slide_type"] = "-"
            cells.append(
                NotebookNode(
                    cell_type="code",
                    id=_new_cell_id(),
                    metadata=metadata,
                    source=piece,
                    outputs=[],
                    execution_count=None,
                )
            )
    nb.cells = cells
    return nb


def apply_slide_metadata(nb):
    """Cut long prose into notes, set every cell's slide type, collapse solutions, set RISE's theme; idempotent (course tooling)."""
    from nbformat import NotebookNode

    nb.metadata.setdefault("rise", NotebookNode()).update(RISE_CONFIG)
    cut_for_slides(nb)
    for cell in nb.cells:
        cell.metadata.setdefault("slideshow", NotebookNode())["slide_type"] = expected_slide_type(cell)
        if _is_solution(cell) and _first_line(cell).startswith(SOLUTION_MARKS):
            # Collapsed in JupyterLab, so students try the exercise before they read the answer.
            cell.metadata[HEADING_COLLAPSED] = True
        elif _is_solution(cell):
            cell.metadata.setdefault("jupyter", NotebookNode()).update(_hidden_flags(cell))
    return nb


def _hidden_flags(cell) -> dict:
    """The `jupyter` cell metadata that collapses a solution cell below its heading."""
    return {SOURCE_HIDDEN: True, **({OUTPUTS_HIDDEN: True} if cell.cell_type == "code" else {})}


def slide_metadata_problems(nb) -> list[str]:
    """Cells whose slide metadata or solution marking differ from the course convention (course tooling)."""
    problems = []
    rise = nb.metadata.get("rise", {})
    if any(rise.get(key) != value for key, value in RISE_CONFIG.items()):
        problems.append(f"notebook metadata 'rise' is {dict(rise)}, expected to include {RISE_CONFIG}")
    uncut = set(uncut_cells(nb))
    for index, cell in enumerate(nb.cells):
        where = f"cell {index} ({_first_line(cell)[:50]!r})"
        if index in uncut:
            problems.append(f"{where}: long prose is on the slide; cut it into speaker notes")
        actual = cell.metadata.get("slideshow", {}).get("slide_type")
        wanted = expected_slide_type(cell)
        if actual != wanted:
            problems.append(f"{where}: slide_type is {actual!r}, expected {wanted!r}")
        previous = nb.cells[index - 1] if index else None
        if _is_solution(cell) and not (previous is not None and _is_solution(previous)):
            if not _first_line(cell).startswith(SOLUTION_MARKS):
                problems.append(f"{where}: a solution starts with a '{SOLUTION_MARK} k' heading cell")
            elif not cell.metadata.get(HEADING_COLLAPSED):
                problems.append(f"{where}: solution heading is not collapsed (metadata.{HEADING_COLLAPSED})")
        if _is_solution(cell) and not _first_line(cell).startswith(SOLUTION_MARKS):
            hidden = cell.metadata.get("jupyter", {})
            missing = [flag for flag in _hidden_flags(cell) if not hidden.get(flag)]
            if missing:
                problems.append(f"{where}: solution cell is not hidden (metadata.jupyter.{', '.join(missing)})")
    return problems


# ---------------------------------------------------------------- offline deck


def executed_copy(path: Path, build_dir: Path = REPO_ROOT / "build") -> Path | None:
    """The copy `weekutils run` executed into build/, if it is at least as new as the notebook (course tooling)."""
    candidate = build_dir / path.name
    if candidate.is_file() and candidate.stat().st_mtime >= path.stat().st_mtime:
        return candidate
    return None


def _notebook_text(nb) -> str:
    parts = [cell.source for cell in nb.cells]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def _write_korean_font_subset(text: str, dest: Path) -> bool:
    """Write NanumGothic cut down to the Hangul in `text`; False if there is none (few KB instead of 4.7 MB)."""
    hangul = sorted({ch for ch in text if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"})
    if not hangul:
        return False
    import logging

    from fontTools import subset  # installed with matplotlib

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # it lists every hinting table it drops
    from weekutils.plot import korean_font_path

    options = subset.Options()
    options.layout_features = ["*"]
    font = subset.load_font(str(korean_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(hangul) + " ")
    subsetter.subset(font)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        subset.save_font(font, str(tmp), options)
    return True


def export_deck(nb, out_dir: Path, stem: str) -> Path:
    """Write `stem`.slides.html and its assets folder into out_dir; no URL leaves the folder (course tooling)."""
    from nbconvert import SlidesExporter

    nb = apply_slide_metadata(copy.deepcopy(nb))
    nb.metadata.pop("widgets", None)  # widget state needs CDN code to render; it would be dead offline
    out_dir = Path(out_dir)
    assets = out_dir / ASSETS
    for name in ("reveal.js", "mathjax"):
        shutil.copytree(VENDOR_DIR / name, assets / name, dirs_exist_ok=True)
    shutil.copyfile(STYLESHEET, assets / STYLESHEET.name)
    font = f"{ASSETS}/fonts/NanumGothic-subset.ttf"
    has_korean = _write_korean_font_subset(_notebook_text(nb), out_dir / font)

    exporter = SlidesExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        reveal_url_prefix=f"{ASSETS}/reveal.js",
        reveal_theme="white",
        reveal_transition="slide",
        reveal_width="1280",
        reveal_height="720",  # 16:9, the shape of today's projectors
    )
    resources = {
        "metadata": {"name": stem},
        "weekutils": {
            "assets": ASSETS,
            "korean_font": font if has_korean else "",
            "stylesheet": f"{ASSETS}/{STYLESHEET.name}",
        },
    }
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    html_path = out_dir / f"{stem}.slides.html"
    atomic_write_text(html_path, html)  # an interrupted export never leaves half a deck
    return html_path


def build_slides(week: int, out_dir: Path, prefer_executed: bool = True, lang: str = "en") -> Path:
    """Write the offline HTML slide deck of week N into out_dir and return its path (course tooling).

    With prefer_executed, the deck is built from the executed copy that `weekutils run N` left in
    build/ (build/ko/ for lang="ko"; so plots and printed results appear), when that copy is newer than
    the notebook; otherwise from the committed notebook, which has code but no outputs.
    """
    import nbformat

    from weekutils.edition import edition_dirs

    notebook_dir, build_dir = edition_dirs(lang)
    path = find_notebooks([week], notebook_dir)[week]
    source = (executed_copy(path, build_dir) if prefer_executed else None) or path
    print(
        f"Slides of week {week} from {source.relative_to(REPO_ROOT) if source.is_relative_to(REPO_ROOT) else source}"
        + (" (executed copy, with outputs)" if source != path else " (as committed, no outputs)")
    )
    return export_deck(nbformat.read(source, as_version=4), Path(out_dir), path.stem)


def main(argv=None) -> int:
    """Apply the slide metadata in place to the given notebooks, or to both editions' notebooks (course tooling)."""
    import nbformat

    from weekutils.edition import KO_DIR

    args = list(sys.argv[1:] if argv is None else argv)
    split = "--split-code" in args  # an authoring step, reviewed in the diff: long code cells become several
    paths = [Path(p) for p in args if p != "--split-code"]
    if not paths:  # both editions: the drift guard wants the Korean slide metadata equal to the English
        paths = sorted(NOTEBOOK_DIR.glob("*.ipynb")) + sorted(KO_DIR.glob("*.ipynb"))
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        if split and KO_DIR not in path.resolve().parents:
            split_long_code_cells(nb)
        apply_slide_metadata(nb)
        if nbformat.writes(nb) != before:
            with atomic_path(path) as tmp:  # the notebook itself is at stake here
                nbformat.write(nb, tmp)
            print(f"updated    {path}")
        else:
            print(f"unchanged  {path}")
        for problem in slide_metadata_problems(nb):
            print(f"  {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
