"""A Chroma server that wants a token, as compose runs it: a real `chroma run` behind a proxy that
turns away any request without `Authorization: Bearer <token>` (Chroma 1.x's server checks no
credentials itself: it ignores CHROMA_SERVER_AUTHN_PROVIDER and answers anyone). brandbot sends
BRANDBOT_CHROMA_TOKEN on every call; without it, it is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromadb.errors import AuthorizationError
from pydantic import ValidationError

from brandbot.guidelines.knowledge_base import KnowledgeBase, SourceFile
from brandbot.store.db import Database
from tests.conftest import make_settings
from tests.support.servers import chroma_server
from tests.support.token_proxy import token_proxy

TOKEN = "a2f9c1e0b7d34c5e8f61d2a9b0c3e4f5"
GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain. Say affordable, never cheap."


def test_the_knowledge_base_sends_the_token_to_chroma_and_is_refused_without_it(tmp_path: Path) -> None:
    with chroma_server() as chroma, token_proxy(chroma, TOKEN) as proxy:
        settings = make_settings(tmp_path / "data", chroma_url=proxy.url, chroma_token=TOKEN)
        settings.ensure_dirs()
        db = Database(settings.resolved_database_url)
        try:
            db.create_schema()
            kb = KnowledgeBase(settings, db)
            [added] = kb.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
            assert added.outcome == "added"
            assert any("affordable" in passage.text for passage in kb.search("can I say cheap?", retriever="dense"))
            assert proxy.seen and set(proxy.seen) == {f"Bearer {TOKEN}"}, "every call carried the token"

            refused = len(proxy.seen)
            with pytest.raises(AuthorizationError, match="wants a token: set BRANDBOT_CHROMA_TOKEN"):
                KnowledgeBase(make_settings(tmp_path / "data", chroma_url=proxy.url), db).search("tone")
            assert proxy.seen[refused:] and None in proxy.seen[refused:]
        finally:
            db.dispose()


def test_a_token_chroma_cannot_send_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="chroma_token"):
        make_settings(tmp_path / "data", chroma_token="two words")
