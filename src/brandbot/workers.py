"""Threads that claim queued rows and run them; the same settling rules for the CLI's inline runs.

A handler that returns finishes its row. One that raises is tried again later with backoff,
and after `MAX_ATTEMPTS` given up on (its `on_give_up` tells whoever waits). A row whose
lease was taken over by another replica is left to that replica.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic

from brandbot.store.queue import Queue, Row

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class LostOwnership(Exception):
    """Another replica took this row over (this one's lease lapsed): stop without writing."""


@dataclass(frozen=True)
class Handler(Generic[Row]):
    run: Callable[[Row], None]
    on_give_up: Callable[[Row, str], None] = lambda row, error: None


def run_one(queue: Queue[Row], row: Row, handler: Handler[Row]) -> None:
    """Runs a claimed row and settles it: finished, tried again later, or given up."""
    if row.attempts > MAX_ATTEMPTS:
        _give_up(queue, row, handler, row.error or "stopped during every attempt")
        return
    try:
        handler.run(row)
    except LostOwnership:
        log.warning("%s %s was taken over by another worker; leaving it", row.kind, row.key)
        return
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
        if row.attempts >= MAX_ATTEMPTS:
            log.exception("%s %s failed %d times; giving up", row.kind, row.key, row.attempts)
            _give_up(queue, row, handler, reason)
        else:
            delay = timedelta(seconds=min(2 ** (row.attempts - 1), 60))
            log.exception("%s %s failed (attempt %d); again in %s", row.kind, row.key, row.attempts, delay)
            queue.retry_later(row.id, reason, delay)
        return
    queue.finish(row.id)


def _give_up(queue: Queue[Row], row: Row, handler: Handler[Row], reason: str) -> None:
    if queue.give_up(row.id, reason):
        handler.on_give_up(row, reason)


class WorkerPool(Generic[Row]):
    """`threads` workers claiming rows of the handlers' kinds; idle ones look again every
    `idle_s`, or at once when `wake` is notified (this process queued something)."""

    def __init__(
        self,
        name: str,
        queue: Queue[Row],
        handlers: Mapping[str, Handler[Row]],
        threads: int,
        wake: threading.Condition | None = None,
        idle_s: float = 0.5,
    ) -> None:
        self.name = name
        self._queue: Queue[Row] = queue
        self._handlers: dict[str, Handler[Row]] = dict(handlers)
        self._threads = threads
        self._idle_s = idle_s
        self._stop = threading.Event()
        self._wake = wake or threading.Condition()
        self._running: list[threading.Thread] = []

    def start(self) -> None:
        for number in range(self._threads):
            thread = threading.Thread(target=self._loop, name=f"{self.name}-{number}", daemon=True)
            thread.start()
            self._running.append(thread)

    def nudge(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.nudge()
        for thread in self._running:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                row = self._queue.claim(self._handlers)
            except Exception:
                log.exception("%s: claiming work failed; trying again", self.name)
                row = None
            if row is None:
                with self._wake:
                    self._wake.wait(self._idle_s)
                continue
            run_one(self._queue, row, self._handlers[row.kind])
