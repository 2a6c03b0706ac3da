"""The re-check digest: each approved text that no longer holds, what changed, and a Request
revision button. A pure builder; every quoted text is escaped and cut to Slack's limits."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from brandbot.slack.blocks.elements import button, context
from brandbot.slack.blocks.limits import MESSAGE_BLOCKS, SECTION_TEXT, mrkdwn_escape, truncate
from brandbot.store.rechecks import FindingKind, Recheck, RecheckFinding

REQUEST_REVISION = "recheck_request_revision"
QUOTE = 600
"""Characters of a passage's old or new wording shown in the digest."""
BLOCKS_PER_TEXT = 3
HOME_TEXTS = 5
HOME_HEADER = "Approved texts that no longer hold"
"""Texts shown in App Home, which shares its 100 blocks with the queue and the report."""


def revision_value(recheck_id: int, request_id: str) -> str:
    return f"{recheck_id}:{request_id}"


def parse_revision_value(value: str) -> tuple[int, str]:
    recheck_id, request_id = value.split(":", 1)
    return int(recheck_id), request_id


def digest(recheck: Recheck, findings: list[RecheckFinding], texts: dict[str, str]) -> dict[str, Any]:
    """`texts`: request id -> what was asked, for each text with findings."""
    by_text = _by_text(findings)
    summary = (
        f"{len(by_text)} approved text(s) no longer hold after {_cause(recheck.cause)} ({recheck.checked} re-checked)."
    )
    blocks = [_section(f":mag: *Re-check:* {mrkdwn_escape(summary)}")]
    blocks += _texts(recheck, by_text, texts, (MESSAGE_BLOCKS - 2) // BLOCKS_PER_TEXT)
    return {"text": summary, "blocks": blocks}


def home_blocks(recheck: Recheck, findings: list[RecheckFinding], texts: dict[str, str]) -> list[dict[str, Any]]:
    """App Home's part: the latest re-check's texts that nobody has asked to revise yet."""
    by_text = _by_text(findings)
    finished = f"{recheck.finished_at:%Y-%m-%d %H:%M} UTC" if recheck.finished_at else "just now"
    return [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": f"{HOME_HEADER} ({len(by_text)})"}},
        context(f"Re-checked after {_cause(recheck.cause)}, {finished}. Request a revision to clear one."),
        *_texts(recheck, by_text, texts, HOME_TEXTS),
    ]


def _by_text(findings: list[RecheckFinding]) -> dict[str, list[RecheckFinding]]:
    by_text: dict[str, list[RecheckFinding]] = defaultdict(list)
    for finding in findings:
        by_text[finding.request_id].append(finding)
    return by_text


def _texts(
    recheck: Recheck, by_text: dict[str, list[RecheckFinding]], texts: dict[str, str], room: int
) -> list[dict[str, Any]]:
    """Each text's findings and its Request revision button, at most `room` texts."""
    blocks: list[dict[str, Any]] = []
    for request_id, found in list(by_text.items())[:room]:
        asked = mrkdwn_escape(truncate(texts.get(request_id, ""), 140))
        lines = [f"*{asked}* · `{mrkdwn_escape(request_id)}`", *(finding_line(f) for f in found)]
        blocks.append({"type": "divider"})
        blocks.append(_section(truncate("\n".join(lines), SECTION_TEXT)))
        blocks.append(
            {
                "type": "actions",
                "elements": [button("Request revision", REQUEST_REVISION, revision_value(recheck.id, request_id))],
            }
        )
    if len(by_text) > room:
        blocks.append(context(f"and {len(by_text) - room} more: `brandbot audit recheck`"))
    return blocks


def finding_line(finding: RecheckFinding) -> str:
    detail = finding.detail
    if finding.kind == FindingKind.rule:
        return (
            f"• Rule *{mrkdwn_escape(detail['check'])}* now fires on "
            f"“{mrkdwn_escape(truncate(detail['match'], 100))}”: {mrkdwn_escape(truncate(detail['message'], 200))}"
        )
    where = mrkdwn_escape(" > ".join(part for part in (detail["source"], detail["section"]) if part))
    old = _quote(detail.get("old_text"))
    if finding.kind == FindingKind.passage_removed:
        return f"• Passage *{where}* was removed.\n   was: {old}"
    return f"• Passage *{where}* changed.\n   was: {old}\n   now: {_quote(detail.get('new_text'))}"


def _quote(text: str | None) -> str:
    if not text:
        return "_(wording not recorded)_"
    return f"“{mrkdwn_escape(truncate(' '.join(text.split()), QUOTE))}”"


def _cause(cause: str) -> str:
    kind = cause.split(":", 1)[0]
    return {"rules": "a brand rules change", "guidelines": "a guideline change"}.get(kind, "a manual re-check")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
