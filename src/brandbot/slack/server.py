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
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.errors import SlackApiError

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
    parallelism comes from the requests it serves at once (`threads`, in either mode): torch's own
    threads for one query's embedding would only fight them for the same cores. /readyz and
    /metrics are served on the internal port only, in Socket Mode too."""
    app_token = services.settings.slack_app_token
    app, background = build_app(services, socket_mode=app_token is not None)
    socket = socket_mode_handler(app, app_token.get_secret_value(), threads) if app_token is not None else None
    _one_torch_thread()
    internal = waitress.create_server(
        internal_wsgi(services, socket),
        host=internal_host,
        port=internal_port,
        threads=4,
        ident="brandbot-internal",
        asyncore_use_poll=True,
    )
    threading.Thread(target=internal.run, name="internal-listener", daemon=True).start()
    log.info("internal endpoints on http://%s:%d (/healthz, /readyz, /metrics)", internal_host, internal_port)
    try:
        if socket is not None:
            log.info("connecting to Slack in Socket Mode")
            connect(socket)
            background.start(decisions_only=not workers)
            log.info("connected to Slack in Socket Mode (session %s)", socket.client.session_id())
            until_terminated()
        else:
            background.start(decisions_only=not workers)
            log.info("listening on http://%s:%d%s", host, port, EVENTS_PATH)
            signal.signal(signal.SIGTERM, signal.default_int_handler)  # waitress stops on it as on Ctrl-C
            waitress.serve(
                public_wsgi(app),
                host=host,
                port=port,
                threads=threads,
                connection_limit=CONNECTION_LIMIT,
                ident="brandbot",
                # poll(), not select(): select() fails once the process holds a descriptor
                # numbered 1024 or more, which a busy replica (connections, databases) reaches.
                asyncore_use_poll=True,
            )
    finally:
        if socket is not None:
            socket.close()
        background.stop()
        internal.close()
        log.info("stopped")


def socket_mode_handler(app: App, app_token: str, concurrency: int) -> SocketModeHandler:
    """slack_sdk's built-in client, which Bolt recommends: it opens a new connection when Slack
    asks (`disconnect`) or a connection drops, and runs `concurrency` envelopes at once."""
    if not app_token.startswith("xapp-"):
        raise SlackNotConfigured(
            "SLACK_APP_TOKEN must be the app-level token (xapp-..., with the connections:write scope, "
            "from the app's Basic Information page), not a bot or user token"
        )
    return SocketModeHandler(app, app_token, concurrency=concurrency)


def connect(socket: SocketModeHandler) -> None:
    try:
        socket.connect()
    except SlackApiError as error:
        raise SlackNotConfigured(
            f"Slack refused SLACK_APP_TOKEN ({error.response.get('error')}): it must be this app's "
            "app-level token (xapp-...) with the connections:write scope, and Socket Mode must be on"
        ) from error


def until_terminated() -> None:
    """Blocks until SIGTERM (what `docker stop` and Kubernetes send) or Ctrl-C, so the caller's
    cleanup runs: the default SIGTERM would end the process with no `finally`."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass


def work(services: Services) -> None:
    """Runs the work rows and the outbox, with the heartbeat and the sweeps, and answers no one:
    beside `serve --no-workers`, Slack's acks never share a process (and its GIL) with drafting."""
    _one_torch_thread()
    if not services.settings.approval_channel:
        raise SlackNotConfigured("BRANDBOT_APPROVAL_CHANNEL is not set: drafts need a channel to wait for approval in")
    client = web_client(services.settings)
    background = Background(SlackDeps(services, Directory(services.settings, client), client))
    background.start()
    log.info("working: drafting up to %d at once", services.settings.resolved_llm_max_in_flight)
    try:
        until_terminated()
    finally:
        background.stop()
        log.info("stopped")


def _one_torch_thread() -> None:
    import torch  # imported here: commands that never embed start without it

    torch.set_num_threads(1)


def public_wsgi(app: App) -> WsgiApp:
    """What the proxy forwards: Slack's requests on one path, and /healthz (the process is up).
    Everything else is 404, so nothing that costs a probe or tells about the bot is public."""
    slack = _SlackRequests(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == EVENTS_PATH:
            return slack(environ, start_response)
        if path == "/healthz":
            return _text(start_response, "200 OK", b"ok\n")
        return _text(start_response, "404 Not Found", b"not found\n")

    return application


class _SlackRequests(SlackRequestHandler):
    """Bolt's handler, except that a body Bolt cannot read as a payload (not JSON, JSON that is
    not an object, fields of the wrong type) is answered 400: Bolt's parsing would fail with a 500,
    which says the bot is broken and has Slack retry what can never succeed."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            parsed = BoltRequest(body=request.get_body(), query=request.query_string, headers=request.get_headers())
        except (ValueError, AttributeError, TypeError) as error:
            log.warning("answered 400 to a request whose body is no Slack payload: %s", error)
            return BoltResponse(status=400, body="The body is not a Slack payload.\n")
        return self.app.dispatch(parsed)


def internal_wsgi(services: Services, socket: SocketModeHandler | None = None) -> WsgiApp:
    """For the machine's own checks and Prometheus: /healthz, /readyz (the database, Chroma and
    the LLM answer: three probes a hit; in Socket Mode, the connection to Slack is open too) and
    /metrics."""
    prometheus = make_wsgi_app()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            return _text(start_response, "200 OK", b"ok\n")
        if path == "/readyz":
            checks = readiness(services, socket)
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


def readiness(services: Services, socket: SocketModeHandler | None = None) -> dict[str, bool]:
    checks = {
        "database": _answers(services.db.ping),
        "chroma": _answers(services.knowledge_base.index.heartbeat),
        "llm": services.llm.healthy(),
    }
    if socket is not None:
        checks["slack"] = socket.client.is_connected()
    return checks


def _answers(probe: Callable[[], object]) -> bool:
    try:
        probe()
    except Exception:
        log.warning("readiness probe %s failed", getattr(probe, "__qualname__", probe), exc_info=True)
        return False
    return True
