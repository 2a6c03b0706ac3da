"""Shared fixtures: isolated settings per test, and the real local vLLM for integration tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import hypothesis
import pytest

from brandbot.config import Settings
from brandbot.local_llm.server import LocalLLM
from brandbot.store.db import Database
from tests.support.deployed import SharedStorage, shared_storage
from tests.support.servers import postgres

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Property-based tests: bounded in the suite; `bench/fuzz.py` runs them with the long profile.
hypothesis.settings.register_profile(
    "suite", max_examples=60, deadline=None, suppress_health_check=list(hypothesis.HealthCheck)
)
hypothesis.settings.register_profile(
    "long",
    max_examples=int(os.environ.get("BRANDBOT_FUZZ_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
hypothesis.settings.load_profile(os.environ.get("BRANDBOT_FUZZ_PROFILE", "suite"))

REPO = Path(__file__).resolve().parents[1]
GUIDELINES = REPO / "guidelines"
APPROVERS = ["bob", "carol"]
SHIPPED = {  # the brand book in guidelines/, by file name (= document id)
    "voice-and-tone.md",
    "product-names-and-terminology.md",
    "legal-disclaimers.pdf",
    "channel-guide-social.docx",
    "channel-guide-email.html",
    "channel-guide-blog.txt",
}


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "approvers": APPROVERS,
        "llm_max_retries": 1,
        "llm_retry_backoff_s": 0.05,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def settings_env(settings: Settings) -> dict[str, str]:
    """The same settings as environment variables, for `brandbot` run as a subprocess."""
    servers = {
        "BRANDBOT_DATABASE_URL": settings.database_url,
        "BRANDBOT_CHROMA_URL": settings.chroma_url,
    }
    return {
        **{key: value for key, value in os.environ.items() if key not in servers},
        **{key: value for key, value in servers.items() if value},
        "HF_HUB_OFFLINE": "1",
        "BRANDBOT_DATA_DIR": str(settings.data_dir),
        "BRANDBOT_APPROVERS": ",".join(settings.approvers),
        "BRANDBOT_LLM_BASE_URL": settings.llm_base_url,
        "BRANDBOT_LLM_MODEL": settings.llm_model,
        "BRANDBOT_LLM_MAX_RETRIES": str(settings.llm_max_retries),
        "BRANDBOT_LLM_RETRY_BACKOFF_S": str(settings.llm_retry_backoff_s),
        "BRANDBOT_REVIEW_TTL_HOURS": str(settings.review_ttl_hours),
        "COLUMNS": "200",
    }


CONFIGURATIONS = ("embedded", "deployed")
"""Where the app keeps its records: SQLite files and Chroma in-process, or PostgreSQL and a Chroma
server (`tests/support/deployed.py`, shared by the run)."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_configurations` run once per configuration wherever they use `settings`."""
    if metafunc.definition.get_closest_marker("both_configurations") and "settings" in metafunc.fixturenames:
        metafunc.parametrize("settings", CONFIGURATIONS, indirect=True)


@pytest.fixture(scope="session")
def deployed_storage() -> Iterator[SharedStorage]:
    with shared_storage() as storage:
        yield storage


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    storage: dict[str, str] = {}
    with ExitStack() as stack:
        if getattr(request, "param", "embedded") == "deployed":
            storage = stack.enter_context(request.getfixturevalue("deployed_storage").fresh())
        yield make_settings(tmp_path / "data", llm_base_url="http://127.0.0.1:9/v1", **storage)


@pytest.fixture(scope="session")
def local_llm() -> Iterator[tuple[str, str]]:
    """(base URL, model name) of the real local vLLM: reused if it runs, else started and
    stopped again at the end of the session."""
    server = LocalLLM.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    started = server.start(lambda message: print(f"[local LLM] {message}", flush=True))
    try:
        models = httpx.get(f"{server.base_url}/v1/models", timeout=10).json()["data"]
        yield f"{server.base_url}/v1", models[0]["id"]
    finally:
        if started:
            server.stop()


@pytest.fixture
def llm_settings(tmp_path: Path, local_llm: tuple[str, str]) -> Settings:
    base_url, model = local_llm
    return make_settings(tmp_path / "data", llm_base_url=base_url, llm_model=model)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty app database, SQLite then a throwaway PostgreSQL cluster."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'app.db'}")
        yield database
        database.dispose()
    else:
        with postgres() as url:
            database = Database(url)
            yield database
            database.dispose()
