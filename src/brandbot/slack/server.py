"""Runs the app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP (Events API and interactivity)."""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from prometheus_client import make_wsgi_app
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler

from brandbot.services import Services
from brandbot.slack.app import SlackNotConfigured, build_app, web_client
from brandbot.slack.background import Background
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
CONNECTION_LIMIT = 1000
"""Open connections waitress keeps (its default is 100): idle keep-alive connections from a proxy
or a burst count against it, and past it new deliveries wait unaccepted until one closes."""
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def serve(
    services: Services,
    *,
    host: str,
    port: int,
    internal_host: str,
    internal_port: int,
    threads: int = 16,
    workers: bool = True,
) -> None:
    """Answers Slack; with `workers`, also runs the work rows in this process. A replica's
    parallelism comes from the requests it serves at once: torch's own threads for one query's
    embedding would only fight them for the same cores. /readyz and /metrics are served on the
    internal port only, in Socket Mode too."""
    _one_torch_thread()
    socket_mode = services.settings.slack_app_token is not None
    app, background = build_app(services, socket_mode=socket_mode)
    internal = waitress.create_server(
        internal_wsgi(services), host=internal_host, port=internal_port, threads=4, ident="brandbot-internal"
    )
    threading.Thread(target=internal.run, name="internal-listener", daemon=True).start()
    log.info("internal endpoints on http://%s:%d (/healthz, /readyz, /metrics)", internal_host, internal_port)
    background.start(decisions_only=not workers)
    try:
        if socket_mode:
            assert services.settings.slack_app_token is not None
            log.info("connecting to Slack in Socket Mode")
            SocketModeHandler(app, services.settings.slack_app_token.get_secret_value()).start()
        else:
            log.info("listening on http://%s:%d%s", host, port, EVENTS_PATH)
            waitress.serve(
                public_wsgi(app),
                host=host,
                port=port,
                threads=threads,
                connection_limit=CONNECTION_LIMIT,
                ident="brandbot",
            )
    finally:
        background.stop()
        internal.close()


def work(services: Services) -> None:
    """Runs the work rows and the outbox, with the heartbeat and the sweeps, and answers no one:
    beside `serve --no-workers`, Slack's acks never share a process (and its GIL) with drafting."""
    _one_torch_thread()
    if not services.settings.approval_channel:
        raise SlackNotConfigured("BRANDBOT_APPROVAL_CHANNEL is not set: drafts need a channel to wait for approval in")
    client = web_client(services.settings)
    background = Background(SlackDeps(services, Directory(services.settings, client), client))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    background.start()
    log.info("working: drafting up to %d at once", services.settings.resolved_llm_max_in_flight)
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        background.stop()


def _one_torch_thread() -> None:
    import torch  # imported here: commands that never embed start without it

    torch.set_num_threads(1)


def public_wsgi(app: App) -> WsgiApp:
    """What the proxy forwards: Slack's requests on one path, and /healthz (the process is up).
    Everything else is 404, so nothing that costs a probe or tells about the bot is public."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == EVENTS_PATH:
            return slack(environ, start_response)
        if path == "/healthz":
            return _text(start_response, "200 OK", b"ok\n")
        return _text(start_response, "404 Not Found", b"not found\n")

    return application


def internal_wsgi(services: Services) -> WsgiApp:
    """For the machine's own checks and Prometheus: /healthz, /readyz (the database, Chroma and
    the LLM answer: three probes a hit) and /metrics."""
    prometheus = make_wsgi_app()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            return _text(start_response, "200 OK", b"ok\n")
        if path == "/readyz":
            checks = readiness(services)
            status = "200 OK" if all(checks.values()) else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(checks).encode() + b"\n"]
        if path == "/metrics":
            return prometheus(environ, start_response)  # type: ignore[no-any-return]
        return _text(start_response, "404 Not Found", b"not found\n")

    return application


def _text(start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain")])
    return [body]


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
