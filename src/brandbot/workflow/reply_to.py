"""Where the person waits for brandbot's reply, typed: every route reads it through `ReplyTo`
rather than probing a dict for "channel" or "dm_user"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any


class NoReplyPlace(ValueError):
    """A stored reply place with neither a channel nor a person: nobody could be told anything."""


@dataclass(frozen=True)
class ReplyTo:
    """A thread in a channel or a DM (a mention, a DM, the assistant panel: `channel` and
    `thread_ts`), or a person's DM with the bot before any thread is opened there (a slash command:
    `dm_user`). `viewing_channel` is the channel the person had open beside the assistant panel."""

    channel: str | None = None
    thread_ts: str | None = None
    dm_user: str | None = None
    viewing_channel: str | None = None

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> ReplyTo:
        """From a row's JSON; fields that are not about the place (a progress message's ts) stay behind."""
        fields = {
            name: stored[name]
            for name in ("channel", "thread_ts", "dm_user", "viewing_channel")
            if stored and stored.get(name)
        }
        reply_to = cls(**fields)
        if reply_to.channel is None and reply_to.dm_user is None:
            raise NoReplyPlace(f"a reply place needs a channel or a person, got {dict(stored or {})!r}")
        return reply_to

    def to_dict(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value is not None}

    @property
    def threaded(self) -> bool:
        """Whether there is a thread to answer in (a slash command's DM has none until one is opened)."""
        return self.channel is not None

    def where(self) -> tuple[str, str | None]:
        """Where to say something: the thread, or the person's DM with the bot (Slack accepts a user id)."""
        if self.channel is not None:
            return self.channel, self.thread_ts
        assert self.dm_user is not None
        return self.dm_user, None

    def in_thread(self, channel: str, thread_ts: str) -> ReplyTo:
        return replace(self, channel=channel, thread_ts=thread_ts)
