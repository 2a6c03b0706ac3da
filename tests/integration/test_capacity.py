"""Drafts in flight bounded by the LLM server's capacity, end to end: `brandbot serve` in HTTP
mode with BRANDBOT_LLM_MAX_IN_FLIGHT=3, an LLM stand-in that answers slowly and counts what it
runs, requests delivered with real signatures. The bound holds at the LLM, the queue starts
in order as slots free, each requester sees their place, and a click is answered meanwhile."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GUIDELINES, make_settings, settings_env
from tests.integration import cli
from tests.integration.test_slack_app import ALICE, BOB, GENERAL, Bot, slack_env
from tests.support.bot_process import start_bot, stop
from tests.support.llm_standin import LLMStandIn, StandInConfig
from tests.support.slack_standin import StandIn

BOUND = 3
SLOW = StandInConfig(ttft_s=1.0, per_token_s=0.02, completion_tokens=40, model="test/llama-4-scout")
"""About 1.2 s for an intake answer and 1.8 s for a draft: long enough to see the queue."""


@pytest.fixture(scope="module")
def llm() -> Iterator[LLMStandIn]:
    with LLMStandIn(SLOW) as server:
        yield server


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, llm: LLMStandIn) -> Iterator[Bot]:
    standin = StandIn("xoxb-test-token")
    standin.start()
    data_dir: Path = tmp_path_factory.mktemp("capacity") / "data"
    settings = make_settings(data_dir, llm_base_url=llm.base_url, llm_model=SLOW.model)
    env = settings_env(settings) | slack_env(standin) | {"BRANDBOT_LLM_MAX_IN_FLIGHT": str(BOUND)}
    cli.run(env, "guidelines", "add", str(GUIDELINES))
    process, url = start_bot(env, data_dir / "serve.log")
    yield Bot(url, standin, settings, env)
    stop(process)
    standin.stop()


class PeakWatch:
    """Samples the stand-in's running count, as an operator's dashboard would."""

    def __init__(self, llm: LLMStandIn) -> None:
        self.samples: list[int] = []
        self._llm = llm
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.samples.append(self._llm.running())

    def stop(self) -> list[int]:
        self._stop.set()
        self._thread.join()
        return self.samples


def test_the_llm_never_runs_more_than_the_bound_and_the_queue_starts_in_order(bot: Bot, llm: LLMStandIn) -> None:
    first_ts, _ = bot.mention(ALICE, "a LinkedIn post about Tidewell Restore (first)")
    card_ts, draft_id = bot.card("(first)")
    llm.reset_peak()
    watch = PeakWatch(llm)

    threads = [bot.mention(f"UWAVE{n:04d}", f"a LinkedIn post about Tidewell Vault (wave {n})")[0] for n in range(3)]
    bot.standin.wait_for(lambda: llm.running() == BOUND, timeout=30, what="the first three at the LLM")
    for n in range(3, 8):
        ts, response = bot.mention(f"UWAVE{n:04d}", f"a LinkedIn post about Tidewell Vault (wave {n})")
        assert response.status_code == 200
        threads.append(ts)

    queued = [_first_text(bot, ts) for ts in threads[3:]]
    assert "yours is next" in queued[0]
    for ahead, text in enumerate(queued[1:], start=1):
        assert f"{ahead} draft{'s' if ahead > 1 else ''} ahead of you" in text, text

    started = time.perf_counter()
    response = bot.click(BOB, "draft_approve", draft_id, card_ts)
    answered = time.perf_counter() - started
    assert response.status_code == 200 and answered < 1.0, f"the click waited {answered:.2f} s behind drafting"
    bot.standin.wait_for(lambda: f"Approved by <@{BOB}>" in bot.card_text(card_ts), timeout=10, what="card updated")
    waiting = [ts for ts in threads if "waiting for an approver" not in bot.thread(ts)]
    assert waiting, "the decision was delivered while drafts still queued, not after them"

    for ts in threads:
        bot.standin.wait_for(lambda ts=ts: "waiting for an approver" in bot.thread(ts), timeout=90, what=f"draft {ts}")
    samples = watch.stop()
    assert max(samples) == BOUND and llm.peak_running() == BOUND, "every slot used, never more"

    starts = [_drafting_started(bot, ts) for ts in threads]
    waves = [starts[0:3], starts[3:6], starts[6:8]]
    for earlier, later in itertools.pairwise(waves):
        assert max(earlier) < min(later), f"a later request started before an earlier one: {starts}"
    assert "ready to copy" in bot.thread(first_ts)


def _first_text(bot: Bot, thread_ts: str) -> str:
    """The first thing the bot said in a request's thread (before any edit)."""

    def said() -> str | None:
        for call in bot.standin.of("chat.postMessage"):
            if call.args.get("channel") == GENERAL and call.args.get("thread_ts") == thread_ts:
                return str(call.args.get("text"))
        return None

    return str(bot.standin.wait_for(said, timeout=20, what=f"a first reply in {thread_ts}"))


def _drafting_started(bot: Bot, thread_ts: str) -> float:
    """When the request's thread first showed drafting work (its progress message, posted or edited)."""
    messages = {m["_ts"] for m in bot.standin.posts_to(GENERAL, thread_ts)}
    for call in bot.standin.calls:
        if call.method not in ("chat.postMessage", "chat.update") or call.args.get("channel") != GENERAL:
            continue
        mine = call.args.get("thread_ts") == thread_ts or call.args.get("ts") in messages
        text = json.dumps(call.args.get("text"))
        if mine and ("Working on it" in text or ":mag:" in text or ":pencil2:" in text):
            return call.at
    raise AssertionError(f"no progress in {thread_ts}")


def test_a_replica_split_in_two_answers_in_one_process_and_drafts_in_the_other(tmp_path: Path, llm: LLMStandIn) -> None:
    """`serve --no-workers` only acknowledges and records; `brandbot work` drafts and delivers."""
    standin = StandIn("xoxb-test-token")
    standin.start()
    settings = make_settings(tmp_path / "data", llm_base_url=llm.base_url, llm_model=SLOW.model)
    env = settings_env(settings) | slack_env(standin)
    cli.run(env, "guidelines", "add", str(GUIDELINES))
    web, url = start_bot(env, tmp_path / "web.log", "--no-workers")
    worker = None
    try:
        bot = Bot(url, standin, settings, env)
        ts, response = bot.mention(ALICE, "a LinkedIn post about Tidewell Restore (split)")
        assert response.status_code == 200
        time.sleep(1.5)
        assert standin.of("chat.postMessage") == [], "the web process drafts nothing and tells nothing"
        with (tmp_path / "work.log").open("ab") as log:
            worker = subprocess.Popen([sys.executable, "-m", "brandbot", "-v", "work"], env=env, stdout=log, stderr=log)
        card_ts, draft_id = bot.card("(split)")
        bot.standin.wait_for(lambda: "waiting for an approver" in bot.thread(ts), timeout=30, what="the requester told")
        assert bot.click(BOB, "draft_approve", draft_id, card_ts).status_code == 200
        bot.standin.wait_for(lambda: "ready to copy" in bot.thread(ts), timeout=30, what="the final text")
    finally:
        stop(web)
        if worker is not None:
            stop(worker)
        standin.stop()


def test_a_worker_without_an_approval_channel_says_so_and_stops(tmp_path: Path) -> None:
    env = settings_env(make_settings(tmp_path / "data"))
    env.pop("BRANDBOT_APPROVAL_CHANNEL", None)
    result = cli.run(env, "work", check=False, timeout=120)
    assert result.returncode == 1
    assert "BRANDBOT_APPROVAL_CHANNEL is not set" in result.stderr
