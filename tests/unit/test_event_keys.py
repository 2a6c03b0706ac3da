"""The keys that make a delivery or a click count once: stored at a fixed length whatever text
they hold (PostgreSQL refuses what SQLite would take), and once-only keys kept past the window in
which delivery keys are pruned."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from brandbot.config import Settings
from brandbot.slack.blocks import messages
from brandbot.store.db import Database
from brandbot.store.events import claim_in, once_only, stored_key
from brandbot.store.models import ProcessedEvent, WorkItem, utcnow
from brandbot.store.retention import prune
from brandbot.store.work_kinds import WorkKind
from tests.support import slack_ids
from tests.support.bolt_app import bolt_app, dispatch
from tests.support.fake_llm import FakeLLM
from tests.support.servers import postgres
from tests.support.slack_standin import TEAM

LONG_REQUEST = (
    "Write a LinkedIn post announcing Tidewell Restore, our new one-click recovery for small offices, "
    "for IT managers who lost a morning to a broken laptop; mention the free trial, keep it "
    "calm, plain, and end with a link to the launch page."
)


def test_a_long_slash_command_on_postgresql_gets_its_ack_and_its_intake_row(settings: Settings) -> None:
    assert len(LONG_REQUEST) == 236
    user = slack_ids.user()
    with (
        postgres() as url,
        bolt_app(settings.model_copy(update={"database_url": url}), FakeLLM()) as (app, services, _),
    ):
        form = {
            "command": "/brandbot",
            "text": LONG_REQUEST,
            "user_id": user,
            "channel_id": "C07GENERAL1",
            "team_id": TEAM,
            "trigger_id": slack_ids.trigger(),
            "response_url": "https://hooks.slack.com/commands/T07TEAMID01/1234567890123/abcdef",
        }
        response = dispatch(app, form, form=True)
        assert (response.status, response.body) == (200, messages.COMMAND_RECEIVED)
        with services.db.read() as session:
            [row] = session.scalars(select(WorkItem).where(WorkItem.kind == WorkKind.intake)).all()
        assert (row.payload["user"], row.payload["text"]) == (user, LONG_REQUEST)
        assert dispatch(app, form, form=True).status == 200, "Slack's retry of it"
        with services.db.read() as session:
            assert len(session.scalars(select(WorkItem).where(WorkItem.kind == WorkKind.intake)).all()) == 1


def test_stored_keys_have_a_fixed_length_and_say_their_kind() -> None:
    short, long = stored_key("Ev07ABCDEF12"), stored_key(f"command:{slack_ids.trigger()}:U07ABCDEF12:{'x' * 5000}")
    assert short.startswith("Ev07ABCDEF12:") and long.startswith("command:")
    assert len(long) == len("command:") + 64 and len(stored_key("k" * 500 + ":x")) <= 200
    assert stored_key("message:C1:1.1") != stored_key("message:C1:1.2")


def test_once_only_keys_outlive_the_event_window_and_delivery_keys_do_not(
    empty_database: Database, settings: Settings
) -> None:
    empty_database.create_schema()
    delivery, once = "Ev07ABCDEF12", once_only(f"instead:intake:{'f' * 64}")
    with empty_database.session() as session:
        assert claim_in(session, delivery) and claim_in(session, once)
    with empty_database.session() as session:
        assert not claim_in(session, delivery) and not claim_in(session, once)
    pruned = prune(empty_database, settings, utcnow() + timedelta(days=400))
    assert pruned.events == 1
    with empty_database.session() as session:
        assert not claim_in(session, once), "a business effect stays done"
        assert claim_in(session, delivery), "Slack stopped retrying long ago"


def test_the_upgrade_keeps_the_keys_already_claimed(empty_database: Database, settings: Settings) -> None:
    """Delivery keys still stop Slack's retries; a "Draft it instead" already clicked stays done."""
    empty_database.create_schema("0012")
    instead, delivery = f"instead:intake:{'a' * 32}", f"command:{slack_ids.trigger()}:U07ABCDEF12:a post"
    with empty_database.engine.begin() as connection:
        connection.execute(
            insert(ProcessedEvent), [{"key": key, "received_at": utcnow()} for key in (instead, delivery)]
        )
    empty_database.create_schema()
    prune(empty_database, settings, utcnow() + timedelta(hours=settings.event_retention_hours - 1))
    with empty_database.session() as session:
        assert not claim_in(session, delivery) and not claim_in(session, once_only(instead))
    prune(empty_database, settings, utcnow() + timedelta(days=400))
    with empty_database.session() as session:
        assert not claim_in(session, once_only(instead))
