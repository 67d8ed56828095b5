"""Place sub-slide breaks in week notebooks from the measured height of each cell: `python tests/fit_slides.py 3 4`.

Course tooling for authors, not a test. It copies the outputs of the executed copy (build/nbval/ from the test
command, or build/ from `weekutils run`) onto the notebook's code cells, builds the offline deck, measures every
shown cell in Chromium at 1280x720, and rewrites the notebook's slide metadata with `slides.pack_subslides`.
Cells taller than a slide on their own are listed: split such a code cell at a statement boundary.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
from slide_metrics import VIEWPORT, measure_cell_heights
from test_browser import CHROMIUM, CHROMIUM_ARGS

from weekutils import slides
from weekutils.files import atomic_path
from weekutils.runner import REPO_ROOT, find_notebooks


def with_outputs(path: Path, executed: Path):
    """The notebook at `path` with the outputs its unchanged code cells have in `executed`."""
    nb = nbformat.read(path, as_version=4)
    done = {}
    for cell in nbformat.read(executed, as_version=4).cells:
        if cell.cell_type == "code":
            done.setdefault(cell.source, cell.outputs)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = done.get(cell.source, [])
    return nb


def fit(week: int, page) -> list:
    path = find_notebooks([week])[week]
    # The newest executed copy; older than the notebook is fine here, outputs are matched by code cell source.
    copies = [p for p in (REPO_ROOT / "build" / "nbval" / path.name, REPO_ROOT / "build" / path.name) if p.exists()]
    if not copies:  # code and text only: plots and printed results will need more sub-slides later
        print(f"week {week}: no executed copy (run `weekutils run {week}`); fitting without outputs")
    executed = max(copies, key=lambda p: p.stat().st_mtime) if copies else path
    nb = slides.apply_slide_metadata(with_outputs(path, executed))
    with tempfile.TemporaryDirectory() as folder:
        page.goto(slides.export_deck(nb, Path(folder), path.stem).as_uri())
        heights = measure_cell_heights(page)
    too_tall = slides.pack_subslides(nb, heights)
    height_of = {id(cell): height for cell, height in zip(slides.shown_cells(nb), heights)}
    too_tall = [(cell, height_of[id(cell)]) for cell in too_tall]
    committed = nbformat.read(path, as_version=4)
    slides.apply_slide_metadata(committed)
    for cell, fitted in zip(committed.cells, nb.cells):
        cell.metadata["slideshow"] = fitted.metadata["slideshow"]
    with atomic_path(path) as tmp:
        nbformat.write(committed, tmp)
    return too_tall


def main(weeks: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport=VIEWPORT).new_page()
        for week in weeks:
            too_tall = fit(week, page)
            print(f"week {week}: sub-slides placed; {len(too_tall)} cells taller than a slide on their own")
            for cell, height in too_tall:
                print(f"   {height:5.0f} px {cell.cell_type}: {cell.source.splitlines()[0][:80]!r}")
        browser.close()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]])
