"""Personal data in a draft, flagged on its card: email addresses, phone numbers and payment
card numbers (checked with Luhn's digit, so an order number is no card). The approver decides;
the flag repeats each item only masked."""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}"  # +44 20 7946 0958
    r"|\(\d{2,4}\)[\s.-]?\d{3,4}[\s.-]?\d{3,4}"  # (415) 555-0132
    r"|\d{3}[.-]\d{3}[.-]\d{4}"  # 415-555-0132
    r"|0\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}"  # 020 7946 0958
    r")(?!\w)"
)
"""Written the ways phone numbers are, so an order or version number isn't one."""


@dataclass(frozen=True, slots=True)
class PersonalData:
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.kind} ({self.masked})"


def find(text: str) -> list[PersonalData]:
    found: list[PersonalData] = []
    taken: list[tuple[int, int]] = []
    for match in _EMAIL.finditer(text):
        local, _, domain = match[0].partition("@")
        found.append(PersonalData("an email address", f"{local[:1]}•••@{domain}"))
        taken.append(match.span())
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match[0])
        if _luhn(digits) and not _overlaps(match.span(), taken):
            found.append(PersonalData("a card number", f"•••• {digits[-4:]}"))
            taken.append(match.span())
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match[0])
        if 9 <= len(digits) <= 15 and not _overlaps(match.span(), taken):
            found.append(PersonalData("a phone number", f"•••• {digits[-4:]}"))
            taken.append(match.span())
    return found


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in taken)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0
