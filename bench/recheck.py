"""Re-check speed over a large history, measured in one run.

A store holds N approved texts (drafts assembled from the shipped brand book's sentences, as
bench/rules.py makes them, each citing four passages that real hybrid retrieval found for it).
Then the shipped rules are published as a new version and one guideline document is replaced,
and the re-check those changes queue is run:

1. texts re-checked per second, whole run, and the share of its time in the rules, in the
   passage comparison, and in the rest (reading batches, writing findings and cursors); twice,
   since the first run in a process also warms the rules' caches;
2. a run killed after its first batch, then resumed: texts checked twice (goal 0) and the
   resumed run's speed against an uninterrupted one.

Run: .venv/bin/python bench/recheck.py [--texts 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rules import RULES, drafts  # bench/rules.py: the same generated drafts

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.store.models import Decision, Draft, Request, utcnow
from brandbot.store.requests import new_id
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.workers import LostOwnership

GUIDELINES = Path(__file__).resolve().parents[1] / "guidelines"
SCOPE = {"rules": True, "documents": None}


def history(services: Services, count: int) -> None:
    """`count` approved texts in the last 60 days, written in one transaction per 500."""
    texts = drafts(count)
    cited = [
        [passage.to_dict() for passage in services.knowledge_base.search(text[:200], top_k=4)] for text, _ in texts[:50]
    ]
    rng = random.Random(11)
    now = utcnow()
    for start in range(0, count, 500):
        with services.db.session() as session:
            for text, context in texts[start : start + 500]:
                request_id, draft_id = new_id("req"), new_id("drf")
                decided = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
                brief = {"format": context.format, "promotional": context.promotional}
                session.add(
                    Request(
                        id=request_id,
                        requester="bench",
                        text=f"A {context.format} about our service",
                        origin="cli",
                        status=RequestStatus.approved,
                        brief=brief,
                        final_text=text,
                    )
                )
                session.flush()
                session.add(
                    Draft(
                        id=draft_id,
                        request_id=request_id,
                        revision=1,
                        text=text,
                        sources=rng.choice(cited),
                        status=DraftStatus.approved,
                        expires_at=now,
                    )
                )
                session.flush()
                session.add(Decision(draft_id=draft_id, actor="approver", action="approve", decided_at=decided))


def change_guidelines(services: Services) -> None:
    """The shipped rules as a new version, and the voice guide with every paragraph reworded."""
    library.add(services.settings, services.db, RULES, actor="bench")
    voice = next(path for path in sorted(GUIDELINES.glob("*.md")) if "voice" in path.name.lower())
    changed = voice.read_text().replace(". ", ", always. ").encode()
    services.knowledge_base.add([SourceFile(voice.name, len(changed), lambda: changed)], "bench")


def whole_run(services: Services, label: str) -> float:
    """Texts per second of one uninterrupted run, with where its time went."""
    rechecker = services.rechecker
    run = rechecker.start(f"bench:{label}", "bench", SCOPE, days=90)
    started = time.perf_counter()
    timing = rechecker.run(run).timing
    took = time.perf_counter() - started
    findings = len(rechecker.store.findings(run.id))
    print(f"\n{label} run: {run.checked} texts in {took:.2f} s = {run.checked / took:,.0f} texts/s")
    print(f"  {findings} findings")
    rest = took - timing.rules_s - timing.passages_s
    print(
        f"  rules {timing.rules_s / took:6.1%}   passages {timing.passages_s / took:6.1%}"
        f"   reads and writes {rest / took:6.1%}"
    )
    return run.checked / took


def killed_and_resumed(services: Services, speed: float) -> None:
    rechecker = services.rechecker
    killed = rechecker.start("bench:killed", "bench", SCOPE, days=90)
    held = iter([True, False])
    with contextlib.suppress(LostOwnership):
        rechecker.run(killed, still_held=lambda: next(held, False))
    first = killed.checked
    started = time.perf_counter()
    resumed = rechecker.start("bench:killed", "bench", SCOPE, days=90)
    timing = rechecker.run(resumed).timing
    rate = (resumed.checked - first) / (time.perf_counter() - started)
    print(f"\nkilled after {first} texts, resumed for {resumed.checked - first} more:")
    print(f"  checked twice {resumed.checked - resumed.total} (goal 0)")
    print(f"  resumed at {rate:,.0f} texts/s, {rate / speed:.2f}x the second whole run")
    print(f"  rules {timing.rules_s:.2f} s, passages {timing.passages_s:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000)
    count = parser.parse_args().texts
    data = Path(tempfile.mkdtemp(prefix="brandbot-bench-recheck-"))
    settings = Settings(_env_file=None, data_dir=data)  # type: ignore[call-arg]
    services = Services(settings)
    sources = [item for item in expand_paths([GUIDELINES]) if isinstance(item, SourceFile)]
    services.knowledge_base.add(sources, "bench")
    started = time.perf_counter()
    history(services, count)
    print(f"history: {count} approved texts written in {time.perf_counter() - started:.1f} s")
    change_guidelines(services)

    whole_run(services, "first")
    killed_and_resumed(services, whole_run(services, "second"))
    services.close()


if __name__ == "__main__":
    main()
