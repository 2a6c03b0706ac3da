"""/brandbot: help and the guideline list answer in the ack itself; `check TEXT` queues a check
of the text, and `ask QUESTION` a question about the guidelines, answered in the person's DM (Slack
gets the ack once the row exists: the app processes before it responds); any other text goes to
intake before the ack and continues in a DM thread that its worker opens."""

from __future__ import annotations

import re

from slack_bolt import Ack

from brandbot.slack import answers, intake, text_checks
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_unescape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, malformed
from brandbot.store.events import stored_key
from brandbot.store.work_kinds import WorkKind
from brandbot.workflow.reply_to import ReplyTo

CHECK = re.compile(r"\Acheck(?:\s+|\Z)", re.IGNORECASE)
ASK = re.compile(r"\Aask(?:\s+|\Z)", re.IGNORECASE)
CHECKING = ":mag: Checking it against the brand rules; the result will be in our DM."


def run_command(deps: SlackDeps) -> Handler:
    def run_command(ack: Ack, command: Payload) -> None:
        if malformed(command, "user_id"):
            ack(text=":warning: Slack sent this command without saying who ran it, so I can't answer it.")
            return
        text = str(command.get("text") or "").strip()
        user = command["user_id"]
        if text in ("", "help"):
            ack(text=messages.HELP)
        elif text == "quarantine":
            if deps.directory.is_admin(user):
                ack(
                    text="Held guideline passages",
                    blocks=messages.held_passages(deps.services.knowledge_base.quarantine.held()),
                )
            else:
                ack(text=":lock: Only brandbot admins can review held guideline passages.")
        elif found := ASK.match(text):
            question = mrkdwn_unescape(text[found.end() :]).strip()
            if not question:
                ack(text=messages.EMPTY_QUESTION)
            else:
                refusal = answers.queue_question(
                    deps, _key(WorkKind.answer, command), user, question, {"dm_user": user}
                )
                ack(text=refusal or messages.ASKED)
        elif text == "guidelines":
            documents = deps.services.knowledge_base.registry.all()
            ack(text="Guideline documents", blocks=messages.guideline_list(documents, deps.directory.is_admin(user)))
        elif found := CHECK.match(text):
            checked = mrkdwn_unescape(text[found.end() :])
            ack(
                text=text_checks.submit(deps, user, checked, {"dm_user": user}, _key(WorkKind.text_check, command))
                or CHECKING
            )
        else:
            key = f"command:{command.get('trigger_id') or command.get('channel_id')}:{user}:{text}"
            refusal = intake.receive(deps, user, text, ReplyTo(dm_user=user), "command", (key,))
            ack(text=refusal or messages.COMMAND_RECEIVED)

    return run_command


def _key(kind: str, command: Payload) -> str:
    """The work row of one run of the command (Slack's trigger id), at a fixed length."""
    return stored_key(f"{kind}:command:{command.get('trigger_id') or command.get('channel_id')}:{command['user_id']}")
