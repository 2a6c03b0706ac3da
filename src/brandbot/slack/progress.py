"""News in the requester's thread while a request is drafted, kept off the drafting thread.

Slack calls take milliseconds to seconds; a drafting thread that waited on them would leave the
LLM idle. So each request's news (its progress message, the assistant status line) goes to a
small shared pool: in order per request, only the latest progress shown, and nothing once the
draft is recorded, since the courier then turns the message into "waiting for an approver".
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from brandbot.slack.blocks import intake, messages
from brandbot.slack.deps import SlackDeps
from brandbot.slack.notices import keep_first_status

log = logging.getLogger(__name__)


class RequestNews:
    def __init__(self, deps: SlackDeps, request_id: str, reply_to: dict[str, Any], *, fresh: bool):
        self._deps = deps
        self._executor = deps.news
        self._request_id = request_id
        self._channel: str = reply_to["channel"]
        self._thread_ts: str | None = reply_to.get("thread_ts")
        self._fresh = fresh
        self._ts: str | None = None if fresh else reply_to.get("status_ts")
        self._drafts_before = len(deps.services.requests.drafts_for(request_id))
        self._wanted: dict[str, Any] | None = None
        self._shown: dict[str, Any] | None = None
        self._pending: deque[Callable[[], object]] = deque()
        self._draining = False
        self._lock = threading.Lock()

    def progress(self, event: dict[str, Any]) -> None:
        """The workflow's `on_progress`: shows the latest stage."""
        with self._lock:
            self._wanted = dict(event)
        self._submit(self._show_latest)

    def status(self, text: str) -> None:
        """The assistant thread's status line ("is drafting..."); only assistant threads have one."""
        if self._thread_ts:
            self._submit(lambda: self._set_status(text))

    def say(self, text: str) -> None:
        self._submit(lambda: self._post(text=text))

    def _submit(self, action: Callable[[], object]) -> None:
        with self._lock:
            self._pending.append(action)
            if self._draining:
                return
            self._draining = True
        try:
            self._executor.submit(self._drain)
        except RuntimeError:
            log.info("news for request %s dropped: this replica is stopping", self._request_id)

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._draining = False
                    return
                action = self._pending.popleft()
            try:
                action()
            except SlackApiError as error:
                log.warning("news for request %s skipped: %s", self._request_id, error.response.get("error"))
            except Exception:
                log.exception("news for request %s failed", self._request_id)

    def _show_latest(self) -> None:
        with self._lock:
            wanted = self._wanted
        if wanted is None or wanted == self._shown or self._draft_recorded():
            return
        shown = intake.with_just_answer(messages.progress(wanted), self._request_id)
        if self._ts is None:
            posted = self._post(**shown)
            self._ts = self._keep(posted)
            if self._ts == posted:
                self._shown = wanted
                return
        self._deps.client.chat_update(channel=self._channel, ts=self._ts, **shown)
        self._shown = wanted

    def _keep(self, ts: str) -> str:
        """The courier may have posted the "queued" message meanwhile: the first one posted is
        kept; a retry's new message replaces the old one."""
        if self._fresh:
            self._deps.services.requests.set_reply_to(self._request_id, status_ts=ts)
            return ts
        return keep_first_status(self._deps.services, self._deps.client, self._request_id, self._channel, ts)

    def _draft_recorded(self) -> bool:
        return len(self._deps.services.requests.drafts_for(self._request_id)) > self._drafts_before

    def _post(self, **message: Any) -> str:
        response = self._deps.client.chat_postMessage(channel=self._channel, thread_ts=self._thread_ts, **message)
        return str(response["ts"])

    def _set_status(self, text: str) -> None:
        assert self._thread_ts is not None
        try:
            self._deps.client.assistant_threads_setStatus(
                channel_id=self._channel, thread_ts=self._thread_ts, status=text
            )
        except SlackApiError as error:
            log.debug("assistant.threads.setStatus unavailable here: %s", error.response.get("error"))
