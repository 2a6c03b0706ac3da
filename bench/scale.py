"""Drafts in flight at GPU scale, measured in one run on loopback against the LLM stand-in.

The stand-in (tests/support/llm_standin.py, run as its own process) plays Llama 4 Scout served by
vLLM on GPUs: no limit on concurrency, time per token growing with the batch, the same
`vllm:num_requests_running` gauge. For N = 16, 64 and 256 requests in flight:

1. Directly: N clients each make the bot's LLM calls for one request (intake, then the draft
   with its passages), all at once; the mean of the gauge while any is outstanding.
2. Through the bot: N mentions delivered at once to the Slack endpoint; the mean of the gauge
   from the first delivery until every request's draft is recorded (its card is then the
   outbox's work, which Slack's own rate limits pace).

Occupancy = (2) / (1); goal >= 0.9. Once with one replica on the embedded defaults (SQLite,
Chroma in-process), once with two replicas on PostgreSQL and a Chroma server. For each run: the
replicas' peak resident memory (goal < 1 GB at 256) and their CPU time per request (everything
the bot does but wait for the LLM).

Run from the repository root: .venv/bin/python bench/scale.py [--sizes 16,64,256] [--setups one,two]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brandbot.config import LOCAL_MODEL_NAME, Settings
from brandbot.formats import format_for
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.services import Services
from brandbot.store.db import Database
from brandbot.store.models import Draft
from brandbot.workflow import prompts
from brandbot.workflow.brief import classify
from tests.support.bot_process import start_bot, stop
from tests.support.llm_standin import LLAMA4_SCOUT, running
from tests.support.servers import chroma_server, free_port, postgres
from tests.support.slack_standin import StandIn, deliver, event

REPO = Path(__file__).resolve().parents[1]
SECRET, TOKEN, APPROVALS = "bench-secret", "xoxb-bench", "CAPPROVALS"
TOPICS = ["Tidewell Restore", "Tidewell Vault", "the free trial", "restore points", "the Team plan"]


@dataclass
class Replica:
    process: subprocess.Popen[bytes]
    url: str

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


class Gauge:
    """Samples the LLM server's running count (and the replicas' memory) until stopped."""

    def __init__(self, llm_url: str, replicas: list[Replica]) -> None:
        self.running: list[int] = []
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(llm_url, replicas), daemon=True)
        self._thread.start()

    def _sample(self, llm_url: str, replicas: list[Replica]) -> None:
        while not self._stop.wait(0.1):
            self.running.append(running(llm_url))
            self.peak_rss_mb = max([self.peak_rss_mb, *(replica.rss_mb() for replica in replicas)])

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return statistics.fmean(self.running) if self.running else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="16,64,256")
    parser.add_argument("--setups", default="one,two")
    parser.add_argument("--llm-url", help="a real vLLM (e.g. `brandbot llm serve`'s) instead of the stand-in")
    parser.add_argument("--llm-model", default=LOCAL_MODEL_NAME, help="the model that --llm-url serves")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with ExitStack() as stack:
        if args.llm_url:
            llm_url, model = args.llm_url, args.llm_model
            print(f"vLLM at {llm_url} serving {model}")
        else:
            llm_url, model = stack.enter_context(llm_standin()), LLAMA4_SCOUT.model
            print(
                f"LLM stand-in playing {model}: {LLAMA4_SCOUT.ttft_s:.2f} s to the first token, "
                f"{LLAMA4_SCOUT.token_s(1) * 1000:.1f} ms per token alone, "
                f"{LLAMA4_SCOUT.token_s(64) * 1000:.1f} ms at 64, {LLAMA4_SCOUT.token_s(256) * 1000:.1f} ms at 256"
            )
        print(f"{'setup':<28} {'N':>4} {'direct':>7} {'bot':>7} {'occupancy':>9} {'peak RSS':>9} {'CPU/request':>11}")
        for setup in args.setups.split(","):
            storage = stack.enter_context(servers()) if setup == "two" else {}
            for size in sizes:
                measure(setup, size, llm_url, model, storage)


def measure(setup: str, size: int, llm_url: str, model: str, storage: dict[str, str]) -> None:
    replicas_count = 2 if setup == "two" else 1
    root = Path(tempfile.mkdtemp(prefix=f"brandbot-bench-scale-{setup}-{size}-"))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=root / "data",
        llm_base_url=llm_url,
        llm_model=model,
        llm_max_in_flight=size,
        **storage,
    )
    services = Services(settings)
    services.knowledge_base.add(
        [item for item in expand_paths([REPO / "guidelines"]) if isinstance(item, SourceFile)], "bench"
    )
    requests = [f"a LinkedIn post about {TOPICS[i % len(TOPICS)]} (#{i})" for i in range(size)]
    direct = straight_to_the_llm(services, requests, llm_url)
    services.close()

    standin = StandIn(TOKEN)
    standin.start()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "BRANDBOT_DATA_DIR": str(settings.data_dir),
        "BRANDBOT_LLM_BASE_URL": llm_url,
        "BRANDBOT_LLM_MODEL": model,
        "BRANDBOT_LLM_MAX_IN_FLIGHT": str(max(1, size // replicas_count)),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.api_url,
        "BRANDBOT_APPROVAL_CHANNEL": APPROVALS,
        "BRANDBOT_APPROVERS": "UBOB00001",
        **(
            {"BRANDBOT_DATABASE_URL": storage["database_url"], "BRANDBOT_CHROMA_URL": storage["chroma_url"]}
            if storage
            else {}
        ),
    }
    replicas = [Replica(*start_bot(env, root / f"replica-{n}.log")) for n in range(replicas_count)]
    try:
        bot, cpu, rss = through_the_bot(standin, replicas, requests, llm_url, Database(settings.resolved_database_url))
    finally:
        for replica in replicas:
            stop(replica.process)
        standin.stop()
    label = "one replica, SQLite" if setup == "one" else "two replicas, PostgreSQL"
    print(
        f"{label:<28} {size:>4} {direct:>7.1f} {bot:>7.1f} {bot / direct:>9.2f} {rss:>6.0f} MB "
        f"{cpu / size * 1000:>8.0f} ms",
        flush=True,
    )


def straight_to_the_llm(services: Services, requests: list[str], llm_url: str) -> float:
    """The bot's LLM calls for each request, N at once: intake, then the draft from its passages."""
    llm, brand = services.llm, services.settings.brand_name
    prepared = []
    for text in requests:
        fmt = format_for("linkedin_post")
        passages = [p.to_dict() for p in services.knowledge_base.search(f"{text}\n{fmt.label}")]
        messages = prompts.draft_messages(
            brand=brand, request=text, requester="bench", fmt=fmt, audience="customers", passages=passages
        )
        prepared.append((text, messages, fmt.max_tokens))

    def one(item: tuple[str, list[dict[str, str]], int]) -> None:
        text, messages, max_tokens = item
        classify(llm, text, brand)
        llm.complete(messages, max_tokens=max_tokens)

    gauge = Gauge(llm_url, [])
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        list(pool.map(one, prepared))
    return gauge.stop()


def through_the_bot(
    standin: StandIn, replicas: list[Replica], requests: list[str], llm_url: str, db: Database
) -> tuple[float, float, float]:
    """Mean running at the LLM from the first delivery to the last draft; CPU seconds; peak RSS."""
    client = httpx.Client(limits=httpx.Limits(max_connections=64))
    before = drafts(db)
    run = f"{len(replicas)}x{len(requests)}"
    cpu_before = sum(replica.cpu_s() for replica in replicas)
    gauge = Gauge(llm_url, replicas)

    def mention(i: int) -> None:
        body = {
            "type": "app_mention",
            "user": f"UASK{i:05d}",
            "text": f"<@UBOT000001> {requests[i]}",
            "channel": "CGENERAL",
            "ts": f"{1_700_000_000 + len(requests) * 1000 + i}.000100",
        }
        deliver(f"{replicas[i % len(replicas)].url}/slack/events", SECRET, event(body, f"Ev{run}-{i}"), client=client)

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(mention, range(len(requests))))
    standin.wait_for(lambda: drafts(db) - before >= len(requests), timeout=1800, what=f"{len(requests)} drafts")
    mean = gauge.stop()
    cpu = sum(replica.cpu_s() for replica in replicas) - cpu_before
    cards = lambda: sum(c.args.get("channel") == APPROVALS for c in standin.of("chat.postMessage"))  # noqa: E731
    standin.wait_for(lambda: cards() >= len(requests), timeout=1800, what=f"{len(requests)} cards")
    db.dispose()
    return mean, cpu, gauge.peak_rss_mb


def drafts(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Draft)) or 0)


@contextmanager
def llm_standin() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.llm_standin", "--preset", "scout", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().startswith("ready")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def servers() -> Iterator[dict[str, str]]:
    with postgres() as database_url, chroma_server() as chroma_url:
        yield {"database_url": database_url, "chroma_url": chroma_url}


if __name__ == "__main__":
    main()
