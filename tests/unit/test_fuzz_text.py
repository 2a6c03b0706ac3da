"""Property-based tests (hypothesis), bounded for the suite by its profile (tests/conftest.py);
`bench/fuzz.py` runs the same properties longer. Any text at all: delivered byte for byte and
never live; any rule file or guideline file: it loads or is refused in one line, nothing else."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from brandbot.config import Settings
from brandbot.guidelines.document import LoaderError
from brandbot.guidelines.loaders.isolated import parse_isolated
from brandbot.guidelines.loaders.limits import ParseLimits
from brandbot.rules import RuleLoadError
from brandbot.rules.checks import CHECK_TYPES
from brandbot.rules.loader import load_rule
from brandbot.slack.blocks import approval, messages
from tests.support.slack_markup import literal_text, live_markup
from tests.unit.test_slack_blocks import view

PIECES = [*"<>&|!@#^*_~`[]():/ \n\tabcUWCS0129.-", "<!channel>", "<@U0EVIL>", "https://", "&amp;", "<#C1>"]
SLACKISH = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
"""Text dense in Slack's control characters and the pieces of its sequences."""
ANY_TEXT = st.one_of(SLACKISH, st.text(max_size=2000))
LIMITS = Settings(_env_file=None)  # type: ignore[call-arg]


@given(ANY_TEXT)
def test_any_approved_text_arrives_exactly_and_inert(text: str) -> None:
    parts = messages.final_text(text)
    assert "".join(literal_text(part["blocks"]) for part in parts) in (text, " ")
    assert live_markup(parts) == []


@given(request=ANY_TEXT, draft=ANY_TEXT)
def test_any_request_and_draft_make_a_card_with_nothing_live_but_ours(request: str, draft: str) -> None:
    card = approval.approval_card(view(request=request, text=draft))
    assert [sequence for sequence in live_markup(card) if not sequence.startswith(("<@UALICE01>", "<!date^"))] == []
    assert len(card["blocks"]) <= 50


RULE_KEYS = ["extends", "message", "level", "scope", "tokens", "swap", "token", "max", "min", "raw", "ignorecase"]
RULE_KEYS += ["nonword", "exceptions", "match", "first", "second", "either", "formula", "condition", "metrics"]
RULE_KEYS += ["grade", "action", "limit", "link", "alpha", "vocab", "append", "capitalize", "threshold", "style"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 100), st.floats(allow_nan=True), SLACKISH)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(SLACKISH, inner, max_size=4))


@given(
    extends=st.sampled_from([*CHECK_TYPES, "spelling", "nonsense"]),
    keys=st.dictionaries(st.sampled_from(RULE_KEYS), VALUES, max_size=6),
)
def test_any_rule_file_loads_or_is_refused_in_one_line(tmp_path_factory: object, extends: str, keys: dict) -> None:  # type: ignore[type-arg]
    folder = Path(tmp_path_factory.mktemp("rule"))  # type: ignore[attr-defined]
    rule = folder / "Rule.yml"
    rule.write_text(yaml.safe_dump({"extends": extends, **keys}, allow_unicode=True), encoding="utf-8")
    try:
        load_rule(rule, "Fuzz/Rule.yml")
    except RuleLoadError as error:
        assert str(error).startswith("Fuzz/Rule.yml") and "\n" not in str(error).strip()


@given(st.binary(max_size=600))
def test_any_bytes_as_a_rule_file_load_or_are_refused(tmp_path_factory: object, content: bytes) -> None:
    rule = Path(tmp_path_factory.mktemp("raw")) / "Rule.yml"  # type: ignore[attr-defined]
    rule.write_bytes(content)
    try:
        load_rule(rule, "Fuzz/Rule.yml")
    except RuleLoadError as error:
        assert str(error).startswith("Fuzz/Rule.yml")


@given(fmt=st.sampled_from(["md", "txt", "html", "pdf", "docx", "MD", "HTML"]), data=st.binary(max_size=2000))
def test_any_bytes_as_a_guideline_parse_or_are_refused_in_one_line(fmt: str, data: bytes) -> None:
    """Through the child process the bot parses untrusted files in, with its limits."""
    try:
        parse_isolated(f"fuzz.{fmt}", data, max_bytes=10_000, limits=ParseLimits.from_settings(LIMITS))
    except LoaderError as error:
        assert str(error).strip() and "\n" not in str(error).strip()
