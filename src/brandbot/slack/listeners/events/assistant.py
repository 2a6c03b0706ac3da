"""Slack's assistant panel, with Bolt's `Assistant` middleware as in Slack's bolt-python
assistant template: a greeting and suggested prompts when a thread starts, the channel the
person is viewing kept as the thread's context, and each message in the thread taken as a DM
is (`take_direct_message`: to intake, a follow-up or an upload), the thread titled from it. The
intake worker records the viewed channel with what it routes (`slack/assistant_context.py`); the
drafting worker shows the status line ("is drafting...") while it works.

Bolt hands every DM reply in a thread to the assistant's listeners, so a DM in an assistant
thread never reaches the DM listener too. Only the database is touched before the ack; the
Slack calls (greeting, prompts, title, Bolt's context store, which keeps the context in the
greeting's metadata) run lazily after it."""

from __future__ import annotations

import logging

from slack_bolt import Assistant, BoltContext, Say, SetSuggestedPrompts, SetTitle
from slack_bolt.context.assistant.assistant_utilities import AssistantUtilities
from slack_sdk.errors import SlackApiError

from brandbot.slack.blocks import assistant as blocks
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, ack_now, told_on_failure
from brandbot.slack.listeners.events.direct_message import take_direct_message

log = logging.getLogger(__name__)
TAKEN = "brandbot_taken"
"""Left by the ack path for the lazy part (Bolt copies the context to it): the message went to intake."""


def build(deps: SlackDeps) -> Assistant:
    assistant = Assistant(logger=log)
    assistant.thread_started(lazy=[greet])(ack_now)
    assistant.thread_context_changed(lazy=[keep_context])(ack_now)
    assistant.user_message(lazy=[title_thread])(message_in_thread(deps))
    return assistant


def greet(say: Say, set_suggested_prompts: SetSuggestedPrompts, context: BoltContext) -> None:
    """Bolt's assistant `say` carries the thread's starting context in the greeting's metadata,
    where Bolt's default context store keeps it from then on."""
    with told_on_failure(context.client, log, None):
        say(blocks.GREETING)
        set_suggested_prompts(prompts=blocks.SUGGESTED_PROMPTS, title=blocks.PROMPTS_TITLE)


def keep_context(event: Payload, context: BoltContext) -> None:
    """The person moved to another channel with the panel open: Bolt's default store records it."""
    with told_on_failure(context.client, log, None):
        AssistantUtilities(payload=event, context=context).save_thread_context(event["assistant_thread"]["context"])


def message_in_thread(deps: SlackDeps) -> Handler:
    def message_in_thread(body: Payload, event: Payload, context: BoltContext) -> None:
        context[TAKEN] = take_direct_message(deps, body, event, "assistant")

    return message_in_thread


def title_thread(event: Payload, context: BoltContext, set_title: SetTitle) -> None:
    """The thread's title from the message it now works on, as Slack's template does."""
    if not context.get(TAKEN):
        return
    try:
        set_title(blocks.title(event.get("text", "")))
    except SlackApiError as error:
        log.info("no title for this DM thread: %s", error.response.get("error"))
