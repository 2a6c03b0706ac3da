"""Runs requests through the graph, as work rows: a request, a decision and a retry each queue
one, and whoever claims it (a bot replica's worker, or the CLI inline) advances the request's
workflow as far as it goes: to the next review, or to the end."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command

from brandbot import logs
from brandbot.llm import LLMError
from brandbot.store.budget import Charge, Kind, OverBudget
from brandbot.store.models import Draft, Request, WorkItem
from brandbot.store.queue import Queue, RowState
from brandbot.store.requests import Along, RequestWithdrawn
from brandbot.store.status import RequestStatus
from brandbot.store.work_kinds import DRAFTING, REQUEST_WORK
from brandbot.workers import Handler, LostOwnership, run_one
from brandbot.workflow.graph import build_graph
from brandbot.workflow.limits import too_long
from brandbot.workflow.state import DraftState, WorkflowContext

log = logging.getLogger(__name__)
RESTARTABLE = (RequestStatus.received, RequestStatus.drafting, RequestStatus.failed)


class RequestInvalid(ValueError):
    """The request cannot be worked on as written; the message says why."""


@dataclass(frozen=True)
class RunOutcome:
    """Where a request stands after a run: awaiting review with a draft, finished, or failed."""

    request: Request
    draft: Draft | None
    error: str | None = None


Progress = Callable[[dict[str, Any]], None]
"""Receives the workflow's progress events, e.g. {"stage": "drafting", "passages": 4}."""


def thread(request_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": request_id}}


class Engine:
    def __init__(self, context: WorkflowContext, checkpointer: BaseCheckpointSaver[Any], work: Queue[WorkItem]) -> None:
        self.context = context
        self.graph = build_graph(checkpointer)
        self.work = work

    def submit(
        self,
        requester: str,
        text: str,
        origin: str = "cli",
        *,
        reply_to: dict[str, Any] | None = None,
        event_keys: tuple[str, ...] = (),
        along: Along | None = None,
    ) -> Request | None:
        """Records the request and queues its drafting (and `along`, in the same transaction);
        None if `event_keys` were seen before."""
        text = text.strip()
        if not text:
            raise RequestInvalid("The request is empty: say what you need, e.g. 'a LinkedIn post about ...'.")
        problem = too_long(text, self.context.settings.max_request_chars, "request")
        if problem:
            raise RequestInvalid(problem)
        requester = requester.strip()
        if not requester:
            raise RequestInvalid("Who is asking? A requester name is required.")
        try:
            return self.context.requests.create_request(
                requester, text, origin, reply_to, event_keys=event_keys, along=along, charge=self._drafting(requester)
            )
        except OverBudget as over:
            raise RequestInvalid(str(over)) from None

    def reopen(self, request_id: str, actor: str) -> bool:
        """A failed request queued to run again, once, paid from `actor`'s drafts budget (a retry
        drafts again); False if it is not failed. RequestInvalid past the budget."""
        try:
            return self.context.requests.reopen(request_id, actor, charge=self._drafting(actor))
        except OverBudget as over:
            raise RequestInvalid(str(over)) from None

    def _drafting(self, person: str) -> Charge:
        """The budget a drafting run is paid from, taken with the row that starts it."""
        return Charge.of(self.context.settings, person, Kind.draft)

    def ask(self, requester: str, text: str, origin: str = "cli", *, on_progress: Progress | None = None) -> RunOutcome:
        """Submits and drafts in this process, for the CLI."""
        request = self.submit(requester, text, origin)
        assert request is not None
        return self.run_now(f"draft:{request.id}", request.id, on_progress)

    def retry(self, request_id: str, actor: str, on_progress: Progress | None = None) -> RunOutcome:
        """Picks up a failed request where it stopped, or one whose worker stopped (its work row's
        lease lapsed); here, in this process."""
        request = self.context.requests.get_request(request_id)
        if request is None:
            raise RequestInvalid(f"There is no request {request_id}.")
        reopened = self.reopen(request_id, actor)
        key = self._open_job(request_id)
        if key is None:
            raise RequestInvalid(f"Request {request_id} is already {request.status}; there is nothing to retry.")
        if reopened:
            return self.run_now(key, request_id, on_progress)
        row = self.work.claim(key=key)
        if row is None:
            raise RequestInvalid(f"Request {request_id} is being worked on already.")
        run_one(self.work, row, self.handler(on_progress))
        return self._outcome(request_id)

    def run_now(self, key: str, request_id: str, on_progress: Progress | None = None) -> RunOutcome:
        """Runs the work row `key` here if no worker took it first; else waits for it to settle."""
        row = self.work.claim(key=key)
        if row is not None:
            run_one(self.work, row, self.handler(on_progress))
        else:
            self._wait_for(key)
        return self._outcome(request_id)

    def run_if_queued(self, key: str) -> None:
        """Runs the work row `key` here if it waits and nobody runs it; never waits itself."""
        row = self.work.claim(key=key)
        if row is not None:
            run_one(self.work, row, self.handler())

    def handler(self, on_progress: Progress | None = None) -> Handler[WorkItem]:
        """How a request's work row runs, for any worker."""

        def run(row: WorkItem) -> None:
            assert row.request_id is not None
            self.advance(row.request_id, on_progress, guard=lambda: self._still_owned(row))

        def on_give_up(row: WorkItem, reason: str) -> None:
            if row.request_id is not None:
                self.context.requests.fail(row.request_id, f"Internal error: {reason}")

        return Handler(run, on_give_up)

    def advance(
        self, request_id: str, on_progress: Progress | None = None, guard: Callable[[], None] = lambda: None
    ) -> None:
        """Runs the workflow from wherever the request stands: new, failed half way, or paused on
        a review that has been decided (the decision is read from the app database)."""
        request = self.context.requests.get_request(request_id)
        if request is None:
            log.warning("work for request %s, which does not exist", request_id)
            return
        pending = self.pending_review(request_id)
        if pending is None and request.status == RequestStatus.withdrawn:
            log.info("request %s was withdrawn; nothing to do", request_id)
            return

        def still_wanted() -> None:
            guard()
            self._not_withdrawn(request_id)

        if pending is not None:
            decision = self.context.requests.decision_for(pending["draft_id"])
            if decision is None:
                return
            log.info("resuming %s with the decision on %s", request_id, pending["draft_id"])
            text = decision.final_text if decision.action == "edit" else decision.note
            self._run(request_id, Command(resume={"action": decision.action, "text": text}), on_progress, still_wanted)
            return
        snapshot = self.graph.get_state(thread(request_id))
        if not snapshot.values or (not snapshot.next and request.status in RESTARTABLE):
            state: DraftState = {"request_id": request.id, "requester": request.requester, "request": request.text}
            self._run(request_id, state, on_progress, still_wanted)
        elif snapshot.next:
            self._run(request_id, None, on_progress, still_wanted)

    def queue_position(self, request_id: str) -> int | None:
        """Drafts waiting for the LLM before this request's; None once its drafting has started."""
        key = self.work.unfinished_key(request_id, DRAFTING)
        return None if key is None else self.work.ahead_of(key, DRAFTING)

    def state(self, request_id: str) -> dict[str, Any]:
        """The workflow's state as last checkpointed: passages, examples, draft."""
        return dict(self.graph.get_state(thread(request_id)).values)

    def pending_review(self, request_id: str) -> dict[str, Any] | None:
        """The payload of the review the graph is paused on, if it is paused on one."""
        snapshot = self.graph.get_state(thread(request_id))
        for interrupt in snapshot.interrupts:
            if isinstance(interrupt.value, dict) and "draft_id" in interrupt.value:
                return interrupt.value
        return None

    def _run(
        self,
        request_id: str,
        payload: DraftState | Command[Any] | None,
        on_progress: Progress | None,
        guard: Callable[[], None],
    ) -> None:
        context = dataclasses.replace(self.context, guard=guard)
        try:
            with logs.bind(request_id=request_id):
                steps = self.graph.stream(
                    payload, thread(request_id), context=context, stream_mode="custom", durability="exit"
                )
                for event in steps:
                    if on_progress is not None:
                        on_progress(event)
                request = self.context.requests.get_request(request_id)
                log.info("workflow paused or finished: %s", request.status if request else "gone")
        except LLMError as error:
            guard()
            self.context.requests.fail(request_id, str(error))
            log.warning("request %s failed: %s", request_id, error)
        except RequestWithdrawn:
            log.info("request %s was withdrawn while it was worked on; stopped", request_id)

    def _not_withdrawn(self, request_id: str) -> None:
        request = self.context.requests.get_request(request_id)
        if request is not None and request.status == RequestStatus.withdrawn:
            raise RequestWithdrawn(request_id)

    def _still_owned(self, row: WorkItem) -> None:
        if not self.work.still_held(row):
            raise LostOwnership(row.key)

    def _open_job(self, request_id: str) -> str | None:
        """The key of the request's unfinished work row, if it has one."""
        return self.work.unfinished_key(request_id, REQUEST_WORK)

    def _wait_for(self, key: str, timeout_s: float = 600.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            row = self.work.by_key(key)
            if row is None or row.state in (RowState.done, RowState.failed):
                return
            time.sleep(0.2)

    def _outcome(self, request_id: str) -> RunOutcome:
        request = self.context.requests.get_request(request_id)
        assert request is not None
        error = request.error if request.status in (RequestStatus.failed, RequestStatus.refused) else None
        return RunOutcome(request, self.context.requests.latest_draft(request_id), error)
