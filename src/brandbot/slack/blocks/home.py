"""App Home: a person's own recent requests; approvers also see the queue of pending drafts."""

from __future__ import annotations

from typing import Any

from brandbot.slack.blocks.limits import mrkdwn_escape, truncate
from brandbot.store.status import RequestStatus
from brandbot.store.views import DraftView

STATUS_EMOJI: dict[str, str] = {
    RequestStatus.awaiting_review: ":hourglass_flowing_sand:",
    RequestStatus.approved: ":white_check_mark:",
    RequestStatus.rejected: ":x:",
    RequestStatus.expired: ":hourglass:",
    RequestStatus.failed: ":warning:",
    RequestStatus.refused: ":no_entry:",
    RequestStatus.drafting: ":pencil2:",
    RequestStatus.received: ":inbox_tray:",
}


def home_view(my_requests: list[DraftView], queue: list[tuple[DraftView, str | None]] | None) -> dict[str, Any]:
    """`queue` is None for people who don't approve; each entry is (draft view, permalink)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your requests"}},
    ]
    if not my_requests:
        blocks.append(_text("Nothing yet. Mention me or send me a message with what you need drafted."))
    for view in my_requests[:15]:
        status = view.request_status
        blocks.append(
            _text(
                f"{STATUS_EMOJI.get(status, '•')} *{status.replace('_', ' ')}* · "
                f"{mrkdwn_escape(truncate(view.request, 140))} · `{view.request_id}`"
            )
        )
    if queue is not None:
        blocks.append({"type": "divider"})
        blocks.append(
            {"type": "header", "text": {"type": "plain_text", "text": f"Awaiting your review ({len(queue)})"}}
        )
        if not queue:
            blocks.append(_text("No drafts are waiting. :tada:"))
        for view, permalink in queue[:30]:
            link = f"<{permalink}|open>" if permalink else f"`{view.draft_id}`"
            blocks.append(_text(f"• {mrkdwn_escape(truncate(view.request, 140))} · revision {view.revision} · {link}"))
    return {"type": "home", "blocks": blocks[:100]}


def _text(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
