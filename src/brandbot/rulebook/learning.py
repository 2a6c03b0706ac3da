"""Brand rules learned from reviewers: a change they keep making to drafts becomes a candidate rule.

Each edited approval is compared with its draft word by word (difflib on case-folded words): a
run of 1 to `MAX_PHRASE_WORDS` words replaced by another is evidence for `substitution: OLD ->
NEW`, a run deleted is evidence for `existence: OLD`. A change request's note adds evidence for
the same changes (`change_notes.py`). A change made by at least `min_reviewers` distinct
reviewers is a candidate: a decision counts once however often it made the change, and a
reviewer once however many decisions made it, so neither one long edit nor one person's habit
outvotes the team. A requester's own follow-ups on their draft are no reviewer's decisions: the
history read here leaves them out (`store/review_history.py`). Runs made only of function words
("the" for "a") and runs broken by punctuation (a rule could not match them as written) are not
evidence.

Casing: OLD is matched ignoring case. NEW keeps the casing reviewers chose mid-sentence
("Tidewell Backup"); where OLD was capitalized, NEW's capital is the sentence's and is lowered.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import regex

from brandbot.rulebook.change_notes import asked
from brandbot.store.review_history import ChangeRequest, Edit, Reviewed

MAX_PHRASE_WORDS = 3
MAX_PHRASE_CHARS = 100
"""The store's column width for a phrase and its replacement."""
_Match = Any
"""A `regex` match (the package has no type stubs)."""
_WORD = regex.compile(r"\w+(?:['\u2019-]\w+)*")
_PHRASE = regex.compile(r"\w+(?:['\u2019-]\w+)*(?:\s+\w+(?:['\u2019-]\w+)*)*")
_FUNCTION_WORDS = (
    "a an the and or but nor so yet if then than as of in on at to for from by with without into "
    "onto over under about after before up down out off this that these those it its it's is are "
    "was were be been being am do does did has have had will would can could shall should may might "
    "must i me my we us our you your he him his she her they them their who whom which what very "
    "also too not no"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
"""Words too common to make a rule of on their own."""


class Kind(StrEnum):
    substitution = "substitution"
    existence = "existence"


class Via(StrEnum):
    edit = "edit"
    change_request = "change request"


@dataclass(frozen=True)
class Change:
    """What a learned rule asks: `phrase` (in lower case; rules match it ignoring case) replaced by
    `replacement`, or flagged."""

    kind: Kind
    phrase: str
    replacement: str = ""

    @property
    def key(self) -> str:
        """The same change whatever the replacement's casing."""
        return f"{self.kind}:{self.phrase}:{self.replacement.casefold()}"


@dataclass(frozen=True)
class Evidence:
    """A reviewer decision that made the change."""

    decision_id: int
    request_id: str
    draft_id: str
    actor: str
    via: Via

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "via": self.via.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            int(data["decision_id"]),
            str(data["request_id"]),
            str(data["draft_id"]),
            str(data["actor"]),
            Via(data["via"]),
        )


def reviewers(evidence: Iterable[Evidence]) -> int:
    """The distinct people whose decisions made a change."""
    return len({item.actor for item in evidence})


@dataclass(frozen=True)
class Candidate:
    change: Change
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class _Seen:
    """One change as one decision made it, its replacement as written there."""

    kind: Kind
    phrase: str
    written: str
    positional: bool
    """OLD was capitalized, so NEW's capital says where it stood, not how it is spelled."""

    @property
    def key(self) -> str:
        return Change(self.kind, self.phrase, self.written).key


def mine(edits: Iterable[Edit], change_requests: Iterable[ChangeRequest], min_reviewers: int) -> list[Candidate]:
    """The candidates, best supported first."""
    evidence: dict[str, dict[int, Evidence]] = defaultdict(dict)
    forms: dict[str, Counter[tuple[bool, str]]] = defaultdict(Counter)
    first: dict[str, _Seen] = {}
    for decided, via, seen in _observations(edits, change_requests):
        if decided.decision_id in evidence[seen.key]:
            continue
        evidence[seen.key][decided.decision_id] = Evidence(
            decided.decision_id, decided.request_id, decided.draft_id, decided.actor, via
        )
        forms[seen.key][(seen.positional, seen.written)] += 1
        first.setdefault(seen.key, seen)
    candidates = [
        Candidate(Change(first[key].kind, first[key].phrase, _casing(forms[key])), tuple(found.values()))
        for key, found in evidence.items()
        if reviewers(found.values()) >= min_reviewers
    ]
    return sorted(candidates, key=lambda candidate: ranked(candidate.change, candidate.evidence))


def ranked(change: Change, evidence: Sequence[Evidence]) -> tuple[int, int, str]:
    """The sort key that puts the best supported change first: most reviewers, then most decisions."""
    return -reviewers(evidence), -len(evidence), change.key


def _observations(
    edits: Iterable[Edit], change_requests: Iterable[ChangeRequest]
) -> Iterator[tuple[Reviewed, Via, _Seen]]:
    for edit in edits:
        for seen in _edit_changes(edit.drafted, edit.approved):
            yield edit.decided, Via.edit, seen
    for request in change_requests:
        for seen in _note_changes(request.note):
            yield request.decided, Via.change_request, seen


def _edit_changes(drafted: str, approved: str) -> Iterator[_Seen]:
    """The replaced and deleted word runs between a draft and its approved text."""
    old, new = list(_WORD.finditer(drafted)), list(_WORD.finditer(approved))
    matcher = difflib.SequenceMatcher(
        None, [word[0].casefold() for word in old], [word[0].casefold() for word in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("replace", "delete"):
            continue
        removed, added = _trimmed(old[i1:i2], new[j1:j2])
        phrase = _phrase(drafted, removed)
        if phrase is None or _only_function_words(phrase):
            continue
        if tag == "delete":
            yield _Seen(Kind.existence, phrase.lower(), "", False)
            continue
        replacement = _phrase(approved, added)
        if replacement is not None:
            yield _Seen(Kind.substitution, phrase.lower(), replacement, phrase[:1].isupper())


def _trimmed(removed: list[_Match], added: list[_Match]) -> tuple[list[_Match], list[_Match]]:
    """Function words changed along with a word at either end ("a cheap" -> "an affordable")
    are the grammar following the change, not part of it."""

    def both(index: int) -> bool:
        return (
            len(removed) > 1
            and len(added) > 1
            and removed[index][0].casefold() in FUNCTION_WORDS
            and added[index][0].casefold() in FUNCTION_WORDS
        )

    while both(0):
        removed, added = removed[1:], added[1:]
    while both(-1):
        removed, added = removed[:-1], added[:-1]
    return removed, added


def _note_changes(note: str) -> Iterator[_Seen]:
    for change in asked(note):
        phrase = _checked(change.avoid)
        if phrase is None or _only_function_words(phrase):
            continue
        if change.prefer is None:
            yield _Seen(Kind.existence, phrase.lower(), "", False)
        elif (replacement := _checked(change.prefer)) is not None:
            yield _Seen(Kind.substitution, phrase.lower(), replacement, False)


def _phrase(text: str, words: list[_Match]) -> str | None:
    if not words:
        return None
    return _checked(text[words[0].start() : words[-1].end()])


def _checked(span: str) -> str | None:
    """The run with its spaces made single, if a rule can match it as written."""
    phrase = " ".join(span.split())
    if not _PHRASE.fullmatch(phrase) or len(phrase.split()) > MAX_PHRASE_WORDS or len(phrase) > MAX_PHRASE_CHARS:
        return None
    return phrase


def _only_function_words(phrase: str) -> bool:
    return all(word.casefold() in FUNCTION_WORDS for word in phrase.split())


def _casing(forms: Counter[tuple[bool, str]]) -> str:
    """The replacement as reviewers spelled it mid-sentence, else with the sentence's capital lowered."""
    chosen = Counter({written: count for (positional, written), count in forms.items() if not positional})
    if chosen:
        return chosen.most_common(1)[0][0]
    written = Counter({written: count for (_, written), count in forms.items()}).most_common(1)[0][0]
    return written[:1].lower() + written[1:]
