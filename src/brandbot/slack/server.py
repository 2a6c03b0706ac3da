"""Runs the app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP (Events API and interactivity)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler

from brandbot.services import Services
from brandbot.slack import delivery
from brandbot.slack.app import build_app
from brandbot.slack.flows import SlackDeps
from brandbot.workflow.approvals import expire_due

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
EXPIRY_SWEEP_S = 60.0
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def serve(services: Services, *, host: str, port: int, threads: int = 16) -> None:
    socket_mode = services.settings.slack_app_token is not None
    app, deps = build_app(services, socket_mode=socket_mode)
    stop = threading.Event()
    threading.Thread(target=_sweep_expired, args=(deps, app, stop), name="expiry", daemon=True).start()
    try:
        if socket_mode:
            assert services.settings.slack_app_token is not None
            log.info("connecting to Slack in Socket Mode")
            SocketModeHandler(app, services.settings.slack_app_token.get_secret_value()).start()
        else:
            log.info("listening on http://%s:%d%s", host, port, EVENTS_PATH)
            waitress.serve(wsgi(app), host=host, port=port, threads=threads, ident="brandbot")
    finally:
        stop.set()


def wsgi(app: App) -> WsgiApp:
    """Slack's requests on one path; /healthz answers that the process is up."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def _sweep_expired(deps: SlackDeps, app: App, stop: threading.Event) -> None:
    """Closes overdue drafts and tells their cards and requesters, once a minute."""
    while not stop.wait(EXPIRY_SWEEP_S):
        try:
            for result in expire_due(deps.services.engine):
                delivery.deliver_outcome(deps.services, app.client, result.draft_id)
        except Exception:
            log.exception("expiry sweep failed; trying again in a minute")
