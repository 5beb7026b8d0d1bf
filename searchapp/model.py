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
    """One clean article, ready to index.

    `id` is the corpus file's path relative to the corpus folder, without its extension and
    with "/" between folders ("business/001"), so files in two folders never collide.
    """

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
    removed: tuple[RemovedBlock, ...] = field(default=())
    # "main": the extractor found the article; "fallback": it found none, so the text is the
    # page minus the named furniture patterns (see extract.build_article). Not stored.
    extraction: str = "main"
    notes: tuple[str, ...] = ()  # warnings for the build summary (a sidecar field ignored)


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file that could not be used, and why (with what cleaning removed, if any)."""

    path: str
    reason: str
    removed: tuple[RemovedBlock, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class FileWarning:
    """Something a reader of the build summary should know about a file that was indexed."""

    path: str
    message: str
