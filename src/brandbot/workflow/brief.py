"""Turns a free-text request into a brief: format, audience, length and topic.

The model fills the fields through a JSON schema that vLLM enforces; words the person wrote
("LinkedIn", "email", "tweet") override its guess, and a keyword reading stands in when the
model's answer is unusable.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from brandbot.formats import AUDIENCES, DEFAULT_FORMAT, FORMATS, LENGTHS, format_for
from brandbot.llm import LLMClient, LLMRequestRefused
from brandbot.workflow import prompts

_FORMAT_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("linkedin_post", re.compile(r"\blinked\s*in\b", re.I)),
    ("x_post", re.compile(r"\b(tweet|twitter|x post|post on x|x thread)\b", re.I)),
    ("slack_message", re.compile(r"\bslack\b", re.I)),
    ("email", re.compile(r"\b(e-?mail|newsletter)\b", re.I)),
    ("blog_post", re.compile(r"\b(blog|article)\b", re.I)),
    ("reply", re.compile(r"\b(reply|respond|response) to\b", re.I)),
    ("announcement", re.compile(r"\bannounce(ment)?\b", re.I)),
]
_AUDIENCE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("employees", re.compile(r"\b(internal|employees|staff|team members|all-hands)\b", re.I)),
    ("partners", re.compile(r"\b(partners?|resellers?)\b", re.I)),
    ("prospects", re.compile(r"\b(prospects?|leads?|new customers)\b", re.I)),
    ("community", re.compile(r"\bcommunity\b", re.I)),
    ("customers", re.compile(r"\b(customers?|clients?|users?)\b", re.I)),
]

_PROMOTIONAL_WORDS = r"free trial|trial|offer|discount|promo(tion)?|sale|sign[ -]?up|pricing|launch(es|ing)?"


@lru_cache(maxsize=8)
def _promotional(brand: str) -> re.Pattern[str]:
    """Words that make a request promotional whatever the model says: the safe side for legal rules.
    "Try <brand>" is one of them, so the pattern follows the configured brand name."""
    return re.compile(rf"\b({_PROMOTIONAL_WORDS}|try (it|us|{re.escape(brand)}))\b", re.I)


SCHEMA: dict[str, Any] = {
    "title": "request_brief",
    "type": "object",
    "properties": {
        "format": {"type": "string", "enum": list(FORMATS)},
        "audience": {"type": "string", "enum": list(AUDIENCES)},
        "length": {"type": "string", "enum": list(LENGTHS)},
        "topic": {"type": "string", "maxLength": 120},
        "promotional": {"type": "boolean"},
    },
    "required": ["format", "audience", "length", "topic", "promotional"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Brief:
    format: str
    audience: str
    length: str
    topic: str
    promotional: bool
    """Selling something (an offer, the trial, a launch): some rules apply only to these."""
    source: str
    """"model", "keywords" or "model+keywords": how the fields were decided, for the audit."""

    def to_dict(self) -> dict[str, str]:
        """With the channel the format implies, which channel-specific rules key on."""
        return {**asdict(self), "channel": format_for(self.format).channel}


def keyword_brief(request: str, brand: str) -> Brief:
    return Brief(
        format=_first_match(_FORMAT_WORDS, request) or DEFAULT_FORMAT,
        audience=_first_match(_AUDIENCE_WORDS, request) or "general",
        length="short" if re.search(r"\b(short|brief|quick)\b", request, re.I) else "medium",
        topic=" ".join(request.split())[:120],
        promotional=bool(_promotional(brand).search(request)),
        source="keywords",
    )


def classify(llm: LLMClient, request: str, brand: str) -> Brief:
    fallback = keyword_brief(request, brand)
    try:
        answer = llm.complete_json(prompts.brief_messages(request), SCHEMA, max_tokens=120)
    except LLMRequestRefused:
        answer = None
    if not answer or not _valid(answer):
        return fallback
    explicit_format = _first_match(_FORMAT_WORDS, request)
    explicit_audience = _first_match(_AUDIENCE_WORDS, request)
    overridden = (explicit_format and explicit_format != answer["format"]) or (
        explicit_audience and explicit_audience != answer["audience"]
    )
    return Brief(
        format=explicit_format or answer["format"],
        audience=explicit_audience or answer["audience"],
        length=answer["length"],
        topic=" ".join(str(answer["topic"]).split())[:120] or fallback.topic,
        promotional=fallback.promotional or bool(answer["promotional"]),
        source="model+keywords" if overridden else "model",
    )


def _valid(answer: dict[str, Any]) -> bool:
    return (
        answer.get("format") in FORMATS
        and answer.get("audience") in AUDIENCES
        and answer.get("length") in LENGTHS
        and isinstance(answer.get("topic"), str)
        and isinstance(answer.get("promotional"), bool)
    )


def _first_match(table: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    return next((name for name, pattern in table if pattern.search(text)), None)
