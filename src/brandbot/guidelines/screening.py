"""Guideline text aimed at a model rather than at people: instructions to drop the rules, role
play, fake system or chat-template turns, requests to reveal the prompt. A passage with any is
held for an admin's review instead of going live, so an uploaded document can't steer drafts."""

from __future__ import annotations

import re

_SIGNS: list[tuple[str, re.Pattern[str]]] = [
    (reason, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for reason, pattern in (
        (
            "tells a model to ignore its instructions",
            r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}"
            r"\b(?:previous|prior|above|earlier|all|any|your|the|these|system)\b[^.\n]{0,30}"
            r"\b(?:instructions?|rules|prompts?|guidelines|directives|constraints)\b",
        ),
        (
            "asks a model to take on another role",
            r"\b(?:you are now|from now on,? you (?:are|will)|pretend (?:to be|you are)|act as (?:an?|the) "
            r"(?:unrestricted|uncensored|different|new)|role-?play as|enter (?:developer|god|dan) mode)\b",
        ),
        (
            "poses as a system or chat turn",
            r"^\s*(?:system|assistant|developer)\s*:|<\|(?:im_start|im_end|system|begin_of_text|eot_id)\|>"
            r"|\[/?INST\]|<</?SYS>>|^\s*#{2,}\s*(?:system|instructions?)\s*:?\s*$",
        ),
        (
            "asks a model to reveal its prompt or hide things from reviewers",
            r"\b(?:reveal|print|repeat|show)\b[^.\n]{0,20}\b(?:system prompt|your (?:prompt|instructions))\b"
            r"|\b(?:do not|don't|never) (?:tell|mention|show)\b[^.\n]{0,30}\b(?:approver|reviewer|user|human)s?\b",
        ),
    )
]


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
HIDDEN = "hidden in the file (white, tiny or hidden text no reader sees)"


def reasons(text: str) -> list[str]:
    """Why `text` looks written for a model, or [] when it reads as guidance for people."""
    return [reason for reason, pattern in _SIGNS if pattern.search(text)]


def split(text: str) -> tuple[str, tuple[str, list[str]] | None]:
    """A passage cut at its paragraphs into what goes live and (the held text, why): one
    poisoned paragraph doesn't take the guidance beside it down with it."""
    clean: list[str] = []
    held: list[str] = []
    why: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        found = reasons(paragraph)
        if found:
            held.append(paragraph)
            why.extend(reason for reason in found if reason not in why)
        else:
            clean.append(paragraph)
    return "\n\n".join(clean).strip(), (("\n\n".join(held), why) if held else None)
