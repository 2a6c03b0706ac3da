"""An OpenAI-compatible server on loopback that plays a GPU vLLM serving Llama 4.

It answers `/v1/chat/completions` after the time a real model would take (time to first token,
then a fixed time per token) without doing any work, so hundreds of requests can be in flight on a
2-core machine and the bot's own concurrency limits are what a benchmark measures. It has no
concurrency limit of its own, and its `/metrics` carries the gauge vLLM exposes
(`vllm:num_requests_running`), which `running()` reads the same way from either server.

Run it in-process for pytest (`LLMStandIn`), or as its own process for benchmarks, so its CPU stays
off the measured process:

    python -m tests.support.llm_standin --port 8000 --ttft 0.4 --per-token 0.02 --tokens 120
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import random
import re
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

import httpx
from aiohttp import web

SCOUT_MODEL = "meta-llama/Llama-4-Scout-17B-16E-Instruct"
MAVERICK_MODEL = "meta-llama/Llama-4-Maverick-17B-128E-Instruct"


@dataclass(frozen=True)
class StandInConfig:
    """How long the played model takes: `ttft_s`, then for each of its tokens `per_token_s` plus
    `per_token_per_running_s` for every request running at that moment (a GPU's decode step
    takes longer as its batch grows).

    A token is a whitespace-separated word. A text answer is `completion_tokens` words long unless
    the request's `max_tokens` cuts it short (finish_reason "length").
    """

    ttft_s: float = 0.4
    per_token_s: float = 0.02
    completion_tokens: int = 120
    model: str = SCOUT_MODEL
    per_token_per_running_s: float = 0.0

    def __post_init__(self) -> None:
        if self.ttft_s < 0 or self.per_token_s < 0 or self.per_token_per_running_s < 0 or self.completion_tokens < 1:
            raise ValueError(f"times must be >= 0 and completion_tokens >= 1: {self}")

    def seconds(self, tokens: int, running: int = 1) -> float:
        """One request's whole answer time, streamed or not, with `running` requests throughout."""
        return self.ttft_s + self.token_s(running) * tokens

    def token_s(self, running: int) -> float:
        return self.per_token_s + self.per_token_per_running_s * running


# Fitted to published serving benchmarks of Llama 4 on 8 GPUs (sources in bench/RESULTS.md): time
# per output token 7.4, 12.0 and 42.9 ms at 1, 16 and 100 requests in flight for Scout, 6.0, 10.2
# and 35.4 ms for Maverick (SGLang's Llama 4 cookbook), so about 30 and 25 ms at 64; time to first
# token 0.06-0.13 s there, 0.2 s here to allow for the HTTP hop and prefill of longer prompts.
LLAMA4_SCOUT = StandInConfig(
    ttft_s=0.2, per_token_s=0.0071, per_token_per_running_s=0.00037, completion_tokens=160, model=SCOUT_MODEL
)
LLAMA4_MAVERICK = StandInConfig(
    ttft_s=0.2, per_token_s=0.0057, per_token_per_running_s=0.0003, completion_tokens=160, model=MAVERICK_MODEL
)
PRESETS: dict[str, StandInConfig] = {"scout": LLAMA4_SCOUT, "maverick": LLAMA4_MAVERICK}

# Plain, calm sentences the bot's brand rules accept: no exclamation marks, emoji, hashtags, hype,
# price words, guarantees, product names or numbers, so a stand-in draft does not trigger redrafts.
PARAGRAPHS: tuple[str, ...] = (
    "Your files are copied to the cloud every hour, so a lost laptop does not mean lost work. "
    "You can see each device and its last copy in the admin console.",
    "When something goes wrong, you can bring back a single file, a folder, or a whole device. "
    "The steps are the same on every plan, and our team is here if you need help.",
    "We encrypt your files before they leave the device and keep them encrypted at rest. "
    "You choose how long old versions are kept, and you can change it at any time.",
    "Teams that look after many computers can group devices by office or by role. "
    "Each group gets its own schedule and its own weekly report.",
    "We wrote this guide for the person who looks after backups on top of a busy job. "
    "It walks through setup in plain words and shows what to check each week.",
    "If a device has not been copied for a while, we send you a short note. "
    "It says which device it is and what you can do about it.",
    "Our support team answers questions by email and chat during business hours. "
    "They can help you plan a restore before you need one.",
)
_WORDS = ("tide", "harbor", "shore", "file", "folder", "device", "team", "report", "copy", "plan")
_PIECES = re.compile(r"\s*\S+")


@dataclass
class Counters:
    """What the server has done, shared between its event loop and the test's thread."""

    running: int = 0
    peak: int = 0
    served: int = 0
    aborted: int = 0
    prompt_tokens: int = 0
    generation_tokens: int = 0
    finished: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self) -> None:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)

    def end(self, finish_reason: str | None, prompt_tokens: int, completion_tokens: int) -> None:
        """`finish_reason` None: the client went away before the answer was complete."""
        with self.lock:
            self.running -= 1
            if finish_reason is None:
                self.aborted += 1
                return
            self.served += 1
            self.prompt_tokens += prompt_tokens
            self.generation_tokens += completion_tokens
            self.finished[finish_reason] = self.finished.get(finish_reason, 0) + 1


@dataclass(frozen=True)
class Answer:
    """What the played model says to one request, cut into the pieces it streams."""

    pieces: list[str]
    finish_reason: str
    prompt_tokens: int

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def words(text: str) -> int:
    return len(text.split())


def prompt_tokens(messages: list[Any]) -> int:
    """Words over all messages, including OpenAI's list-of-parts content."""
    total = 0
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            total += words(content)
        elif isinstance(content, list):
            total += sum(words(str(part.get("text", ""))) for part in content if isinstance(part, dict))
    return total


def seeded(messages: list[Any]) -> random.Random:
    """The same messages give the same answer, so runs repeat."""
    digest = hashlib.sha256(json.dumps(messages, sort_keys=True, default=str).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def prose(rng: random.Random, tokens: int, natural_end: bool) -> str:
    """`tokens` words of paragraphs in a seeded order, ending on a full stop if the model chose to stop."""
    order = list(PARAGRAPHS)
    rng.shuffle(order)
    text: list[str] = []
    while len(text) < tokens:
        for paragraph in order:
            text.extend(paragraph.split())
    text = text[:tokens]
    if natural_end and not text[-1].endswith("."):
        text[-1] = text[-1].rstrip(",") + "."
    return " ".join(text)


def answer(config: StandInConfig, body: dict[str, Any]) -> Answer:
    messages = body["messages"]
    rng = seeded(messages)
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    response_format = body.get("response_format") or {}
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        text = json.dumps(instance(schema, rng))
    elif kind == "json_object":
        text = "{}"
    else:
        natural = config.completion_tokens if limit is None else min(int(limit), config.completion_tokens)
        text = prose(rng, natural, natural_end=natural == config.completion_tokens)
    pieces = _PIECES.findall(text)
    finish_reason = "stop"
    if limit is not None and len(pieces) > int(limit):
        pieces, finish_reason = pieces[: int(limit)], "length"
    elif kind is None and limit is not None and int(limit) < config.completion_tokens:
        finish_reason = "length"
    return Answer(pieces=pieces, finish_reason=finish_reason, prompt_tokens=prompt_tokens(messages))


# --- an instance of a JSON schema, as structured output would give --------------------------------

_DEEP = 8
"""Past this depth, objects get only their required properties and arrays their minimum items,
so a recursive schema still ends."""


def instance(schema: dict[str, Any] | bool, rng: random.Random | None = None) -> Any:
    """A value that validates against `schema` (the subset vLLM's structured output uses):
    objects, arrays, enum/const, bounds on strings and numbers, anyOf/oneOf/allOf, $ref into
    $defs/definitions and type lists. `pattern` is not honoured."""
    root = schema if isinstance(schema, dict) else {}
    return _build(schema, root, rng or random.Random(0), 0, 0)


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 64:
        ref = str(schema["$ref"])
        if not ref.startswith("#"):
            raise ValueError(f"only local $ref is supported: {ref}")
        target: Any = root
        for part in ref.lstrip("#").strip("/").split("/") if ref.strip("#/") else []:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema = {**{k: v for k, v in schema.items() if k != "$ref"}, **target}
        seen += 1
    return schema


def _merged(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """allOf folded into one schema: properties and required united, other keys overlaid."""
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = _resolve(part, root) if isinstance(part, dict) else {}
        if "allOf" in part:
            part = _merged(part, root)
        properties = {**merged.get("properties", {}), **part.get("properties", {})}
        required = list(dict.fromkeys([*merged.get("required", []), *part.get("required", [])]))
        merged = {**part, **merged, "properties": properties, "required": required}
    for key in ("properties", "required"):
        if not merged.get(key):
            merged.pop(key, None)
    return merged


def _type_of(schema: dict[str, Any]) -> str:
    declared = schema.get("type")
    if isinstance(declared, list):
        chosen = [name for name in declared if name != "null"]
        return chosen[0] if chosen else "null"
    if isinstance(declared, str):
        return declared
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema or "minItems" in schema:
        return "array"
    if "minimum" in schema or "maximum" in schema:
        return "number"
    return "string"


def _build(schema: dict[str, Any] | bool, root: dict[str, Any], rng: random.Random, depth: int, index: int) -> Any:
    """`index` tells items of one array apart, for uniqueItems."""
    if not isinstance(schema, dict):
        return None if schema is False else _word(rng, {}, index)
    schema = _resolve(schema, root)
    if "allOf" in schema:
        schema = _merged(schema, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][index % len(schema["enum"])]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [_resolve(b, root) if isinstance(b, dict) else b for b in schema[key]]
            usable = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
            branch = (usable or branches)[0]
            rest = {k: v for k, v in schema.items() if k != key}
            return _build({**rest, **branch} if isinstance(branch, dict) else branch, root, rng, depth, index)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, root, rng, depth, index)
    if kind == "array":
        return _array(schema, root, rng, depth)
    if kind == "integer":
        return int(_number(schema, index, integer=True))
    if kind == "number":
        return _number(schema, index, integer=False)
    if kind == "boolean":
        return index % 2 == 1
    if kind == "null":
        return None
    return _word(rng, schema, index)


def _object(schema: dict[str, Any], root: dict[str, Any], rng: random.Random, depth: int, index: int) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties") or {}
    required: list[str] = list(schema.get("required") or [])
    names = required if depth >= _DEEP else list(dict.fromkeys([*required, *properties]))
    value = {name: _build(properties.get(name, {}), root, rng, depth + 1, index) for name in names}
    additional = schema.get("additionalProperties")
    wanted = int(schema.get("minProperties", 0))
    extra = 0
    while len(value) < wanted and additional is not False:
        extra += 1
        value[f"extra_{extra}"] = _build(additional if isinstance(additional, dict) else {}, root, rng, depth + 1, 0)
    return value


def _array(schema: dict[str, Any], root: dict[str, Any], rng: random.Random, depth: int) -> list[Any]:
    prefix: list[Any] = list(schema.get("prefixItems") or [])
    items = schema.get("items", {})
    low = int(schema.get("minItems", 0))
    high = int(schema.get("maxItems", max(low, 1)))
    count = low if depth >= _DEEP else min(max(low, 1, len(prefix)), high)
    if items is False:
        count = min(count, len(prefix))
    return [
        _build(prefix[i] if i < len(prefix) else items, root, rng, depth + 1, i if schema.get("uniqueItems") else 0)
        for i in range(count)
    ]


def _number(schema: dict[str, Any], index: int, integer: bool) -> float:
    """The lowest allowed value (0 when unbounded below), moved up by `index`; strictly inside
    exclusive bounds, and on a multipleOf where one fits."""

    def bound(key: str) -> float | None:
        value = schema.get(key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    low, high, above, below = bound("minimum"), bound("maximum"), bound("exclusiveMinimum"), bound("exclusiveMaximum")
    bottom: float | None
    top: float | None
    if integer:
        lows = [math.ceil(x) for x in (low,) if x is not None] + [math.floor(x) + 1 for x in (above,) if x is not None]
        highs = [math.floor(x) for x in (high,) if x is not None] + [
            math.ceil(x) - 1 for x in (below,) if x is not None
        ]
        bottom, top = (float(max(lows)) if lows else None), (float(min(highs)) if highs else None)
        value = float(bottom if bottom is not None else min(0, top) if top is not None else 0) + index
        if top is not None:
            value = min(value, float(top))
    else:
        bottom = max((x for x in (low, above) if x is not None), default=None)
        top = min((x for x in (high, below) if x is not None), default=None)
        if bottom is not None and top is not None:
            # within [bottom, top], never on an exclusive end: bottom itself only when it is allowed
            share = 0.0 if index == 0 and above is None else 1 - 1 / (index + 2)
            value = bottom + (top - bottom) * share
        elif bottom is not None:
            value = bottom + index + (1 if above is not None and bottom == above else 0)
        elif top is not None:
            value = min(0.0, top - 1) - index
        else:
            value = float(index)
    multiple = schema.get("multipleOf")
    if multiple:
        value = math.ceil(value / multiple) * multiple
        if top is not None and value > top:
            value = math.floor(top / multiple) * multiple
    return int(value) if integer else value


_FORMATS = {
    "date-time": "2026-03-04T10:00:00Z",
    "date": "2026-03-04",
    "time": "10:00:00Z",
    "email": "amara@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "8c6f0d5e-1f4b-4c3e-9a1d-2b7e5f9c0a11",
}


def _word(rng: random.Random, schema: dict[str, Any], index: int) -> str:
    word = _FORMATS.get(str(schema.get("format")), rng.choice(_WORDS))
    if index:
        word = f"{word}{index}"
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    while len(word) < low:
        word += word
    return word if high is None else word[: int(high)]


# --- the HTTP server ------------------------------------------------------------------------------

COUNTERS = web.AppKey("counters", Counters)
CONFIG = web.AppKey("config", StandInConfig)


def make_app(config: StandInConfig, counters: Counters | None = None) -> web.Application:
    """The aiohttp application alone, for callers that run their own event loop."""
    app = web.Application()
    app[CONFIG] = config
    app[COUNTERS] = counters or Counters()
    app.router.add_post("/v1/chat/completions", _chat)
    app.router.add_get("/v1/models", _models)
    app.router.add_get("/health", _health)
    app.router.add_get("/metrics", _metrics)
    return app


def _error(status: int, message: str) -> web.Response:
    """vLLM's error body."""
    kind = {400: "BadRequestError", 404: "NotFoundError"}.get(status, "InternalServerError")
    return web.json_response(
        {"object": "error", "message": message, "type": kind, "param": None, "code": status}, status=status
    )


async def _chat(request: web.Request) -> web.StreamResponse:
    config, counters = request.app[CONFIG], request.app[COUNTERS]
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "The request body is not JSON.")
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body["messages"]:
        return _error(400, "'messages' must be a non-empty list.")
    if body.get("model") not in (None, config.model):
        return _error(404, f"The model `{body.get('model')}` does not exist.")
    reply = answer(config, body)
    started = asyncio.get_running_loop().time()
    counters.begin()
    finish: str | None = None
    try:
        if body.get("stream"):
            response = await _stream(request, config, reply, started, body)
        else:
            await _decode(config, counters, len(reply.pieces))
            response = web.json_response(_completion(config, reply))
        finish = reply.finish_reason
        return response
    finally:
        counters.end(finish, reply.prompt_tokens, len(reply.pieces))


async def _decode(config: StandInConfig, counters: Counters, tokens: int, step: int = 8) -> None:
    """Waits as long as generating `tokens` takes, a few tokens at a time at the pace of the
    batch running meanwhile."""
    await asyncio.sleep(config.ttft_s)
    for done in range(0, tokens, step):
        await asyncio.sleep(config.token_s(counters.running) * min(step, tokens - done))


def _usage(reply: Answer) -> dict[str, int]:
    completion = len(reply.pieces)
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": reply.prompt_tokens + completion,
    }


def _completion(config: StandInConfig, reply: Answer) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": config.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text, "tool_calls": []},
                "logprobs": None,
                "finish_reason": reply.finish_reason,
                "stop_reason": None,
            }
        ],
        "usage": _usage(reply),
    }


async def _stream(
    request: web.Request, config: StandInConfig, reply: Answer, started: float, body: dict[str, Any]
) -> web.StreamResponse:
    """The role chunk at the first token's time, then one chunk per token on a fixed clock (no drift
    when the loop is busy: late tokens go out at once), then the finish chunk and [DONE]."""
    loop = asyncio.get_running_loop()
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        payload: dict[str, Any] = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": config.model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
        }
        if include_usage:
            payload["usage"] = None
        return f"data: {json.dumps(payload)}\n\n".encode()

    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    due = started + config.ttft_s
    await asyncio.sleep(max(0.0, due - loop.time()))
    await response.write(chunk({"role": "assistant", "content": ""}))
    for piece in reply.pieces:
        due += config.token_s(request.app[COUNTERS].running)
        await asyncio.sleep(max(0.0, due - loop.time()))
        await response.write(chunk({"content": piece}))
    await response.write(chunk({}, reply.finish_reason))
    if include_usage:
        payload = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": config.model,
            "choices": [],
            "usage": _usage(reply),
        }
        await response.write(f"data: {json.dumps(payload)}\n\n".encode())
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


async def _models(request: web.Request) -> web.Response:
    model = request.app[CONFIG].model
    card = {"id": model, "object": "model", "created": int(time.time()), "owned_by": "vllm", "root": model}
    return web.json_response({"object": "list", "data": [card]})


async def _health(request: web.Request) -> web.Response:
    return web.Response(status=200)


async def _metrics(request: web.Request) -> web.Response:
    config, counters = request.app[CONFIG], request.app[COUNTERS]
    label = f'model_name="{config.model}"'
    with counters.lock:
        running, peak, aborted = counters.running, counters.peak, counters.aborted
        prompt, generation, finished = counters.prompt_tokens, counters.generation_tokens, dict(counters.finished)
    lines = [
        "# HELP vllm:num_requests_running Number of requests in model execution batches.",
        "# TYPE vllm:num_requests_running gauge",
        f"vllm:num_requests_running{{{label}}} {running}",
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
        "# TYPE vllm:num_requests_waiting gauge",
        f"vllm:num_requests_waiting{{{label}}} 0",
        "# HELP vllm:request_success_total Count of successfully processed requests.",
        "# TYPE vllm:request_success_total counter",
        *(
            f'vllm:request_success_total{{finished_reason="{reason}",{label}}} {count}'
            for reason, count in sorted({"stop": 0, "length": 0, **finished}.items())
        ),
        "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.",
        "# TYPE vllm:prompt_tokens_total counter",
        f"vllm:prompt_tokens_total{{{label}}} {prompt}",
        "# HELP vllm:generation_tokens_total Number of generation tokens processed.",
        "# TYPE vllm:generation_tokens_total counter",
        f"vllm:generation_tokens_total{{{label}}} {generation}",
        "# HELP standin:num_requests_running_max Most requests running at once since start or reset.",
        "# TYPE standin:num_requests_running_max gauge",
        f"standin:num_requests_running_max{{{label}}} {peak}",
        "# HELP standin:requests_aborted_total Requests whose client went away before the answer ended.",
        "# TYPE standin:requests_aborted_total counter",
        f"standin:requests_aborted_total{{{label}}} {aborted}",
    ]
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain", charset="utf-8")


async def _serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """No access log (CPU), a client that goes away cancels its request as in vLLM, and a backlog
    that takes a few hundred connections opened at once without SYN retries."""
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=2048)
    await site.start()
    bound = runner.addresses[0][1]
    return runner, int(bound)


class LLMStandIn:
    """The server on its own event loop in a daemon thread, on a free loopback port, for pytest."""

    def __init__(self, config: StandInConfig = LLAMA4_SCOUT, port: int = 0) -> None:
        self.config = config
        self.counters = Counters()
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """As the bot's `llm_base_url` wants it: with /v1."""
        return f"{self.url}/v1"

    @property
    def url(self) -> str:
        """The server root, where /health and /metrics live."""
        if self._runner is None:
            raise RuntimeError("the stand-in is not started")
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> LLMStandIn:
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._runner, self._port = loop.run_until_complete(
                    _serve(make_app(self.config, self.counters), "127.0.0.1", self._port)
                )
            except BaseException as error:
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="llm-standin", daemon=True)
        self._thread.start()
        if not ready.wait(30) or failure:
            raise RuntimeError("the LLM stand-in did not start") from failure[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._runner is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop = self._runner = self._thread = None

    def __enter__(self) -> LLMStandIn:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def running(self) -> int:
        return self.counters.running

    def peak_running(self) -> int:
        return self.counters.peak

    def reset_peak(self) -> None:
        """The peak starts again from what is running now."""
        with self.counters.lock:
            self.counters.peak = self.counters.running

    def requests_served(self) -> int:
        """Chat completions answered to the end (not those whose client went away)."""
        return self.counters.served


# --- reading the gauge, from the stand-in or a real vLLM ------------------------------------------


_SCRAPER = httpx.Client()
"""Shared: a new client per scrape builds an SSL context (tens of ms), which a benchmark that
samples every 100 ms would pay from the CPU it measures."""


def metric(base_url: str, name: str, timeout: float = 5.0) -> float:
    """One metric scraped from `/metrics` at the server root (vLLM serves it beside /v1, not under
    it), summed over its label sets; 0 when the metric is absent."""
    root = base_url.rstrip("/").removesuffix("/v1")
    return sample_sum(_SCRAPER.get(f"{root}/metrics", timeout=timeout).raise_for_status().text, name)


def sample_sum(exposition: str, name: str) -> float:
    """The sum of one metric's samples in Prometheus text, over all label sets (vLLM with several
    engines gives one sample per engine)."""
    total = 0.0
    for line in exposition.splitlines():
        if not line.startswith(name):
            continue
        rest = line[len(name) :]
        if rest[:1] == "{":
            rest = rest[rest.index("}") + 1 :]
        elif rest[:1] not in (" ", "\t"):
            continue  # another metric whose name starts with this one
        total += float(rest.split()[0])
    return total


def running(base_url: str, timeout: float = 5.0) -> int:
    """Requests the LLM server is answering now (`vllm:num_requests_running`), as a benchmark reads it."""
    return int(metric(base_url, "vllm:num_requests_running", timeout))


# --- as its own process ---------------------------------------------------------------------------


async def _main(config: StandInConfig, host: str, port: int) -> None:
    runner, bound = await _serve(make_app(config), host, port)
    print(f"ready http://{host}:{bound}/v1", flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, done.set)
    try:
        await done.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.llm_standin", description="An OpenAI-compatible stand-in for vLLM."
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="scout", help="defaults for the options below")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--ttft", type=float, help="seconds to the first token")
    parser.add_argument("--per-token", type=float, help="seconds per further token")
    parser.add_argument("--per-token-per-running", type=float, help="seconds more per token for each request running")
    parser.add_argument("--tokens", type=int, help="words in a text answer")
    parser.add_argument("--model", help="the served model name")
    args = parser.parse_args(argv)
    preset = PRESETS[args.preset]
    chosen = {
        "ttft_s": args.ttft,
        "per_token_s": args.per_token,
        "completion_tokens": args.tokens,
        "per_token_per_running_s": args.per_token_per_running,
        "model": args.model,
    }
    config = replace(preset, **{key: value for key, value in chosen.items() if value is not None})
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(config, args.host, args.port))


if __name__ == "__main__":
    main()
