"""Every slide of every week on a 1280x720 projector, in RISE (inside JupyterLab) and in the offline deck.

For each slide: no code line is clipped, body text is at least 24 px, code at least 20 px, and the content is no
taller than the window (all asserted), measured by tests/slide_metrics.py in Chromium. The worst slide of each week is
printed, and a screenshot of it goes to build/browser/.

The slides need notebooks with their outputs (plots, printed results). Under the README's test command nbval has
just executed each notebook, and conftest.py wrote it to build/nbval/; this test runs after the notebooks. Run
alone, it uses the copy `weekutils run N` left in build/. A week with neither fails and says what to run.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from slide_metrics import VIEWPORT, SlideReport, measure_deck, measure_rise, summary
from test_browser import CHROMIUM, CHROMIUM_ARGS, IN_CI, PAGE_S, jupyter_lab

from weekutils import slides
from weekutils.runner import REPO_ROOT, find_notebooks

NOTEBOOKS = find_notebooks()
NBVAL_DIR = REPO_ROOT / "build" / "nbval"
SCREENSHOTS = REPO_ROOT / "build" / "browser"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI,
    reason="Debian's chromium is not installed (apt-get install -y chromium); with CI=true this test fails instead",
)


# Under the README's two workers, the other worker may still be executing a notebook when this test starts:
# wait for its copy (conftest.py writes it when the notebook's last cell has passed, and a marker if one failed).
WAIT_FOR_NBVAL_S = 1800


def wait_for_nbval_copy(path: Path) -> None:
    """Under pytest-xdist, wait until nbval's copy of `path` from this run exists; fail at once if it failed."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    started = float(os.environ["WEEKUTILS_TEST_SESSION_START"])
    copy, failed = NBVAL_DIR / path.name, NBVAL_DIR / f"{path.name}.failed"
    deadline = time.monotonic() + WAIT_FOR_NBVAL_S
    while not (copy.is_file() and copy.stat().st_mtime >= started):
        if failed.is_file() and failed.stat().st_mtime >= started:
            pytest.fail(f"{path.name} failed under nbval in this run, so its slides cannot be measured")
        if time.monotonic() > deadline:
            pytest.fail(f"nbval's copy of {path.name} did not appear in {WAIT_FOR_NBVAL_S} s")
        time.sleep(2)


def executed(week: int) -> Path:
    """The newest executed copy of a week's notebook: nbval's from this test run, else `weekutils run`'s."""
    path = NOTEBOOKS[week]
    wait_for_nbval_copy(path)
    for folder in (NBVAL_DIR, REPO_ROOT / "build"):
        copy = slides.executed_copy(path, folder)
        if copy is not None:
            return copy
    pytest.fail(
        f"no executed copy of {path.name} newer than the notebook: run the README's test command "
        f"(nbval writes build/nbval/) or `weekutils run {week}` first"
    )


def report(week: int, where: str, reports: list[SlideReport], screenshot) -> list[str]:
    """Print the week's numbers and worst slide, save its screenshot; return every problem found."""
    worst = max(reports, key=SlideReport.badness)
    numbers = summary(reports)
    print(f"\nweek {week} {where}: {json.dumps(numbers)}\n  worst: {worst.line()}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(worst, SCREENSHOTS / f"week{week}_{where}_worst_slide.png")
    problems = [f"{where} slide {r.index} {r.title!r}: {p}" for r in reports for p in r.problems()]
    if problems:
        print("  problems:\n    " + "\n    ".join(problems))
    return problems


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def rise_lab(tmp_path_factory):
    """One JupyterLab over a folder of executed notebooks and the course style sheet, for every week."""
    folder = tmp_path_factory.mktemp("executed")
    shutil.copyfile(slides.STYLESHEET, folder / slides.STYLESHEET.name)
    with jupyter_lab(tmp_path_factory.mktemp("lab"), folder) as lab:
        yield lab


@pytest.mark.parametrize("week", sorted(NOTEBOOKS))
def test_offline_deck_slides_fit_the_projector(week, browser, tmp_path):
    nb = nbformat.read(executed(week), as_version=4)
    html = slides.export_deck(nb, tmp_path, NOTEBOOKS[week].stem)
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(html.as_uri())
    reports = measure_deck(page)

    def screenshot(slide, path):
        h, v = (int(n) - 1 for n in slide.index.split("."))
        page.evaluate(f"() => Reveal.slide({h}, {v})")
        page.screenshot(path=str(path))

    problems = report(week, "deck", reports, screenshot)
    expected = [c for c in slides.apply_slide_metadata(nb).cells if c.metadata.slideshow.slide_type == "slide"]
    assert page.evaluate("() => Reveal.getHorizontalSlides().length") == len(expected), "one slide per ## section"
    page.evaluate("() => Reveal.slide(0, 0)")
    reached = set()
    for _ in reports:  # the right arrow alone reaches every slide and sub-slide, in order
        reached.add(page.evaluate("() => { const at = Reveal.getIndices(); return `${at.h + 1}.${(at.v || 0) + 1}`; }"))
        page.keyboard.press("ArrowRight")
    assert reached == {r.index for r in reports}
    page.context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("week", sorted(NOTEBOOKS))
def test_rise_slides_fit_the_projector(week, browser, rise_lab):
    source = executed(week)
    name = NOTEBOOKS[week].name
    nb = nbformat.read(source, as_version=4)
    nb.metadata.rise["transition"] = "none"  # measure each slide where it rests, not while it slides in
    nbformat.write(nb, rise_lab.root / name)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    missing = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    start = time.perf_counter()
    # RISE's own page (as "open in a new tab"): the slideshow fills the window, as on a projector.
    page.goto(f"{rise_lab.url}/rise/{name}?token={rise_lab.token}")
    page.locator(".reveal .slides section.present").first.wait_for(state="visible", timeout=PAGE_S * 1000)
    page.wait_for_function("() => !document.querySelector('.MathJax_Processing, mjx-container[jax] mjx-merror')")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"week{week}_rise_worst_slide.png"
    reports = measure_rise(page, page.keyboard.press, shoot=lambda: page.screenshot(path=str(shot)))
    print(f"\nweek {week} RISE: {len(reports)} slides measured in {time.perf_counter() - start:.0f} s")

    def screenshot(slide, path):
        pass  # taken while measuring: RISE cannot go back to a slide

    problems = report(week, "rise", reports, screenshot)
    context.close()
    # RISE 0.43.1 also asks for <notebook>.css, unconditionally; the course keeps all its style in rise.css.
    assert not [url for url in missing if url.endswith("/rise.css")], f"RISE did not find the course style: {missing}"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:20])


def test_speaker_view_shows_the_notes_offline(browser, tmp_path):
    """S opens reveal.js's speaker view from the deck's own files; it shows the slide's notes cells."""
    from nbformat.v4 import new_markdown_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_markdown_cell("# Week 0: Demo (데모)"),
            new_markdown_cell("Say this aloud.", metadata={"slideshow": {"slide_type": "notes"}}),
            new_markdown_cell("## 1. Next"),
        ]
    )
    html = slides.export_deck(slides.apply_slide_metadata(nb), tmp_path, "week0_demo")
    context = browser.new_context(viewport=VIEWPORT)
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:", "about:", "blob:"))
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.goto(html.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    with context.expect_page() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.wait_for_function(
        "() => (document.querySelector('.speaker-controls-notes') || {}).innerText?.includes('Say this aloud.')",
        timeout=30_000,
    )
    speaker.screenshot(path=str(tmp_path / "speaker.png"))
    context.close()
    assert outside == [], f"the speaker view tried the network: {outside}"
