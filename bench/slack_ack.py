"""Slack answered while the LLM is kept busy: acks and decisions with drafts in flight, in one run.

`brandbot serve` (HTTP mode, embedded defaults) runs against the local Slack stand-in and the LLM
stand-in playing Llama 4 Scout on GPUs (tests/support/llm_standin.py, its own process). In order:

1. Decisions: 50 drafts wait for approval; 64 more requests arrive and, while they are drafted,
   an approver clicks Approve on the 50 at once. Click sent -> card updated: goal p99 < 500 ms.
2. Sustained: 100 deliveries a second for 30 s (10 % mentions, which keep about 64 drafts in
   flight, 30 % clicks, 30 % `/brandbot help`, 30 % App Home opens): goal ack p99 < 100 ms.
3. A burst of 300 at once, the same mix: every one within 3 s, goal p99 < 1 s.
4. Throughput: 16 clients sending the same mix as fast as they are answered, for 10 s, to the bot
   and then to a bare Bolt app on the same server (waitress, 16 threads) that only acknowledges.
   Goal: bot / bare >= 0.8.

Run from the repository root: .venv/bin/python bench/slack_ack.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scale import llm_standin, servers
from tests.support.bot_process import start_bot, stop
from tests.support.llm_standin import LLAMA4_SCOUT, running
from tests.support.servers import free_port
from tests.support.slack_standin import TEAM, StandIn, deliver, event, interaction

REPO = Path(__file__).resolve().parents[1]
SECRET, TOKEN, APPROVALS, APPROVER = "bench-secret", "xoxb-bench", "CAPPROVALS", "UBOB00001"
Send = Callable[[], httpx.Response]


class Deliveries:
    """Signed deliveries of each kind, numbered so that no two are alike (Slack dedupes by id)."""

    def __init__(self, url: str) -> None:
        self.url = f"{url}/slack/events"
        self.client = httpx.Client(limits=httpx.Limits(max_connections=400, max_keepalive_connections=400))
        self._count = 0
        self._lock = threading.Lock()
        self.card: tuple[str, str] = ("1.0", "none")

    def _next(self) -> int:
        with self._lock:
            self._count += 1
            return self._count

    def mention(self) -> httpx.Response:
        i = self._next()
        body = {
            "type": "app_mention",
            "user": f"UASK{i:05d}",
            "text": f"<@UBOT000001> a LinkedIn post about Tidewell Restore (#{i})",
            "channel": "CGENERAL",
            "ts": f"{1_700_000_000 + i}.000100",
        }
        return self._post(event(body, f"EvM{i}"))

    def home(self) -> httpx.Response:
        i = self._next()
        return self._post(event({"type": "app_home_opened", "user": f"UHOME{i:05d}", "tab": "home"}, f"EvH{i}"))

    def help(self) -> httpx.Response:
        i = self._next()
        command = {"command": "/brandbot", "text": "help", "user_id": f"UCMD{i:05d}", "channel_id": "CGENERAL"}
        return self._post({**command, "team_id": TEAM}, form=True)

    def click(self, user: str | None = None, card: tuple[str, str] | None = None) -> httpx.Response:
        i = self._next()
        ts, draft_id = card or self.card
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user or f"UNOPE{i:05d}"},
            "trigger_id": f"t{i}",
            "channel": {"id": APPROVALS},
            "container": {"type": "message", "message_ts": ts, "channel_id": APPROVALS},
            "message": {"ts": ts},
            "actions": [{"action_id": "draft_approve", "value": draft_id, "type": "button", "action_ts": f"{i}"}],
        }
        return self._post(interaction(payload), form=True)

    def mix(self, n: int) -> list[Send]:
        """In every ten: one mention, three clicks, three `/brandbot help`, three App Home opens."""
        kinds: list[Send] = [self.mention, *[self.click] * 3, *[self.help] * 3, *[self.home] * 3]
        return [kinds[i % len(kinds)] for i in range(n)]

    def _post(self, payload: dict[str, Any], form: bool = False) -> httpx.Response:
        return deliver(self.url, SECRET, payload, form=form, client=self.client)


def timed(send: Send) -> tuple[float, int]:
    started = time.perf_counter()
    response = send()
    return (time.perf_counter() - started) * 1000, response.status_code


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--split", action="store_true", help="`serve --no-workers` and `brandbot work` as two processes"
    )
    parser.add_argument(
        "--postgres", action="store_true", help="PostgreSQL and a Chroma server, not the embedded defaults"
    )
    args = parser.parse_args()
    if args.bare:
        serve_bare(args.bare)
        return
    with ExitStack() as stack:
        llm_url = stack.enter_context(llm_standin())
        storage = stack.enter_context(servers()) if args.postgres else {}
        standin = StandIn(TOKEN)
        standin.start()
        data = Path(tempfile.mkdtemp(prefix="brandbot-bench-ack-"))
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "BRANDBOT_DATA_DIR": str(data),
            "BRANDBOT_LLM_BASE_URL": llm_url,
            "BRANDBOT_LLM_MODEL": LLAMA4_SCOUT.model,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "BRANDBOT_APPROVAL_CHANNEL": APPROVALS,
            "BRANDBOT_APPROVERS": APPROVER,
            **(
                {"BRANDBOT_DATABASE_URL": storage["database_url"], "BRANDBOT_CHROMA_URL": storage["chroma_url"]}
                if storage
                else {}
            ),
        }
        subprocess.run(
            [sys.executable, "-m", "brandbot", "guidelines", "add", str(REPO / "guidelines")],
            env=env,
            check=True,
            capture_output=True,
        )
        bot, url = (
            start_bot(env, data / "serve.log", "--no-workers") if args.split else start_bot(env, data / "serve.log")
        )
        worker = (
            subprocess.Popen([sys.executable, "-m", "brandbot", "work"], env=env, stderr=subprocess.DEVNULL)
            if args.split
            else None
        )
        layout = "one process answering Slack, one working" if args.split else "one process answering Slack and working"
        print(f"{layout}, on {'PostgreSQL' if storage else 'SQLite'}")
        bare_port = free_port()
        bare = subprocess.Popen([sys.executable, __file__, "--bare", str(bare_port)], env=env)
        try:
            run(Deliveries(url), standin, llm_url, f"http://127.0.0.1:{bare_port}")
        finally:
            stop(bot)
            stop(bare)
            if worker is not None:
                stop(worker)
            standin.stop()


def run(bot: Deliveries, standin: StandIn, llm_url: str, bare_url: str) -> None:
    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(lambda _: bot.mention(), range(50)))
    cards = standin.wait_for(lambda: len(c := _cards(standin)) >= 50 and c, timeout=600, what="50 cards")
    bot.card = cards[0]
    decisions(bot, standin, llm_url, cards[:50])
    sustained(bot, llm_url)
    burst(bot)
    standin.wait_for(lambda: running(llm_url) == 0, timeout=900, what="the drafts to finish")
    while not _answers(bare_url):
        time.sleep(0.2)
    ours = throughput(bot)
    theirs = throughput(Deliveries(bare_url))
    print(
        f"throughput, 16 clients for 10 s: bot {ours:.0f}/s, bare Bolt app {theirs:.0f}/s: "
        f"ratio {ours / theirs:.2f} (goal >= 0.8)"
    )


def decisions(bot: Deliveries, standin: StandIn, llm_url: str, cards: list[tuple[str, str]]) -> None:
    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(lambda _: bot.mention(), range(64)))
    standin.wait_for(lambda: running(llm_url) >= 48, timeout=60, what="drafts at the LLM")
    in_flight = running(llm_url)
    sent: dict[str, float] = {}

    def approve(card: tuple[str, str]) -> int:
        sent[card[0]] = time.monotonic()
        return bot.click(APPROVER, card).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(approve, cards))
    updated = standin.wait_for(lambda: len(u := _approved(standin, sent)) >= len(cards) and u, timeout=120)
    latencies = [(updated[ts] - sent[ts]) * 1000 for ts in sent]
    print(
        f"decisions: 50 Approve clicks at once with {in_flight} drafts at the LLM: HTTP {dict(Counter(statuses))}; "
        f"click -> card updated p50 {statistics.median(latencies):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms "
        "(goal p99 < 500 ms)"
    )


def sustained(bot: Deliveries, llm_url: str, rate: int = 100, seconds: int = 30) -> None:
    sends = bot.mix(rate * seconds)
    results: list[tuple[float, int]] = []
    in_flight: list[int] = []
    started = time.perf_counter()

    def at_its_time(index: int) -> tuple[float, int]:
        time.sleep(max(0.0, started + index / rate - time.perf_counter()))
        return timed(sends[index])

    def watch() -> None:
        while time.perf_counter() - started < seconds:
            in_flight.append(running(llm_url))
            time.sleep(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(at_its_time, range(len(sends))))
    watcher.join()
    latencies = [ms for ms, _ in results]
    by_kind: dict[str, list[float]] = {}
    for send, (ms, _) in zip(sends, results, strict=True):
        by_kind.setdefault(send.__name__, []).append(ms)
    print(
        "  by kind, p99: "
        + ", ".join(f"{kind} {percentile(values, 0.99):.0f} ms" for kind, values in sorted(by_kind.items()))
    )
    print(
        f"sustained: {len(sends)} deliveries at {rate}/s for {seconds} s, {statistics.fmean(in_flight):.0f} drafts "
        f"at the LLM on average: HTTP {dict(Counter(status for _, status in results))}; ack p50 "
        f"{statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.0f} ms "
        "(goal p99 < 100 ms)"
    )


def burst(bot: Deliveries, size: int = 300) -> None:
    sends = bot.mix(size)
    gate = threading.Barrier(size)

    def together(send: Send) -> tuple[float, int]:
        gate.wait()
        return timed(send)

    with ThreadPoolExecutor(max_workers=size) as pool:
        results = list(pool.map(together, sends))
    latencies = [ms for ms, _ in results]
    within = sum(ms < 3000 and status == 200 for ms, status in results)
    print(
        f"burst: {size} at once: {within}/{size} answered 200 within 3 s; "
        f"ack p50 {statistics.median(latencies):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, "
        f"max {max(latencies):.0f} ms (goal p99 < 1 s)"
    )


def throughput(target: Deliveries, clients: int = 16, seconds: float = 10.0) -> float:
    sends = target.mix(10)
    done = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        nonlocal done
        i = number
        while time.perf_counter() < deadline:
            if sends[i % len(sends)]().status_code == 200:
                with lock:
                    done += 1
            i += 1

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return done / seconds


def serve_bare(port: int) -> None:
    """A Bolt app that verifies signatures and acknowledges, nothing else: the floor for an ack."""
    import waitress
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    client = WebClient(token=TOKEN, base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=SECRET, process_before_response=True)
    app.event("app_mention")(lambda: None)
    app.event("app_home_opened")(lambda: None)
    app.action(re.compile(".*"))(lambda ack: ack())
    app.command("/brandbot")(lambda ack: ack("help"))
    handler = SlackRequestHandler(app)
    waitress.serve(handler, host="127.0.0.1", port=port, threads=16, ident="bare")


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return True


def _cards(standin: StandIn) -> list[tuple[str, str]]:
    """Approval cards: posts to the approval channel with buttons (the audit anchor has none)."""
    found = []
    for call in standin.of("chat.postMessage"):
        if call.args.get("channel") == APPROVALS and "_ts" in call.args:
            actions = [block for block in call.args.get("blocks") or [] if block["type"] == "actions"]
            if actions:
                found.append((call.args["_ts"], actions[0]["elements"][0]["value"]))
    return found


def _approved(standin: StandIn, sent: dict[str, float]) -> dict[str, float]:
    """Card ts -> when it was first updated to say it was approved."""
    updated: dict[str, float] = {}
    for call in standin.of("chat.update"):
        ts = call.args.get("ts")
        if ts in sent and ts not in updated and "Approved by" in json.dumps(call.args):
            updated[ts] = call.at
    return updated


if __name__ == "__main__":
    main()
