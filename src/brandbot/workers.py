"""Pools that claim queued rows and run them; the same settling rules for the CLI's inline runs.

A handler that returns finishes its row. One that raises is tried again later with backoff,
and after `MAX_ATTEMPTS` given up on (its `on_give_up` tells whoever waits). A row whose
lease was taken over by another replica is left to that replica.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic

from brandbot import metrics
from brandbot.store.queue import Queue, Row

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
CLAIM_BATCH = 32
"""Most rows a pool claims in one transaction when it has that many slots free."""


class LostOwnership(Exception):
    """Another replica took this row over (this one's lease lapsed), or this process is stopping
    (`Queue.let_go`): stop without writing."""


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
        if queue.release(row.id):
            log.info("%s %s stopped before it finished; released to the next worker", row.kind, row.key)
        else:
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
    """Runs up to `capacity` rows of the handlers' kinds at once. One thread claims, and only
    while a slot is free, so a saturated pool leaves the rest queued (in order, for any replica
    with room) and an idle one polls once per `idle_s`, or at once when nudged."""

    def __init__(
        self, name: str, queue: Queue[Row], handlers: Mapping[str, Handler[Row]], capacity: int, idle_s: float = 0.5
    ) -> None:
        self.name = name
        self._queue: Queue[Row] = queue
        self._handlers: dict[str, Handler[Row]] = dict(handlers)
        self._idle_s = idle_s
        self._stop = threading.Event()
        self._wake = threading.Condition()
        self._slots = threading.BoundedSemaphore(capacity)
        self._busy = 0
        self._running: set[int] = set()
        self._letting_go = False
        self._busy_lock = threading.Lock()
        self._runners = ThreadPoolExecutor(capacity, thread_name_prefix=name)
        self._claimer = threading.Thread(target=self._claim_loop, name=f"{name}-claims", daemon=True)

    @property
    def busy(self) -> int:
        """Rows running now."""
        return self._busy

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def start(self) -> None:
        self._claimer.start()

    def nudge(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def halt(self) -> None:
        """Claims no more; what runs goes on."""
        self._stop.set()
        self.nudge()

    def stop(self, timeout: float = 5.0) -> None:
        """Claims no more, and gives the rows running `timeout` to finish. Any still running then
        stop at their next step and go back to the queue, and rows claimed but not started go
        back at once: when this returns, no row starts anything new here, so the pools and
        connections its handlers use can close. (A step under way, such as an LLM call, ends
        first; if the process is killed before, the row's lease lapses and another replica takes it.)"""
        self.halt()
        deadline = time.monotonic() + timeout
        self._claimer.join(timeout)
        while self._busy and time.monotonic() < deadline:
            time.sleep(0.05)
        with self._busy_lock:
            self._letting_go = True
            running = set(self._running)
        self._queue.let_go(running)
        self._runners.shutdown(wait=False)

    def _claim_loop(self) -> None:
        while not self._stop.is_set():
            if not self._slots.acquire(timeout=self._idle_s):
                continue
            free = 1
            while free < CLAIM_BATCH and self._slots.acquire(blocking=False):
                free += 1
            try:
                rows = self._queue.claim_many(self._handlers, free)
            except Exception:
                log.exception("%s: claiming work failed; trying again", self.name)
                rows = []
            for _ in range(free - len(rows)):
                self._slots.release()
            if not rows:
                with self._wake:
                    self._wake.wait(self._idle_s)
                continue
            for row in rows:
                self._set_busy(+1)
                self._runners.submit(self._run, row)

    def _run(self, row: Row) -> None:
        with self._busy_lock:
            start = not self._letting_go
            if start:
                self._running.add(row.id)
        try:
            if start:
                run_one(self._queue, row, self._handlers[row.kind])
            else:
                self._queue.release(row.id)
        finally:
            with self._busy_lock:
                self._running.discard(row.id)
            self._set_busy(-1)
            self._slots.release()

    def _set_busy(self, change: int) -> None:
        with self._busy_lock:
            self._busy += change
            metrics.WORK_RUNNING.labels(self.name).set(self._busy)


class Wakeups:
    """This process's pools, woken when work is queued: all of them after a write here (a Slack
    listener's, a worker's), or those that run a kind another process queued (`store/wakeups.py`)."""

    def __init__(self) -> None:
        self._pools: list[WorkerPool[Any]] = []
        self._lock = threading.Lock()

    def add(self, pool: WorkerPool[Any]) -> None:
        with self._lock:
            self._pools.append(pool)

    def all(self) -> None:
        for pool in self._snapshot():
            pool.nudge()

    def kind(self, kind: str) -> None:
        for pool in self._snapshot():
            if kind in pool.kinds:
                pool.nudge()

    def _snapshot(self) -> list[WorkerPool[Any]]:
        with self._lock:
            return list(self._pools)
