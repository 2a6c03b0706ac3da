"""Builds the Bolt app: a Web API client that rides out rate limits, and every listener."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from brandbot import metrics
from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.background import Background
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.listeners import register

log = logging.getLogger(__name__)


class SlackNotConfigured(ValueError):
    pass


class CountedRateLimitRetries(RateLimitErrorRetryHandler):
    """slack_sdk's own 429 handling (it waits for Retry-After), counted for /metrics."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            metrics.SLACK_RATE_LIMITED.inc()
        return super()._can_retry(state=state, request=request, response=response, error=error)


def web_client(settings: Settings) -> WebClient:
    """429s wait for Retry-After (slack_sdk's handler); dropped connections are tried again."""
    if settings.slack_bot_token is None:
        raise SlackNotConfigured("SLACK_BOT_TOKEN is not set")
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=30,
        retry_handlers=[CountedRateLimitRetries(max_retry_count=3), ConnectionErrorRetryHandler(max_retry_count=2)],
    )


def build_app(services: Services, *, socket_mode: bool = False) -> tuple[App, Background]:
    """Listeners run before Slack gets its answer (`process_before_response`): each one only
    verifies, dedupes and writes the rows for the work, which this replica's workers (or any
    other's) then run. Only reads (App Home, modals) run lazily after the answer."""
    settings = services.settings
    if not socket_mode and settings.slack_signing_secret is None:
        raise SlackNotConfigured("SLACK_SIGNING_SECRET is not set (HTTP mode verifies every request with it)")
    if not settings.approval_channel:
        raise SlackNotConfigured("BRANDBOT_APPROVAL_CHANNEL is not set: drafts need a channel to wait for approval in")
    client = web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None,
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="bolt"),
    )
    deps = SlackDeps(services, Directory(settings, client), client)
    background = Background(deps)
    register(app, deps)

    @app.error
    def report(error: Exception, body: dict[str, object]) -> BoltResponse | None:
        log.exception("unhandled error for a %s request: %s", body.get("type"), error)
        return None

    return app, background
