"""A loaded, immutable set of rules and the one call the workflow makes: check a draft."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from brandbot.filetypes import Markup
from brandbot.rules.actions import fixes
from brandbot.rules.alert import Action, Alert, Level
from brandbot.rules.checks.base import Check
from brandbot.rules.config import StylesConfig
from brandbot.rules.context import DraftContext
from brandbot.rules.document import Document
from brandbot.rules.matching import RuleTimeout, time_limit

DEFAULT_TIME_LIMIT_S = 0.1
"""Per rule per text: far above what a sane pattern needs (microseconds), far below a freeze."""


@dataclass(frozen=True, slots=True)
class RuleFailure:
    """A rule that could not give its verdict on a text; its alerts, if any, are not reported."""

    rule: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Report:
    alerts: list[Alert]
    failures: tuple[RuleFailure, ...] = ()


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
    time_limit_s: float | None = DEFAULT_TIME_LIMIT_S
    version: int | None = None
    """The published version these rules were loaded from (`rule_versions.id`), recorded with
    each draft they check; None for rules read from a folder."""
    _defaults: Mapping[str, Level] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        levels = {check.definition.id: check.definition.level for check in self.checks}
        object.__setattr__(self, "_defaults", MappingProxyType(levels))

    def __len__(self) -> int:
        return len(self.checks)

    def run(self, text: str, context: DraftContext | None = None, markup: Markup = "markdown") -> Report:
        """Alerts sorted by position, and the rules that ran past their time limit; the config
        decides which rules apply to this context (no context: a non-promotional draft of no
        particular format)."""
        levels = self.config.levels(self._defaults, context or DraftContext())
        doc = Document(text, markup, self.config.ignores)
        alerts: list[Alert] = []
        failures: list[RuleFailure] = []
        for check in self.checks:
            rule = check.definition.id
            if rule not in levels:
                continue
            try:
                with time_limit(self.time_limit_s):
                    found = list(_alerts(check, levels[rule], doc))
            except RuleTimeout:
                limit = f"{(self.time_limit_s or 0) * 1000:.0f} ms"
                failures.append(RuleFailure(rule, f"{rule} ran past its time limit of {limit}; not checked"))
                continue
            alerts.extend(found)
        alerts.sort(key=lambda alert: (alert.offset, alert.check))
        return Report(alerts, tuple(failures))

    def check(self, text: str, context: DraftContext | None = None) -> list[Alert]:
        """The alerts alone, for callers that show no failed rule (tests, examples)."""
        return self.run(text, context).alerts

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
            replacements=finding.replacements or fixes(action, match),
            description=definition.description,
        )
