"""Brand-rule checking speed, measured in one run.

1. All shipped rules (guidelines/rules) over the whole of ../shared/corpora: words/s.
2. The same over 1,000 drafts: posts of 40-250 words assembled from the shipped brand book's
   own sentences, checked as the workflow checks them (format, channel, promotional).
3. The share of one real request's wall time spent in checks (needs `brandbot llm serve`).
Goals: > 100,000 words/s, checks < 2 % of a request's time.

Run: .venv/bin/python bench/rules.py
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from brandbot.config import Settings
from brandbot.evaluation.golden import corpora_root
from brandbot.formats import FORMATS
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.rulebook import library
from brandbot.rules import DraftContext, RuleSet, load_styles
from brandbot.services import Services

REPO = Path(__file__).resolve().parents[1]
CORPORA = corpora_root(Settings(_env_file=None).corpora, REPO)  # type: ignore[call-arg]
RULES = REPO / "guidelines" / "rules"
VALE_STYLES = REPO.parent / "shared" / "vale-styles"


def words(text: str) -> int:
    return len(text.split())


def throughput(label: str, rules: RuleSet, texts: list[tuple[str, DraftContext | None]]) -> None:
    total = sum(words(text) for text, _ in texts)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text, context in texts:
            rules.check(text, context)
        best = min(best, time.perf_counter() - started)
    print(f"  {label:<34} {len(texts):>5} texts {total:>8} words   {total / best:>10,.0f} words/s  (goal > 100,000)")


def drafts(count: int) -> list[tuple[str, DraftContext]]:
    sentences = [
        sentence
        for path in (REPO / "guidelines").glob("*.md")
        for sentence in re.split(r"(?<=[.!?])\s+", path.read_text())
        if 4 <= words(sentence) <= 40 and not sentence.startswith(("#", "|", "-"))
    ]
    rng = random.Random(7)
    result = []
    for _ in range(count):
        body: list[str] = []
        target = rng.randint(40, 250)
        while sum(map(words, body)) < target:
            body.append(rng.choice(sentences))
        fmt = rng.choice(list(FORMATS))
        result.append((" ".join(body), DraftContext(format=fmt, promotional=rng.random() < 0.5)))
    return result


def request_share() -> None:
    settings = Settings(_env_file=None, data_dir=Path(tempfile.mkdtemp(prefix="brandbot-bench-rules-")))  # type: ignore[call-arg]
    services = Services(settings)
    if not services.llm.healthy():
        print("  skipped: no LLM answers at", settings.llm_base_url, "(run `brandbot llm serve`)")
        return
    library.add(settings, services.db, RULES, actor="bench")
    services.knowledge_base.add([i for i in expand_paths([REPO / "guidelines"]) if isinstance(i, SourceFile)], "bench")
    services.engine.ask("alice", "Warm-up: a short X post about Tidewell Backup")
    spent = {"checks": 0.0}
    real = services.rules()

    class TimedRules:
        def run(self, text: str, context: Any = None) -> Any:
            started = time.perf_counter()
            try:
                return real.run(text, context)
            finally:
                spent["checks"] += time.perf_counter() - started

    services.engine.context = dataclasses.replace(services.engine.context, rules=lambda: TimedRules())
    started = time.perf_counter()
    run = services.engine.ask(
        "alice", "Write a LinkedIn post inviting customers to try Tidewell Vault free for 30 days"
    )
    total = time.perf_counter() - started
    assert run.draft is not None, run.error
    print(
        f"  one request: {total:.2f} s, checks {spent['checks'] * 1000:.1f} ms ({spent['checks'] / total:.2%}), "
        f"{run.draft.auto_revisions} automatic revision(s)  (goal < 2 %)"
    )
    services.close()


def vale_styles() -> RuleSet | None:
    """errata-ai's Microsoft, Google and write-good styles, every rule on, as a team would use them."""
    if not VALE_STYLES.is_dir():
        return None
    scratch = Path(tempfile.mkdtemp(prefix="brandbot-bench-vale-"))
    for style in ("Microsoft", "Google", "write-good"):
        shutil.copytree(VALE_STYLES / style / style, scratch / style)
    return load_styles(scratch)


def main() -> None:
    rules = load_styles(RULES)
    print(
        f"Checking speed, {len(rules)} shipped rules, time limit {rules.time_limit_s * 1000:.0f} ms per rule per text"
    )
    corpus = [(path.read_text(), None) for path in sorted(CORPORA.glob("*/*.md"))] if CORPORA.exists() else []
    if corpus:
        throughput("shared/corpora, no context", rules, corpus)
        throughput("  the same, no time limit", dataclasses.replace(rules, time_limit_s=None), corpus)
    throughput("1,000 drafts, workflow contexts", rules, drafts(1000))
    public = vale_styles()
    if public is not None and corpus:
        print(f"Public Vale styles (Microsoft, Google, write-good): {len(public)} rules")
        throughput("shared/corpora, no context", public, corpus)
    print("Share of a request")
    request_share()


if __name__ == "__main__":
    main()
