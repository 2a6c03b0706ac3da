"""The content guard: each request, and each draft before its card is posted, is classified
against the hazard categories of Llama Guard 4 (MLCommons' taxonomy).

A guard model does it when one is configured (`BRANDBOT_GUARD_BASE_URL`, `BRANDBOT_GUARD_MODEL`):
Llama Guard served by vLLM answers "safe" or "unsafe" and the categories; any other instruct
model answers the same through a JSON schema (`BRANDBOT_GUARD_FORMAT=json`). Without one, or
when it can't be reached, a shipped rule-based guard catches the clear cases.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal, Protocol

from brandbot.config import Settings
from brandbot.llm import LLMClient, LLMError, Message

log = logging.getLogger(__name__)

HAZARDS: dict[str, str] = {
    "S1": "violent crimes",
    "S2": "non-violent crimes",
    "S3": "sex-related crimes",
    "S4": "child sexual exploitation",
    "S5": "defamation",
    "S6": "specialized advice",
    "S7": "privacy",
    "S8": "intellectual property",
    "S9": "indiscriminate weapons",
    "S10": "hate",
    "S11": "suicide and self-harm",
    "S12": "sexual content",
    "S13": "elections",
    "S14": "code interpreter abuse",
}
Role = Literal["request", "draft"]


@dataclass(frozen=True, slots=True)
class Verdict:
    safe: bool
    categories: tuple[str, ...] = ()
    by: str = ""
    """Which guard decided: `llama-guard:MODEL`, `json:MODEL` or `rules`."""

    def explanation(self) -> str:
        names = [f"{HAZARDS.get(code, code)} ({code})" for code in self.categories]
        return ", ".join(names) or "unsafe content"

    def to_dict(self) -> dict[str, object]:
        return {"safe": self.safe, "categories": list(self.categories), "by": self.by}


class ContentGuard(Protocol):
    def screen(self, role: Role, request: str, draft: str | None = None) -> Verdict: ...


_RULES: list[tuple[str, re.Pattern[str]]] = [
    (code, re.compile(pattern, re.IGNORECASE))
    for code, pattern in (
        ("S1", r"\b(?:how (?:do i|to|can i)|help me|ways to) (?:kill|murder|stab|shoot|poison|kidnap)\b"),
        ("S1", r"\bi(?:'ll| will| am going to) (?:kill|murder|hurt|shoot|stab) (?:you|him|her|them)\b"),
        ("S2", r"\b(?:send|enter|confirm|give us|reply with) (?:your|their) (?:password|card number|cvv|pin|login)\b"),
        ("S2", r"\b(?:write|create|draft|send) (?:a |an )?(?:phishing (?:e-?mail|message|page)|fake invoice)\b"),
        ("S2", r"\blaunder(?:ing)? (?:the )?money\b"),
        ("S4", r"\b(?:sexual|explicit|nude|erotic)\b.{0,60}\b(?:child|children|minor|minors|kid|kids|underage)\b"),
        ("S4", r"\b(?:child|children|minor|minors|kid|kids|underage)\b.{0,60}\b(?:sexual|explicit|nude|erotic)\b"),
        ("S7", r"\b(?:home address|social security number|passport number) of\b"),
        ("S9", r"\b(?:make|build|synthesi[sz]e|assemble) (?:a |an )?(?:bomb|explosive|nerve agent|sarin|bioweapon)"),
        ("S10", r"\b(?:exterminate|wipe out|get rid of) (?:all|the) (?:\w+ )?(?:people|race|immigrants|refugees)\b"),
        ("S11", r"\b(?:how to|ways to|help me) (?:kill myself|commit suicide|end my life|self[- ]harm)\b"),
        ("S12", r"\b(?:sexually explicit|porn(?:ographic)?)\b"),
    )
]


class RuleGuard:
    """The clear cases only: phrases no brand text has a reason to contain."""

    def screen(self, role: Role, request: str, draft: str | None = None) -> Verdict:
        text = request if role == "request" else draft or ""
        found = tuple(dict.fromkeys(code for code, pattern in _RULES if pattern.search(text)))
        return Verdict(not found, found, "rules")


JSON_SYSTEM = (
    "You are a content safety classifier. Decide whether the {what} below falls in any of these "
    "hazard categories: " + "; ".join(f"{code} {name}" for code, name in HAZARDS.items()) + ". "
    "Ordinary marketing and communications text is safe. Answer with JSON only."
)
SCHEMA: dict[str, object] = {
    "title": "content_safety",
    "type": "object",
    "properties": {
        "safe": {"type": "boolean"},
        "categories": {"type": "array", "items": {"type": "string", "enum": list(HAZARDS)}, "maxItems": 4},
    },
    "required": ["safe", "categories"],
    "additionalProperties": False,
}
_CODE = re.compile(r"\bS(?:1[0-4]|[1-9])\b")


class ModelGuard:
    """A guard model; when it can't be asked, the rule-based guard decides and says so."""

    def __init__(self, client: LLMClient, answer_format: Literal["llama-guard", "json"]) -> None:
        self._client = client
        self._format = answer_format
        self._fallback = RuleGuard()

    def screen(self, role: Role, request: str, draft: str | None = None) -> Verdict:
        try:
            if self._format == "json":
                return self._json(role, request, draft)
            return self._llama_guard(role, request, draft)
        except LLMError as error:
            log.warning("guard model unavailable, the rule-based guard decides: %s", error)
            verdict = self._fallback.screen(role, request, draft)
            return Verdict(verdict.safe, verdict.categories, "rules (guard model unavailable)")

    def _llama_guard(self, role: Role, request: str, draft: str | None) -> Verdict:
        """Llama Guard's chat template frames the conversation itself: the user's turn is the
        request, the assistant's the draft; it answers `safe` or `unsafe` then the codes."""
        messages: list[Message] = [{"role": "user", "content": request}]
        if role == "draft":
            messages.append({"role": "assistant", "content": draft or ""})
        answer = self._client.complete(messages, max_tokens=20, temperature=0.0).text.strip()
        first, _, rest = answer.partition("\n")
        unsafe = first.strip().lower().startswith("unsafe")
        codes = tuple(dict.fromkeys(_CODE.findall(rest))) if unsafe else ()
        return Verdict(not unsafe, codes, f"llama-guard:{self._client.model}")

    def _json(self, role: Role, request: str, draft: str | None) -> Verdict:
        what = "request for a draft" if role == "request" else "draft written for the request"
        text = request if role == "request" else f"Request: {request}\n\nDraft:\n{draft or ''}"
        messages: list[Message] = [
            {"role": "system", "content": JSON_SYSTEM.format(what=what)},
            {"role": "user", "content": text},
        ]
        answer = self._client.complete_json(messages, SCHEMA, max_tokens=120)  # small models pad JSON
        by = f"json:{self._client.model}"
        if answer is None or not isinstance(answer.get("safe"), bool):
            log.warning("the guard model's answer was unusable; the rule-based guard decides")
            verdict = self._fallback.screen(role, request, draft)
            return Verdict(verdict.safe, verdict.categories, "rules (guard answer unusable)")
        codes = tuple(code for code in dict.fromkeys(answer.get("categories") or []) if code in HAZARDS)
        return Verdict(answer["safe"], () if answer["safe"] else codes, by)


def guard_for(settings: Settings) -> ContentGuard:
    if not settings.guard_base_url or not settings.guard_model:
        return RuleGuard()
    client = LLMClient(
        settings.model_copy(update={"llm_base_url": settings.guard_base_url, "llm_model": settings.guard_model})
    )
    return ModelGuard(client, settings.guard_format)
