"""Time to an answer in Slack on the local model: `/brandbot ask QUESTION` signed and dispatched
through Bolt, the "answer" row run by the app's own worker pools, the reply posted through the
outbox to the Slack stand-in. One question at a time, so no question waits behind another.

Each question's time, from the command's dispatch to the answer's chat.postMessage, is split into
retrieval and the model (as the answer records them) and the rest: the ack, the queue, the
records, the DM's conversations.open, the outbox and the post.

Run from the repository root: .venv/bin/python bench/answers_slack.py [--golden 10] [--uncovered 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brandbot.cli.eval import _files
from brandbot.config import Settings
from brandbot.evaluation.answers import subset
from brandbot.evaluation.golden import load_golden
from brandbot.services import Services
from brandbot.slack.app import build_app
from brandbot.store import answers as store
from tests.support.bolt_app import SECRET, dispatch
from tests.support.slack_standin import TEAM, StandIn

REPO = Path(__file__).resolve().parents[1]
ASKER = "UASKER001"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=int, default=10, help="golden questions, spread over the Tidewell set")
    parser.add_argument("--uncovered", type=int, default=10, help="questions of eval/uncovered.yml")
    args = parser.parse_args()
    golden = load_golden(REPO / "eval/golden/guidelines.yaml").questions
    uncovered = yaml.safe_load((REPO / "eval/uncovered.yml").read_text())["questions"]
    questions = [q.question for q in subset(golden, args.golden)]
    questions += [q["question"] for q in uncovered[:: max(1, len(uncovered) // args.uncovered)][: args.uncovered]]

    standin = StandIn("xoxb-bench")
    standin.start()
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(data),
            slack_bot_token=SecretStr("xoxb-bench"),
            slack_signing_secret=SecretStr(SECRET),
            slack_api_url=standin.api_url,
            approval_channel="CAPPROVALS",
        )
        services = Services(settings)
        services.knowledge_base.add(_files(REPO / "guidelines"), "bench")
        services.knowledge_base.search("warm-up")
        app, background = build_app(services)
        background.start()
        rows: list[dict[str, Any]] = []
        try:
            for number, question in enumerate(questions):
                rows.append(ask(app, services, standin, number, question))
                print(json.dumps(rows[-1]), file=sys.stderr)
        finally:
            background.stop()
            services.close()
            standin.stop()
    report(rows, services.settings.llm_model)


def ask(app: Any, services: Services, standin: StandIn, number: int, question: str) -> dict[str, Any]:
    posted_before = len(standin.posts_to(f"D{ASKER}"))
    form = {
        "command": "/brandbot",
        "text": f"ask {question}",
        "user_id": ASKER,
        "channel_id": "CGENERAL",
        "team_id": TEAM,
        "trigger_id": f"bench-{number}",
        "response_url": "http://127.0.0.1:9/r",
    }
    started = time.perf_counter()
    assert dispatch(app, form, form=True).status == 200
    acked = time.perf_counter()
    standin.wait_for(lambda: len(standin.posts_to(f"D{ASKER}")) > posted_before, timeout=600, what="the answer")
    total_ms = (time.perf_counter() - started) * 1000
    record = store.by_key(services.db, f"answer:command:bench-{number}:{ASKER}")
    assert record is not None
    return {
        "question": question,
        "covered": record.covered,
        "reason": record.reason,
        "ack_ms": round((acked - started) * 1000, 1),
        "retrieval_ms": record.retrieval_ms,
        "llm_ms": record.llm_ms,
        "rest_ms": round(total_ms - record.retrieval_ms - record.llm_ms, 1),
        "total_ms": round(total_ms, 1),
    }


def report(rows: list[dict[str, Any]], model: str) -> None:
    def percentile(values: list[float], p: int) -> float:
        return values[0] if len(values) == 1 else statistics.quantiles(values, n=100, method="inclusive")[p - 1]

    print(f"{len(rows)} questions, model {model}; {sum(r['covered'] for r in rows)} answered, the rest not covered")
    for scope, chosen in (("all", rows), ("model asked", [r for r in rows if r["llm_ms"] > 0])):
        if not chosen:
            continue
        print(f"{scope} ({len(chosen)}):")
        for part in ("ack_ms", "retrieval_ms", "llm_ms", "rest_ms", "total_ms"):
            values = [float(r[part]) for r in chosen]
            print(f"  {part:13} p50 {percentile(values, 50):9.1f}  p95 {percentile(values, 95):9.1f}")


if __name__ == "__main__":
    main()
