"""Several `brandbot serve` replicas sharing a real PostgreSQL and a Chroma server, with the Slack
stand-in and the local vLLM: exactly-once answers and decisions, hand-over of a dead replica's
work, expiry once, and what operators watch (/readyz and /metrics on the internal port only, JSON logs)."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from brandbot.services import Services
from brandbot.store.audit import entries
from brandbot.store.models import Draft, utcnow
from tests.conftest import GUIDELINES, make_settings, settings_env
from tests.integration import cli
from tests.integration.test_slack_app import ALICE, APPROVALS, BOB, CAROL, GENERAL, REQUEST, TOKEN, Bot, slack_env
from tests.support.bot_process import internal_url, start_bot, stop
from tests.support.servers import chroma_server, postgres
from tests.support.slack_standin import StandIn, event

FAST_SWEEPS = {"BRANDBOT_WORKER_HEARTBEAT_S": "1", "BRANDBOT_WORKER_STALE_S": "8", "BRANDBOT_SWEEP_EVERY_S": "2"}
"""Seconds instead of the defaults' minute, so hand-over is tested quickly; stale stays well above a
heartbeat, as a busy 2-core machine can delay one."""


@dataclass
class Cluster:
    a: Bot
    b: Bot
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]]

    def services(self) -> Services:
        return self.a.services()

    def kill_and_restart(self, pid: int) -> None:
        """SIGKILL the replica with `pid` and start it again in its place (any replica may be
        the one working on a request)."""
        name = next(name for name, process in self.processes.items() if process.pid == pid)
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait(timeout=30)
        self.processes[name], url = start_bot(self.env, self.logs / f"{name}.log")
        setattr(self, name, Bot(url, self.a.standin, self.a.settings, self.env))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str]) -> Iterator[Cluster]:
    with postgres() as database_url, chroma_server() as chroma_url:
        standin = StandIn(TOKEN)
        standin.start()
        root = tmp_path_factory.mktemp("replicas")
        settings = make_settings(
            root / "data",
            llm_base_url=local_llm[0],
            llm_model=local_llm[1],
            database_url=database_url,
            chroma_url=chroma_url,
        )
        env = settings_env(settings)
        cli.run(env, "guidelines", "add", str(GUIDELINES))
        env |= slack_env(standin) | FAST_SWEEPS
        first, url_a = start_bot(env, root / "a.log")
        second, url_b = start_bot(env, root / "b.log")
        processes = {"a": first, "b": second}
        yield Cluster(Bot(url_a, standin, settings, env), Bot(url_b, standin, settings, env), env, root, processes)
        for process in processes.values():
            stop(process)
        standin.stop()


def requests_like(cluster: Cluster, marker: str) -> list[str]:
    services = cluster.services()
    try:
        return [r.id for r in services.requests.list_requests(limit=200) if marker in r.text]
    finally:
        services.close()


def test_an_event_delivered_to_both_replicas_is_answered_once(cluster: Cluster) -> None:
    ts = "1700009999.000100"
    body = {
        "type": "app_mention",
        "user": ALICE,
        "text": f"<@UBOT000001> {REQUEST} (both)",
        "channel": GENERAL,
        "ts": ts,
    }
    payload = event(body, "EvBOTH0001")
    sends = [
        threading.Thread(target=replica.post, args=(payload,), kwargs={"headers": {"X-Slack-Retry-Num": str(n)}})
        for n, replica in enumerate((cluster.a, cluster.b))
    ]
    for send in sends:
        send.start()
    for send in sends:
        send.join()
    cluster.a.card("(both)")
    time.sleep(3)
    assert len(requests_like(cluster, "(both)")) == 1
    cards = [
        c
        for c in cluster.a.standin.of("chat.postMessage")
        if c.args["channel"] == APPROVALS and "(both)" in json.dumps(c.args)
    ]
    assert len(cards) == 1


def test_started_on_one_replica_changed_and_decided_on_another_once(cluster: Cluster) -> None:
    ts, _ = cluster.a.mention(ALICE, f"{REQUEST} (across)")
    card_ts, draft_id = cluster.a.card("(across)")
    cluster.b.submit(BOB, "draft_changes_modal", draft_id, {"feedback": "shorter"})
    new_ts, new_id = cluster.b.card("(across)", revision=2)
    cluster.a.standin.wait_for(lambda: "Superseded by revision 2" in cluster.a.card_text(card_ts), what="superseded")
    clicks = [
        threading.Thread(target=replica.click, args=(user, "draft_approve", new_id, new_ts))
        for replica, user in ((cluster.a, BOB), (cluster.b, CAROL))
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    cluster.a.standin.wait_for(lambda: "Approved by" in cluster.a.card_text(new_ts), what="approved card")
    cluster.a.standin.wait_for(
        lambda: any(
            new_id in c.args["text"] and "already approved" in c.args["text"]
            for c in cluster.a.standin.of("chat.postEphemeral")
        ),
        what="the losing click told",
    )
    services = cluster.services()
    draft = services.requests.get_draft(new_id)
    assert draft is not None
    actions = [e.action for e in entries(services.db, request_id=draft.request_id)]
    assert actions.count("draft.approved") == 1 and actions.count("draft.changes_requested") == 1
    services.close()
    cluster.a.standin.wait_for(lambda: "ready to copy" in cluster.a.thread(ts), what="the requester told")


def test_a_replica_killed_mid_draft_loses_nothing(cluster: Cluster) -> None:
    ts, _ = cluster.a.mention(ALICE, f"{REQUEST} (killed)")
    services = cluster.services()
    try:
        request_id = cluster.a.standin.wait_for(lambda: (ids := requests_like(cluster, "(killed)")) and ids[0])

        def drafting_owner() -> int | None:
            work = services.work.by_key(f"draft:{request_id}")
            request = services.requests.get_request(request_id)
            if work is None or work.owner is None or request is None or request.status != "drafting":
                return None
            return int(work.owner.split(":")[1])

        doomed = cluster.a.standin.wait_for(drafting_owner, what="a replica drafting the request")
        cluster.kill_and_restart(doomed)
        cluster.a.card("(killed)")
        assert "picking it up again" in cluster.a.thread(ts)
        request = services.requests.get_request(request_id)
        assert request is not None and request.status == "awaiting_review"
        work = services.work.by_key(f"draft:{request_id}")
        assert work is not None and work.state == "done" and work.attempts == 2
        assert work.owner is not None and int(work.owner.split(":")[1]) != doomed
    finally:
        services.close()


def test_expiry_runs_once_across_replicas(cluster: Cluster) -> None:
    ts, _ = cluster.a.mention(ALICE, f"{REQUEST} (expiry)")
    card_ts, draft_id = cluster.a.card("(expiry)")
    services = cluster.services()
    with services.db.session() as session:
        session.execute(update(Draft).where(Draft.id == draft_id).values(expires_at=utcnow() - timedelta(minutes=1)))
    cluster.a.standin.wait_for(lambda: "Expired" in cluster.a.card_text(card_ts), what="expired card")
    time.sleep(6)
    expired_updates = [
        c for c in cluster.a.standin.of("chat.update") if c.args["ts"] == card_ts and "Expired" in json.dumps(c.args)
    ]
    assert len(expired_updates) == 1
    assert cluster.a.thread(ts).count("Expired") == 1
    assert [e.action for e in entries(services.db, request_id=services.requests.get_draft(draft_id).request_id)].count(
        "draft.expired"
    ) == 1  # type: ignore[union-attr]
    services.close()


def test_readiness_metrics_and_json_logs(cluster: Cluster) -> None:
    internal = internal_url(cluster.processes["a"])
    ready = httpx.get(f"{internal}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json() == {"database": True, "chroma": True, "llm": True}
    metrics = httpx.get(f"{internal}/metrics", timeout=10).text
    # A message is counted "received" by the replica that acked it and "queued" by the one whose
    # worker routed it: either replica, as LISTEN/NOTIFY wakes both.
    routed = [httpx.get(f"{internal_url(p)}/metrics", timeout=10).text for p in cluster.processes.values()]
    assert any('brandbot_requests_total{entry="mention",outcome="queued"}' in text for text in routed)
    assert "brandbot_llm_request_seconds_bucket" in metrics and "brandbot_drafts_total" in metrics
    lines = [json.loads(line) for line in (cluster.logs / "a.log").read_text().splitlines() if line.startswith("{")]
    assert lines and all({"ts", "level", "logger", "message"} <= line.keys() for line in lines)
    assert any("request_id" in line for line in lines) and any("event_id" in line for line in lines)
    log_text = (cluster.logs / "a.log").read_text()
    assert REQUEST not in log_text, "no message text in the logs"
    assert TOKEN not in log_text


def test_the_public_port_serves_slack_and_healthz_only(cluster: Cluster) -> None:
    """What the proxy forwards costs no probe and tells nothing: /readyz and /metrics are 404 there."""
    for path in ("/metrics", "/readyz", "/"):
        assert httpx.get(f"{cluster.a.url}{path}", timeout=10).status_code == 404, path
    assert httpx.get(f"{cluster.a.url}/healthz", timeout=10).status_code == 200
    assert httpx.get(f"{internal_url(cluster.processes['a'])}/healthz", timeout=10).status_code == 200


def test_readiness_fails_when_the_llm_is_gone(cluster: Cluster, tmp_path: Path) -> None:
    process, _ = start_bot({**cluster.env, "BRANDBOT_LLM_BASE_URL": "http://127.0.0.1:9/v1"}, tmp_path / "x.log")
    try:
        ready = httpx.get(f"{internal_url(process)}/readyz", timeout=30)
        assert ready.status_code == 503 and ready.json() == {"database": True, "chroma": True, "llm": False}
    finally:
        stop(process)
