"""Where a reply goes, read from what a row stored."""

from __future__ import annotations

import pytest

from brandbot.workflow.reply_to import NoReplyPlace, ReplyTo


def test_a_thread_is_answered_in_the_thread() -> None:
    reply_to = ReplyTo.of({"channel": "C0123", "thread_ts": "1712345678.000100", "status_ts": "1712345679.000200"})
    assert reply_to.threaded and reply_to.where() == ("C0123", "1712345678.000100")
    assert reply_to.to_dict() == {"channel": "C0123", "thread_ts": "1712345678.000100"}, "a progress ts is no place"


def test_a_slash_commands_person_is_answered_in_their_dm_until_a_thread_is_opened() -> None:
    reply_to = ReplyTo.of({"dm_user": "U0ALICE"})
    assert not reply_to.threaded and reply_to.where() == ("U0ALICE", None)
    opened = reply_to.in_thread("D0DM", "1712345678.000100")
    assert opened.where() == ("D0DM", "1712345678.000100") and opened.dm_user == "U0ALICE"


def test_the_viewed_channel_travels_with_the_place() -> None:
    stored = {"channel": "D0DM", "thread_ts": "1.0", "viewing_channel": "C0LAUNCH"}
    assert ReplyTo.of(stored).to_dict() == stored and ReplyTo.of(ReplyTo.of(stored).to_dict()) == ReplyTo.of(stored)


@pytest.mark.parametrize("stored", [None, {}, {"thread_ts": "1.0"}, {"channel": "", "dm_user": ""}])
def test_a_place_with_nobody_to_tell_is_refused_by_name(stored: dict[str, str] | None) -> None:
    with pytest.raises(NoReplyPlace, match="needs a channel or a person"):
        ReplyTo.of(stored)
