"""`brandbot eval ...`: retrieval quality against golden sets, answers to guideline questions,
draft quality against rules and formats, the reading of what a message asks for against labelled
messages."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from brandbot.cli.context import load_settings
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, errors, fail, print_json, table, warn

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.progress import Progress

    from brandbot.config import Settings
    from brandbot.evaluation.answers import AnswersReport
    from brandbot.evaluation.drafts import ArmReport, DraftsReport
    from brandbot.evaluation.intents import IntentsReport
    from brandbot.evaluation.retrieval import RetrievalReport
    from brandbot.guidelines.knowledge_base import SourceFile
    from brandbot.services import Services

app = typer.Typer(
    help="Measure retrieval, draft and intent quality.", no_args_is_help=True, rich_markup_mode=PLAIN_HELP
)


@app.command()
def retrieval(
    golden_files: list[Path] = typer.Argument(
        ..., help="Golden sets (YAML): questions with the passages that answer them."
    ),
    output: Output = OutputOption,
) -> None:
    """Recall@1/5/10, MRR@10 and nDCG@10 per retriever and split, and the questions that missed.
    Files about the same corpus (a development set and a held-out one) are reported together."""
    from brandbot.evaluation.golden import EvalFileError, GoldenSet, combine, load_golden, resolve_corpus
    from brandbot.evaluation.retrieval import RETRIEVERS, evaluate, unanswerable
    from brandbot.services import Services

    settings = load_settings()
    by_corpus: dict[Path, list[GoldenSet]] = {}
    for path in golden_files:
        try:
            golden = load_golden(path)
        except EvalFileError as error:
            fail(str(error))
        corpus = resolve_corpus(golden.corpus, path, _repo_root(path), settings.corpora)
        if not corpus.exists():
            fail(f"{path}: corpus {golden.corpus} not found at {corpus}")
        by_corpus.setdefault(corpus, []).append(golden)
    reports = []
    for corpus, sets in by_corpus.items():
        try:
            golden = combine(sets)
        except EvalFileError as error:
            fail(str(error))
        services = Services(eval_settings(settings, corpus))
        try:
            _ingest(services, corpus)
            for question_id in unanswerable(services.knowledge_base, golden):
                warn(f"{golden.corpus}: no passage of the corpus answers '{question_id}'; check its answers")
            with _bar(corpus.name, output) as progress:
                task = progress.add_task("questions", total=len(golden.questions) * len(RETRIEVERS))
                report = evaluate(services.knowledge_base, golden, golden.corpus, partial(progress.advance, task))
        finally:
            services.close()
        reports.append(report)
        if output is Output.text:
            _print_report(report)
    if output is Output.json:
        print_json([report.to_dict() for report in reports])


@app.command()
def answers(
    golden_files: list[Path] = typer.Argument(..., help="Golden sets (YAML) about one corpus."),
    uncovered_file: Path | None = typer.Option(
        None, "--uncovered", help="Questions the corpus does not cover (YAML: corpus, questions with id and question)."
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        min=1,
        help="At most this many golden and this many uncovered questions, spread over each file.",
    ),
    output: Output = OutputOption,
) -> None:
    """Answers to guideline questions on the configured LLM: the share of golden questions whose
    citations include a passage that answers them, the share of uncovered questions answered
    "not covered", and the time to an answer (p50, p95) split into retrieval, the model and the rest."""
    from brandbot.evaluation.answers import UncoveredSet, evaluate, subset
    from brandbot.evaluation.golden import EvalFileError, GoldenSet, combine, load_golden, load_yaml, resolve_corpus
    from brandbot.services import Services

    settings = load_settings()
    try:
        sets = [load_golden(path) for path in golden_files]
        uncovered = load_yaml(uncovered_file, UncoveredSet) if uncovered_file else None
    except EvalFileError as error:
        fail(str(error))
    corpora = {
        resolve_corpus(g.corpus, path, _repo_root(path), settings.corpora)
        for g, path in zip(sets, golden_files, strict=True)
    }
    if uncovered and uncovered_file:
        corpora.add(resolve_corpus(uncovered.corpus, uncovered_file, _repo_root(uncovered_file), settings.corpora))
    if len(corpora) != 1:
        fail(f"the files name {len(corpora)} corpora; give files about one corpus at a time")
    corpus = corpora.pop()
    if not corpus.exists():
        fail(f"corpus not found at {corpus}")
    try:
        golden: GoldenSet = combine(sets)
    except EvalFileError as error:
        fail(str(error))
    services = Services(eval_settings(settings, corpus))
    try:
        if not services.llm.healthy():
            fail(f"no LLM answers at {settings.llm_base_url} (start one with `brandbot llm serve`)")
        _ingest(services, corpus)
        total = len(subset(golden.questions, limit)) + (len(subset(uncovered.questions, limit)) if uncovered else 0)
        with _bar(corpus.name, output) as progress:
            task = progress.add_task("questions", total=total)
            report = evaluate(
                services.settings,
                services.knowledge_base,
                services.llm,
                golden,
                uncovered,
                limit,
                partial(progress.advance, task),
            )
    finally:
        services.close()
    if output is Output.json:
        print_json(report.to_dict())
        return
    _print_answers(report)


def _print_answers(report: AnswersReport) -> None:
    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    summary = table("Measure", "Value", title=f"Answers on {report.corpus} by {report.model}")
    summary.add_row(f"golden questions citing a right passage (of {report.golden})", share(report.cited_right_share))
    summary.add_row("  a right passage was shown to the model", share(report.retrieved_right_share))
    summary.add_row("  answered (covered)", share(report.golden_covered_share))
    summary.add_row("  of which the guidelines' line, quoted", share(report.golden_quoted_share))
    summary.add_row(
        f"uncovered questions answered not covered (of {report.uncovered})", share(report.not_covered_share)
    )
    summary.add_row(
        "why not covered, or quoted", ", ".join(f"{reason} {count}" for reason, count in report.reasons.items())
    )
    for scope, timings in report.timings_ms.items():
        for part in ("retrieval", "llm", "rest", "total"):
            if f"{part}_50" in timings:
                summary.add_row(
                    f"{part} ms p50 / p95 ({scope.replace('_', ' ')})",
                    f"{timings[f'{part}_50']:.0f} / {timings[f'{part}_95']:.0f}",
                )
    console().print(summary)


@app.command()
def drafts(
    requests_file: Path = typer.Argument(..., help="Requests (YAML) with the guidelines and rules to draft from."),
    judge: bool = typer.Option(True, "--judge/--no-judge", help="Score each draft with the LLM judge's rubric."),
    output: Output = OutputOption,
) -> None:
    """Compliance before and after automatic fixes, revisions, citations, length, judge scores and
    time, per model; with and without approved texts as examples when the file names some."""
    from brandbot.evaluation.drafts import load_approved, load_requests, seed_approved
    from brandbot.evaluation.drafts import run as run_drafts
    from brandbot.evaluation.golden import EvalFileError, resolve_corpus
    from brandbot.evaluation.judge import Judge
    from brandbot.rulebook import library
    from brandbot.services import Services

    settings = load_settings()
    root = _repo_root(requests_file)
    try:
        request_set = load_requests(requests_file)
        approved = (
            load_approved(resolve_corpus(request_set.approved, requests_file, root, settings.corpora))
            if request_set.approved
            else None
        )
    except EvalFileError as error:
        fail(str(error))
    guidelines = resolve_corpus(request_set.guidelines, requests_file, root, settings.corpora)
    services = Services(eval_settings(settings, guidelines))
    scorer = Judge(services.settings) if judge else None
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
        if approved:
            seed_approved(services, approved)
        arms = 2 if approved else 1
        with _bar("Drafting", output) as progress:
            task = progress.add_task("drafts", total=len(request_set.requests) * arms)
            report = run_drafts(
                services,
                request_set,
                scorer,
                with_examples=approved is not None,
                on_draft=partial(progress.advance, task),
            )
    finally:
        if scorer:
            scorer.close()
        services.close()
    if output is Output.json:
        print_json(report.to_dict())
        return
    _print_drafts(report)


@app.command()
def intents(
    messages_file: Path = typer.Argument(..., help="Messages (YAML), each labelled with the intent it has."),
    model: bool = typer.Option(True, "--model/--no-model", help="Also read them with the LLM (needs a server)."),
    output: Output = OutputOption,
) -> None:
    """Accuracy, precision and recall per intent and the confusion table: as shipped (plain
    patterns decide, else the model), the model with the patterns as its fallback, and the
    patterns alone."""
    from brandbot.evaluation.golden import EvalFileError
    from brandbot.evaluation.intents import evaluate, load_intents, readers
    from brandbot.llm import LLMClient

    settings = load_settings()
    try:
        labelled = load_intents(messages_file)
    except EvalFileError as error:
        fail(str(error))
    llm = LLMClient(settings) if model else None
    try:
        if llm is not None and not llm.healthy():
            fail(f"no LLM answers at {settings.llm_base_url} (start one with `brandbot llm serve`, or pass --no-model)")
        with _bar("Reading", output) as progress:
            task = progress.add_task("messages", total=len(labelled.messages) * len(readers(llm)))
            report = evaluate(labelled, llm, partial(progress.advance, task))
    finally:
        if llm is not None:
            llm.close()
    if output is Output.json:
        print_json(report.to_dict())
        return
    _print_intents(report)


def _print_intents(report: IntentsReport) -> None:
    from brandbot.evaluation.intents import INTENTS

    where = f" by {report.model} at {report.server}" if report.model else ""
    for reader in report.readers:
        decided = f", {reader.by_model} decided by the model" if reader.reader != "rules" else ""
        grid = table(
            "Intent",
            "Messages",
            "Precision",
            "Recall",
            *(f"-> {intent}" for intent in INTENTS),
            title=f"{reader.reader}{where if reader.reader != 'rules' else ''}: accuracy {reader.accuracy:.1%} "
            f"of {report.messages}{decided}, {reader.seconds_mean * 1000:.0f} ms per message",
        )
        for score in reader.classes:
            grid.add_row(
                score.intent,
                str(score.support),
                "-" if score.precision is None else f"{score.precision:.2f}",
                "-" if score.recall is None else f"{score.recall:.2f}",
                *(str(reader.confusion[score.intent][intent]) for intent in INTENTS),
            )
        console().print(grid)
        for miss in reader.misses:
            console().print(f"  [dim]{miss.expected} read as {miss.got}:[/] {miss.text[:100]}", highlight=False)
    console().print()


def _print_drafts(report: DraftsReport) -> None:
    for arm in report.arms:
        grid = table(
            "Format",
            "Status",
            "Err 1st",
            "Errors",
            "Warn",
            "Auto rev",
            "Cites",
            "Length",
            "Judge",
            "LLM s",
            "Request",
            title=f"{arm.arm}: {arm.drafts} drafts by {report.model} at {report.server}",
        )
        for result in arm.results:
            grid.add_row(
                result.format,
                result.status,
                str(result.errors_before_fixes),
                str(result.error_hits),
                str(result.warnings),
                str(result.auto_revisions),
                str(result.citations),
                f"{result.length}/{result.limit}",
                str(result.judge["overall"]) if result.judge else "-",
                f"{result.seconds['llm']:.1f}",
                result.request[:50],
            )
        console().print(grid)
    summary = table("Measure", *(arm.arm for arm in report.arms), title="Summary")
    rows: list[tuple[str, Callable[[ArmReport], str]]] = [
        ("compliant before fixes", lambda a: f"{a.compliant_before_fixes_share:.0%}"),
        ("compliant after fixes", lambda a: f"{a.compliant_share:.0%}"),
        ("automatic revisions, mean", lambda a: f"{a.auto_revisions_mean}"),
        ("within the format's length", lambda a: f"{a.within_limit_share:.0%}"),
        ("median length / limit", lambda a: f"{a.length_to_limit_median}"),
        ("citations per draft", lambda a: f"{a.citations_mean}"),
        ("copied 8+ words from an example", lambda a: f"{a.copied_share:.0%}"),
        ("judge overall (1-5)", lambda a: f"{a.judge_means.get('overall', 0.0)} ({a.judged} judged)"),
        ("time per draft, s", lambda a: f"{a.seconds_mean['total']:.1f} (LLM {a.seconds_mean['llm']:.1f})"),
        ("failed", lambda a: str(a.failed)),
    ]
    for name, cell in rows:
        summary.add_row(name, *(cell(arm) for arm in report.arms))
    console().print(summary)
    if report.judge:
        console().print(
            f"[dim]judge: {report.judge.model} at {report.judge.server}, rubric sha256 "
            f"{report.judge.rubric_sha256[:12]}; {report.judge.note}[/]",
            highlight=False,
        )


def eval_settings(settings: Settings, corpus: Path) -> Settings:
    """Each corpus gets its own store under the data directory, reused by later runs. The
    per-person drafts budget is off: an evaluation asks for every draft as one requester."""
    slug = re.sub(r"[^a-z0-9]+", "-", corpus.resolve().as_posix().lower()).strip("-")[-80:]
    return settings.model_copy(
        update={
            "data_dir": settings.data_dir / "eval" / slug,
            "database_url": None,
            "chroma_path": None,
            "chroma_url": None,
            "checkpoint_path": None,
            "rules_path": None,
            "max_drafts_per_hour": 0,
        }
    )


def _bar(label: str, output: Output) -> Progress:
    """The evaluations' progress bar, on stderr, gone when done; none for `--output json`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=errors(),
        transient=True,
        disable=output is Output.json,
    )


def _ingest(services: Services, corpus: Path) -> None:
    """The corpus into the evaluation's store; a file that fails is named, the rest still count."""
    for result in services.knowledge_base.add(_files(corpus), "eval"):
        if result.outcome == "failed":
            warn(f"{result.source}: {result.reason}")


def _files(corpus: Path) -> list[SourceFile]:
    from brandbot.guidelines.knowledge_base import SourceFile, expand_paths

    return [item for item in expand_paths([corpus]) if isinstance(item, SourceFile)]


def _repo_root(path: Path) -> Path:
    for folder in path.resolve().parents:
        if (folder / "pyproject.toml").exists():
            return folder
    return Path.cwd()


def _print_report(report: RetrievalReport) -> None:
    from brandbot.evaluation.retrieval import RETRIEVERS

    counts = ", ".join(f"{count} {split}" for split, count in report.questions.items())
    grid = table(
        "Split",
        "Retriever",
        "R@1",
        "R@5",
        "R@10",
        "MRR@10",
        "nDCG@10",
        title=f"{report.corpus}: {counts} questions, {report.chunks} chunks",
    )
    for score in sorted(report.scores, key=lambda score: score.split):
        grid.add_row(
            score.split,
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
            end_section=score.retriever == RETRIEVERS[-1],
        )
    console().print(grid)
    console().print(f"[dim]reranker: {report.reranker}[/]")
    for score in report.scores:
        if score.retriever == "hybrid" and score.misses:
            misses = table(f"Missed (hybrid, top 5, {score.split})", "Expected", "Returned instead")
            for miss in score.misses:
                misses.add_row(miss.question, "\n".join(miss.expected), "\n".join(miss.returned))
            console().print(misses)
    console().print()
