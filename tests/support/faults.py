"""The fault run: a deployment on PostgreSQL and a Chroma server, the Slack stand-in and the real
local vLLM, requests in flight, decisions from Slack and from the CLI, and SIGKILL of a process at
chosen points, each followed by a restart. At the end it checks the promise: nothing lost, nothing
said twice.

Two shapes: two `brandbot serve` replicas that answer Slack and work (`replicas`), or two
`serve --no-workers` answering Slack beside two `brandbot work` (`split`). In the split shape the
kills after an ack and after a click's claim land on a Slack-facing process, the kills while
drafting and while delivering on a worker.

Bounded and seeded: a fixed plan of requests and decisions, loops with deadlines, loopback only.
Used by tests/integration/test_faults.py (short) and bench/faults.py (long).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select

from brandbot.services import Services
from brandbot.slack.blocks.approval import DECISION_ACTIONS
from brandbot.store.audit import entries
from brandbot.store.models import OutboxMessage, WorkItem
from tests.conftest import GUIDELINES, make_settings, settings_env
from tests.integration import cli
from tests.integration.test_slack_app import ALICE, APPROVALS, BOB, CAROL, GENERAL, TOKEN, Bot, slack_env
from tests.support.bot_process import start_bot, start_worker, stop
from tests.support.slack_standin import StandIn
from tests.support.tcp_proxy import TcpProxy

KILL_POINTS = ("after_ack", "mid_draft", "between_claim_and_resume", "mid_delivery")
FAST_SWEEPS = {"BRANDBOT_WORKER_HEARTBEAT_S": "1", "BRANDBOT_WORKER_STALE_S": "8", "BRANDBOT_SWEEP_EVERY_S": "2"}
NO_BUDGET = {"BRANDBOT_MAX_DRAFTS_PER_HOUR": "0", "BRANDBOT_MAX_QUESTIONS_PER_HOUR": "0"}
"""One requester asks for every request of the run, more than a person's hourly budget: past it,
the outage request (the last) was refused and its "not reachable" message never came."""
PLANS = ("approve", "changes", "edit", "reject", "cli_approve", "cli_reject", "cli_changes")
"""What happens to each request's first draft; changes end with an approval of revision 2."""
OUTCOMES = {
    "approve": "approved",
    "changes": "approved",
    "edit": "approved",
    "reject": "rejected",
    "cli_approve": "approved",
    "cli_reject": "rejected",
    "cli_changes": "approved",
    "retry": "approved",
}


@dataclass
class Report:
    requests: int = 0
    kills: list[str] = field(default_factory=list)
    decisions: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.requests} requests, {self.decisions} decisions, {len(self.kills)} kills survived "
            f"({', '.join(self.kills)}); lost {len(self.lost)}, duplicated {len(self.duplicated)}; "
            f"{self.elapsed_s:.0f} s"
        )


@dataclass
class Replica:
    name: str
    process: subprocess.Popen[bytes]
    bot: Bot


class FaultRun:
    def __init__(
        self,
        root: Path,
        database_url: str,
        chroma_url: str,
        llm: tuple[str, str],
        seed: int,
        shape: Literal["replicas", "split"] = "replicas",
    ) -> None:
        self.root = root
        self.shape = shape
        self.random = random.Random(seed)
        self.standin = StandIn(TOKEN)
        self.standin.start()
        self.proxy = TcpProxy(int(llm[0].rsplit(":", 1)[1].split("/")[0]))
        self.proxy.start()
        self.settings = make_settings(
            root / "data",
            llm_base_url=f"http://127.0.0.1:{self.proxy.port}/v1",
            llm_model=llm[1],
            database_url=database_url,
            chroma_url=chroma_url,
        )
        self.env = settings_env(self.settings)
        cli.run(self.env, "guidelines", "add", str(GUIDELINES))
        self.env |= slack_env(self.standin) | FAST_SWEEPS | NO_BUDGET
        names = ("a", "b") if shape == "replicas" else ("a", "b", "worker-1", "worker-2")
        self.replicas: dict[str, Replica] = {}
        for name in names:
            self.replicas[name] = self._start(name)
        self.report = Report()
        self.plans: dict[str, str] = {}
        """Request marker -> plan."""
        self.threads: dict[str, str] = {}
        """Request marker -> the ts of the mention (the requester's thread)."""

    def close(self) -> None:
        for replica in self.replicas.values():
            stop(replica.process)
        self.standin.stop()
        self.proxy.stop()

    @contextmanager
    def _services(self) -> Iterator[Services]:
        services = Services(self.settings)
        try:
            yield services
        finally:
            services.close()

    def run(self, requests: int, kills: tuple[str, ...]) -> Report:
        started = time.monotonic()
        plans = [PLANS[i % len(PLANS)] for i in range(requests)]
        self.random.shuffle(plans)
        for number, plan in enumerate(plans):
            self._mention(f"(fault {number})", plan, kill="after_ack" in kills and number == 0)
        if "mid_draft" in kills:
            self._kill_while_drafting()
        self._wait_until_settled()
        self._mention_during_outage("(fault outage)")
        self._wait_until_settled()
        cards = {marker: self.bot.card(marker) for marker in self.plans if marker != "(fault outage)"}
        self._retry("(fault outage)")
        cards["(fault outage)"] = self.bot.card("(fault outage)")
        markers = list(cards)
        in_slack = [marker for marker in markers if not self.plans[marker].startswith("cli_")]
        kill_after_claim = in_slack[0] if "between_claim_and_resume" in kills else None
        kill_in_delivery = in_slack[-1] if "mid_delivery" in kills else None
        for marker in sorted(markers, key=lambda marker: marker == kill_in_delivery):
            if marker == kill_in_delivery:
                thread = self.threads[marker]
                self.standin.slow("chat.postMessage", 6.0, lambda args, thread=thread: args.get("thread_ts") == thread)
            self._decide(marker, cards[marker])
            if marker == kill_after_claim:
                self._kill("a", "between_claim_and_resume")
            if marker == kill_in_delivery:
                self._kill_mid_delivery()
        self._wait_until_settled()
        for marker in markers:
            if self.plans[marker] in ("changes", "cli_changes"):
                _, draft_id = self.bot.card(marker, revision=2)
                cli.run(self.env, "review", "approve", draft_id, "--as", CAROL, "--yes")
                self.report.decisions += 1
        self._wait_until_settled()
        self._check(markers)
        self.report.lost += [f"refused: {text}" for text in self._refusals()]
        self.report.requests = len(markers)
        self.report.elapsed_s = time.monotonic() - started
        return self.report

    @property
    def bot(self) -> Bot:
        return self.replicas["b"].bot

    def _start(self, name: str) -> Replica:
        """A worker answers no one: Slack reaches the deployment through replica b's address."""
        log = self.root / f"{name}.log"
        if name.startswith("worker"):
            return Replica(name, start_worker(self.env, log), self.replicas["b"].bot)
        process, url = start_bot(self.env, log, *(["--no-workers"] if self.shape == "split" else []))
        return Replica(name, process, Bot(url, self.standin, self.settings, self.env))

    def _kill(self, name: str, point: str) -> None:
        replica = self.replicas[name]
        replica.process.send_signal(signal.SIGKILL)
        replica.process.wait(timeout=30)
        self.report.kills.append(point)
        self.replicas[name] = self._start(name)

    def _mention(self, marker: str, plan: str, *, kill: bool = False) -> None:
        replica = self.replicas["a" if kill or len(self.plans) % 2 == 0 else "b"]
        ts, response = replica.bot.mention(ALICE, f"a short X post about Tidewell Restore {marker}")
        assert response.status_code == 200
        self.plans[marker], self.threads[marker] = plan, ts
        if kill:
            self._kill(replica.name, "after_ack")

    def _kill_while_drafting(self) -> None:
        """Whichever replica claimed a draft (any may) is killed while it drafts."""

        def drafting() -> str | None:
            with self._services() as services, services.db.session() as session:
                owner = session.scalar(select(WorkItem.owner).where(WorkItem.state == "running").limit(1))
            return self._replica_of(owner) if owner else None

        self._kill(self.standin.wait_for(drafting, timeout=600, what="a draft running"), "mid_draft")

    def _replica_of(self, owner: str) -> str | None:
        pid = owner.split(":")[1]
        return next((name for name, replica in self.replicas.items() if str(replica.process.pid) == pid), None)

    def _mention_during_outage(self, marker: str) -> None:
        self.proxy.stop()
        try:
            self._mention(marker, "retry")
            self.standin.wait_for(lambda: "not reachable" in self.bot.thread(self.threads[marker]), timeout=300)
        finally:
            self.proxy.start()

    def _retry(self, marker: str) -> None:
        failure = next(m for m in self.standin.posts_to(GENERAL, self.threads[marker]) if "not reachable" in m["text"])
        request_id = failure["blocks"][1]["elements"][0]["value"]
        if self.random.random() < 0.5:
            self.bot.click(ALICE, "request_retry", request_id)
        else:
            cli.run(self.env, "retry", request_id, "--as", ALICE)

    def _decide(self, marker: str, card: tuple[str, str]) -> None:
        """Slack decisions go to replica a, so that a kill right after one lands between the
        claim (before the ack) and the resume (after it)."""
        card_ts, draft_id = card
        plan = self.plans[marker]
        bot = self.replicas["a"].bot
        if plan in ("approve", "retry"):
            bot.click(BOB, "draft_approve", draft_id, card_ts)
        elif plan == "changes":
            bot.submit(BOB, "draft_changes_modal", draft_id, {"feedback": "shorter, please"})
        elif plan == "edit":
            bot.submit(BOB, "draft_edit_modal", draft_id, {"part_0": f"Tidewell Restore, edited {marker}."})
        elif plan == "reject":
            bot.submit(BOB, "draft_reject_modal", draft_id, {"reason": "not this quarter"})
        else:
            action, *options = {
                "cli_approve": ("approve", "--yes"),
                "cli_reject": ("reject", "--reason", "not now"),
                "cli_changes": ("changes", "--feedback", "shorter, please"),
            }[plan]
            cli.run(self.env, "review", action, draft_id, "--as", BOB, *options)
        self.report.decisions += 1

    def _kill_mid_delivery(self) -> None:
        """The requester's news is posted by Slack but answered late (`slow`, set before the
        decision); the replica delivering it is killed before it hears back, so its successor
        has to find the message, not repeat it."""
        name = self.standin.wait_for(
            lambda: not self.standin.delays and self._delivering(),
            what=f"the requester's news in flight (refusals: {self._refusals()})",
        )
        self._kill(name, "mid_delivery")

    def _refusals(self) -> list[str]:
        """Every decision in the plan is allowed: any refusal is a finding."""
        return [str(call.args.get("text")) for call in self.standin.of("chat.postEphemeral")]

    def _delivering(self) -> str | None:
        """The replica delivering a message right now."""
        with self._services() as services, services.db.session() as session:
            owner = session.scalar(select(OutboxMessage.owner).where(OutboxMessage.state == "running").limit(1))
        return self._replica_of(owner) if owner else None

    def _wait_until_settled(self, timeout_s: float = 900) -> None:
        """Every work row and message delivered (or given up), and no request still drafting."""

        def settled() -> bool:
            with self._services() as services, services.db.session() as session:
                open_rows = sum(
                    session.scalar(select(func.count()).where(model.state.in_(["queued", "running"]))) or 0
                    for model in (WorkItem, OutboxMessage)
                )
            return open_rows == 0

        self.standin.wait_for(settled, timeout=timeout_s, what="all work and messages settled")

    def _check(self, markers: list[str]) -> None:
        with self._services() as services:
            requests = services.requests.list_requests(limit=500)
            cards = self._cards_by_draft()
            for marker in markers:
                request = next((r for r in requests if marker in r.text), None)
                if request is None:
                    self.report.lost.append(f"{marker}: no request")
                    continue
                self._check_request(services, marker, request.id, request.status, cards)

    def _check_request(
        self, services: Services, marker: str, request_id: str, status: str, cards: Counter[str]
    ) -> None:
        plan = self.plans[marker]
        if status != OUTCOMES[plan]:
            self.report.lost.append(f"{marker} ({plan}): request is {status}")
        drafts = services.requests.drafts_for(request_id)
        thread = self.standin.posts_to(GENERAL, self.threads[marker])
        for draft in drafts:
            if cards[draft.id] != 1:
                (self.report.duplicated if cards[draft.id] > 1 else self.report.lost).append(
                    f"{marker}: {cards[draft.id]} cards for {draft.id}"
                )
            card = next((m for m in self.standin.posts_to(APPROVALS) if draft.id in json.dumps(m.get("blocks"))), None)
            if card is not None and draft.status != "pending" and decision_buttons(card):
                self.report.lost.append(f"{marker}: live buttons on decided {draft.id}")
        outcome_words = {"approved": "ready to copy", "rejected": "Rejected by"}[OUTCOMES[plan]]
        told = sum(outcome_words in m.get("text", "") for m in thread)
        if told != 1:
            (self.report.duplicated if told > 1 else self.report.lost).append(f"{marker}: told {told} times")
        audited = Counter(e.action for e in entries(services.db, request_id=request_id))
        decided = sum(draft.status != "pending" for draft in drafts)
        recorded = audited["draft.approved"] + audited["draft.rejected"] + audited["draft.changes_requested"]
        if recorded != decided:
            self.report.lost.append(f"{marker}: {decided} decisions, {recorded} in the audit log")

    def _cards_by_draft(self) -> Counter[str]:
        posted: Counter[str] = Counter()
        for call in self.standin.of("chat.postMessage"):
            if call.args.get("channel") != APPROVALS or "_ts" not in call.args:
                continue
            for block in call.args.get("blocks") or []:
                if block["type"] == "actions":
                    posted[block["elements"][0]["value"]] += 1
        return posted


def decision_buttons(card: dict[str, Any]) -> list[str]:
    """The decision buttons still on a card: a decided card keeps only its Receipt button."""
    return [
        element["action_id"]
        for block in card["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] in DECISION_ACTIONS
    ]
