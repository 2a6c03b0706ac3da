"""The one error a bad styles directory raises: a single line naming the file, the key and why."""

from __future__ import annotations


class RuleLoadError(Exception):
    """Raised while loading, never while checking: a styles directory loads whole or not at all.
    Always one line: a line break quoted from a file is shown as `\\n`."""

    def __init__(self, message: str) -> None:
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))

    @classmethod
    def at(cls, where: str, key: str, reason: str) -> RuleLoadError:
        return cls(f"{where}: key '{key}': {reason}")
