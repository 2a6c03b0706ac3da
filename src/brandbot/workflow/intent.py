"""What a message to brandbot asks for: an answer about the guidelines, a new draft, a check of
text the person wrote, or a rewrite of it on-brand.

Wording people use for these is narrow ("is this on-brand?", "rewrite this", "can I say ..."),
so patterns decide whenever one of them is plain; only a message without such a signal goes to
the model, through a JSON schema that vLLM enforces. The patterns' weaker reading stands in when
the model's answer is unusable or the model cannot be reached. Measured by `brandbot eval intents`.
"""

from __future__ import annotations

import enum
import html
import re
from dataclasses import dataclass
from typing import Any

from brandbot.llm import LLMClient, LLMError, Message


class Intent(enum.StrEnum):
    question = "question"
    """About the brand guidelines: answered, never sent for approval."""
    draft = "draft"
    """New content to write: drafted and sent for approval."""
    check = "check"
    """Text the person wrote, to check against the brand rules."""
    rewrite = "rewrite"
    """Text the person wrote, to rewrite on-brand: drafted and sent for approval."""


_INTENTS = {intent.value: intent for intent in Intent}
SCHEMA: dict[str, Any] = {
    "title": "message_intent",
    "type": "object",
    "properties": {"intent": {"type": "string", "enum": [intent.value for intent in Intent]}},
    "required": ["intent"],
    "additionalProperties": False,
}

SYSTEM = (
    "Staff send messages to brandbot, the brand assistant of a company. Sort each message into one intent "
    "and answer with JSON only.\n"
    "- question: asks about the brand guidelines, e.g. which words, names, tone or disclaimers are allowed.\n"
    "- draft: asks for new content to be written, e.g. a post, an email, an announcement.\n"
    "- check: gives text the person wrote and asks whether it is on-brand or follows the rules.\n"
    "- rewrite: gives text the person wrote and asks for it to be rewritten on-brand."
)
EXAMPLES: list[tuple[str, Intent]] = [
    ("Can we call the Starter plan cheap?", Intent.question),
    ("LinkedIn post announcing our new office in Lisbon", Intent.draft),
    ('is this ok to send? "Our backups are 100% bulletproof!!"', Intent.check),
    ("rewrite this so it sounds like us: Tidewell is the best backup tool ever made", Intent.rewrite),
]

_REWRITE = re.compile(
    r"\b(re-?write|re-?phrase|re-?word|redraft|tidy up|clean up|polish|punch up|make (this|it|that) "
    r"(sound|more|less|on[- ]brand|better|shorter)|(can|could) you (fix|improve|edit) (this|it|that|my)|"
    r"fix (this|it|that|my)\b.*\b(on[- ]brand|tone|voice)|turn (this|it|that) into|"
    r"(tighten|clean|smarten|jazz) (this|it|that) up|(please |pls )?fix( this| it| that)?\s*:|"
    r"(redo|simplify|shorten|soften|reword) (this|it|that)|make (this|it|that) \w+er\b|"
    r"\w+-?ify (this|it|that)|fix the [\w ]{1,30} (of|in) (this|it|that|my)\b)",
    re.I,
)
_CHECK = re.compile(
    r"\b(is|does|would|will|are) (this|it|that|these|the following|my \w+)\b[^?.\n]{0,40}"
    r"\b(on[- ]brand|off[- ]brand|ok(ay)?|fine|acceptable|compliant|follow|pass|break|violate|right)\b"
    r"|\b(check|review|proofread|lint|vet|look over|scan)\b (this|my|the following|it|these|that|our|a)\b"
    r"|\bon[- ]brand\s*\?|\bbrand check\b|\bany (issues|problems|rule (hits|violations))\b"
    r"|\bdoes this (sound|read) (like us|right)\b"
    r"|\bsanity[- ]check\b|\bgrade (this|my)\b|\bon[- ]brand or (no|not)\b|\bwhat'?s wrong with (this|my)\b"
    r"|\b(tell me|let me know) (if|whether)\b|\b(fit|fits|match|matches|follow|follows) our (voice|tone|style|brand)\b",
    re.I,
)
_ALLOWED_TO = re.compile(r"\b(is it|is that|would it be) (ok(ay)?|fine|alright|allowed) to\b", re.I)
"""Asks about doing something ("is it ok to use emoji"), unlike "is it ok?" about pasted text."""
_ASKED_TO_WRITE = re.compile(
    r"\b(can|could|would|will) you (please |pls )?(help me )?(write|draft|create|compose|prepare|put together|"
    r"come up with|make|do)\b|\bhelp me (write|draft|create|compose)\b|\b(i|we) need (a|an|some|the)\b"
    r"|\bgive me (a|an|some)\b",
    re.I,
)
_DRAFT_VERB = re.compile(
    r"^\s*(please |pls |hey,? |hi,? )?(write|draft|create|compose|prepare|put together|come up with|"
    r"make|announce|send out|post)\b",
    re.I,
)
_CONTENT = re.compile(
    r"\b(post|tweet|x thread|thread|e-?mail|newsletter|announcement|blog|article|linked\s*in|press release|"
    r"caption|tagline|headline|copy|slack message|reply|banner|landing page|ad|faq|social)\b",
    re.I,
)
_NOUN_REQUEST = re.compile(r"^\s*(a|an|one|some|short|quick|new|\d+)\b", re.I)
_QUESTION_START = re.compile(
    r"^\s*(what|what's|whats|how|why|which|when|where|who|whom|can i|can we|could i|could we|may i|may we|"
    r"should i|should we|do i|do we|does|is it|is there|are we|are there|am i|is the|are the|must|"
    r"are (emoji|emojis|exclamation)|is \w+ (allowed|ok|okay|fine|capitali[sz]ed)|"
    r"do you know|quick q|question)\b",
    re.I,
)
_ASKING = re.compile(
    r"\b(can i|can we|may i|may we|is it ok(ay)? to|are we allowed|am i allowed|allowed to|should i|should we|"
    r"do we (say|use|write|capitali[sz]e)|what('s| is) (our|the) (rule|guideline|policy|stance)|"
    r"how do (i|we) (write|spell|refer|capitali[sz]e|say|format)|what do we call|guideline|policy)\b",
    re.I,
)
_REVISION = re.compile(
    r"\b(shorter|longer|punchier|snappier|friendlier|warmer|simpler|clearer|tighter|crisper|bolder|softer|calmer|"
    r"(more|less|too|not so|a bit) \w+)\b"
    r"|(^|[,;.!]\s*|\b(and|but|also|then|please|pls|just|maybe|could you|can you)\s+)(add|mention|drop|remove|cut|lose|"
    r"use|swap|replace|change|include|keep|say|avoid|skip|end with|start with|open with|lead with|"
    r"tone (it )?(down|up)|no)\b"
    r"|\binstead of\b",
    re.I,
)
"""A note on a draft ("shorter, mention the free trial", "drop the emoji"): read as one only in the
thread of a draft the person waits on, where such a note is what a reply most likely is."""
_QUOTED = re.compile(r"```(?P<fence>.+?)```|[\"“”](?P<quote>[^\"“”]{12,})[\"“”]", re.S)
_SEPARATOR = re.compile(r"[:\n?]|\s[-\u2013\u2014]\s")
PASTED_CHARS = 160
"""Text this long after the instruction (or without any) is copy the person wrote, not a request."""


@dataclass(frozen=True)
class Classified:
    intent: Intent
    source: str
    """"model" or "rules": who decided, for the audit and the evaluation."""
    text: str | None = None
    """For a check or a rewrite: the person's own text, separated from the instruction if it can be."""

    def to_dict(self) -> dict[str, str | None]:
        return {"intent": self.intent.value, "source": self.source, "text": self.text}


@dataclass(frozen=True)
class RuleReading:
    intent: Intent
    strong: bool
    """A plain signal ("rewrite this", "is this on-brand?"): it decides without the model."""


def read_rules(message: str) -> RuleReading:
    """The patterns' reading of a message, and whether it is plain enough to decide alone."""
    text = _plain(message)
    pasted = _pasted(text)
    if _REWRITE.search(text):
        return RuleReading(Intent.rewrite, True)
    if _ALLOWED_TO.search(text) and not pasted:
        return RuleReading(Intent.question, True)
    if _CHECK.search(text) and not _ASKED_TO_WRITE.search(text):
        return RuleReading(Intent.check, True)
    if _ASKED_TO_WRITE.search(text) or _DRAFT_VERB.search(text):
        return RuleReading(Intent.draft, True)
    if _QUESTION_START.search(text) or _ASKING.search(text):
        return RuleReading(Intent.question, not pasted)
    if _NOUN_REQUEST.search(text) and _CONTENT.search(text) and not pasted:
        return RuleReading(Intent.draft, True)
    if pasted and not _CONTENT.search(text[:80]):
        return RuleReading(Intent.check, False)
    if text.rstrip().endswith("?"):
        return RuleReading(Intent.question, False)
    return RuleReading(Intent.draft, False)


def classify(llm: LLMClient | None, message: str, *, on_draft: bool = False) -> Classified:
    """Strong patterns decide; otherwise the model, and the patterns again if its answer is unusable.
    `on_draft`: the message replies in the thread of the sender's draft, where a plain note on it
    ("shorter") is a rewrite of that draft without asking the model, which would read it alone."""
    reading = read_rules(message)
    if on_draft and not reading.strong and _REVISION.search(_plain(message)):
        reading = RuleReading(Intent.rewrite, True)
    intent, source = reading.intent, "rules"
    if not reading.strong and llm is not None:
        answered = model_intent(llm, message)
        if answered is not None:
            intent, source = answered, "model"
    return Classified(intent, source, own_text(message) if intent in (Intent.check, Intent.rewrite) else None)


def model_intent(llm: LLMClient, message: str) -> Intent | None:
    """The model's intent for `message`; None when it failed or answered outside the schema."""
    try:
        answer = llm.complete_json(intent_messages(message), SCHEMA, max_tokens=20)
    except LLMError:
        return None
    value = (answer or {}).get("intent")
    return _INTENTS.get(value) if isinstance(value, str) else None


def intent_messages(message: str) -> list[Message]:
    shots: list[Message] = []
    for example, intent in EXAMPLES:
        shots += [{"role": "user", "content": example}, {"role": "assistant", "content": f'{{"intent": "{intent}"}}'}]
    return [{"role": "system", "content": SYSTEM}, *shots, {"role": "user", "content": message}]


def own_text(message: str) -> str | None:
    """The text to check or rewrite: fenced or quoted, or what follows the instruction (after a
    colon, a line break, a question mark or a dash); None when it cannot be told apart."""
    text = _plain(message).strip()
    quoted = _QUOTED.search(text)
    if quoted:
        return (quoted["fence"] or quoted["quote"]).strip()
    quoted_lines = [line[1:].strip() for line in text.splitlines() if line.startswith(">")]
    if quoted_lines:
        return "\n".join(quoted_lines).strip()
    split = _SEPARATOR.search(text)
    if split and split.start() <= 120:
        rest = text[split.end() :].strip()
        if len(rest) >= 8:
            return rest
    return text if len(text) >= PASTED_CHARS and not _REWRITE.search(text[:60]) else None


def _plain(message: str) -> str:
    """Slack escapes &, < and > in message text."""
    return html.unescape(message)


def _pasted(text: str) -> bool:
    """Long text, or quoted or fenced text: copy the person wrote."""
    return len(text) >= PASTED_CHARS or bool(_QUOTED.search(text)) or text.lstrip().startswith(">")
