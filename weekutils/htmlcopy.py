"""The HTML copy `weekutils run` writes of each executed notebook: solutions hidden until clicked, progress bars as text."""

from __future__ import annotations

import copy
import json
import secrets

# Hidden by a stylesheet, so they stay hidden with JavaScript off too (only the <noscript> rule shows them);
# the script adds one button per solution that shows and hides its cells.
REVEALED = "weekutils-revealed"
SCRIPT = """<script>
(() => {
  const groups = %s;
  for (const ids of groups) {
    const cells = ids.map((id) => document.getElementById("cell-id=" + id)).filter(Boolean);
    if (!cells.length) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "weekutils-solution-toggle";
    button.textContent = "Show solution";
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => {
      const show = button.getAttribute("aria-expanded") !== "true";
      for (const cell of cells) cell.classList.toggle("%s", show);
      button.setAttribute("aria-expanded", String(show));
      button.textContent = show ? "Hide solution" : "Show solution";
    });
    cells[0].before(button);
  }
})();
</script>
"""
BUTTON_STYLE = (
    ".weekutils-solution-toggle{font:inherit;margin:0.2em 0 0.8em calc(var(--jp-cell-prompt-width,64px) + 2 * var(--jp-cell-padding,5px));padding:0.2em 1em;cursor:pointer;"
    "border:1px solid #888;border-radius:4px;background:#f3f3f3}"
)


def solution_groups(nb) -> list[list[str]]:
    """Cell ids of each solution's hidden cells: a run of `solution` cells after its heading (course tooling)."""
    from weekutils.slides import SOLUTION_MARK, SOLUTION_TAG

    groups, previous_was_solution = [], False
    for cell in nb.cells:
        is_solution = SOLUTION_TAG in cell.metadata.get("tags", [])
        is_heading = is_solution and cell.source.lstrip().startswith(SOLUTION_MARK)
        if is_solution and not is_heading:
            if not previous_was_solution or not groups:
                groups.append([])
            groups[-1].append(cell.id)
        elif is_heading:
            groups.append([])
        previous_was_solution = is_solution
    return [group for group in groups if group]


def hide_solutions(html: str, groups: list[list[str]]) -> str:
    """Add the style and the script that hide each group of cells behind a "Show solution" button (course tooling)."""
    if not groups:
        return html
    cells = ",".join(f'[id="cell-id={cell_id}"]' for group in groups for cell_id in group)
    hidden = cells.replace("]", f"]:not(.{REVEALED})")
    style = f"<style>{hidden}{{display:none}}{BUTTON_STYLE}</style>\n<noscript><style>{cells}{{display:block!important}}</style></noscript>\n"
    head, body = html.index("</head>"), html.rindex("</body>")
    script = SCRIPT % (json.dumps(groups), REVEALED)
    return html[:head] + style + html[head:body] + script + html[body:]


def html_copy(nb) -> str:
    """An HTML page of a notebook (nbconvert's lab template): solutions hidden until clicked, bars as text (course tooling)."""
    from nbconvert import HTMLExporter

    from weekutils.progress import widget_free

    nb = widget_free(copy.deepcopy(nb))  # a widget needs JavaScript from a CDN; the bar's text copy needs nothing
    for cell in nb.cells:  # notebooks older than nbformat 4.5 have no cell ids, the script's handle on a cell
        cell.setdefault("id", secrets.token_hex(4))
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return hide_solutions(html, solution_groups(nb))
