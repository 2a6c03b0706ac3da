"""A learned change written as a Vale rule file: the same text is back-tested and, once an admin
adopts it, installed, so what was tested is what goes live."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from brandbot.rulebook.learning import Change, Kind
from brandbot.rules.checks.base import Check
from brandbot.rules.loader import load_rule

LEVEL = "warning"
"""A learned rule starts as advice; an admin raises it to error by editing the file if it earns it.
Substitutions are applied to drafts whatever their level."""
MAX_NAME_CHARS = 60


def rule_yaml(change: Change, evidence: int) -> str:
    """The rule file's text; `evidence` (how many decisions showed it) goes into its description."""
    if change.kind is Kind.substitution:
        rule: dict[str, object] = {
            "extends": "substitution",
            "message": "Use '%s' instead of '%s'.",
            "description": f"Learned from reviewers: {evidence} of their decisions replaced "
            f"'{change.phrase}' with '{change.replacement}'.",
            "level": LEVEL,
            "ignorecase": True,
            "action": {"name": "replace"},
            "swap": {change.phrase: change.replacement},
        }
    else:
        rule = {
            "extends": "existence",
            "message": "Avoid '%s': reviewers keep taking it out.",
            "description": f"Learned from reviewers: {evidence} of their decisions removed '{change.phrase}'.",
            "level": LEVEL,
            "ignorecase": True,
            "tokens": [change.phrase],
        }
    return yaml.safe_dump(rule, sort_keys=False, allow_unicode=True)


def rule_name(change: Change, taken: set[str]) -> str:
    """A file name (and rule name) that says what the rule does, e.g. LearnedCheapToAffordable or
    LearnedNoSimply, numbered when `taken` (the style's rule names) already has it."""
    words = _camel(change.phrase)
    base = f"Learned{words}To{_camel(change.replacement)}" if change.kind is Kind.substitution else f"LearnedNo{words}"
    base = base[:MAX_NAME_CHARS]
    name, number = base, 2
    while name in taken:
        name, number = f"{base}{number}", number + 1
    return name


def build(change: Change, rule_id: str, evidence: int) -> Check:
    """The rule as the loader builds it from its file (Style.Rule `rule_id`), to run in memory."""
    style, name = rule_id.split(".")
    with tempfile.TemporaryDirectory(prefix="brandbot-learned-") as folder:
        path = Path(folder) / f"{name}.yml"
        path.write_text(rule_yaml(change, evidence), encoding="utf-8")
        return load_rule(path, f"{style}/{name}.yml")


def _camel(phrase: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in "".join(c if c.isalnum() else " " for c in phrase).split())
