"""PostgreSQL's LISTEN/NOTIFY, for the workers: another process queued a row of some kind
(migration 0017's trigger names it when the transaction commits), so this process's idle workers
for that kind look now rather than at their next poll. Only a wake-up: the poll still finds every
row, so a notification lost while the connection was down delays work by one poll, never loses it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
CHANNEL = "brandbot_queued"
RECONNECT_S = 2.0


class QueuedListener:
    def __init__(self, database_url: str, on_queued: Callable[[str], None]) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._on_queued = on_queued
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="queued-listener", daemon=True)
        self.listening = threading.Event()
        """Set while the LISTEN is in force (tests wait for it)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=RECONNECT_S + 1)

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for notification in connection.notifies(timeout=1.0):
                            self._on_queued(notification.payload)
            except psycopg.Error as error:
                log.warning("listening for queued work failed (%s); the workers poll meanwhile", error)
            self.listening.clear()
            self._stop.wait(RECONNECT_S)
