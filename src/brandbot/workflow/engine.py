"""Runs requests through the graph: start one, pick a failed one up again, resume a paused one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command

from brandbot import logs
from brandbot.llm import LLMError
from brandbot.store.models import Draft, Request
from brandbot.workflow.graph import build_graph
from brandbot.workflow.state import DraftState, WorkflowContext

log = logging.getLogger(__name__)


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
    def __init__(
        self,
        context: WorkflowContext,
        checkpointer: BaseCheckpointSaver[Any],
        working_on: Callable[[str], None] | None = None,
    ) -> None:
        """`working_on(request_id)` is told before each run, so another replica can tell a
        request that is being worked on from one whose worker died."""
        self.context = context
        self.graph = build_graph(checkpointer)
        self._working_on = working_on

    def ask(
        self,
        requester: str,
        text: str,
        origin: str = "cli",
        *,
        reply_to: dict[str, Any] | None = None,
        on_progress: Progress | None = None,
    ) -> RunOutcome:
        text = text.strip()
        if not text:
            raise RequestInvalid("The request is empty: say what you need, e.g. 'a LinkedIn post about ...'.")
        limit = self.context.settings.max_request_chars
        if len(text) > limit:
            raise RequestInvalid(f"The request is {len(text)} characters long; the limit is {limit}.")
        if not requester.strip():
            raise RequestInvalid("Who is asking? A requester name is required.")
        request = self.context.requests.create_request(requester.strip(), text, origin, reply_to)
        state: DraftState = {"request_id": request.id, "requester": request.requester, "request": text}
        return self._run(request.id, state, on_progress)

    def retry(self, request_id: str, on_progress: Progress | None = None) -> RunOutcome:
        """Continues a request whose run failed (LLM down, process killed) where it stopped."""
        request = self.context.requests.get_request(request_id)
        if request is None:
            raise RequestInvalid(f"There is no request {request_id}.")
        snapshot = self.graph.get_state(thread(request_id))
        pending = self.pending_review(request_id)
        if pending is not None:
            decision = self.context.requests.decision_for(pending["draft_id"])
            if decision is None:
                raise RequestInvalid(f"Request {request_id} is waiting for a decision; there is nothing to retry.")
            log.info("resuming %s with the decision recorded on %s", request_id, pending["draft_id"])
            return self.resume(request_id, _resume_value(decision.action, decision.final_text or decision.note))
        restartable = request.status in ("received", "drafting", "failed")
        if not snapshot.values or (not snapshot.next and restartable):
            log.info("starting %s over: no checkpoint to continue from", request_id)
            state: DraftState = {"request_id": request.id, "requester": request.requester, "request": request.text}
            return self._run(request_id, state, on_progress)
        if not snapshot.next:
            raise RequestInvalid(f"Request {request_id} is already {request.status}; there is nothing to retry.")
        return self._run(request_id, None, on_progress)

    def resume(self, request_id: str, value: dict[str, Any]) -> RunOutcome:
        return self._run(request_id, Command(resume=value))

    def pending_review(self, request_id: str) -> dict[str, Any] | None:
        """The payload of the review the graph is paused on, if it is paused on one."""
        snapshot = self.graph.get_state(thread(request_id))
        for interrupt in snapshot.interrupts:
            if isinstance(interrupt.value, dict) and "draft_id" in interrupt.value:
                return interrupt.value
        return None

    def _run(
        self, request_id: str, payload: DraftState | Command[Any] | None, on_progress: Progress | None = None
    ) -> RunOutcome:
        requests = self.context.requests
        if self._working_on is not None:
            self._working_on(request_id)
        try:
            with logs.bind(request_id=request_id):
                for event in self.graph.stream(payload, thread(request_id), context=self.context, stream_mode="custom"):
                    if on_progress is not None:
                        on_progress(event)
                log.info("workflow paused or finished: %s", self.context.requests.get_request(request_id).status)  # type: ignore[union-attr]
        except LLMError as error:
            requests.update_request(request_id, status="failed", error=str(error))
            log.warning("request %s failed: %s", request_id, error)
            return self._outcome(request_id, str(error))
        except Exception as error:
            requests.update_request(request_id, status="failed", error=f"Internal error: {type(error).__name__}")
            raise
        return self._outcome(request_id, None)

    def _outcome(self, request_id: str, error: str | None) -> RunOutcome:
        request = self.context.requests.get_request(request_id)
        assert request is not None
        return RunOutcome(request, self.context.requests.latest_draft(request_id), error)


def _resume_value(action: str, text: str | None) -> dict[str, Any]:
    return {"action": action, "text": text}
