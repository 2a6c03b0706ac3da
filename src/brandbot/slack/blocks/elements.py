"""The Block Kit elements several messages use, built one way."""

from __future__ import annotations

from typing import Any

from brandbot.slack.blocks.limits import SECTION_TEXT, truncate


def context(text: str) -> dict[str, Any]:
    """A line of small print (mrkdwn: escape what it quotes)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}]}


def button(
    text: str, action_id: str, value: str, style: str | None = None, confirm: dict[str, Any] | None = None
) -> dict[str, Any]:
    made: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        made["style"] = style
    if confirm:
        made["confirm"] = confirm
    return made
