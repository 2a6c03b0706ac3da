"""`capitalization`: each block in scope must be in `$title` (AP or Chicago `style`), `$sentence`,
`$lower` or `$upper` case, or match a regex. Title and sentence case pass when more than
`threshold` (default 0.8) of the words fit, so one proper noun doesn't fail a heading."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.keys import Keys
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import Exceptions, compile_pattern, format_message, translate

_WORD = r"(?:[^\W_]|\*)+\S*"
_LIST_NUMBER = re.compile(r"\d+\.")
_EDGE_PUNCTUATION = "\"'()[]{}:;,.!?\u2018\u2019\u201c\u201d"
_ARTICLES = {"a", "an", "the"}
_AP_SMALL = _ARTICLES | {
    "and", "as", "at", "but", "by", "for", "in", "nor", "of", "off", "on", "or", "out", "per", "so", "to", "up",
    "via", "vs", "yet",
}  # fmt: skip
_CHICAGO_SMALL = _ARTICLES | {
    "about", "above", "across", "after", "against", "along", "among", "and", "around", "as", "at", "before",
    "behind", "below", "beneath", "beside", "between", "beyond", "but", "by", "down", "during", "except", "for",
    "from", "in", "inside", "into", "like", "near", "nor", "of", "off", "on", "onto", "or", "out", "outside",
    "over", "past", "per", "since", "through", "throughout", "to", "toward", "under", "until", "up", "upon", "via",
    "vs", "with", "within", "without",
}  # fmt: skip
STYLES = {"AP": _AP_SMALL, "Chicago": _CHICAGO_SMALL}


@dataclass(frozen=True, slots=True)
class Capitalization:
    definition: Definition
    fits: Callable[[str], bool]
    prefix: str = ""

    def find(self, doc: Document) -> Iterator[Finding]:
        for text, offset in doc.segments(self.definition.scope):
            checked_text = text[len(self.prefix) :] if self.prefix and text.startswith(self.prefix) else text
            if checked_text.strip() and not self.fits(checked_text):
                shown = " ".join(text.split())  # without the gaps blanked markup leaves
                yield Finding(offset, offset + len(text), format_message(self.definition.message, shown))


@dataclass(frozen=True, slots=True)
class _Casing:
    """The word-by-word tests, with the exceptions tokenized as single words, as in Vale."""

    words: Pattern
    exceptions: Exceptions
    threshold: float
    indicators: tuple[str, ...]
    small: frozenset[str]

    def exempt(self, word: str) -> bool:
        return self.exceptions.pattern is not None and self.exceptions.pattern.fullmatch(word) is not None

    def title(self, text: str) -> bool:
        words = self.words.findall(text)
        fitting = 0
        for index, word in enumerate(words):
            bare = word.strip(_EDGE_PUNCTUATION)
            if self.exempt(bare) or _uppercase(bare) or not bare:
                fitting += 1
                continue
            small = bare.lower() in self.small and 0 < index < len(words) - 1
            expected = bare.lower() if small else bare[:1].upper() + bare[1:]
            fitting += bare == expected
        return not words or fitting / len(words) > self.threshold

    def sentence(self, text: str) -> bool:
        """Vale's test: each word against the text put in sentence case; a first word that is
        neither fails at once, and the rest pass when at least `threshold` of the words fit."""
        words = self.words.findall(text)
        expected = self.words.findall(self._sentence_case(text))
        fitting = 0
        for index, word in enumerate(words):
            if index >= len(expected) or word == expected[index] or self.exceptions.within(word):
                fitting += 1
            elif index == 0 and word != _go_title(word.lower()):
                return False
        return not words or fitting / len(words) >= self.threshold

    def _sentence_case(self, text: str) -> str:
        """The text as sentence case would have it: every word lowered but the first, one after
        an indicator (a colon, say) and one after a list number ("8. Do"); exceptions kept."""
        tokens = self.words.findall(text)
        made = []
        for index, token in enumerate(tokens):
            term = self._term(token)
            if term:
                made.append(term)
            elif index == 0 or self._indicates(tokens[index - 1], index - 1):
                made.append(token[:1].upper() + token[1:].lower())
            else:
                made.append(token.lower())
        return " ".join(made)

    def _term(self, token: str) -> str:
        for term in self.exceptions.terms:
            if term.casefold() == token.casefold():
                return term
            if _compiled(term).search(token) is not None:
                return token
        return ""

    def _indicates(self, word: str, index: int) -> bool:
        if any(word.endswith(suffix) and len(word) > len(suffix) for suffix in self.indicators):
            return True
        return index == 0 and _LIST_NUMBER.search(word) is not None


@functools.lru_cache(maxsize=4096)
def _compiled(term: str) -> Pattern:
    return matching.compile(term)


def _go_title(word: str) -> str:
    """Go's strings.Title: a letter after anything but a letter, digit or _ is upper-cased."""
    made, previous = [], " "
    for char in word:
        made.append(char.upper() if _separates(previous) else char)
        previous = char
    return "".join(made)


def _separates(char: str) -> bool:
    if char.isascii():
        return not (char.isalnum() or char == "_")
    return not (char.isalpha() or char.isdigit()) and char.isspace()


def _uppercase(word: str) -> bool:
    """Upper case as Vale reads it (a number counts), plus plural acronyms such as "URLs"."""
    return word == word.upper() or (word.endswith("s") and word[:-1] == word[:-1].upper() and len(word) > 2)


def _fits(keys: Keys, casing: _Casing) -> Callable[[str], bool]:
    match = keys.text("match", required=True)
    if match == "$title":
        return casing.title
    if match == "$sentence":
        return casing.sentence
    if match == "$lower":
        return lambda text: text == text.lower() or casing.exempt(text.strip())
    if match == "$upper":
        return lambda text: text == text.upper() or casing.exempt(text.strip())
    pattern = compile_pattern(keys, "match", translate(match), parts=[translate(match)])
    return lambda text: pattern.search(text) is not None or casing.exempt(text.strip())


def build(source: RuleSource) -> Capitalization:
    keys = source.keys
    style = keys.text("style", default="AP")
    if style not in STYLES:
        raise keys.error("style", f"expected AP or Chicago, found '{style}'")
    threshold = keys.number("threshold", default=0.8)
    if not 0 <= threshold < 1:
        raise keys.error("threshold", "expected a number from 0 up to, not including, 1")
    vocab = source.accepted if keys.flag("vocab", default=True) else ()
    exceptions = Exceptions.build(keys, keys.texts("exceptions"), vocab)
    words = _WORD if exceptions.pattern is None else f"{exceptions.pattern.pattern}|{_WORD}"
    casing = _Casing(
        compile_pattern(keys, "exceptions", words),
        exceptions,
        threshold,
        keys.texts("indicators"),
        frozenset(STYLES[style]),
    )
    return Capitalization(source.definition, _fits(keys, casing), keys.text("prefix"))


CAPITALIZATION = CheckType(
    frozenset({"match", "style", "exceptions", "indicators", "threshold", "prefix", "vocab"}),
    build,
)
