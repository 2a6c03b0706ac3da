"""Counts over a draft's prose and the readability grades built from them (Vale's summary scope:
every prose block but headings, which are counted on their own)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from brandbot.rules.blocks import Block

_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_NOT_LETTER = re.compile(r"[^a-z]")
_SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$")
_VOWEL_GROUP = re.compile(r"[aeiouy]{1,2}")
_PLAIN_SUFFIX = re.compile(r"(?:es|ed|ing)$")


@lru_cache(maxsize=1 << 16)
def syllables(word: str) -> int:
    """The usual English heuristic: vowel groups, less a silent final e, -es or -ed."""
    letters = _NOT_LETTER.sub("", word.lower())
    if len(letters) <= 3:
        return 1
    letters = _SILENT_ENDING.sub("", letters)
    if letters.startswith("y"):
        letters = letters[1:]
    return max(1, len(_VOWEL_GROUP.findall(letters)))


@dataclass(frozen=True, slots=True)
class TextStats:
    words: int = 0
    sentences: int = 0
    characters: int = 0
    syllables: int = 0
    polysyllabic_words: int = 0
    complex_words: int = 0
    """Three or more syllables, not a name, not hyphenated, not three only through -es/-ed/-ing."""
    long_words: int = 0
    """More than 6 characters."""
    paragraphs: int = 0
    headings: tuple[int, ...] = (0, 0, 0, 0, 0, 0)
    lists: int = 0
    blockquotes: int = 0
    pre: int = 0

    def variables(self) -> dict[str, float]:
        """The names a `metric` formula may use, as Vale spells them."""
        values: dict[str, float] = {
            "words": self.words,
            "sentences": self.sentences,
            "characters": self.characters,
            "syllables": self.syllables,
            "polysyllabic_words": self.polysyllabic_words,
            "complex_words": self.complex_words,
            "long_words": self.long_words,
            "paragraphs": self.paragraphs,
            "headings": sum(self.headings),
            "list": self.lists,
            "blockquote": self.blockquotes,
            "pre": self.pre,
        }
        values.update({f"heading_h{level}": count for level, count in enumerate(self.headings, start=1)})
        return values

    def grade(self, metric: str) -> float:
        words, sentences = self.words, self.sentences
        if metric == "Flesch-Kincaid":
            return 0.39 * words / sentences + 11.8 * self.syllables / words - 15.59
        if metric == "Gunning Fog":
            return 0.4 * (words / sentences + 100 * self.complex_words / words)
        if metric == "Coleman-Liau":
            return 0.0588 * (100 * self.characters / words) - 0.296 * (100 * sentences / words) - 15.8
        if metric == "SMOG":
            return 1.0430 * math.sqrt(self.polysyllabic_words * 30 / sentences) + 3.1291
        if metric == "Automated Readability":
            return 4.71 * self.characters / words + 0.5 * words / sentences - 21.43
        raise ValueError(f"unknown readability metric {metric!r}")


METRIC_VARIABLES = frozenset(TextStats().variables())
READABILITY_METRICS = ("Flesch-Kincaid", "Gunning Fog", "Coleman-Liau", "SMOG", "Automated Readability")


def measure(blocks: Sequence[Block], prose: str, sentence_blocks: Iterable[Block], fences: int) -> TextStats:
    """Over a document's prose `blocks` (spans of `prose`), the block of each of its sentences,
    and its count of fenced code blocks."""
    paragraphs = lists = blockquotes = 0
    headings = [0] * 6
    counted: Counter[str] = Counter()
    previous_kind = ""
    for block in blocks:
        if block.kind == "heading":
            headings[block.level - 1] += 1
        else:
            paragraphs += block.kind == "paragraph"
            lists += block.kind == "list" and previous_kind != "list"
            blockquotes += block.kind == "blockquote"
            counted.update(_WORD.findall(prose, block.start, block.end))
        previous_kind = block.kind
    characters = total_syllables = polysyllabic = complex_words = long_words = 0
    for word, times in counted.items():  # each distinct word once
        count = syllables(word)
        characters += len(word) * times
        total_syllables += count * times
        long_words += times if len(word) > 6 else 0
        if count >= 3:
            polysyllabic += times
            if not word[0].isupper() and "-" not in word and not _three_by_suffix(word):
                complex_words += times
    return TextStats(
        words=counted.total(),
        sentences=sum(1 for block in sentence_blocks if block.kind != "heading"),
        characters=characters,
        syllables=total_syllables,
        polysyllabic_words=polysyllabic,
        complex_words=complex_words,
        long_words=long_words,
        paragraphs=paragraphs,
        headings=tuple(headings),
        lists=lists,
        blockquotes=blockquotes,
        pre=fences,
    )


def _three_by_suffix(word: str) -> bool:
    stem = _PLAIN_SUFFIX.sub("", word.lower())
    return stem != word.lower() and syllables(stem) < 3
