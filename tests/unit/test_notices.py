"""Outbox rows as Slack messages, against the Slack stand-in over HTTP: posted once, edited on
re-delivery, found by their metadata when the first delivery never heard Slack's answer."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy import delete, update

from brandbot.services import Services
from brandbot.slack.blocks import approval
from brandbot.slack.notices import Courier
from brandbot.store.models import OutboxMessage
from brandbot.store.outbox import Notice, say
from brandbot.workers import run_one
from brandbot.workflow import approvals
from tests.support.slack_standin import StandIn

THREAD = {"channel": "CGENERAL", "thread_ts": "1700000000.000100"}


def deliver_all(services: Services, courier: Courier) -> None:
    handlers = courier.handlers()
    while (row := services.outbox.claim()) is not None:
        run_one(services.outbox, row, handlers[row.kind])


def test_a_draft_and_its_decision_reach_the_card_and_the_thread_once(services: Services, standin: StandIn) -> None:
    courier = Courier(services, WebClient(token="xoxb-test", base_url=standin.api_url))
    request = services.engine.submit("alice", "A post about Tidewell Restore", "slack", reply_to=THREAD)
    assert request is not None
    draft = services.engine.run_now(f"draft:{request.id}", request.id).draft
    assert draft is not None
    deliver_all(services, courier)
    cards = [c for c in standin.of("chat.postMessage") if c.args["channel"] == "CAPPROVALS"]
    assert len(cards) == 1 and any(b["type"] == "actions" for b in cards[0].args["blocks"])
    assert "waiting for an approver" in str(standin.posts_to("CGENERAL", THREAD["thread_ts"]))

    approvals.decide(services.engine, draft.id, "bob", "approve")
    deliver_all(services, courier)
    card = standin.posts_to("CAPPROVALS")[0]
    buttons = [element["action_id"] for b in card["blocks"] if b["type"] == "actions" for element in b["elements"]]
    assert "Approved by" in str(card["blocks"]) and buttons == [approval.RECEIPT], "decided: only the receipt"
    thread = [m["text"] for m in standin.posts_to("CGENERAL", THREAD["thread_ts"])]
    assert sum("ready to copy" in text for text in thread) == 1 and draft.text in thread


def test_the_card_closes_apart_from_the_news_and_a_row_from_before_that_does_both(
    services: Services, standin: StandIn
) -> None:
    """The process that took the click runs only the card (`Background.cards`); the requester's
    news is the general outbox's. A `decided` row written before the two were apart closes the card
    too, so an upgrade leaves no card with live buttons."""
    courier = Courier(services, WebClient(token="xoxb-test", base_url=standin.api_url))
    handlers = courier.handlers()
    drafts = []
    for number in range(2):
        thread = {"channel": "CGENERAL", "thread_ts": f"170000000{number}.000100"}
        request = services.engine.submit("alice", "A post about Tidewell Restore", "slack", reply_to=thread)
        assert request is not None
        draft = services.engine.run_now(f"draft:{request.id}", request.id).draft
        assert draft is not None
        drafts.append(draft)
    deliver_all(services, courier)

    approvals.decide(services.engine, drafts[0].id, "bob", "approve")
    card = services.outbox.claim([Notice.card_closed])
    assert card is not None and services.outbox.claim([Notice.card_closed]) is None
    run_one(services.outbox, card, handlers[card.kind])
    assert "Approved by" in str(standin.posts_to("CAPPROVALS")[0]["blocks"])
    assert not any("ready to copy" in m["text"] for m in standin.posts_to("CGENERAL", "1700000000.000100"))
    updates = len(standin.of("chat.update"))
    deliver_all(services, courier)
    assert len(standin.of("chat.update")) == updates, "the news does not edit the card again"
    assert sum("ready to copy" in m["text"] for m in standin.posts_to("CGENERAL", "1700000000.000100")) == 1

    approvals.decide(services.engine, drafts[1].id, "bob", "reject", "Not this week.")
    with services.db.session() as session:
        session.execute(delete(OutboxMessage).where(OutboxMessage.kind == Notice.card_closed))
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == Notice.decided, OutboxMessage.state == "queued")
            .values(payload={"draft_id": drafts[1].id})
        )
    deliver_all(services, courier)
    assert "Rejected by" in str(standin.posts_to("CAPPROVALS")[1]["blocks"])


def test_a_delivery_that_never_heard_back_edits_its_message_instead_of_posting_again(
    services: Services, standin: StandIn
) -> None:
    courier = Courier(services, WebClient(token="xoxb-test", base_url=standin.api_url))
    request = services.engine.submit("alice", "A post about Tidewell Restore", "slack", reply_to=THREAD)
    assert request is not None
    services.engine.run_now(f"draft:{request.id}", request.id)
    row = services.outbox.claim([Notice.draft_ready])
    assert row is not None and row.kind == "draft_ready"
    run_one(services.outbox, row, courier.handlers()[row.kind])
    posted = len(standin.of("chat.postMessage"))
    with services.db.session() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row.id).values(state="queued", messages={}, attempts=1)
        )
    again = services.outbox.claim([Notice.draft_ready])
    assert again is not None and again.id == row.id and again.attempts == 2 and again.messages == {}
    run_one(services.outbox, again, courier.handlers()[again.kind])
    assert len(standin.of("chat.postMessage")) == posted, "found by its metadata, edited in place"
    stored = services.outbox.get(row.id)
    assert stored is not None and stored.state == "done" and set(stored.messages) == {"card", "requester"}


def test_a_message_to_a_person_that_never_heard_back_is_found_in_their_dm(services: Services, standin: StandIn) -> None:
    """Slack posts a message sent to a user id in the person's DM with the bot, and reads that DM
    only by its own id: a re-delivery looks there, not under the user id, and posts nothing new."""
    courier = Courier(services, WebClient(token="xoxb-test", base_url=standin.api_url))
    with services.db.session() as session:
        say(session, "UADMIN0001", "Someone asked what the guidelines don't cover.")
    row = services.outbox.claim([Notice.say])
    assert row is not None
    run_one(services.outbox, row, courier.handlers()[row.kind])
    first = services.outbox.get(row.id)
    assert first is not None and first.messages["message"]["channel"].startswith("D"), "Slack answers with the DM"
    with services.db.session() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row.id).values(state="queued", messages={}, attempts=1)
        )
    again = services.outbox.claim([Notice.say])
    assert again is not None and again.id == row.id
    run_one(services.outbox, again, courier.handlers()[again.kind])
    assert len(standin.of("chat.postMessage")) == 1, "found in the DM, edited in place"
    stored = services.outbox.get(row.id)
    assert stored is not None and stored.messages == first.messages
