"""Rule proposals for admins (`/brandbot proposals`): what reviewers keep changing, how often the
rule would have fired on past texts with a few examples, and Adopt / Dismiss.

Phrases are reviewers' words and examples are drafts' text: phrases are escaped, examples shown
in rich text, so neither pings nor links anything."""

from __future__ import annotations

from typing import Any

from brandbot.rulebook.backtest import BackTest
from brandbot.rulebook.learning import Kind
from brandbot.rulebook.proposals import Proposal
from brandbot.slack.blocks.elements import button, context
from brandbot.slack.blocks.limits import SECTION_TEXT, literal, mrkdwn_escape, truncate

ADOPT = "proposal_adopt"
DISMISS = "proposal_dismiss"
SHOWN = 10
"""Proposals in one message: each takes four blocks of Slack's fifty."""
NOTHING = (
    "No rule proposals: no wording change shows up in enough reviewers' edits and change requests "
    "that the brand rules don't already cover."
)


def proposal_list(proposals: list[Proposal], note: str | None = None) -> list[dict[str, Any]]:
    """`note` (what the last click did) comes first."""
    blocks = [_section(note)] if note else []
    if not proposals:
        return [*blocks, _section(NOTHING)]
    blocks.append(_section(f"*{_count(len(proposals), 'rule proposal')} from reviewers' edits and change requests*"))
    for proposal in proposals[:SHOWN]:
        blocks.append(_section(f"*{_what(proposal)}*\n{_evidence(proposal)}"))
        blocks.append(context(_backtest(proposal.backtest)))
        if proposal.backtest.examples:
            blocks += literal(truncate(_examples(proposal.backtest), SECTION_TEXT))
        blocks.append({"type": "actions", "elements": _buttons(proposal)})
    if len(proposals) > SHOWN:
        blocks.append(context(f"…and {len(proposals) - SHOWN} more: `brandbot rules proposals`"))
    return blocks


def _what(proposal: Proposal) -> str:
    change = proposal.change
    if change.kind is Kind.substitution:
        return f"Replace `{mrkdwn_escape(change.phrase)}` with `{mrkdwn_escape(change.replacement)}`"
    return f"Flag `{mrkdwn_escape(change.phrase)}`"


def _evidence(proposal: Proposal) -> str:
    """How many people made the change, then in how many decisions: "2 reviewers made this change in 3 edits"."""
    parts = [_count(proposal.edits, "edit"), _count(proposal.change_requests, "change request")]
    made = " and ".join(part for part in parts if not part.startswith("0 "))
    return f"{_count(proposal.reviewers, 'reviewer')} made this change in {made}."


def _backtest(tested: BackTest) -> str:
    return (
        f"Back-test: would have fired on {tested.approved_fired} of {_count(tested.approved_checked, 'approved text')} "
        f"and {tested.drafts_fired} of {_count(tested.drafts_checked, 'draft')}."
    )


def _examples(tested: BackTest) -> str:
    return "\n".join(
        f"{'approved' if example.approved else 'draft'} {example.ref}: {example.excerpt}" for example in tested.examples
    )


def _buttons(proposal: Proposal) -> list[dict[str, Any]]:
    phrase = proposal.change.phrase
    confirm = {
        "title": {"type": "plain_text", "text": "Adopt this rule?"},
        "text": {
            "type": "plain_text",
            "text": truncate(f'It joins the brand\'s rules: every new draft is checked for "{phrase}".', 300),
        },
        "confirm": {"type": "plain_text", "text": "Adopt"},
        "deny": {"type": "plain_text", "text": "Not yet"},
    }
    value = str(proposal.id)
    return [button("Adopt", ADOPT, value, "primary", confirm), button("Dismiss", DISMISS, value, "danger")]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
