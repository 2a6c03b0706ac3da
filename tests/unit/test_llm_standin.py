"""The LLM stand-in answers as vLLM would, on time, with no concurrency limit of its own, and its
gauge reads like vLLM's: benchmarks of the bot's own limits rest on all three."""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import jsonschema
import pytest
from pydantic import BaseModel, Field

from brandbot.config import Settings
from brandbot.llm import LLMClient, LLMRequestRefused
from brandbot.rules import DraftContext, load_styles
from brandbot.workflow import brief
from tests.support.llm_standin import (
    LLAMA4_MAVERICK,
    LLAMA4_SCOUT,
    PARAGRAPHS,
    LLMStandIn,
    StandInConfig,
    instance,
    prose,
    running,
    sample_sum,
)

REPO = Path(__file__).resolve().parents[2]
FAST = StandInConfig(ttft_s=0.05, per_token_s=0.002, completion_tokens=40, model="test/llama-4")
MESSAGES = [
    {"role": "system", "content": "You write for Tidewell."},
    {"role": "user", "content": "A short LinkedIn post about restoring a laptop"},
]


@pytest.fixture(scope="module")
def standin() -> Iterator[LLMStandIn]:
    with LLMStandIn(FAST) as server:
        yield server


def post(standin: LLMStandIn, **body: Any) -> httpx.Response:
    return httpx.post(
        f"{standin.base_url}/chat/completions", json={"model": FAST.model, "messages": MESSAGES, **body}, timeout=10
    )


def settings(standin: LLMStandIn, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, llm_base_url=standin.base_url, llm_model=FAST.model, data_dir=tmp_path)  # type: ignore[call-arg]


def test_text_completion_is_a_chat_completion_with_word_counts(standin: LLMStandIn) -> None:
    payload = post(standin, max_tokens=500, temperature=0.3).json()
    text = payload["choices"][0]["message"]["content"]
    assert payload["object"] == "chat.completion" and payload["id"].startswith("chatcmpl-")
    assert payload["model"] == FAST.model and isinstance(payload["created"], int)
    assert payload["choices"][0]["finish_reason"] == "stop" and text.endswith(".")
    prompt = sum(len(message["content"].split()) for message in MESSAGES)
    assert payload["usage"] == {"prompt_tokens": prompt, "completion_tokens": 40, "total_tokens": prompt + 40}
    assert len(text.split()) == 40
    assert "!" not in text and "#" not in text and text.isascii()
    assert not re.search(r"\b(cheap|best|guarantee\w*|simply|just)\b", text, re.I)


@pytest.mark.parametrize("format_name", [None, "linkedin_post", "x_post", "email", "slack_message", "blog_post"])
def test_text_answers_pass_the_shipped_brand_rules(format_name: str | None) -> None:
    """Otherwise every stand-in draft would send the workflow into redrafts a real model avoids."""
    rules = load_styles(REPO / "guidelines" / "rules")
    texts = [" ".join(PARAGRAPHS), *(prose(random.Random(seed), 120, natural_end=True) for seed in range(5))]
    for text in texts:
        assert rules.check(text, DraftContext(format=format_name)) == [], text


def test_max_tokens_cuts_the_answer_short(standin: LLMStandIn) -> None:
    payload = post(standin, max_tokens=7).json()
    assert payload["choices"][0]["finish_reason"] == "length"
    assert payload["usage"]["completion_tokens"] == 7
    assert len(payload["choices"][0]["message"]["content"].split()) == 7


def test_same_messages_same_answer_other_messages_other_answer(standin: LLMStandIn) -> None:
    first, again = (post(standin).json()["choices"][0]["message"]["content"] for _ in range(2))
    other = httpx.post(
        f"{standin.base_url}/chat/completions",
        json={"messages": [{"role": "user", "content": "An email about file versions"}]},
        timeout=10,
    ).json()["choices"][0]["message"]["content"]
    assert first == again
    assert other != first


def test_answer_takes_ttft_plus_a_time_per_token() -> None:
    config = StandInConfig(ttft_s=0.1, per_token_s=0.01, completion_tokens=20, model="m")
    with LLMStandIn(config) as server:
        started = time.perf_counter()
        httpx.post(f"{server.base_url}/chat/completions", json={"messages": MESSAGES}, timeout=10)
        full = time.perf_counter() - started
        started = time.perf_counter()
        httpx.post(f"{server.base_url}/chat/completions", json={"messages": MESSAGES, "max_tokens": 5}, timeout=10)
        short = time.perf_counter() - started
    assert 0.3 <= full < 1.5  # 0.1 + 20 x 0.01
    assert 0.15 <= short < full - 0.1  # 0.1 + 5 x 0.01


def test_stream_sends_the_same_text_token_by_token_then_done(standin: LLMStandIn) -> None:
    whole = post(standin).json()["choices"][0]["message"]["content"]
    body = {"model": FAST.model, "messages": MESSAGES, "stream": True, "stream_options": {"include_usage": True}}
    started = time.perf_counter()
    arrivals: list[float] = []
    lines: list[str] = []
    with httpx.stream("POST", f"{standin.base_url}/chat/completions", json=body, timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line:
                lines.append(line)
                arrivals.append(time.perf_counter() - started)
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk["id"] for chunk in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert arrivals[0] >= FAST.ttft_s * 0.9
    deltas = [chunk["choices"][0]["delta"].get("content", "") for chunk in chunks if chunk["choices"]]
    assert len([delta for delta in deltas if delta]) == 40
    assert "".join(deltas) == whole
    finishes = [chunk["choices"][0]["finish_reason"] for chunk in chunks if chunk["choices"]]
    assert finishes[-1] == "stop" and not any(finishes[:-1])
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] == 40
    assert arrivals[-1] >= FAST.seconds(40) * 0.9


def test_stream_without_include_usage_carries_no_usage(standin: LLMStandIn) -> None:
    with httpx.stream(
        "POST", f"{standin.base_url}/chat/completions", json={"messages": MESSAGES, "stream": True}, timeout=10
    ) as response:
        lines = [line for line in response.iter_lines() if line]
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    assert lines[-1] == "data: [DONE]"
    assert all("usage" not in chunk and chunk["choices"] for chunk in chunks)


def test_a_hundred_requests_all_run_at_once_and_the_gauge_shows_them() -> None:
    config = StandInConfig(ttft_s=0.3, per_token_s=0.002, completion_tokens=50, model="m")  # 0.4 s each
    with LLMStandIn(config) as server:

        async def many() -> tuple[list[int], float, int]:
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
            async with httpx.AsyncClient(limits=limits, timeout=30) as client:
                started = time.perf_counter()
                calls = [
                    client.post(
                        f"{server.base_url}/chat/completions",
                        json={"messages": [{"role": "user", "content": f"request {n}"}]},
                    )
                    for n in range(100)
                ]
                tasks = [asyncio.ensure_future(call) for call in calls]
                deadline = time.monotonic() + 5
                while server.running() < 100 and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
                scraped = await asyncio.to_thread(running, server.base_url)
                responses = await asyncio.gather(*tasks)
                return [response.status_code for response in responses], time.perf_counter() - started, scraped

        statuses, wall, scraped_in_flight = asyncio.run(many())
        assert statuses == [200] * 100
        assert scraped_in_flight == 100
        assert server.peak_running() == 100
        assert wall < 2.0  # one request's 0.4 s plus overhead, not 100 x 0.4 s
        assert server.running() == 0 and running(server.base_url) == 0
        assert server.requests_served() == 100
        server.reset_peak()
        assert server.peak_running() == 0


def test_tokens_come_slower_as_the_batch_grows() -> None:
    """As on a GPU, whose decode step takes longer with more sequences in the batch."""
    config = StandInConfig(ttft_s=0.0, per_token_s=0.001, per_token_per_running_s=0.0004, completion_tokens=40)
    body = {"model": config.model, "messages": [{"role": "user", "content": "hello"}]}
    with LLMStandIn(config) as server:

        async def timed(count: int) -> float:
            async with httpx.AsyncClient(limits=httpx.Limits(max_connections=100), timeout=30) as client:
                started = time.perf_counter()
                await asyncio.gather(
                    *[client.post(f"{server.base_url}/chat/completions", json=body) for _ in range(count)]
                )
                return time.perf_counter() - started

        alone, batch = asyncio.run(timed(1)), asyncio.run(timed(50))
    assert alone == pytest.approx(config.seconds(40, running=1), abs=0.05)
    assert batch > 4 * alone and batch >= config.seconds(40, running=40) * 0.9


def test_a_client_that_goes_away_leaves_the_gauge_at_once() -> None:
    """As vLLM aborts a request whose client disconnected, the stand-in stops counting it."""
    with LLMStandIn(StandInConfig(ttft_s=2.0, per_token_s=0.0, completion_tokens=5, model="m")) as server:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{server.base_url}/chat/completions", json={"messages": MESSAGES}, timeout=0.2)
        deadline = time.monotonic() + 1.0
        while server.running() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.running() == 0 and running(server.base_url) == 0
        assert server.peak_running() == 1 and server.requests_served() == 0


def test_metrics_look_like_vllms(standin: LLMStandIn) -> None:
    post(standin)
    text = httpx.get(f"{standin.url}/metrics", timeout=5).text
    label = f'model_name="{FAST.model}"'
    assert "# TYPE vllm:num_requests_running gauge" in text
    assert "# HELP vllm:num_requests_running " in text
    assert f"vllm:num_requests_running{{{label}}} 0" in text
    assert f"vllm:num_requests_waiting{{{label}}} 0" in text
    assert sample_sum(text, "vllm:request_success_total") == standin.requests_served() >= 1
    assert sample_sum(text, "standin:num_requests_running_max") == standin.peak_running() >= 1
    assert httpx.get(f"{standin.url}/health", timeout=5).status_code == 200
    models = httpx.get(f"{standin.base_url}/models", timeout=5).json()
    assert [model["id"] for model in models["data"]] == [FAST.model]


def test_the_gauge_is_summed_over_label_sets_as_vllm_with_several_engines_gives_it() -> None:
    exposition = "\n".join(
        [
            "# HELP vllm:num_requests_running Number of requests in model execution batches.",
            "# TYPE vllm:num_requests_running gauge",
            'vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-4-Scout-17B-16E-Instruct"} 3.0',
            'vllm:num_requests_running{engine="1",model_name="meta-llama/Llama-4-Scout-17B-16E-Instruct"} 2.0',
            'vllm:num_requests_running_by_lora{engine="0"} 9.0',
            'vllm:num_requests_waiting{engine="0",model_name="x"} 7.0',
        ]
    )
    assert sample_sum(exposition, "vllm:num_requests_running") == 5.0
    assert sample_sum(exposition, "vllm:num_requests_swapped") == 0.0


def test_unknown_model_and_bad_bodies_are_refused_as_vllm_does(standin: LLMStandIn) -> None:
    missing = httpx.post(f"{standin.base_url}/chat/completions", json={"model": "other", "messages": MESSAGES})
    assert missing.status_code == 404 and "does not exist" in missing.json()["message"]
    assert httpx.post(f"{standin.base_url}/chat/completions", content=b"{").status_code == 400
    assert httpx.post(f"{standin.base_url}/chat/completions", json={"messages": []}).status_code == 400


class Channel(BaseModel):
    name: str = Field(min_length=3, max_length=12)
    kind: Literal["email", "social"]


class Plan(BaseModel):
    """Nested models, optionals, bounded numbers and lists: what pydantic's schemas are made of."""

    title: str = Field(max_length=2)
    words: int = Field(ge=40, le=60)
    score: float = Field(gt=0.5, lt=1.0)
    channels: list[Channel] = Field(min_length=2)
    lead: Channel | None = None
    tags: list[str] = Field(default_factory=list, max_length=0)
    note: str | None
    ok: bool


RICH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "$defs": {"step": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}, "required": ["n"]}},
    "definitions": {"word": {"type": "string", "minLength": 12}},
    "properties": {
        "const": {"const": "fixed"},
        "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}, "minItems": 3, "uniqueItems": True},
        "word": {"$ref": "#/definitions/word"},
        "either": {"oneOf": [{"type": "integer", "multipleOf": 5, "minimum": 7}, {"type": "string"}]},
        "maybe": {"type": ["null", "number"], "maximum": -2},
        "both": {"allOf": [{"$ref": "#/$defs/step"}, {"properties": {"m": {"type": "boolean"}}, "required": ["m"]}]},
        "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False},
        "colours": {"type": "array", "items": {"enum": ["red", "green"]}, "minItems": 2, "uniqueItems": True},
        "free": {},
    },
    "required": ["const", "steps"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    "schema",
    [brief.SCHEMA, Plan.model_json_schema(), RICH_SCHEMA],
    ids=["brief", "pydantic", "rich"],
)
def test_schema_instances_validate(schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for seed in range(20):
        value = instance(schema, random.Random(seed))
        validator.validate(value)
        assert set(value) >= set(schema.get("required", [])) | set(schema.get("properties", {}))


def test_structured_answer_over_http_fits_the_schema_the_bot_sends(standin: LLMStandIn) -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "request_brief", "schema": brief.SCHEMA}}
    payload = post(standin, response_format=response_format, max_tokens=120).json()
    content = payload["choices"][0]["message"]["content"]
    jsonschema.validate(json.loads(content), brief.SCHEMA)
    assert payload["usage"]["completion_tokens"] == len(content.split())
    assert payload["choices"][0]["finish_reason"] == "stop"
    loose = post(standin, response_format={"type": "json_object"}).json()
    assert json.loads(loose["choices"][0]["message"]["content"]) == {}


def test_the_bots_own_client_talks_to_it(standin: LLMStandIn, tmp_path: Path) -> None:
    client = LLMClient(settings(standin, tmp_path))
    try:
        assert client.healthy()
        completion = client.complete(MESSAGES, max_tokens=256)
        assert completion.model == FAST.model and completion.finish_reason == "stop"
        assert completion.completion_tokens == 40 == len(completion.text.split())
        answer = client.complete_json(MESSAGES, brief.SCHEMA, max_tokens=120)
        assert answer is not None
        jsonschema.validate(answer, brief.SCHEMA)
        classified = brief.classify(client, "A short post for customers about restoring a laptop", "Tidewell")
        assert classified.source.startswith("model")
    finally:
        client.close()


def test_the_bots_client_hears_a_wrong_model_name_at_once(standin: LLMStandIn, tmp_path: Path) -> None:
    client = LLMClient(settings(standin, tmp_path).model_copy(update={"llm_model": "someone/else"}))
    try:
        with pytest.raises(LLMRequestRefused, match="does not serve the model"):
            client.complete(MESSAGES, max_tokens=5)
    finally:
        client.close()


def test_presets_play_llama_4() -> None:
    assert LLAMA4_SCOUT.model == "meta-llama/Llama-4-Scout-17B-16E-Instruct"
    assert "Maverick" in LLAMA4_MAVERICK.model
    assert LLAMA4_SCOUT.token_s(1) == pytest.approx(0.0075, abs=0.0005), "7.4 ms per token alone"
    assert LLAMA4_SCOUT.token_s(64) == pytest.approx(0.030, abs=0.002), "about 30 ms at 64 in flight"
    assert LLAMA4_MAVERICK.token_s(100) == pytest.approx(0.0354, abs=0.001), "35.4 ms at 100"
    with pytest.raises(ValueError):
        StandInConfig(completion_tokens=0)


def test_runs_as_its_own_process_and_says_where() -> None:
    command = [sys.executable, "-m", "tests.support.llm_standin", "--port", "0", "--ttft", "0", "--per-token", "0"]
    process = subprocess.Popen(
        [*command, "--tokens", "5", "--model", "bench/model"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        match = re.fullmatch(r"ready (http://127\.0\.0\.1:\d+/v1)", line)
        assert match, line
        base_url = match.group(1)
        payload = httpx.post(f"{base_url}/chat/completions", json={"messages": MESSAGES}, timeout=10).json()
        assert payload["model"] == "bench/model" and payload["usage"]["completion_tokens"] == 5
        assert running(base_url) == 0
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
