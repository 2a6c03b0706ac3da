"""Approvers through the user group: cached for the TTL, refused once stale and Slack errs."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import cast

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot.slack.directory import Directory
from tests.conftest import make_settings

GROUP = "S0APPROVERS"


class FakeSlack:
    """usergroups.users.list only; `hold` makes the next call wait until it is set."""

    def __init__(self, users: list[str]) -> None:
        self.users = users
        self.failing = False
        self.calls = 0
        self.hold: threading.Event | None = None
        self.holding = threading.Event()

    def usergroups_users_list(self, *, usergroup: str) -> dict[str, list[str]]:
        assert usergroup == GROUP
        self.calls += 1
        hold, self.hold = self.hold, None
        if hold is not None:
            self.holding.set()
            hold.wait(timeout=10)
        if self.failing:
            raise SlackApiError("x", {"ok": False, "error": "ratelimited"})
        return {"users": list(self.users)}


def directory(tmp_path: Path, slack: FakeSlack, ttl_s: float) -> Directory:
    settings = make_settings(tmp_path / "data", approver_group=GROUP)
    return Directory(settings, cast(WebClient, slack), group_ttl_s=ttl_s)


def test_group_member_is_an_approver_and_the_list_is_cached(tmp_path: Path) -> None:
    slack = FakeSlack(["dave"])
    approvers = directory(tmp_path, slack, ttl_s=300)
    assert approvers.is_approver("dave") and approvers.is_approver("dave")
    assert not approvers.is_approver("mallory")
    assert slack.calls == 1


def test_within_the_ttl_an_error_is_not_even_asked_for(tmp_path: Path) -> None:
    slack = FakeSlack(["dave"])
    approvers = directory(tmp_path, slack, ttl_s=300)
    assert approvers.is_approver("dave")
    slack.failing = True
    assert approvers.is_approver("dave") and slack.calls == 1


def test_past_the_ttl_an_api_error_refuses_group_members(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    slack = FakeSlack(["dave"])
    approvers = directory(tmp_path, slack, ttl_s=0)  # every list is stale at once
    assert approvers.is_approver("dave")
    slack.failing = True
    with caplog.at_level(logging.ERROR, logger="brandbot.slack.directory"):
        assert not approvers.is_approver("dave")
    assert "ratelimited" in caplog.text and GROUP in caplog.text
    assert approvers.is_approver("bob")  # BRANDBOT_APPROVERS still count
    slack.failing = False
    assert approvers.is_approver("dave")  # and the group counts again once Slack answers


def test_a_slow_api_call_does_not_block_another_thread(tmp_path: Path) -> None:
    slack = FakeSlack(["dave"])
    approvers = directory(tmp_path, slack, ttl_s=300)
    release = threading.Event()
    slack.hold = release
    slow_answer: list[bool] = []
    slow = threading.Thread(target=lambda: slow_answer.append(approvers.is_approver("dave")))
    slow.start()
    try:
        assert slack.holding.wait(timeout=10)
        other_done = threading.Event()
        other_answers: list[bool] = []

        def other() -> None:
            other_answers.append(approvers.is_approver("dave"))  # fetches on its own
            other_answers.append(approvers.is_approver("dave"))  # reads the fresh cache
            other_done.set()

        threading.Thread(target=other, daemon=True).start()
        assert other_done.wait(timeout=10), "blocked behind the slow usergroups.users.list call"
        assert other_answers == [True, True] and slack.calls == 2
    finally:
        release.set()
        slow.join(timeout=10)
    assert slow_answer == [True]
