"""The kinds of content brandbot drafts, with the length each channel allows.

Limits follow the shipped channel guides (guidelines/channel-guide-*.*): LinkedIn 3,000
characters, X 280, Slack announcements 1,200, customer emails about 200 words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    channel: str
    max_chars: int
    target_words: str
    max_tokens: int
    """Generation budget: room for the longest acceptable draft, not much more."""


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("linkedin_post", "LinkedIn post", "linkedin", 3000, "100-200 words", 400),
        Format("x_post", "X post", "x", 280, "under 45 words", 96),
        Format("slack_message", "Slack message", "slack", 1200, "under 150 words", 256),
        Format("email", "customer email", "email", 2000, "under 200 words", 400),
        Format("blog_post", "blog post", "blog", 12000, "800-1,500 words", 1024),
        Format("announcement", "announcement", "any", 2000, "150-250 words", 400),
        Format("reply", "reply", "any", 1200, "under 120 words", 256),
    )
}
DEFAULT_FORMAT = "announcement"
AUDIENCES = ("customers", "prospects", "partners", "employees", "community", "general")
LENGTHS = ("short", "medium", "long")


def format_for(name: str) -> Format:
    return FORMATS.get(name, FORMATS[DEFAULT_FORMAT])
