"""The brief: model fields through the schema, the person's own words win, keywords as fallback."""

from __future__ import annotations

from brandbot.config import Settings
from brandbot.workflow.brief import SCHEMA, classify, keyword_brief
from tests.support.fake_llm import FakeLLM


def test_model_answer_is_used_when_the_request_names_nothing(settings: Settings) -> None:
    fake = FakeLLM(
        brief={"format": "email", "audience": "partners", "length": "long", "topic": "pricing", "promotional": False}
    )
    brief = classify(fake.client(settings), "Tell them about the price change", settings.brand_name)
    assert (brief.format, brief.audience, brief.length, brief.source) == ("email", "partners", "long", "model")
    assert fake.requests[0]["response_format"]["json_schema"]["schema"] == SCHEMA  # type: ignore[index]


def test_named_channel_overrides_the_model(settings: Settings) -> None:
    fake = FakeLLM(
        brief={"format": "email", "audience": "general", "length": "short", "topic": "x", "promotional": False}
    )
    brief = classify(fake.client(settings), "Write a LinkedIn post for our customers about Vault", settings.brand_name)
    assert (brief.format, brief.audience, brief.source) == ("linkedin_post", "customers", "model+keywords")
    assert brief.to_dict()["channel"] == "linkedin"


def test_unusable_answer_falls_back_to_keywords(settings: Settings) -> None:
    fake = FakeLLM(brief={"format": "poem", "audience": "cats", "length": "short", "topic": "x"})
    brief = classify(fake.client(settings), "A short tweet about the free trial", settings.brand_name)
    assert (brief.format, brief.length, brief.source) == ("x_post", "short", "keywords")


def test_keyword_brief_defaults() -> None:
    brief = keyword_brief("Something about our backups", "Tidewell")
    assert (brief.format, brief.audience, brief.length) == ("announcement", "general", "medium")


def test_try_the_brand_is_promotional_whatever_the_brand_is_called(settings: Settings) -> None:
    request = "Tell the community to try Harbor Labs this week"
    assert keyword_brief(request, "Harbor Labs").promotional
    assert not keyword_brief(request, "Tidewell").promotional
    fake = FakeLLM(
        brief={
            "format": "slack_message",
            "audience": "community",
            "length": "short",
            "topic": "x",
            "promotional": False,
        }
    )
    assert classify(fake.client(settings), request, "Harbor Labs").promotional
