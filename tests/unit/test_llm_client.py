"""Retries on connection errors, 429 and 5xx only; 4xx becomes a clear message at once."""

from __future__ import annotations

import json

import httpx
import pytest

from brandbot.config import Settings
from brandbot.llm import LLMClient, LLMRequestRefused, LLMUnavailable
from tests.conftest import make_settings


def completion(text: str, model: str = "m") -> dict[str, object]:
    return {
        "model": model,
        "choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2},
    }


class Script:
    """Answers each call with the next scripted response and records the calls."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        response = self.responses.pop(0)
        if isinstance(response, Exception):
            raise response
        return response


def client(settings: Settings, script: Script, sleeps: list[float] | None = None) -> LLMClient:
    return LLMClient(
        settings.model_copy(update={"llm_max_retries": 2}),
        transport=httpx.MockTransport(script),
        sleep=(sleeps.append if sleeps is not None else lambda _: None),
    )


def test_retries_5xx_then_succeeds(settings: Settings) -> None:
    script = Script(httpx.Response(503), httpx.Response(502), httpx.Response(200, json=completion("hello")))
    assert client(settings, script).complete([{"role": "user", "content": "hi"}], max_tokens=5).text == "hello"
    assert len(script.calls) == 3


def test_429_honours_retry_after(settings: Settings) -> None:
    sleeps: list[float] = []
    script = Script(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=completion("ok")))
    client(settings, script, sleeps).complete([{"role": "user", "content": "hi"}], max_tokens=5)
    assert sleeps and sleeps[0] >= 7


def test_connection_errors_exhaust_into_one_clear_sentence(settings: Settings) -> None:
    script = Script(*[httpx.ConnectError("refused")] * 3)
    with pytest.raises(LLMUnavailable, match=r"is not reachable \(connection refused\)\.$"):
        client(settings, script).complete([{"role": "user", "content": "hi"}], max_tokens=5)
    assert len(script.calls) == 3


def test_context_length_error_is_not_retried(settings: Settings) -> None:
    error = {"error": {"message": "This model's maximum context length is 8192 tokens.", "code": 400}}
    script = Script(httpx.Response(400, json=error))
    with pytest.raises(LLMRequestRefused, match="too long for the model's context window"):
        client(settings, script).complete([{"role": "user", "content": "hi"}], max_tokens=5)
    assert len(script.calls) == 1


def test_unknown_model_names_the_setting(settings: Settings) -> None:
    error = {"error": {"message": "The model `x` does not exist.", "code": 404}}
    with pytest.raises(LLMRequestRefused, match="BRANDBOT_LLM_MODEL"):
        client(settings, Script(httpx.Response(404, json=error))).complete([], max_tokens=5)


def test_structured_output_sends_the_schema_and_parses(settings: Settings) -> None:
    script = Script(httpx.Response(200, json=completion('{"a": 1}')))
    schema = {"title": "thing", "type": "object", "properties": {"a": {"type": "integer"}}}
    assert client(settings, script).complete_json([], schema, max_tokens=5) == {"a": 1}
    body = json.loads(script.calls[0].content)
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == schema
    assert body["temperature"] == 0.0
    assert "frequency_penalty" not in body, "a penalty would bend the enforced JSON"


def test_drafts_are_sent_with_the_repetition_penalty(settings: Settings) -> None:
    script = Script(httpx.Response(200, json=completion("x")))
    client(settings, script).complete([], max_tokens=1)
    assert json.loads(script.calls[0].content)["frequency_penalty"] == settings.llm_frequency_penalty


def test_unusable_structured_answer_is_none(settings: Settings) -> None:
    script = Script(httpx.Response(200, json=completion('{"a": 1')))
    assert client(settings, script).complete_json([], {"type": "object"}, max_tokens=5) is None


def test_api_key_is_sent_as_bearer(settings: Settings) -> None:
    script = Script(httpx.Response(200, json=completion("x")))
    llm = LLMClient(make_settings(settings.data_dir, llm_api_key="s3cret"), transport=httpx.MockTransport(script))
    llm.complete([], max_tokens=1)
    assert script.calls[0].headers["authorization"] == "Bearer s3cret"
