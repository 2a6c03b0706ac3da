"""What a learned rule would have done to the past: on how many approved texts and drafts it
would have fired, with a few of them to look at. All candidates run together as one rule set,
so the history is read and parsed once however many there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from brandbot.rulebook.learned_rule import build
from brandbot.rulebook.learning import Candidate
from brandbot.rules.ruleset import RuleSet
from brandbot.store.review_history import PastText

EXAMPLES = 3
EXCERPT_CONTEXT = 40
"""Characters shown on each side of the match in an example."""
_STYLE = "Proposed"
"""The style the candidates are loaded into for the run; never installed."""


@dataclass(frozen=True)
class Example:
    ref: str
    """The request id of an approved text, or the draft id."""
    approved: bool
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "approved": self.approved, "excerpt": self.excerpt}


@dataclass(frozen=True)
class BackTest:
    approved_fired: int
    approved_checked: int
    drafts_fired: int
    drafts_checked: int
    examples: tuple[Example, ...]
    """Approved texts first: those went out with it."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "approved": {"fired": self.approved_fired, "checked": self.approved_checked},
            "drafts": {"fired": self.drafts_fired, "checked": self.drafts_checked},
            "examples": [example.to_dict() for example in self.examples],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BackTest:
        return cls(
            int(data["approved"]["fired"]),
            int(data["approved"]["checked"]),
            int(data["drafts"]["fired"]),
            int(data["drafts"]["checked"]),
            tuple(Example(str(e["ref"]), bool(e["approved"]), str(e["excerpt"])) for e in data["examples"]),
        )


def back_test(
    candidates: Sequence[Candidate],
    approved: Sequence[PastText],
    drafts: Sequence[PastText],
    time_limit_s: float | None,
) -> dict[str, BackTest]:
    """By change key. A text counts once however often the rule fires in it; a rule past its
    time limit on a text counts as not firing there."""
    ids = {f"{_STYLE}.C{number}": candidate.change.key for number, candidate in enumerate(candidates)}
    checks = tuple(
        build(candidate.change, rule_id, len(candidate.evidence))
        for rule_id, candidate in zip(ids, candidates, strict=True)
    )
    rules = RuleSet(checks, time_limit_s=time_limit_s)
    fired: dict[str, dict[bool, int]] = defaultdict(lambda: {True: 0, False: 0})
    examples: dict[str, list[Example]] = defaultdict(list)
    for is_approved, texts in ((True, approved), (False, drafts)):
        for past in texts:
            first: dict[str, tuple[int, int]] = {}
            for alert in rules.run(past.text).alerts:
                first.setdefault(ids[alert.check], alert.offset)
            for key, (start, end) in first.items():
                fired[key][is_approved] += 1
                if len(examples[key]) < EXAMPLES:
                    examples[key].append(Example(past.ref, is_approved, _excerpt(past.text, start, end)))
    return {
        key: BackTest(fired[key][True], len(approved), fired[key][False], len(drafts), tuple(examples[key]))
        for key in ids.values()
    }


def _excerpt(text: str, start: int, end: int) -> str:
    before, after = max(0, start - EXCERPT_CONTEXT), min(len(text), end + EXCERPT_CONTEXT)
    shown = " ".join(text[before:after].split())
    return f"{'…' if before else ''}{shown}{'…' if after < len(text) else ''}"
