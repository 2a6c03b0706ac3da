"""Messages to the person asking, and the /brandbot help and guideline list."""

from __future__ import annotations

from typing import Any

from brandbot.guidelines.knowledge_base import IngestResult
from brandbot.slack.blocks.elements import button, context
from brandbot.slack.blocks.limits import SECTION_TEXT, exact_pieces, literal, mrkdwn_escape, truncate
from brandbot.store.models import Document, QuarantinedChunk

RETRY = "request_retry"
REMOVE_GUIDELINE = "guideline_remove"
RELEASE_HELD = "held_release"
DISCARD_HELD = "held_discard"

HELP = (
    "*Ask me for an on-brand draft* and I'll write it from our brand guidelines and send it to an approver.\n"
    "*Ask me about the guidelines* (`can I say cheap about our prices?`) and I'll answer with the passages.\n"
    "*Paste a text* (`is this on-brand? ...`, `rewrite this on-brand: ...`) and I'll check or rewrite it.\n"
    "• Mention me in a channel: `@brandbot a LinkedIn post announcing Tidewell Restore`\n"
    "• Send me a direct message, or open me in Slack's assistant panel\n"
    "• `/brandbot <message>` anywhere, `/brandbot help` for this message\n"
    "• `/brandbot check <text>` (or `check linkedin_post: <text>`, naming a format) or the message shortcut "
    "*Check against brand* checks a text you wrote against the brand rules; the answer comes in a DM\n"
    "• `/brandbot ask <question>` answers a question about the brand guidelines, citing them\n"
    "• `/brandbot guidelines` lists the guideline documents drafts are built from\n"
    "• `/brandbot quarantine` (admins) shows guideline passages held for review, to release or discard\n"
    "• `/brandbot proposals` (admins) shows brand rules learned from reviewers' edits, to adopt or dismiss\n"
    "Admins add or replace a guideline by sending me the file (.md, .txt, .html, .pdf, .docx) in a direct message,\n"
    "and brand rules the same way (a Vale rule .yml, or a zipped style folder)."
)
RESUMED = ":arrows_counterclockwise: I was interrupted while working on this; picking it up again now."
COMMAND_RECEIVED = (
    ":pencil2: On it. I'll reply in our direct messages: an answer, a check of your text, "
    "or a draft that goes for approval."
)
FOLLOW_UP_TOO_EARLY = (
    ":hourglass_flowing_sand: I'm still working on this request, so I can't use your note yet. "
    "Reply here again once the draft is waiting for review and I'll write the next version from it."
)
EMPTY_QUESTION = "What would you like to know? For example: `/brandbot ask can I say cheap about our prices?`"
ASKED = ":mag: Looking it up in the brand guidelines; I'll answer in our direct messages."
EMPTY_REQUEST = "What should I draft? For example: `a short LinkedIn post announcing Tidewell Restore`."


def queued(ahead: int) -> str:
    if ahead == 0:
        return ":hourglass_flowing_sand: Queued: yours is next. Drafting starts as soon as the language model has room."
    drafts = "draft" if ahead == 1 else "drafts"
    return (
        f":hourglass_flowing_sand: Queued, {ahead} {drafts} ahead of you. "
        "Drafting starts as soon as the language model has room."
    )


def progress(event: dict[str, Any]) -> str:
    if event.get("stage") == "drafting":
        passages = event.get("passages", 0)
        revision = event.get("revision", 1)
        what = "Drafting" if revision == 1 else f"Drafting revision {revision}"
        return f":pencil2: {what} with {passages} guideline passage{'s' if passages != 1 else ''}..."
    if event.get("stage") == "retrieved":
        return f":mag: Found {event.get('passages', 0)} guideline passages..."
    return ":hourglass_flowing_sand: Working on it..."


def sent_for_approval(permalink: str | None, draft_id: str) -> str:
    where = f"<{permalink}|the approval channel>" if permalink else "the approval channel"
    return (
        f":inbox_tray: Your draft (`{draft_id}`) is waiting for an approver in {where}. "
        "I'll tell you here when it's decided."
    )


def failed(error: str, request_id: str) -> dict[str, Any]:
    text = f":warning: {mrkdwn_escape(error)} Your request is saved (`{request_id}`)."
    return {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Try again"},
                        "action_id": RETRY,
                        "value": request_id,
                    }
                ],
            },
        ],
    }


def refused(why: str) -> str:
    return f":no_entry: {mrkdwn_escape(why)}"


def approved(outcome: str) -> str:
    return f"{outcome}. Here is the final text, ready to copy:"


FINAL_TEXT_MESSAGE = 10 * SECTION_TEXT
"""Characters of the approved text per message: at most 20 blocks, within Slack's 50."""


def final_text(text: str) -> list[dict[str, Any]]:
    """The approved text alone in its message(s), so that copying it takes nothing else along,
    exactly as the approver saw it: inert blocks whose text joins back to the approved text
    character for character, and a notification text with Slack's control characters escaped."""
    return [
        {"text": mrkdwn_escape(truncate(part, SECTION_TEXT)), "blocks": literal(part)}
        for part in exact_pieces(text, FINAL_TEXT_MESSAGE)
    ]


def closed(outcome: str) -> str:
    return f"{outcome}\nAsk me again any time with a new request."


def revision_started(outcome: str) -> str:
    return f"{outcome}\nI'm writing a new version with that feedback."


def held_passages(held: list[QuarantinedChunk]) -> list[dict[str, Any]]:
    """For admins: each passage held at ingest, shown exactly as written (inert), with why it was
    held and the two decisions."""
    if not held:
        return [{"type": "section", "text": {"type": "mrkdwn", "text": "No guideline passages are held for review."}}]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{len(held)} passage(s) held for review*"}}
    ]
    for row in held[:10]:
        why = "; ".join(row.reasons)
        blocks.append(context(f"`{mrkdwn_escape(row.doc_id)}` · {why}"))
        blocks += literal(truncate(row.text, 1000))
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    button("Release", RELEASE_HELD, row.id, "primary"),
                    button("Discard", DISCARD_HELD, row.id, "danger"),
                ],
            }
        )
    if len(held) > 10:
        blocks.append(context(f"…and {len(held) - 10} more: `brandbot guidelines quarantine`"))
    return blocks


def guideline_list(documents: list[Document], is_admin: bool) -> list[dict[str, Any]]:
    if not documents:
        return [{"type": "section", "text": {"type": "mrkdwn", "text": "No guideline documents yet."}}]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{len(documents)} guideline documents*"}}
    ]
    for document in documents[:45]:
        section: dict[str, Any] = {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{mrkdwn_escape(document.title)}*\n`{document.doc_id}` · v`{document.version[:8]}` · "
                f"{document.chunk_count} chunks",
            },
        }
        if is_admin:
            section["accessory"] = {
                "type": "button",
                "text": {"type": "plain_text", "text": "Remove"},
                "action_id": REMOVE_GUIDELINE,
                "value": document.doc_id,
                "style": "danger",
                "confirm": {
                    "title": {"type": "plain_text", "text": "Remove this guideline?"},
                    "text": {"type": "plain_text", "text": truncate(f"Drafts will stop citing {document.title}.", 300)},
                    "confirm": {"type": "plain_text", "text": "Remove"},
                    "deny": {"type": "plain_text", "text": "Keep"},
                },
            }
        blocks.append(section)
    return blocks


def ingest_report(results: list[IngestResult]) -> str:
    lines = []
    for result in results:
        if result.outcome == "failed":
            lines.append(f":x: *{mrkdwn_escape(result.source)}*: {mrkdwn_escape(result.reason or 'failed')}")
        elif result.outcome == "unchanged":
            lines.append(
                f":white_circle: *{mrkdwn_escape(result.source)}* is unchanged (v`{(result.version or '')[:8]}`)"
            )
        else:
            lines.append(
                f":white_check_mark: *{mrkdwn_escape(result.title or result.source)}* {result.outcome}: "
                f"`{result.doc_id}`, v`{(result.version or '')[:8]}`, {result.chunks} chunks"
            )
    return "\n".join(lines)
