"""What brandbot made of a message, said in the thread with a button to correct it: "Draft it
instead" when it was taken as a question or a check, "Just answer" on a draft's progress message."""

from __future__ import annotations

from typing import Any

from brandbot.slack.blocks.elements import button
from brandbot.slack.blocks.limits import SECTION_TEXT, truncate

DRAFT_INSTEAD = "intake_draft_instead"
JUST_ANSWER = "intake_just_answer"

ROUTED = {
    "question": (
        ":speech_balloon: That reads as a question about our brand guidelines, so I'll answer it here; "
        "nothing goes to an approver."
    ),
    "check": ":mag: I'll check your text against our brand rules and guidelines here; nothing goes to an approver.",
}
GAVE_UP = (
    ":warning: Something went wrong on my side while reading your message, and I gave up on it. Please send it again."
)


def routed(intent: str, intake_key: str) -> dict[str, Any]:
    """The reply to a message taken as a question or a check."""
    return _with_button(ROUTED[intent], "Draft it instead", DRAFT_INSTEAD, intake_key)


def with_just_answer(text: str, request_id: str) -> dict[str, Any]:
    """A draft's progress message, with the way out for someone who only had a question."""
    return _with_button(text, "Just answer", JUST_ANSWER, request_id)


def _with_button(text: str, label: str, action_id: str, value: str) -> dict[str, Any]:
    return {
        "text": text,
        "blocks": [
            _section(text),
            {"type": "actions", "block_id": "intake_correction", "elements": [button(label, action_id, value)]},
        ],
    }


def answering_instead() -> str:
    return ":speech_balloon: I've withdrawn the draft request; I'll answer your question here instead."


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}}
