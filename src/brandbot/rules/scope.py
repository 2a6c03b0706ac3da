"""Which part of a draft a rule reads: Vale's `scope` key, parsed and checked at load time."""

from __future__ import annotations

from dataclasses import dataclass

from brandbot.rules.keys import Keys

BLOCK_KINDS = ("heading", "paragraph", "list", "blockquote")
"""The kinds of prose block a draft is split into (code is never prose)."""

HEADING_LEVELS = tuple(f"heading.h{level}" for level in range(1, 7))
SCOPES = ("text", "summary", "raw", "sentence", *BLOCK_KINDS, *HEADING_LEVELS)
"""As in Vale: `text`, each prose block on its own (code masked); `summary`, the draft's prose but
its headings as one text, so counts such as "at most one exclamation mark" are per draft; `raw`,
the text as written, code included; `sentence`, each sentence of every prose block; the block
kinds, each such block on its own."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Positive scopes, any of which applies, minus the negated (`~heading`) block kinds."""

    include: tuple[str, ...] = ("text",)
    exclude: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, keys: Keys) -> Scope:
        names = keys.texts("scope")
        include: list[str] = []
        exclude: set[str] = set()
        for name in names:
            negated = name.startswith("~")
            bare = name[1:] if negated else name
            if bare not in SCOPES:
                raise keys.error("scope", f"unknown scope '{name}' (known: {', '.join(SCOPES)})")
            if negated and bare not in BLOCK_KINDS + HEADING_LEVELS:
                raise keys.error("scope", f"only block kinds can be negated, not '{name}'")
            if negated:
                exclude.add(bare)
            elif bare not in include:
                include.append(bare)
        return cls(tuple(include) or ("text",), frozenset(exclude))
