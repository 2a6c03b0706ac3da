"""Ids in the shapes and lengths Slack sends them, unique within a test run: what the bot builds
from them (the keys that make a delivery count once, a button's value) meets its real sizes,
e.g. a trigger id of some 55 characters, not "t1"."""

from __future__ import annotations

import hashlib
import itertools

_serial = itertools.count(1)


def _tail(serial: int) -> str:
    """Ten characters, as in U07ABCDEF12: Slack's newer user, team and file ids."""
    return f"07{serial:08X}"


def user() -> str:
    return f"U{_tail(next(_serial))}"


def team() -> str:
    return f"T{_tail(next(_serial))}"


def enterprise() -> str:
    return f"E{_tail(next(_serial))}"


def file() -> str:
    return f"F{_tail(next(_serial))}"


def event() -> str:
    return f"Ev{_tail(next(_serial))}"


def view() -> str:
    return f"V{_tail(next(_serial))}"


def ts() -> str:
    """A message ts, as 1700000000.123456."""
    serial = next(_serial)
    return f"{1_700_000_000 + serial}.{serial % 1_000_000:06d}"


def trigger() -> str:
    """As 1234567890123.738474920.9f86d081884c7d659a2feaa0c55ad015."""
    serial = next(_serial)
    return f"{1_234_567_890_123 + serial}.738474920.{hashlib.sha256(str(serial).encode()).hexdigest()[:32]}"
