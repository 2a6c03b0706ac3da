"""A follow-up in the request's thread against the real local vLLM: the requester's reply to
the draft waiting for review is the note the next revision is drafted from, through Bolt's real
request handling, the Slack stand-in and the bot's own work and outbox handlers."""

from __future__ import annotations

import json

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.store.status import DraftStatus
from tests.conftest import GUIDELINES
from tests.support.bolt_app import ADMIN, bolt_app, dispatch
from tests.support.slack_standin import event
from tests.support.slack_work import run_work

ALICE, GENERAL, ASKED_AT = "UALICE01", "CGENERAL1", "1800000800.000100"
NOTE = "Make it shorter and mention the free trial."


def test_the_requesters_reply_is_drafted_into_revision_2_by_the_local_model(llm_settings: Settings) -> None:
    settings = llm_settings.model_copy(update={"max_auto_revisions": 0, "draft_examples": 0})
    with bolt_app(settings, real_llm=True) as (app, services, standin):
        voice = GUIDELINES / "voice-and-tone.md"
        services.knowledge_base.add([SourceFile.from_path(voice, voice.name)], ADMIN)
        mention = {"type": "app_mention", "user": ALICE, "channel": GENERAL, "ts": ASKED_AT}
        mention["text"] = "<@UBOT000001> a short X post announcing Tidewell Restore for our customers"
        assert dispatch(app, event(mention, "EvAsk"), form=False).status == 200
        run_work(services)
        [request] = services.requests.list_requests(requester=ALICE)
        [first] = services.requests.drafts_for(request.id)
        assert first.status == DraftStatus.pending and first.text.strip()

        reply = {"type": "message", "user": ALICE, "text": NOTE, "ts": "1800000801.000100", "channel": GENERAL}
        reply |= {"thread_ts": ASKED_AT, "channel_type": "channel"}
        assert dispatch(app, event(reply, "EvReply"), form=False).status == 200
        run_work(services)

        first_after, second = services.requests.drafts_for(request.id)
        assert first_after.status == DraftStatus.changes_requested
        assert (second.revision, second.status) == (2, DraftStatus.pending) and second.text.strip()
        assert services.engine.state(request.id)["feedback"] == [NOTE]
        assert second.model == first.model and second.prompt_sha256 != first.prompt_sha256
        cards = [m for m in standin.posts_to("CAPPROVALS") if request.text in json.dumps(m.get("blocks"))]
        first_card = next(m for m in cards if "revision 1" in json.dumps(m["blocks"][0]))
        closed = json.dumps(first_card["blocks"])
        assert "followed up in the thread" in closed and f"Superseded by revision 2 (`{second.id}`)" in closed
        assert any("revision 2" in json.dumps(m["blocks"][0]) and "draft_approve" in json.dumps(m) for m in cards)
