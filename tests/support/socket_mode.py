"""Slack's Socket Mode on loopback, beside the Web API stand-in (`StandIn`).

`apps.connections.open`, called with the app-level token, answers with a one-use
`ws://127.0.0.1:PORT/link/?ticket=...&app_id=...` URL. There this server says `hello`, then sends
envelopes as Slack does (`events_api`, `slash_commands`, `interactive`) and records every
acknowledgement the app sends back (`{"envelope_id", "payload"}`). Slack wants each envelope
acknowledged within 3 s; a slash command's answer rides in its acknowledgement's payload.
`disconnect` asks the app to move to a new connection, as Slack does when it refreshes one, and
the old connection is closed once the app has opened the new one.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.support.slack_standin import APP_ID, StandIn, event

APP_TOKEN = "xapp-1-A0000APP01-1-socket-mode-tests"
ACK_DEADLINE_S = 3.0
"""Slack retries an event, and tells the person their command or click failed, past this."""
LINK_PATH = "/link/"
RESPONDING = ("view_submission", "block_suggestion")
"""Interactions whose acknowledgement may carry an answer (`accepts_response_payload`)."""


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    sent_at: float
    acks: list[tuple[float, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Link:
    """One WebSocket connection; `draining` once told to disconnect: nothing more is sent on it."""

    socket: web.WebSocketResponse
    opened_at: float
    draining: bool = False
    closed: bool = False


class SocketModeStandIn:
    """Serves Socket Mode for the app whose Web API is `web_api`, on its own event loop."""

    def __init__(self, web_api: StandIn, app_token: str = APP_TOKEN) -> None:
        self.web_api = web_api
        self.app_token = app_token
        self.envelopes: dict[str, Envelope] = {}
        self.links: list[Link] = []
        self.stray: list[str] = []
        """Messages from the app that acknowledge nothing this server sent."""
        self.issued = 0
        """Successful apps.connections.open calls."""
        self._tickets: set[str] = set()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._port = 0

    def start(self) -> SocketModeStandIn:
        app = web.Application()
        app.router.add_get(LINK_PATH, self._link)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        threading.Thread(target=self._loop.run_forever, name="socket-mode-standin", daemon=True).start()
        self._run(self._runner.setup())
        self._run(web.TCPSite(self._runner, "127.0.0.1", 0).start())
        self._port = int(self._runner.addresses[0][1])
        self.web_api.app_token, self.web_api.socket_url = self.app_token, self._issue
        return self

    def stop(self) -> None:
        self.web_api.socket_url = None
        if self._runner is not None:
            for link in list(self.links):
                self._run(link.socket.close())
            self._run(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)

    def wait_connected(self, connections: int = 1, timeout: float = 30.0) -> Link:
        """The live connection, once the app has opened `connections` in all and been said hello to."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                live = [link for link in self.links if not (link.draining or link.closed)]
                if live and len(self.links) >= connections:
                    return live[-1]
            time.sleep(0.05)
        raise AssertionError(f"the app did not open connection {connections} in {timeout} s ({len(self.links)} open)")

    def send(self, kind: str, payload: dict[str, Any], accepts_response_payload: bool, **extra: Any) -> str:
        """Sends an envelope on the live connection; returns its envelope_id."""
        link = self.wait_connected()
        envelope_id = str(uuid.uuid4())
        message = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }
        with self._lock:
            self.envelopes[envelope_id] = Envelope(envelope_id, kind, payload, time.monotonic())
        self._run(link.socket.send_str(json.dumps(message)))
        return envelope_id

    def event(self, body: dict[str, Any], event_id: str, retry_attempt: int = 0) -> str:
        reason = "" if retry_attempt == 0 else "timeout"
        return self.send("events_api", event(body, event_id), False, retry_attempt=retry_attempt, retry_reason=reason)

    def command(self, payload: dict[str, Any]) -> str:
        """A slash command: the same fields as Slack's form post, as a JSON object."""
        return self.send("slash_commands", payload, True)

    def interactive(self, payload: dict[str, Any]) -> str:
        """A click, modal submission or shortcut: the interaction itself, not a form field holding it."""
        return self.send("interactive", payload, payload.get("type") in RESPONDING)

    def ack(self, envelope_id: str, within: float = ACK_DEADLINE_S) -> dict[str, Any]:
        """The app's first acknowledgement of the envelope, if it came within `within` seconds of sending."""
        envelope = self.envelopes[envelope_id]
        while time.monotonic() < envelope.sent_at + within:
            if envelope.acks:
                break
            time.sleep(0.01)
        if not envelope.acks or envelope.acks[0][0] - envelope.sent_at > within:
            raise AssertionError(f"{envelope.type} envelope {envelope_id} was not acknowledged within {within} s")
        return envelope.acks[0][1]

    def response(self, envelope_id: str) -> dict[str, Any]:
        """What the app answered in its acknowledgement (a slash command's message), or {}."""
        payload = self.ack(envelope_id).get("payload")
        return payload if isinstance(payload, dict) else {}

    def assert_all_acknowledged(self, within: float = ACK_DEADLINE_S) -> None:
        """Every envelope sent was acknowledged exactly once, each within `within` seconds, and
        the app sent nothing that acknowledges no envelope."""
        with self._lock:
            envelopes = list(self.envelopes.values())
        deadline = max((envelope.sent_at for envelope in envelopes), default=0.0) + within
        while time.monotonic() < deadline and not all(envelope.acks for envelope in envelopes):
            time.sleep(0.01)
        wrong = [
            f"{envelope.type} {envelope.envelope_id}: "
            + (
                f"acknowledged {len(envelope.acks)} times"
                if len(envelope.acks) != 1
                else f"acknowledged after {envelope.acks[0][0] - envelope.sent_at:.2f} s"
            )
            for envelope in envelopes
            if len(envelope.acks) != 1 or envelope.acks[0][0] - envelope.sent_at > within
        ]
        assert not wrong and not self.stray, f"acknowledgements wrong: {wrong}; stray messages: {self.stray}"

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Tells the app to leave its live connection for a new one, as Slack does."""
        link = self.wait_connected()
        with self._lock:
            link.draining = True
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}}
        self._run(link.socket.send_str(json.dumps(message)))

    def _issue(self) -> str:
        """Answers apps.connections.open (on the Web API stand-in's thread): a ticket good once."""
        ticket = uuid.uuid4().hex
        with self._lock:
            self._tickets.add(ticket)
            self.issued += 1
        return f"ws://127.0.0.1:{self._port}{LINK_PATH}?ticket={ticket}&app_id={APP_ID}"

    async def _link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        with self._lock:
            known = ticket in self._tickets
            self._tickets.discard(ticket)
        if not known:
            return web.Response(status=401, text="invalid or used ticket\n")
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        with self._lock:
            connections = len([link for link in self.links if not link.closed]) + 1
        hello = {
            "type": "hello",
            "num_connections": connections,
            "debug_info": {"host": "applink-standin", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        await socket.send_str(json.dumps(hello))
        link = Link(socket, time.monotonic())
        with self._lock:
            replaced = [old for old in self.links if old.draining and not old.closed]
            self.links.append(link)
        for old in replaced:
            await old.socket.close()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self._receive(message.data)
        finally:
            with self._lock:
                link.closed = True
        return socket

    def _receive(self, raw: str) -> None:
        try:
            message = json.loads(raw)
        except json.JSONDecodeError:
            message = None
        with self._lock:
            envelope = self.envelopes.get(message.get("envelope_id", "")) if isinstance(message, dict) else None
            if envelope is None or not isinstance(message, dict):
                self.stray.append(raw)
            else:
                envelope.acks.append((time.monotonic(), message))

    def _run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)


@contextmanager
def socket_mode_slack(bot_token: str) -> Iterator[SocketModeStandIn]:
    """The Web API stand-in and Socket Mode beside it, started and stopped together."""
    web_api = StandIn(bot_token)
    web_api.start()
    socket_mode = SocketModeStandIn(web_api).start()
    try:
        yield socket_mode
    finally:
        socket_mode.stop()
        web_api.stop()
