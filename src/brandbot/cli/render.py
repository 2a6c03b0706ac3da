"""Text views of drafts for the terminal."""

from __future__ import annotations

from rich.panel import Panel
from rich.text import Text

from brandbot.cli.output import console, table
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.store.views import DraftView

STATUS_STYLE: dict[str, str] = {
    DraftStatus.pending: "yellow",
    RequestStatus.awaiting_review: "yellow",
    DraftStatus.approved: "green",
    DraftStatus.changes_requested: "cyan",
    DraftStatus.rejected: "red",
    DraftStatus.expired: "dim",
    DraftStatus.withdrawn: "dim",
    RequestStatus.failed: "red",
    RequestStatus.refused: "red",
    RequestStatus.drafting: "blue",
}


def status_text(status: str) -> Text:
    return Text(status.replace("_", " "), style=STATUS_STYLE.get(status, ""))


def show_draft(view: DraftView) -> None:
    if view.draft_id is None:
        console().print(Text.assemble((f"Request {view.request_id}", "bold"), " · ", status_text(view.status)))
        if view.error:
            console().print(view.error, highlight=False)
        return
    title = Text.assemble(
        (f"Draft {view.draft_id}", "bold"),
        f"  revision {view.revision} · request {view.request_id} by {view.requester} · ",
        status_text(view.status),
    )
    console().print(Panel(Text(view.text or "(empty)"), title=title, title_align="left", expand=True))
    brief = view.brief or {}
    if brief:
        console().print(
            f"[dim]Brief:[/] {brief.get('format', '?').replace('_', ' ')} for {brief.get('audience', '?')}, "
            f"{brief.get('length', '?')} · model {view.model}",
            highlight=False,
        )
    if view.sources:
        sources = table("#", "Document > section", "Version", "Page", "Score", title="Sources")
        for number, source in enumerate(view.sources, start=1):
            section = " > ".join(part for part in (source["title"], source["section"]) if part)
            sources.add_row(
                str(number), section, source["version"][:8], str(source["page"] or ""), f"{source['score']:.4f}"
            )
        console().print(sources)
    checks = table("Check", "Result", "Detail", title="Checks")
    for check in view.checks:
        result = Text("pass", style="green") if check["passed"] else Text(check["level"], style="red")
        checks.add_row(check["name"], result, check["message"])
    console().print(checks)
    show_alerts(view)
    if view.decision:
        decision = view.decision
        note = f": {decision.note}" if decision.note else ""
        console().print(f"[bold]Decision:[/] {decision.action} by {decision.actor} at {decision.at}{note}")


def show_next_steps(view: DraftView) -> None:
    if view.status != DraftStatus.pending:
        return
    draft_id = view.draft_id
    console().print(
        "\n[bold yellow]Awaiting approval.[/] An approver decides with one of:\n"
        f"  brandbot review approve {draft_id} --as APPROVER\n"
        f'  brandbot review changes {draft_id} --feedback "what to change" --as APPROVER\n'
        f'  brandbot review reject {draft_id} --reason "why" --as APPROVER',
        highlight=False,
    )


LEVEL_STYLE = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}


def show_alerts(view: DraftView) -> None:
    """Brand-rule compliance: the summary, what was fixed automatically, and each remaining hit."""
    counts = view.compliance
    summary = Text.assemble(
        ("Brand rules: ", "bold"),
        (f"{counts.errors} errors", LEVEL_STYLE["error"] if counts.errors else "green"),
        f", {counts.warnings} warnings, {counts.suggestions} suggestions",
        f" · {view.auto_revisions} automatic revision(s)",
    )
    console().print(summary)
    if view.fixes:
        fixed = ", ".join(f"{fix['from']} → {fix['to']}" for fix in view.fixes)
        console().print(f"[dim]Fixed automatically:[/] {fixed}", highlight=False)
    if view.alerts:
        alerts = table("Where", "Level", "Message", "Rule")
        for alert in view.alerts:
            alerts.add_row(
                f"{alert['line']}:{alert['span'][0]}",
                Text(alert["level"], style=LEVEL_STYLE.get(alert["level"], "")),
                alert["message"],
                f"{alert['check']}" + (f"\n{alert['link']}" if alert.get("link") else ""),
            )
        console().print(alerts)
