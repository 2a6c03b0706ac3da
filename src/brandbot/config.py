"""Every setting brandbot reads, in one typed object built once from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOCAL_MODEL_NAME = "HuggingFaceTB/SmolLM2-135M-Instruct"
"""The name `brandbot llm serve` gives the small local model; production sets Llama 4."""


def _xdg_dir(variable: str, fallback: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / fallback)


def _default_data_dir() -> Path:
    return _xdg_dir("XDG_DATA_HOME", ".local/share") / "brandbot"


def _default_llm_home() -> Path:
    return _xdg_dir("XDG_CACHE_HOME", ".cache") / "brandbot" / "llm"


CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Defaults are the embedded set-up: files under the data directory and a local vLLM."""

    model_config = SettingsConfigDict(env_prefix="BRANDBOT_", env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    checkpoint_path: Path | None = None
    chroma_path: Path | None = None
    chroma_url: str | None = None
    """A Chroma server (`chroma run`) instead of the embedded store, e.g. http://chroma:8000."""
    chroma_token: SecretStr | None = None
    """Sent to the Chroma server as `Authorization: Bearer ...` (docker-compose.yml's proxy checks it)."""
    chroma_collection: str = "guidelines"
    rules_path: Path | None = None
    """Where an older version kept its rules on disk: published once into the database, then unused."""

    llm_base_url: str = "http://127.0.0.1:8000/v1"
    llm_model: str = LOCAL_MODEL_NAME
    llm_api_key: SecretStr = SecretStr("EMPTY")
    llm_timeout_s: float = Field(default=120.0, gt=0)
    llm_connect_timeout_s: float = Field(default=5.0, gt=0)
    llm_max_retries: int = Field(default=3, ge=0, le=10)
    llm_retry_backoff_s: float = Field(default=0.5, ge=0)
    llm_temperature: float = Field(default=0.3, ge=0, le=2)
    llm_frequency_penalty: float = Field(default=0.5, ge=-2, le=2)
    """Keeps small models from looping; structured calls run without it."""
    guard_base_url: str | None = None
    """A content guard model (Llama Guard 4 served by vLLM); unset: the shipped rule-based guard."""
    guard_model: str | None = None
    guard_format: Literal["llama-guard", "json"] = "llama-guard"
    """How the guard answers: Llama Guard's `safe`/`unsafe` lines, or JSON for any instruct model."""
    judge_base_url: str | None = None
    """The model that scores drafts in `brandbot eval drafts`; unset: the drafting model judges."""
    judge_model: str | None = None
    llm_max_in_flight: int | None = Field(default=None, ge=1, le=4096)
    """Requests one replica has at the LLM server at once; drafts beyond it wait as work rows, in
    order. Unset: 64, for a GPU vLLM (which batches 64 to 256 sequences), or 16 for the small
    local model on CPU. Size it to the server's `--max-num-seqs` divided by the replicas."""
    llm_home: Path = Field(default_factory=_default_llm_home)
    intent_model: bool | None = None
    """Ask the LLM what a message wants (a question, a draft, a check, a rewrite) when the patterns
    are unsure. Unset: yes, unless the LLM is the local 135M model, which reads intents at chance
    and does worse than the patterns alone (bench/RESULTS.md, intents)."""
    llm_port: int = Field(default=8000, ge=1, le=65535)

    brand_name: str = "Tidewell"
    embedding_model: str = "all-MiniLM-L6-v2"
    chunk_max_tokens: int = Field(default=200, ge=32, le=254)
    retrieval_top_k: int = Field(default=5, ge=1, le=50)
    answer_min_similarity: float = Field(default=0.40, ge=0.0, le=1.0)
    """A question is answered only when a retrieved passage (or its best sentence) is at least this
    close to it (cosine); below, it is "not covered" without asking the model. 0.40 kept 96 % of the
    Tidewell golden questions and turned away 88 % of eval/uncovered.yml on retrieval alone."""
    answer_passage_similarity: float = Field(default=0.30, ge=0.0, le=1.0)
    """Retrieved passages less close than this are not shown to the model answering a question."""
    corpora: Path | None = None
    """The shared public corpora that `corpora:NAME` in an evaluation file names (BRANDBOT_CORPORA);
    unset, the evaluation looks in ../shared/corpora beside the repository."""

    approvers: CommaList = Field(default_factory=list)
    approver_group: str | None = None
    admins: CommaList = Field(default_factory=list)
    approval_channel: str | None = None
    slack_workers: int = Field(default=8, ge=1, le=64)
    """Decided drafts one replica resumes at once, apart from drafting so that no decision waits
    behind it (drafting is bounded by `llm_max_in_flight`, uploads run one at a time)."""
    outbox_workers: int = Field(default=16, ge=1, le=64)
    """Messages to people one replica delivers at once (and as many again for decisions' news)."""
    worker_poll_s: float = Field(default=0.2, gt=0)
    """How often idle pools look for rows queued by another process (this one's wake them at once)."""
    worker_heartbeat_s: float = Field(default=10.0, gt=0)
    worker_stale_s: float = Field(default=60.0, gt=0)
    """A work row whose worker has not renewed its lease for this long is taken over by another replica."""
    sweep_every_s: float = Field(default=15.0, gt=0)
    """How often a replica looks for expired drafts and decisions whose resume never ran (one replica at a time)."""

    internal_host: str = "127.0.0.1"
    internal_port: int = Field(default=3001, ge=1, le=65535)
    """/healthz, /readyz and /metrics, apart from Slack's port: the proxy never forwards here."""
    migration_database_url: str | None = None
    """PostgreSQL: the role that owns the tables runs the migrations, then grants the role of
    `database_url` only what the app needs (the audit log it only reads and appends to through a
    function of the owner's; no CREATE on the schema)."""
    event_retention_hours: float = Field(default=2.0, ge=1)
    """Slack event keys are kept this long: past Slack's retries (three, within about an hour)."""
    finished_retention_days: float = Field(default=14.0, gt=0)
    """Finished work rows and delivered messages are kept this long, for looking into."""

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")

    max_upload_mb: float = Field(default=20.0, gt=0)
    """Every file an admin adds (guidelines, rule files, rule zips), counted as it downloads."""
    max_unpacked_mb: float = Field(default=100.0, gt=0)
    """What a .docx may unpack to in all (a rules .zip: `max_upload_mb`)."""
    max_zip_ratio: float = Field(default=100.0, gt=1)
    """Unpacked to packed size of a zip member over 1 MB (.docx, rules .zip); past it: a bomb."""
    max_pdf_pages: int = Field(default=500, ge=1)
    parse_time_limit_s: float = Field(default=60.0, gt=0)
    parse_memory_mb: int = Field(default=1024, ge=256)
    """One file is parsed in a child process, killed past this time and refused past this memory."""
    max_request_chars: int = Field(default=4000, ge=1)
    max_drafts_per_hour: int = Field(
        default=20,
        ge=0,
        validation_alias=AliasChoices(
            "BRANDBOT_MAX_DRAFTS_PER_HOUR", "BRANDBOT_MAX_REQUESTS_PER_HOUR", "max_drafts_per_hour"
        ),
    )
    """Drafting runs one person may start in a clock hour (0: no limit): new requests, revisions
    from their follow-ups, retries (`store/budget.py`); past it, they are told when to ask again.
    BRANDBOT_MAX_REQUESTS_PER_HOUR, its name before questions had a budget of their own, still sets it."""
    max_questions_per_hour: int = Field(default=60, ge=0)
    """Messages to brandbot one person may send in a clock hour (0: no limit): questions, and every
    mention, DM or `/brandbot TEXT`, whose meaning may take the LLM to read; one asking for a draft
    counts here and against `max_drafts_per_hour`."""
    max_change_rounds: int = Field(default=3, ge=0)
    max_auto_revisions: int = Field(default=2, ge=0, le=10)
    """Redrafts the workflow asks for on its own while error-level rules are broken."""
    draft_examples: int = Field(default=2, ge=0, le=5)
    """Approved texts of the same format given to the drafter as examples of the voice (0: none)."""
    rule_time_limit_ms: float = Field(default=100.0, gt=0)
    """Per rule per draft; a rule past it is reported as failed instead of freezing the process."""
    rule_proposal_min_evidence: int = Field(default=3, ge=1)
    """Distinct reviewers whose decisions (edits, change requests) must show the same change before
    it is proposed to admins as a brand rule: one person's many decisions count once, and a
    requester's follow-ups on their own draft not at all. Fewer is one reviewer's taste, not the brand's."""
    recheck_days: int = Field(default=90, ge=1)
    """After a guideline or rules change, texts approved in this many days are checked again."""
    review_ttl_hours: float = Field(default=72.0, gt=0)

    @field_validator("chroma_token")
    @classmethod
    def _token_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not all(33 <= ord(char) < 127 for char in value.get_secret_value()):
            raise ValueError("must be ASCII letters, digits and punctuation only (no spaces)")
        return value

    @field_validator("approvers", "admins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'brandbot.db'}"

    @property
    def resolved_checkpoint_path(self) -> Path:
        return self.checkpoint_path or self.data_dir / "checkpoints.sqlite"

    @property
    def chroma_location(self) -> Path | str:
        return self.chroma_url or self.chroma_path or self.data_dir / "chroma"

    @property
    def uses_postgres(self) -> bool:
        return self.resolved_database_url.startswith("postgresql")

    @property
    def resolved_rules_path(self) -> Path:
        return self.rules_path or self.data_dir / "rules"

    @property
    def resolved_llm_max_in_flight(self) -> int:
        if self.llm_max_in_flight is not None:
            return self.llm_max_in_flight
        return 16 if self.llm_model == LOCAL_MODEL_NAME else 64

    @property
    def resolved_intent_model(self) -> bool:
        return self.intent_model if self.intent_model is not None else self.llm_model != LOCAL_MODEL_NAME

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    def ensure_dirs(self) -> None:
        """Create the data directory tree; called by the edges that write, not at import."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
