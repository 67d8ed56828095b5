"""Measure every slide of a deck in Chromium: height, clipped code lines, smallest text (course tooling, tests).

Used by tests/test_slides_browser.py for RISE (inside JupyterLab) and for the offline deck of `weekutils slides N`.
All sizes are CSS pixels on the screen, after reveal.js has scaled the slide to the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VIEWPORT = {"width": 1280, "height": 720}  # a 16:9 projector
MIN_BODY_PX, MIN_CODE_PX = 24, 20

# One slide, measured in the page: `section` is the leaf <section> on screen.
MEASURE_SLIDE = """(section) => {
  const view = {width: window.innerWidth, height: window.innerHeight};
  // reveal.js scales the slides with a CSS transform (or zoom); font sizes in the style are before scaling.
  const box = section.getBoundingClientRect();
  const scale = section.offsetWidth ? box.width / section.offsetWidth : 1;
  const skipped = 'aside.notes, .jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser, .jp-cell-toolbar, '
    + '.jp-Toolbar, button, mjx-container, .MathJax, svg, script, style, .jp-Cell-footer';
  const codeLike = 'pre, code, .cm-editor, .jp-RenderedText, .jp-InputArea-editor';
  let minBody = Infinity, minCode = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
  let smallest = null;
  const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || parent.closest(skipped)) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) continue;  // not rendered (a hidden cell, a collapsed output)
    for (const r of rects) {
      right = Math.max(right, r.right); top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
    }
    const size = parseFloat(style.fontSize) * scale;
    if (parent.closest(codeLike)) { minCode = Math.min(minCode, size); }
    else if (size < minBody) { minBody = size; smallest = node.textContent.trim().slice(0, 40); }
  }
  for (const img of section.querySelectorAll('img')) {
    const r = img.getBoundingClientRect();
    if (r.height > 0) { top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom); right = Math.max(right, r.right); }
  }
  // A code block whose content is wider than its box hides the end of its lines behind a scroll bar.
  const clipped = [...section.querySelectorAll('pre, .cm-scroller, .cm-content, .jp-OutputArea-output, .highlight')]
    .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1
                 && getComputedStyle(e).overflowX !== 'visible')
    .map(e => (e.innerText || '').split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '').slice(-60));
  if (right > view.width + 1) clipped.push(`text reaches x = ${Math.round(right)} px`);
  const heading = section.querySelector('h1, h2, h3, h4');
  return {
    title: (heading ? heading.textContent : section.textContent).trim().replace(/\\s+/g, ' ').replace(/¶$/, '').slice(0, 60),
    // Content taller than the window, or starting above it, cannot be seen without scrolling.
    height: Math.round(Math.max(section.scrollHeight * scale, bottom - top)),
    top: Math.round(top), bottom: Math.round(bottom),
    viewport: view.height,
    minBody: minBody === Infinity ? null : Math.round(minBody * 10) / 10,
    minCode: minCode === Infinity ? null : Math.round(minCode * 10) / 10,
    smallest, clipped,
  };
}"""


@dataclass
class SlideReport:
    """What one slide measures, and what is wrong with it at the course's limits."""

    index: str
    title: str
    height: int
    top: int
    bottom: int
    viewport: int
    min_body: float | None
    min_code: float | None
    smallest: str | None
    clipped: list[str] = field(default_factory=list)

    @classmethod
    def from_page(cls, index: str, found: dict) -> SlideReport:
        return cls(
            index,
            found["title"],
            found["height"],
            found["top"],
            found["bottom"],
            found["viewport"],
            found["minBody"],
            found["minCode"],
            found["smallest"],
            found["clipped"],
        )

    @property
    def overflows(self) -> bool:
        return self.height > self.viewport + 1 or self.top < -1 or self.bottom > self.viewport + 1

    def problems(self) -> list[str]:
        found = []
        if self.overflows:
            found.append(
                f"content {self.height} px tall (top {self.top}, bottom {self.bottom}), window {self.viewport}"
            )
        if self.min_body is not None and self.min_body < MIN_BODY_PX - 0.5:
            found.append(f"body text {self.min_body} px < {MIN_BODY_PX} ({self.smallest!r})")
        if self.min_code is not None and self.min_code < MIN_CODE_PX - 0.5:
            found.append(f"code {self.min_code} px < {MIN_CODE_PX}")
        found += [f"code line clipped: ...{line!r}" for line in self.clipped]
        return found

    def badness(self) -> tuple:
        """Orders slides worst first: most problems, then tallest."""
        return (len(self.problems()), self.height)

    def line(self) -> str:
        body, code = self.min_body or "-", self.min_code or "-"
        return f"slide {self.index} {self.title!r}: {self.height} px tall, body {body} px, code {code} px" + (
            f"; clipped {len(self.clipped)}" if self.clipped else ""
        )


def summary(reports: list[SlideReport]) -> dict:
    """Per-deck numbers for the report: slides, overflowing, clipped, smallest text."""
    bodies = [r.min_body for r in reports if r.min_body is not None]
    codes = [r.min_code for r in reports if r.min_code is not None]
    return {
        "slides": len(reports),
        "overflowing": sum(r.overflows for r in reports),
        "with_clipped_code": sum(bool(r.clipped) for r in reports),
        "smallest_body_px": min(bodies, default=None),
        "smallest_code_px": min(codes, default=None),
        "tallest_px": max((r.height for r in reports), default=None),
    }


# ------------------------------------------------------------------ walking the slides

LEAF_SLIDE = """() => {
  const present = [...document.querySelectorAll('.reveal .slides section.present')].filter(s => !s.querySelector('section'));
  return present.length ? present[present.length - 1] : null;
}"""


def measure_deck(page) -> list[SlideReport]:
    """Every slide of a reveal.js deck loaded in `page` (the offline deck, where `Reveal` is global)."""
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise")
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    count = page.evaluate("() => Reveal.getSlides().length")
    reports = []
    for i in range(count):
        index = page.evaluate(
            """(i) => { const s = Reveal.getSlides()[i]; const at = Reveal.getIndices(s);
                        Reveal.slide(at.h, at.v); return `${at.h + 1}.${(at.v || 0) + 1}`; }""",
            i,
        )
        page.wait_for_timeout(50)
        section = page.evaluate_handle("() => Reveal.getCurrentSlide()")
        reports.append(SlideReport.from_page(index, section.evaluate(MEASURE_SLIDE)))
    return reports


def measure_rise(frame, press, shoot=None) -> list[SlideReport]:
    """Every slide of a RISE slideshow in `frame`, reached with Space as a presenter would; `press(key)` types.

    RISE offers no API to go back to a slide, so `shoot()`, if given, is called whenever the slide on screen is
    the worst so far: the last call pictures the worst slide.
    """
    key_of = (
        "() => { const all = [...document.querySelectorAll('.reveal .slides section')]"
        ".filter(s => !s.querySelector('section')); const leaf = (" + LEAF_SLIDE + ")();"
        " return leaf ? all.indexOf(leaf) : -1; }"
    )
    reports, seen, stuck = [], set(), 0
    for _ in range(1000):
        key = frame.evaluate(key_of)
        if key in seen:
            stuck += 1
            if stuck > 3:  # Space no longer moves: the last slide (after its fragments)
                break
        else:
            stuck = 0
            seen.add(key)
            section = frame.evaluate_handle(LEAF_SLIDE)
            reports.append(SlideReport.from_page(str(key + 1), section.evaluate(MEASURE_SLIDE)))
            if shoot is not None and reports[-1].badness() >= max(r.badness() for r in reports):
                shoot()
        press("Space")
    return reports


CELL_HEIGHTS = """(section) => {
  const box = section.getBoundingClientRect();
  const scale = section.offsetWidth ? box.width / section.offsetWidth : 1;
  const cells = [...section.querySelectorAll('.jp-Cell')].filter(c => !c.closest('aside.notes'));
  const tops = cells.map(c => c.getBoundingClientRect().top);
  const end = Math.max(...cells.map(c => c.getBoundingClientRect().bottom));
  return cells.map((c, i) => ((i + 1 < cells.length ? tops[i + 1] : end) - tops[i]) / scale);
}"""


def measure_cell_heights(page) -> list[float]:
    """Height in slide pixels of every cell the deck in `page` shows, in notebook order (course tooling)."""
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    page.evaluate("() => Reveal.configure({transition: 'none'})")
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    heights = []
    for i in range(page.evaluate("() => Reveal.getSlides().length")):
        page.evaluate("(i) => { const at = Reveal.getIndices(Reveal.getSlides()[i]); Reveal.slide(at.h, at.v); }", i)
        heights += page.evaluate_handle("() => Reveal.getCurrentSlide()").evaluate(CELL_HEIGHTS)
    return heights
