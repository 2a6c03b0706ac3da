"""`brandbot eval drafts`: a set of requests through the workflow without Slack, scored on what an
approver cares about: rule compliance before and after the automatic fixes, revisions needed,
citations, length, an LLM judge's rubric scores, and where time went.

When the request set names approved texts, each request is drafted twice, without and with the
closest approved texts as examples, so the two arms differ in nothing else."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from brandbot.evaluation.golden import load_yaml
from brandbot.evaluation.judge import CRITERIA, Judge, JudgeInfo
from brandbot.formats import FORMATS, format_for
from brandbot.rules import Level
from brandbot.services import Services

EVAL_REQUESTER = "eval"
IMPORTER = "eval-approver"
COPIED_RUN = 8
"""Words in a row shared with an example that count as copying it."""


class RequestSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    guidelines: str
    rules: str | None = None
    approved: str | None = None
    """Approved texts (YAML) to draft with as examples, compared with drafting without them."""
    requests: list[str] = Field(min_length=1)


class ApprovedText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str
    request: str = Field(min_length=1)
    text: str = Field(min_length=1)

    @field_validator("format")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(f"unknown format '{value}'; use one of {', '.join(FORMATS)}")
        return value


class ApprovedSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    approved: list[ApprovedText] = Field(min_length=1)


def load_requests(path: Path) -> RequestSet:
    return load_yaml(path, RequestSet)


def load_approved(path: Path) -> ApprovedSet:
    return load_yaml(path, ApprovedSet)


@dataclass
class DraftResult:
    request: str
    format: str
    status: str
    errors_before_fixes: int
    """Error-level rule hits in the model's first draft, before any fix or revision."""
    error_hits: int
    warnings: int
    auto_revisions: int
    citations: int
    length: int
    limit: int
    seconds: dict[str, float]
    examples: list[str] = field(default_factory=list)
    """Request ids of the approved texts the drafter was shown."""
    copied_words: int = 0
    """The longest run of words the draft shares with one of its examples."""
    judge: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class ArmReport:
    """One way of drafting (with or without examples), summed up over the requests."""

    arm: str
    drafts: int
    failed: int
    compliant_before_fixes_share: float
    compliant_share: float
    """Share of drafts with no error-level hit left after the automatic fixes and revisions."""
    auto_revisions_mean: float
    auto_revisions_histogram: dict[int, int]
    citations_mean: float
    within_limit_share: float
    length_to_limit_median: float
    copied_share: float
    """Share of drafts that repeat COPIED_RUN or more words in a row from an example."""
    judge_means: dict[str, float]
    judged: int
    seconds_mean: dict[str, float]
    results: list[DraftResult] = field(default_factory=list)


@dataclass
class DraftsReport:
    model: str
    server: str
    judge: JudgeInfo | None
    arms: list[ArmReport]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class _Stopwatch:
    """Adds up the time spent inside the wrapped calls, and keeps the first rule report."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.first_errors: int | None = None

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - started

        return timed

    def first_report(self, run: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            report = run(*args, **kwargs)
            if self.first_errors is None:
                self.first_errors = sum(alert.level == Level.error for alert in report.alerts)
            return report

        return recorded


def seed_approved(services: Services, approved: ApprovedSet) -> int:
    """Records the approved texts once; a later run over the same store finds them there."""
    recorded = 0
    for item in approved.approved:
        known = services.requests.approved_texts(item.format, 10_000)
        if any(row.request == item.request for row in known):
            continue
        services.requests.import_approved(IMPORTER, item.request, {"format": item.format}, item.text)
        recorded += 1
    return recorded


def run(
    services: Services,
    requests: RequestSet,
    judge: Judge | None = None,
    *,
    with_examples: bool = False,
    on_draft: Callable[[], None] | None = None,
) -> DraftsReport:
    arms = [("without examples", 0), ("with examples", max(services.settings.draft_examples, 1))]
    if not with_examples:
        arms = [("drafts", 0)]
    reports = [_run_arm(services, requests, name, count, judge, on_draft) for name, count in arms]
    info = judge.info if judge else None
    return DraftsReport(services.settings.llm_model, services.settings.llm_base_url, info, reports)


def _run_arm(
    services: Services,
    requests: RequestSet,
    arm: str,
    examples: int,
    judge: Judge | None,
    on_draft: Callable[[], None] | None,
) -> ArmReport:
    engine = services.engine
    watch = _Stopwatch()
    knowledge_base, llm, original = services.knowledge_base, services.llm, engine.context
    rules = services.rules()
    engine.context = dataclasses.replace(
        original,
        settings=original.settings.model_copy(update={"draft_examples": examples}),
        knowledge_base=_proxy(knowledge_base, search=watch.wrap("retrieval", knowledge_base.search)),
        llm=_proxy(llm, complete=watch.wrap("llm", llm.complete)),
        rules=lambda: _proxy(rules, run=watch.wrap("checks", watch.first_report(rules.run))),
    )
    results = []
    try:
        for text in requests.requests:
            watch.spent, watch.first_errors = {}, None
            started = time.perf_counter()
            outcome = engine.ask(EVAL_REQUESTER, text, EVAL_REQUESTER)
            total = time.perf_counter() - started
            state = engine.state(outcome.request.id)
            result = _result(text, outcome, state, watch, total)
            if judge and outcome.draft is not None:
                passages = state.get("passages", [])
                result.judge = judge.score(text, format_for(result.format), passages, outcome.draft.text)
            results.append(result)
            if on_draft:
                on_draft()
    finally:
        engine.context = original
    return _summary(arm, results)


def _proxy(target: Any, **overrides: Callable[..., Any]) -> Any:
    """The same object with some methods timed; everything else passes through."""

    class Proxy:
        def __getattr__(self, name: str) -> Any:
            return overrides.get(name) or getattr(target, name)

    return Proxy()


def _result(text: str, outcome: Any, state: dict[str, Any], watch: _Stopwatch, total: float) -> DraftResult:
    brief = outcome.request.brief or {}
    fmt = format_for(brief.get("format", ""))
    draft = outcome.draft
    alerts = draft.alerts if draft else []
    seconds = {key: round(watch.spent.get(key, 0.0), 3) for key in ("retrieval", "llm", "checks")}
    seconds["other"] = round(max(total - sum(seconds.values()), 0.0), 3)
    seconds["total"] = round(total, 3)
    examples = state.get("examples", [])
    return DraftResult(
        request=text,
        format=fmt.name,
        status=outcome.request.status,
        errors_before_fixes=watch.first_errors or 0,
        error_hits=sum(alert["level"] == "error" for alert in alerts),
        warnings=sum(alert["level"] == "warning" for alert in alerts),
        auto_revisions=draft.auto_revisions if draft else 0,
        citations=len(draft.sources) if draft else 0,
        length=len(draft.text) if draft else 0,
        limit=fmt.max_chars,
        seconds=seconds,
        examples=[example["request_id"] for example in examples],
        copied_words=max((shared_run(draft.text, example["text"]) for example in examples), default=0) if draft else 0,
        error=outcome.error,
    )


def shared_run(text: str, other: str) -> int:
    """The longest run of words (case and punctuation aside) that two texts share."""
    words = ["".join(ch for ch in word.lower() if ch.isalnum()) for word in text.split()]
    others = ["".join(ch for ch in word.lower() if ch.isalnum()) for word in other.split()]
    best, previous = 0, [0] * (len(others) + 1)
    for word in words:
        current = [0] * (len(others) + 1)
        for j, candidate in enumerate(others, start=1):
            if word and word == candidate:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _summary(arm: str, results: list[DraftResult]) -> ArmReport:
    done = [result for result in results if result.error is None]
    histogram: dict[int, int] = {}
    for result in done:
        histogram[result.auto_revisions] = histogram.get(result.auto_revisions, 0) + 1
    judged = [result.judge for result in done if result.judge]
    keys = ("retrieval", "llm", "checks", "other", "total")
    return ArmReport(
        arm=arm,
        drafts=len(results),
        failed=len(results) - len(done),
        compliant_before_fixes_share=_share(result.errors_before_fixes == 0 for result in done),
        compliant_share=_share(result.error_hits == 0 for result in done),
        auto_revisions_mean=_mean(result.auto_revisions for result in done),
        auto_revisions_histogram=dict(sorted(histogram.items())),
        citations_mean=_mean(result.citations for result in done),
        within_limit_share=_share(result.length <= result.limit for result in done),
        length_to_limit_median=round(statistics.median([r.length / r.limit for r in done]), 3) if done else 0.0,
        copied_share=_share(result.copied_words >= COPIED_RUN for result in done),
        judge_means={key: _mean(scores[key] for scores in judged) for key in (*CRITERIA, "overall")},
        judged=len(judged),
        seconds_mean={key: _mean(result.seconds[key] for result in done) for key in keys},
        results=results,
    )


def _share(flags: Any) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 3) if values else 0.0


def _mean(values: Any) -> float:
    items = list(values)
    return round(statistics.fmean(items), 3) if items else 0.0
