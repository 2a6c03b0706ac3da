"""The real local vLLM standing in as the guard model (JSON answers through its schema), on the
real drafting path: its verdict, not the fallback's, decides and is recorded."""

from __future__ import annotations

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.services import Services
from brandbot.store.audit import entries
from tests.conftest import GUIDELINES


def test_the_guard_models_verdict_is_the_one_recorded(llm_settings: Settings) -> None:
    settings = llm_settings.model_copy(
        update={
            "guard_base_url": llm_settings.llm_base_url,
            "guard_model": llm_settings.llm_model,
            "guard_format": "json",
        }
    )
    services = Services(settings)
    try:
        services.knowledge_base.add([i for i in expand_paths([GUIDELINES]) if isinstance(i, SourceFile)], "admin")
        run = services.engine.ask("alice", "A short LinkedIn post announcing Tidewell Restore")
        by = f"json:{settings.llm_model}"
        if run.request.status == "refused":
            refusal = entries(services.db, request_id=run.request.id)[-1]
            assert refusal.action == "request.refused" and refusal.detail["by"] == by
        else:
            assert run.draft is not None
            screened = next(check for check in run.draft.checks if check["name"] == "content_guard")
            assert screened["passed"] and screened["message"] == f"Request and draft screened by {by}."
    finally:
        services.close()
