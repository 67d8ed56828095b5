"""용어 대조표: each week's English–Korean term table, and notebooks/ko/README.md collecting them all (course tooling).

Each English notebook ends with a markdown cell tagged `glossary`: a `## Glossary (용어 대조표)` heading and a
`| English | 한국어 |` table of the terms the week introduced. The Korean edition derives its own table from it
(`## 용어 대조표 (Glossary)`, `| 한국어 | English |`), so the terms have one source. `python -m weekutils.glossary`
rewrites notebooks/ko/README.md; a test checks that the committed file equals `korean_readme()`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENGLISH_HEADING = re.compile(r"^(#{2,3}) Glossary \(용어 대조표\)\s*$")
KOREAN_HEADING = "{level} 용어 대조표 (Glossary)"
KOREAN, ENGLISH = "한국어", "English"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def parse_table(block: str) -> list[tuple[str, str]] | None:
    """(Korean, English) pairs of a markdown table headed 한국어 and English in either order, else None (course tooling)."""
    rows = [line for line in block.strip().split("\n") if line.strip()]
    if len(rows) < 2 or not all(r.lstrip().startswith("|") for r in rows):
        return None
    header = _cells(rows[0])
    if sorted(header) != sorted([KOREAN, ENGLISH]) or not re.fullmatch(r"[\s|:-]+", rows[1]):
        return None
    ko, en = header.index(KOREAN), header.index(ENGLISH)
    pairs = []
    for row in rows[2:]:
        cells = _cells(row)
        if len(cells) != 2 or not all(cells):
            raise ValueError(f"glossary row {row!r} does not have two filled cells")
        pairs.append((cells[ko], cells[en]))
    return pairs


def format_table(pairs, columns=(KOREAN, ENGLISH), extra: list[str] | None = None) -> str:
    """A markdown table of (Korean, English) pairs with the Korean column first (course tooling)."""
    header = [*columns, *(extra or [])]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for pair in pairs:
        lines.append("| " + " | ".join(pair) + " |")
    return "\n".join(lines)


def korean_glossary_block(block: str) -> str | None:
    """The Korean edition's version of one block of an English glossary cell, None for prose to translate (course tooling)."""
    heading = ENGLISH_HEADING.match(block.strip())
    if heading:
        return KOREAN_HEADING.format(level=heading.group(1))
    pairs = parse_table(block)
    if pairs is None:
        return None
    return format_table(pairs)


def glossary_cell(nb):
    """The notebook's last cell if it is the glossary (tagged `glossary`), else None (course tooling)."""
    from weekutils.edition import GLOSSARY_TAG

    last = nb.cells[-1] if nb.cells else None
    if last is not None and last.cell_type == "markdown" and GLOSSARY_TAG in last.metadata.get("tags", []):
        return last
    return None


def glossary_terms(nb) -> list[tuple[str, str]]:
    """(Korean, English) pairs of a notebook's glossary cell, in its order; ValueError if it has none (course tooling)."""
    from weekutils.edition import paragraphs

    cell = glossary_cell(nb)
    if cell is None:
        raise ValueError("the notebook does not end with a markdown cell tagged 'glossary'")
    tables = [t for t in (parse_table(b) for b in paragraphs(cell.source)) if t is not None]
    if len(tables) != 1 or not tables[0]:
        raise ValueError(f"the glossary cell holds {len(tables)} 한국어/English tables, expected one with terms")
    return tables[0]


def korean_sort_key(term: str) -> tuple:
    """가나다순 key: Hangul syllables sort by code point, dictionary order; Latin-initial terms after (course tooling)."""
    return (0 if HANGUL.match(term) else 1, term.casefold())


def collected_terms(notebooks: dict[int, Path]) -> list[tuple[str, str, list[int]]]:
    """Every week's glossary as (Korean, English, weeks) rows, merged and sorted by Korean (course tooling)."""
    import nbformat

    weeks_of: dict[tuple[str, str], list[int]] = {}
    for week, path in sorted(notebooks.items()):
        for pair in glossary_terms(nbformat.read(path, as_version=4)):
            weeks_of.setdefault(pair, [])
            if week not in weeks_of[pair]:
                weeks_of[pair].append(week)
    rows = sorted(weeks_of.items(), key=lambda item: (korean_sort_key(item[0][0]), item[0][1].casefold()))
    return [(ko, en, weeks) for (ko, en), weeks in rows]


README_INTRO = """\
# Deep Learning을 이용한 이미지 인식: 한국어판

[English](../README.md) · [한국어 안내](../README.ko.md)

이 폴더에는 강의 노트북의 한국어판이 있습니다. 파일 이름은 `notebooks/`의 영어판과 같고, 코드 셀은 영어판과
한 글자도 다르지 않습니다. 마크다운 셀만 한국어로 옮겼으며, 용어는 『밑바닥부터 시작하는 딥러닝』(한빛미디어)
한국어판과 이 강의의 바탕이 된 스터디 보고서의 용어를 따릅니다. 각 용어가 노트북에 처음 나올 때 괄호 안에 영어를
함께 적었으므로 영어 자료도 이어서 읽을 수 있습니다.

영어판이 바뀌면 한국어판도 같은 커밋에서 고쳐야 합니다. 한국어 셀마다 어느 영어 셀을 옮겼는지와 그 셀의
해시를 메타데이터에 기록해 두었고, 테스트(`tests/test_edition.py`)가 어긋난 셀을 찾아 이름을 알려 줍니다.

- 노트북 실행: `.venv/bin/weekutils run --lang ko` (결과는 `build/ko/`에 저장됩니다)
- 슬라이드 만들기: `.venv/bin/weekutils slides 3 --lang ko`
- JupyterLab 메뉴를 한국어로 보려면 Settings → Language에서 한국어를 고릅니다. 설치 명령이 한국어 언어 팩
  (`jupyterlab-language-pack-ko-kr`)을 함께 설치합니다.

## 용어 대조표 (Glossary)

각 주차 노트북 마지막의 용어 대조표를 한데 모아 한국어 가나다순으로 정리했습니다. 이 표는
`python -m weekutils.glossary`가 만들므로 직접 고치지 말고 각 노트북의 용어 대조표를 고치십시오.

"""


def korean_readme(notebooks: dict[int, Path] | None = None) -> str:
    """Text of notebooks/ko/README.md: the Korean edition's introduction and every week's terms (course tooling)."""
    from weekutils.runner import find_notebooks

    rows = collected_terms(find_notebooks() if notebooks is None else notebooks)
    table = format_table([(ko, en, ", ".join(map(str, weeks))) for ko, en, weeks in rows], extra=["주차"])
    return README_INTRO + table + "\n"


def main(argv=None) -> int:
    """python -m weekutils.glossary: rewrite notebooks/ko/README.md from the English glossaries (course tooling)."""
    from weekutils.edition import KO_DIR
    from weekutils.files import atomic_write_text

    if sys.argv[1:] if argv is None else argv:
        print("usage: python -m weekutils.glossary   (writes notebooks/ko/README.md)", file=sys.stderr)
        return 2
    KO_DIR.mkdir(parents=True, exist_ok=True)
    atomic_write_text(KO_DIR / "README.md", korean_readme())
    print(f"wrote {KO_DIR / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
