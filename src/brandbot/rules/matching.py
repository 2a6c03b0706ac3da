"""Vale's regex flavour, under a time limit.

Vale compiles rules with regexp2, a .NET-compatible engine: inline flags anywhere in a pattern
(scoped to the end of their group), look-behind of any width, atomic groups. The `regex`
package in its version-1 mode has the same features. Every search here runs against the
deadline of the rule being checked (`time_limit`), so a pattern that backtracks without end
fails its rule instead of holding the GIL and freezing the process; the engine releases the
GIL while it matches.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import regex

error = regex.error
Match = regex.Match
IGNORECASE = regex.IGNORECASE
VERBOSE = regex.VERBOSE
_FLAVOUR = regex.V1

_deadline: ContextVar[float | None] = ContextVar("rule_deadline", default=None)


class RuleTimeout(Exception):
    """A rule ran past its time limit on one text."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Every search inside shares one deadline; None means no limit."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _remaining() -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise RuleTimeout
    return left


class Pattern:
    """A compiled pattern whose every call runs under the current rule's deadline."""

    __slots__ = ("compiled",)

    def __init__(self, compiled: regex.Pattern[str]) -> None:
        self.compiled = compiled

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def groups(self) -> int:
        return self.compiled.groups

    @property
    def flags(self) -> int:
        return self.compiled.flags

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        return self._call(self.compiled.search, text, pos, endpos)

    def fullmatch(self, text: str) -> regex.Match[str] | None:
        return self._call(self.compiled.fullmatch, text, 0, None)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        """Matches left to right; no search for the next one may outlast the time the rule has
        left, and the deadline is checked again between matches."""
        end = len(text) if endpos is None else endpos
        matches = self.compiled.finditer(text, pos, end, timeout=_remaining(), concurrent=True)
        try:
            for found in matches:
                yield found
                _remaining()
        except TimeoutError:
            raise RuleTimeout from None

    def findall(self, text: str) -> list[str]:
        return [found[0] for found in self.finditer(text)]

    def _call(self, method, text: str, pos: int, endpos: int | None):  # type: ignore[no-untyped-def]
        left = _remaining()
        try:
            if endpos is None:
                return method(text, pos, timeout=left, concurrent=True)
            return method(text, pos, endpos, timeout=left, concurrent=True)
        except TimeoutError:
            raise RuleTimeout from None


def compile(pattern: str, flags: int = 0) -> Pattern:
    return Pattern(regex.compile(pattern, flags | _FLAVOUR))
