"""Runs the app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP (Events API and interactivity)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import waitress
from prometheus_client import make_wsgi_app
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler

from brandbot.services import Services
from brandbot.slack import delivery, flows
from brandbot.slack.app import build_app
from brandbot.slack.flows import SlackDeps
from brandbot.workflow.approvals import expire_due

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def serve(services: Services, *, host: str, port: int, threads: int = 16) -> None:
    socket_mode = services.settings.slack_app_token is not None
    app, deps = build_app(services, socket_mode=socket_mode)
    stop = threading.Event()
    threading.Thread(target=_background_jobs, args=(deps, app, stop), name="sweeps", daemon=True).start()
    try:
        if socket_mode:
            assert services.settings.slack_app_token is not None
            log.info("connecting to Slack in Socket Mode")
            SocketModeHandler(app, services.settings.slack_app_token.get_secret_value()).start()
        else:
            log.info("listening on http://%s:%d%s", host, port, EVENTS_PATH)
            waitress.serve(wsgi(app, services), host=host, port=port, threads=threads, ident="brandbot")
    finally:
        stop.set()


def wsgi(app: App, services: Services) -> WsgiApp:
    """Slack's requests on one path; /healthz (the process is up), /readyz (what it depends on
    answers) and /metrics (Prometheus) beside it."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    prometheus = make_wsgi_app()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        if path == "/readyz":
            checks = readiness(services)
            status = "200 OK" if all(checks.values()) else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(checks).encode() + b"\n"]
        if path == "/metrics":
            return prometheus(environ, start_response)  # type: ignore[no-any-return]
        return slack(environ, start_response)

    return application


def readiness(services: Services) -> dict[str, bool]:
    return {
        "database": _answers(services.db.ping),
        "chroma": _answers(services.knowledge_base.index.heartbeat),
        "llm": services.llm.healthy(),
    }


def _answers(probe: Callable[[], object]) -> bool:
    try:
        probe()
    except Exception:
        log.warning("readiness probe %s failed", getattr(probe, "__qualname__", probe), exc_info=True)
        return False
    return True


def _background_jobs(deps: SlackDeps, app: App, stop: threading.Event) -> None:
    """The heartbeat for this replica's requests, then once per sweep, on one replica at a time:
    expired drafts closed (cards and requesters told) and orphaned requests adopted."""
    services = deps.services
    settings = services.settings
    next_sweep = 0.0
    while not stop.wait(settings.worker_heartbeat_s):
        try:
            services.leases.heartbeat()
            if time.monotonic() < next_sweep:
                continue
            next_sweep = time.monotonic() + settings.sweep_every_s
            if not services.leases.acquire("sweep", timedelta(seconds=settings.sweep_every_s * 0.9)):
                continue
            for result in expire_due(services.engine):
                delivery.deliver_outcome(services, app.client, result.draft_id)
            stale = timedelta(seconds=settings.worker_stale_s)
            for request_id in services.leases.adopt_orphans(stale, origin="slack"):
                log.warning("adopting request %s from a replica that stopped", request_id)
                deps.work.submit(flows.recover_request, deps, app.client, request_id)
        except Exception:
            log.exception("background job failed; trying again")
