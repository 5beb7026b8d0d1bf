"""Plain data that flows between the steps: corpus file -> Article -> index."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RemovedBlock:
    """A piece of page furniture taken out of an article, and the rule that took it."""

    text: str
    rule: str


@dataclass(frozen=True)
class Article:
    """One clean article, ready to index. `id` is the corpus file's stem."""

    id: str
    title: str
    body: str  # clean text, paragraphs separated by a blank line
    source_path: str
    content_hash: str
    title_derived: bool = False  # True when the page had no headline and we made one
    lead: str = ""
    headings: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    published: str | None = None  # ISO 8601 date or date-time
    url: str | None = None
    language: str | None = None  # ISO 639-1 code, None when undetected
    removed: tuple[RemovedBlock, ...] = field(default=())


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file that could not be used, and why."""

    path: str
    reason: str
