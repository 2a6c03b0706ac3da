"""The Slack app as Slack sees it: `brandbot serve` in HTTP mode, unmodified, its Web API pointed
at a local stand-in, requests delivered with real signatures, drafts by the real local vLLM."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.store.audit import entries
from brandbot.workflow import approvals
from tests.conftest import GUIDELINES, make_settings, settings_env
from tests.integration import cli
from tests.support import slack_ids
from tests.support.bot_process import start_deployment, stop
from tests.support.file_host import FileHost
from tests.support.hostile_files import docx_with, encrypted, spaces, zipped
from tests.support.slack_markup import INJECTION, injected, literal_text
from tests.support.slack_standin import APP_ID, BOT_USER, TEAM, StandIn, deliver, event, interaction
from tests.support.tcp_proxy import TcpProxy

SECRET = "signing-secret-for-tests"
TOKEN = "xoxb-test-token"
APPROVALS = "CAPPROVALS"
GENERAL = "CGENERAL01"
ALICE, BOB, CAROL = "U07ALICE001", "U07BOB00001", "U07CAROL001"
DAVE, MALLORY, ADMIN = "U07DAVE0001", "U07MALLORY1", "U07ADMIN001"
APPROVER_GROUP = "SAPPROVERS"
REQUEST = "a short X post announcing Tidewell Restore for our customers"
_ids = itertools.count(1)


@dataclass
class Bot:
    url: str
    standin: StandIn
    settings: Settings
    env: dict[str, str]
    llm: TcpProxy | None = None
    """Between the bot and the local vLLM, so a test can take the LLM away and bring it back."""

    def post(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return deliver(f"{self.url}/slack/events", SECRET, payload, **kwargs)

    def mention(self, user: str, text: str, channel: str = GENERAL, **kwargs: Any) -> tuple[str, httpx.Response]:
        ts = slack_ids.ts()
        body = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "channel": channel, "ts": ts}
        return ts, self.post(event(body, slack_ids.event()), **kwargs)

    def click(self, user: str, action_id: str, value: str, card_ts: str = "1.0") -> httpx.Response:
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": APP_ID,
            "trigger_id": slack_ids.trigger(),
            "container": {"type": "message", "message_ts": card_ts, "channel_id": APPROVALS},
            "channel": {"id": APPROVALS, "name": "approvals"},
            "message": {"ts": card_ts, "text": "card"},
            "response_url": f"{self.standin.url}/response/{next(_ids)}",
            "actions": [
                {
                    "action_id": action_id,
                    "value": value,
                    "type": "button",
                    "block_id": "b",
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self.post(interaction(payload), form=True)

    def submit(self, user: str, callback_id: str, draft_id: str, values: dict[str, str]) -> httpx.Response:
        state = {block: {"value": {"type": "plain_text_input", "value": value}} for block, value in values.items()}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": APP_ID,
            "trigger_id": slack_ids.trigger(),
            "view": {
                "id": slack_ids.view(),
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": draft_id,
                "state": {"values": state},
            },
        }
        return self.post(interaction(payload), form=True)

    def card(self, fragment: str, revision: int = 1) -> tuple[str, str]:
        """(ts, draft id) of the approval card for the request containing `fragment`."""

        def find() -> tuple[str, str] | None:
            for call in self.standin.of("chat.postMessage"):
                if call.args.get("channel") != APPROVALS or fragment not in json.dumps(call.args.get("blocks")):
                    continue
                if f"revision {revision}" not in json.dumps(call.args["blocks"][0]):
                    continue
                actions = next(b for b in call.args["blocks"] if b["type"] == "actions")
                return call.args["_ts"], actions["elements"][0]["value"]
            return None

        return self.standin.wait_for(find, what=f"approval card revision {revision} for {fragment!r}")

    def thread(self, ts: str, channel: str = GENERAL) -> str:
        return json.dumps(self.standin.posts_to(channel, ts))

    def card_text(self, ts: str) -> str:
        return json.dumps([c.args for c in self.standin.of("chat.update") if c.args.get("ts") == ts])

    def services(self) -> Services:
        return Services(self.settings)


EMBEDDED_ONLY = pytest.mark.parametrize("configuration", ["embedded"], indirect=True)


@pytest.fixture(scope="module", params=["embedded", "deployed"])
def configuration(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, str]]]:
    """The flow twice: SQLite files, Chroma in-process and one `serve`; then the deployed shape:
    PostgreSQL, a Chroma server (both shared by the run), and `serve --no-workers` answering Slack
    beside `brandbot work` drafting and delivering. Scenarios whose every step is the Slack layer's
    own (rendering, who may click, parsing an upload) run on the first alone (`EMBEDDED_ONLY`):
    the second shape would only draft again with the same code."""
    if request.param == "embedded":
        yield request.param, {}
        return
    with request.getfixturevalue("deployed_storage").fresh() as storage:
        yield request.param, storage


@pytest.fixture(scope="module")
def bot(
    tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str], configuration: tuple[str, dict[str, str]]
) -> Iterator[Bot]:
    shape, storage = configuration
    standin = StandIn(TOKEN, group_members={APPROVER_GROUP: [DAVE]})
    standin.start()
    proxy = TcpProxy(int(local_llm[0].rsplit(":", 1)[1].split("/")[0]))
    proxy.start()
    data_dir = tmp_path_factory.mktemp("slack") / "data"
    llm_url = f"http://127.0.0.1:{proxy.port}/v1"
    settings = make_settings(data_dir, llm_base_url=llm_url, llm_model=local_llm[1], **storage)
    env = settings_env(settings)
    cli.run(env, "guidelines", "add", str(GUIDELINES))
    cli.run(env, "rules", "add", str(GUIDELINES / "rules"))
    env |= slack_env(standin)
    logs, processes, url = start_deployment(env, data_dir, split=shape == "deployed")
    yield Bot(url, standin, settings, env, proxy)
    for running in processes:
        stop(running)
    standin.stop()
    proxy.stop()
    for log in logs:
        assert TOKEN not in log.read_text(), "the bot token never reaches the log"
        assert SECRET not in log.read_text()


def slack_env(standin: StandIn) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.api_url,
        "BRANDBOT_APPROVAL_CHANNEL": APPROVALS,
        "BRANDBOT_APPROVERS": f"{BOB},{CAROL}",
        "BRANDBOT_APPROVER_GROUP": APPROVER_GROUP,
        "BRANDBOT_ADMINS": ADMIN,
    }


def test_mention_to_card_to_approval_to_final_text(bot: Bot) -> None:
    ts, response = bot.mention(ALICE, f"{REQUEST} (approve)")
    assert response.status_code == 200
    card_ts, draft_id = bot.card("(approve)")
    thread = bot.standin.wait_for(lambda: "waiting for an approver" in bot.thread(ts) and bot.thread(ts))
    assert "Drafting with" in json.dumps([c.args for c in bot.standin.of("chat.update")])
    assert f"`{draft_id}`" in thread and "https://example.slack.com/archives/CAPPROVALS" in thread
    card = json.dumps(next(c.args for c in bot.standin.of("chat.postMessage") if c.args.get("_ts") == card_ts))
    assert f"<@{ALICE}>" in card and "Sources" in card and ("checks passed" in card or "length" in card)
    assert "Brand rules:" in card and "automatic revision" in card

    assert bot.click(BOB, "draft_approve", draft_id, card_ts).status_code == 200
    bot.standin.wait_for(lambda: f"Approved by <@{BOB}>" in bot.card_text(card_ts), what="card updated")
    assert '"draft_approve"' not in bot.card_text(card_ts) and '"receipt_open"' in bot.card_text(card_ts)
    bot.standin.wait_for(lambda: "ready to copy" in bot.thread(ts), what="the requester told")
    services = bot.services()
    draft = services.requests.get_draft(draft_id)
    assert draft is not None and draft.status == "approved"
    bot.standin.wait_for(
        lambda: any(message.get("text") == draft.text for message in bot.standin.posts_to(GENERAL, ts)),
        what=f"the final text alone, ready to copy: {draft.text!r}",
    )
    services.close()


def test_request_changes_then_approve_the_revision(bot: Bot) -> None:
    ts, _ = bot.mention(ALICE, f"{REQUEST} (changes)")
    card_ts, draft_id = bot.card("(changes)")
    bot.click(BOB, "draft_changes", draft_id, card_ts)
    opened = bot.standin.wait_for(
        lambda: [c for c in bot.standin.of("views.open") if c.args["view"]["private_metadata"] == draft_id]
    )
    assert opened[0].args["view"]["callback_id"] == "draft_changes_modal"
    empty = bot.submit(BOB, "draft_changes_modal", draft_id, {"feedback": "  "})
    assert empty.json() == {"response_action": "errors", "errors": {"feedback": "Say what should change."}}

    assert bot.submit(BOB, "draft_changes_modal", draft_id, {"feedback": "shorter please"}).status_code == 200
    new_ts, new_id = bot.card("(changes)", revision=2)
    assert new_id != draft_id
    old_card = bot.standin.wait_for(
        lambda: "Superseded by revision 2" in bot.card_text(card_ts) and bot.card_text(card_ts)
    )
    assert "Changes requested by" in old_card and "shorter please" in old_card

    bot.click(CAROL, "draft_approve", new_id, new_ts)
    bot.standin.wait_for(lambda: f"Approved by <@{CAROL}>" in bot.card_text(new_ts))
    bot.standin.wait_for(lambda: "ready to copy" in bot.thread(ts))


@EMBEDDED_ONLY
def test_edit_then_approve_records_the_edit(bot: Bot) -> None:
    ts, _ = bot.mention(ALICE, f"{REQUEST} (edit)")
    card_ts, draft_id = bot.card("(edit)")
    bot.click(BOB, "draft_edit", draft_id, card_ts)
    opened = bot.standin.wait_for(
        lambda: [c for c in bot.standin.of("views.open") if c.args["view"]["private_metadata"] == draft_id]
    )
    services = bot.services()
    draft = services.requests.get_draft(draft_id)
    assert draft is not None
    assert opened[0].args["view"]["blocks"][0]["element"]["initial_value"] == draft.text[:3000]

    edited = "Tidewell Restore brings a whole laptop back in one click. Free trial: 30 days."
    bot.submit(BOB, "draft_edit_modal", draft_id, {"part_0": edited})
    bot.standin.wait_for(lambda: "Approved with edits by" in bot.card_text(card_ts))
    bot.standin.wait_for(lambda: edited in bot.thread(ts))
    request = bot.standin.wait_for(
        lambda: next((r for r in [services.requests.get_request(draft.request_id)] if r and r.final_text), None),
        what="the workflow resumed to its end (the news goes out with the decision, before it)",
    )
    assert request.final_text == edited
    last = entries(services.db, request_id=draft.request_id)[-1]
    assert (last.action, last.actor, last.detail["edited"]) == ("draft.approved", BOB, True)
    services.close()


@EMBEDDED_ONLY
def test_hostile_text_in_the_request_and_the_edit_reaches_nobody_live(bot: Bot) -> None:
    """The request, the model's draft and the approver's edit all carry pings and a disguised
    link; every message, card, modal and Home tab the bot sends shows them as text, and the
    requester gets exactly the approved characters."""
    first_call = len(bot.standin.calls)
    ts, _ = bot.mention(ALICE, f"{REQUEST} (hostile) {INJECTION}")
    card_ts, draft_id = bot.card("(hostile)")
    bot.click(BOB, "draft_edit", draft_id, card_ts)
    bot.standin.wait_for(lambda: [c for c in bot.standin.of("views.open") if draft_id in json.dumps(c.args)])
    edited = f"Tidewell Restore is here.\n\n{INJECTION}\n\n*Free trial:* 30 days & no card."
    bot.submit(BOB, "draft_edit_modal", draft_id, {"part_0": edited})
    bot.standin.wait_for(lambda: "Approved with edits by" in bot.card_text(card_ts))
    final = bot.standin.wait_for(
        lambda: next((m for m in bot.standin.posts_to(GENERAL, ts) if m.get("blocks") and "rich_text" in str(m)), None)
    )
    assert literal_text(final["blocks"]) == edited
    bot.post(event({"type": "app_home_opened", "user": ALICE, "channel": "DALICE001", "tab": "home"}, "EvHOSTILE1"))
    bot.standin.wait_for(lambda: [c for c in bot.standin.of("views.publish") if c.args.get("user_id") == ALICE])
    sent = bot.standin.calls[first_call:]
    assert {"chat.postMessage", "chat.update", "views.open", "views.publish"} <= {call.method for call in sent}
    assert [(call.method, injected(call.args)) for call in sent if injected(call.args)] == []


@EMBEDDED_ONLY
def test_reject_with_a_reason_tells_the_requester(bot: Bot) -> None:
    ts, _ = bot.mention(ALICE, f"{REQUEST} (reject)")
    card_ts, draft_id = bot.card("(reject)")
    bot.submit(BOB, "draft_reject_modal", draft_id, {"reason": "not before the launch"})
    bot.standin.wait_for(
        lambda: "Rejected by" in bot.card_text(card_ts) and "not before the launch" in bot.card_text(card_ts)
    )
    bot.standin.wait_for(lambda: "Rejected by" in bot.thread(ts))


@EMBEDDED_ONLY
def test_only_approvers_other_than_the_requester_decide(bot: Bot) -> None:
    _, _ = bot.mention(BOB, f"{REQUEST} (permissions)")
    card_ts, draft_id = bot.card("(permissions)")
    for user, words in ((MALLORY, "can't approve drafts"), (BOB, "You asked for this draft")):
        bot.click(user, "draft_approve", draft_id, card_ts)
        bot.standin.wait_for(
            lambda user=user, words=words: any(
                c.args["user"] == user and words in c.args["text"] for c in bot.standin.of("chat.postEphemeral")
            ),
            what=f"ephemeral refusal for {user}",
        )
    bot.click(MALLORY, "draft_reject", draft_id, card_ts)
    time.sleep(1)
    assert not [c for c in bot.standin.of("views.open") if c.args["view"]["private_metadata"] == draft_id]
    assert bot.card_text(card_ts) == "[]", "nothing changed on the card"

    bot.click(DAVE, "draft_approve", draft_id, card_ts)
    bot.standin.wait_for(lambda: f"Approved by <@{DAVE}>" in bot.card_text(card_ts), what="group member approves")


def test_double_click_and_two_approvers_at_once_give_one_decision(bot: Bot) -> None:
    bot.mention(ALICE, f"{REQUEST} (race)")
    card_ts, draft_id = bot.card("(race)")
    clicks = [
        threading.Thread(target=bot.click, args=(user, "draft_approve", draft_id, card_ts))
        for user in (BOB, BOB, CAROL)
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    refusals = bot.standin.wait_for(
        lambda: (
            [
                c
                for c in bot.standin.of("chat.postEphemeral")
                if draft_id in c.args["text"] and "already approved" in c.args["text"]
            ]
            if len([c for c in bot.standin.of("chat.postEphemeral") if draft_id in c.args["text"]]) >= 2
            else None
        ),
        what="two refusals",
    )
    assert len(refusals) == 2
    services = bot.services()
    draft = services.requests.get_draft(draft_id)
    assert draft is not None
    assert [e.action for e in entries(services.db, request_id=draft.request_id)].count("draft.approved") == 1
    services.close()


def test_a_retried_event_is_answered_once(bot: Bot) -> None:
    ts = f"{1_700_000_000 + next(_ids)}.000100"
    body = {
        "type": "app_mention",
        "user": ALICE,
        "text": f"<@UBOT000001> {REQUEST} (retried)",
        "channel": GENERAL,
        "ts": ts,
    }
    payload = event(body, "EvRETRIED01")
    assert bot.post(payload).status_code == 200
    assert (
        bot.post(payload, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
    )
    dm_copy = event({**body, "type": "message", "channel_type": "im", "channel": GENERAL}, "EvRETRIED02")
    assert bot.post(dm_copy).status_code == 200
    bot.card("(retried)")
    time.sleep(3)
    services = bot.services()
    assert len([r for r in services.requests.list_requests(requester=ALICE, limit=50) if "(retried)" in r.text]) == 1
    services.close()


def test_bad_signature_and_stale_timestamp_are_refused(bot: Bot) -> None:
    payload = event({"type": "app_mention", "user": ALICE, "text": "hi", "channel": GENERAL, "ts": "1.1"}, "EvBAD0001")
    assert bot.post(payload, signature_secret="not-the-secret").status_code == 401
    assert bot.post(payload, timestamp=int(time.time()) - 600).status_code == 401


def test_empty_mention_asks_what_to_draft(bot: Bot) -> None:
    ts, _ = bot.mention(ALICE, "   ")
    bot.standin.wait_for(lambda: "What should I draft?" in bot.thread(ts))


def test_slash_command_help_and_guidelines(bot: Bot) -> None:
    command = {
        "command": "/brandbot",
        "user_id": ALICE,
        "channel_id": GENERAL,
        "team_id": TEAM,
        "trigger_id": slack_ids.trigger(),
    }
    help_response = bot.post({**command, "text": "help"}, form=True)
    assert help_response.status_code == 200 and "on-brand draft" in help_response.text
    listing = bot.post({**command, "text": "guidelines", "user_id": ADMIN}, form=True).json()
    listed = json.dumps(listing)
    assert "voice-and-tone.md" in listed and "guideline_remove" in listed
    assert "guideline_remove" not in json.dumps(bot.post({**command, "text": "guidelines"}, form=True).json())


def test_admin_uploads_a_docx_and_a_corrupt_pdf(bot: Bot) -> None:
    docx = bot.standin.add_file("F0DOCX01", "social-2027.docx", (GUIDELINES / "channel-guide-social.docx").read_bytes())
    pdf = bot.standin.add_file("F0PDF001", "broken.pdf", b"%PDF-1.4 this is not really a pdf")
    dm = "DADMIN001"
    message = {"type": "message", "subtype": "file_share", "channel_type": "im", "channel": dm, "user": ADMIN}
    bot.post(event({**message, "ts": "1800000001.000001", "files": [docx, pdf]}, "EvUPLOAD01"))
    report = bot.standin.wait_for(
        lambda: next((m["text"] for m in bot.standin.posts_to(dm) if "social-2027.docx" in m.get("text", "")), None),
        what="ingest report",
    )
    assert "social-2027.docx" in report and "added" in report and "chunks" in report
    assert "broken.pdf" in report and "not a readable PDF" in report
    services = bot.services()
    assert services.knowledge_base.registry.get("social-2027.docx") is not None
    services.close()


@EMBEDDED_ONLY
def test_non_admin_upload_is_refused_and_nothing_is_downloaded(bot: Bot) -> None:
    file = bot.standin.add_file("F0SNEAKY1", "sneaky.md", b"# Sneaky\n\nSay cheap everywhere.")
    dm = "DALICE001"
    message = {"type": "message", "subtype": "file_share", "channel_type": "im", "channel": dm, "user": ALICE}
    bot.post(event({**message, "ts": "1800000002.000001", "files": [file]}, "EvUPLOAD02"))
    bot.standin.wait_for(lambda: "Only brandbot admins" in json.dumps(bot.standin.posts_to(dm)))
    assert not [c for c in bot.standin.of("file.download") if "F0SNEAKY1" in c.args["path"]]
    services = bot.services()
    assert services.knowledge_base.registry.get("sneaky.md") is None
    services.close()


@EMBEDDED_ONLY
def test_admin_upload_of_hostile_files_gets_a_line_each_and_the_good_file_goes_in(bot: Bot) -> None:
    """Through Bolt and the work row: an external file, a file on another host, a .docx bomb,
    an encrypted rules zip with an upper-case extension, and a good upper-case .MD."""
    lure = FileHost()
    lure.start()
    files = [
        {"id": "F0GDRIVE1", "name": "Brand.gdoc", "is_external": True, "external_type": "gdrive", "size": 10},
        lure.file("lure.md", b"# Lure\n\nSay cheap."),
        bot.standin.add_file("F0BOMB001", "bomb.docx", docx_with("word/document.xml", spaces(64))),
        bot.standin.add_file("F0LOCKED1", "Locked.ZIP", encrypted(zipped({"Acme/NoSynergy.yml": b"extends: x\n"}))),
        bot.standin.add_file("F0UPPER01", "UPLOAD-NOTES.MD", b"# Upload notes\n\nSay Tidewell Restore."),
    ]
    files[0]["url_private"] = "https://docs.google.com/document/d/brand/edit"
    dm = "DADMIN004"
    message = {"type": "message", "subtype": "file_share", "channel_type": "im", "channel": dm, "user": ADMIN}
    try:
        bot.post(event({**message, "ts": "1800000006.000001", "files": files}, "EvUPLOAD03"))
        report = bot.standin.wait_for(
            lambda: next((m["text"] for m in bot.standin.posts_to(dm) if "bomb.docx" in m.get("text", "")), None),
            what="upload report",
        )
    finally:
        lure.stop()
    lines = report.splitlines()
    assert len(lines) == 5, report
    assert any("*Brand.gdoc*" in line and "stored outside Slack (gdrive)" in line for line in lines)
    assert any("*lure.md*" in line and "not on Slack's file host" in line for line in lines)
    assert any("*bomb.docx*" in line and "a zip bomb" in line for line in lines)
    assert any("*Locked.ZIP*" in line and "is encrypted" in line for line in lines)
    assert lure.requests == [], "the other host was never asked, so it never saw the token"
    services = bot.services()
    assert services.knowledge_base.registry.get("upload-notes.md") is not None
    assert services.knowledge_base.registry.get("bomb.docx") is None
    services.close()


@EMBEDDED_ONLY
def test_rate_limited_post_is_retried_after_retry_after(bot: Bot) -> None:
    bot.standin.fail("chat.postMessage", 429, times=1)
    ts, _ = bot.mention(ALICE, f"{REQUEST} (ratelimit)")
    bot.card("(ratelimit)")
    limited = [c for c in bot.standin.of("chat.postMessage") if c.args.get("_status") == 429]
    assert limited, "the stand-in answered 429 once"
    assert "waiting for an approver" in bot.standin.wait_for(
        lambda: "waiting for an approver" in bot.thread(ts) and bot.thread(ts)
    )


def test_app_home_shows_own_requests_and_the_approver_queue(bot: Bot) -> None:
    bot.mention(ALICE, f"{REQUEST} (home)")
    bot.card("(home)")
    earlier = len(bot.standin.of("views.publish"))
    for user in (ALICE, BOB):
        bot.post(event({"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home"}, f"EvHOME{user}"))
    published = bot.standin.wait_for(
        lambda: (
            (calls := bot.standin.of("views.publish")[earlier:])
            and {call.args["user_id"] for call in calls} >= {ALICE, BOB}
            and calls
        )
    )
    by_user = {call.args["user_id"]: json.dumps(call.args["view"]) for call in published}
    assert "(home)" in by_user[ALICE] and "Awaiting your review" not in by_user[ALICE]
    assert "Awaiting your review" in by_user[BOB] and "(home)" in by_user[BOB]


def test_unreachable_llm_is_told_in_the_thread_with_a_retry_button(bot: Bot) -> None:
    assert bot.llm is not None
    bot.llm.stop()
    try:
        ts, _ = bot.mention(ALICE, f"{REQUEST} (outage)")
        failure = bot.standin.wait_for(
            lambda: next((m for m in bot.standin.posts_to(GENERAL, ts) if "not reachable" in m.get("text", "")), None)
        )
        retry = failure["blocks"][1]["elements"][0]
        assert retry["action_id"] == "request_retry"
    finally:
        bot.llm.start()
    bot.click(MALLORY, "request_retry", retry["value"])
    bot.standin.wait_for(
        lambda: any(
            c.args["user"] == MALLORY and "Only the person who asked" in c.args["text"]
            for c in bot.standin.of("chat.postEphemeral")
        ),
        what="a bystander's retry refused",
    )
    clicks = [threading.Thread(target=bot.click, args=(user, "request_retry", retry["value"])) for user in (ALICE, BOB)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    bot.card("(outage)")
    time.sleep(2)
    services = bot.services()
    actions = [e.action for e in entries(services.db, request_id=retry["value"])]
    services.close()
    assert actions.count("request.retried") == 1 and actions.count("draft.created") == 1, actions
    cards = [
        c
        for c in bot.standin.of("chat.postMessage")
        if c.args["channel"] == APPROVALS and "(outage)" in json.dumps(c.args)
    ]
    assert len(cards) == 1


@EMBEDDED_ONLY
def test_admin_uploads_rules_and_a_bad_rule_changes_nothing(bot: Bot) -> None:
    services = bot.services()
    before = {info.id for info in services.rules().describe()}
    assert "Tidewell.WordsToAvoid" in before
    good = bot.standin.add_file(
        "F0RULE001", "NoSynergy.yml", b"extends: existence\nmessage: Avoid '%s'.\ntokens: [synergy]\n"
    )
    bad = bot.standin.add_file("F0RULE002", "Broken.yml", b"extends: existence\nmessage: x\ntokenz: [oops]\n")
    dm = "DADMIN002"
    message = {"type": "message", "subtype": "file_share", "channel_type": "im", "channel": dm, "user": ADMIN}
    bot.post(event({**message, "ts": "1800000003.000001", "files": [bad]}, "EvRULES01"))
    refusal = bot.standin.wait_for(
        lambda: next((m["text"] for m in bot.standin.posts_to(dm) if "Broken.yml" in m.get("text", "")), None)
    )
    assert "tokenz" in refusal and "stay active" in refusal
    assert {info.id for info in bot.services().rules().describe()} == before
    bot.post(event({**message, "ts": "1800000004.000001", "files": [good]}, "EvRULES02"))
    installed = bot.standin.wait_for(
        lambda: next((m["text"] for m in bot.standin.posts_to(dm) if "NoSynergy.yml" in m.get("text", "")), None)
    )
    assert "installed" in installed
    services.close()


def test_a_decision_made_in_the_cli_reaches_the_card_and_the_thread(bot: Bot) -> None:
    ts, _ = bot.mention(ALICE, f"{REQUEST} (cli decides)")
    card_ts, draft_id = bot.card("(cli decides)")
    cli.run(bot.env, "review", "approve", draft_id, "--as", BOB, "--yes")
    bot.standin.wait_for(lambda: f"Approved by <@{BOB}>" in bot.card_text(card_ts), what="card closed")
    closed = bot.card_text(card_ts).split("Approved by")[-1]
    assert '"draft_approve"' not in closed and '"receipt_open"' in closed
    bot.standin.wait_for(lambda: "ready to copy" in bot.thread(ts), what="requester told")


def test_a_decision_whose_process_died_before_resuming_is_resumed_and_told(bot: Bot) -> None:
    """`decide` claims and queues the resume; nothing here runs it, as when the deciding
    process is killed right after its transaction: the bot's workers finish the job."""
    ts, _ = bot.mention(ALICE, f"{REQUEST} (orphaned decision)")
    card_ts, draft_id = bot.card("(orphaned decision)")
    services = Services(bot.settings.model_copy(update={"approvers": [BOB, CAROL]}))
    try:
        approvals.decide(services.engine, draft_id, CAROL, "reject", "not this quarter")
        bot.standin.wait_for(lambda: "Rejected by" in bot.card_text(card_ts), what="card closed")
        bot.standin.wait_for(lambda: "not this quarter" in bot.thread(ts), what="requester told")
        draft = services.requests.get_draft(draft_id)
        assert draft is not None
        bot.standin.wait_for(
            lambda: services.requests.get_request(draft.request_id).status == "rejected",  # type: ignore[union-attr]
            what="workflow resumed to its end",
        )
        assert services.engine.pending_review(draft.request_id) is None
    finally:
        services.close()
    assert bot.thread(ts).count("Rejected by") == 1


@EMBEDDED_ONLY
def test_a_deleted_progress_message_does_not_fail_the_request(bot: Bot) -> None:
    ts, _ = bot.mention(ALICE, f"{REQUEST} (deleted status)")
    status = bot.standin.wait_for(
        lambda: next((m["_ts"] for m in bot.standin.posts_to(GENERAL, ts) if "_ts" in m), None),
        what="progress message",
    )
    bot.standin.delete(status)
    bot.card("(deleted status)")
    bot.standin.wait_for(lambda: "waiting for an approver" in bot.thread(ts), what="news posted anew")
    services = bot.services()
    request = next(r for r in services.requests.list_requests(requester=ALICE) if "(deleted status)" in r.text)
    services.close()
    assert request.status == "awaiting_review"


@EMBEDDED_ONLY
def test_a_rule_that_backtracks_without_end_fails_on_the_card_and_acks_go_on(bot: Bot) -> None:
    """A badly written rule (no digit follows, so the engine tries every split of every phrase)
    runs out its time limit: the card names it as not checked, and the bot answers meanwhile."""
    slow = bot.standin.add_file(
        "F0RULE003", "Backtracks.yml", b"extends: existence\nmessage: '%s'\nraw: ['(?:[\\w ]|[\\w ]{2})+\\d']\n"
    )
    dm = "DADMIN003"
    upload = {"type": "message", "subtype": "file_share", "channel_type": "im", "channel": dm, "user": ADMIN}
    bot.post(event({**upload, "ts": "1800000005.000001", "files": [slow]}, "EvRULES03"))
    bot.standin.wait_for(
        lambda: any(
            "Backtracks.yml" in m.get("text", "") and "installed" in m["text"] for m in bot.standin.posts_to(dm)
        )
    )
    try:
        _, response = bot.mention(ALICE, f"{REQUEST} (backtracks)")
        assert response.status_code == 200
        assert bot.mention(CAROL, f"{REQUEST} (meanwhile)")[1].status_code == 200
        assert httpx.get(f"{bot.url}/healthz").status_code == 200
        for fragment in ("(backtracks)", "(meanwhile)"):
            card_ts, _ = bot.card(fragment)
            card = json.dumps(next(c.args for c in bot.standin.of("chat.postMessage") if c.args.get("_ts") == card_ts))
            assert "Tidewell.Backtracks" in card and "ran past its time limit of 100 ms; not checked" in card
    finally:
        cli.run(bot.env, "rules", "remove", "Tidewell.Backtracks")
