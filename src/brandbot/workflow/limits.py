"""How long a message or a request may be, said one way for every entry (Slack, the CLI)."""

from __future__ import annotations


def too_long(text: str, limit: int, what: str) -> str | None:
    """Why `text` is refused for its length, naming `what` it is; None when it fits."""
    if len(text) <= limit:
        return None
    return f"The {what} is {len(text):,} characters long; the limit is {limit:,}."
