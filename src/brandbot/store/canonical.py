"""One byte form for the values brandbot hashes (audit entries, receipts, prompts): sorted keys,
no spaces, UTF-8, times in UTC to the microsecond. A value hashes the same whichever process or
database wrote it, so a hash recomputed later tells whether the record changed."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical(value: Any) -> bytes:
    """JSON with nothing left to chance: key order, separators, escapes; NaN is refused."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def digest(value: Any) -> str:
    """sha256 of the canonical form, hex."""
    return hashlib.sha256(canonical(value)).hexdigest()


def text_digest(text: str) -> str:
    """sha256 of the text's UTF-8 bytes, hex: what anyone can recompute from a copy of the text."""
    return hashlib.sha256(text.encode()).hexdigest()


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, the precision both SQLite and PostgreSQL keep."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def as_stored(value: Any) -> Any:
    """The value as a JSON column gives it back (tuples as lists, enums as their values), so the
    hash taken before the write equals the one recomputed from the row."""
    return json.loads(canonical(value))
