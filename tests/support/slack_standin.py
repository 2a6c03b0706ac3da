"""A local stand-in for Slack's Web API: the methods brandbot calls, over real HTTP on loopback.

It records every call, serves file downloads behind the bot token, takes uploads the way
`files_upload_v2` makes them (files.getUploadURLExternal, a POST of the bytes to the URL it
returned, files.completeUploadExternal; the file is then processed for a moment, during which an
image block naming it is refused, as Slack does), and can be told to answer a method with 429
(with Retry-After) or 500 a number of times. Requests to the bot go the other
way, through `deliver`, signed with the signing secret exactly as Slack signs them; in Socket
Mode, through the WebSocket that `apps.connections.open` hands out (tests/support/socket_mode.py).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from tests.support import slack_ids

UPLOAD_PATH = "/upload/v1/"
PNG = b"\x89PNG\r\n\x1a\n"
BOT_USER = "U07BOTUSER1"
BOT_ID = "B07BOTUSER1"
TEAM = "T07TEAMID01"
ENTERPRISE = "E07ORGID001"
APP_ID = "A07APPID001"
APP_LEVEL_METHODS = ("apps.connections.open",)


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Upload:
    """A file on its way in: its bytes arrive at the upload URL, then completeUploadExternal
    shares it (to nobody, without a channel), then Slack processes it."""

    name: str
    length: int
    data: bytes | None = None
    title: str | None = None
    completed_at: float | None = None

    def processed(self, processing_s: float) -> bool:
        return self.completed_at is not None and time.monotonic() - self.completed_at >= processing_s


@dataclass
class StandIn:
    token: str
    group_members: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    processing_s: float = 0.3
    """How long an uploaded file is processed before image blocks may show it."""
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    delays: list[tuple[str, Callable[[dict[str, Any]], bool], float]] = field(default_factory=list)
    app_token: str | None = None
    """The app-level token (xapp-) that apps.connections.open wants instead of the bot token."""
    socket_url: Callable[[], str] | None = None
    """Issues the WebSocket URL apps.connections.open answers with (set by the Socket Mode stand-in)."""
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path.startswith(UPLOAD_PATH):
                    standin._receive_upload(self)
                else:
                    standin._handle(self)

            def do_GET(self) -> None:
                if self.path.startswith("/api/"):
                    standin._handle(self)
                else:
                    standin._download(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def fail(self, method: str, status: int, times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([status] * times)

    def slow(self, method: str, seconds: float, when: Callable[[dict[str, Any]], bool] = lambda args: True) -> None:
        """The next call of `method` matching `when` is carried out, then answered `seconds` late:
        a client killed meanwhile never hears that its message was posted."""
        with self._lock:
            self.delays.append((method, when, seconds))

    def delete(self, ts: str) -> None:
        """Someone deleted this message: editing it answers `message_not_found`, as Slack does."""
        with self._lock:
            self.deleted.add(ts)

    def add_file(self, file_id: str, name: str, data: bytes) -> dict[str, Any]:
        self.files[file_id] = (name, data)
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "size": len(data),
            "url_private": f"{self.url}/files-pri/{TEAM}-{file_id}/{name}",
            "url_private_download": f"{self.url}/files-pri/{TEAM}-{file_id}/download/{name}",
        }

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 240.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; calls so far: {[c.method for c in self.calls]}")

    def posts_to(self, channel: str, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """Messages posted or updated in a channel (and thread), latest text per message; deleted ones left out."""
        texts: dict[str, dict[str, Any]] = {}
        with self._lock:
            calls = list(self.calls)
        for call in calls:
            if call.method == "chat.delete":
                texts.pop(call.args.get("ts"), None)
            elif call.method == "chat.postMessage" and "_ts" in call.args:
                if _landing(call.args.get("channel")) != _landing(channel):
                    continue
                if thread_ts is None or call.args.get("thread_ts") == thread_ts:
                    texts[call.args["_ts"]] = dict(call.args)
            elif call.method == "chat.update" and call.args.get("ts") in texts:
                texts[call.args["ts"]] = {**texts[call.args["ts"]], **call.args}
        return list(texts.values())

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path, _, query = request.path.partition("?")
        method = "response_url" if path.startswith("/response/") else path.removeprefix("/api/")
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode() if request.command == "POST" else query
        if request.command == "POST" and "json" in (request.headers.get("Content-Type") or ""):
            args = json.loads(raw or "{}")
        else:
            args = {key: values[0] for key, values in urllib.parse.parse_qs(raw).items()}
        for key in ("blocks", "view", "attachments"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ") or args.get("token")
        with self._lock:
            pending = self.failures.get(method)
            status = pending.pop(0) if pending else 200
        if status != 200:
            self._record(method, {**args, "_status": status}, token)
            request.send_response(status)
            if status == 429:
                request.send_header("Retry-After", "1")
            request.send_header("Content-Type", "application/json")
            request.end_headers()
            request.wfile.write(
                json.dumps({"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"}).encode()
            )
            return
        delay = self._delay_for(method, args)
        if method == "response_url":
            body: dict[str, Any] = {"ok": True}
        elif method in APP_LEVEL_METHODS:
            body = self._app_level(method, token)
        elif token != self.token:
            body = {"ok": False, "error": "invalid_auth"}
        else:
            body = self._answer(method, args)
        self._record(method, args, token)
        time.sleep(delay)
        payload = json.dumps(body).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _app_level(self, method: str, token: str | None) -> dict[str, Any]:
        """As Slack answers: the bot token is the wrong kind of token, any other is unknown."""
        if token == self.token:
            return {"ok": False, "error": "not_allowed_token_type"}
        if self.app_token is None or token != self.app_token or self.socket_url is None:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self.socket_url()}

    def _delay_for(self, method: str, args: dict[str, Any]) -> float:
        with self._lock:
            for index, (slow_method, when, seconds) in enumerate(self.delays):
                if slow_method == method and when(args):
                    del self.delays[index]
                    return seconds
        return 0.0

    def _record(self, method: str, args: dict[str, Any], token: str | None) -> None:
        with self._lock:
            self.calls.append(Call(method, args, token))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return {
                **ok,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "team_id": TEAM,
                "user": "brandbot",
                "url": "https://example.slack.com/",
            }
        if method == "chat.postMessage":
            ts = f"{1_800_000_000 + next(self._ts)}.000100"
            args["_ts"] = ts
            channel = _landing(args["channel"])
            return {**ok, "channel": channel, "ts": ts, "message": {"text": args.get("text"), "ts": ts}}
        if method == "chat.update":
            if args.get("ts") in self.deleted:
                return {"ok": False, "error": "message_not_found"}
            return {**ok, "channel": args["channel"], "ts": args["ts"]}
        if method == "chat.delete":
            self.deleted.add(args["ts"])
            return {**ok, "channel": args["channel"], "ts": args["ts"]}
        if method == "chat.postEphemeral":
            return {**ok, "message_ts": f"{1_800_000_000 + next(self._ts)}.000200"}
        if method == "chat.getPermalink":
            message = args["message_ts"].replace(".", "")
            return {**ok, "permalink": f"https://example.slack.com/archives/{args['channel']}/p{message}"}
        if method in ("views.open", "views.publish", "views.update"):
            refused = self._unshowable_images(args.get("view") or {})
            if refused:
                return {"ok": False, "error": "invalid_blocks", "errors": refused}
            return {**ok, "view": {"id": slack_ids.view(), **(args.get("view") or {})}}
        if method == "conversations.open":
            return {**ok, "channel": {"id": _landing(args["users"])}}
        if (
            method in ("conversations.replies", "conversations.history")
            and _landing(args["channel"]) != args["channel"]
        ):
            return {"ok": False, "error": "channel_not_found"}
        if method == "conversations.replies":
            thread = [m for m in self.posts_to(args["channel"]) if args["ts"] in (m["_ts"], m.get("thread_ts"))]
            return {**ok, "messages": [_as_read(m, args) for m in thread], "has_more": False}
        if method == "conversations.history":
            oldest = float(args.get("oldest") or 0)
            top = [m for m in self.posts_to(args["channel"]) if not m.get("thread_ts") and float(m["_ts"]) > oldest]
            return {**ok, "messages": [_as_read(m, args) for m in reversed(top)], "has_more": False}
        if method == "users.info":
            return {**ok, "user": {"id": args["user"], "name": args["user"].lower(), "tz": "UTC"}}
        if method == "usergroups.users.list":
            return {**ok, "users": self.group_members.get(args["usergroup"], [])}
        if method == "files.info" and args["file"] in self.uploads:
            return {**ok, "file": self._uploaded(args["file"])}
        if method == "files.info":
            name, data = self.files[args["file"]]
            return {**ok, "file": {"id": args["file"], "name": name, "size": len(data)}}
        if method == "files.getUploadURLExternal":
            if not args.get("filename") or not str(args.get("length", "")).isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = slack_ids.file()
            self.uploads[file_id] = Upload(args["filename"], int(args["length"]))
            return {**ok, "file_id": file_id, "upload_url": f"{self.url}{UPLOAD_PATH}{file_id}"}
        if method == "files.completeUploadExternal":
            return self._complete(json.loads(args.get("files") or "[]"))
        if method == "files.delete":
            if self.uploads.pop(args.get("file", ""), None) is None:
                return {"ok": False, "error": "file_not_found"}
            return ok
        if method in ("assistant.threads.setStatus", "assistant.threads.setTitle"):
            return (
                ok if args.get("channel_id") and args.get("thread_ts") else {"ok": False, "error": "invalid_arguments"}
            )
        if method == "assistant.threads.setSuggestedPrompts":
            raw = args.get("prompts")
            prompts: list[dict[str, str]] = json.loads(raw) if isinstance(raw, str) else list(raw or [])
            args["prompts"] = prompts
            valid = 0 < len(prompts) <= 4 and all(p.get("title") and p.get("message") for p in prompts)
            if valid and args.get("channel_id") and args.get("thread_ts"):
                return ok
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": False, "error": "unknown_method"}

    def _receive_upload(self, request: BaseHTTPRequestHandler) -> None:
        """The upload URL: the raw bytes, as slack_sdk posts them; Slack answers in plain text."""
        file_id = request.path.removeprefix(UPLOAD_PATH)
        data = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        self._record("file.upload", {"file_id": file_id, "size": len(data)}, None)
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is not None:
                upload.data = data
        status, body = (200, f"OK - {len(data)}") if upload is not None else (404, "not found")
        request.send_response(status)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body.encode())

    def _complete(self, files: list[dict[str, Any]]) -> dict[str, Any]:
        """Every file must have arrived whole, in the length announced."""
        with self._lock:
            for item in files:
                upload = self.uploads.get(item.get("id", ""))
                if upload is None or upload.data is None or len(upload.data) != upload.length:
                    return {"ok": False, "error": "file_not_found"}
            for item in files:
                upload = self.uploads[item["id"]]
                upload.title, upload.completed_at = item.get("title") or upload.name, time.monotonic()
        return {"ok": True, "files": [{"id": item["id"], "title": self.uploads[item["id"]].title} for item in files]}

    def _uploaded(self, file_id: str) -> dict[str, Any]:
        """files.info of an upload: the mimetype stays empty until Slack has processed it."""
        upload = self.uploads[file_id]
        ready = upload.processed(self.processing_s)
        is_png = (upload.data or b"").startswith(PNG)
        return {
            "id": file_id,
            "name": upload.name,
            "title": upload.title,
            "size": upload.length,
            "mimetype": ("image/png" if is_png else "application/octet-stream") if ready else "",
            "channels": [],
        }

    def _unshowable_images(self, view: dict[str, Any]) -> list[str]:
        """Image blocks naming a Slack file that is not an uploaded, processed image, as Slack words it."""
        refused = []
        for index, block in enumerate(view.get("blocks") or []):
            if block.get("type") != "image" or "slack_file" not in block:
                continue
            upload = self.uploads.get(block["slack_file"].get("id", ""))
            if upload is None or not upload.processed(self.processing_s) or not (upload.data or b"").startswith(PNG):
                refused.append(f"invalid slack file [json-pointer:/view/blocks/{index}/slack_file]")
        return refused

    def _download(self, request: BaseHTTPRequestHandler) -> None:
        self._record("file.download", {"path": request.path}, request.headers.get("Authorization"))
        file_id = request.path.split("/")[2].split("-", 1)[-1]
        authorized = request.headers.get("Authorization") == f"Bearer {self.token}"
        if not authorized or file_id not in self.files:
            request.send_response(302)
            request.send_header("Location", f"{self.url}/login")
            request.end_headers()
            return
        _, data = self.files[file_id]
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


def _landing(channel: str | None) -> str | None:
    """Where a message to `channel` lands: Slack posts one sent to a user id in the person's DM
    with the bot, answers with the DM's id, and reads the DM by that id only."""
    return f"D{channel}" if channel and channel[0] in "UW" else channel


class _QuietServer(ThreadingHTTPServer):
    """A client killed mid-request (the fault tests do it on purpose) is not an error here."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _as_read(message: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """A posted message as Slack's read methods return it: from the bot, with blocks (Slack makes
    a rich_text block of a plain text); metadata only when asked for."""
    blocks = message.get("blocks") or [
        {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": message.get("text", "")}]}
            ],
        }
    ]
    read = {
        "type": "message",
        "ts": message["_ts"],
        "text": message.get("text", ""),
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "blocks": blocks,
    }
    if message.get("thread_ts"):
        read["thread_ts"] = message["thread_ts"]
    if str(args.get("include_all_metadata")).lower() in ("true", "1") and message.get("metadata"):
        metadata = message["metadata"]
        read["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
    return read


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: v0 HMAC-SHA256 over 'v0:{timestamp}:{body}'."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def deliver(
    url: str,
    secret: str,
    payload: dict[str, Any],
    *,
    form: bool = False,
    headers: dict[str, str] | None = None,
    timestamp: int | None = None,
    signature_secret: str | None = None,
    client: httpx.Client | None = None,
) -> httpx.Response:
    """POSTs to the bot as Slack does: JSON for events, form-encoded for commands and interactions.
    Pass a shared `client` when timing: a fresh one per call costs more than the bot's ack."""
    if form:
        body = urllib.parse.urlencode(payload)
        content_type = "application/x-www-form-urlencoded"
    else:
        body = json.dumps(payload)
        content_type = "application/json"
    signed = sign(signature_secret or secret, body, timestamp)
    send = client.post if client is not None else httpx.post
    return send(url, content=body, headers={"Content-Type": content_type, **signed, **(headers or {})}, timeout=30)


def event(event_body: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "enterprise_id": ENTERPRISE,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": event_body,
        "authorizations": [
            {
                "enterprise_id": ENTERPRISE,
                "team_id": TEAM,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }


def interaction(payload: dict[str, Any]) -> dict[str, str]:
    return {"payload": json.dumps(payload)}
