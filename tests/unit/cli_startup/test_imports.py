"""`brandbot --help` and `brandbot rules check` start without the heavy libraries: what a
command imports, every run of it pays for (bench/startup.py times it; this only checks which
modules load, so it holds on any machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = [
    "torch",
    "chromadb",
    "langgraph",
    "langchain_core",
    "sqlalchemy",
    "alembic",
    "bm25s",
    "pypdf",
    "docx",
    "bs4",
    "sentence_transformers",
    "transformers",
    "pydantic_settings",
    "matplotlib",
    "brandbot.services",
]

PROBE = """
import json, sys
from brandbot.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def loaded(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    """The modules a fresh interpreter holds after running `brandbot ARGS` in tmp_path, and
    what the command printed."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    last = done.stderr.rstrip().rsplit("\n", 1)[-1]
    assert last.startswith("MODULES "), done.stderr
    return set(json.loads(last.removeprefix("MODULES "))), done.stdout


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(f"{name}.") for name in HEAVY))


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    (tmp_path / "styles" / "Acme").mkdir(parents=True)
    (tmp_path / "styles" / "Acme" / "Hype.yml").write_text(
        "extends: existence\nmessage: \"Avoid '%s'.\"\nlevel: error\ntokens: [cheap]\n", encoding="utf-8"
    )
    (tmp_path / "draft.md").write_text("Our cheap backup.\n", encoding="utf-8")
    return tmp_path


def test_help_imports_neither_the_heavy_libraries_nor_rich(tmp_path: Path) -> None:
    modules, printed = loaded(tmp_path, "--help")
    assert "Usage: " in printed and "rules" in printed
    assert heavy(modules) == []
    assert "rich" not in modules, "plain help: rich's help rendering costs as much as the rest"


def test_rules_check_with_a_styles_directory_imports_no_heavy_library(draft: Path) -> None:
    modules, printed = loaded(draft, "rules", "check", "draft.md", "--rules-dir", "styles")
    assert "Acme.Hype" in printed
    assert heavy(modules) == []


@pytest.mark.parametrize("output", ["line", "vale-json"])
def test_rules_check_with_a_vale_ini_and_vales_outputs_imports_neither_heavy_libraries_nor_rich(
    draft: Path, output: str
) -> None:
    (draft / ".vale.ini").write_text("StylesPath = styles\n\n[*.md]\nBasedOnStyles = Acme\n", encoding="utf-8")
    modules, printed = loaded(draft, "rules", "check", "draft.md", "-o", output)
    assert "Acme.Hype" in printed
    assert heavy(modules) == []
    assert "rich" not in modules
