"""Real-browser tests: JupyterLab in headless Chromium runs week 1 (solutions stay hidden through Run All and
Save), and week 3's Korean edition with JupyterLab's menus in Korean, then RISE shows each one's first slide; the
Korean headings must render in Hangul, not boxes; week 7's drawing pad; the HTML copy's "Show solution" button.

Needs Debian's chromium (`apt-get install -y chromium`); Playwright drives it, it does not download a browser.
Screenshots and timings go to build/browser/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from weekutils.edition import KO_DIR
from weekutils.runner import NOTEBOOK_DIR, REPO_ROOT, find_notebooks
from weekutils.slides import HEADING_COLLAPSED, SOLUTION_MARK

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
SCREENSHOTS = REPO_ROOT / "build" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous limits: on a busy 2-core machine JupyterLab takes ~20 s to start and ~20 s to load in the browser.
SERVER_START_S, PAGE_S, RUN_ALL_S = 120, 180, 600
# Settings a fresh user would otherwise get: no news pop-up, no update check (both go to the internet),
# and every cell kept in the DOM so the test sees all of them.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "extension_manager": "readonly",
    }
}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI,
    reason="Debian's chromium is not installed (apt-get install -y chromium); with CI=true this test fails instead",
)


@dataclass
class Lab:
    """A running JupyterLab server for one test."""

    url: str
    token: str
    root: Path
    log: Path

    def api(self, path: str, method: str = "GET", body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            data=json.dumps(body).encode() if body else None,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM makes jupyter shut its kernels down; SIGKILL the whole group if it hangs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# JupyterLab's own words in each UI language (jupyterlab-language-pack-ko-kr), for the helpers below.
UI_TEXT = {
    "en": {"Run": "Run", "Run All Cells": "Run All Cells", "File": "File", "Save Notebook": "Save Notebook"},
    "ko": {"Run": "실행", "Run All Cells": "모든 셀 실행", "File": "파일", "Save Notebook": "Notebook 저장"},
}
KOREAN_UI = {"@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": "ko_KR"}}


@contextmanager
def jupyter_lab(workdir: Path, notebooks: Path, extra_settings: dict | None = None):
    """Start JupyterLab on 127.0.0.1 with a random token over a copy of `notebooks`; stop it on every exit."""
    root = workdir / "notebooks"
    shutil.copytree(notebooks, root)  # outputs are saved into the copy, never into the repository
    config, settings = workdir / "config", workdir / "lab-settings"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    for name, values in {**LAB_SETTINGS, **(extra_settings or {})}.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    # The kernel inherits WEEKUTILS_DATA_DIR (CI and conftest point it at the official files): no downloads.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(
        {
            # Private config, runtime and user dirs; the venv's own paths (kernel, RISE) stay visible.
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
            "JUPYTER_DATA_DIR": str(workdir / "data"),
            "JUPYTER_PREFER_ENV_PATH": "1",
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(workdir / "workspaces"),
        }
    )
    port, token, log = _free_port(), secrets.token_hex(16), workdir / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--allow-root",
    ]  # CI runs as root
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, root, log)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                lab.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"JupyterLab did not answer in {SERVER_START_S} s:\n{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.5)
        yield lab
    finally:
        _stop(process)


@pytest.fixture
def lab(tmp_path):
    with jupyter_lab(tmp_path, NOTEBOOK_DIR) as running:
        yield running


# ------------------------------------------------------------------ page helpers

KERNEL_IDLE = "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\| (Idle|대기)$/.test(e.textContent.trim()))"
# Error outputs and stderr streams share one mime type in the page; a traceback or "SomeError: ..." tells them apart.
ERROR_OUTPUTS = """() => [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(e => e.textContent).filter(t => /Traceback|\\w+Error: /.test(t))"""
# Finished: kernel idle, no cell queued or running ([*]), and the toolbar's execution indicator has counted
# every code cell (collapsed solution cells show no prompt), unless an error stopped the run early.
RUN_FINISHED = f"""() => {{
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent);
  const tooltip = document.querySelector('.jp-Notebook-ExecutionIndicator-tooltip')?.textContent || '';
  const match = tooltip.match(/Executed (\\d+) cell/) || tooltip.match(/(\\d+) 셀이 실행됨/) || [0, 0];
  const executed = Number(match[1]);
  const total = document.querySelectorAll('.jp-Notebook .jp-CodeCell').length;
  const failed = ({ERROR_OUTPUTS})().length > 0;
  return ({KERNEL_IDLE})() && !prompts.some(p => p.includes('*')) && (failed || executed >= total);
}}"""


# Draws every distinct Hangul syllable of the headings under `root` on a canvas, in the headings' own font, and
# compares the bitmaps. A missing font shows every syllable as the same empty box ("tofu"), the box that a
# private-use character (U+E000, which no font draws) also gets; real glyphs are all different.
HANGUL_GLYPHS = """root => {
  const headings = [...root.querySelectorAll('h1, h2, h3')];
  const syllables = [...new Set(headings.flatMap(h => [...h.textContent].filter(c => /[\\uac00-\\ud7a3]/.test(c))))];
  const style = headings.length ? getComputedStyle(headings[0]) : null;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const bitmap = text => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = `${style.fontWeight} 32px ${style.fontFamily}`;
    ctx.fillText(text, 4, 38);
    const alpha = ctx.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3);
    return alpha.join(',');
  };
  if (!style) return {headings: 0, syllables: 0, distinct: 0, blank: 0, tofu: 0, font: ''};
  const tofu = bitmap('\\ue000'), blank = bitmap(' ');
  const drawn = syllables.map(bitmap);
  return {
    headings: headings.length,
    syllables: syllables.length,
    distinct: new Set(drawn).size,
    blank: drawn.filter(b => b === blank).length,
    tofu: drawn.filter(b => b === tofu).length,
    font: style.fontFamily,
    sample: headings.map(h => h.textContent.trim()).filter(t => /[\\uac00-\\ud7a3]/.test(t)).slice(0, 5),
  };
}"""


def open_notebook(page, lab: Lab, name: str) -> None:
    """Open a notebook in JupyterLab and wait until its kernel is idle."""
    page.goto(f"{lab.url}/lab/tree/{name}?token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=PAGE_S * 1000)
    select_kernel = page.get_by_role("button", name="Select", exact=True)
    deadline = time.monotonic() + PAGE_S
    while not page.evaluate(KERNEL_IDLE):
        # A kernel slow to start on a busy machine makes JupyterLab ask which kernel to use: keep python3.
        if select_kernel.is_visible():
            select_kernel.click()
        assert time.monotonic() < deadline, f"the kernel did not become idle in {PAGE_S} s"
        page.wait_for_timeout(500)


def click_menu(page, menu: str, item: str, lang: str = "en") -> None:
    """Click menu > item, given by their English names, in the UI language `lang`."""
    menu, item = UI_TEXT[lang][menu], UI_TEXT[lang][item]
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-content .lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_all_cells(page, lang: str = "en") -> None:
    """Run > Run All Cells, then wait for the kernel to finish."""
    click_menu(page, "Run", "Run All Cells", lang)
    page.wait_for_function(RUN_FINISHED, timeout=RUN_ALL_S * 1000, polling=500)


def save_notebook(page, lang: str = "en") -> None:
    click_menu(page, "File", "Save Notebook", lang)
    page.wait_for_function(
        "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=PAGE_S * 1000
    )


def open_rise_slideshow(page):
    """Select the first cell and press RISE's toolbar button (Alt+R); return the slideshow's frame."""
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.locator('.jp-NotebookPanel-toolbar [data-command="RISE:preview"]').click()
    # RISE shows the slideshow in a panel beside the notebook, an iframe running RISE's own app.
    frame = page.frame_locator('iframe[src*="/rise/"]')
    frame.locator(".reveal .slides section.present").first.wait_for(state="visible", timeout=PAGE_S * 1000)
    return frame


def notebook_title(path: Path) -> str:
    first = nbformat.read(path, as_version=4).cells[0].source.lstrip().split("\n", 1)[0]
    return first.lstrip("#").strip()


# The lines of `lines` that the page shows in a code cell (input or output). innerText leaves out the hidden
# parts of a displayed element, but is all the text of one that is not displayed.
LINES_SHOWN = "lines => lines.filter(line => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].some(c => c.checkVisibility() && c.innerText.includes(line)))"


def shown_lines(page, saved: Path) -> tuple[list[str], list[str]]:
    """Which solution lines (code and printed output) the page shows, and which of the same from other cells."""
    nb = nbformat.read(saved, as_version=4)

    def lines(cell):
        printed = [o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream"]
        return [text.strip().splitlines()[0] for text in [cell.source, *printed] if text.strip()]

    code = [c for c in nb.cells if c.cell_type == "code"]
    solution = [line for c in code if "solution" in c.metadata.get("tags", []) for line in lines(c)]
    other = [line for c in code[:3] for line in lines(c)]
    return page.evaluate(LINES_SHOWN, solution), page.evaluate(LINES_SHOWN, other)


def browser_run(lab: Lab, name: str, shots: Path, lang: str = "en") -> dict:
    """Run every cell of notebook `name` in Chromium, save it, open RISE; return timings and findings.

    `lang` is the language of JupyterLab's menus, as set up by `jupyter_lab(..., extra_settings)`.
    """
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    stem, found = str(Path(name).with_suffix("")).replace("/", "_"), {"external_requests": [], "timings_s": {}}
    start = time.perf_counter()

    def lap(step):
        found["timings_s"][step] = round(time.perf_counter() - start, 1)

    def stay_local(route):
        # Nothing may leave the machine: record and refuse every request to another host.
        if route.request.url.startswith((lab.url, "data:", "blob:")):
            route.continue_()
        else:
            found["external_requests"].append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        context.route("**/*", stay_local)
        page = context.new_page()
        try:
            # Start the kernel now, so it boots while the page loads (the slowest part on a small machine).
            lab.api("sessions", "POST", {"path": name, "name": name, "type": "notebook", "kernel": {"name": "python3"}})
            open_notebook(page, lab, name)
            lap("notebook open, kernel idle")
            found["menu_labels"] = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            run_all_cells(page, lang)
            lap("all cells run")
            found["errors_in_page"] = page.evaluate(ERROR_OUTPUTS)
            found["prompts"] = page.evaluate(
                "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent.trim())"
            )
            save_notebook(page, lang)
            found["solution_lines_shown"], found["other_lines_shown"] = shown_lines(page, lab.root / name)
            found["hangul_in_notebook"] = page.locator(".jp-NotebookPanel .jp-Notebook").first.evaluate(HANGUL_GLYPHS)
            page.locator(".jp-NotebookPanel .jp-Cell").first.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"{stem}_after_run_all.png"))
            slides = open_rise_slideshow(page)
            lap("RISE slideshow shown")
            found["first_slide_text"] = slides.locator(".reveal .slides section.present").first.inner_text()
            found["first_slide_is_first"] = slides.locator(".reveal .slides > section").first.evaluate(
                "section => section.classList.contains('present')"
            )
            found["hangul_on_first_slide"] = slides.locator(".reveal .slides section.present").first.evaluate(
                HANGUL_GLYPHS
            )
            page.wait_for_timeout(1000)  # let the slide transition finish before the picture
            page.locator('iframe[src*="/rise/"]').screenshot(path=str(shots / f"{stem}_rise_first_slide.png"))
            page.screenshot(path=str(shots / f"{stem}_rise_in_jupyterlab.png"))
        except Exception:
            for open_page in context.pages:
                open_page.screenshot(path=str(shots / f"{stem}_failure_{context.pages.index(open_page)}.png"))
            raise
        finally:
            browser.close()
    return found


def test_week1_runs_in_jupyterlab_and_rise_shows_its_first_slide(lab):
    notebook = find_notebooks([1])[1]
    found = browser_run(lab, notebook.name, SCREENSHOTS)
    (SCREENSHOTS / "timings.json").write_text(json.dumps(found["timings_s"], indent=1))
    print(f"\nbrowser test timings (s): {found['timings_s']}; screenshots in {SCREENSHOTS}")

    assert found["errors_in_page"] == [], "a cell shows an error:\n" + "\n".join(found["errors_in_page"])[:3000]
    assert all(p.startswith("[") and p[1:-2].isdigit() for p in found["prompts"]), found["prompts"]
    saved = nbformat.read(lab.root / notebook.name, as_version=4)
    code_cells = [c for c in saved.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "every code cell ran"
    assert not [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    # Solutions stay hidden through Run All and Save: in the page and in the saved file (the glossary cell
    # after the last solution keeps Run All's last selected cell out of every collapsed solution).
    assert found["other_lines_shown"], "the check can see code and its printed output"
    assert found["solution_lines_shown"] == [], (
        f"solutions shown after Run All and Save: {found['solution_lines_shown']}"
    )
    # JupyterLab's Run All clears `jupyter.source_hidden` of markdown cells and `outputs_hidden` of code cells
    # (the flags VS Code reads); what hides a solution in JupyterLab is its collapsed heading.
    headings = [c for c in saved.cells if c.source.startswith(SOLUTION_MARK)]
    assert headings and all(c.metadata.get(HEADING_COLLAPSED) for c in headings), "saved with every solution collapsed"
    assert notebook_title(notebook).lower() in found["first_slide_text"].lower()
    assert found["first_slide_is_first"]
    assert found["external_requests"] == [], (
        f"the browser tried the network: {found['external_requests']} (fonts.googleapis.com comes from RISE's "
        f"default theme; `python -m weekutils.slides notebooks/{notebook.name}` sets the offline one)"
    )


# ------------------------------------------------------------------ week 3 in Korean


def assert_hangul_renders(found: dict, where: str, at_least: int) -> None:
    """Every distinct Hangul syllable in the headings drew its own glyph: no empty boxes, no blanks."""
    assert found["syllables"] >= at_least, f"{where}: only {found['syllables']} Hangul syllables in headings: {found}"
    assert found["tofu"] == 0 and found["blank"] == 0, f"{where}: Hangul drawn as boxes or blanks: {found}"
    assert found["distinct"] == found["syllables"], f"{where}: different syllables drew the same glyph: {found}"


def test_korean_week3_runs_in_korean_jupyterlab_with_hangul_headings_and_rise(tmp_path):
    """notebooks/ko/ is not run under nbval (conftest.py): here it opens, runs and renders, menus in Korean."""
    notebook = KO_DIR / find_notebooks([3])[3].name
    assert notebook.is_file(), f"{notebook} is missing"
    with jupyter_lab(tmp_path, NOTEBOOK_DIR, KOREAN_UI) as lab:
        found = browser_run(lab, f"ko/{notebook.name}", SCREENSHOTS, lang="ko")
        saved = nbformat.read(lab.root / "ko" / notebook.name, as_version=4)
    (SCREENSHOTS / "ko_timings.json").write_text(json.dumps(found["timings_s"], indent=1))
    print(f"\nKorean browser test timings (s): {found['timings_s']}; glyphs: {found['hangul_in_notebook']}")

    assert {"파일", "실행"} <= set(found["menu_labels"]), f"JupyterLab's menus are not Korean: {found['menu_labels']}"
    assert found["errors_in_page"] == [], "a cell shows an error:\n" + "\n".join(found["errors_in_page"])[:3000]
    code_cells = [c for c in saved.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "every code cell ran"
    assert_hangul_renders(found["hangul_in_notebook"], "notebook headings", at_least=100)
    assert notebook_title(notebook).lower() in found["first_slide_text"].lower()
    assert found["first_slide_is_first"]
    assert_hangul_renders(found["hangul_on_first_slide"], "RISE's first slide", at_least=5)
    assert found["external_requests"] == [], f"the browser tried the network: {found['external_requests']}"


# ------------------------------------------------------------------ week 7: the drawing pad

# The cells the drawing pad needs, found by their code: setup, the training helpers, the digit model, the pad.
PAD_CELLS = ("rng = set_seed(", "def train_better_cnn(", 'load_model("mnist")', "pad = DrawPad(")


def _only_definitions(source: str) -> bool:
    """True for a cell that only imports, defines functions or classes, or sets constants: cheap to run."""
    import ast

    def cheap(node) -> bool:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
            return True
        if isinstance(node, ast.Assign):
            try:
                ast.literal_eval(node.value)
            except ValueError:
                return False
            return True
        return False

    return all(cheap(node) for node in ast.parse(source).body)


def drawing_pad_notebook(folder: Path) -> str:
    """Week 7 cut down to the drawing pad's cells (no Fashion-MNIST training), written into `folder`."""
    week7 = find_notebooks([7])[7]
    nb = nbformat.read(week7, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    pad = next(i for i, c in enumerate(code) if PAD_CELLS[-1] in c.source)
    kept = [c for c in code[: pad + 1] if _only_definitions(c.source) or any(m in c.source for m in PAD_CELLS)]
    missing = [marker for marker in PAD_CELLS if not any(marker in c.source for c in kept)]
    assert not missing, f"week 7 has no cell with {missing}: update PAD_CELLS"
    nb.cells = [nb.cells[0], *kept]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / week7.name)
    return week7.name


def test_week7_drawing_pad_reads_a_stroke_drawn_with_the_mouse(tmp_path):
    from playwright.sync_api import sync_playwright

    name = drawing_pad_notebook(tmp_path / "source")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = Path(name).stem
    with jupyter_lab(tmp_path / "lab", tmp_path / "source") as lab, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        try:
            lab.api("sessions", "POST", {"path": name, "name": name, "type": "notebook", "kernel": {"name": "python3"}})
            open_notebook(page, lab, name)
            run_all_cells(page)
            assert page.evaluate(ERROR_OUTPUTS) == []
            canvas = page.locator("canvas.drawpad-canvas, .drawpad-canvas canvas").last
            canvas.scroll_into_view_if_needed()
            canvas.wait_for(state="visible", timeout=PAGE_S * 1000)
            box = canvas.bounding_box()
            # A vertical stroke down the middle of the 280 x 280 pad: a "1".
            x = box["x"] + box["width"] / 2
            page.mouse.move(x, box["y"] + 0.15 * box["height"])
            page.mouse.down()
            page.mouse.move(x, box["y"] + 0.85 * box["height"], steps=25)
            page.mouse.up()
            page.wait_for_timeout(1000)  # let the last mouse events reach the kernel
            page.get_by_role("button", name="Predict").click()
            top = page.locator(".drawpad-top")
            top.wait_for(state="visible", timeout=PAGE_S * 1000)
            page.screenshot(path=str(SCREENSHOTS / f"{stem}_drawing_pad.png"))
            assert top.inner_text().strip() == "Top class: 1"
        except Exception:
            page.screenshot(path=str(SCREENSHOTS / f"{stem}_drawing_pad_failure.png"))
            raise
        finally:
            browser.close()


# ------------------------------------------------------------------ the HTML copy: solutions hidden until clicked

SOLUTION_PRINT = "forty-two, the solution's printed answer"


def exercise_notebook(folder: Path) -> Path:
    """A one-exercise notebook in the course layout, with slide metadata applied as in notebooks/."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from weekutils.slides import apply_slide_metadata

    nb = new_notebook(
        cells=[
            new_markdown_cell("# Week 9: Demo (데모)"),
            new_markdown_cell("### Exercise 1: Multiply\n\nCompute 6 × 7."),
            new_markdown_cell("#### Solution 1", metadata={"tags": ["solution"]}),
            new_markdown_cell(
                "Multiply the two numbers, an explanation only the solution shows.", metadata={"tags": ["solution"]}
            ),
            new_code_cell(f"print({SOLUTION_PRINT!r}, 6 * 7)", metadata={"tags": ["solution"]}),
            new_markdown_cell("## Glossary (용어 대조표)", metadata={"tags": ["glossary"]}),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(apply_slide_metadata(nb), folder / "week9_demo.ipynb")
    return folder / "week9_demo.ipynb"


def test_html_copy_hides_each_solution_until_its_button_is_clicked(tmp_path):
    from playwright.sync_api import sync_playwright

    from weekutils.runner import run_notebook

    result = run_notebook(exercise_notebook(tmp_path / "source"), 9, tmp_path / "build", timeout_s=120)
    assert result.status == "ok", result.error
    page_path = tmp_path / "build" / "week9_demo.html"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            # Offline, as in a classroom without network: nbconvert's page asks a CDN for MathJax and require.js,
            # and the button must not depend on them.
            page.route(
                "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
            )
            page.goto(page_path.as_uri())
            explanation = page.get_by_text("an explanation only")
            printed = page.locator(".jp-OutputArea-output pre", has_text=SOLUTION_PRINT)
            code = page.locator(".jp-CodeCell .jp-InputArea").filter(has_text="6 * 7")
            assert page.get_by_text("Compute 6 × 7.").is_visible() and page.get_by_text("Solution 1").is_visible()
            assert [explanation.is_visible(), code.is_visible(), printed.is_visible()] == [False, False, False]
            page.screenshot(path=str(SCREENSHOTS / "html_copy_solution_hidden.png"))
            button = page.get_by_role("button", name="Show solution")
            button.click()
            assert [explanation.is_visible(), code.is_visible(), printed.is_visible()] == [True, True, True]
            page.screenshot(path=str(SCREENSHOTS / "html_copy_solution_shown.png"))
            page.get_by_role("button", name="Hide solution").click()
            assert not explanation.is_visible() and not printed.is_visible()
        finally:
            browser.close()
