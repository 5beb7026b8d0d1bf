"""The only module that opens the index at query time.

Each thread keeps one Searcher per index generation and swaps to a new one when
the CURRENT pointer moves. Searchers are never refreshed in place: in
whoosh-reloaded `Searcher.refresh()` can return deleted and duplicated documents.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from whoosh import index as whoosh_index
from whoosh.scoring import WeightingModel
from whoosh.searching import Searcher

from .. import store
from ..ingest.groups import Groups, read_groups
from ..model import CorpusStats, SearchappError
from ..timeline import parse_day
from .analysis import stemming_language
from .budget import QueryTooExpensiveError
from .ranking import weighting
from .schema import built_with_this_schema
from .variants import NameSpellings
from .vocabulary import Vocabulary, corrector_for
from .whoosh_private import raised_in_whoosh

REBUILD_HINT = "run `searchapp rebuild-index` to build it"
# How often searches look again at the live generation's files (a stat of each, and a
# checksum of those whose size or mtime moved): 0.2 ms for the Reuters index's 17 files on
# a busy box (bench/index_checks.py), worth sparing searches of ~20 ms; nothing once a second.
RECHECK_SECONDS = 1.0


class IndexUnavailableError(SearchappError):
    """There is no usable index (none built yet, or the live one is damaged).

    `generation` names the generation that failed, when one was opened.
    """

    def __init__(self, message: str, generation: str | None = None) -> None:
        super().__init__(message)
        self.generation = generation


@dataclass(frozen=True)
class FacetColumns:
    """Per-document facet values of one generation, read once and shared by threads."""

    outlet: tuple[str | None, ...]
    authors: tuple[tuple[str, ...], ...]
    year: tuple[str | None, ...]
    speakers: tuple[tuple[str, ...], ...] = ()
    day: tuple[date | None, ...] = ()  # publication day, for the timeline
    language: tuple[str | None, ...] = ()  # ISO 639-1 code, None when undetected


@dataclass(frozen=True)
class Generation:
    name: str
    index: whoosh_index.Index
    facets: FacetColumns
    stats: CorpusStats
    # date_rank[docnum]: place in (published newest first, then id) order; the tie-break
    # of every sort, computed once here rather than from the columns on every query.
    date_rank: array
    # Shared by the generation's searchers, so what it caches per segment is built once.
    weighting: WeightingModel
    groups: Groups
    # copy_group[docnum] / story_group[docnum]: the number of the document's group in
    # groups.copies / groups.stories, or -1 when it has none; folding results reads these.
    copy_group: array
    story_group: array
    docnums: dict[str, int]  # article id -> docnum
    spellings: NameSpellings  # the name variants of groups.variants, by indexed form
    # The languages the text field is stemmed in (analysis.in_language): queries search
    # each word's stem in every one of them (stemming.py).
    stemmed_in: frozenset[str] = frozenset({"en"})
    # Its spelling words in memory, for did-you-mean and typo tolerance (read on first use).
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    def copies_of(self, article_id: str) -> tuple[str, ...]:
        """The other articles that are copies of this one."""
        return _others(self.groups.copies, self.copy_group, self.docnums, article_id)

    def story_of(self, article_id: str) -> int | None:
        """The number of the article's story (its /stories/<n>), or None."""
        docnum = self.docnums.get(article_id)
        if docnum is None or self.story_group[docnum] < 0:
            return None
        return self.story_group[docnum]


def _others(groups, group_of: array, docnums, article_id: str) -> tuple[str, ...]:
    docnum = docnums.get(article_id)
    if docnum is None or group_of[docnum] < 0:
        return ()
    return tuple(i for i in groups[group_of[docnum]] if i != article_id)


class LiveIndex:
    """Follows an index folder's live generation; safe to share between threads."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generations: dict[str, Generation] = {}
        self._local = threading.local()
        # Every searcher any thread opened, so close() can release their file handles
        # (thread-locals of other threads are out of reach otherwise).
        self._open: list[Searcher] = []
        self.results = ResultCache()
        self._checked_at = 0.0  # monotonic time the live generation's files were last checked

    def generation(self, *, check: bool = False) -> Generation:
        """The live generation, opened on first use; IndexUnavailableError if none.

        Its files were checked against their checksums when it was opened, and are looked
        at again every RECHECK_SECONDS (or now, with `check`): a file changed under a
        running server makes it unavailable rather than answer from the changed bytes.
        """
        try:
            name = store.current_generation(self.index_dir)
        except store.NoIndexError:
            raise IndexUnavailableError(
                f"No search index has been built yet: {REBUILD_HINT}."
            ) from None
        now = time.monotonic()
        with self._lock:
            gen = self._generations.get(name)
            if gen is None:
                gen = _open_generation(self.index_dir, name)
                # Keep only the newest; threads still using an older one hold their own reference.
                self._generations = {name: gen}
                self._checked_at = now
            recheck = check or now - self._checked_at > RECHECK_SECONDS
            if recheck:
                self._checked_at = now
        if recheck:
            try:
                store.check_files(self.index_dir, name)
            except (store.DamagedIndexError, OSError) as error:
                with self._lock:  # the next request opens it again, and fails at once
                    self._generations.pop(name, None)
                raise IndexUnavailableError(_damaged(name, error), name) from error
        return gen

    def stats(self) -> CorpusStats:
        """What the live generation holds; IndexUnavailableError if there is none."""
        return self.generation().stats

    def read_stats(self) -> CorpusStats:
        """stats(), after opening the live generation and reading from it as a search would.

        Only opening it said "ok" while a truncated stored-fields file gave 500s on searches:
        its files are checked against their checksums and the first and last documents'
        stored fields are read too.
        """
        self.generation(check=True)
        with self.searcher() as (gen, searcher):
            last = searcher.doc_count_all() - 1
            for docnum in {0, last} if last >= 0 else ():
                searcher.stored_fields(docnum)
        return gen.stats

    @contextmanager
    def searcher(self):
        """Yield (generation, searcher) for the live index, reusing this thread's searcher."""
        gen = self.generation()
        local = self._local
        if getattr(local, "name", None) != gen.name:
            old = getattr(local, "searcher", None)
            if old is not None:
                old.close()
            local.searcher = _open_searcher(gen)
            local.name = gen.name
            with self._lock:
                self._open = [s for s in self._open if s is not old] + [local.searcher]
        try:
            yield gen, local.searcher
        except Exception as error:
            # A damaged segment fails inside Whoosh with many types (TypeError from a
            # truncated length column, a bare Exception for a bad block): a 503, not a 500.
            if isinstance(error, QueryTooExpensiveError):  # raised by us, inside Whoosh's loops
                raise
            if isinstance(error, (OSError, EOFError)) or raised_in_whoosh(error):
                raise IndexUnavailableError(_damaged(gen.name, error), gen.name) from error
            raise

    def close(self) -> None:
        """Close every searcher this LiveIndex opened (at shutdown, or in tests).

        Call it when no search is running; the next call opens fresh searchers.
        """
        with self._lock:
            searchers, self._open = self._open, []
            self._generations = {}
        self.results.clear()
        for searcher in searchers:
            searcher.close()
        # A fresh thread-local, so no thread reuses a closed searcher.
        self._local = threading.local()


class ResultCache:
    """A small thread-safe LRU of finished results, keyed by (generation, request), bounded
    by count and by the bytes of text its pages hold.

    A generation never changes once published, so entries need no expiry: a rebuild
    makes a new generation name and old keys simply stop being asked for. Counting pages
    alone let a worker grow by 1.25 GB after 60 queries over articles with 200 KB titles.
    """

    def __init__(self, size: int = 1024, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()  # key -> (value, cost)

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, value, cost: int = 0) -> None:
        """Keep `value`, which holds about `cost` bytes; one over an eighth of the budget is
        not kept at all (it would push out many ordinary pages)."""
        if cost > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, cost)
            self.bytes += cost
            while len(self._items) > self.size or self.bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


def _damaged(name: str, error: BaseException) -> str:
    return (
        f"The search index ({name}) is damaged ({type(error).__name__}: {error}); {REBUILD_HINT}."
    )


def _open_searcher(gen: Generation) -> Searcher:
    try:
        searcher = gen.index.searcher(weighting=gen.weighting)
    except Exception as error:  # any failure here means unreadable files
        raise IndexUnavailableError(_damaged(gen.name, error), gen.name) from error
    # Whoosh binds searcher.corrector to its reader's; this one finds close words in memory.
    searcher.corrector = corrector_for(searcher.reader(), gen.vocabulary)
    return searcher


def _open_generation(index_dir: Path, name: str) -> Generation:
    info = store.read_build_info(index_dir, name)  # {} when pruned meanwhile: open says so
    if info and not built_with_this_schema(info):
        # Its pickled schema may name analysers this version no longer has.
        raise IndexUnavailableError(
            f"The search index ({name}) was built by another version of searchapp; "
            "run `searchapp rebuild-index` to rebuild it.",
            name,
        )
    try:
        store.check_files(index_dir, name)  # a truncated file: 503 now, not a 500 later
        ix = whoosh_index.open_dir(str(index_dir / name))
        with ix.reader() as reader:
            facets, stats = _read_facets(reader, name)
            stats = replace(stats, built_at=info.get("built_at"))
            date_rank = _date_rank(reader)
            raw_ids = _column(reader, "id") if reader.doc_count_all() else []
            ids = [v.decode("utf-8") if isinstance(v, bytes) else v for v in raw_ids]
        groups = read_groups(index_dir / name)
    except Exception as error:  # corrupt or truncated segment files raise many types
        raise IndexUnavailableError(_damaged(name, error), name) from error
    examples = info.get("examples") if info else None
    if isinstance(examples, list):
        stats = replace(stats, examples=tuple(e for e in examples if isinstance(e, str))[:5])
    return Generation(
        name=name,
        index=ix,
        facets=facets,
        stats=stats,
        date_rank=date_rank,
        weighting=weighting(),
        groups=groups,
        copy_group=_group_numbers(groups.copies, ids),
        story_group=_group_numbers(groups.stories, ids),
        docnums={article_id: docnum for docnum, article_id in enumerate(ids)},
        spellings=NameSpellings.of(groups.variants),
        stemmed_in=frozenset(map(stemming_language, set(facets.language))),
    )


def _group_numbers(groups, ids: list[str]) -> array:
    """group_numbers[docnum]: the number of the group holding that document, or -1."""
    number = {article_id: n for n, group in enumerate(groups) for article_id in group}
    return array("i", (number.get(article_id, -1) for article_id in ids))


def _date_rank(reader) -> array:
    """Each document's place in date order: newest first, undated last, then by id.

    The order of FieldFacet("year", reverse=True), FieldFacet("published", reverse=True),
    FieldFacet("id"), from the same raw column values. A missing "published" reads as the
    largest date, so the year (missing: "") goes first to put undated articles last.
    """
    size = reader.doc_count_all()
    rank = array("i", bytes(4 * size))
    if not size:
        return rank
    year, published, ids = (
        _column(reader, "year"),
        _column(reader, "published"),
        _column(reader, "id"),
    )

    def descending(values: list) -> list[int]:
        place = {value: -i for i, value in enumerate(sorted(set(values)))}
        return [place[v] for v in values]

    year_key, published_key = descending(year), descending(published)
    order = sorted(range(size), key=lambda d: (year_key[d], published_key[d], ids[d]))
    for place, docnum in enumerate(order):
        rank[docnum] = place
    return rank


def _column(reader, fieldname: str) -> list:
    """Raw column values by docnum; a segment without the column gives its default value."""
    values: list = []
    for segment, _ in reader.leaf_readers():
        values.extend(segment.column_reader(fieldname, translate=False))
    return values


def _read_facets(reader, name: str) -> tuple[FacetColumns, CorpusStats]:
    """Facet values and corpus stats from the columns, not the stored docs."""
    size = reader.doc_count_all()
    deleted = set(range(size)) - set(reader.all_doc_ids()) if reader.has_deletions() else set()

    def text(values: list) -> list[str | None]:
        out = [(v.decode("utf-8") if isinstance(v, bytes) else v) or None for v in values]
        for docnum in deleted:
            out[docnum] = None
        return out

    outlet = text(_column(reader, "outlet_facet"))
    year = text(_column(reader, "year"))

    def lines(column: str) -> list[tuple[str, ...]]:
        return [
            tuple(v for v in names.split("\n") if v) if names else ()
            for names in text(_column(reader, column))
        ]

    authors = lines("authors_column")
    published = text(_column(reader, "published_column"))
    dates = [d for d in published if d]
    speakers = lines("speakers_column")
    facets, stats = _facets_and_stats(reader, name, outlet, authors, year, dates, speakers)
    language = text(_column(reader, "language"))
    return replace(facets, day=_days(published), language=tuple(language)), stats


def _days(published: list[str | None]) -> tuple[date | None, ...]:
    """Each document's publication day; one date object per distinct day (a few thousand)."""
    seen: dict[str, date | None] = {}
    days = []
    for value in published:
        key = value[:10] if value else ""
        if key not in seen:
            seen[key] = parse_day(key)
        days.append(seen[key])
    return tuple(days)


def _facets_and_stats(
    reader, name, outlet, authors, year, dates, speakers
) -> tuple[FacetColumns, CorpusStats]:
    outlets = Counter(o for o in outlet if o)
    stats = CorpusStats(
        generation=name,
        articles=reader.doc_count(),
        outlets=len(outlets),
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        dated=len(dates),
    )
    return FacetColumns(tuple(outlet), tuple(authors), tuple(year), tuple(speakers)), stats


T = TypeVar("T")


def again_if_moved(live: LiveIndex, attempt: Callable[[], T]) -> T:
    """Run attempt(), and once more if its generation was pruned under it.

    Two rebuilds publishing during one search prune the generation it started on; that
    is not a damaged index, and the new live generation answers.
    """
    try:
        return attempt()
    except IndexUnavailableError as error:
        # The pointer, not live.generation(): opening the new generation is attempt()'s job.
        if error.generation is None or error.generation == store.current_generation(live.index_dir):
            raise
    return attempt()
