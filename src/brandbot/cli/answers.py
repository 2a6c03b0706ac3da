"""`brandbot answer QUESTION`: a guideline question answered from the passages, with citations, or
"not covered"; `brandbot answers feedback`: what people said of the answers, for admins."""

from __future__ import annotations

import getpass
import secrets

import typer

from brandbot.cli.context import database, services
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, fail, print_json, table

app = typer.Typer(
    help="Answers to guideline questions and their feedback.", no_args_is_help=True, rich_markup_mode=PLAIN_HELP
)


def answer(
    question: str = typer.Argument(..., help='A question about the brand guidelines, e.g. "can I say cheap?".'),
    asker: str = typer.Option(getpass.getuser(), "--as", help="Who is asking (recorded with the answer)."),
    output: Output = OutputOption,
) -> None:
    """Answer a question about the brand guidelines, citing the passages; never a rule they don't state."""
    from brandbot.llm import LLMError
    from brandbot.store import answers as store
    from brandbot.store.budget import Charge, Kind, OverBudget
    from brandbot.workflow.answers import EmptyQuestion, answer_question

    with services() as built:
        try:
            with built.db.session() as session:
                Charge.of(built.settings, asker, Kind.question).take(session)
            answered = answer_question(built.settings, built.knowledge_base.search, built.llm, question)
        except (EmptyQuestion, LLMError, OverBudget) as error:
            fail(str(error))
        recorded = answered.to_dict()
        with built.db.session() as session:
            answer_id = store.add(session, f"cli:{secrets.token_hex(8)}", asker, recorded, None)
    if output is Output.json:
        print_json({"answer_id": answer_id, **recorded})
        return
    if not answered.covered:
        console().print(
            "[bold]Not covered.[/] The brand guidelines don't answer this, so brandbot won't guess. "
            "Ask a brandbot admin, who can answer it or add it to the guidelines.",
            highlight=False,
        )
        return
    if answered.quoted:
        console().print("brandbot could not put this in its own words; the guidelines say:", style="bold")
    console().print(answered.answer, highlight=False, markup=False)
    console().print()
    for citation in answered.citations:
        console().print(
            f"[{citation.number}] {citation.where} ({citation.source}, version {citation.version[:8]})",
            highlight=False,
            markup=False,
        )
        console().print(f'    "{citation.quote}"', highlight=False, markup=False, style="dim")


@app.command()
def feedback(
    limit: int = typer.Option(50, min=1, max=1000, help="How many answers, newest first."),
    every: bool = typer.Option(False, "--all", help="Answers nobody rated too."),
    output: Output = OutputOption,
) -> None:
    """Answers with their Helpful / Not right counts, newest first: what to fix in the guidelines."""
    from brandbot.store import answers as store

    with database() as (_, db):
        rows = store.feedback(db, limit=limit, only_rated=not every)
    if output is Output.json:
        print_json(
            [
                {
                    "answer_id": row.answer_id,
                    "asker": row.asker,
                    "question": row.question,
                    "answer": row.answer,
                    "covered": row.covered,
                    "created_at": row.created_at.isoformat(),
                    "helpful": row.helpful,
                    "not_right": row.not_right,
                }
                for row in rows
            ]
        )
        return
    if not rows:
        console().print("No answers rated yet." if not every else "No answers yet.")
        return
    grid = table("Id", "Asked by", "Question", "Answer", "Helpful", "Not right", title="Answers to guideline questions")
    for row in rows:
        grid.add_row(
            str(row.answer_id),
            row.asker,
            row.question[:80],
            row.answer[:80] if row.covered else "(not covered)",
            str(row.helpful),
            str(row.not_right),
        )
    console().print(grid)
