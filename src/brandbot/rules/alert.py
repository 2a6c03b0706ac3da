"""What a check reports: one alert shape for every rule type, and the counts a reviewer reads first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    suggestion = "suggestion"
    warning = "warning"
    error = "error"


@dataclass(frozen=True, slots=True)
class Action:
    """Vale's `action` key, kept and reported so an editor can offer the fix."""

    name: str
    params: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "params": list(self.params)}


@dataclass(frozen=True, slots=True)
class Alert:
    """One problem in a draft, positioned like Vale: `line` is 1-based and `span` holds the 1-based
    first and last columns of the match on that line (both inclusive; a match running onto
    further lines ends at the end of its first); a check about the whole draft (readability, a
    missing required phrase) reports line 1, span (1, 1).

    `offset` is the same place as 0-based character offsets into the checked text, end exclusive,
    and `replacements` are the fixes a substitution or the rule's action offers, best first;
    `apply_fixes` uses both.
    """

    check: str
    message: str
    level: Level
    line: int
    span: tuple[int, int]
    match: str
    link: str = ""
    action: Action | None = None
    offset: tuple[int, int] = (0, 0)
    replacements: tuple[str, ...] = ()
    description: str = ""
    """The rule's `description`, which Vale's JSON output carries."""

    def to_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "message": self.message,
            "level": self.level.value,
            "line": self.line,
            "span": list(self.span),
            "match": self.match,
            "link": self.link,
        }


@dataclass(frozen=True, slots=True)
class Summary:
    errors: int = 0
    warnings: int = 0
    suggestions: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"errors": self.errors, "warnings": self.warnings, "suggestions": self.suggestions}

    def __str__(self) -> str:
        def plural(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        return (
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')} "
            f"and {plural(self.suggestions, 'suggestion')}"
        )


def summarize(alerts: Iterable[Alert]) -> Summary:
    counts = Counter(alert.level for alert in alerts)
    return Summary(counts[Level.error], counts[Level.warning], counts[Level.suggestion])
