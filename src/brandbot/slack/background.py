"""What a replica runs besides answering Slack: workers for work rows and the outbox, the
heartbeat that keeps their leases, and the sweeps (one replica at a time)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from brandbot.slack import notices, requests, uploads
from brandbot.slack.deps import SlackDeps
from brandbot.store.models import OutboxMessage, WorkItem
from brandbot.store.requests import Job
from brandbot.workers import Handler, WorkerPool
from brandbot.workflow.approvals import expire_due

log = logging.getLogger(__name__)


@dataclass
class Background:
    deps: SlackDeps
    work: WorkerPool[WorkItem] = field(init=False)
    outbox: WorkerPool[OutboxMessage] = field(init=False)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        services = self.deps.services
        settings = services.settings
        run_request = requests.handler(self.deps)
        handlers: dict[str, Handler[WorkItem]] = {kind: run_request for kind in Job.ALL}
        handlers[uploads.INGEST] = uploads.handler(self.deps)
        wake = self.deps.wake
        self.work = WorkerPool("work", services.work, handlers, settings.slack_workers, wake)
        courier = notices.Courier(services, self.deps.client)
        self.outbox = WorkerPool("outbox", services.outbox, courier.handlers(), settings.outbox_workers, wake)

    def start(self) -> None:
        self.work.start()
        self.outbox.start()
        threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True).start()
        threading.Thread(target=self._sweeps, name="sweeps", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self.work.stop()
        self.outbox.stop()

    def _heartbeat(self) -> None:
        """On its own thread, so no slow sweep or Slack call can let a lease lapse."""
        services = self.deps.services
        while not self._stop.wait(services.settings.worker_heartbeat_s):
            try:
                services.work.renew()
                services.outbox.renew()
            except Exception:
                log.exception("heartbeat failed; trying again")

    def _sweeps(self) -> None:
        settings = self.deps.services.settings
        while not self._stop.wait(settings.sweep_every_s):
            try:
                self.sweep()
            except Exception:
                log.exception("sweep failed; trying again")

    def sweep(self) -> None:
        """Expired drafts closed, and decisions whose resume never ran queued again. Both only
        write rows; the workers do the rest."""
        services = self.deps.services
        lease = timedelta(seconds=services.settings.sweep_every_s * 0.9)
        if not services.leases.acquire("sweep", lease):
            return
        expired = expire_due(services.engine)
        for draft in services.requests.decided_but_waiting():
            if services.engine.pending_review(draft.request_id) is not None:
                log.warning("draft %s was decided but its workflow still waits; resuming it", draft.id)
                services.requests.queue_resume(draft)
        if expired:
            self.deps.nudge()
