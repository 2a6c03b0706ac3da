"""The slow work behind each Slack entry point, run after the listener has acknowledged."""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot import metrics
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rules import RuleLoadError, library
from brandbot.services import Services
from brandbot.slack import delivery
from brandbot.slack.blocks import messages
from brandbot.slack.directory import Directory
from brandbot.workflow.approvals import DecisionRefused, decide, describe_closed
from brandbot.workflow.engine import Progress, RequestInvalid, RunOutcome

log = logging.getLogger(__name__)
RULE_UPLOADS = frozenset({".yml", ".yaml", ".zip"})


@dataclass(frozen=True)
class SlackDeps:
    services: Services
    directory: Directory
    work: Executor
    """brandbot's own workers for slow work, apart from the threads Bolt acknowledges on."""

    def later(self, handler: Callable[..., None]) -> Callable[..., None]:
        """Wraps a lazy listener so it only queues its work: a burst of drafts never delays an ack."""

        @functools.wraps(handler)
        def queue(**kwargs: Any) -> None:
            self.work.submit(handler, **kwargs).add_done_callback(_log_failure)

        return queue


def _log_failure(future: Future[None]) -> None:
    if (error := future.exception()) is not None:
        log.error("background work failed", exc_info=error)


def draft_request(
    deps: SlackDeps, client: WebClient, user: str, text: str, channel: str, thread_ts: str, entry: str
) -> None:
    """A request from a mention, a DM or /brandbot (`entry`): progress in the thread, then the card."""
    text = text.strip()
    if not text:
        metrics.REQUESTS.labels(entry, "empty").inc()
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=messages.EMPTY_REQUEST)
        return
    status = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=messages.progress({}))
    _set_status(client, channel, thread_ts, "is drafting...")

    reply_to = {"channel": channel, "thread_ts": thread_ts}
    try:
        run = deps.services.engine.ask(
            user, text, "slack", reply_to=reply_to, on_progress=_progress_updater(client, channel, status["ts"])
        )
    except RequestInvalid as error:
        metrics.REQUESTS.labels(entry, "invalid").inc()
        client.chat_update(channel=channel, ts=status["ts"], text=f":warning: {error}")
        return
    finally:
        _set_status(client, channel, thread_ts, "")
    metrics.REQUESTS.labels(entry, "failed" if run.error or run.draft is None else "sent").inc()
    _report_run(deps, client, run, status_ts=status["ts"])


def retry_request(deps: SlackDeps, client: WebClient, user: str, request_id: str) -> None:
    request = deps.services.requests.get_request(request_id)
    if request is None or not request.reply_to:
        return
    channel, thread_ts = request.reply_to["channel"], request.reply_to.get("thread_ts")
    status = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=messages.progress({}))
    try:
        run = deps.services.engine.retry(request_id, on_progress=_progress_updater(client, channel, status["ts"]))
    except RequestInvalid as error:
        client.chat_update(channel=channel, ts=status["ts"], text=f":information_source: {error}")
        return
    _report_run(deps, client, run, status_ts=status["ts"])


def recover_request(deps: SlackDeps, client: WebClient, request_id: str) -> None:
    """Picks up a request whose replica died mid-work, and says so in the requester's thread."""
    requests = deps.services.requests
    request = requests.get_request(request_id)
    if request is None:
        return
    delivery.tell_requester(client, request, messages.RESUMED)
    before = requests.latest_draft(request_id)
    try:
        run = deps.services.engine.retry(request_id)
    except RequestInvalid as error:
        log.warning("could not pick %s up again: %s", request_id, error)
        failure = "I was interrupted and could not pick your request up where it stopped."
        requests.update_request(request_id, status="failed", error=failure)
        delivery.tell_requester(client, request, **messages.failed(failure, request_id))
        return
    if before is not None and before.status != "pending" and run.draft is not None and run.draft.id != before.id:
        delivery.deliver_outcome(deps.services, client, before.id)
    else:
        _report_run(deps, client, run, status_ts=None)


def _report_run(deps: SlackDeps, client: WebClient, run: RunOutcome, status_ts: str | None) -> None:
    """Updates the progress message in place, or posts anew when there is none (a recovery)."""
    reply_to = run.request.reply_to or {}
    channel = reply_to["channel"]

    def say(**message: Any) -> None:
        if status_ts is None:
            client.chat_postMessage(channel=channel, thread_ts=reply_to.get("thread_ts"), **message)
        else:
            client.chat_update(channel=channel, ts=status_ts, **message)

    if run.error or run.draft is None:
        say(**messages.failed(run.error or "Something went wrong while drafting.", run.request.id))
        return
    link = delivery.post_card(deps.services, client, run.draft)
    say(text=messages.sent_for_approval(link, run.draft.id))


def make_decision(
    deps: SlackDeps, client: WebClient, user: str, draft_id: str, action: str, text: str | None, channel: str | None
) -> None:
    """Decides, then updates the card and tells the requester; a refusal is told to the clicker alone.
    Approving over rule errors was already confirmed in Slack's dialog on the Approve button."""
    try:
        result = decide(
            deps.services.engine,
            draft_id,
            user,
            action,
            text,
            is_approver=deps.directory.is_approver,
            confirm_errors=True,
        )
    except DecisionRefused as refusal:
        _whisper(deps, client, channel, user, f":no_entry: {refusal}")
        return
    delivery.deliver_outcome(deps.services, client, result.draft_id)


def refusal_before_modal(deps: SlackDeps, user: str, draft_id: str) -> str | None:
    """Checked before a modal opens, so nobody types feedback that can't be used."""
    services = deps.services
    if not deps.directory.is_approver(user):
        return ":no_entry: You can't approve drafts: only brandbot approvers can."
    draft = services.requests.get_draft(draft_id)
    if draft is None:
        return f"There is no draft {draft_id}."
    request = services.requests.get_request(draft.request_id)
    if request is not None and request.requester == user:
        return ":no_entry: You asked for this draft, so someone else has to decide on it."
    if draft.status != "pending":
        return describe_closed(services.engine, draft)
    return None


def add_guidelines(deps: SlackDeps, client: WebClient, user: str, files: list[dict[str, Any]], channel: str) -> None:
    """An admin's file, downloaded with the bot token and ingested; anyone else's is refused untouched."""
    if not deps.directory.is_admin(user):
        client.chat_postMessage(
            channel=channel,
            text=":lock: Only brandbot admins can add guideline documents, so I didn't add "
            + ", ".join(f"*{file.get('name', 'the file')}*" for file in files)
            + ". Ask an admin if it should be part of the brand book.",
        )
        return
    settings = deps.services.settings
    rule_files = [file for file in files if Path(str(file.get("name", ""))).suffix.lower() in RULE_UPLOADS]
    if rule_files:
        client.chat_postMessage(channel=channel, text=install_rules(deps, rule_files))
        files = [file for file in files if file not in rule_files]
        if not files:
            return
    sources: list[SourceFile] = []
    too_big: list[str] = []
    for file in files:
        name = str(file.get("name") or file.get("title") or file.get("id"))
        size = int(file.get("size") or 0)
        if size > settings.max_upload_bytes:
            too_big.append(
                f":x: *{name}*: file is {size / 1_048_576:.1f} MB, over the {settings.max_upload_mb:.0f} MB limit"
            )
            continue
        sources.append(SourceFile(name, size, _downloader(settings.slack_bot_token, file)))
    results = deps.services.knowledge_base.add(sources, user) if sources else []
    report = "\n".join([*too_big, messages.ingest_report(results)]).strip()
    client.chat_postMessage(channel=channel, text=report or "Nothing to add.")


def install_rules(deps: SlackDeps, files: list[dict[str, Any]]) -> str:
    """Rule files and zipped style folders go through the rules library: validated in full
    first, so a bad one leaves the active rules as they were. A lone rule file joins the one
    installed style (Slack has no place to name another)."""
    settings = deps.services.settings
    styles = sorted({rule.id.split(".")[0] for rule in deps.services.rules().describe()} - {"Vale"})
    lines = []
    for file in files:
        name = Path(str(file.get("name"))).name
        try:
            if name.endswith((".yml", ".yaml")) and len(styles) != 1:
                raise ValueError(
                    "a single rule file needs exactly one installed style to join; send a zipped style folder"
                )
            data = _downloader(settings.slack_bot_token, file)()
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / name
                path.write_bytes(data)
                added = library.add(settings, path, styles[0] if path.suffix != ".zip" else None)
            lines.append(f":white_check_mark: *{name}*: rules installed: {', '.join(f'`{rule}`' for rule in added)}")
        except (RuleLoadError, OSError, ValueError) as error:
            lines.append(f":x: *{name}*: {error}. The rules that were active stay active.")
    return "\n".join(lines)


def _downloader(token: Any, file: dict[str, Any]) -> Any:
    url = file.get("url_private_download") or file.get("url_private")

    def read() -> bytes:
        if not url:
            raise OSError("Slack sent no download address for the file")
        response = httpx.get(
            url, headers={"Authorization": f"Bearer {token.get_secret_value()}"}, follow_redirects=True, timeout=60
        )
        if response.status_code != 200 or "text/html" in response.headers.get("content-type", ""):
            raise OSError(f"download failed (HTTP {response.status_code})")
        return response.content

    return read


def _progress_updater(client: WebClient, channel: str, ts: str) -> Progress:
    """Edits one status message in place as the workflow moves on, instead of posting many."""

    def update(event: dict[str, Any]) -> None:
        client.chat_update(channel=channel, ts=ts, text=messages.progress(event))

    return update


def _whisper(deps: SlackDeps, client: WebClient, channel: str | None, user: str, text: str) -> None:
    target = channel or deps.services.settings.approval_channel
    if target:
        client.chat_postEphemeral(channel=target, user=user, text=text)


def _set_status(client: WebClient, channel: str, thread_ts: str, status: str) -> None:
    """The assistant 'is drafting...' line exists only in assistant threads; elsewhere it is skipped."""
    try:
        client.assistant_threads_setStatus(channel_id=channel, thread_ts=thread_ts, status=status)
    except SlackApiError as error:
        log.debug("assistant.threads.setStatus unavailable here: %s", error.response.get("error"))
