"""A client for vLLM's OpenAI-compatible HTTP API: timeouts, bounded retries, structured output.

Nothing here imports vllm: the bot speaks HTTP to whatever serves `/v1/chat/completions`.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from brandbot import metrics
from brandbot.config import Settings

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
SAMPLING = ("temperature", "frequency_penalty", "max_tokens")
"""The request fields that shape what the model writes, besides the prompt and the model."""


class LLMError(Exception):
    """A failure the person asking should hear about, in one sentence."""


class LLMUnavailable(LLMError):
    """The server could not be reached or kept failing; the request can be retried later."""


class LLMRequestRefused(LLMError):
    """The server answered 4xx: retrying the same request would fail the same way."""


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    sampling: dict[str, float | int] = field(default_factory=dict)
    """The sampling parameters the request was sent with, recorded with each draft."""


Message = dict[str, str]


class LLMClient:
    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = settings.llm_base_url.rstrip("/")
        self.model = settings.llm_model
        self._settings = settings
        self._sleep = sleep
        in_flight = settings.resolved_llm_max_in_flight
        self._slots = threading.BoundedSemaphore(in_flight)
        self._http = httpx.Client(
            limits=httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight),
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {settings.llm_api_key.get_secret_value()}"},
            timeout=httpx.Timeout(settings.llm_timeout_s, connect=settings.llm_connect_timeout_s),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Completion:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": self._settings.llm_temperature if temperature is None else temperature,
        }
        if json_schema is None:
            body["frequency_penalty"] = self._settings.llm_frequency_penalty
        else:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": json_schema.get("title", "answer"), "schema": json_schema, "strict": True},
            }
        kind = "draft" if json_schema is None else "structured"
        with self._slots, metrics.LLM_IN_FLIGHT.track_inprogress():
            started = time.perf_counter()
            try:
                payload = self._post("/chat/completions", body)
            except LLMError as error:
                metrics.LLM_ERRORS.labels("unavailable" if isinstance(error, LLMUnavailable) else "refused").inc()
                raise
            finally:
                metrics.LLM_LATENCY.labels(kind).observe(time.perf_counter() - started)
        try:
            choice = payload["choices"][0]
            usage = payload.get("usage") or {}
            return Completion(
                text=choice["message"]["content"] or "",
                model=payload.get("model", self.model),
                finish_reason=choice.get("finish_reason"),
                prompt_tokens=int(usage.get("prompt_tokens", 0)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
                seconds=time.perf_counter() - started,
                sampling={key: body[key] for key in SAMPLING if key in body},
            )
        except (KeyError, IndexError, TypeError) as error:
            metrics.LLM_ERRORS.labels("unreadable").inc()
            raise LLMError(f"The language model at {self.base_url} sent an answer brandbot cannot read.") from error

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int
    ) -> dict[str, Any] | None:
        """Structured output that vLLM enforces; None when the answer is still unusable."""
        completion = self.complete(messages, max_tokens=max_tokens, temperature=0.0, json_schema=schema)
        try:
            value = json.loads(completion.text)
        except json.JSONDecodeError:
            log.warning("structured answer was not JSON (finish_reason=%s)", completion.finish_reason)
            return None
        return value if isinstance(value, dict) else None

    def healthy(self) -> bool:
        """vLLM's /health lives beside /v1, not under it."""
        root = self.base_url.removesuffix("/v1")
        try:
            return self._http.get(f"{root}/health", timeout=self._settings.llm_connect_timeout_s).status_code == 200
        except httpx.HTTPError:
            return False

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", path, body)

    def _request(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        attempts = self._settings.llm_max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = self._http.request(method, path, json=body)
            except httpx.TransportError as error:
                if attempt == attempts:
                    raise LLMUnavailable(
                        f"The language model server at {self.base_url} is not reachable ({_reason(error)})."
                    ) from error
                self._back_off(attempt, None, f"{type(error).__name__}")
                continue
            if response.status_code in RETRYABLE_STATUS:
                if attempt == attempts:
                    raise LLMUnavailable(
                        f"The language model server at {self.base_url} kept failing "
                        f"(HTTP {response.status_code} after {attempts} attempts)."
                    )
                self._back_off(attempt, response.headers.get("retry-after"), f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise LLMRequestRefused(self._refusal(response))
            return dict(response.json())
        raise AssertionError("unreachable: the loop returns or raises")

    def _back_off(self, attempt: int, retry_after: str | None, why: str) -> None:
        delay = self._settings.llm_retry_backoff_s * 2 ** (attempt - 1) * (0.5 + random.random())
        if retry_after and retry_after.replace(".", "", 1).isdigit():
            delay = max(delay, float(retry_after))
        log.warning("LLM call failed (%s), retry %d in %.1fs", why, attempt, delay)
        self._sleep(delay)

    def _refusal(self, response: httpx.Response) -> str:
        try:
            detail = response.json()
            message = detail.get("message") or detail.get("error", {}).get("message") or response.text
        except (ValueError, AttributeError):
            message = response.text
        message = " ".join(str(message).split())[:300]
        if response.status_code == 404 and "model" in message.lower():
            return (
                f"The language model server at {self.base_url} does not serve the model '{self.model}' "
                f"(set BRANDBOT_LLM_MODEL): {message}"
            )
        if "context length" in message.lower() or "maximum context" in message.lower():
            return f"The request is too long for the model's context window: {message}"
        return f"The language model refused the request (HTTP {response.status_code}): {message}"


def _reason(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "connection refused"
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    return type(error).__name__
