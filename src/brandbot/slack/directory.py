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


class Directory:
    def __init__(self, settings: Settings, client: WebClient) -> None:
        self._settings = settings
        self._client = client
        self._members: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def is_approver(self, user: str) -> bool:
        return user in self._settings.approvers or user in self._group_members()

    def is_admin(self, user: str) -> bool:
        return user in self._settings.admins

    def _group_members(self) -> frozenset[str]:
        """Cached for a few minutes; on an API error the last known members stay in force."""
        group = self._settings.approver_group
        if not group:
            return frozenset()
        with self._lock:
            if time.monotonic() - self._fetched_at > GROUP_TTL_S:
                try:
                    response = self._client.usergroups_users_list(usergroup=group)
                    self._members = frozenset(response.get("users") or [])
                    self._fetched_at = time.monotonic()
                except SlackApiError as error:
                    log.error("usergroups.users.list failed: %s", error.response.get("error"))
            return self._members
