"""The install routes agree, and CI runs exactly the README's commands."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def test_environment_yml_pip_list_equals_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1
    assert sorted(pip_sections[0]) == _requirements()


def test_every_requirement_is_pinned():
    for req in _requirements():
        assert req == "-e ." or re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][\w.]*", req), req


def test_torch_pair_is_the_one_that_imports_here():
    assert {"torch==2.14.1", "torchvision==0.29.1"} <= set(_requirements())


def test_jupyterlab_can_switch_to_korean():
    """The pinned language pack is what JupyterLab lists under Settings → Language, with its menu texts."""
    from jupyterlab_server.translation_utils import get_language_pack, get_language_packs

    packs, _ = get_language_packs("en")
    assert packs.get("ko_KR", {}).get("nativeName") == "한국어 (대한민국)", sorted(packs)
    messages, _ = get_language_pack("ko_KR")
    assert messages["jupyterlab"]["Run All Cells"] == ["모든 셀 실행"]


def _readme_command(label, readme_name="README.md"):
    """The single command in a README's fenced block right after the '<!-- label -->' marker."""
    readme = (ROOT / readme_name).read_text(encoding="utf-8")
    match = re.search(rf"<!-- {label} -->\s*```(?:bash|sh)?\n(.+?)\n```", readme, re.S)
    assert match, f"{readme_name} has no '<!-- {label} -->' command block"
    command = match.group(1).strip()
    assert "\n" not in command, f"the {label} command is one line to copy"
    return command


def test_ci_runs_the_readme_setup_and_test_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    for label in ("setup", "test"):
        assert _readme_command(label) in ci, f"the README's {label} command is not what CI runs"


def test_readme_run_command_is_weekutils_run():
    assert _readme_command("run") == ".venv/bin/weekutils run"


def test_korean_readme_has_the_same_three_commands():
    for label in ("setup", "run", "test"):
        assert _readme_command(label, "README.ko.md") == _readme_command(label), f"the {label} command differs"


def test_the_readmes_link_to_each_other_at_the_top():
    english = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    korean = (ROOT / "README.ko.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert "](README.ko.md)" in english and "](README.md)" in korean
