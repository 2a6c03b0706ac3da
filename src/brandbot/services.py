"""One process's parts, built from the settings on first use (the embedding model takes
seconds to load; `brandbot review list` should not wait for it)."""

from __future__ import annotations

import os
import secrets
import socket
from functools import cached_property
from pathlib import Path

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import KnowledgeBase
from brandbot.llm import LLMClient
from brandbot.rules import RuleSet, library
from brandbot.store.db import Database
from brandbot.store.leases import Leases
from brandbot.store.requests import RequestStore
from brandbot.workflow.checkpointer import checkpointer_for
from brandbot.workflow.engine import Engine
from brandbot.workflow.state import WorkflowContext


class Services:
    def __init__(self, settings: Settings, *, llm: LLMClient | None = None) -> None:
        self.settings = settings
        settings.ensure_dirs()
        self.db = Database(settings.resolved_database_url)
        self.db.create_schema()
        self.requests = RequestStore(self.db)
        self._llm = llm
        self._rules: tuple[Path, RuleSet] | None = None
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.leases = Leases(self.db, self.worker_id)

    @cached_property
    def llm(self) -> LLMClient:
        return self._llm or LLMClient(self.settings)

    @cached_property
    def knowledge_base(self) -> KnowledgeBase:
        return KnowledgeBase(self.settings, self.db)

    @cached_property
    def engine(self) -> Engine:
        context = WorkflowContext(self.settings, self.knowledge_base, self.llm, self.requests, self.rules)
        return Engine(context, checkpointer_for(self.settings), working_on=self.leases.work_on)

    def rules(self) -> RuleSet:
        """The installed rules, reloaded when `rules add/remove` has published a new version
        (the rules path is a symlink that then points elsewhere)."""
        current = self.settings.resolved_rules_path.resolve()
        if self._rules is None or self._rules[0] != current:
            self._rules = (current, library.load_active(self.settings))
        return self._rules[1]

    def close(self) -> None:
        if "llm" in self.__dict__:
            self.llm.close()
        self.db.dispose()
