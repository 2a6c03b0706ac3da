"""What every loader produces: a titled document cut into sections along its headings."""

from __future__ import annotations

from dataclasses import dataclass, field


class LoaderError(ValueError):
    """A file that cannot become a guideline document; the message names the reason."""


@dataclass(frozen=True)
class Section:
    """Body text under one heading trail; `path` excludes the document title."""

    path: tuple[str, ...]
    text: str
    page: int | None = None


@dataclass
class LoadedDocument:
    title: str
    sections: list[Section] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    """Text a reader of the file can't see (white, tiny, hidden): kept out of the sections and
    held for an admin's review, as text meant for a model rather than for people."""


class SectionBuilder:
    """Collects paragraphs under the current heading trail, as loaders walk a document."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.sections: list[Section] = []
        self._trail: list[tuple[int, str]] = []
        self._paragraphs: list[str] = []
        self._page: int | None = None
        self.hidden: list[str] = []

    def heading(self, level: int, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        self.flush()
        if not self._trail and text == self.title:
            return
        if level == 1 and self.title is None and not self._trail:
            self.title = text
            return
        while self._trail and self._trail[-1][0] >= level:
            self._trail.pop()
        self._trail.append((level, text))

    def paragraph(self, text: str) -> None:
        text = text.strip()
        if text:
            self._paragraphs.append(text)

    def hidden_text(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.hidden.append(text)

    def page(self, number: int) -> None:
        """Start a new page: a section never spans pages, so every chunk has one page."""
        self.flush()
        self._page = number

    def flush(self) -> None:
        if self._paragraphs:
            path = tuple(heading for _, heading in self._trail)
            self.sections.append(Section(path, "\n\n".join(self._paragraphs), self._page))
        self._paragraphs = []

    def build(self, fallback_title: str) -> LoadedDocument:
        self.flush()
        return LoadedDocument(self.title or fallback_title, self.sections, self.hidden)
