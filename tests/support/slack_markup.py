"""What Slack would act on in a payload we send: the control sequences (mentions, broadcasts,
links) in the places Slack parses as mrkdwn. plain_text objects and rich_text text elements are
shown as written, so what they hold is inert."""

from __future__ import annotations

import re
from typing import Any

CONTROL = re.compile(r"<[^<>]*>")
INJECTION = (
    "Restore now: <https://evil.example.com/login|https://tidewell.com/restore> cc <!channel> "
    "<@UEVIL0001> <!subteam^S0EVIL01|@everyone> <#C0SECRET01>"
)
"""Everything an attacker would slip into a draft, an edit or a request: a link whose label
shows another address, a broadcast, a user and a group ping, a channel reference."""
INJECTED = ("<https://evil", "<!channel>", "<@UEVIL0001>", "<!subteam", "<#C0SECRET01>")


def parsed_texts(payload: Any) -> list[str]:
    """The texts Slack reads markup in: a message's top-level `text` (unless `mrkdwn` is false)
    and every mrkdwn text object."""
    found: list[str] = []
    if isinstance(payload, list):
        for item in payload:
            found += parsed_texts(item)
    elif isinstance(payload, dict):
        parsed = payload.get("type") == "mrkdwn" or ("type" not in payload and payload.get("mrkdwn", True))
        for key, value in payload.items():
            if key == "text" and isinstance(value, str) and parsed:
                found.append(value)
            elif isinstance(value, dict | list):
                found += parsed_texts(value)
    return found


def live_markup(payload: Any) -> list[str]:
    """Each control sequence Slack would turn into a mention or a link."""
    return [sequence for text in parsed_texts(payload) for sequence in CONTROL.findall(text)]


def injected(payload: Any) -> list[str]:
    return [sequence for sequence in live_markup(payload) if sequence.startswith(INJECTED)]


def literal_text(blocks: list[dict[str, Any]]) -> str:
    """The text of a message's rich_text blocks, as a reader copies it."""
    return "".join(
        element["text"]
        for block in blocks
        if block["type"] == "rich_text"
        for section in block["elements"]
        for element in section["elements"]
        if element["type"] == "text"
    )
