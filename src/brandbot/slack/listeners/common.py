"""What every listener shares: the ack, the keys that make a delivery count once, and failing out loud."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot import logs, metrics
from brandbot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
Handler = Callable[..., None]
Payload = dict[str, Any]
SORRY = ":warning: Something went wrong on my side ({what}). Nothing you sent is lost; please try again in a minute."


def ack_now(ack: Ack) -> None:
    """For listeners whose lazy part only reads (App Home): nothing to record first."""
    ack()


def ignore_other_messages() -> None:
    """Messages in channels, edits and bots' posts need no answer (mentions arrive as app_mention)."""


def malformed(payload: Payload, *names: str) -> bool:
    """A payload without the text fields a listener needs has nobody to answer: logged and
    acknowledged, so Slack stops retrying it, instead of failing with a 500."""
    missing = [name for name in names if not isinstance(payload.get(name), str) or not payload[name]]
    if missing:
        log.warning("ignored a %s payload without %s", payload.get("type", "Slack"), ", ".join(missing))
    return bool(missing)


def event_keys(body: Payload, event: Payload) -> tuple[str, ...]:
    """A retried delivery repeats the event id; the same message seen as a mention and as a DM
    repeats channel and ts. Either makes the second one a no-op."""
    keys = [f"message:{event['channel']}:{event['ts']}"]
    if body.get("event_id"):
        keys.insert(0, str(body["event_id"]))
    return tuple(keys)


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


def tell_privately_later(
    deps: SlackDeps, client: WebClient, logger: logging.Logger, channel: str, user: str, text: str
) -> None:
    """A refusal shown to the clicker alone, sent after the ack: Slack need not wait for it."""

    def tell() -> None:
        with told_on_failure(client, logger, None):
            client.chat_postEphemeral(channel=channel, user=user, text=text)

    deps.news.submit(tell)
