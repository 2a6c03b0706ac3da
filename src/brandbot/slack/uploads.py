"""Files an admin sends the bot: queued as a work row while Slack waits for the ack, then
downloaded with the bot token and ingested (guidelines) or installed (brand rules) by a worker.

The bot token goes to Slack's file hosts only (https), or to the configured Web API's own host
(the tests' stand-in): a file stored elsewhere (an external file, an address on another host) is
refused by name, unfetched. Every download, whatever its type, stops at `max_upload_mb` however
large Slack said the file was. The admin gets one line per file; one bad file stops no other."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from brandbot.config import Settings
from brandbot.guidelines.document import LoaderError
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.rules import RuleLoadError
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.store import outbox, queue
from brandbot.store.events import claim_in, stored_key
from brandbot.store.models import WorkItem
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import Handler

log = logging.getLogger(__name__)
RULE_UPLOADS = frozenset({".yml", ".yaml", ".zip"})
FILE_FIELDS = (
    *("id", "name", "title", "size", "url_private", "url_private_download"),
    *("is_external", "external_type", "mode"),
)
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "slack.com"})
"""Where Slack serves `url_private` downloads: files.slack.com (slack.com in older file objects)."""
MAX_REDIRECTS = 3
DOWNLOAD_TIMEOUT_S = 60.0
MB = 1024 * 1024


def submit(deps: SlackDeps, user: str, files: list[dict[str, Any]], channel: str, event_keys: tuple[str, ...]) -> None:
    """The ack path: one work row for the upload (or the refusal for a non-admin), once per event."""
    with deps.services.db.session() as session:
        if not all([claim_in(session, key) for key in event_keys]):
            return
        if not deps.directory.is_admin(user):
            names = ", ".join(f"*{mrkdwn_escape(file_name(file))}*" for file in files)
            outbox.say(
                session,
                channel,
                f":lock: Only brandbot admins can add guideline documents, so I didn't add {names}. "
                "Ask an admin if it should be part of the brand book.",
            )
        else:
            kept = [{field: file.get(field) for field in FILE_FIELDS} for file in files]
            payload = {"user": user, "channel": channel, "files": kept}
            queue.put(session, WorkItem, WorkKind.ingest, stored_key(f"{WorkKind.ingest}:{event_keys[0]}"), payload)
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
    """One answer for the whole upload: a line per file refused unfetched, per rule file, per guideline."""
    settings = deps.services.settings
    lines: list[str] = []
    rule_files: list[dict[str, Any]] = []
    sources: list[SourceFile] = []
    for file in files:
        if reason := refusal(settings, file):
            lines.append(f":x: *{mrkdwn_escape(file_name(file))}*: {reason}")
        elif Path(file_name(file)).suffix.lower() in RULE_UPLOADS:
            rule_files.append(file)
        else:
            sources.append(SourceFile(file_name(file), declared_size(file), _reader(settings, file)))
    if rule_files:
        lines.append(install_rules(deps, user, rule_files))
    if sources:
        lines.append(messages.ingest_report(deps.services.knowledge_base.add(sources, user)))
    deps.client.chat_postMessage(channel=channel, text="\n".join(lines).strip() or "Nothing to add.")


def install_rules(deps: SlackDeps, user: str, files: list[dict[str, Any]]) -> str:
    """Rule files and zipped style folders go through the rules library: validated in full
    first, so a bad one leaves the active rules as they were."""
    settings = deps.services.settings
    lines = []
    for file in files:
        name = file_name(file)
        try:
            data = download(settings, _url(file))
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / _scratch_name(name)
                path.write_bytes(data)
                style = None if path.suffix == ".zip" else deps.services.rules().single_style()
                added = library.add(settings, deps.services.db, path, style, actor=user)
            installed = ", ".join(f"`{rule}`" for rule in added)
            lines.append(f":white_check_mark: *{mrkdwn_escape(name)}*: rules installed: {installed}")
        except (RuleLoadError, OSError, ValueError) as error:
            reason = mrkdwn_escape(" ".join(str(error).split()))
            lines.append(f":x: *{mrkdwn_escape(name)}*: {reason}. The rules that were active stay active.")
    return "\n".join(lines)


def refusal(settings: Settings, file: dict[str, Any]) -> str | None:
    """Why the file is not fetched at all, or None: it lives outside Slack, or Slack says it is too big."""
    if file.get("is_external") or file.get("external_type") or file.get("mode") == "external":
        kind = file.get("external_type") or "external"
        return f"it is a link to a file stored outside Slack ({kind}), not a file; upload the file itself"
    url = _url(file)
    if not url:
        return "Slack sent no download address for it"
    if not is_slack_file_url(url, settings.slack_api_url):
        return "its download address is not on Slack's file host, so I did not fetch it"
    if declared_size(file) > settings.max_upload_bytes:
        return _too_big(declared_size(file), settings)
    return None


def is_slack_file_url(url: str, api_url: str) -> bool:
    """https on Slack's file hosts, or exactly the configured Web API's scheme, host and port."""
    try:
        target, api = httpx.URL(url), httpx.URL(api_url)
    except httpx.InvalidURL:
        return False
    if target.scheme == "https" and target.host in SLACK_FILE_HOSTS and target.port in (None, 443):
        return True
    return bool(target.host) and (target.scheme, target.host, target.port) == (api.scheme, api.host, api.port)


def download(settings: Settings, url: str | None) -> bytes:
    """The file's bytes, streamed and cut off past `max_upload_bytes` whatever its declared size.
    Redirects are followed by hand, each to a Slack file address, so the token goes nowhere else."""
    token = settings.slack_bot_token
    if token is None:
        raise OSError("SLACK_BOT_TOKEN is not set")
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"}
    limit = settings.max_upload_bytes
    try:
        with httpx.Client(timeout=DOWNLOAD_TIMEOUT_S, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if not url or not is_slack_file_url(url, settings.slack_api_url):
                    raise OSError("Slack sent the download to an address that is not its file host; not followed")
                with client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect:
                        url = str(response.url.join(response.headers.get("location", "")))
                        continue
                    if response.status_code != 200 or "text/html" in response.headers.get("content-type", ""):
                        raise OSError(f"download failed (HTTP {response.status_code})")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > limit:
                            stopped = f"download stopped at {len(body) / MB:.1f} MB"
                            raise LoaderError(f"file is over the {settings.max_upload_mb:g} MB limit ({stopped})")
                    return bytes(body)
    except httpx.HTTPError as error:
        raise OSError(f"download failed ({type(error).__name__})") from error
    raise OSError(f"download failed (more than {MAX_REDIRECTS} redirects)")


def file_name(file: dict[str, Any]) -> str:
    return str(file.get("name") or file.get("title") or file.get("id") or "the file")


def declared_size(file: dict[str, Any]) -> int:
    """What Slack says; only a hint (it may be missing or wrong): downloads count for themselves."""
    size = file.get("size")
    return size if isinstance(size, int) and size > 0 else 0


def _url(file: dict[str, Any]) -> str | None:
    url = file.get("url_private_download") or file.get("url_private")
    return str(url) if url else None


def _reader(settings: Settings, file: dict[str, Any]) -> Callable[[], bytes]:
    return lambda: download(settings, _url(file))


def _too_big(size: int, settings: Settings) -> str:
    return f"file is {size / MB:.1f} MB, over the {settings.max_upload_mb:g} MB limit"


def _scratch_name(name: str) -> str:
    """The upload's base name made safe for a temporary folder, its extension in lower case
    (`Brand.YML` installs like `Brand.yml`; the rules library matches extensions exactly)."""
    path = Path(re.sub(r"[^\w.-]", "_", Path(name).name).lstrip(".") or "upload")
    return path.stem + path.suffix.lower()
