"""Slack's size limits, text fitted to them instead of being rejected by Slack, and text from
people and models made inert: nothing they write becomes a mention, a link or a command."""

from __future__ import annotations

from typing import Any

SECTION_TEXT = 3000
"""Characters in one section block's text."""
INPUT_VALUE = 3000
"""Characters in one plain_text_input."""
MESSAGE_BLOCKS = 50
HEADER_TEXT = 150


def split_text(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, then line, then word boundaries."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def truncate(text: str, limit: int, note: str = "…") -> str:
    return text if len(text) <= limit else text[: limit - len(note)].rstrip() + note


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn_unescape(text: str) -> str:
    """A message's or a command's text as the person typed it: Slack sends its three control
    characters escaped (mentions and links stay in their `<...>` form)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def exact_pieces(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Pieces of at most `limit` characters that join back to `text` exactly, each cut just
    after a paragraph break, a line break or a space when one falls in the second half."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n") + 2, window.rfind("\n") + 1, window.rfind(" ") + 1)
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


def literal(text: str) -> list[dict[str, Any]]:
    """Text shown exactly as written, in rich_text blocks: Slack reads no markup in their text
    elements (mentions, links and formatting are element types of their own), so the approver
    and the requester see the same characters, and copying gives them back unchanged."""
    return [
        {
            "type": "rich_text",
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": part or " "}]}],
        }
        for part in exact_pieces(text)
    ]
