"""The Korean edition (notebooks/ko/) stays in lock-step with the English notebooks, and reads as Korean.

The Korean notebooks are not executed under nbval (see conftest.py): the drift guard below makes every Korean
code cell byte-identical to its English cell, in the same order, so a second run would repeat the English
one cell for cell. What the Korean edition adds is text, and that is what these tests check. They cost
about a second: they read notebooks, run nothing.
"""

from __future__ import annotations

import copy
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from weekutils import edition, glossary, slides
from weekutils.runner import NOTEBOOK_DIR

ENGLISH = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KOREAN = sorted(edition.KO_DIR.glob("*.ipynb"))
IDS = [p.name for p in ENGLISH]
# English words a Korean notebook may keep outside code, maths, parentheses and citations (see
# edition.english_words): a stray unit or an English word quoted in running text, never a sentence.
MAX_ENGLISH_WORDS = 5


def read(path):
    return nbformat.read(path, as_version=4)


# ------------------------------------------------------------------ the committed notebooks


@pytest.mark.parametrize("english", ENGLISH, ids=IDS)
def test_every_notebook_has_a_korean_edition(english):
    korean = edition.KO_DIR / english.name
    assert korean.is_file(), (
        f"notebooks/ko/{english.name} is missing: every English notebook has a Korean one with the same name"
    )


def test_no_korean_notebook_without_an_english_one():
    orphans = sorted({p.name for p in KOREAN} - {p.name for p in ENGLISH})
    assert not orphans, f"Korean notebooks with no English notebook: {orphans}"


@pytest.mark.parametrize("english", ENGLISH, ids=IDS)
def test_korean_edition_has_not_drifted(english):
    korean = edition.KO_DIR / english.name
    assert korean.is_file(), f"notebooks/ko/{english.name} is missing"
    problems = edition.drift_problems(read(english), read(korean))
    assert not problems, f"notebooks/ko/{english.name} no longer matches the English notebook:\n" + "\n".join(problems)


@pytest.mark.parametrize("english", ENGLISH, ids=IDS)
def test_korean_markdown_has_few_english_words(english):
    korean = edition.KO_DIR / english.name
    assert korean.is_file(), f"notebooks/ko/{english.name} is missing"
    words = []
    for index, cell in enumerate(read(korean).cells):
        if cell.cell_type == "markdown":
            source = cell.source
            if edition.GLOSSARY_TAG in cell.metadata.get("tags", []):
                source = re.sub(r"^\|.*$", "", source, flags=re.M)  # the glossary table is bilingual by design
            words += [(index, w) for w in edition.english_words(source)]
    print(f"\n{english.name}: {len(words)} English words in Korean markdown: {[w for _, w in words][:40]}")
    assert len(words) <= MAX_ENGLISH_WORDS, (
        f"notebooks/ko/{english.name} has {len(words)} English words outside code, maths, parentheses and "
        f"citations (at most {MAX_ENGLISH_WORDS}); translate them, or add a proper name to "
        f"edition.PROPER_NAMES; (cell, word), the first ones: {words[:40]}"
    )


@pytest.mark.parametrize("english", ENGLISH, ids=IDS)
def test_korean_glossary_is_the_english_one(english):
    """The Korean glossary has the English one's terms, derived by build_edition (tests/test_notebooks.py checks
    that every English notebook ends with its glossary)."""
    korean = read(edition.KO_DIR / english.name)
    cell = glossary.glossary_cell(korean)
    assert cell is not None, "the Korean notebook ends with its glossary cell"
    assert cell.source.lstrip().startswith("## 용어 대조표 (Glossary)")
    assert f"| {glossary.KOREAN} | {glossary.ENGLISH} |" in cell.source
    assert glossary.glossary_terms(korean) == glossary.glossary_terms(read(english))


@pytest.mark.parametrize("english", ENGLISH, ids=IDS)
def test_korean_notebook_follows_the_slide_convention(english):
    korean = read(edition.KO_DIR / english.name)
    assert slides.slide_metadata_problems(korean) == []
    assert korean.metadata.get("course_language") == "ko"


def test_korean_readme_is_generated_from_the_glossaries():
    readme = edition.KO_DIR / "README.md"
    assert readme.is_file(), "run `python -m weekutils.glossary` to write notebooks/ko/README.md"
    assert readme.read_text(encoding="utf-8") == glossary.korean_readme(), (
        "notebooks/ko/README.md is out of date: run `python -m weekutils.glossary`"
    )


# ------------------------------------------------------------------ the drift guard itself


def english_notebook():
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(
            "# Week 0: Demo (데모)\n\nWhy this matters.", metadata={"slideshow": {"slide_type": "slide"}}
        ),
        new_code_cell("x = 1", metadata={"slideshow": {"slide_type": "-"}}),
        new_markdown_cell("The loss falls.\n\n$$L = 0$$", metadata={"slideshow": {"slide_type": "-"}}),
        new_markdown_cell(
            "## Glossary (용어 대조표)\n\n| English | 한국어 |\n|---|---|\n| loss function | 손실 함수 |\n"
            "| backpropagation | 오차역전파법 |",
            metadata={"tags": ["glossary"], "slideshow": {"slide_type": "slide"}},
        ),
    ]
    return nb


MEMORY = {
    "# Week 0: Demo (데모)": "# 0주차: 데모 (Demo)",
    "Why this matters.": "왜 중요한지 봅니다.",
    "The loss falls.": "손실이 줄어듭니다.",
}


def korean_of(nb):
    korean, missing = edition.build_edition(nb, MEMORY)
    assert missing == []
    return korean


def test_a_fresh_translation_has_no_drift():
    en = english_notebook()
    ko = korean_of(en)
    assert edition.drift_problems(en, ko) == []
    assert ko.cells[2].source == "손실이 줄어듭니다.\n\n$$L = 0$$", "maths is kept, text comes from the memory"
    assert ko.cells[1].source == "x = 1"


def test_glossary_is_derived_from_the_english_table():
    ko = korean_of(english_notebook())
    assert ko.cells[-1].source == (
        "## 용어 대조표 (Glossary)\n\n| 한국어 | English |\n|---|---|\n| 손실 함수 | loss function |\n"
        "| 오차역전파법 | backpropagation |"
    )
    assert glossary.glossary_terms(ko) == [("손실 함수", "loss function"), ("오차역전파법", "backpropagation")]


def test_changed_english_cell_is_caught():
    en = english_notebook()
    ko = korean_of(en)
    en.cells[2].source = "The loss falls quickly.\n\n$$L = 0$$"
    problems = edition.drift_problems(en, ko)
    assert len(problems) == 1 and f"cell 2 (id {en.cells[2].id})" in problems[0]
    assert "changed since it was translated" in problems[0] and "The loss falls quickly" in problems[0]


def test_missing_cell_on_either_side_is_caught():
    en = english_notebook()
    ko = korean_of(en)
    new_en = copy.deepcopy(en)
    new_en.cells.insert(2, new_markdown_cell("A new remark."))
    problems = edition.drift_problems(new_en, ko)
    assert any(f"English cell {new_en.cells[2].id} has no Korean cell" in p for p in problems), problems
    short_ko = copy.deepcopy(ko)
    del short_ko.cells[2]
    problems = edition.drift_problems(en, short_ko)
    assert any(f"English cell {en.cells[2].id} has no Korean cell" in p for p in problems), problems
    extra_ko = copy.deepcopy(ko)
    extra_ko.cells.append(new_markdown_cell("덧붙인 셀", metadata={"translation": {"source_id": "gone"}}))
    problems = edition.drift_problems(en, extra_ko)
    assert any("Korean cell for gone has no English cell" in p for p in problems), problems


def test_differing_code_cell_is_caught():
    en = english_notebook()
    ko = korean_of(en)
    ko.cells[1].source = "x = 1  # 한 줄 주석"
    problems = edition.drift_problems(en, ko)
    assert problems == [f"cell 1 (id {en.cells[1].id}): the code differs; copy the English cell's code byte for byte"]


def test_differing_slide_metadata_tags_and_other_metadata_are_caught():
    en = english_notebook()
    ko = korean_of(en)
    ko.cells[2].metadata["slideshow"] = {"slide_type": "notes"}
    ko.cells[3].metadata["tags"] = []
    problems = edition.drift_problems(en, ko)
    assert any("cell 2" in p and "slide metadata differs" in p for p in problems), problems
    assert any("cell 3" in p and "tags differ" in p for p in problems), problems
    ko = korean_of(en)
    ko.cells[1].metadata["jupyter"] = {"source_hidden": True}
    assert edition.drift_problems(en, ko) == [
        f"cell 1 (id {en.cells[1].id}): cell metadata ['jupyter'] differs from the English cell's"
    ]


def test_reordered_cells_are_caught():
    en = english_notebook()
    ko = korean_of(en)
    ko.cells[1], ko.cells[2] = ko.cells[2], ko.cells[1]
    assert any("cell 1" in p and "English is code, Korean is markdown" in p for p in edition.drift_problems(en, ko))


# ------------------------------------------------------------------ English words and glossaries


def test_english_words_skip_code_maths_links_parentheses_names_and_titles():
    text = (
        "오차역전파법(backpropagation)은 *Deep Learning from Scratch*의 5장에 나옵니다. `loss.backward()`, "
        "$\\frac{dL}{dx}$, [문서](https://pytorch.org/docs), <b>굵게</b>, ReLU 함수, Fashion-MNIST, NumPy, "
        "Affine 계층. The loss falls. *정말* **very** 중요합니다.\n\n```python\nprint('hello world')\n```"
    )
    assert edition.english_words(text) == ["The", "loss", "falls", "very"]


def test_glossary_table_parses_either_column_order_and_rejects_a_broken_row():
    en = "| English | 한국어 |\n|---|---|\n| epoch | 에폭 |"
    ko = "| 한국어 | English |\n|:--|:--|\n| 에폭 | epoch |"
    assert glossary.parse_table(en) == glossary.parse_table(ko) == [("에폭", "epoch")]
    assert glossary.parse_table("| a | b |\n|---|---|\n| 1 | 2 |") is None
    with pytest.raises(ValueError, match="two filled cells"):
        glossary.parse_table("| English | 한국어 |\n|---|---|\n| epoch |  |")


def test_collected_terms_merge_weeks_and_sort_by_korean(tmp_path):
    def week(n, rows):
        nb = english_notebook()
        table = "\n".join(f"| {en} | {ko} |" for en, ko in rows)
        nb.cells[-1].source = f"## Glossary (용어 대조표)\n\n| English | 한국어 |\n|---|---|\n{table}"
        path = tmp_path / f"week{n}_demo.ipynb"
        nbformat.write(nb, path)
        return path

    notebooks = {
        1: week(1, [("tensor", "텐서"), ("ReLU", "ReLU 함수"), ("gradient", "기울기")]),
        2: week(2, [("gradient", "기울기"), ("learning rate", "학습률"), ("activation function", "활성화 함수")]),
    }
    rows = glossary.collected_terms(notebooks)
    assert [ko for ko, _, _ in rows] == ["기울기", "텐서", "학습률", "활성화 함수", "ReLU 함수"]
    assert rows[0] == ("기울기", "gradient", [1, 2])
    readme = glossary.korean_readme(notebooks)
    assert "| 한국어 | English | 주차 |\n|---|---|---|\n| 기울기 | gradient | 1, 2 |" in readme


def test_notebook_without_a_glossary_is_named():
    nb = english_notebook()
    nb.cells[-1].metadata["tags"] = []
    with pytest.raises(ValueError, match="tagged 'glossary'"):
        glossary.glossary_terms(nb)


# ------------------------------------------------------------------ tooling: run, slides, fonts


def test_cli_lang_ko_runs_and_builds_slides_from_the_korean_notebooks(monkeypatch):
    from weekutils import cli, runner

    calls = []
    monkeypatch.setattr(runner, "run_weeks", lambda weeks, **kw: calls.append((weeks, kw)) or [])
    assert cli.main(["run", "3", "--lang", "ko"]) == 0
    assert cli.main(["run", "3"]) == 0
    (weeks, korean), (_, english) = calls
    assert weeks == [3]
    assert korean["notebook_dir"] == edition.KO_DIR and korean["out_dir"] == runner.REPO_ROOT / "build" / "ko"
    assert english["notebook_dir"] == NOTEBOOK_DIR and english["out_dir"] == runner.REPO_ROOT / "build"
    decks = []
    monkeypatch.setattr(slides, "build_slides", lambda week, out, lang: decks.append((week, out, lang)) or out)
    assert cli.main(["slides", "3", "--lang", "ko"]) == 0
    assert decks == [(3, runner.REPO_ROOT / "build" / "ko" / "slides", "ko")]
    with pytest.raises(ValueError, match="one of en, ko"):
        edition.edition_dirs("fr")


def hangul_in(text: str) -> set[str]:
    return {ch for ch in text if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"}


def test_korean_deck_font_covers_every_hangul_glyph(tmp_path):
    """`weekutils slides 3 --lang ko`: the deck's NanumGothic subset has a glyph for every Hangul character shown."""
    import html as html_lib

    from fontTools.ttLib import TTFont

    html_path = slides.build_slides(3, tmp_path / "slides", prefer_executed=False, lang="ko")
    assert html_path.name == "week3_backprop.slides.html"
    shown = hangul_in(html_lib.unescape(html_path.read_text(encoding="utf-8")))
    assert len(shown) > 100, f"the Korean deck shows only {len(shown)} distinct Hangul syllables"
    font = TTFont(tmp_path / "slides" / "assets" / "fonts" / "NanumGothic-subset.ttf")
    missing = sorted(shown - {chr(code) for code in font.getBestCmap()})
    assert not missing, f"the deck's font subset lacks {len(missing)} Hangul glyphs: {''.join(missing[:40])}"


def test_slides_main_without_arguments_covers_both_editions(monkeypatch, capsys):
    import nbformat as nbf

    monkeypatch.setattr(nbf, "write", lambda *args, **kw: pytest.fail("the committed notebooks already conform"))
    slides.main([])
    touched = {line.split()[-1] for line in capsys.readouterr().out.splitlines() if line.startswith("unchanged")}
    assert touched == {str(p) for p in ENGLISH} | {str(edition.KO_DIR / p.name) for p in ENGLISH}


def test_sync_keeps_every_translation_and_accept_clears_the_changed_cell():
    en = english_notebook()
    ko = korean_of(en)
    ko.cells[0].source = "# 0주차: 데모 (Demo)\n\n왜 중요한지 봅니다!"  # a translator's later polish is kept
    en.cells[2].source = "The loss falls.\n\n$$L = 1$$"  # an edited cell
    en.cells.insert(1, new_markdown_cell("Why this matters.\n\nA new remark."))  # a moved and a new paragraph
    synced, missing = edition.sync_edition(en, ko)
    assert missing == ["A new remark."]
    assert [c.source for c in synced.cells[:4]] == [
        "# 0주차: 데모 (Demo)\n\n왜 중요한지 봅니다!",
        "왜 중요한지 봅니다!\n\nA new remark.",  # the memory holds the current translation
        "x = 1",
        "손실이 줄어듭니다.\n\n$$L = 0$$",
    ]
    assert edition.english_words(synced.cells[1].source) == ["new", "remark"], "the English-word test sees it"
    problems = edition.drift_problems(en, synced)
    assert len(problems) == 1 and f"id {en.cells[3].id}" in problems[0] and "changed" in problems[0]
    synced.cells[3].source = "손실이 줄어듭니다.\n\n$$L = 1$$"
    assert edition.accept_translation(en, synced, [en.cells[3].id]) == [en.cells[3].id]
    assert edition.drift_problems(en, synced) == []
    with pytest.raises(ValueError, match="no English markdown cell"):
        edition.accept_translation(en, synced, ["nonexistent"])
