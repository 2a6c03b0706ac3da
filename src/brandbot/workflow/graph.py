"""intake -> retrieve -> draft -> check -> review (paused for a human) -> deliver | draft | close.

The content guard screens the request in `intake` and the final draft in `check`; either can end
the run in `refuse`, before any card is posted.

`check` fixes substitution hits itself and sends a draft that still breaks error-level rules
back to `draft` a bounded number of times. Read top to bottom as the flow. Nodes re-run from
their start when resumed, so each one's writes to the app records are idempotent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal, TypeVar, cast

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from brandbot.formats import format_for
from brandbot.rules import DraftContext, Level, apply_fixes
from brandbot.store.canonical import digest
from brandbot.store.requests import DraftRecord
from brandbot.store.status import CLOSED_OUTCOME, Action, RequestStatus
from brandbot.workflow import personal_data, prompts
from brandbot.workflow.brief import classify
from brandbot.workflow.checks import CheckResult, check_draft
from brandbot.workflow.safety import Verdict
from brandbot.workflow.state import DraftState, WorkflowContext

Graph = CompiledStateGraph[DraftState, WorkflowContext, DraftState, DraftState]


def intake(state: DraftState, runtime: Runtime[WorkflowContext]) -> Command[Literal["retrieve", "refuse"]]:
    verdict = runtime.context.content_guard.screen("request", state["request"])
    if not verdict.safe:
        return Command(goto="refuse", update={"refusal": {"stage": "request", **verdict.to_dict()}})
    brief = classify(runtime.context.llm, state["request"], runtime.context.settings.brand_name)
    runtime.context.requests.update_request(
        state["request_id"], drafting=1, status=RequestStatus.drafting, brief=brief.to_dict()
    )
    update = {"brief": brief.to_dict(), "revision": 1, "feedback": [], "auto_revisions": 0, "fixes": []}
    return Command(goto="retrieve", update=update | {"screened_by": verdict.by})


def retrieve(state: DraftState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    fmt = format_for(state["brief"]["format"])
    query = f"{state['request']}\n{fmt.label} for {state['brief']['audience']}"
    passages = runtime.context.knowledge_base.search(query)
    finder, wanted = runtime.context.examples, runtime.context.settings.draft_examples
    examples = finder.closest(state["request"], fmt.name, wanted) if finder else []
    runtime.stream_writer({"stage": "retrieved", "passages": len(passages)})
    return {"passages": [passage.to_dict() for passage in passages], "examples": [e.to_dict() for e in examples]}


def draft(state: DraftState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    """Writes the draft; again, if the approver asked for changes or rules were broken."""
    context = runtime.context
    fmt = format_for(state["brief"]["format"])
    changes, problems = state.get("changes_requested", []), state.get("rule_feedback", [])
    messages = prompts.draft_messages(
        brand=context.settings.brand_name,
        request=state["request"],
        requester=state["requester"],
        fmt=fmt,
        audience=state["brief"]["audience"],
        passages=state["passages"],
        examples=state.get("examples", []),
        changes=changes,
        problems=problems,
        previous_draft=state.get("draft") if changes or problems else None,
    )
    if changes:
        context.requests.update_request(state["request_id"], drafting=state["revision"], status=RequestStatus.drafting)
    runtime.stream_writer({"stage": "drafting", "revision": state["revision"], "passages": len(state["passages"])})
    completion = context.llm.complete(messages, max_tokens=fmt.max_tokens)
    return {
        "draft": completion.text.strip(),
        "model": completion.model,
        "sampling": completion.sampling,
        "prompt_sha256": digest(messages),
        "changes_requested": [],
        "rule_feedback": [],
    }


def check(state: DraftState, runtime: Runtime[WorkflowContext]) -> Command[Literal["draft", "review", "refuse"]]:
    settings = runtime.context.settings
    fmt = format_for(state["brief"]["format"])
    rules = runtime.context.rules()
    scope = DraftContext(format=fmt.name, promotional=bool(state["brief"].get("promotional")))
    text = state["draft"]
    report = rules.run(text, scope)
    alerts = report.alerts
    fixes = [
        {"check": alert.check, "from": alert.match, "to": alert.replacements[0]}
        for alert in alerts
        if alert.replacements
    ]
    if fixes:
        text = apply_fixes(text, alerts)
        report = rules.run(text, scope)
        alerts = report.alerts
    checks = check_draft(text, fmt)
    flags = [CheckResult(failure.rule, False, "warning", failure.reason) for failure in report.failures]
    if state.get("examples"):
        flags.append(_examples_note(state["examples"]))
    personal = personal_data.find(text)
    if personal:
        found = ", ".join(map(str, personal))
        flags.append(CheckResult("personal_data", False, "warning", f"Personal data in this draft: {found}."))
    update: dict[str, Any] = {
        "draft": text,
        "checks": [result.to_dict() for result in checks + flags],
        "alerts": [alert.to_dict() for alert in alerts],
        "fixes": [*state.get("fixes", []), *fixes],
        "rules_version": rules.version,
    }
    problems = [
        f'{alert.message} (found: "{alert.match}")' if alert.match else alert.message
        for alert in alerts
        if alert.level == Level.error
    ]
    problems += [result.message for result in checks if not result.passed]
    if problems and state.get("auto_revisions", 0) < settings.max_auto_revisions:
        update |= {"auto_revisions": state.get("auto_revisions", 0) + 1, "rule_feedback": problems}
        return Command(goto="draft", update=update)
    verdict = runtime.context.content_guard.screen("draft", state["request"], text)
    if not verdict.safe:
        return Command(goto="refuse", update={**update, "refusal": {"stage": "draft", **verdict.to_dict()}})
    by = sorted({state.get("screened_by", verdict.by), verdict.by})
    screened = CheckResult("content_guard", True, "error", f"Request and draft screened by {' and '.join(by)}.")
    update["checks"] = [*update["checks"], screened.to_dict()]
    return Command(goto="review", update=update)


def review(state: DraftState, runtime: Runtime[WorkflowContext]) -> Command[Literal["deliver", "draft", "close"]]:
    """What goes on is the recorded draft, the one on the card: a worker that re-ran the steps
    before this one (its predecessor stopped after recording, before the checkpoint) may hold
    another text in `state`."""
    context = runtime.context
    recorded = context.requests.record_draft(
        DraftRecord(
            request_id=state["request_id"],
            revision=state["revision"],
            text=state["draft"],
            sources=[_citation(passage) for passage in state["passages"]],
            checks=state["checks"],
            alerts=state.get("alerts", []),
            fixes=state.get("fixes", []),
            auto_revisions=state.get("auto_revisions", 0),
            model=state["model"],
            rules_version=state.get("rules_version"),
            sampling=state.get("sampling", {}),
            prompt_sha256=state.get("prompt_sha256"),
            examples=[example["request_id"] for example in state.get("examples", [])],
        ),
        ttl=timedelta(hours=context.settings.review_ttl_hours),
    )
    decision = interrupt(
        {
            "draft_id": recorded.id,
            "request_id": state["request_id"],
            "requester": state["requester"],
            "request": state["request"],
            "brief": state["brief"],
            "revision": state["revision"],
            "draft": recorded.text,
            "sources": recorded.sources,
            "checks": recorded.checks,
            "alerts": recorded.alerts,
            "expires_at": recorded.expires_at.isoformat(),
        }
    )
    update: dict[str, Any] = {
        "draft_id": recorded.id,
        "draft": recorded.text,
        "checks": recorded.checks,
        "alerts": recorded.alerts,
    }
    action = Action(decision["action"])
    if action in (Action.approve, Action.edit):
        update["final_text"] = decision.get("text") or recorded.text
        return Command(goto="deliver", update=update)
    if action == Action.changes:
        update |= {
            "feedback": [*state.get("feedback", []), decision["text"]],
            "changes_requested": [decision["text"]],
            "revision": state["revision"] + 1,
            "auto_revisions": 0,
            "fixes": [],
        }
        return Command(goto="draft", update=update)
    update["outcome"] = CLOSED_OUTCOME[action].value
    return Command(goto="close", update=update)


def deliver(state: DraftState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    runtime.context.requests.update_request(
        state["request_id"], status=RequestStatus.approved, final_text=state["final_text"]
    )
    return {"outcome": RequestStatus.approved.value}


def refuse(state: DraftState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    """The content guard stopped the request or its draft: nothing reaches an approver."""
    refusal = state["refusal"]
    verdict = Verdict(refusal["safe"], tuple(refusal["categories"]), refusal["by"])
    what = "your request" if refusal["stage"] == "request" else "the draft I wrote for it"
    why = (
        f"The content guard stopped {what}: {verdict.explanation()}. "
        "Nothing was sent for approval; ask again without that content."
    )
    runtime.context.requests.refuse(state["request_id"], why, refusal)
    return {"outcome": RequestStatus.refused.value}


def close(state: DraftState, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    runtime.context.requests.update_request(state["request_id"], status=state["outcome"])
    return {}


def _examples_note(examples: list[dict[str, Any]]) -> CheckResult:
    """Which approved texts shaped the voice, recorded with the draft and shown on its card."""
    used = ", ".join(f"`{example['request_id']}` ({example['similarity']:.2f})" for example in examples)
    return CheckResult("approved_examples", True, "info", f"Written with approved texts as examples: {used}.")


def _citation(passage: dict[str, Any]) -> dict[str, Any]:
    """With the passage's wording: a re-check shows it beside its next version's, after Chroma
    has dropped the old one."""
    keys = ("doc_id", "title", "source", "section", "version", "page", "score", "chunk_id", "text")
    return {key: passage.get(key) for key in keys}


Node = TypeVar("Node", bound=Callable[..., Any])


def guarded(node: Node) -> Node:
    """Each step first checks that this process still owns the request's work."""

    @functools.wraps(node)
    def run(state: DraftState, runtime: Runtime[WorkflowContext]) -> Any:
        runtime.context.guard()
        return node(state, runtime)

    return cast(Node, run)


def build_graph(checkpointer: BaseCheckpointSaver[Any]) -> Graph:
    builder = StateGraph(DraftState, context_schema=WorkflowContext)
    builder.add_node("intake", guarded(intake), destinations=("retrieve", "refuse"))
    builder.add_node("retrieve", guarded(retrieve))
    builder.add_node("draft", guarded(draft))
    builder.add_node("check", guarded(check), destinations=("draft", "review", "refuse"))
    builder.add_node("review", guarded(review), destinations=("deliver", "draft", "close"))
    builder.add_node("deliver", guarded(deliver))
    builder.add_node("close", guarded(close))
    builder.add_node("refuse", guarded(refuse))
    builder.add_edge(START, "intake")
    builder.add_edge("retrieve", "draft")
    builder.add_edge("draft", "check")
    builder.add_edge("deliver", END)
    builder.add_edge("close", END)
    builder.add_edge("refuse", END)
    return builder.compile(checkpointer=checkpointer)
