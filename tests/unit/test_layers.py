"""The import map's rules, read from the source: lower layers never import higher ones, and the
linter in `brandbot.rules` stays pure (the rules' lifecycle that uses the store is `rulebook`), and
the store knows neither Slack nor LangGraph."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "brandbot"


def imported(package: str) -> dict[str, set[str]]:
    """Module path -> the modules it imports, function-level imports included."""
    found: dict[str, set[str]] = {}
    for path in sorted((SRC / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(SRC))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("rules", ("brandbot.store", "brandbot.rulebook", "brandbot.workflow", "brandbot.slack")),
        ("store", ("brandbot.workflow", "brandbot.slack", "brandbot.rulebook", "brandbot.cli", "langgraph", "slack_")),
        ("workflow", ("brandbot.slack", "brandbot.cli", "slack_")),
        ("rulebook", ("brandbot.workflow", "brandbot.slack", "brandbot.cli")),
        ("guidelines", ("brandbot.workflow", "brandbot.slack", "brandbot.cli")),
    ],
)
def test_no_import_runs_back_up(package: str, forbidden: tuple[str, ...]) -> None:
    wrong = {
        module: sorted(name for name in names if name.startswith(forbidden))
        for module, names in imported(package).items()
        if any(name.startswith(forbidden) for name in names)
    }
    assert wrong == {}


def test_the_map_is_read_at_all() -> None:
    """A scan that found nothing would pass every rule above."""
    assert "brandbot.store.db" in imported("store")["store/queue.py"] | imported("store")["store/roles.py"]
    assert any("brandbot.store" in name for names in imported("rulebook").values() for name in names)
