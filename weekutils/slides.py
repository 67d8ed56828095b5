"""Slides for class: RISE/nbconvert slide metadata on every notebook, and an offline reveal.js deck per week.

Run `python -m weekutils.slides` to (re)apply the slide metadata in place to both editions (notebooks/ and
notebooks/ko/), or name the notebooks to touch.
"""

from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path

from weekutils.files import atomic_path, atomic_write_text
from weekutils.runner import REPO_ROOT, find_notebooks

SOLUTION_TAG = "solution"
# A solution starts with this heading; JupyterLab collapses the cells under a heading whose
# metadata says so, until the next heading of the same or a higher level (the next exercise).
SOLUTION_MARK = "#### Solution"
SOLUTION_MARKS = (SOLUTION_MARK, "#### 풀이")  # the English and the Korean edition's heading
HEADING_COLLAPSED = "jp-MarkdownHeadingCollapsed"
# The cells under a solution heading also carry nbformat's own collapse flags, which VS Code (and JupyterLab)
# honour: a code cell's outputs too, since Run All fills them in.
SOURCE_HIDDEN, OUTPUTS_HIDDEN = "source_hidden", "outputs_hidden"
# Types an author may set by hand on a cell that is neither a heading nor a solution.
FREE_SLIDE_TYPES = {"-", "fragment", "notes", "skip"}

# Notebook-level RISE settings: RISE's default theme ("simple") fetches Google Fonts, which fails offline;
# "white" has its fonts built in. Scrolling keeps a tall slide (code + plot) readable on a projector.
RISE_CONFIG = {"theme": "white", "scroll": True}

PACKAGE_DIR = Path(__file__).resolve().parent
VENDOR_DIR = PACKAGE_DIR / "vendor"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
TEMPLATE_NAME = "weekutils_reveal"
ASSETS = "assets"  # folder next to the deck's HTML; every script, style and font is in it


def _first_line(cell) -> str:
    return cell.source.lstrip().split("\n", 1)[0]


def _is_solution(cell) -> bool:
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def expected_slide_type(cell) -> str:
    """The slide type the course gives a cell: ##/# slide, ### sub-slide, solution skip (course tooling)."""
    if _is_solution(cell):
        return "skip"
    if cell.cell_type == "markdown":
        first = _first_line(cell)
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    current = cell.metadata.get("slideshow", {}).get("slide_type", "-")
    return current if current in FREE_SLIDE_TYPES else "-"


def apply_slide_metadata(nb):
    """Set every cell's RISE/nbconvert slide type, collapse solutions, set RISE's theme; idempotent (course tooling)."""
    from nbformat import NotebookNode

    nb.metadata.setdefault("rise", NotebookNode()).update(RISE_CONFIG)
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
    for index, cell in enumerate(nb.cells):
        where = f"cell {index} ({_first_line(cell)[:50]!r})"
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
    resources = {"metadata": {"name": stem}, "weekutils": {"assets": ASSETS, "korean_font": font if has_korean else ""}}
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
    from weekutils.runner import NOTEBOOK_DIR

    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths:  # both editions: the drift guard wants the Korean slide metadata equal to the English
        paths = sorted(NOTEBOOK_DIR.glob("*.ipynb")) + sorted(KO_DIR.glob("*.ipynb"))
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
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
