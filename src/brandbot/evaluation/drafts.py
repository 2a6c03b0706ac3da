"""`brandbot eval drafts`: a set of requests through the workflow without Slack, scored on what an
approver cares about: rule compliance, revisions needed, citations, length, and where time went."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from brandbot.evaluation.golden import load_yaml
from brandbot.formats import format_for
from brandbot.services import Services


class RequestSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    guidelines: str
    rules: str | None = None
    requests: list[str] = Field(min_length=1)


def load_requests(path: Path) -> RequestSet:
    return load_yaml(path, RequestSet)


@dataclass
class DraftResult:
    request: str
    format: str
    status: str
    error_hits: int
    warnings: int
    auto_revisions: int
    citations: int
    length: int
    limit: int
    seconds: dict[str, float]
    error: str | None = None


@dataclass
class DraftsReport:
    model: str
    server: str
    drafts: int
    failed: int
    compliant_share: float
    """Share of drafts with no error-level rule hit left after the automatic fixes and revisions."""
    auto_revisions_mean: float
    auto_revisions_histogram: dict[int, int]
    citations_mean: float
    within_limit_share: float
    length_to_limit_median: float
    seconds_mean: dict[str, float]
    results: list[DraftResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class _Stopwatch:
    """Adds up the time spent inside the wrapped calls."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - started

        return timed


def run(services: Services, requests: RequestSet, on_draft: Callable[[], None] | None = None) -> DraftsReport:
    engine = services.engine
    watch = _Stopwatch()
    knowledge_base, llm, original = services.knowledge_base, services.llm, engine.context
    rules = services.rules()
    engine.context = dataclasses.replace(
        original,
        knowledge_base=_proxy(knowledge_base, search=watch.wrap("retrieval", knowledge_base.search)),
        llm=_proxy(llm, complete=watch.wrap("llm", llm.complete)),
        rules=lambda: _proxy(rules, check=watch.wrap("checks", rules.check)),
    )
    results = []
    try:
        for text in requests.requests:
            watch.spent = {}
            started = time.perf_counter()
            outcome = engine.ask("eval", text, "eval")
            total = time.perf_counter() - started
            results.append(_result(text, outcome, watch.spent, total))
            if on_draft:
                on_draft()
    finally:
        engine.context = original
    return _report(services, results)


def _proxy(target: Any, **overrides: Callable[..., Any]) -> Any:
    """The same object with some methods timed; everything else passes through."""

    class Proxy:
        def __getattr__(self, name: str) -> Any:
            return overrides.get(name) or getattr(target, name)

    return Proxy()


def _result(text: str, outcome: Any, spent: dict[str, float], total: float) -> DraftResult:
    brief = outcome.request.brief or {}
    fmt = format_for(brief.get("format", ""))
    draft = outcome.draft
    alerts = draft.alerts if draft else []
    seconds = {key: round(spent.get(key, 0.0), 3) for key in ("retrieval", "llm", "checks")}
    seconds["other"] = round(max(total - sum(seconds.values()), 0.0), 3)
    seconds["total"] = round(total, 3)
    return DraftResult(
        request=text,
        format=fmt.name,
        status=outcome.request.status,
        error_hits=sum(alert["level"] == "error" for alert in alerts),
        warnings=sum(alert["level"] == "warning" for alert in alerts),
        auto_revisions=draft.auto_revisions if draft else 0,
        citations=len(draft.sources) if draft else 0,
        length=len(draft.text) if draft else 0,
        limit=fmt.max_chars,
        seconds=seconds,
        error=outcome.error,
    )


def _report(services: Services, results: list[DraftResult]) -> DraftsReport:
    done = [result for result in results if result.error is None]
    histogram: dict[int, int] = {}
    for result in done:
        histogram[result.auto_revisions] = histogram.get(result.auto_revisions, 0) + 1
    keys = ("retrieval", "llm", "checks", "other", "total")
    return DraftsReport(
        model=services.settings.llm_model,
        server=services.settings.llm_base_url,
        drafts=len(results),
        failed=len(results) - len(done),
        compliant_share=_share(result.error_hits == 0 for result in done),
        auto_revisions_mean=_mean(result.auto_revisions for result in done),
        auto_revisions_histogram=dict(sorted(histogram.items())),
        citations_mean=_mean(result.citations for result in done),
        within_limit_share=_share(result.length <= result.limit for result in done),
        length_to_limit_median=round(statistics.median([r.length / r.limit for r in done]), 3) if done else 0.0,
        seconds_mean={key: _mean(result.seconds[key] for result in done) for key in keys},
        results=results,
    )


def _share(flags: Any) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 3) if values else 0.0


def _mean(values: Any) -> float:
    items = list(values)
    return round(statistics.fmean(items), 3) if items else 0.0
