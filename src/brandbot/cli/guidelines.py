"""`brandbot guidelines ...`: add, list, show, remove and search guideline documents."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from brandbot.cli.context import services
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, errors, fail, print_json, table

app = typer.Typer(
    help="Manage the brand guideline documents drafts are built from.",
    no_args_is_help=True,
    rich_markup_mode=PLAIN_HELP,
)

OUTCOME_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "failed": "red"}


@app.command()
def add(
    paths: list[Path] = typer.Argument(..., help="Files or folders of .md, .txt, .html, .pdf, .docx."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who is adding them, for the audit log."),
    output: Output = OutputOption,
) -> None:
    """Add or replace guideline documents; unchanged ones are left alone."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.text import Text

    from brandbot.guidelines.knowledge_base import IngestResult, SourceFile, expand_paths

    found = list(expand_paths(paths))
    missing = [item for item in found if isinstance(item, IngestResult)]
    files = [item for item in found if isinstance(item, SourceFile)]
    with (
        services() as built,
        Progress(
            TextColumn("[bold]Indexing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("chunks"),
            TimeRemainingColumn(),
            console=errors(),
            transient=True,
            disable=output is Output.json,
        ) as progress,
    ):
        task = progress.add_task("index", total=None)
        results = missing + built.knowledge_base.add(
            files, actor, lambda done, total: progress.update(task, completed=done, total=total)
        )
    if output is Output.json:
        print_json([result.to_dict() for result in results])
    elif results:
        grid = table("", "File", "Version", "Chunks", "Detail")
        for result in results:
            grid.add_row(
                Text(result.outcome, style=OUTCOME_STYLE[result.outcome]),
                result.source,
                (result.version or "")[:8],
                str(result.chunks) if result.outcome != "failed" else "",
                result.reason or "",
            )
        console().print(grid)
    else:
        console().print("No supported files found.")
    if any(result.outcome == "failed" for result in results):
        raise typer.Exit(1)


@app.command("list")
def list_documents(output: Output = OutputOption) -> None:
    """The live guideline documents."""
    with services() as built:
        documents = built.knowledge_base.registry.all()
    if output is Output.json:
        print_json(
            [
                {
                    "doc_id": d.doc_id,
                    "title": d.title,
                    "source": d.source,
                    "version": d.version,
                    "chunks": d.chunk_count,
                    "size_bytes": d.size_bytes,
                    "added_by": d.added_by,
                    "updated_at": d.updated_at.isoformat(),
                }
                for d in documents
            ]
        )
        return
    if not documents:
        console().print("No guideline documents yet: add some with [bold]brandbot guidelines add PATH[/].")
        return
    grid = table("ID", "Title", "Version", "Chunks", "Updated")
    for d in documents:
        grid.add_row(d.doc_id, d.title, d.version[:8], str(d.chunk_count), d.updated_at.strftime("%Y-%m-%d %H:%M"))
    console().print(grid)


@app.command()
def show(doc_id: str, output: Output = OutputOption) -> None:
    """A document's details and its chunks."""
    with services() as built:
        document = built.knowledge_base.registry.get(doc_id)
        if document is None:
            fail(f"no guideline document '{doc_id}' (see `brandbot guidelines list`)")
        chunks = built.knowledge_base.chunks_of(doc_id)
    if output is Output.json:
        print_json(
            {
                "doc_id": document.doc_id,
                "title": document.title,
                "source": document.source,
                "version": document.version,
                "chunks": [{"id": c.id, "section": c.section, "page": c.page, "text": c.text} for c in chunks],
            }
        )
        return
    console().print(f"[bold]{document.title}[/]  {document.source} · version {document.version} · {len(chunks)} chunks")
    grid = table("#", "Section", "Page", "Start of text")
    for chunk in chunks:
        body = chunk.text.split("\n\n", 1)[-1]
        grid.add_row(str(chunk.position), chunk.section or "(top)", str(chunk.page or ""), body[:70].replace("\n", " "))
    console().print(grid)


@app.command()
def remove(
    doc_id: str,
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who is removing it, for the audit log."),
) -> None:
    """Remove a document; drafts stop citing it at once."""
    with services() as built:
        removed = built.knowledge_base.remove(doc_id, actor)
    if removed is None:
        fail(f"no guideline document '{doc_id}' (see `brandbot guidelines list`)")
    console().print(f"Removed [bold]{removed.title}[/] ({removed.doc_id}, version {removed.version[:8]}).")


@app.command()
def search(
    query: str,
    top_k: int = typer.Option(5, "--top-k", "-k", min=1, max=50),
    output: Output = OutputOption,
) -> None:
    """Hybrid search (meaning and keywords) over the live guidelines."""
    if not query.strip():
        fail("the search query is empty")
    with services() as built:
        passages = built.knowledge_base.search(query, top_k)
    if output is Output.json:
        print_json([passage.to_dict() for passage in passages])
        return
    if not passages:
        console().print("Nothing found.")
    for number, passage in enumerate(passages, start=1):
        console().print(f"[bold]{number}. {passage.citation}[/]  [dim]score {passage.score:.4f}[/]", highlight=False)
        console().print(passage.text.split("\n\n", 1)[-1][:400], highlight=False)
        console().print()


@app.command()
def quarantine(output: Output = OutputOption) -> None:
    """Passages held at ingest because they read as written for a model: not searched until released."""
    with services() as built:
        held = built.knowledge_base.quarantine.held()
    if output is Output.json:
        print_json(
            [
                {"id": row.id, "doc_id": row.doc_id, "version": row.version, "reasons": row.reasons, "text": row.text}
                for row in held
            ]
        )
        return
    if not held:
        console().print("No passages are held for review.")
        return
    grid = table("Passage", "Document", "Why held", "Start of text")
    for row in held:
        grid.add_row(row.id, row.doc_id, "; ".join(row.reasons), " ".join(row.text.split())[:80])
    console().print(grid)
    console().print("Release one with `brandbot guidelines release ID`, or `brandbot guidelines discard ID`.")


@app.command()
def release(
    chunk_id: str = typer.Argument(..., help="A held passage's id (see `brandbot guidelines quarantine`)."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who releases it, for the audit log."),
) -> None:
    """Let a held passage go live with its document's version."""
    with services() as built:
        try:
            chunk = built.knowledge_base.release(chunk_id, actor)
        except LookupError as error:
            fail(str(error))
    console().print(f"Released {chunk.id}: drafts can now draw on it.", highlight=False)


@app.command()
def discard(
    chunk_id: str = typer.Argument(..., help="A held passage's id (see `brandbot guidelines quarantine`)."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who discards it, for the audit log."),
) -> None:
    """Delete a held passage: it is never searched."""
    with services() as built:
        try:
            built.knowledge_base.delete_held(chunk_id, actor)
        except LookupError as error:
            fail(str(error))
    console().print(f"Discarded {chunk_id}.", highlight=False)
