"""Fixtures: a fresh styles directory per call, and one rule checked against a text."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandbot.rules import Alert, DraftContext, load_styles
from tests.unit.rules.support import CheckRule, WriteStyles, write_styles


@pytest.fixture
def styles(tmp_path: Path) -> WriteStyles:
    """styles(rules, config=None, vocab=None): a new styles directory on each call."""
    made = iter(range(1000))
    return lambda rules, config=None, vocab=None: write_styles(tmp_path / f"styles{next(made)}", rules, config, vocab)


@pytest.fixture
def check_rule(tmp_path: Path) -> CheckRule:
    """check_rule(yaml, text, context=None, vocab=None): the alerts of one rule, Test.Rule."""

    def check(
        rule: str, text: str, context: DraftContext | None = None, vocab: dict[str, str] | None = None
    ) -> list[Alert]:
        root = write_styles(tmp_path / "one", {"Test/Rule.yml": rule}, vocab=vocab)
        return load_styles(root).check(text, context)

    return check
