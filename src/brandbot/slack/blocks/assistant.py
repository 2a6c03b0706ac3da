"""What Slack's assistant panel shows: the greeting, the suggested prompts and the thread's title."""

from __future__ import annotations

import re

from brandbot.slack.blocks.limits import truncate

GREETING = (
    "Hi! I write on-brand drafts from our brand guidelines and send them to an approver. "
    "Tell me what you need, or pick one of the suggestions."
)
PROMPTS_TITLE = "Try one of these:"
SUGGESTED_PROMPTS = [
    {
        "title": "Draft a LinkedIn post",
        "message": "Draft a short LinkedIn post for our customers announcing ",
    },
    {
        "title": "Check my text",
        "message": "Check this text against our brand guidelines: ",
    },
    {
        "title": "Ask about our guidelines",
        "message": "What do our brand guidelines say about ",
    },
]
"""Each prompt's message is what the person sends when they click it; they finish the sentence."""
TITLE_CHARS = 60
_LABELLED = re.compile(r"<(#?)[^|>]*\|([^>]*)>")
_MARKUP = re.compile(r"<[^>]*>|[*_~`]")


def title(text: str) -> str:
    """The thread's name in the panel's history: the first request, on one line, without markup
    (a channel or link shows its label, a mention nothing)."""
    plain = " ".join(_MARKUP.sub("", _LABELLED.sub(r"\1\2", text)).split())
    return truncate(plain, TITLE_CHARS) or "Brand request"
