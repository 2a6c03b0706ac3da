"""One process's parts, built from the settings on first use (the embedding model takes
seconds to load; `brandbot review list` should not wait for it)."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import replace
from datetime import timedelta
from functools import cached_property

from brandbot.config import Settings
from brandbot.guidelines.embeddings import embedding_function
from brandbot.guidelines.knowledge_base import KnowledgeBase
from brandbot.llm import LLMClient
from brandbot.rulebook import library
from brandbot.rules import RuleSet
from brandbot.schema import migrate
from brandbot.store import rule_versions
from brandbot.store.db import Database
from brandbot.store.events import EventLog
from brandbot.store.leases import Leases
from brandbot.store.models import OutboxMessage, WorkItem
from brandbot.store.queue import Queue
from brandbot.store.requests import RequestStore
from brandbot.workflow.checkpointer import checkpointer_for
from brandbot.workflow.engine import Engine
from brandbot.workflow.examples import ApprovedExamples
from brandbot.workflow.rechecks import Rechecker
from brandbot.workflow.safety import guard_for
from brandbot.workflow.state import WorkflowContext


class Services:
    def __init__(self, settings: Settings, *, llm: LLMClient | None = None) -> None:
        self.settings = settings
        settings.ensure_dirs()
        self.db = Database(settings.resolved_database_url, migration_url=settings.migration_database_url)
        migrate(self.db)
        self.requests = RequestStore(self.db)
        self._llm = llm
        self._rules: tuple[int | None, RuleSet] | None = None
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.leases = Leases(self.db, self.worker_id)
        self.events = EventLog(self.db)

    @cached_property
    def llm(self) -> LLMClient:
        return self._llm or LLMClient(self.settings)

    @cached_property
    def knowledge_base(self) -> KnowledgeBase:
        return KnowledgeBase(self.settings, self.db)

    @cached_property
    def engine(self) -> Engine:
        context = WorkflowContext(
            self.settings,
            self.knowledge_base,
            self.llm,
            self.requests,
            self.rules,
            content_guard=guard_for(self.settings),
            examples=ApprovedExamples(self.requests, embedding_function(self.settings.embedding_model)),
        )
        return Engine(context, checkpointer_for(self.settings), self.work)

    @cached_property
    def rechecker(self) -> Rechecker:
        return Rechecker(self.settings, self.db, self.rules, self.knowledge_base)

    @cached_property
    def work(self) -> Queue[WorkItem]:
        return Queue(self.db, WorkItem, self.worker_id, timedelta(seconds=self.settings.worker_stale_s))

    @cached_property
    def outbox(self) -> Queue[OutboxMessage]:
        return Queue(self.db, OutboxMessage, self.worker_id, timedelta(seconds=self.settings.worker_stale_s))

    def rules(self) -> RuleSet:
        """The installed rules, reloaded when any replica has published a new version (one
        cheap query per call; the rules are loaded once per version)."""
        current = rule_versions.current_id(self.db)
        if self._rules is None or self._rules[0] != current:
            loaded = library.load_active(self.settings, self.db)
            self._rules = (current, replace(loaded, time_limit_s=self.settings.rule_time_limit_ms / 1000))
        return self._rules[1]

    def close(self) -> None:
        if "llm" in self.__dict__:
            self.llm.close()
        self.db.dispose()
