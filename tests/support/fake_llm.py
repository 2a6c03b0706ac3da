"""A scripted OpenAI-compatible server (httpx transport) for forcing workflow branches in unit tests.

Every path it forces also runs against the real local vLLM in tests/integration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import httpx

from brandbot.config import Settings
from brandbot.llm import LLMClient


@dataclass
class FakeLLM:
    brief: dict[str, str] = field(
        default_factory=lambda: {
            "format": "x_post",
            "audience": "customers",
            "length": "short",
            "topic": "backup",
            "promotional": False,
        }
    )
    drafts: list[str] = field(default_factory=lambda: ["Tidewell Backup now restores a laptop in one click."])
    structured: dict[str, object] = field(default_factory=dict)
    """Answers to other structured calls, by schema title (e.g. "message_intent"): a dict is sent
    as JSON, a string as it is (to force an unusable answer). Any other schema gets `brief`."""
    down: bool = False
    requests: list[dict[str, object]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused")
        body = json.loads(request.content)
        self.requests.append(body)
        if "response_format" in body:
            answer = self.structured.get(body["response_format"]["json_schema"]["name"], self.brief)
            content = answer if isinstance(answer, str) else json.dumps(answer)
        else:
            content = self.drafts.pop(0) if len(self.drafts) > 1 else self.drafts[0]
        return httpx.Response(
            200,
            json={
                "model": "fake-model",
                "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1},
            },
        )

    def client(self, settings: Settings) -> LLMClient:
        return LLMClient(settings, transport=httpx.MockTransport(self), sleep=lambda _: None)

    @property
    def draft_calls(self) -> list[dict[str, object]]:
        return [body for body in self.requests if "response_format" not in body]
