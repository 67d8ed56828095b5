"""The Korean edition (notebooks/ko/): built from the English notebooks, kept in step by a drift guard (course tooling).

Each Korean markdown cell records the English cell it translates (`id`) and the SHA-256 of that cell's
source in its metadata under `"translation"`. Code cells are byte-identical copies. `drift_problems`
names every cell where the two editions have come apart; the test suite fails on any.

A translation memory maps English paragraphs to Korean ones, so that an English cell that is only split
or merged (slides cut a long cell into slide + notes) is rebuilt without translating it again:
`build_edition(english_nb, memory)` returns the Korean notebook and the paragraphs it still lacks.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

from weekutils.runner import NOTEBOOK_DIR, REPO_ROOT

KO_DIR = NOTEBOOK_DIR / "ko"
LANGUAGES = ("en", "ko")
META_KEY = "translation"
GLOSSARY_TAG = "glossary"
FENCE = re.compile(r"^\s*(```|~~~)")


def edition_dirs(lang: str) -> tuple[Path, Path]:
    """(notebook folder, build folder) of an edition: notebooks/ and build/, or notebooks/ko/ and build/ko/ (course tooling)."""
    from weekutils import runner  # looked up late: tests redirect runner.NOTEBOOK_DIR

    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return (runner.NOTEBOOK_DIR, REPO_ROOT / "build") if lang == "en" else (KO_DIR, REPO_ROOT / "build" / "ko")


def source_hash(source: str) -> str:
    """SHA-256 of a cell's source text, the drift guard's fingerprint of an English cell (course tooling)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def paragraphs(markdown: str) -> list[str]:
    """Split markdown into blocks at blank lines, keeping fenced code and $$ display maths whole (course tooling)."""
    blocks, current, in_fence, in_math = [], [], False, False
    for line in markdown.split("\n"):
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.count("$$") % 2 == 1:
            in_math = not in_math
        if not line.strip() and not in_fence and not in_math:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def needs_translation(block: str) -> bool:
    """True if a block has words outside code, maths and links' targets, so a Korean reader needs it translated (course tooling)."""
    text = re.sub(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]+>", " ", block, flags=re.S)
    return bool(re.search(r"[A-Za-z]{2,}", text))


# Proper names a Korean text keeps in Latin letters that the rule below does not already pass (it passes
# acronyms and names with an inner capital: MNIST, SGD, ReLU, NumPy, PyTorch, JupyterLab, LeCun): libraries
# and products, the class and layer names the course's code uses, people whose names are terms (Xavier and He
# initial weights, as the Korean book writes them), and the cited people and companies.
PROPER_NAMES = frozenset(
    "Python torch torchvision pickle scikit-learn Jupyter Chromium Debian Windows Linux Apple Conda "
    "Affine Adam Adadelta Sigmoid Softmax Momentum Dropout Xavier Glorot He Kaiming "
    "Saito Koki Yann Corinna Cortes Christopher Burges Zalando Research".split()
)
TITLE_WORDS = frozenset("a an and for from in into of on the to with".split())
CODE_MATHS_LINKS = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`]*`|\$\$.*?\$\$|\$[^$\n]*\$|\]\([^)]*\)|<[^>]+>|https?://\S+", re.S
)
ITALIC = re.compile(r"(?<![*A-Za-z0-9])[*_]([^*_\n]+)[*_](?![*A-Za-z0-9])")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")


def _is_title(text: str) -> bool:
    """A cited title in title case: *Deep Learning from Scratch*, *Dive into Deep Learning*."""
    words = WORD.findall(text)
    return bool(words) and all(w[0].isupper() or w in TITLE_WORDS for w in words)


def english_words(markdown: str) -> list[str]:
    """English words a Korean reader meets outside code, maths, link targets, HTML, parentheses, titles and names (course tooling)."""
    text = CODE_MATHS_LINKS.sub(" ", markdown)
    text = ITALIC.sub(lambda m: " " if _is_title(m.group(1)) else m.group(1), text)
    while True:  # innermost parentheses first, so nested ones go too
        stripped = re.sub(r"\([^()]*\)", " ", text)
        if stripped == text:
            break
        text = stripped
    return [
        w for w in WORD.findall(text) if w not in PROPER_NAMES and not any(c.isupper() for c in w.replace("-", "")[1:])
    ]


def translate_markdown(source: str, memory: dict[str, str], glossary: bool = False) -> tuple[str, list[str]]:
    """Korean text of one English markdown cell from the memory, and the blocks the memory lacks (course tooling).

    In the glossary cell the heading and the term table are derived from the English (one source for the
    terms), whatever the memory says.
    """
    from weekutils.glossary import korean_glossary_block

    out, missing = [], []
    for block in paragraphs(source):
        derived = korean_glossary_block(block) if glossary else None
        if derived is not None:
            out.append(derived)
        elif block in memory:
            out.append(memory[block])
        elif needs_translation(block):
            missing.append(block)
            out.append(block)
        else:
            out.append(block)
    return "\n\n".join(out), missing


def build_edition(english, memory: dict[str, str], kept: dict | None = None):
    """The Korean notebook for an English one: code copied, markdown from the memory; returns (nb, missing blocks) (course tooling).

    `kept` maps English cell ids to Korean cells used as they are (the translations `sync_edition` keeps).
    """
    korean = copy.deepcopy(english)
    missing = []
    for cell in korean.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            continue
        english_source = cell.source
        if kept and cell.id in kept:  # its text and its record, stale or not, as they are
            cell.source = kept[cell.id].source
            cell.metadata[META_KEY] = copy.deepcopy(kept[cell.id].metadata[META_KEY])
            continue
        is_glossary = GLOSSARY_TAG in cell.metadata.get("tags", [])
        cell.source, lacking = translate_markdown(english_source, memory, glossary=is_glossary)
        missing += lacking
        cell.metadata[META_KEY] = {"source_id": cell.id, "source_sha256": source_hash(english_source)}
    korean.metadata["language_info"] = korean.metadata.get("language_info", {"name": "python"})
    korean.metadata["course_language"] = "ko"
    return korean, missing


def drift_problems(english, korean) -> list[str]:
    """Every place where the Korean notebook no longer matches the English one, each naming the cells (course tooling)."""
    problems = []
    if len(english.cells) != len(korean.cells):
        problems.append(f"the English notebook has {len(english.cells)} cells, the Korean one {len(korean.cells)}")
    english_ids = [c.id for c in english.cells]
    korean_ids = [c.metadata.get(META_KEY, {}).get("source_id", c.id) for c in korean.cells]
    for cell_id in english_ids:
        if cell_id not in korean_ids:
            problems.append(f"English cell {cell_id} has no Korean cell")
    for cell_id in korean_ids:
        if cell_id not in english_ids:
            problems.append(f"Korean cell for {cell_id} has no English cell (deleted or renamed in English?)")
    if problems:
        return problems
    for index, (en, ko) in enumerate(zip(english.cells, korean.cells)):
        where = f"cell {index} (id {en.id})"
        if en.cell_type != ko.cell_type:
            problems.append(f"{where}: English is {en.cell_type}, Korean is {ko.cell_type}")
        elif en.cell_type == "code":
            if en.source != ko.source:
                problems.append(f"{where}: the code differs; copy the English cell's code byte for byte")
        else:
            recorded = ko.metadata.get(META_KEY, {}).get("source_sha256")
            if recorded is None:
                problems.append(f"{where}: the Korean cell records no source hash in metadata['{META_KEY}']")
            elif recorded != source_hash(en.source):
                first = en.source.strip().split("\n", 1)[0][:60]
                problems.append(
                    f"{where}: the English text changed since it was translated ({first!r}); update the Korean"
                )
        # Everything but the translation record follows the English: slides, tags, collapsed solutions.
        en_meta = {k: v for k, v in en.metadata.items() if k != META_KEY}
        ko_meta = {k: v for k, v in ko.metadata.items() if k != META_KEY}
        differing = sorted(k for k in en_meta.keys() | ko_meta.keys() if en_meta.get(k) != ko_meta.get(k))
        if "slideshow" in differing:
            problems.append(
                f"{where}: slide metadata differs ({en_meta.get('slideshow')} vs {ko_meta.get('slideshow')})"
            )
        if "tags" in differing:
            problems.append(f"{where}: tags differ ({en_meta.get('tags')} vs {ko_meta.get('tags')})")
        others = [k for k in differing if k not in ("slideshow", "tags")]
        if others:
            problems.append(f"{where}: cell metadata {others} differs from the English cell's")
    return problems


def sync_edition(english, korean):
    """Rebuild a Korean notebook after the English one changed, keeping every Korean text (course tooling).

    Code, order and metadata follow the English. A Korean cell whose English cell still exists is kept with
    its recorded hash: if that English cell changed, the drift guard keeps naming it until the Korean is
    updated and accepted (`accept_translation`). The paragraphs of up-to-date cells serve as a memory for new
    English cells, so a paragraph only moved needs no new translation. Returns (nb, blocks still in English).
    """
    english_by_id = {c.id: c for c in english.cells if c.cell_type == "markdown"}
    kept, memory = {}, {}
    for cell in korean.cells:
        record = cell.metadata.get(META_KEY, {})
        source = english_by_id.get(record.get("source_id"))
        if cell.cell_type != "markdown" or source is None:
            continue
        kept[source.id] = cell
        en_blocks, ko_blocks = paragraphs(source.source), paragraphs(cell.source)
        if record.get("source_sha256") == source_hash(source.source) and len(en_blocks) == len(ko_blocks):
            memory.update(zip(en_blocks, ko_blocks))
    return build_edition(english, memory, kept)


def accept_translation(english, korean, cell_ids) -> list[str]:
    """Record the current English hash in the named Korean cells, once their Korean is updated (course tooling)."""
    english_by_id = {c.id: c for c in english.cells if c.cell_type == "markdown"}
    unknown = [i for i in cell_ids if i not in english_by_id]
    if unknown:
        raise ValueError(f"no English markdown cell with id {unknown}")
    accepted = []
    for cell in korean.cells:
        record = cell.metadata.get(META_KEY, {})
        if record.get("source_id") in cell_ids:
            record["source_sha256"] = source_hash(english_by_id[record["source_id"]].source)
            accepted.append(record["source_id"])
    return accepted


def load_memory(path: Path) -> dict[str, str]:
    """A translation memory file: a JSON object from English blocks to Korean blocks (course tooling)."""
    return json.loads(Path(path).read_text(encoding="utf-8")) if Path(path).exists() else {}


USAGE = """usage: python -m weekutils.edition MEMORY.json notebooks/ENGLISH.ipynb   build from a translation memory
       python -m weekutils.edition --sync notebooks/ENGLISH.ipynb         follow an edited English notebook
       python -m weekutils.edition --accept notebooks/ENGLISH.ipynb ID... the Korean of these cells is updated"""


def main(argv=None) -> int:
    """python -m weekutils.edition: write notebooks/ko/<name> from the English notebook; see USAGE (course tooling).

    After editing an English notebook: `--sync` keeps every Korean cell, copies code and metadata and lists
    the new paragraphs still in English; translate them and the cells the drift guard names, then `--accept`
    those cells' ids.
    """
    import sys

    import nbformat

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or (args[0] != "--accept" and len(args) != 2):
        print(USAGE, file=sys.stderr)
        return 2
    english_path = Path(args[1])
    english = nbformat.read(english_path, as_version=4)
    korean_path = KO_DIR / english_path.name
    if args[0] == "--accept":
        korean = nbformat.read(korean_path, as_version=4)
        accepted = accept_translation(english, korean, args[2:])
        nbformat.write(korean, korean_path)
        print(f"{korean_path}: accepted the Korean of {len(accepted)} cell(s)")
        return 0
    if args[0] == "--sync":
        korean, missing = sync_edition(english, nbformat.read(korean_path, as_version=4))
    else:
        korean, missing = build_edition(english, load_memory(Path(args[0])))
    KO_DIR.mkdir(parents=True, exist_ok=True)
    nbformat.write(korean, korean_path)
    print(f"wrote {korean_path}; {len(missing)} block(s) still in English")
    for block in missing:
        print("---\n" + block[:200])
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
