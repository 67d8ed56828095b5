"""A drawing pad for JupyterLab: draw a digit with the mouse, press Predict, see the top 3 classes (week 7)."""

from __future__ import annotations

import html

import numpy as np

PAD_SIZE, PEN_WIDTH = 280, 20  # ten canvas pixels per MNIST pixel; a pen about two MNIST pixels wide


def rasterize_strokes(strokes, size: int = PAD_SIZE, width: float = PEN_WIDTH) -> np.ndarray:
    """(size, size) float image, ink 1 on 0: every pixel within width/2 of a stroke's polyline (week 7).

    strokes is a list of strokes, each a list of (x, y) canvas points; a single point draws a round dot.
    """
    image = np.zeros((size, size))
    rows, cols = np.indices((size, size)) + 0.5  # pixel centres
    radius = width / 2
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        if len(points) == 0:
            continue
        segments = np.stack([points[:-1], points[1:]], axis=1) if len(points) > 1 else points[None, [0, 0]]
        for (x0, y0), (x1, y1) in segments:
            # Only the pixels near the segment's bounding box can be inked.
            r0, r1 = int(max(min(y0, y1) - radius - 1, 0)), int(min(max(y0, y1) + radius + 2, size))
            c0, c1 = int(max(min(x0, x1) - radius - 1, 0)), int(min(max(x0, x1) + radius + 2, size))
            if r0 >= r1 or c0 >= c1:
                continue
            py, px = rows[r0:r1, c0:c1], cols[r0:r1, c0:c1]
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            # Projection of each pixel onto the segment, clamped to its ends: the nearest point of the segment.
            s = np.clip(((px - x0) * dx + (py - y0) * dy) / length2, 0, 1) if length2 > 0 else 0.0
            distance = np.hypot(px - (x0 + s * dx), py - (y0 + s * dy))
            image[r0:r1, c0:c1] = np.maximum(image[r0:r1, c0:c1], distance <= radius)
    return image


def bar_chart_html(ranked) -> str:
    """An HTML bar chart of (class name, probability) pairs, the most probable first (week 7)."""
    rows = []
    for i, (name, p) in enumerate(ranked):
        colour = "#0072B2" if i == 0 else "#9bbcd6"
        rows.append(
            f'<div class="drawpad-row" style="display:flex;align-items:center;margin:4px 0">'
            f'<span class="drawpad-class" style="width:7em;font-weight:{"bold" if i == 0 else "normal"}">'
            f"{html.escape(str(name))}</span>"
            f'<span style="display:inline-block;background:{colour};height:1.1em;width:{max(p, 0.005) * 200:.0f}px">'
            f'</span><span class="drawpad-prob" style="margin-left:0.5em">{p:.1%}</span></div>'
        )
    top = html.escape(str(ranked[0][0]))
    return f'<div class="drawpad-result"><b class="drawpad-top">Top class: {top}</b>{"".join(rows)}</div>'


class DrawPad:
    """Canvas + Predict + Clear buttons + a top-3 bar chart, built on ipycanvas and ipywidgets (week 7).

    predict_proba maps the drawn (PAD_SIZE, PAD_SIZE) image, ink 1 on 0, to ten class probabilities.
    The mouse handlers are ordinary methods, so code (a test, a notebook checkpoint) can draw too.
    """

    def __init__(self, predict_proba, class_names, size: int = PAD_SIZE, pen_width: float = PEN_WIDTH):
        import ipywidgets as widgets
        from ipycanvas import Canvas

        self.predict_proba, self.class_names = predict_proba, tuple(class_names)
        self.size, self.pen_width = size, pen_width
        self.strokes: list[list[tuple[float, float]]] = []
        self.drawing = False
        self.last_ranked: list[tuple[str, float]] = []
        self.canvas = Canvas(
            width=size,
            height=size,
            layout=widgets.Layout(width=f"{size}px", height=f"{size}px", border="2px solid #888"),
        )
        self.canvas.add_class("drawpad-canvas")
        self.canvas.on_mouse_down(self.mouse_down)
        self.canvas.on_mouse_move(self.mouse_move)
        self.canvas.on_mouse_up(self.mouse_up)
        self.canvas.on_mouse_out(self.mouse_up)
        self.predict_button = widgets.Button(description="Predict", button_style="primary", icon="magic")
        self.clear_button = widgets.Button(description="Clear", icon="eraser")
        self.predict_button.on_click(lambda _: self.predict())
        self.clear_button.on_click(lambda _: self.clear())
        self.result = widgets.HTML(value="Draw a digit, then press <b>Predict</b>.")
        self.result.add_class("drawpad-output")
        self.widget = widgets.HBox(
            [widgets.VBox([self.canvas, widgets.HBox([self.predict_button, self.clear_button])]), self.result],
            layout=widgets.Layout(gap="2em", align_items="center"),
        )
        self.clear()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def _pen(self):
        self.canvas.stroke_style = self.canvas.fill_style = "black"
        self.canvas.line_width, self.canvas.line_cap, self.canvas.line_join = self.pen_width, "round", "round"

    def mouse_down(self, x, y):
        """Start a stroke at canvas point (x, y) (week 7)."""
        self.drawing = True
        self.strokes.append([(float(x), float(y))])
        self._pen()
        self.canvas.fill_circle(x, y, self.pen_width / 2)

    def mouse_move(self, x, y):
        """Extend the current stroke to (x, y) while the button is held (week 7)."""
        if not self.drawing:
            return
        x0, y0 = self.strokes[-1][-1]
        self.strokes[-1].append((float(x), float(y)))
        self._pen()
        self.canvas.stroke_line(x0, y0, x, y)

    def mouse_up(self, x=None, y=None):
        """End the current stroke (week 7)."""
        self.drawing = False

    def draw(self, points):
        """Draw one stroke through the given (x, y) points, as the mouse would (week 7)."""
        points = list(points)
        self.mouse_down(*points[0])
        for point in points[1:]:
            self.mouse_move(*point)
        self.mouse_up(*points[-1])

    def image(self) -> np.ndarray:
        """The drawing as a (size, size) float image, ink 1 on 0 (week 7)."""
        return rasterize_strokes(self.strokes, self.size, self.pen_width)

    def predict(self):
        """Classify the drawing and show the top 3 classes as a bar chart; returns them (week 7)."""
        drawn = self.image()
        if not drawn.any():
            self.result.value = "The pad is empty: draw a digit first."
            self.last_ranked = []
            return []
        probs = np.asarray(self.predict_proba(drawn), dtype=np.float64).ravel()
        order = np.argsort(probs)[::-1][:3]
        self.last_ranked = [(self.class_names[i], float(probs[i])) for i in order]
        self.result.value = bar_chart_html(self.last_ranked)
        return self.last_ranked

    def clear(self):
        """Wipe the canvas, the strokes and the result (week 7)."""
        self.strokes, self.drawing, self.last_ranked = [], False, []
        self.canvas.fill_style = "white"
        self.canvas.fill_rect(0, 0, self.size, self.size)
        self.result.value = "Draw a digit, then press <b>Predict</b>."
