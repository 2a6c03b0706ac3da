"""The whole path against the real local vLLM, each step as its own `brandbot` process."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.store.audit import entries
from brandbot.workflow.engine import thread
from tests.conftest import GUIDELINES, SHIPPED, make_settings, settings_env
from tests.integration import cli
from tests.support.tcp_proxy import TcpProxy

REQUEST = "Write a short X post announcing Tidewell Restore for our customers"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str]) -> Path:
    """One ingest of the shipped brand book for the module; each test makes its own requests."""
    directory = tmp_path_factory.mktemp("flow") / "data"
    env = settings_env(make_settings(directory, llm_base_url=local_llm[0], llm_model=local_llm[1]))
    cli.run(env, "guidelines", "add", str(GUIDELINES))
    return directory


@pytest.fixture
def flow_settings(data_dir: Path, local_llm: tuple[str, str]) -> Settings:
    return make_settings(data_dir, llm_base_url=local_llm[0], llm_model=local_llm[1])


@pytest.fixture
def env(flow_settings: Settings) -> dict[str, str]:
    return settings_env(flow_settings)


def ask(env: dict[str, str], request: str = REQUEST) -> dict[str, object]:
    draft = cli.run_json(env, "ask", request, "--as", "alice")
    assert draft["status"] == "pending" and draft["revision"] == 1
    return draft


def test_ask_in_one_process_approve_in_another(env: dict[str, str]) -> None:
    draft = ask(env)
    assert isinstance(draft["text"], str) and draft["text"].strip()
    assert draft["brief"]["format"] == "x_post"  # type: ignore[index]
    assert draft["sources"] and {source["doc_id"] for source in draft["sources"]} <= SHIPPED  # type: ignore[union-attr]
    assert all(source["version"] and source["section"] is not None for source in draft["sources"])  # type: ignore[union-attr]
    names = {check["name"] for check in draft["checks"]}  # type: ignore[union-attr]
    always = {"non_empty", "length", "content_guard"}
    assert always <= names <= always | {"personal_data"}
    assert draft["model"]

    shown = cli.run_json(env, "review", "show", str(draft["draft_id"]))
    assert shown == draft

    approved = cli.run_json(env, "review", "approve", str(draft["draft_id"]), "--as", "bob")
    assert approved["status"] == "approved" and approved["final_text"] == draft["text"]
    assert approved["decision"]["actor"] == "bob"
    audit = cli.run_json(env, "audit", "log", str(draft["request_id"]))
    assert [row["action"] for row in audit] == ["request.created", "draft.created", "draft.approved"]


def test_request_changes_gives_a_new_version_then_approve(env: dict[str, str]) -> None:
    draft = ask(env)
    revised = cli.run_json(
        env, "review", "changes", str(draft["draft_id"]), "--feedback", "shorter, mention the free trial", "--as", "bob"
    )
    assert revised["status"] == "pending" and revised["revision"] == 2
    assert revised["draft_id"] != draft["draft_id"] and revised["request_id"] == draft["request_id"]

    stale = cli.run(env, "review", "approve", str(draft["draft_id"]), "--as", "carol", check=False)
    assert stale.returncode == 1 and "Changes were already requested" in stale.stderr

    approved = cli.run_json(env, "review", "approve", str(revised["draft_id"]), "--as", "carol")
    assert approved["status"] == "approved" and approved["final_text"] == revised["text"]


def test_brand_rules_run_on_real_drafts(tmp_path: Path, local_llm: tuple[str, str]) -> None:
    """Its own data: rules live in the database, and the other tests here draft without them."""
    env = settings_env(make_settings(tmp_path / "data", llm_base_url=local_llm[0], llm_model=local_llm[1]))
    cli.run(env, "guidelines", "add", str(GUIDELINES))
    cli.run(env, "rules", "add", str(GUIDELINES / "rules"))
    draft = cli.run_json(env, "ask", "Write a LinkedIn post inviting customers to try the free trial", "--as", "alice")
    assert draft["brief"]["promotional"] is True and 0 <= draft["auto_revisions"] <= 2
    levels = [alert["level"] for alert in draft["alerts"]]
    assert draft["compliance"] == {
        "errors": levels.count("error"),
        "warnings": levels.count("warning"),
        "suggestions": levels.count("suggestion"),
    }
    assert all(
        {"check", "message", "level", "line", "span", "match", "link"} <= alert.keys() for alert in draft["alerts"]
    )
    assert not any(alert["check"] == "Tidewell.WordsToAvoid" for alert in draft["alerts"]), "substitutions are fixed"
    if draft["compliance"]["errors"]:
        refused = cli.run(env, "review", "approve", str(draft["draft_id"]), "--as", "bob", check=False)
        assert refused.returncode == 1 and "Pass --yes" in " ".join(refused.stderr.split())
        cli.run(env, "review", "approve", str(draft["draft_id"]), "--as", "bob", "--yes")
    else:
        cli.run(env, "review", "approve", str(draft["draft_id"]), "--as", "bob")
    assert cli.run_json(env, "review", "show", str(draft["draft_id"]))["status"] == "approved"


def test_reject_with_a_reason(env: dict[str, str]) -> None:
    draft = ask(env)
    rejected = cli.run_json(
        env, "review", "reject", str(draft["draft_id"]), "--reason", "Not before launch", "--as", "bob"
    )
    assert rejected["status"] == "rejected" and rejected["request_status"] == "rejected"
    assert rejected["decision"]["note"] == "Not before launch"


def test_unapproved_people_and_the_requester_are_refused(env: dict[str, str]) -> None:
    draft = ask(env)
    for actor, reason in (("mallory", "can't approve drafts"), ("alice", None)):
        result = cli.run(env, "review", "approve", str(draft["draft_id"]), "--as", actor, check=False)
        assert result.returncode == 1
        assert reason is None or reason in result.stderr
    assert cli.run_json(env, "review", "show", str(draft["draft_id"]))["status"] == "pending"


def test_expired_draft_cannot_be_decided(flow_settings: Settings) -> None:
    env = settings_env(flow_settings.model_copy(update={"review_ttl_hours": 0.0005}))
    draft = ask(env)
    time.sleep(2)
    result = cli.run(env, "review", "approve", str(draft["draft_id"]), "--as", "bob", check=False)
    assert result.returncode == 1 and "expired" in result.stderr
    shown = cli.run_json(env, "review", "show", str(draft["draft_id"]))
    assert shown["status"] == "expired" and shown["request_status"] == "expired"


def test_two_processes_deciding_at_once_give_one_decision(env: dict[str, str], flow_settings: Settings) -> None:
    draft = ask(env)
    clicks = [
        cli.start(env, "review", "approve", str(draft["draft_id"]), "--as", approver) for approver in ("bob", "carol")
    ]
    outcomes = [(click.wait(timeout=300), click.stderr.read()) for click in clicks]  # type: ignore[union-attr]
    assert sorted(code for code, _ in outcomes) == [0, 1]
    refusal = next(err for code, err in outcomes if code == 1)
    assert "already approved by" in refusal

    services = Services(flow_settings)
    try:
        audit = entries(services.db, request_id=str(draft["request_id"]))
        assert [row.action for row in audit].count("draft.approved") == 1
        history = list(services.engine.graph.get_state_history(thread(str(draft["request_id"]))))
        finished = [snapshot for snapshot in history if not snapshot.next]
        assert len(finished) == 1, "the workflow resumed and finished once"
        assert finished[0].values["outcome"] == "approved"
    finally:
        services.close()


def test_unreachable_llm_says_so_and_retry_works_once_it_is_back(env: dict[str, str]) -> None:
    down = {**env, "BRANDBOT_LLM_BASE_URL": "http://127.0.0.1:9/v1"}
    result = cli.run(down, "ask", REQUEST, "--as", "alice", check=False)
    assert result.returncode == 1
    assert "is not reachable (connection refused)." in result.stderr
    request_id = result.stderr.split("saved as ")[1].split(":")[0]
    assert cli.run_json(env, "review", "show", request_id)["request_status"] == "failed"

    retried = cli.run_json(env, "retry", request_id)
    assert retried["status"] == "pending" and retried["request_id"] == request_id


def test_llm_stopped_mid_run_loses_nothing(data_dir: Path, local_llm: tuple[str, str]) -> None:
    upstream_port = int(local_llm[0].rsplit(":", 1)[1].split("/")[0])
    proxy = TcpProxy(upstream_port)
    proxy.start()
    settings = make_settings(data_dir, llm_base_url=f"http://127.0.0.1:{proxy.port}/v1", llm_model=local_llm[1])
    services = Services(settings)
    try:
        outcome: list[object] = []
        worker = threading.Thread(target=lambda: outcome.append(services.engine.ask("alice", REQUEST)))
        worker.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            requests = services.requests.list_requests(requester="alice", limit=1)
            if requests and requests[0].status == "drafting":
                break
            time.sleep(0.05)
        proxy.stop()
        worker.join(timeout=300)
        run = outcome[0]
        assert run.request.status == "failed" and run.draft is None  # type: ignore[attr-defined]
        assert "not reachable" in run.error or "kept failing" in run.error  # type: ignore[attr-defined]
        request_id = run.request.id  # type: ignore[attr-defined]
        assert services.engine.graph.get_state(thread(request_id)).next == ("draft",)

        proxy.start()
        retried = services.engine.retry(request_id, "alice")
        assert retried.request.status == "awaiting_review" and retried.draft is not None
        assert retried.draft.text.strip()
    finally:
        proxy.stop()
        services.close()
