"""A bot replica's background work, run to the end in the test's own process: the intake rows
(what each message asks for), the work rows (drafts, resumes) through the Slack layer's request
handler, the answers to questions, then the outbox through the courier."""

from __future__ import annotations

from brandbot.services import Services
from brandbot.slack import answers, intake, requests
from brandbot.slack.app import web_client
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.notices import Courier
from brandbot.store.outbox import Notice
from brandbot.store.work_kinds import REQUEST_WORK, WorkKind
from brandbot.workers import run_one


def slack_deps(services: Services) -> SlackDeps:
    client = web_client(services.settings)
    return SlackDeps(services, Directory(services.settings, client), client)


def run_work(services: Services) -> int:
    """Runs every queued intake and request work row, then delivers the outbox; the rows run."""
    deps = slack_deps(services)
    handler = requests.handler(deps)
    ran = 0
    while (row := services.work.claim([WorkKind.intake])) is not None:
        run_one(services.work, row, intake.handler(deps))
        ran += 1
    while (row := services.work.claim(list(REQUEST_WORK))) is not None:
        run_one(services.work, row, handler)
        ran += 1
    deps.news.shutdown(wait=True)
    deliver_outbox(services)
    return ran


def run_answers(services: Services) -> None:
    """What the answers pool does: every queued question answered, then the outbox delivered."""
    handler = answers.handler(slack_deps(services))
    while (row := services.work.claim([WorkKind.answer])) is not None:
        run_one(services.work, row, handler)
    deliver_outbox(services)


def deliver_outbox(services: Services) -> None:
    handlers = Courier(services, web_client(services.settings)).handlers()
    while (row := services.outbox.claim(list(Notice))) is not None:
        run_one(services.outbox, row, handlers[row.kind])
