"""PostgreSQL with a migration role that owns the tables and an app role that only uses them, as
docker-compose.yml runs it: `brandbot db migrate` as the owner, replicas as the app role. The app
works (it drafts, decides, writes audit entries, prunes, learns rules), and the app role can
neither rewrite, delete nor truncate the audit log nor drop or disable its triggers, and only moves
the audit chain's head (no row added or removed); not even the owner truncates the log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rules import proposals as learned
from brandbot.rules.learning import Change, Kind
from brandbot.services import Services
from brandbot.store import answers as answer_store
from brandbot.store import audit_chain, receipts, retention
from brandbot.store.audit import entries
from brandbot.workflow import approvals
from tests.conftest import make_settings, settings_env
from tests.integration import cli
from tests.integration.test_migrations import HEAD
from tests.support.fake_llm import FakeLLM
from tests.support.servers import postgres

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str


@pytest.fixture(scope="module")
def roles() -> Iterator[Roles]:
    """Two plain roles (neither a superuser) and a database the owner owns."""
    with postgres() as admin_url:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE ROLE brandbot_owner LOGIN"))
            connection.execute(text("CREATE ROLE brandbot_app LOGIN"))
            connection.execute(text("CREATE DATABASE ledger OWNER brandbot_owner"))
        admin.dispose()
        ledger = make_url(admin_url).set(database="ledger")
        yield Roles(
            ledger.set(username="brandbot_owner").render_as_string(hide_password=False),
            ledger.set(username="brandbot_app").render_as_string(hide_password=False),
        )


@pytest.fixture(scope="module")
def app_services(roles: Roles, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Migrated by `brandbot db migrate` as the owner; the app's services hold the app role alone."""
    data = Path(tmp_path_factory.mktemp("least")) / "data"
    settings = make_settings(data, database_url=roles.app)
    migrated = cli.run({**settings_env(settings), "BRANDBOT_MIGRATION_DATABASE_URL": roles.owner}, "db", "migrate")
    assert f"Schema at revision {HEAD}" in migrated.stdout
    built = Services(settings, llm=FakeLLM(drafts=["First."]).client(settings))
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    yield built
    built.close()


def test_the_app_role_drafts_decides_and_writes_the_audit_log(app_services: Services) -> None:
    run = app_services.engine.ask("alice", "A post (least privilege)")
    assert run.draft is not None
    _, resumed = approvals.decide_and_resume(app_services.engine, run.draft.id, "bob", "approve")
    assert resumed.request.status == "approved"
    actions = [entry.action for entry in entries(app_services.db, request_id=run.request.id)]
    assert actions == ["request.created", "draft.created", "draft.approved"]
    assert audit_chain.verify(app_services.db)[1] == [] and receipts.verify(app_services.db)[2] == []
    assert app_services.events.claim("EvLEAST01")
    retention.prune(app_services.db, app_services.settings)


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE audit_log SET actor = 'mallory'", "permission denied"),
        ("DELETE FROM audit_log", "permission denied"),
        ("TRUNCATE audit_log", "permission denied"),
        ("DROP TRIGGER audit_log_append_only ON audit_log", "must be owner"),
        ("DROP TRIGGER audit_log_no_truncate ON audit_log", "must be owner"),
        ("ALTER TABLE audit_log DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TABLE audit_log", "must be owner"),
        ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
        ("DELETE FROM audit_chain_head", "permission denied"),
        ("INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (2, 0, '')", "permission denied"),
    ],
)
def test_the_app_role_cannot_undo_the_audit_log(app_services: Services, statement: str, refusal: str) -> None:
    with pytest.raises(DBAPIError, match=refusal), app_services.db.engine.begin() as connection:
        connection.execute(text(statement))


def test_not_even_the_owner_truncates_the_audit_log(app_services: Services, roles: Roles) -> None:
    owner = create_engine(roles.owner)
    try:
        with pytest.raises(DBAPIError, match="append-only"), owner.begin() as connection:
            connection.execute(text("TRUNCATE audit_log"))
    finally:
        owner.dispose()
    assert entries(app_services.db), "the entries are still there"


def test_a_replica_given_both_urls_migrates_as_the_owner_and_runs_as_the_app(
    roles: Roles, app_services: Services, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data", database_url=roles.app, migration_database_url=roles.owner)
    replica = Services(settings, llm=FakeLLM().client(settings))
    try:
        assert replica.db.revision() == HEAD
        with replica.db.engine.connect() as connection:
            assert connection.scalar(text("SELECT current_user")) == "brandbot_app"
            owners = set(connection.scalars(text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")))
            writable = set(
                connection.scalars(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND has_table_privilege('brandbot_app', format('%I.%I', schemaname, tablename), 'UPDATE')"
                    )
                )
            )
            every = set(connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
        assert owners == {"brandbot_owner"}, "the app role owns no table"
        assert every - writable == {"audit_log", "alembic_version", "checkpoint_migrations"}, "the app writes the rest"
    finally:
        replica.close()


def test_the_app_role_learns_a_rule_from_an_edit_and_an_admin_dismisses_it(app_services: Services) -> None:
    run = app_services.engine.ask("alice", "A post (learned rules)")
    assert run.draft is not None and run.draft.text == "First."
    approvals.decide_and_resume(app_services.engine, run.draft.id, "bob", "edit", "Initial.")
    eager = app_services.settings.model_copy(update={"rule_proposal_min_evidence": 1})
    [proposal] = learned.refresh(eager, app_services.db, app_services.rules())
    assert proposal.change == Change(Kind.substitution, "first", "initial")
    learned.dismiss(app_services.db, proposal.id, "admin")
    assert learned.refresh(eager, app_services.db, app_services.rules()) == []


def test_the_app_role_records_answers_and_replaces_a_verdict(app_services: Services) -> None:
    answered = {
        "question": "can I say cheap?",
        "answer": "",
        "covered": False,
        "reason": "nothing_relevant",
        "citations": [],
        "model": None,
        "timings": {"retrieval_ms": 1.0, "llm_ms": 0.0, "total_ms": 1.5},
    }
    with app_services.db.session() as session:
        answer_id = answer_store.add(session, "answer:least", "alice", answered, {"dm_user": "alice"})
    assert answer_store.give_feedback(app_services.db, answer_id, "bob", answer_store.Verdict.helpful)
    assert answer_store.give_feedback(app_services.db, answer_id, "bob", answer_store.Verdict.not_right)
    assert answer_store.verdicts(app_services.db, answer_id) == {"bob": "not_right"}
    [rated] = answer_store.feedback(app_services.db)
    assert (rated.answer_id, rated.helpful, rated.not_right) == (answer_id, 0, 1)
    assert audit_chain.verify(app_services.db)[1] == []
