"""How far reading one untrusted file may go: what a .docx unpacks to, PDF pages, time, memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brandbot.config import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class ParseLimits:
    """Defaults are the settings' defaults (`BRANDBOT_MAX_UNPACKED_MB` and the rest)."""

    max_unpacked_bytes: int = 100 * MB
    max_zip_ratio: float = 100.0
    max_pdf_pages: int = 500
    time_limit_s: float = 60.0
    memory_bytes: int = 1024 * MB

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseLimits:
        return cls(
            max_unpacked_bytes=int(settings.max_unpacked_mb * MB),
            max_zip_ratio=settings.max_zip_ratio,
            max_pdf_pages=settings.max_pdf_pages,
            time_limit_s=settings.parse_time_limit_s,
            memory_bytes=settings.parse_memory_mb * MB,
        )
