"""Two replicas on PostgreSQL and a Chroma server, measured in one run on loopback.

1. Drafts per minute with 16 requests in flight (8 per replica), against the same 16 requests'
   LLM calls (brief, then draft) sent straight to vLLM, 16 at a time, before and after the bot's
   run: vLLM's prefix cache makes a repeated prompt cheaper, so both directions are printed.
   Goal: ratio >= 0.9.
2. Decision latency with 50 concurrent clicks on the 16 drafts (16 approvals, 34 late clicks):
   click delivered -> card updated or the late clicker told. Goal: report p99.

Needs the local LLM (`brandbot llm serve`) and PostgreSQL. Run: .venv/bin/python bench/replicas.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brandbot.config import Settings
from brandbot.formats import format_for
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.services import Services
from brandbot.workflow import prompts
from brandbot.workflow.brief import classify
from tests.support.bot_process import start_bot, stop
from tests.support.servers import chroma_server, postgres
from tests.support.slack_standin import StandIn, deliver, event, interaction

REPO = Path(__file__).resolve().parents[1]
SECRET, TOKEN, APPROVALS = "bench-secret", "xoxb-bench", "CAPPROVALS"
TOPICS = [
    "Tidewell Restore",
    "Tidewell Vault",
    "the free trial",
    "restore points",
    "our new office",
    "Windows support",
    "World Backup Day",
    "the Team plan",
]
REQUESTS = [f"a short X post about {TOPICS[i % len(TOPICS)]} (#{i})" for i in range(16)]


def main() -> None:
    with postgres() as database_url, chroma_server() as chroma_url:
        standin = StandIn(TOKEN)
        standin.start()
        root = Path(tempfile.mkdtemp(prefix="brandbot-bench-replicas-"))
        settings = Settings(_env_file=None, data_dir=root / "data", database_url=database_url, chroma_url=chroma_url)  # type: ignore[call-arg]
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "BRANDBOT_DATA_DIR": str(settings.data_dir),
            "BRANDBOT_DATABASE_URL": database_url,
            "BRANDBOT_CHROMA_URL": chroma_url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "BRANDBOT_APPROVAL_CHANNEL": APPROVALS,
            "BRANDBOT_APPROVERS": "UBOB00001,UCAROL001",
        }
        services = Services(settings)
        services.knowledge_base.add(
            [item for item in expand_paths([REPO / "guidelines"]) if isinstance(item, SourceFile)], "bench"
        )
        if not services.llm.healthy():
            print("skipped: no LLM answers at", settings.llm_base_url, "(run `brandbot llm serve`)")
            return
        replicas = [start_bot(env, root / f"{name}.log") for name in ("a", "b")]
        try:
            cold = straight_to_vllm(services)
            bot_rate, cards = through_the_bot(standin, [url for _, url in replicas])
            warm = straight_to_vllm(services)
            print(
                f"drafts per minute, 16 in flight: vLLM directly {cold:.1f} (cold prefix cache), "
                f"bot {bot_rate:.1f}, vLLM directly again {warm:.1f}; ratio bot / direct "
                f"{bot_rate / warm:.2f} against the warm run, {bot_rate / cold:.2f} against the cold one"
                "  (goal >= 0.90)"
            )
            decision_latency(standin, [url for _, url in replicas], cards)
        finally:
            for process, _ in replicas:
                stop(process)
            services.close()
            standin.stop()


def through_the_bot(standin: StandIn, urls: list[str]) -> tuple[float, list[tuple[str, str]]]:
    client = httpx.Client()
    started = time.monotonic()
    for i, text in enumerate(REQUESTS):
        body = {
            "type": "app_mention",
            "user": f"UASK{i:05d}",
            "text": f"<@UBOT000001> {text}",
            "channel": "CGENERAL",
            "ts": f"{1_700_000_000 + i}.000100",
        }
        deliver(f"{urls[i % 2]}/slack/events", SECRET, event(body, f"EvR{i}"), client=client)
    cards = standin.wait_for(lambda: len(c := _cards(standin)) >= len(REQUESTS) and c, timeout=1800, what="16 cards")
    elapsed = max(call.at for call in standin.of("chat.postMessage") if call.args.get("channel") == APPROVALS) - started
    return len(REQUESTS) / elapsed * 60, cards


def straight_to_vllm(services: Services) -> float:
    """The bot's own LLM calls for the same requests: the brief, then the draft from the passages."""
    llm = services.llm

    def one(text: str) -> None:
        brand = services.settings.brand_name
        brief = classify(llm, text, brand)
        fmt = format_for(brief.format)
        passages = [p.to_dict() for p in services.knowledge_base.search(f"{text}\n{fmt.label} for {brief.audience}")]
        messages = prompts.draft_messages(
            brand=brand, request=text, requester="bench", fmt=fmt, audience=brief.audience, passages=passages
        )
        llm.complete(messages, max_tokens=fmt.max_tokens)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, REQUESTS))
    return len(REQUESTS) / (time.monotonic() - started) * 60


def decision_latency(standin: StandIn, urls: list[str], cards: list[tuple[str, str]]) -> None:
    clicks = [(cards[i % len(cards)], ("UBOB00001", "UCAROL001")[i % 2], urls[i % 2]) for i in range(50)]
    sent: list[tuple[str, float]] = []
    lock = threading.Lock()

    def click(item: tuple[tuple[str, str], str, str]) -> None:
        (ts, draft_id), user, url = item
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "trigger_id": "t",
            "channel": {"id": APPROVALS},
            "container": {"type": "message", "message_ts": ts, "channel_id": APPROVALS},
            "actions": [
                {"action_id": "draft_approve", "value": draft_id, "type": "button", "action_ts": str(time.time())}
            ],
        }
        with lock:
            sent.append((draft_id, time.monotonic()))
        deliver(f"{url}/slack/events", SECRET, interaction(payload), form=True)

    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(click, clicks))
    standin.wait_for(lambda: len(_answers(standin, cards)) >= 50, timeout=600, what="50 answers")
    answers = sorted(_answers(standin, cards))
    first_sent = min(at for _, at in sent)
    latencies = sorted((at - first_sent) * 1000 for at in answers[:50])
    approved = sum("Approved by" in json.dumps(c.args) for c in standin.of("chat.update"))
    print(
        f"50 concurrent clicks: {approved} approvals, {50 - approved} late clicks told; answer latency "
        f"p50 {statistics.median(latencies):.0f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1]:.0f} ms"
    )


def _cards(standin: StandIn) -> list[tuple[str, str]]:
    found = []
    for call in standin.of("chat.postMessage"):
        if call.args.get("channel") == APPROVALS and "_ts" in call.args:
            actions = next(b for b in call.args["blocks"] if b["type"] == "actions")
            found.append((call.args["_ts"], actions["elements"][0]["value"]))
    return found


def _answers(standin: StandIn, cards: list[tuple[str, str]]) -> list[float]:
    card_ts = {ts for ts, _ in cards}
    updates = [
        c.at for c in standin.of("chat.update") if c.args.get("ts") in card_ts and "Approved by" in json.dumps(c.args)
    ]
    told = [c.at for c in standin.of("chat.postEphemeral") if "already approved" in c.args.get("text", "")]
    return updates + told


if __name__ == "__main__":
    main()
