"""Fixtures for the unit tests that deliver to Slack: the Web API stand-in, and services with an
approval channel, a one-paragraph guide and a scripted LLM."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import StandIn

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = StandIn("xoxb-test")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = Services(
        settings.model_copy(update={"approval_channel": "CAPPROVALS"}),
        llm=FakeLLM(drafts=["Tidewell Restore is here."]).client(settings),
    )
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    yield built
    built.close()
