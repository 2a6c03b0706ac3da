"""Files an admin sends the bot: queued as a work row while Slack waits for the ack, then
downloaded with the bot token and ingested (guidelines) or installed (brand rules) by a worker."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rules import RuleLoadError, library
from brandbot.slack.blocks import messages
from brandbot.slack.deps import SlackDeps
from brandbot.store import outbox, queue
from brandbot.store.events import claim_in
from brandbot.store.models import WorkItem
from brandbot.workers import Handler

log = logging.getLogger(__name__)
RULE_UPLOADS = frozenset({".yml", ".yaml", ".zip"})
INGEST = "ingest"
FILE_FIELDS = ("id", "name", "title", "size", "url_private", "url_private_download")


def submit(deps: SlackDeps, user: str, files: list[dict[str, Any]], channel: str, event_keys: tuple[str, ...]) -> None:
    """The ack path: one work row for the upload (or the refusal for a non-admin), once per event."""
    with deps.services.db.session() as session:
        if not all([claim_in(session, key) for key in event_keys]):
            return
        if not deps.directory.is_admin(user):
            names = ", ".join(f"*{file.get('name', 'the file')}*" for file in files)
            outbox.say(
                session,
                channel,
                f":lock: Only brandbot admins can add guideline documents, so I didn't add {names}. "
                "Ask an admin if it should be part of the brand book.",
            )
        else:
            kept = [{field: file.get(field) for field in FILE_FIELDS} for file in files]
            payload = {"user": user, "channel": channel, "files": kept}
            queue.put(session, WorkItem, INGEST, f"ingest:{event_keys[0]}", payload)
    deps.nudge()


def handler(deps: SlackDeps) -> Handler[WorkItem]:
    def run(row: WorkItem) -> None:
        ingest(deps, row.payload["user"], row.payload["files"], row.payload["channel"])

    def on_give_up(row: WorkItem, reason: str) -> None:
        deps.client.chat_postMessage(
            channel=row.payload["channel"], text=f":x: I could not add the file(s): {reason}. Nothing was changed."
        )

    return Handler(run, on_give_up)


def ingest(deps: SlackDeps, user: str, files: list[dict[str, Any]], channel: str) -> None:
    settings = deps.services.settings
    client = deps.client
    rule_files = [file for file in files if Path(str(file.get("name", ""))).suffix.lower() in RULE_UPLOADS]
    if rule_files:
        client.chat_postMessage(channel=channel, text=install_rules(deps, user, rule_files))
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


def install_rules(deps: SlackDeps, user: str, files: list[dict[str, Any]]) -> str:
    """Rule files and zipped style folders go through the rules library: validated in full
    first, so a bad one leaves the active rules as they were."""
    settings = deps.services.settings
    lines = []
    for file in files:
        name = Path(str(file.get("name"))).name
        try:
            data = _downloader(settings.slack_bot_token, file)()
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / name
                path.write_bytes(data)
                style = None if path.suffix.lower() == ".zip" else deps.services.rules().single_style()
                added = library.add(settings, deps.services.db, path, style, actor=user)
            lines.append(f":white_check_mark: *{name}*: rules installed: {', '.join(f'`{rule}`' for rule in added)}")
        except (RuleLoadError, OSError, ValueError) as error:
            lines.append(f":x: *{name}*: {error}. The rules that were active stay active.")
    return "\n".join(lines)


def _downloader(token: SecretStr | None, file: dict[str, Any]) -> Any:
    url = file.get("url_private_download") or file.get("url_private")

    def read() -> bytes:
        if not url:
            raise OSError("Slack sent no download address for the file")
        if token is None:
            raise OSError("SLACK_BOT_TOKEN is not set")
        response = httpx.get(
            url, headers={"Authorization": f"Bearer {token.get_secret_value()}"}, follow_redirects=True, timeout=60
        )
        if response.status_code != 200 or "text/html" in response.headers.get("content-type", ""):
            raise OSError(f"download failed (HTTP {response.status_code})")
        return response.content

    return read
