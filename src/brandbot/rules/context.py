"""What a draft is, as far as choosing rules goes: its format, its channel, whether it promotes."""

from __future__ import annotations

from dataclasses import dataclass

from brandbot.formats import FORMATS

KNOWN_FORMATS = frozenset(FORMATS)
KNOWN_CHANNELS = frozenset(fmt.channel for fmt in FORMATS.values())


@dataclass(frozen=True, slots=True)
class DraftContext:
    """`channel` defaults to the one the format implies (x_post -> x), so a config that speaks of
    channels applies to a draft known only by its format."""

    format: str | None = None
    channel: str | None = None
    promotional: bool = False

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in KNOWN_FORMATS:
            raise ValueError(f"unknown format '{self.format}' (known: {', '.join(sorted(KNOWN_FORMATS))})")
        if self.channel is not None and self.channel not in KNOWN_CHANNELS:
            raise ValueError(f"unknown channel '{self.channel}' (known: {', '.join(sorted(KNOWN_CHANNELS))})")

    @property
    def resolved_channel(self) -> str | None:
        if self.channel is None and self.format is not None:
            return FORMATS[self.format].channel
        return self.channel
