"""`brandbot audit ...`: the audit log, the receipt of each approved text, an export for other
systems, anchors of the chain posted outside the database, and a check that no entry and no
receipt changed since it was written."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer

from brandbot.cli.context import database
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, errors, fail, print_json, table

if TYPE_CHECKING:
    from rich.text import Text

    from brandbot.store.audit_anchors import Anchor
    from brandbot.store.receipts import Found

app = typer.Typer(
    help="The audit log: entries, receipts of approved texts, export, anchors, verification.",
    no_args_is_help=True,
    rich_markup_mode=PLAIN_HELP,
)


EXPORT_COLUMNS = ("id", "at", "actor", "action", "request_id", "draft_id", "revision", "detail", "prev_hash", "hash")
"""The columns of `export --format csv`; jsonl rows have the same keys."""


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command("log")
def log(
    request_id: str | None = typer.Argument(None, help="Only this request's entries."),
    output: Output = OutputOption,
) -> None:
    """Who did what, when, to which draft version."""
    from brandbot.store.audit import entries

    with database() as (_, db):
        rows = entries(db, request_id=request_id)
    if output is Output.json:
        print_json(
            [
                {
                    "id": row.id,
                    "at": row.at.isoformat(),
                    "actor": row.actor,
                    "action": row.action,
                    "request_id": row.request_id,
                    "draft_id": row.draft_id,
                    "revision": row.revision,
                    "detail": row.detail,
                    "hash": row.hash,
                }
                for row in rows
            ]
        )
        return
    grid = table("#", "When", "Who", "What", "Request", "Draft", "Rev")
    for row in rows:
        grid.add_row(
            str(row.id),
            row.at.strftime("%Y-%m-%d %H:%M:%S"),
            _plain(row.actor),
            row.action,
            row.request_id or "",
            row.draft_id or "",
            str(row.revision or ""),
        )
    console().print(grid)


@app.command()
def receipt(
    id_: str = typer.Argument(..., metavar="ID", help="A request id, or the id of its approved draft."),
    output: Output = OutputOption,
) -> None:
    """What an approved text was drafted from, checked with and approved by, with its hashes."""
    from brandbot.store import receipts

    with database() as (_, db):
        found = receipts.find(db, id_)
    if found is None:
        fail(f"{id_} is not an approved request or draft: a receipt is made when a draft is approved.")
    if output is Output.json:
        print_json(receipt_json(found))
    else:
        show_receipt(found)


@app.command()
def export(
    since: str = typer.Option(..., "--since", help="From this day or time on: 2026-11-01, 2026-11-01T09:00+01:00."),
    format_: ExportFormat = typer.Option(..., "--format", help="csv, or jsonl (one JSON object a line)."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file instead of standard output."),
) -> None:
    """Audit entries with their hashes, oldest first: each row's hash can be recomputed from the
    row (its fields in canonical JSON, detail included, with prev_hash)."""
    from brandbot.store.audit import since as entries_since
    from brandbot.store.audit_chain import fields

    moment = _moment(since)
    with database() as (_, db), _opened(out) as stream:
        rows = ({**fields(entry), "hash": entry.hash} for entry in entries_since(db, moment))
        if format_ is ExportFormat.jsonl:
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        writer = csv.DictWriter(stream, fieldnames=[*EXPORT_COLUMNS])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "detail": json.dumps(row["detail"], sort_keys=True, ensure_ascii=False)})


@app.command()
def verify(
    anchors_file: Path | None = typer.Option(
        None,
        "--anchors",
        help="A file holding the 'Audit anchor' messages copied out of the approval channel: checked "
        "besides the anchors recorded in the database, which whoever owns it could delete.",
    ),
    output: Output = OutputOption,
) -> None:
    """Recompute the hash chain of the audit log and every receipt, and check that the chain
    still holds every anchored hash; exit 1 naming each record that changed since it was written."""
    from brandbot.store import audit_anchors, audit_chain, receipts

    copied = _read_anchors(anchors_file) if anchors_file is not None else []
    with database() as (_, db):
        entries, chain_problems = audit_chain.verify(db)
        sealed, unsealed, receipt_problems = receipts.verify(db)
        anchors = audit_anchors.recorded(db) + copied
        anchor_problems = audit_anchors.check(db, anchors)
    problems = chain_problems + anchor_problems + receipt_problems
    checked = len({(anchored.entry_id, anchored.hash) for anchored in anchors})
    if output is Output.json:
        print_json(
            {
                "intact": not problems,
                "entries": entries,
                "receipts": sealed,
                "unsealed": unsealed,
                "anchors": checked,
                "problems": problems,
            }
        )
    else:
        for problem in problems:
            console().print(_plain(problem))
        if not problems:
            older = f"; {unsealed} approved before receipts existed" if unsealed else ""
            console().print(
                f"Intact: {entries} audit entries and {sealed} receipts{older}; {checked} anchors held.",
                highlight=False,
            )
    if problems:
        fail(f"{len(problems)} record(s) changed since they were written.")


@app.command()
def anchor(output: Output = OutputOption) -> None:
    """Record the audit chain head's hash as an anchor and post it to the approval channel (the
    outbox delivers it), where whoever owns the database cannot change it. The sweep does this
    daily; keep the messages: `audit verify --anchors` checks the chain against them."""
    from brandbot.store import audit_anchors

    with database() as (settings, db):
        anchored = audit_anchors.anchor(db, "cli", settings.approval_channel)
    if anchored is None:
        fail("the audit log is empty: there is nothing to anchor yet.")
    posted = settings.approval_channel
    if output is Output.json:
        print_json({"entry_id": anchored.entry_id, "sha256": anchored.hash, "posted_to": posted})
        return
    console().print(_plain(f"Anchored: {anchored.line.replace('`', '')}."))
    if posted:
        console().print(_plain(f"Posted to {posted} once the outbox delivers it (`brandbot serve` or `work`)."))
    else:
        console().print(
            _plain("Not posted: BRANDBOT_APPROVAL_CHANNEL is not set. Keep the line above outside the database.")
        )


def _read_anchors(path: Path) -> list[Anchor]:
    from brandbot.store import audit_anchors

    try:
        text_ = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read --anchors {path}: {getattr(error, 'strerror', None) or error}")
    try:
        return audit_anchors.parse(text_, str(path))
    except ValueError as error:
        fail(str(error))


def receipt_json(found: Found) -> dict[str, Any]:
    sealed = found.sealed
    return {
        **found.receipt.to_dict(),
        "sha256": found.receipt.sha256(),
        "sealed": None if sealed is None else {"audit_entry": sealed.entry_id, "sha256": sealed.sha256},
        "delivered_sha256": found.delivered_sha256,
        "changes": found.changes(),
    }


def show_receipt(found: Found) -> None:
    from rich.text import Text

    from brandbot.store.views import compliance

    receipt, out = found.receipt, console()
    request, draft, rules, generation, decision = (
        receipt.request,
        receipt.draft,
        receipt.rules,
        receipt.generation,
        receipt.decision,
    )
    out.print(Text.assemble((f"Receipt of {request.id}", "bold"), f" · draft {draft.id}, revision {draft.revision}"))
    facts = table("", "")
    facts.show_header = False
    counts = compliance(rules.alerts)
    sampling = ", ".join(f"{key} {value}" for key, value in sorted(generation.sampling.items())) or "not recorded"
    rows = [
        ("Asked", f"by {request.requester} at {request.asked_at} ({request.origin}): {request.text}"),
        ("Drafted", f"at {draft.drafted_at} by {generation.model} · {sampling}"),
        ("Prompt sha256", generation.prompt_sha256 or "not recorded"),
        ("Examples", ", ".join(generation.examples) or "none"),
        (
            "Rules",
            (f"version {rules.version} ({(rules.digest or '')[:12]})" if rules.version else "none installed")
            + f" · {counts.errors} errors, {counts.warnings} warnings, {counts.suggestions} suggestions"
            + f" · {rules.auto_revisions} automatic revision(s)",
        ),
        ("Checks", ", ".join(f"{c['name']} {'passed' if c['passed'] else c['level']}" for c in rules.checks)),
        ("Fixed", ", ".join(f"{fix['from']} → {fix['to']}" for fix in rules.fixes) or "nothing"),
        (
            "Approved",
            f"by {decision.approver} at {decision.decided_at}" + (" (edited)" if decision.action == "edit" else ""),
        ),
        ("Draft sha256", draft.text_sha256),
        ("Final sha256", receipt.final_text_sha256),
        ("Receipt sha256", receipt.sha256()),
    ]
    for label, value in rows:
        facts.add_row(Text(label, style="dim"), Text(value))
    out.print(facts)
    passages = table("#", "Document > section", "Version", "Page", title="Drafted from")
    for number, passage in enumerate(receipt.passages, start=1):
        place = " > ".join(part for part in (passage.title or passage.doc_id, passage.section) if part)
        passages.add_row(str(number), Text(place), (passage.version or "")[:12], str(passage.page or ""))
    out.print(passages if receipt.passages else Text("Drafted from no guideline passage.", style="dim"))
    changes = found.changes()
    if found.predates_receipts:
        out.print(Text("Approved before receipts existed: nothing was sealed to check it against.", style="yellow"))
    elif found.sealed is None:
        out.print(Text(f"Not sealed: {'; '.join(changes)}.", style="red"))
    elif changes:
        out.print(Text(f"Changed since approval (audit entry {found.sealed.entry_id}): {'; '.join(changes)}", "red"))
    else:
        out.print(Text(f"Intact: matches the seal in audit entry {found.sealed.entry_id}.", style="green"))


def _moment(value: str) -> datetime:
    """A day or a time, ISO 8601; without a zone it is UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"--since {value!r} is not a date: use YYYY-MM-DD, or a time such as 2026-11-01T09:00+01:00.")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@contextmanager
def _opened(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        stream = path.open("w", encoding="utf-8", newline="")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")
    with stream:
        yield stream


def _plain(text: str) -> Text:
    """Text shown as written: rich reads no markup in it."""
    from rich.text import Text

    return Text(text)


@app.command()
def recheck(
    days: int | None = typer.Option(
        None, "--days", min=1, help="Texts approved in this many days (BRANDBOT_RECHECK_DAYS)."
    ),
    output: Output = OutputOption,
) -> None:
    """Check approved texts again against the current rules and guideline passages; list what no longer holds."""
    import secrets

    from rich.progress import Progress

    from brandbot.cli.context import services

    with services() as built:
        rechecker = built.rechecker
        run = rechecker.start(f"recheck:cli:{secrets.token_hex(6)}", "cli", {"rules": True, "documents": None}, days)
        with Progress(console=errors(), transient=True, disable=output is Output.json) as bar:
            task = bar.add_task("re-checking", total=run.total)
            rechecker.run(run, progress=lambda done, total: bar.update(task, completed=done, total=total))
        findings = rechecker.store.findings(run.id)
    rows = [{"request_id": f.request_id, "kind": f.kind, **f.detail} for f in findings]
    if output is Output.json:
        print_json({"recheck": run.id, "checked": run.checked, "findings": rows})
        return
    console().print(
        f"{run.checked} approved text(s) re-checked; {len({f.request_id for f in findings})} no longer hold."
    )
    grid = table("Request", "What", "Detail")
    for finding in findings:
        grid.add_row(finding.request_id, finding.kind, _plain(_detail(finding.kind, finding.detail)))
    if findings:
        console().print(grid)


@app.command()
def rechecks(output: Output = OutputOption) -> None:
    """The latest re-check runs: what caused each, how far it got, and what it found."""
    from brandbot.store.rechecks import RecheckStore

    with database() as (_, db):
        runs = RecheckStore(db).runs()
    rows = [
        {
            "id": summary.run.id,
            "cause": summary.run.cause,
            "started_at": summary.run.started_at.isoformat(),
            "state": summary.run.state,
            "checked": summary.run.checked,
            "total": summary.run.total,
            "findings": summary.findings,
            "revising": summary.revising,
        }
        for summary in runs
    ]
    if output is Output.json:
        print_json(rows)
        return
    if not rows:
        console().print("No re-check has run yet.")
        return
    grid = table("Run", "Cause", "Started (UTC)", "State", "Checked", "Findings", "Revising")
    for row, summary in zip(rows, runs, strict=True):
        grid.add_row(
            str(row["id"]),
            _plain(summary.run.cause),
            f"{summary.run.started_at:%Y-%m-%d %H:%M}",
            str(row["state"]),
            f"{row['checked']} of {row['total']}",
            str(row["findings"]),
            str(row["revising"]),
        )
    console().print(grid)


def _detail(kind: str, detail: dict[str, Any]) -> str:
    from brandbot.workflow.rechecks import change_summary

    old = " ".join(str(detail.get("old_text") or "").split())
    return change_summary(kind, detail) + (f" (was: {old})" if kind != "rule" and old else "")
