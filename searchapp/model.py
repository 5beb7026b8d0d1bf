"""Plain data that flows between the layers, and the error base class.

corpus file -> Article -> index, and SearchRequest -> ResultPage: nothing here knows
Whoosh or Flask, so ingest/, engine/ and web/ all speak these types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from .timeline import DateHistogram


class SearchappError(Exception):
    """Base of every error searchapp raises on purpose; the edges catch each by name."""


class InvalidRequestError(SearchappError, ValueError):
    """A search parameter is out of range; `param` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


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
    text: str  # clean text, paragraphs separated by a blank line
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


SORTS = ("relevance", "date")
GROUPS = ("story",)  # group=story: one hit per story instead of one per copy group
MATCHES = ("all", "any")
MAX_PER_PAGE = 100
MAX_RESULT_DEPTH = 10_000  # page * per_page: deeper paging is a scraper, not a reader
MAX_QUERY_CHARS = 10_000
MAX_QUERY_WORDS = 1_000
# No real word is this long; a 4,000-letter "word" took seconds in the stemmer and the
# spelling corrector's Levenshtein automaton (both superlinear in the word's length).
MAX_WORD_CHARS = 100


@dataclass(frozen=True)
class SearchRequest:
    """One search, as the parameters name it (engine.search validates it first)."""

    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    match: str = "all"
    outlet: str | None = None
    author: str | None = None
    year: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    speaker: str | None = None
    lang: str | None = None  # ISO 639-1 code of the article's language
    collapse: bool = True  # one hit per group of copies
    group: str | None = None  # "story": one hit per story
    variants: bool = True  # also search the corpus's other spellings of a name
    typos: bool = True  # also search far more common close words of rare words (engine/typos)


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    outlet: str | None
    authors: tuple[str, ...]
    published: str | None
    url: str | None
    score: float | None
    snippets: tuple[str, ...]  # HTML: escaped text, the query's words in <mark>
    copies: tuple[Copy, ...] = ()  # the other articles that are copies of this one
    more_copies: int = 0  # copies beyond those listed
    story: int | None = None  # its story's number (/stories/<n>), when it has one
    folded: int = 0  # matches hidden behind this hit (its copies, or with group=story its story)


MAX_LISTED_COPIES = 20  # copies a hit names; the rest are counted in its more_copies


@dataclass(frozen=True)
class Copy:
    """Another article with the same text, as a hit lists it (at most MAX_LISTED_COPIES)."""

    id: str
    title: str
    outlet: str | None
    published: str | None


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class ResultPage:
    request: SearchRequest
    total: int
    took_ms: float
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetCount, ...]] = field(default_factory=dict)
    suggestion: str | None = None  # did-you-mean: the query with its unknown words respelt
    notice: str | None = None
    generation: str = ""
    timeline: DateHistogram | None = None  # matches per day/week/month/year, every match

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_RESULT_DEPTH) // self.request.per_page))


@dataclass(frozen=True)
class Export:
    """Every match of a search in page order, up to a cap, produced as it is read."""

    total: int  # all matches, which may be more than the rows
    rows: int  # min(total, cap)
    generation: str
    hits: Iterator[Hit]


@dataclass(frozen=True)
class CorpusStats:
    """What the live index holds, for the home page and /healthz."""

    generation: str
    articles: int
    outlets: int
    first_date: str | None  # of the dated articles only
    last_date: str | None
    built_at: float | None = None  # seconds since the epoch, from the build's build.json
    dated: int = 0  # articles with a publication date
    examples: tuple[str, ...] = ()  # queries drawn from the corpus (build info, see build.py)


@dataclass(frozen=True)
class BodyBlock:
    """One paragraph or subheading of an article, as HTML with the query's words marked."""

    kind: str  # "heading" or "paragraph"
    html: str
