"""Checks on an untrusted zip (a .docx, a rules .zip) before anything in it is unpacked: a few
kilobytes of deflate can stand for gigabytes. Imports nothing heavy, so the rules CLI can use it."""

from __future__ import annotations

import zipfile

MB = 1024 * 1024
RATIO_FLOOR = MB
"""Members that unpack to less than this are not judged by their ratio: the small XML parts of a
real .docx compress far past any bomb ratio without costing anything."""


def refusal(archive: zipfile.ZipFile, max_unpacked: int, max_ratio: float) -> str | None:
    """Why `archive` must not be unpacked, or None. The sizes are the central directory's, and
    they hold: Python's zipfile stops each member at its declared size (and checks its CRC), so a
    header that understates a member cannot unpack more than it says."""
    total = 0
    for member in archive.infolist():
        if member.flag_bits & 0x1:
            return f"'{member.filename}' is encrypted"
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > max_ratio:
            return f"'{member.filename}' unpacks to {ratio:.0f} times its size (limit {max_ratio:g}), a zip bomb"
        total += member.file_size
    if total > max_unpacked:
        return f"unpacks to {total / MB:.1f} MB, over the {max_unpacked / MB:g} MB limit"
    return None
