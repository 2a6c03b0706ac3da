"""Deciding a draft: who may, on what, and exactly once.

LangGraph treats a resume of a stale interrupt as a silent no-op and runs two concurrent
resumes both, so the guard lives in the app's database: one conditional UPDATE from
'pending' decides the winner, and writes the one resume job and the news with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from brandbot import logs
from brandbot.formats import format_for
from brandbot.rules import DraftContext
from brandbot.store.budget import Charge, Kind, OverBudget
from brandbot.store.events import AlreadyHandled
from brandbot.store.models import Draft, Request, utcnow
from brandbot.store.requests import resume_key
from brandbot.store.status import Action, DraftStatus, RequestStatus
from brandbot.workflow.engine import Engine, RunOutcome

log = logging.getLogger(__name__)
ACTIONS = tuple(action.value for action in Action if action not in (Action.expire, Action.withdraw))
SYSTEM_ACTOR = "brandbot"


class DecisionRefused(Exception):
    """The decision was not made; the message tells the person why, in one sentence."""


class ConfirmationNeeded(DecisionRefused):
    """Approving a draft that still breaks error-level rules takes an explicit confirmation."""


@dataclass(frozen=True)
class DecisionResult:
    draft_id: str
    request_id: str
    action: str
    actor: str
    decided_at: datetime


def refusal(
    engine: Engine,
    draft: Draft | None,
    draft_id: str,
    actor: str,
    is_approver: Callable[[str], bool] | None = None,
    *,
    addressed: bool = False,
) -> str | None:
    """Why `actor` may not decide this draft now, in one sentence; None if they may.
    The one place that says who decides: the CLI, Slack's buttons and its modals ask it.
    `addressed` words it to the person ("You ...") rather than about them."""
    refused = not_an_approver(engine, actor, is_approver, addressed=addressed)
    if refused is not None:
        return refused
    if draft is None:
        return f"There is no draft {draft_id}."
    request = engine.context.requests.get_request(draft.request_id)
    return _refusal_on(engine, draft, request, actor, addressed)


def not_an_approver(
    engine: Engine, actor: str, is_approver: Callable[[str], bool] | None = None, *, addressed: bool = False
) -> str | None:
    """Asked first, before anything is read: most refused clicks are someone else's."""
    if actor in engine.context.settings.approvers or (is_approver is not None and is_approver(actor)):
        return None
    return f"{'You' if addressed else actor} can't approve drafts: only brandbot approvers can."


def _refusal_on(engine: Engine, draft: Draft, request: Request | None, actor: str, addressed: bool) -> str | None:
    if request is not None and actor == request.requester:
        return f"{'You' if addressed else actor} asked for this draft, so someone else has to decide on it."
    if draft.status != DraftStatus.pending:
        return describe_closed(engine, draft)
    return None


def decide(
    engine: Engine,
    draft_id: str,
    actor: str,
    action: str,
    text: str | None = None,
    *,
    is_approver: Callable[[str], bool] | None = None,
    confirm_errors: bool = False,
    addressed: bool = False,
) -> DecisionResult:
    """Claims the decision; its resume and its news are queued with it, for any worker.
    `is_approver` widens who may decide beyond BRANDBOT_APPROVERS (e.g. a Slack user group);
    `confirm_errors` approves over error-level rule hits, which the audit log then records."""
    with logs.bind(draft_id=draft_id):
        return _decide(engine, draft_id, actor, action, text, is_approver, confirm_errors, addressed)


def decide_and_resume(
    engine: Engine, draft_id: str, actor: str, action: str, text: str | None = None, *, confirm_errors: bool = False
) -> tuple[DecisionResult, RunOutcome]:
    """For the CLI: decides, then runs the resume here unless a bot's worker took it first. A
    draft found expired on the way is closed here too before the refusal is raised."""
    try:
        result = decide(engine, draft_id, actor, action, text, confirm_errors=confirm_errors)
    except DecisionRefused:
        engine.run_if_queued(resume_key(draft_id))
        raise
    return result, engine.run_now(resume_key(result.draft_id), result.request_id)


def _decide(
    engine: Engine,
    draft_id: str,
    actor: str,
    action: str,
    text: str | None,
    is_approver: Callable[[str], bool] | None,
    confirm_errors: bool,
    addressed: bool,
) -> DecisionResult:
    settings = engine.context.settings
    requests = engine.context.requests
    if action not in ACTIONS:
        raise DecisionRefused(f"Unknown action '{action}': use one of {', '.join(ACTIONS)}.")
    refused = not_an_approver(engine, actor, is_approver, addressed=addressed)
    if refused is not None:
        raise DecisionRefused(refused)
    state = requests.draft_state(draft_id)
    if state is not None and state.draft.status == DraftStatus.pending and state.draft.expires_at <= utcnow():
        _expire(engine, state.draft)
        state = requests.draft_state(draft_id)
    if state is None:
        raise DecisionRefused(f"There is no draft {draft_id}.")
    draft, request = state.draft, state.request
    refused = _refusal_on(engine, draft, request, actor, addressed)
    if refused is not None:
        raise DecisionRefused(refused)
    text = (text or "").strip() or None
    if action == Action.changes and not text:
        raise DecisionRefused("Say what should change: the feedback is what the next draft is written from.")
    if action == Action.reject and not text:
        raise DecisionRefused("Give a reason for the rejection, so the requester knows what to do next.")
    if action == Action.edit and not text:
        raise DecisionRefused("An edit needs the edited text.")
    if action == Action.changes and draft.revision > settings.max_change_rounds:
        raise DecisionRefused(
            f"This request has had {settings.max_change_rounds} rounds of changes already; approve, edit or reject it."
        )
    detail: dict[str, object] = {}
    errors = sorted({alert["check"] for alert in draft.alerts if alert["level"] == "error"})
    if action == Action.approve and errors:
        if not confirm_errors:
            raise ConfirmationNeeded(
                f"Draft {draft.id} still breaks {len(errors)} error-level brand rule(s): {', '.join(errors)}. "
                "Confirm to approve it anyway; the approval is recorded as made over these errors."
            )
        detail["approved_over_errors"] = errors
    if action == Action.edit and text is not None:
        brief = request.brief or {}
        scope = DraftContext(
            format=format_for(brief.get("format", "")).name, promotional=bool(brief.get("promotional"))
        )
        detail["edit_alerts"] = [alert.to_dict() for alert in engine.context.rules().check(text, scope)]
    return _commit(engine, draft, actor, Action(action), text, detail)


def follow_up(
    engine: Engine, draft_id: str, requester: str, note: str, *, event_keys: tuple[str, ...] = ()
) -> DecisionResult | None:
    """The requester's own note on their draft while it waits for review ("shorter"): the next
    revision is written from it, exactly as if an approver had asked for those changes, and the
    decision and its audit entry name the requester and say it was their follow-up. None for a
    delivery whose `event_keys` were handled before. The revision is paid from the requester's
    drafts budget (`store/budget.py`), taken with the decision."""
    requests = engine.context.requests
    limit = engine.context.settings.max_change_rounds
    with logs.bind(draft_id=draft_id):
        draft = requests.get_draft(draft_id)
        if draft is not None and draft.status == DraftStatus.pending and draft.expires_at <= utcnow():
            _expire(engine, draft)
            draft = requests.get_draft(draft_id)
        if draft is None:
            raise DecisionRefused(f"There is no draft {draft_id}.")
        request = requests.get_request(draft.request_id)
        if request is None or request.requester != requester:
            raise DecisionRefused("Only the person who asked for this draft can change it from its thread.")
        if draft.status != DraftStatus.pending:
            raise DecisionRefused(describe_closed(engine, draft))
        note = note.strip()
        if not note:
            raise DecisionRefused("Say what should change: the next version is written from your reply.")
        if draft.revision > limit:
            raise DecisionRefused(
                f"This draft has had {limit} rounds of changes already, the most there can be; "
                "an approver will decide on it as it is."
            )
        drafting = Charge.of(engine.context.settings, requester, Kind.draft)
        try:
            return _commit(engine, draft, requester, Action.changes, note, {"follow_up": True}, event_keys, drafting)
        except AlreadyHandled:
            return None
        except OverBudget as over:
            raise DecisionRefused(str(over)) from None


def expire_due(engine: Engine, now: datetime | None = None, *, resume_here: bool = False) -> list[DecisionResult]:
    """Closes every pending draft whose review window has passed; the requests are closed by
    the queued resumes, here (`resume_here`, the CLI) or by a bot's workers."""
    due = engine.context.requests.due_for_expiry(now or utcnow())
    results = []
    for draft in due:
        result = _expire(engine, draft)
        if result is not None:
            results.append(result)
            if resume_here:
                engine.run_now(resume_key(result.draft_id), result.request_id)
    return results


def withdraw(engine: Engine, request_id: str, actor: str) -> None:
    """The requester takes a request back: before its draft exists, the request is closed at once
    (a worker still drafting it stops before a card goes out); with a draft awaiting review, the
    withdrawal is that draft's decision, so its card closes and its workflow ends like any other.
    Audited either way; raises `DecisionRefused` with why not."""
    requests = engine.context.requests
    request = requests.get_request(request_id)
    if request is None:
        raise DecisionRefused(f"There is no request {request_id}.")
    if actor != request.requester:
        raise DecisionRefused("Only the person who asked can withdraw this request.")
    if withdrawn(engine, request_id):
        raise DecisionRefused(f"Request {request_id} was withdrawn already.")
    if requests.withdraw_unstarted(request_id, actor):
        log.info("request %s withdrawn by %s before its draft", request_id, actor)
        return
    draft = requests.latest_draft(request_id)
    if draft is None or draft.status != DraftStatus.pending:
        status = (requests.get_request(request_id) or request).status.replace("_", " ")
        raise DecisionRefused(f"Request {request_id} is {status}; there is nothing to withdraw.")
    with logs.bind(draft_id=draft.id):
        _commit(engine, draft, actor, Action.withdraw, None)


def withdrawn(engine: Engine, request_id: str) -> bool:
    """True once the requester withdrew the request, also while its workflow is still closing."""
    request = engine.context.requests.get_request(request_id)
    if request is None:
        return False
    latest = engine.context.requests.latest_draft(request_id)
    return request.status == RequestStatus.withdrawn or (latest is not None and latest.status == DraftStatus.withdrawn)


def describe_closed(engine: Engine, draft: Draft) -> str:
    """What happened to a draft that is no longer pending: by whom and when."""
    decision = engine.context.requests.decision_for(draft.id)
    when = f" at {_format_time(decision.decided_at)}" if decision else ""
    who = f" by {decision.actor}" if decision and decision.actor != SYSTEM_ACTOR else ""
    if draft.status == DraftStatus.approved:
        return f"Draft {draft.id} was already approved{who}{when}."
    if draft.status == DraftStatus.rejected:
        return f"Draft {draft.id} was already rejected{who}{when}."
    if draft.status == DraftStatus.expired:
        return f"Draft {draft.id} expired{when} without a decision."
    if draft.status == DraftStatus.withdrawn:
        return f"Draft {draft.id} was withdrawn{who}{when}."
    if draft.status == DraftStatus.changes_requested:
        latest = engine.context.requests.latest_draft(draft.request_id)
        newer = f"; the current version is revision {latest.revision} ({latest.id})" if latest else ""
        return f"Changes were already requested on draft {draft.id}{who}{when}{newer}."
    return f"Draft {draft.id} is {draft.status}."


def _expire(engine: Engine, draft: Draft) -> DecisionResult | None:
    try:
        return _commit(engine, draft, SYSTEM_ACTOR, Action.expire, None)
    except DecisionRefused:
        return None


def _commit(
    engine: Engine,
    draft: Draft,
    actor: str,
    action: Action,
    text: str | None,
    detail: dict[str, object] | None = None,
    event_keys: tuple[str, ...] = (),
    charge: Charge | None = None,
) -> DecisionResult:
    pending = engine.pending_review(draft.request_id)
    if pending is None or pending["draft_id"] != draft.id:
        current = engine.context.requests.get_draft(draft.id) or draft
        if current.status != DraftStatus.pending:
            raise DecisionRefused(describe_closed(engine, current))
        raise DecisionRefused(
            f"Draft {draft.id} is not the one awaiting review for request {draft.request_id}; "
            f"run `brandbot retry {draft.request_id}` if the request failed."
        )
    decision = engine.context.requests.claim_decision(
        draft,
        actor,
        action,
        note=text if action in (Action.changes, Action.reject) else None,
        final_text=text if action == Action.edit else (draft.text if action == Action.approve else None),
        audit_detail=detail,
        event_keys=event_keys,
        charge=charge,
    )
    if decision is None:
        closed = engine.context.requests.get_draft(draft.id) or draft
        raise DecisionRefused(describe_closed(engine, closed))
    log.info("%s decided by %s", action, actor)
    return DecisionResult(draft.id, draft.request_id, action, actor, decision.decided_at)


def _format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
