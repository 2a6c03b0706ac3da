"""The shipped Tidewell style (guidelines/rules) against drafts on and off brand."""

from __future__ import annotations

import pytest

from brandbot.rules import DraftContext, Level, RuleSet, apply_fixes, load_styles
from tests.unit.rules.support import SHIPPED_RULES

DISCLAIMER = "Free trial: 30 days, no credit card required. Terms apply: tidewell.example/terms."
CLEAN = f"""\
# Back up every laptop with Tidewell Backup

Tidewell Backup copies your files to the cloud every hour. If a laptop is lost, you can \
restore its files to a new one in a few steps with Tidewell Restore.

Start your 30-day free trial on the Team plan today!

{DISCLAIMER}
"""


@pytest.fixture(scope="module")
def shipped() -> RuleSet:
    return load_styles(SHIPPED_RULES)


def errors(rules: RuleSet, text: str, context: DraftContext | None = None) -> list[str]:
    return [alert.check for alert in rules.check(text, context) if alert.level is Level.error]


def test_an_off_brand_draft_is_flagged(shipped: RuleSet) -> None:
    alerts = shipped.check("Our cheap, revolutionary TideWell backup is 100% secure!!")
    assert [(alert.check, alert.match) for alert in alerts if alert.match] == [
        ("Tidewell.WordsToAvoid", "cheap"),
        ("Tidewell.Hype", "revolutionary"),
        ("Vale.Terms", "TideWell backup"),
        ("Tidewell.SecurityClaims", "100% secure"),
        ("Tidewell.Exclamation", "!"),
    ]


@pytest.mark.parametrize("format_name", [None, "linkedin_post", "x_post", "email", "slack_message", "blog_post"])
def test_a_clean_promotional_draft_has_no_errors(shipped: RuleSet, format_name: str | None) -> None:
    text = CLEAN if format_name != "x_post" else f"Back up every laptop with Tidewell Backup. {DISCLAIMER}"
    assert errors(shipped, text, DraftContext(format=format_name, promotional=True)) == []


def test_the_disclaimer_is_required_only_in_promotional_drafts(shipped: RuleSet) -> None:
    without = CLEAN.replace(DISCLAIMER, "")
    assert errors(shipped, without, DraftContext(format="linkedin_post", promotional=True)) == [
        "Tidewell.TrialDisclaimer"
    ]
    assert errors(shipped, without, DraftContext(format="linkedin_post")) == []


def test_x_posts_get_the_stricter_reading_level_as_an_error(shipped: RuleSet) -> None:
    text = "Our immutable storage tier prevents modification of historical restore points indefinitely."
    everywhere = {alert.check: alert.level for alert in shipped.check(text, DraftContext(format="linkedin_post"))}
    on_x = {alert.check: alert.level for alert in shipped.check(text, DraftContext(format="x_post"))}
    assert everywhere["Tidewell.ReadingLevel"] is Level.warning and "Tidewell.ReadingLevelShort" not in everywhere
    assert on_x["Tidewell.ReadingLevelShort"] is Level.error and "Tidewell.ReadingLevel" not in on_x


def emoji_alerts(rules: RuleSet, text: str, format_name: str) -> list[tuple[str, str]]:
    alerts = rules.check(text, DraftContext(format=format_name))
    return [(alert.check, alert.match) for alert in alerts if "Emoji" in alert.check]


def test_emoji_limits_by_channel(shipped: RuleSet) -> None:
    two = "Tidewell Restore is here 🎉 🚀"
    assert emoji_alerts(shipped, two, "linkedin_post") == [("Tidewell.Emoji", "🎉"), ("Tidewell.Emoji", "🚀")]
    assert emoji_alerts(shipped, two, "x_post") == [("Tidewell.EmojiOnX", "🎉")]  # at the first, as in Vale
    assert emoji_alerts(shipped, two, "slack_message") == []
    assert emoji_alerts(shipped, two + " ✅", "slack_message") == [("Tidewell.EmojiOnSlack", "🎉")]
    assert emoji_alerts(shipped, two, "announcement") == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Try TW Backup or Tidewell-Vault.", "Tidewell.ProductNames"),
        ("Upgrade to the Premium plan.", "Tidewell.PlanNames"),
        ("Tidewell™ Backup", "Tidewell.Trademarks"),
        ("Tidewell (R) Vault", "Tidewell.Trademarks"),
        ("Whitelist your guys.", "Tidewell.InclusiveLanguage"),
        ("Open the Admin Console.", "Vale.Avoid"),
        ("We guarantee uptime.", "Tidewell.SecurityClaims"),
    ],
)
def test_brand_book_rules(shipped: RuleSet, text: str, rule: str) -> None:
    assert rule in errors(shipped, text)


def test_warnings_from_the_voice_guide(shipped: RuleSet) -> None:
    alerts = shipped.check("# Our Great New Feature!\n\nSimply click restore. Start a thirty-day free trial.")
    assert {alert.check for alert in alerts if alert.level is Level.warning} >= {
        "Tidewell.HeadingCase",
        "Tidewell.HeadlineExclamation",
        "Tidewell.Effort",
        "Tidewell.TrialLength",
    }


def test_substitutions_fix_to_brand(shipped: RuleSet) -> None:
    text = "Leverage our cheap TW Backup: a thirty-day free trial."
    fixed = apply_fixes(text, shipped.check(text))
    assert fixed == "Use our affordable Tidewell Backup: a 30-day free trial."
    assert errors(shipped, fixed) == []


def test_every_rule_links_to_the_brand_book(shipped: RuleSet) -> None:
    links = {check.definition.id: check.definition.link for check in shipped.checks}
    assert all(link.startswith("guidelines/") for rule, link in links.items() if rule.startswith("Tidewell."))
