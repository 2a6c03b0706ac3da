"""What every listener shares: the instant ack, exactly-once claims, and failing out loud."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot import logs, metrics
from brandbot.slack.flows import SlackDeps
from brandbot.store.events import EventLog

SORRY = ":warning: Something went wrong on my side ({what}). Nothing you sent is lost; please try again in a minute."


def ack_now(ack: Ack) -> None:
    """Slack wants an answer within 3 seconds; the work itself is queued by a lazy listener."""
    ack()


def ignore_other_messages() -> None:
    """Messages in channels, edits and bots' posts need no answer (mentions arrive as app_mention)."""


def first_time(deps: SlackDeps, *keys: str | None) -> bool:
    """Claims each key once across all processes; a retried or duplicated delivery gets False."""
    log = EventLog(deps.services.db)
    return all(log.claim(key) for key in keys if key)


@contextmanager
def told_on_failure(
    client: WebClient,
    logger: logging.Logger,
    channel: str | None,
    thread_ts: str | None = None,
    user: str | None = None,
    event_id: str | None = None,
) -> Iterator[None]:
    """Logs a failure with its Slack method and tells the person waiting, in the thread or privately.
    Log lines written inside carry the Slack event id."""
    try:
        with logs.bind(event_id=event_id):
            yield
    except SlackApiError as error:
        method = error.response.api_url.rsplit("/", 1)[-1] if error.response is not None else "?"
        metrics.SLACK_ERRORS.labels(method).inc()
        logger.exception(
            "Slack API call %s failed: %s", method, error.response.get("error") if error.response else error
        )
        _tell(client, logger, channel, thread_ts, user, SORRY.format(what=f"Slack said {error.response.get('error')}"))
    except Exception as error:
        logger.exception("listener failed")
        _tell(client, logger, channel, thread_ts, user, SORRY.format(what=type(error).__name__))


def _tell(
    client: WebClient, logger: logging.Logger, channel: str | None, thread_ts: str | None, user: str | None, text: str
) -> None:
    if not channel:
        return
    try:
        if user:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        else:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
    except SlackApiError:
        logger.exception("could not tell the person about the failure either")


Handler = Callable[..., None]
Payload = dict[str, Any]
