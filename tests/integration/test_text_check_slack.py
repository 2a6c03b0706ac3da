"""Check my text end to end: `brandbot serve` as its own process with the shipped guidelines and
rules, the Slack stand-in and the real local LLM. A message shortcut's check answers in the
person's DM; Rewrite on-brand (clicked twice) makes one request, which the local model drafts
and which reaches the approval card like any draft."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from brandbot.store.models import Request
from tests.conftest import GUIDELINES, make_settings, settings_env
from tests.integration import cli
from tests.integration.test_slack_app import ALICE, TOKEN, Bot, slack_env
from tests.support.bot_process import start_bot, stop
from tests.support.slack_standin import TEAM, StandIn, interaction

TEXT = "Tidewell Backup is cheap and revolutionary."
DM = f"D{ALICE}"
"""The stand-in's conversations.open answers D + the user id."""


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str]) -> Iterator[Bot]:
    standin = StandIn(TOKEN)
    standin.start()
    data_dir = tmp_path_factory.mktemp("text-check") / "data"
    settings = make_settings(data_dir, llm_base_url=local_llm[0], llm_model=local_llm[1])
    env = settings_env(settings)
    cli.run(env, "guidelines", "add", str(GUIDELINES))
    cli.run(env, "rules", "add", str(GUIDELINES / "rules"))
    env |= slack_env(standin)
    process, url = start_bot(env, data_dir / "serve.log")
    yield Bot(url, standin, settings, env)
    stop(process)
    standin.stop()


def check_against_brand(bot: Bot, text: str) -> None:
    payload = {
        "type": "message_action",
        "team": {"id": TEAM, "domain": "tidewell"},
        "user": {"id": ALICE, "name": "alice", "team_id": TEAM},
        "channel": {"id": "CGENERAL01", "name": "general"},
        "callback_id": "check_against_brand",
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "response_url": f"{bot.standin.url}/response/shortcut",
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "user": "UBOB00001", "ts": "1700000000.000100", "text": text},
    }
    assert bot.post(interaction(payload), form=True).status_code == 200


def rewrite(bot: Bot, value: str) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": ALICE, "team_id": TEAM},
        "trigger_id": "t",
        "container": {"type": "message", "message_ts": "1.0", "channel_id": DM},
        "channel": {"id": DM},
        "response_url": f"{bot.standin.url}/response/rewrite",
        "actions": [{"action_id": "text_check_rewrite", "value": value, "type": "button", "block_id": "b"}],
    }
    assert bot.post(interaction(payload), form=True).status_code == 200


def test_a_checked_text_is_rewritten_by_the_local_model_and_goes_to_approval(bot: Bot) -> None:
    check_against_brand(bot, TEXT)
    answer = bot.standin.wait_for(
        lambda: next((m for m in bot.standin.posts_to(DM) if m["text"].startswith("Brand check:")), None),
        what="the check's answer in the DM",
    )
    shown = json.dumps(answer["blocks"])
    assert "Tidewell.WordsToAvoid" in shown and "Tidewell.Hype" in shown and "Guidelines that apply" in shown
    [value] = [e["value"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]

    rewrite(bot, value)
    rewrite(bot, value)
    card_ts, draft_id = bot.card("Rewrite this text on-brand")
    services = bot.services()
    try:
        with services.db.read() as session:
            [request] = session.scalars(select(Request)).all()
        assert "Tidewell.WordsToAvoid" in request.text and request.text.endswith(TEXT)
        draft = services.requests.get_draft(draft_id)
        assert draft is not None and draft.request_id == request.id and draft.text.strip()
    finally:
        services.close()
    card = json.dumps(next(c.args for c in bot.standin.of("chat.postMessage") if c.args.get("_ts") == card_ts))
    assert f"<@{ALICE}>" in card and "Brand rules:" in card
    told = json.dumps([c.args for c in bot.standin.of("chat.postEphemeral")])
    assert "already requested" in told
