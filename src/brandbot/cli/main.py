"""`brandbot`: ask for drafts, review them, manage guidelines and the local LLM.

The command modules import what they need inside each command: typer reads every command's
parameters for `--help`, so whatever a module imports at the top, every start pays for
(bench/startup.py measures it).
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import typer

from brandbot.cli import answers, audit, db, guidelines, llm, report, review, rules, serve
from brandbot.cli import eval as evaluation
from brandbot.cli.context import services
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, fail, print_json, warn

if TYPE_CHECKING:
    from brandbot.store.requests import RequestStore
    from brandbot.workflow.engine import RunOutcome

app = typer.Typer(
    help="brandbot: on-brand drafts from your guidelines, signed off by a person.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=PLAIN_HELP,
)
app.add_typer(guidelines.app, name="guidelines")
app.add_typer(review.app, name="review")
app.add_typer(rules.app, name="rules")
app.add_typer(llm.app, name="llm")
app.add_typer(evaluation.app, name="eval")
app.add_typer(db.app, name="db")
app.add_typer(audit.app, name="audit")
app.add_typer(answers.app, name="answers")
app.command()(serve.serve)
app.command()(serve.work)
app.command()(report.report)
app.command()(answers.answer)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr.")) -> None:
    import logging

    from brandbot import logs

    logs.configure(level=logging.INFO if verbose else logging.WARNING, json_lines=False)


@app.command()
def ask(
    request: str = typer.Argument(..., help='What you need, e.g. "a LinkedIn post announcing ...".'),
    requester: str = typer.Option(getpass.getuser(), "--as", help="Who is asking."),
    draft: bool = typer.Option(False, "--draft", help="Draft it even if it reads as a question about the guidelines."),
    output: Output = OutputOption,
) -> None:
    """Draft something on brand; it waits for an approver's decision. A plain question about the
    guidelines is answered instead, as `brandbot answer` does."""
    from brandbot.workflow.engine import RequestInvalid
    from brandbot.workflow.intent import Intent, read_rules

    reading = read_rules(request)
    if reading.strong and reading.intent is Intent.question and not draft:
        if output is not Output.json:
            warn("That reads as a question about the guidelines, so here is the answer (--draft drafts it instead).")
        answers.answer(request, requester, output)
        return
    with services() as built:
        try:
            run = built.engine.ask(requester, request)
        except RequestInvalid as error:
            fail(str(error))
        _report(built.requests, run, output)


@app.command()
def retry(
    request_id: str,
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who is retrying (recorded in the audit log)."),
    output: Output = OutputOption,
) -> None:
    """Pick up a request that failed (LLM down, process stopped) where it stopped."""
    from brandbot.workflow.engine import RequestInvalid

    with services() as built:
        try:
            run = built.engine.retry(request_id, actor)
        except RequestInvalid as error:
            fail(str(error))
        _report(built.requests, run, output)


def _report(requests: RequestStore, run: RunOutcome, output: Output) -> None:
    from brandbot.cli.render import show_draft, show_next_steps
    from brandbot.store.views import draft_view

    view = draft_view(requests, run.request, run.draft)
    if output is Output.json:
        print_json(view.to_dict())
    else:
        show_draft(view)
        show_next_steps(view)
    if run.error:
        if output is Output.text and run.request.status == "refused":
            fail(run.error)
        if output is Output.text:
            saved = run.request.id
            fail(f"{run.error} Your request is saved as {saved}: run `brandbot retry {saved}` to try again.")
        raise typer.Exit(1)
