"""PostgreSQL with a migration role that owns the tables and an app role that only uses them, as
docker-compose.yml runs it: `brandbot db migrate` as the owner, replicas as the app role. The app
works (it drafts, decides, writes audit entries, prunes, learns rules), and the app role can
neither write the audit log nor move its head except through `audit_append`, nor delete or
truncate it, drop or disable its triggers, change an anchor, or create a table; not even the
owner truncates the log. What the app role can still do, change the records behind an approval,
`audit verify` reports; what the owner can do, cut the log back and move its head to match, the
anchors posted to Slack catch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import proposals as learned
from brandbot.rulebook.learning import Change, Kind
from brandbot.services import Services
from brandbot.slack.notices import Courier
from brandbot.store import answers as answer_store
from brandbot.store import audit_chain, receipts, retention
from brandbot.store.audit import entries
from brandbot.workers import run_one
from brandbot.workflow import approvals
from brandbot.workflow.checkpointer import CheckpointTablesMissing, postgres_checkpointer
from tests.conftest import make_settings, settings_env
from tests.integration import cli
from tests.integration.test_migrations import HEAD
from tests.support.fake_llm import FakeLLM
from tests.support.servers import postgres
from tests.support.slack_standin import StandIn

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str
    admin: str

    def database(self, name: str) -> Roles:
        """Another database the owner owns, for a test that breaks what it finds there."""
        admin = create_engine(self.admin, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name} OWNER brandbot_owner"))
        admin.dispose()
        return _roles(self.admin, name)


def _roles(admin_url: str, database: str) -> Roles:
    url = make_url(admin_url).set(database=database)
    return Roles(
        url.set(username="brandbot_owner").render_as_string(hide_password=False),
        url.set(username="brandbot_app").render_as_string(hide_password=False),
        admin_url,
    )


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
        yield _roles(admin_url, "ledger")


def migrated(roles: Roles, data: Path, **overrides: object) -> tuple[dict[str, str], Services]:
    """`brandbot db migrate` as the owner; then the environment and services of the app role alone."""
    settings = make_settings(data, database_url=roles.app, **overrides)
    migrated = cli.run({**settings_env(settings), "BRANDBOT_MIGRATION_DATABASE_URL": roles.owner}, "db", "migrate")
    assert f"Schema at revision {HEAD}" in migrated.stdout
    built = Services(settings, llm=FakeLLM(drafts=["First."]).client(settings))
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    return settings_env(settings), built


@pytest.fixture(scope="module")
def app_services(roles: Roles, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Migrated by `brandbot db migrate` as the owner; the app's services hold the app role alone."""
    _, built = migrated(roles, Path(tmp_path_factory.mktemp("least")) / "data")
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
        ("UPDATE audit_chain_head SET last_id = last_id + 1", "permission denied"),
        (
            "INSERT INTO audit_log (id, at, actor, action, detail, prev_hash, hash) "
            "SELECT last_id + 1, now(), 'mallory', 'draft.approved', '{}', last_hash, '' FROM audit_chain_head",
            "permission denied",
        ),
        (f"ALTER FUNCTION {audit_chain.APPEND_SIGNATURE} SECURITY INVOKER", "must be owner"),
        (f"DROP FUNCTION {audit_chain.APPEND_SIGNATURE}", "must be owner"),
        ("UPDATE audit_anchors SET hash = ''", "permission denied"),
        ("DELETE FROM audit_anchors", "permission denied"),
        ("CREATE TABLE mine (id integer)", "permission denied"),
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
        assert every - writable == {
            "audit_log",
            "audit_chain_head",
            "audit_anchors",
            "alembic_version",
            "checkpoint_migrations",
        }, "the app writes the rest"
    finally:
        replica.close()


def test_the_app_role_creates_nothing_and_finds_the_checkpoint_tables_made(
    app_services: Services, roles: Roles
) -> None:
    with app_services.db.engine.connect() as connection:
        assert connection.scalar(text("SELECT has_schema_privilege('brandbot_app', 'public', 'CREATE')")) is False
    run = app_services.engine.ask("alice", "A post (checkpoints)")
    assert run.draft is not None and app_services.engine.pending_review(run.request.id) is not None

    bare = roles.database("bare")
    with pytest.raises(CheckpointTablesMissing, match="run `brandbot db migrate` with BRANDBOT_MIGRATION_DATABASE_URL"):
        postgres_checkpointer(bare.app)


def test_approvals_made_up_in_the_records_are_reported(roles: Roles, tmp_path: Path) -> None:
    """The app role may change requests, drafts and decisions: an approval made up there (or an
    approval entry it appends without a receipt) has no sealed receipt, and `audit verify` says so."""
    env, app = migrated(roles.database("forged"), tmp_path / "data")
    try:
        drafts = {}
        for name in ("pending", "rejected", "request", "entry"):
            run = app.engine.ask("alice", f"A post ({name})")
            assert run.draft is not None
            drafts[name] = run.draft
        approvals.decide_and_resume(app.engine, drafts["rejected"].id, "bob", "reject", "Off brand.")
        forged = drafts["pending"]
        with app.db.engine.begin() as connection:
            for statement in (
                "UPDATE drafts SET status = 'approved' WHERE id = :draft",
                "INSERT INTO decisions (draft_id, actor, action, decided_at) VALUES (:draft, 'bob', 'approve', now())",
                "UPDATE requests SET status = 'approved', final_text = 'Cheap!' WHERE id = :request",
            ):
                connection.execute(text(statement), {"draft": forged.id, "request": forged.request_id})
            connection.execute(
                text("UPDATE decisions SET action = 'approve' WHERE draft_id = :draft"),
                {"draft": drafts["rejected"].id},
            )
            connection.execute(
                text("UPDATE requests SET status = 'approved' WHERE id = :request"),
                {"request": drafts["request"].request_id},
            )
            connection.execute(
                text("SELECT audit_append('bob', 'draft.approved', :request, :draft, 1, '{}')"),
                {"request": drafts["entry"].request_id, "draft": drafts["entry"].id},
            )
        verified = cli.run(env, "audit", "verify", check=False)
        assert verified.returncode == 1
        unsealed = "approved with no sealed receipt in the audit log"
        off_the_log = sorted([drafts["pending"], drafts["rejected"]], key=lambda draft: draft.id)
        assert verified.stdout.splitlines() == [
            f"receipt of {drafts['entry'].request_id}: {unsealed}",
            *(f"receipt of {draft.request_id}: {unsealed}" for draft in off_the_log),
            f"receipt of {drafts['request'].request_id}: the request is approved but none of its drafts is",
        ]
    finally:
        app.close()


def test_a_log_cut_back_by_its_owner_is_caught_by_the_anchor_posted_to_slack(roles: Roles, tmp_path: Path) -> None:
    """`brandbot audit anchor` posts the head to the approval channel; the owner then cuts the
    log back below it and moves the head to match, so the chain alone verifies. The anchor row
    catches it; once the owner deletes that too, the message copied out of Slack does."""
    database = roles.database("anchored")
    env, app = migrated(database, tmp_path / "data")
    standin = StandIn("xoxb-test")
    standin.start()
    owner = create_engine(database.owner)
    try:
        approved = app.engine.ask("alice", "A post (approved)")
        assert approved.draft is not None
        approvals.decide_and_resume(app.engine, approved.draft.id, "bob", "approve")
        kept = entries(app.db)[-1]
        app.engine.ask("alice", "A post (before the anchor)")
        anchored = cli.run({**env, "BRANDBOT_APPROVAL_CHANNEL": "CAPPROVALS"}, "audit", "anchor")
        head = entries(app.db)[-1]
        assert f"Anchored: entry {head.id} sha256 {head.hash}." in anchored.stdout
        handlers = Courier(app, WebClient(token="xoxb-test", base_url=standin.api_url)).handlers()
        while (row := app.outbox.claim()) is not None:
            run_one(app.outbox, row, handlers[row.kind])
        [posted] = standin.posts_to("CAPPROVALS")
        copied = tmp_path / "anchors.txt"
        copied.write_text(posted["text"], encoding="utf-8")
        app.engine.ask("alice", "A post (after the anchor)")

        with owner.begin() as connection:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            connection.execute(text("DELETE FROM audit_log WHERE id > :id"), {"id": kept.id})
            connection.execute(
                text("UPDATE audit_chain_head SET last_id = :id, last_hash = :hash"), {"id": kept.id, "hash": kept.hash}
            )
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        assert audit_chain.verify(app.db)[1] == [] and receipts.verify(app.db)[2] == [], "the rest holds"
        removed = f"audit entry {head.id} removed (the anchor of audit entry {head.id}"
        cut = cli.run(env, "audit", "verify", check=False)
        assert cut.returncode == 1 and cut.stdout.startswith(removed)

        with owner.begin() as connection:
            connection.execute(text("DELETE FROM audit_anchors"))
        assert "Intact:" in cli.run(env, "audit", "verify").stdout, "the database alone no longer tells"
        caught = cli.run(env, "audit", "verify", "--anchors", str(copied), check=False)
        assert caught.returncode == 1
        assert caught.stdout.splitlines() == [
            f"audit entry {head.id} removed (the anchor of audit entry {head.id} names it)"
        ]
    finally:
        owner.dispose()
        standin.stop()
        app.close()


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
