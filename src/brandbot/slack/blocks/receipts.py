"""The receipt of an approved text, as a modal opened from its decided card: what it was drafted
from, the rules and model it was made with, who asked and who approved, and its hashes.

Everything in it that people or models wrote (the request, titles, sections, rule output) is
escaped, so a receipt shows text and never pings or links anything."""

from __future__ import annotations

from typing import Any

from brandbot.slack.blocks.approval import mention, slack_time
from brandbot.slack.blocks.elements import context
from brandbot.slack.blocks.limits import SECTION_TEXT, mrkdwn_escape, truncate
from brandbot.store.receipts import Found, Receipt
from brandbot.store.views import compliance

REQUEST_SHOWN = 1000
"""Characters of the request shown; the receipt's hash covers all of it."""


def receipt_modal(found: Found) -> dict[str, Any]:
    receipt = found.receipt
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Receipt"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            _section(_asked(receipt)),
            _section(_approved(receipt)),
            _section(_passages(receipt)),
            _section(_rules(receipt)),
            _section(_generation(receipt)),
            _section(_hashes(receipt)),
            context(_seal(found)),
        ],
    }


def _asked(receipt: Receipt) -> str:
    request = receipt.request
    text = mrkdwn_escape(truncate(request.text, REQUEST_SHOWN))
    return (
        f"*Request* {_code(request.id)} · asked by {mention(request.requester)} {slack_time(request.asked_at)}\n"
        f"_{text}_"
    )


def _approved(receipt: Receipt) -> str:
    decision, draft = receipt.decision, receipt.draft
    edited = " with edits" if decision.action == "edit" else ""
    return (
        f"*Approved*{edited} by {mention(decision.approver)} {slack_time(decision.decided_at)} · "
        f"draft {_code(draft.id)}, revision {draft.revision}, drafted {slack_time(draft.drafted_at)}"
    )


def _passages(receipt: Receipt) -> str:
    if not receipt.passages:
        return "*Drafted from* no guideline passage."
    lines = ["*Drafted from*"]
    for passage in receipt.passages:
        place = " > ".join(part for part in (passage.title or passage.doc_id, passage.section) if part)
        page = f", p. {passage.page}" if passage.page else ""
        lines.append(f"• {mrkdwn_escape(place)} · version {_code((passage.version or '')[:12])}{page}")
    return "\n".join(lines)


def _rules(receipt: Receipt) -> str:
    rules = receipt.rules
    counts = compliance(rules.alerts)
    version = f"version {rules.version} ({_code((rules.digest or '')[:12])})" if rules.version else "none installed"
    passed = sum(1 for check in rules.checks if check["passed"])
    lines = [
        f"*Brand rules* {version} · {counts.errors} errors, {counts.warnings} warnings, "
        f"{counts.suggestions} suggestions · {rules.auto_revisions} automatic revision(s)",
        f"Checks: {passed} of {len(rules.checks)} passed"
        + "".join(
            f" · {mrkdwn_escape(check['name'])}: {check['level']}" for check in rules.checks if not check["passed"]
        ),
    ]
    if rules.fixes:
        fixed = ", ".join(f"{mrkdwn_escape(fix['from'])} → {mrkdwn_escape(fix['to'])}" for fix in rules.fixes)
        lines.append(f"Fixed automatically: {fixed}")
    return "\n".join(lines)


def _generation(receipt: Receipt) -> str:
    generation = receipt.generation
    sampling = " · ".join(f"{mrkdwn_escape(key)} {value}" for key, value in sorted(generation.sampling.items()))
    examples = ", ".join(_code(request_id) for request_id in generation.examples) or "none"
    return (
        f"*Model* {_code(generation.model)} · {sampling or 'sampling not recorded'}\n"
        f"Prompt sha256 {_code(generation.prompt_sha256 or 'not recorded')}\n"
        f"Approved texts shown as examples: {examples}"
    )


def _hashes(receipt: Receipt) -> str:
    return (
        f"*sha256* of the draft {_code(receipt.draft.text_sha256)}\n"
        f"of the final text {_code(receipt.final_text_sha256)}\n"
        f"of this receipt {_code(receipt.sha256())}"
    )


def _seal(found: Found) -> str:
    if found.predates_receipts:
        return "Approved before receipts existed: nothing was sealed to check this against."
    changes = found.changes()
    if found.sealed is None:
        return f":warning: Not sealed: {mrkdwn_escape('; '.join(changes))}."
    if changes:
        return f":warning: Changed since approval: {mrkdwn_escape('; '.join(changes))}."
    return f":lock: Matches the seal in audit entry {found.sealed.entry_id} (`brandbot audit verify` checks them all)."


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}}


def _code(text: str) -> str:
    quoted = mrkdwn_escape(text.replace("`", "'"))
    return f"`{quoted}`"
