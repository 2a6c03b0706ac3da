"""What a replica runs besides answering Slack: workers for work rows and the outbox, the
heartbeat that keeps their leases, and the sweeps (one replica at a time)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from brandbot.slack import answers, intake, notices, requests, text_checks, uploads
from brandbot.slack.deps import SlackDeps
from brandbot.store import audit_anchors, retention
from brandbot.store.models import OutboxMessage, WorkItem
from brandbot.store.outbox import Notice
from brandbot.store.wakeups import QueuedListener
from brandbot.store.work_kinds import DRAFTING, WorkKind
from brandbot.workers import Handler, WorkerPool
from brandbot.workflow.approvals import expire_due

log = logging.getLogger(__name__)


@dataclass
class Background:
    deps: SlackDeps
    intake: WorkerPool[WorkItem] = field(init=False)
    drafting: WorkerPool[WorkItem] = field(init=False)
    decisions: WorkerPool[WorkItem] = field(init=False)
    uploads: WorkerPool[WorkItem] = field(init=False)
    rechecks: WorkerPool[WorkItem] = field(init=False)
    checks: WorkerPool[WorkItem] = field(init=False)
    answers: WorkerPool[WorkItem] = field(init=False)
    outbox: WorkerPool[OutboxMessage] = field(init=False)
    cards: WorkerPool[OutboxMessage] = field(init=False)
    _stop: threading.Event = field(default_factory=threading.Event)
    _started: tuple[WorkerPool[Any], ...] = ()
    _listener: QueuedListener | None = None

    def __post_init__(self) -> None:
        services = self.deps.services
        settings = services.settings
        run_request = requests.handler(self.deps)

        def pool(name: str, kinds: tuple[str, ...], capacity: int, run: Handler[WorkItem]) -> WorkerPool[WorkItem]:
            return WorkerPool(name, services.work, dict.fromkeys(kinds, run), capacity, settings.worker_poll_s)

        self.intake = pool("intake", (WorkKind.intake,), settings.slack_workers, intake.handler(self.deps))
        self.drafting = pool("drafting", DRAFTING, settings.resolved_llm_max_in_flight, run_request)
        self.decisions = pool("decisions", (WorkKind.resume,), settings.slack_workers, run_request)
        self.uploads = pool("uploads", (WorkKind.ingest,), 1, uploads.handler(self.deps))
        self.rechecks = pool("rechecks", (WorkKind.recheck,), 1, services.rechecker.handler(services.work.still_held))
        self.checks = pool("checks", (WorkKind.text_check,), settings.slack_workers, text_checks.handler(self.deps))
        self.answers = pool(
            "answers", (WorkKind.answer,), settings.resolved_llm_max_in_flight, answers.handler(self.deps)
        )
        news = notices.Courier(services, self.deps.client).handlers()
        cards: dict[str, Handler[OutboxMessage]] = {Notice.card_closed: news.pop(Notice.card_closed)}
        poll = settings.worker_poll_s
        self.outbox = WorkerPool("outbox", services.outbox, news, settings.outbox_workers, poll)
        self.cards = WorkerPool("outbox-cards", services.outbox, cards, settings.outbox_workers, poll)

    @property
    def pools(self) -> tuple[WorkerPool[Any], ...]:
        """Decisions and decided cards have pools of their own: no click waits behind drafting, nor
        a card behind the requester's news; nor does reading what a message asks for (a short
        structured call, bounded by the LLM client), nor a text check (rules and retrieval, no
        LLM), nor a question, which people expect answered in seconds."""
        return (
            self.intake,
            self.drafting,
            self.decisions,
            self.uploads,
            self.rechecks,
            self.checks,
            self.answers,
            self.outbox,
            self.cards,
        )

    def start(self, *, decisions_only: bool = False) -> None:
        """Every pool and the sweeps; or, in a process that only answers Slack, just the pool that
        closes decided cards: the process that took the click updates the card at once, never
        behind drafting (`brandbot work` runs it too, for replicas without such a process)."""
        self._started = (self.cards,) if decisions_only else self.pools
        for pool in self._started:
            self.deps.wake.add(pool)
            pool.start()
        threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True).start()
        if decisions_only:
            return
        threading.Thread(target=self._sweeps, name="sweeps", daemon=True).start()
        db = self.deps.services.db
        if db.engine.dialect.name == "postgresql":
            self._listener = QueuedListener(db.url, self.deps.wake.kind)
            self._listener.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Every pool stops claiming at once; together they get `timeout` to finish what runs
        (the rest stop at their next step, for another replica). Only then does the pool that
        sends requesters' news close: the workers use it to the end."""
        self._stop.set()
        if self._listener is not None:
            self._listener.stop()
        for pool in self._started:
            pool.halt()
        deadline = time.monotonic() + timeout
        for pool in self._started:
            pool.stop(max(0.0, deadline - time.monotonic()))
        self.deps.news.shutdown(wait=False)

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
        """The guideline index is swept once at start, which also indexes the sentences of
        chunks stored by a version of brandbot that did not; then drafts, every period."""
        settings = self.deps.services.settings
        try:
            self.deps.services.knowledge_base.sweep()
        except Exception:
            log.exception("guideline index sweep failed; searches still work")
        while not self._stop.wait(settings.sweep_every_s):
            try:
                self.sweep()
            except Exception:
                log.exception("sweep failed; trying again")

    def sweep(self) -> None:
        """Expired drafts closed, and decisions whose resume never ran queued again. Both only
        write rows; the workers do the rest. Then rows past their retention go, and once a day
        the audit chain's head is anchored in the approval channel."""
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
        pruned = retention.prune(services.db, services.settings)
        if pruned.events or pruned.work or pruned.outbox:
            log.info("pruned %d event keys, %d work rows, %d outbox rows", pruned.events, pruned.work, pruned.outbox)
        if audit_anchors.anchor_if_due(services.db, "sweep", services.settings.approval_channel) is not None:
            self.deps.nudge()
