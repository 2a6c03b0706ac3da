"""Writing a styles directory for a test, and small helpers the rule tests share."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from brandbot.rules import Alert

REPO = Path(__file__).resolve().parents[3]
SHIPPED_RULES = REPO / "guidelines" / "rules"

WriteStyles = Callable[..., Path]
CheckRule = Callable[..., list[Alert]]


def write_styles(
    root: Path,
    rules: dict[str, str],
    config: str | None = None,
    vocab: dict[str, str] | None = None,
) -> Path:
    """`rules`: {"Style/Rule.yml": yaml}; `vocab`: {"Vocab/Name/accept.txt": lines}."""
    root.mkdir(parents=True, exist_ok=True)
    files = {**rules, **(vocab or {})}
    if config is not None:
        files["config.yml"] = config
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")
    return root


def matches(alerts: list[Alert]) -> list[str]:
    return [alert.match for alert in alerts]
