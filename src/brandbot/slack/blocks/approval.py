"""The approval card posted for each draft, and the same card once it is decided."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from brandbot.formats import format_for
from brandbot.slack.blocks.elements import button, context
from brandbot.slack.blocks.limits import HEADER_TEXT, MESSAGE_BLOCKS, literal, mrkdwn_escape, truncate
from brandbot.store.status import Action, DraftStatus
from brandbot.store.views import DraftView

APPROVE = "draft_approve"
CHANGES = "draft_changes"
EDIT = "draft_edit"
REJECT = "draft_reject"
DECISION_ACTIONS = (APPROVE, CHANGES, EDIT, REJECT)
RECEIPT = "receipt_open"
"""The Receipt button on an approved draft's decided card; its value is the request id."""
_LINK = re.compile(
    r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>"  # Slack's own <target|label>
    r"|\[([^\]\n]*)\]\(((?:https?|mailto):[^)\s]+)\)"  # Markdown [label](target)
    r"|((?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])"  # a bare address
)

Blocks = list[dict[str, Any]]


def slack_time(iso: str, fallback_format: str = "%Y-%m-%d %H:%M UTC") -> str:
    """Shown in each reader's own time zone; the fallback is for clients that can't."""
    moment = datetime.fromisoformat(iso)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{moment.strftime(fallback_format)}>"


def mention(user: str) -> str:
    return f"<@{user}>" if user[:1] in "UW" and user[1:].isalnum() else mrkdwn_escape(user)


def approval_card(view: DraftView) -> dict[str, Any]:
    """Who asked for what, the draft, its sources and checks, and the decision buttons."""
    assert view.draft_id is not None and view.expires_at is not None, "a card is for a draft"
    blocks = _body(view)
    blocks.append(
        {
            "type": "actions",
            "block_id": f"decide:{view.draft_id}",
            "elements": [
                button("Approve", APPROVE, view.draft_id, style="primary", confirm=_over_errors(view)),
                button("Request changes", CHANGES, view.draft_id),
                button("Edit", EDIT, view.draft_id),
                button("Reject", REJECT, view.draft_id, style="danger"),
            ],
        }
    )
    blocks.append(context(f"Draft `{view.draft_id}` · expires {slack_time(view.expires_at)}"))
    return {"text": f"Draft for review: {mrkdwn_escape(truncate(view.request, 150))}", "blocks": _fit(blocks)}


def decided_card(view: DraftView, superseded_by: dict[str, Any] | None = None) -> dict[str, Any]:
    """The card after its decision: buttons gone, who decided what and when in their place; an
    approved draft's card gets a Receipt button."""
    outcome = outcome_line(view)
    if superseded_by is not None:
        outcome += f"\nSuperseded by revision {superseded_by['revision']} (`{superseded_by['draft_id']}`)."
    blocks = [*_body(view), {"type": "section", "text": {"type": "mrkdwn", "text": outcome}}]
    if view.status == DraftStatus.approved:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"receipt:{view.draft_id}",
                "elements": [button("Receipt", RECEIPT, view.request_id)],
            }
        )
    return {"text": outcome.split("\n")[0], "blocks": _fit(blocks)}


def outcome_line(view: DraftView) -> str:
    decision, status = view.decision, view.status
    if status == DraftStatus.expired or (decision and decision.action == Action.expire):
        return f":hourglass: Expired {slack_time(decision.at) if decision else ''} without a decision."
    who = mention(decision.actor if decision else "?")
    when = slack_time(decision.at) if decision else ""
    note = f": “{mrkdwn_escape(decision.note)}”" if decision and decision.note else ""
    if status == DraftStatus.approved:
        edited = " with edits" if decision and decision.action == Action.edit else ""
        return f":white_check_mark: Approved{edited} by {who} at {when}"
    if status == DraftStatus.changes_requested and decision and decision.actor == view.requester:
        return f":repeat: {who}, who asked for it, followed up in the thread at {when}{note}"
    if status == DraftStatus.changes_requested:
        return f":repeat: Changes requested by {who} at {when}{note}"
    if status == DraftStatus.rejected:
        return f":x: Rejected by {who} at {when}{note}"
    if status == DraftStatus.withdrawn:
        return f":leftwards_arrow_with_hook: Withdrawn by {who} at {when}: they wanted an answer, not a draft"
    return f"Status: {status.replace('_', ' ')}"


def _body(view: DraftView) -> Blocks:
    brief = view.brief or {}
    label = format_for(brief.get("format", "")).label
    blocks: Blocks = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate(f"Draft for review · {label} · revision {view.revision}", HEADER_TEXT),
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": truncate(f"{mention(view.requester)} asked: _{mrkdwn_escape(view.request)}_", 3000),
            },
        },
        {"type": "divider"},
    ]
    blocks += literal(view.text or "")
    links = _links(view.text or "")
    if links:
        blocks.append(context(links))
    blocks.append({"type": "divider"})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(_sources(view.sources), 3000)}})
    blocks.append(context(_checks(view.checks)))
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(_rules(view), 3000)}})
    return blocks


def _links(text: str) -> str:
    """Every link in the draft with its real target, as inert code: a label that reads as one
    address while the link goes to another is the spoof an approver must see."""
    shown: list[str] = []
    for found in _LINK.finditer(text):
        target = found[1] or found[4] or found[5]
        label = (found[2] if found[1] else found[3]) or ""
        entry = f"`{_code(target)}`"
        if label and label != target:
            entry += f" (shown as “{mrkdwn_escape(label)}”)"
        if entry not in shown:
            shown.append(entry)
    return f":link: Links in this draft go to: {' · '.join(shown)}" if shown else ""


def _code(text: str) -> str:
    return mrkdwn_escape(text.replace("`", "'"))


def _sources(sources: list[dict[str, Any]]) -> str:
    if not sources:
        return "*Sources:* none found, so the draft follows no guideline passage."
    lines = ["*Sources*"]
    for source in sources:
        place = " > ".join(part for part in (source.get("title"), source.get("section")) if part)
        page = f", p. {source['page']}" if source.get("page") else ""
        lines.append(f"• {mrkdwn_escape(place)} · v`{str(source.get('version', ''))[:8]}`{page}")
    return "\n".join(lines)


LEVEL_ICON = {"error": ":red_circle:", "warning": ":large_orange_circle:", "suggestion": ":large_blue_circle:"}


def _rules(view: DraftView) -> str:
    """The compliance summary, what was fixed automatically, then each remaining hit."""
    counts = view.compliance
    lines = [
        f"*Brand rules:* {counts.errors} errors, {counts.warnings} warnings, "
        f"{counts.suggestions} suggestions · {view.auto_revisions} automatic revision(s)"
    ]
    if view.fixes:
        fixed = ", ".join(f"{mrkdwn_escape(fix['from'])} → {mrkdwn_escape(fix['to'])}" for fix in view.fixes)
        lines.append(f":wrench: Fixed automatically: {fixed}")
    for alert in view.alerts[:15]:
        link = alert.get("link") or ""
        safe = link.startswith(("https://", "http://")) and not any(char in link for char in "<>| ")
        rule = f"<{link}|{mrkdwn_escape(alert['check'])}>" if safe else f"`{_code(alert['check'])}`"
        match = f" · “{mrkdwn_escape(alert['match'])}”" if alert.get("match") else ""
        lines.append(f"{LEVEL_ICON.get(alert['level'], '•')} {mrkdwn_escape(alert['message'])}{match} · {rule}")
    if len(view.alerts) > 15:
        lines.append(f"…and {len(view.alerts) - 15} more (`brandbot review show {view.draft_id}`)")
    return "\n".join(lines)


def _checks(checks: list[dict[str, Any]]) -> str:
    """Failed checks, or that all passed; then the notes (`info`), such as the examples used."""
    failed = [check for check in checks if not check["passed"]]
    notes = "".join(f"\n{mrkdwn_escape(c['message'])}" for c in checks if c["passed"] and c["level"] == "info")
    if not failed:
        return f":white_check_mark: All {len(checks)} checks passed{notes}"
    warnings = "  ".join(
        f":warning: *{mrkdwn_escape(check['name'])}*: {mrkdwn_escape(check['message'])}" for check in failed
    )
    return warnings + notes


def _over_errors(view: DraftView) -> dict[str, Any] | None:
    """Slack's own confirmation dialog: approving over broken error-level rules is deliberate."""
    errors = view.compliance.errors
    if not errors:
        return None
    return {
        "title": {"type": "plain_text", "text": "Approve with errors?"},
        "text": {
            "type": "mrkdwn",
            "text": f"This draft still breaks {errors} error-level brand rule(s). Approve it anyway?",
        },
        "confirm": {"type": "plain_text", "text": "Approve anyway"},
        "deny": {"type": "plain_text", "text": "Go back"},
        "style": "danger",
    }


def _fit(blocks: Blocks) -> Blocks:
    """Over Slack's 50 blocks, the draft's tail gives way to a note; buttons and sources stay."""
    if len(blocks) <= MESSAGE_BLOCKS:
        return blocks
    keep_tail = 4
    head = blocks[: MESSAGE_BLOCKS - keep_tail - 1]
    note = context(":scissors: The draft is too long to show whole here; see it with `brandbot review show`.")
    return [*head, note, *blocks[-keep_tail:]]
