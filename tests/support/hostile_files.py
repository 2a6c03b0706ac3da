"""Hostile files written by the tests: zip bombs, encrypted and malformed parts, long PDFs."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator

from pypdf import PdfWriter

from tests.conftest import GUIDELINES

MB = 1024 * 1024
DOCX = GUIDELINES / "channel-guide-social.docx"


def docx_with(member: str, write: bytes | Iterable[bytes]) -> bytes:
    """The shipped .docx with `member` replaced by `write` (chunks are streamed: a bomb's
    hundreds of megabytes never sit in the test's memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(DOCX) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info, source.read(info))
        with out.open(member, "w") as target:
            for chunk in [write] if isinstance(write, bytes) else write:
                target.write(chunk)
    return buffer.getvalue()


def spaces(megabytes: int) -> Iterator[bytes]:
    return (b" " * MB for _ in range(megabytes))


def encrypted(archive: bytes) -> bytes:
    """The archive with every member marked encrypted (bit 0 of the general-purpose flags, in
    the local headers and the central directory): what a zip made with a password is to Python."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as parsed:
        members, offset = parsed.infolist(), parsed.start_dir
    for info in members:
        data[info.header_offset + 6] |= 0x1
        data[offset + 8] |= 0x1
        name, extra, comment = struct.unpack("<HHH", data[offset + 28 : offset + 34])
        offset += 46 + name + extra + comment
    return bytes(data)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
