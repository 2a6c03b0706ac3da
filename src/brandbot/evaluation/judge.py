"""LLM-as-judge: a draft scored the way an approver reads it, against a rubric written from the
brand book. On the local 135M model the scores say little; on a served Llama 4 they are a
useful proxy for an approver. The report records which model judged and the rubric's hash."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from brandbot.config import LOCAL_MODEL_NAME, Settings
from brandbot.formats import Format
from brandbot.llm import LLMClient, LLMError
from brandbot.workflow.prompts import quoted_passage

CRITERIA = ("voice", "terminology", "claims", "call_to_action")

RUBRIC = """Score the draft from 1 (fails) to 5 (an approver would publish it as is) on each criterion.

voice: calm, plain, confident and human, as the brand book's voice traits say. No fear selling,
no hype or superlatives, everyday words with technical terms explained, active voice, short
sentences, contractions, at most one exclamation mark, emoji only where the channel allows.

terminology: product names exactly as the brand book writes them (Tidewell Backup, Tidewell
Vault, Tidewell Restore; plans Starter, Team, Business), never possessive or plural, no
trademark symbols in running text; none of the words the brand book avoids (for example cheap,
simply, easy, unbreakable, military-grade, whitelist).

claims: every fact, figure, date, price, restore time or promise is given by the request or by
a guideline passage; required disclaimers (free trial, prices, restore times) are present.
Invented facts score 1.

call_to_action: one clear next step where the format wants one (posts, emails and
announcements); a reply or an incident message without a sales call to action scores 5.

overall: would an approver at the brand approve it without changes (5), with small edits (3),
or reject it (1)?"""

SCHEMA: dict[str, Any] = {
    "title": "draft_scores",
    "type": "object",
    "properties": {
        **{name: {"type": "integer", "minimum": 1, "maximum": 5} for name in (*CRITERIA, "overall")},
        "reason": {"type": "string", "maxLength": 240},
    },
    "required": [*CRITERIA, "overall", "reason"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class JudgeInfo:
    model: str
    server: str
    rubric_sha256: str
    rubric: str
    note: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class Judge:
    def __init__(self, settings: Settings) -> None:
        """The judge is `BRANDBOT_JUDGE_MODEL` at `BRANDBOT_JUDGE_BASE_URL`, or else the drafting model."""
        judged = settings.model_copy(
            update={
                "llm_base_url": settings.judge_base_url or settings.llm_base_url,
                "llm_model": settings.judge_model or settings.llm_model,
            }
        )
        self._client = LLMClient(judged)
        local = judged.llm_model == LOCAL_MODEL_NAME
        self.info = JudgeInfo(
            model=judged.llm_model,
            server=judged.llm_base_url,
            rubric_sha256=hashlib.sha256(RUBRIC.encode()).hexdigest(),
            rubric=RUBRIC,
            note=(
                "the local 135M model judged: it cannot follow this rubric, so its scores exercise "
                "the pipeline and say little about the drafts"
                if local
                else "a served model judged: its scores stand in for an approver's reading"
            ),
        )

    def close(self) -> None:
        self._client.close()

    def score(self, request: str, fmt: Format, passages: Sequence[dict[str, Any]], draft: str) -> dict[str, Any] | None:
        """The scores and a one-line reason; None when the judge's answer is unusable."""
        quoted = "\n\n".join(quoted_passage(passage) for passage in passages) or "(none)"
        messages = [
            {
                "role": "system",
                "content": f"You review drafts for a brand's approvers.\n\n{RUBRIC}\n\nAnswer with JSON.",
            },
            {
                "role": "user",
                "content": f"Request: {request}\nFormat: {fmt.label} (at most {fmt.max_chars} characters)\n\n"
                f"Guideline passages the draft was written from:\n{quoted}\n\nDraft:\n<draft>\n{draft}\n</draft>",
            },
        ]
        try:
            answer = self._client.complete_json(messages, SCHEMA, max_tokens=200)
        except LLMError:
            return None
        if answer is None or not all(isinstance(answer.get(key), int) for key in (*CRITERIA, "overall")):
            return None
        return {key: answer[key] for key in (*CRITERIA, "overall")} | {"reason": str(answer.get("reason", ""))}
