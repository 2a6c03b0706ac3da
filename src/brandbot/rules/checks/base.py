"""What every rule type shares: the common keys, what a check finds, and how a type is built."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from brandbot.rules.alert import Action, Level
from brandbot.rules.document import Document
from brandbot.rules.keys import Keys
from brandbot.rules.scope import Scope

COMMON_KEYS = frozenset({"extends", "message", "level", "scope", "link", "description", "action", "limit"})


@dataclass(frozen=True, slots=True)
class Definition:
    """The keys every rule has, whatever its type."""

    id: str
    extends: str
    message: str
    level: Level = Level.warning
    scope: Scope = field(default_factory=Scope)
    link: str = ""
    description: str = ""
    action: Action | None = None
    limit: int = 0
    """At most this many alerts per check (0: no limit)."""
    file: str = ""


class Finding(NamedTuple):
    """Where a check found a problem in the draft (character offsets) and what it says."""

    start: int
    end: int
    message: str
    replacements: tuple[str, ...] = ()


class Check(Protocol):
    @property
    def definition(self) -> Definition: ...

    def find(self, doc: Document) -> Iterator[Finding]: ...


@dataclass(frozen=True, slots=True)
class RuleSource:
    """What a rule type builds itself from: its file's keys, its definition, the accepted vocabulary."""

    keys: Keys
    definition: Definition
    accepted: tuple[str, ...] = ()


class CheckType(NamedTuple):
    keys: frozenset[str]
    """The type's own keys, besides the common ones."""
    build: Callable[[RuleSource], Check]
    scoped: bool = True
    """False for the types that always read the whole draft (readability, metric)."""
