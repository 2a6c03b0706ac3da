"""Logs as JSON lines for the server, carrying the request, Slack event and draft ids in play.

Only ids and outcomes are logged at INFO: never message text, tokens or secrets.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_CONTEXT: ContextVar[dict[str, str]] = ContextVar("brandbot_log_context", default={})  # noqa: B039
QUIET = ("httpx", "chromadb", "sentence_transformers", "transformers", "bm25s", "urllib3", "alembic")


@contextmanager
def bind(**ids: str | None) -> Iterator[None]:
    """Adds ids (request_id, event_id, draft_id) to every log line written inside the block."""
    token = _CONTEXT.set({**_CONTEXT.get(), **{key: value for key, value in ids.items() if value}})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_CONTEXT.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(*, level: int, json_lines: bool) -> None:
    handler = logging.StreamHandler()
    if json_lines:
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
