"""Modals an approver fills in: feedback for changes, a reason for rejection, the edited draft."""

from __future__ import annotations

from typing import Any

from brandbot.slack.blocks.limits import INPUT_VALUE, split_text

CHANGES_MODAL = "draft_changes_modal"
REJECT_MODAL = "draft_reject_modal"
EDIT_MODAL = "draft_edit_modal"
VALUE = "value"


def changes_modal(draft_id: str) -> dict[str, Any]:
    return _modal(
        CHANGES_MODAL,
        draft_id,
        "Request changes",
        "Send back",
        [_input("feedback", "What should change?", "e.g. shorter, and mention the free trial")],
    )


def reject_modal(draft_id: str) -> dict[str, Any]:
    return _modal(
        REJECT_MODAL,
        draft_id,
        "Reject draft",
        "Reject",
        [_input("reason", "Why? The requester will see this.", "e.g. we don't announce this until March")],
    )


def edit_modal(draft_id: str, text: str) -> dict[str, Any]:
    """What the approver saves is what gets approved; a long draft is split over several boxes."""
    parts = split_text(text, INPUT_VALUE)
    inputs = [
        _input(f"part_{index}", "Draft" if len(parts) == 1 else f"Draft, part {index + 1} of {len(parts)}", None, part)
        for index, part in enumerate(parts)
    ]
    return _modal(EDIT_MODAL, draft_id, "Edit and approve", "Approve edit", inputs)


def edited_text(state_values: dict[str, Any]) -> str:
    """The edited draft from an edit modal's submission, parts in order."""
    parts = sorted((key for key in state_values if key.startswith("part_")), key=lambda key: int(key.split("_")[1]))
    return "\n\n".join((state_values[key][VALUE].get("value") or "").strip() for key in parts).strip()


def submitted(state_values: dict[str, Any], block_id: str) -> str:
    return (state_values.get(block_id, {}).get(VALUE, {}).get("value") or "").strip()


def _modal(callback_id: str, draft_id: str, title: str, submit: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": draft_id,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _input(block_id: str, label: str, placeholder: str | None, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "multiline": True,
        "max_length": INPUT_VALUE,
    }
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder}
    if initial:
        element["initial_value"] = initial
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label}, "element": element}
