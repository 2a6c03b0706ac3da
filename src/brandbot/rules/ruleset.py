"""A loaded, immutable set of rules and the one call the workflow makes: check a draft."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from brandbot.rules.alert import Action, Alert, Level
from brandbot.rules.checks.base import Check
from brandbot.rules.config import StylesConfig
from brandbot.rules.context import DraftContext
from brandbot.rules.document import Document


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    type: str
    level: str
    """The level before any context applies, or "off"."""
    file: str
    description: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "type": self.type,
            "level": self.level,
            "file": self.file,
            "description": self.description,
        }


@dataclass(frozen=True)
class RuleSet:
    checks: tuple[Check, ...] = ()
    config: StylesConfig = field(default_factory=StylesConfig)
    _defaults: Mapping[str, Level] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        levels = {check.definition.id: check.definition.level for check in self.checks}
        object.__setattr__(self, "_defaults", MappingProxyType(levels))

    def __len__(self) -> int:
        return len(self.checks)

    def check(self, text: str, context: DraftContext | None = None) -> list[Alert]:
        """Alerts sorted by position; the config decides which rules apply to this context
        (no context: a non-promotional draft of no particular format)."""
        levels = self.config.levels(self._defaults, context or DraftContext())
        doc = Document(text)
        alerts = [
            alert
            for check in self.checks
            if check.definition.id in levels
            for alert in _alerts(check, levels[check.definition.id], doc)
        ]
        alerts.sort(key=lambda alert: (alert.offset, alert.check))
        return alerts

    def describe(self) -> list[RuleInfo]:
        levels = self.config.levels(self._defaults, None)
        return [
            RuleInfo(d.id, d.extends, levels[d.id].value if d.id in levels else "off", d.file, d.description)
            for d in (check.definition for check in self.checks)
        ]

    def single_style(self) -> str:
        """The style a lone rule file joins when its sender can't name one (a Slack upload):
        the one installed style; with none or several, a zipped style folder is needed."""
        styles = sorted({check.definition.id.split(".")[0] for check in self.checks} - {"Vale"})
        if len(styles) != 1:
            raise ValueError("a single rule file needs exactly one installed style to join; send a zipped style folder")
        return styles[0]


def _alerts(check: Check, level: Level, doc: Document) -> Iterator[Alert]:
    definition = check.definition
    for count, finding in enumerate(check.find(doc)):
        if definition.limit and count >= definition.limit:
            return
        line, column = doc.position(finding.start)
        match = doc.source[finding.start : finding.end]
        width = len(match.split("\n", 1)[0])  # a match over several lines: its first line
        action = definition.action
        if action is not None and action.name == "replace" and not action.params and finding.replacements:
            action = Action("replace", finding.replacements)  # Vale fills a bare replace with the suggestions
        yield Alert(
            check=definition.id,
            message=finding.message,
            level=level,
            line=line,
            span=(column, column + max(width, 1) - 1),
            match=match,
            link=definition.link,
            action=action,
            offset=(finding.start, finding.end),
            replacements=finding.replacements,
        )
