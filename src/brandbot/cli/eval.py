"""`brandbot eval ...`: retrieval quality against golden sets, draft quality against rules and formats."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from brandbot.cli.context import load_settings
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, errors, fail, print_json, table, warn

if TYPE_CHECKING:
    from brandbot.config import Settings
    from brandbot.evaluation.retrieval import RetrievalReport
    from brandbot.guidelines.knowledge_base import SourceFile

app = typer.Typer(help="Measure retrieval and draft quality.", no_args_is_help=True, rich_markup_mode=PLAIN_HELP)


@app.command()
def retrieval(
    golden_files: list[Path] = typer.Argument(
        ..., help="Golden sets (YAML): questions with the passages that answer them."
    ),
    output: Output = OutputOption,
) -> None:
    """Recall@1/5/10, MRR@10 and nDCG@10 per retriever, and the questions that missed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from brandbot.evaluation.golden import EvalFileError, load_golden, resolve_corpus
    from brandbot.evaluation.retrieval import RETRIEVERS, evaluate, unanswerable
    from brandbot.services import Services

    settings = load_settings()
    reports = []
    for path in golden_files:
        try:
            golden = load_golden(path)
        except EvalFileError as error:
            fail(str(error))
        corpus = resolve_corpus(golden.corpus, path, _repo_root(path), settings.corpora)
        if not corpus.exists():
            fail(f"{path}: corpus {golden.corpus} not found at {corpus}")
        services = Services(eval_settings(settings, corpus))
        try:
            failed = [r for r in services.knowledge_base.add(_files(corpus), "eval") if r.outcome == "failed"]
            for result in failed:
                warn(f"{result.source}: {result.reason}")
            for question_id in unanswerable(services.knowledge_base, golden):
                warn(f"{path.name}: no passage of the corpus answers '{question_id}'; check its answers")
            with Progress(
                TextColumn(f"[bold]{path.name}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=errors(),
                transient=True,
                disable=output is Output.json,
            ) as progress:
                task = progress.add_task("questions", total=len(golden.questions) * len(RETRIEVERS))
                report = evaluate(services.knowledge_base, golden, golden.corpus, partial(progress.advance, task))
        finally:
            services.close()
        reports.append(report)
        if output is Output.text:
            _print_report(path, report)
    if output is Output.json:
        print_json([report.to_dict() for report in reports])


@app.command()
def drafts(
    requests_file: Path = typer.Argument(..., help="Requests (YAML) with the guidelines and rules to draft from."),
    output: Output = OutputOption,
) -> None:
    """Compliance after automatic fixes, revisions needed, citations, length, time split, per model."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from brandbot.evaluation.drafts import load_requests
    from brandbot.evaluation.drafts import run as run_drafts
    from brandbot.evaluation.golden import EvalFileError, resolve_corpus
    from brandbot.rules import library
    from brandbot.services import Services

    settings = load_settings()
    try:
        request_set = load_requests(requests_file)
    except EvalFileError as error:
        fail(str(error))
    root = _repo_root(requests_file)
    guidelines = resolve_corpus(request_set.guidelines, requests_file, root, settings.corpora)
    services = Services(eval_settings(settings, guidelines))
    try:
        if not services.llm.healthy():
            fail(f"no LLM answers at {settings.llm_base_url} (start one with `brandbot llm serve`)")
        services.knowledge_base.add(_files(guidelines), "eval")
        if request_set.rules:
            library.add(
                services.settings,
                services.db,
                resolve_corpus(request_set.rules, requests_file, root, settings.corpora),
                actor="eval",
            )
        with Progress(
            TextColumn("[bold]Drafting"),
            BarColumn(),
            MofNCompleteColumn(),
            console=errors(),
            transient=True,
            disable=output is Output.json,
        ) as progress:
            task = progress.add_task("drafts", total=len(request_set.requests))
            report = run_drafts(services, request_set, partial(progress.advance, task))
    finally:
        services.close()
    if output is Output.json:
        print_json(report.to_dict())
        return
    grid = table(
        "Format",
        "Status",
        "Errors",
        "Warn",
        "Auto rev",
        "Cites",
        "Length",
        "LLM s",
        "Total s",
        "Request",
        title=f"{report.drafts} drafts by {report.model} at {report.server}",
    )
    for result in report.results:
        grid.add_row(
            result.format,
            result.status,
            str(result.error_hits),
            str(result.warnings),
            str(result.auto_revisions),
            str(result.citations),
            f"{result.length}/{result.limit}",
            f"{result.seconds['llm']:.1f}",
            f"{result.seconds['total']:.1f}",
            result.request[:50],
        )
    console().print(grid)
    seconds = report.seconds_mean
    console().print(
        f"compliant (no error-level hit): {report.compliant_share:.0%}   automatic revisions: mean "
        f"{report.auto_revisions_mean} {report.auto_revisions_histogram}   "
        f"citations per draft: {report.citations_mean}\n"
        f"within the format's length: {report.within_limit_share:.0%} "
        f"(median length/limit {report.length_to_limit_median})   failed: {report.failed}\n"
        f"time per draft: {seconds['total']:.1f} s = retrieval {seconds['retrieval']:.2f} + LLM {seconds['llm']:.1f}"
        f" + checks {seconds['checks']:.3f} + other {seconds['other']:.2f}",
        highlight=False,
    )


def eval_settings(settings: Settings, corpus: Path) -> Settings:
    """Each corpus gets its own store under the data directory, reused by later runs."""
    slug = re.sub(r"[^a-z0-9]+", "-", corpus.resolve().as_posix().lower()).strip("-")[-80:]
    return settings.model_copy(
        update={
            "data_dir": settings.data_dir / "eval" / slug,
            "database_url": None,
            "chroma_path": None,
            "chroma_url": None,
            "checkpoint_path": None,
            "rules_path": None,
        }
    )


def _files(corpus: Path) -> list[SourceFile]:
    from brandbot.guidelines.knowledge_base import SourceFile, expand_paths

    return [item for item in expand_paths([corpus]) if isinstance(item, SourceFile)]


def _repo_root(path: Path) -> Path:
    for folder in path.resolve().parents:
        if (folder / "pyproject.toml").exists():
            return folder
    return Path.cwd()


def _print_report(path: Path, report: RetrievalReport) -> None:
    grid = table(
        "Retriever",
        "R@1",
        "R@5",
        "R@10",
        "MRR@10",
        "nDCG@10",
        title=f"{path.name}: {report.corpus}, {report.questions} questions, {report.chunks} chunks",
    )
    for score in report.scores:
        grid.add_row(
            score.retriever,
            *(
                f"{value:.3f}"
                for value in (
                    score.recall_at_1,
                    score.recall_at_5,
                    score.recall_at_10,
                    score.mrr_at_10,
                    score.ndcg_at_10,
                )
            ),
        )
    console().print(grid)
    console().print(f"[dim]reranker: {report.reranker}[/]")
    hybrid = next(score for score in report.scores if score.retriever == "hybrid")
    if hybrid.misses:
        misses = table("Missed (hybrid, top 5)", "Expected", "Returned instead")
        for miss in hybrid.misses:
            misses.add_row(miss.question, "\n".join(miss.expected), "\n".join(miss.returned))
        console().print(misses)
    console().print()
