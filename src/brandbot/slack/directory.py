"""Who may decide drafts and manage guidelines: configured Slack ids and an approver user group."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot.config import Settings

log = logging.getLogger(__name__)
GROUP_TTL_S = 300.0
"""How long a fetched member list may decide; past it only Slack's current answer counts."""


class Directory:
    def __init__(self, settings: Settings, client: WebClient, group_ttl_s: float = GROUP_TTL_S) -> None:
        self._settings = settings
        self._client = client
        self._group_ttl_s = group_ttl_s
        # (monotonic time the fetch started, members): read and written whole, under the lock.
        self._cached: tuple[float, frozenset[str]] = (float("-inf"), frozenset())
        self._lock = threading.Lock()

    def is_approver(self, user: str) -> bool:
        return user in self._settings.approvers or user in self._group_members()

    def is_admin(self, user: str) -> bool:
        return user in self._settings.admins

    def _group_members(self) -> frozenset[str]:
        """Cached for the TTL. Past it an API error leaves the group empty (fail closed), so someone
        removed from the group cannot keep approving while Slack does not answer. The call runs
        outside the lock so a slow Slack never holds up decisions a fresh cache can answer."""
        group = self._settings.approver_group
        if not group:
            return frozenset()
        with self._lock:
            fetched_at, members = self._cached
        started = time.monotonic()
        if started - fetched_at < self._group_ttl_s:
            return members
        try:
            response = self._client.usergroups_users_list(usergroup=group)
        except SlackApiError as error:
            log.error(
                "usergroups.users.list failed (%s): nobody approves through group %s until it answers",
                error.response.get("error"),
                group,
            )
            return frozenset()
        members = frozenset(response.get("users") or [])
        with self._lock:
            if started >= self._cached[0]:  # a slower, older fetch must not replace a newer list
                self._cached = (started, members)
        return members
