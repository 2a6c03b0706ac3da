"""The one error a bad styles directory raises: a single line naming the file, the key and why."""

from __future__ import annotations


class RuleLoadError(Exception):
    """Raised while loading, never while checking: a styles directory loads whole or not at all."""

    @classmethod
    def at(cls, where: str, key: str, reason: str) -> RuleLoadError:
        return cls(f"{where}: key '{key}': {reason}")
