"""`brandbot review ...`: the approver's side: list, show and decide drafts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from brandbot.cli.context import services
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, fail, print_json, table

if TYPE_CHECKING:
    from brandbot.services import Services
    from brandbot.store.views import DraftView

app = typer.Typer(
    help="Review drafts: approve, request changes, edit or reject.", no_args_is_help=True, rich_markup_mode=PLAIN_HELP
)

ActorOption = typer.Option(..., "--as", help="The approver deciding (must be in BRANDBOT_APPROVERS).")


@app.command("list")
def list_drafts(
    all_: bool = typer.Option(False, "--all", help="Every recent request, not only drafts awaiting review."),
    output: Output = OutputOption,
) -> None:
    """Drafts awaiting a decision (overdue ones are expired first)."""
    from brandbot.cli.render import status_text
    from brandbot.store.views import draft_view
    from brandbot.workflow.approvals import expire_due

    with services() as built:
        expire_due(built.engine, resume_here=True)
        if all_:
            rows = [
                draft_view(built.requests, request, built.requests.latest_draft(request.id))
                for request in built.requests.list_requests()
            ]
        else:
            rows = [
                draft_view(built.requests, built.requests.get_request(draft.request_id), draft)  # type: ignore[arg-type]
                for draft in built.requests.pending_drafts()
            ]
    if output is Output.json:
        print_json([row.to_dict() for row in rows])
        return
    if not rows:
        console().print("Nothing awaits review." if not all_ else "No requests yet.")
        return
    grid = table("Draft", "Request", "Status", "Rev", "Requester", "Asked", "Created")
    for row in rows:
        grid.add_row(
            row.draft_id or "-",
            row.request_id,
            status_text(row.status),
            str(row.revision or ""),
            row.requester,
            row.request[:48],
            row.created_at[:16].replace("T", " "),
        )
    console().print(grid)


@app.command()
def show(draft_id: str, output: Output = OutputOption) -> None:
    """A draft with its sources, checks and decision. Accepts a request id too."""
    from brandbot.cli.render import show_draft, show_next_steps

    with services() as built:
        view = _view(built, draft_id)
    if output is Output.json:
        print_json(view.to_dict())
    else:
        show_draft(view)
        show_next_steps(view)


@app.command()
def approve(
    draft_id: str,
    actor: str = ActorOption,
    yes: bool = typer.Option(False, "--yes", "-y", help="Approve even if error-level brand rules still fail."),
    output: Output = OutputOption,
) -> None:
    """Approve the draft as it is (asks first if it still breaks error-level rules)."""
    _decide(draft_id, actor, "approve", None, output, confirm_errors=yes)


@app.command()
def edit(
    draft_id: str,
    actor: str = ActorOption,
    text: str | None = typer.Option(None, "--text", help="The edited draft."),
    file: Path | None = typer.Option(None, "--file", help="Read the edited draft from a file."),
    output: Output = OutputOption,
) -> None:
    """Approve an edited version: what you save is what gets approved."""
    if file is not None:
        text = file.read_text()
    _decide(draft_id, actor, "edit", text, output)


@app.command()
def changes(
    draft_id: str,
    feedback: str = typer.Option(..., "--feedback", "-f", help="What should change."),
    actor: str = ActorOption,
    output: Output = OutputOption,
) -> None:
    """Send the draft back to be written again with your feedback."""
    _decide(draft_id, actor, "changes", feedback, output)


@app.command()
def reject(
    draft_id: str,
    reason: str = typer.Option(..., "--reason", "-r", help="Why, for the requester."),
    actor: str = ActorOption,
    output: Output = OutputOption,
) -> None:
    """Reject the request; it is closed."""
    _decide(draft_id, actor, "reject", reason, output)


@app.command()
def expire(output: Output = OutputOption) -> None:
    """Close drafts whose review window (BRANDBOT_REVIEW_TTL_HOURS) has passed."""
    from brandbot.workflow.approvals import expire_due

    with services() as built:
        expired = expire_due(built.engine, resume_here=True)
    if output is Output.json:
        print_json([result.draft_id for result in expired])
    else:
        console().print(f"Expired {len(expired)} draft(s).")


def _decide(
    draft_id: str, actor: str, action: str, text: str | None, output: Output, confirm_errors: bool = False
) -> None:
    from brandbot.cli.render import show_draft, show_next_steps
    from brandbot.store.status import DraftStatus, RequestStatus
    from brandbot.store.views import draft_view
    from brandbot.workflow.approvals import ConfirmationNeeded, DecisionRefused, decide_and_resume

    with services() as built:
        try:
            try:
                result, run = decide_and_resume(
                    built.engine, draft_id, actor, action, text, confirm_errors=confirm_errors
                )
            except ConfirmationNeeded as question:
                if not (sys.stdin.isatty() and typer.confirm(f"{question} Approve anyway?", err=True)):
                    fail(f"{question} Pass --yes to approve anyway.")
                result, run = decide_and_resume(built.engine, draft_id, actor, action, text, confirm_errors=True)
        except DecisionRefused as refusal:
            fail(str(refusal))
        latest = draft_view(built.requests, run.request, run.draft)
    if output is Output.json:
        print_json({"decided": result.draft_id, "action": action, "actor": actor, **latest.to_dict()})
        return
    console().print(f"[bold]{action.capitalize()}[/] recorded on {result.draft_id} by {actor}.", highlight=False)
    if run.error:
        fail(f"{run.error} The decision is saved; run `brandbot retry {run.request.id}` once the LLM is back.")
    if run.request.status == RequestStatus.approved:
        console().print("[green]Approved.[/] Final text for the requester:\n")
        console().print(run.request.final_text or "", highlight=False)
    elif latest.status == DraftStatus.pending:
        show_draft(latest)
        show_next_steps(latest)
    else:
        console().print(f"Request {run.request.id} is now {run.request.status}.")


def _view(built: Services, some_id: str) -> DraftView:
    from brandbot.store.views import draft_view

    draft = built.requests.get_draft(some_id)
    if draft is not None:
        request = built.requests.get_request(draft.request_id)
    else:
        request = built.requests.get_request(some_id)
        draft = built.requests.latest_draft(some_id) if request else None
    if request is None:
        fail(f"no draft or request '{some_id}' (see `brandbot review list --all`)")
    return draft_view(built.requests, request, draft)
