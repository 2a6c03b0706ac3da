"""Vocabularies: `Vocab/<Name>/accept.txt` and `reject.txt` (or Vale's `config/vocabularies/<Name>/`),
one term or regex per line, `#` for comments.

Accepted terms must be written exactly as listed (`Vale.Terms`, error) and are exempt from the
other rules' matches; rejected terms are always errors (`Vale.Avoid`). A lowercase term inside
a web address or handle (tidewell.example, @tidewell) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from brandbot.rules import matching
from brandbot.rules.alert import Level
from brandbot.rules.checks.base import Check, Definition, Finding
from brandbot.rules.checks.existence import Existence
from brandbot.rules.document import Document
from brandbot.rules.errors import RuleLoadError
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import Exceptions, alternation, compile_fast, format_message, translate

VOCAB_FOLDERS = ("Vocab", "config/vocabularies")
_REGEX_SYNTAX = re.compile(r"[\\^$|?*+()\[\]{}]")
_NOT_IN_ADDRESS_BEFORE = r"(?<![\w@#/.])"
_NOT_IN_ADDRESS_AFTER = r"(?!\w|[.@/]\w)"
_SPACES = r"\s+"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    accept_file: str = ""
    reject_file: str = ""


def available(styles_dir: Path) -> dict[str, Path]:
    """Vocabulary name -> folder, for every vocabulary in the styles directory."""
    found: dict[str, Path] = {}
    for folder in VOCAB_FOLDERS:
        parent = styles_dir / folder
        if parent.is_dir():
            found.update({entry.name: entry for entry in sorted(parent.iterdir()) if entry.is_dir()})
    return found


def read(styles_dir: Path, names: Iterable[str]) -> Vocabulary:
    folders = available(styles_dir)
    accept: list[str] = []
    reject: list[str] = []
    files = {"accept": "", "reject": ""}
    for name in names:
        for kind, terms in (("accept", accept), ("reject", reject)):
            path = folders[name] / f"{kind}.txt"
            if path.is_file():
                where = path.relative_to(styles_dir).as_posix()
                files[kind] = files[kind] or where
                terms.extend(term for term in _terms(path, where) if term not in terms)
    return Vocabulary(tuple(accept), tuple(reject), files["accept"], files["reject"])


def _terms(path: Path, where: str) -> Iterator[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RuleLoadError(f"{where}: cannot read the file: {error}") from None
    for number, line in enumerate(lines, start=1):
        term = line.strip()
        if not term or term.startswith("#"):
            continue
        try:
            matching.compile(translate(term))
        except matching.error as error:
            raise RuleLoadError(f"{where}: line {number}: bad regex '{term}': {error}") from None
        yield term


@dataclass(frozen=True, slots=True)
class Terms:
    """Vale.Terms: an accepted term found in any other casing (or spacing) is an error."""

    definition: Definition
    pattern: Pattern
    terms: tuple[str, ...]
    """By capture group: group n is terms[n - 1]."""

    def find(self, doc: Document) -> Iterator[Finding]:
        for text, offset in doc.segments(self.definition.scope):
            for found in self.pattern.finditer(text):
                term = self.terms[(found.lastindex or 1) - 1]
                if " ".join(found[0].split()) != term:
                    message = format_message(self.definition.message, term, found[0])
                    yield Finding(offset + found.start(), offset + found.end(), message, (term,))


def checks(vocabulary: Vocabulary) -> list[Check]:
    made: list[Check] = []
    plain = sorted((term for term in vocabulary.accept if not _REGEX_SYNTAX.search(term)), key=len, reverse=True)
    if plain:
        groups = "|".join(f"({_SPACES.join(re.escape(word) for word in term.split())})" for term in plain)
        pattern = compile_fast(f"(?i){_NOT_IN_ADDRESS_BEFORE}(?:{groups}){_NOT_IN_ADDRESS_AFTER}")
        definition = Definition(
            "Vale.Terms", "substitution", "Use '%s' instead of '%s'.", Level.error, file=vocabulary.accept_file
        )
        made.append(Terms(definition, pattern, tuple(plain)))
    if vocabulary.reject:
        pattern = compile_fast(alternation(sorted(map(translate, vocabulary.reject), key=len, reverse=True), word=True))
        definition = Definition(
            "Vale.Avoid", "existence", "Avoid using '%s'.", Level.error, file=vocabulary.reject_file
        )
        made.append(Existence(definition, pattern, Exceptions()))
    return made
