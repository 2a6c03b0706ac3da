"""An answer to a guideline question: the answer (or, when the model could not put one in its own
words, the guidelines' closest line, said to be a quote), the passages it cites (document >
section, version, the quoted line) and Helpful / Not right buttons; or, when the guidelines don't cover
the question, a plain "not covered" with a button to forward it to an admin. A pure builder;
every quoted text is escaped and cut to Slack's limits, the notification text included, and a
quote of the guidelines is shown in rich text, exactly as worded: a passage is whatever its
uploader wrote, pings, links and *bold* included."""

from __future__ import annotations

from typing import Any

from brandbot.slack.blocks.elements import button, context
from brandbot.slack.blocks.limits import SECTION_TEXT, literal, mrkdwn_escape, truncate

HELPFUL = "answer_helpful"
NOT_RIGHT = "answer_not_right"
FORWARD = "answer_forward"
QUESTION_SHOWN = 300
QUOTE_SHOWN = 300
QUOTED = ":bookmark_tabs: I couldn't put this in my own words, so here is what the guidelines say, word for word:"
NOT_COVERED = (
    "The brand guidelines don't cover this, so I won't guess. "
    "I can forward your question to a brandbot admin, who can answer it or add it to the guidelines."
)


def answer_message(
    answer_id: int,
    question: str,
    covered: bool,
    answer: str,
    citations: list[dict[str, Any]],
    *,
    show_question: bool,
    quoted: bool = False,
) -> dict[str, Any]:
    """`citations` as stored (`workflow.answers.Citation` as a dict). `show_question` where the
    message does not sit under the question (a DM answering /brandbot ask). `quoted`: the answer
    is the guidelines' own wording, shown as a quote."""
    blocks: list[dict[str, Any]] = []
    if show_question:
        blocks.append(context(f"You asked: _{mrkdwn_escape(truncate(question, QUESTION_SHOWN))}_"))
    if covered:
        if quoted:
            blocks += [_section(QUOTED), *literal(truncate(answer, SECTION_TEXT))]
        else:
            blocks.append(_section(mrkdwn_escape(truncate(answer, SECTION_TEXT - 200))))
        blocks += [_citation(citation) for citation in citations]
        actions = [button("Helpful", HELPFUL, str(answer_id)), button("Not right", NOT_RIGHT, str(answer_id))]
        text = mrkdwn_escape(answer)
    else:
        blocks.append(_section(f":grey_question: {NOT_COVERED}"))
        actions = [
            button("Forward to an admin", FORWARD, str(answer_id), style="primary"),
            button("Not right", NOT_RIGHT, str(answer_id)),
        ]
        text = NOT_COVERED
    blocks.append({"type": "actions", "block_id": f"answer_{answer_id}", "elements": actions})
    return {"text": truncate(text, SECTION_TEXT), "blocks": blocks}


def forwarded_question(asker: str, question: str, answer_id: int) -> dict[str, Any]:
    """What an admin receives: who asked what, and that the guidelines had no answer."""
    quoted = mrkdwn_escape(truncate(question, SECTION_TEXT - 200))
    text = f":incoming_envelope: <@{asker}> asked a question the brand guidelines don't cover:\n>{quoted}"
    return {
        "text": f"A question the brand guidelines don't cover (answer {answer_id})",
        "blocks": [
            _section(text),
            context(f"Answer {answer_id}. Reply to them directly, or add the answer to the guidelines."),
        ],
    }


def _citation(citation: dict[str, Any]) -> dict[str, Any]:
    """Where the passage is, then its line in plain text: the guidelines' words as worded."""
    where = " > ".join(part for part in (citation.get("title"), citation.get("section")) if part)
    version = str(citation.get("version") or "")[:8]
    quote = truncate(str(citation.get("quote") or ""), QUOTE_SHOWN)
    line = context(
        f"[{citation.get('number')}] *{mrkdwn_escape(where or str(citation.get('source')))}*, "
        f"version `{mrkdwn_escape(version)}`:"
    )
    line["elements"].append({"type": "plain_text", "text": f"“{quote}”", "emoji": False})
    return line


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}}
