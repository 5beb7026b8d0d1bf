"""Search the live index: a plain function in, frozen dataclasses out (no Flask here)."""

from __future__ import annotations

import heapq
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import chain

from whoosh import collectors, sorting
from whoosh import query as wq

from ..model import (
    MATCHES,
    MAX_PER_PAGE,
    MAX_RESULT_DEPTH,
    SORTS,
    Export,
    FacetCount,
    Hit,
    InvalidRequestError,
    ResultPage,
    SearchRequest,
)
from ..timeline import histogram
from . import budget, typos
from .analysis import fold_typography
from .budget import time_budget
from .compounds import compound_groups
from .highlight import hit_snippets
from .live_index import FacetColumns, LiveIndex, again_if_moved
from .query import (
    ParsedQuery,
    check_bounds,
    has_syntax,
    operators_as_words,
    parse_user_query,
    plain_words_query,
    words_of,
)
from .schema import from_stored
from .spelling import did_you_mean
from .synonyms import Synonyms
from .whoosh_private import filter_docnums

MAX_TERM_EXPANSION = 1_000  # words a prefix/fuzzy term may expand to before we refuse it
FACET_LIMIT = 20
# Matches between two looks at the time budget: a phrase can cost ~30 ms a match, and a
# look costs well under a microsecond.
BUDGET_EVERY = 64
MAX_EXPORT_ROWS = 100_000  # rows in one CSV/JSON Lines export; the README documents it
EXPORT_CHUNK = 200  # hits turned from stored fields at a time while an export streams


def validate(request: SearchRequest) -> None:
    """Raise InvalidRequestError for the first parameter out of range."""
    if request.page < 1:
        raise InvalidRequestError("page", "page must be 1 or more")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise InvalidRequestError("per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    if request.page * request.per_page > MAX_RESULT_DEPTH:
        raise InvalidRequestError(
            "page", f"results deeper than {MAX_RESULT_DEPTH} are not served; refine the query"
        )
    if request.sort not in SORTS:
        raise InvalidRequestError("sort", f"sort must be one of: {', '.join(SORTS)}")
    if request.match not in MATCHES:
        raise InvalidRequestError("match", f"match must be one of: {', '.join(MATCHES)}")
    if request.year is not None and not (request.year.isdigit() and len(request.year) == 4):
        raise InvalidRequestError("year", "year must be four digits, e.g. 2025")
    try:
        check_bounds(request.q)
    except ValueError as error:
        raise InvalidRequestError("q", str(error)) from None


NO_SYNONYMS = Synonyms()


def search(live: LiveIndex, request: SearchRequest, synonyms: Synonyms = NO_SYNONYMS) -> ResultPage:
    """Run one search; raises InvalidRequestError or IndexUnavailableError."""
    validate(request)
    started = time.perf_counter()
    with time_budget():
        # Opening the generation is inside the retry too: it can be pruned before it opens.
        return again_if_moved(live, lambda: _cached_search(live, request, synonyms, started))


def _cached_search(
    live: LiveIndex, request: SearchRequest, synonyms: Synonyms, started: float
) -> ResultPage:
    # Same generation and same request give the same page (the request is frozen, so
    # hashable; q is kept as typed because a did-you-mean echoes its spacing).
    key = (live.generation().name, request)
    cached = live.results.get(key)
    if cached is not None:
        took_ms = round((time.perf_counter() - started) * 1000, 2)
        return replace(cached, request=request, took_ms=took_ms)
    page = _search(live, request, synonyms, started)
    if page.generation == key[0]:
        live.results.put(key, page, cost=_text_bytes(page))
    return page


def _text_bytes(page: ResultPage) -> int:
    """The memory a page's texts take (what makes a cached page large: titles, snippets)."""
    return sum(
        sys.getsizeof(text)
        for hit in page.hits
        for text in (
            hit.id,
            hit.title,
            hit.url or "",
            hit.outlet or "",
            *hit.snippets,
            *hit.authors,
        )
    )


def _expanded(searcher, request: SearchRequest, synonyms: Synonyms) -> str:
    """The query with the user's synonym groups and the corpus's compounds OR-ed in."""
    # Operators first: the groups' " OR " would make an all-capitals query look mixed.
    text = operators_as_words(fold_typography(request.q))
    text = synonyms.rewrite(text, request.match)
    return compound_groups(searcher, text).rewrite(text, request.match)


def _parse(
    searcher, gen, request: SearchRequest, notices: list[str], synonyms: Synonyms
) -> tuple[ParsedQuery, list[typos.Correction]]:
    """The Whoosh query for a request (Every() when browsing) and the typos it corrects.

    `notices` get what changed, the typo notice first.
    """
    if not request.q.strip():
        return ParsedQuery(wq.Every(), ""), []
    expanded = _expanded(searcher, request, synonyms)
    parsed = parse_user_query(expanded, searcher.schema, request.match)
    if parsed.notice:
        notices.append(parsed.notice)
    parsed = _cap_expansions(parsed, searcher, notices)
    if not words_of(request.q) and not notices:
        notices.append("Your query has no words to search for.")
    elif parsed.query is wq.NullQuery and not notices:
        notices.append(
            "Your query has only very common words (such as 'the'), which are not searched."
        )
    corrections = []
    if request.typos and parsed.query is not wq.NullQuery:
        corrections = typos.find_corrections(searcher.reader(), gen.close_words, request.q)
    if corrections:
        parsed = replace(parsed, query=typos.with_corrections(parsed.query, corrections))
        notices.insert(0, typos.notice(corrections))
    return parsed, corrections


def _relaxed(
    searcher, request: SearchRequest, parsed: ParsedQuery, corrections: list[typos.Correction]
) -> wq.Query | None:
    """The any-word query to try when an all-words one found nothing, or None if not apt."""
    if (
        request.q.strip()
        and request.match == "all"
        and len(words_of(request.q)) > 1
        # A quoted phrase or an explicit operator means what it says: relaxing
        # "Sea Black" to any-word would show articles that don't hold the phrase.
        and (parsed.plain_words or not has_syntax(request.q))
    ):
        relaxed = plain_words_query(request.q, searcher.schema, "any")
        return typos.with_corrections(relaxed, corrections)
    return None


RELAXED_NOTICE = "No article has all of your words; showing articles with any of them."


def _search(
    live: LiveIndex, request: SearchRequest, synonyms: Synonyms, started: float
) -> ResultPage:
    with live.searcher() as (gen, searcher):
        notices: list[str] = []
        browsing = not request.q.strip()
        parsed, corrections = _parse(searcher, gen, request, notices, synonyms)
        matches = _run(searcher, gen, parsed.query, request, browsing)
        relaxed = None if matches.total else _relaxed(searcher, request, parsed, corrections)
        if relaxed is not None:
            matches = _run(searcher, gen, relaxed, request, browsing)
            if matches.total:
                notices.append(RELAXED_NOTICE)
        total = matches.total
        hits = tuple(
            to_hit(searcher.stored_fields(docnum), None if browsing else terms, score)
            for score, docnum, terms in matches.page
        )
        facets = _facet_counts(gen.facets, matches.docnums)
        timeline = histogram(Counter(map(gen.facets.day.__getitem__, matches.docnums)))
        # Offer a spelling only when the words as typed found nothing, or not all of them,
        # and the close words are not searched already.
        weak = not total or bool(notices)
        offer = weak and not browsing and not corrections
        suggestion = did_you_mean(searcher, request.q) if offer else None
    return ResultPage(
        request=request,
        total=total,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        hits=hits,
        facets=facets,
        suggestion=suggestion,
        notice=" ".join(notices) or None,
        generation=gen.name,
        timeline=timeline,
    )


@dataclass(frozen=True)
class _Matches:
    total: int  # exact, however deep the page
    docnums: Collection[int]  # every match, for the facet counts
    page: list[tuple[float | None, int, set]]  # (score, docnum, matched terms) on the page


def _run(searcher, gen, q, request: SearchRequest, browsing: bool) -> _Matches:
    start = (request.page - 1) * request.per_page
    stop = start + request.per_page
    flt = _filters(request)
    if browsing or request.sort == "date":
        # No score to rank by: one sorted pass on the generation's date rank.
        results = _by_date(searcher, gen, q, stop, flt)
        docnums = [results.docnum(i) for i in range(start, min(stop, results.scored_length()))]
        terms = {} if browsing else _matched_terms(searcher, q, docnums)
        page = [(None, docnum, terms.get(docnum, set())) for docnum in docnums]
        return _Matches(len(results), results.docs(), page)
    total, docnums, best = _scored(searcher, gen.date_rank, q, flt, stop)
    return _Matches(total, docnums, best[start:stop])


def _by_date(searcher, gen, q: wq.Query, limit: int, flt: wq.Query | None):
    """Whoosh's sorted search on the date rank, looking at the time budget as it collects."""
    collector = _Budgeted(searcher.collector(limit=limit, sortedby=_RankFacet(gen.date_rank)))
    if flt is not None:
        collector = collectors.FilterCollector(collector, flt)
    searcher.search_with_collector(q, collector)
    return collector.results()


def _scored(
    searcher, date_rank, q: wq.Query, flt: wq.Query | None, stop: int, with_terms: bool = True
):
    """(total, every matching docnum, the best `stop` as (score, docnum, terms)).

    One pass over the matches, scoring each: the exact total and the facets need all of
    them anyway. (Whoosh's top-k collector skips nothing here, since a word is an OR over
    seven fields whose summed block maxima never fall below the cut, and an unscored pass
    for the total would walk the matches twice: both measured slower.) The heap is keyed
    by (score, -date rank), the page order itself, so a tie at a page's edge can't make
    paging unstable. The matched terms, for snippets, are read off the term matchers when
    a document enters the heap, rather than recorded for every match (terms=True); an
    export, whose heap holds every match, reads them later a chunk at a time (None here).
    """
    weighting = searcher.weighting
    final = weighting.final if weighting.use_final else None
    allowed = filter_docnums(searcher, flt) if flt is not None else None
    context = searcher.context(needs_current=True)  # keeps term matchers (no ArrayUnion)
    docnums: list[int] = []
    heap: list = []  # (score, -rank, docnum, terms): the worst of the kept on top
    steps = 0
    for segment, offset in searcher.leaf_searchers():
        matcher = q.matcher(segment, context)
        term_matchers = list(matcher.term_matchers())
        while matcher.is_active():
            steps += 1
            if not steps % BUDGET_EVERY:
                budget.check()
            local = matcher.id()
            docnum = offset + local
            if allowed is None or docnum in allowed:
                docnums.append(docnum)
                score = matcher.score()
                if final is not None:
                    score = final(searcher, docnum, score)
                # Most matches score below the page's worst: one float comparison skips them.
                if len(heap) == stop and score < heap[0][0]:
                    matcher.next()
                    continue
                key = (score, -date_rank[docnum])
                if len(heap) < stop or key > heap[0][:2]:
                    terms = (
                        {m.term() for m in term_matchers if m.is_active() and m.id() == local}
                        if with_terms
                        else None
                    )
                    item = (*key, docnum, terms)
                    if len(heap) < stop:
                        heapq.heappush(heap, item)
                    else:
                        heapq.heapreplace(heap, item)
            matcher.next()
    best = [(score, docnum, terms) for score, _, docnum, terms in sorted(heap, reverse=True)]
    return len(docnums), docnums, best


def _matched_terms(searcher, q: wq.Query, docnums: list[int]) -> dict[int, set]:
    """The (field, text) terms each of these matching documents holds, for its snippets.

    What Whoosh's terms=True records, but for these documents only: move one matcher per
    segment to each of them and read off the term matchers sitting on it.
    """
    found: dict[int, set] = {}
    context = searcher.context(needs_current=True)  # keeps term matchers (no ArrayUnion)
    for segment, offset in searcher.leaf_searchers():
        size = segment.doc_count_all()
        wanted = sorted(d - offset for d in docnums if offset <= d < offset + size)
        if not wanted:
            continue
        matcher = q.matcher(segment, context)
        for docnum in wanted:
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active():
                break
            if matcher.id() == docnum:
                found[docnum + offset] = {
                    m.term() for m in matcher.term_matchers() if m.is_active() and m.id() == docnum
                }
    return found


class _Budgeted(collectors.WrappingCollector):
    """A Whoosh collector that checks the time budget as it collects (inside any filter)."""

    collected = 0

    def collect(self, sub_docnum):
        self.collected += 1
        if not self.collected % BUDGET_EVERY:
            budget.check()
        return self.child.collect(sub_docnum)


class _RankFacet(sorting.FacetType):
    """Sort by the generation's precomputed date/id rank.

    The order of [FieldFacet("year", reverse=True), FieldFacet("published", reverse=True),
    FieldFacet("id")] without reading three columns on every query (reader._date_rank says
    how undated articles sort last).
    """

    def __init__(self, date_rank) -> None:
        self.date_rank = date_rank

    def categorizer(self, global_searcher):
        return _RankCategorizer(self.date_rank)


class _RankCategorizer(sorting.Categorizer):
    def __init__(self, date_rank) -> None:
        self.date_rank = date_rank
        self.offset = 0

    def set_searcher(self, segment_searcher, docoffset):
        self.offset = docoffset

    def key_for(self, matcher, segment_docnum):
        return self.date_rank[self.offset + segment_docnum]


def _filters(request: SearchRequest) -> wq.Query | None:
    parts: list[wq.Query] = []
    if request.outlet:
        parts.append(wq.Term("outlet_facet", request.outlet))
    if request.author:
        parts.append(wq.Term("author_facet", request.author.replace(",", " ")))
    if request.year:
        parts.append(wq.Term("year", request.year))
    if request.date_from or request.date_to:
        start = (
            datetime.combine(request.date_from, datetime.min.time()) if request.date_from else None
        )
        end = (
            datetime.combine(request.date_to + timedelta(days=1), datetime.min.time())
            if request.date_to
            else None
        )
        parts.append(wq.DateRange("published", start, end, endexcl=True))
    return wq.And(parts) if parts else None


def _cap_expansions(parsed: ParsedQuery, searcher, notices: list[str]) -> ParsedQuery:
    """Refuse prefix/wildcard/fuzzy terms that expand to too much of the vocabulary."""
    reader = searcher.reader()

    def too_wide(node: wq.Query) -> bool:
        if not isinstance(node, wq.MultiTerm):
            return False
        for count, _ in enumerate(node.expanded_terms(reader), start=1):
            if count > MAX_TERM_EXPANSION:
                return True
            if not count % 64:
                budget.check()
        return False

    wide = {n.text for n in parsed.query.leaves() if too_wide(n)}
    if not wide:
        return parsed
    notices.append(
        f"Left out {', '.join(repr(w + '*') for w in sorted(wide))}: it matches over "
        f"{MAX_TERM_EXPANSION} different words; type more letters."
    )
    pruned = parsed.query.accept(
        lambda node: wq.NullQuery if isinstance(node, wq.MultiTerm) and node.text in wide else node
    )
    return ParsedQuery(pruned.normalize(), parsed.text, parsed.notice, parsed.plain_words)


def to_hit(fields: dict, terms: set | None, score: float | None = None) -> Hit:
    """A hit from its stored fields; `terms` (None when browsing) pick the snippets."""
    article = from_stored(fields, with_removed=False)  # a hit never shows them
    snippets = hit_snippets(article, terms)
    return Hit(
        id=article.id,
        title=article.title,
        outlet=article.outlet,
        authors=article.authors,
        published=article.published,
        url=article.url,
        score=None if score is None else round(float(score), 4),
        snippets=snippets,
    )


def _facet_counts(columns: FacetColumns, docnums) -> dict[str, tuple[FacetCount, ...]]:
    # map() and Counter count in C: this runs over every match, not just the page.
    outlets = Counter(map(columns.outlet.__getitem__, docnums))
    authors = Counter(chain.from_iterable(map(columns.authors.__getitem__, docnums)))
    years = Counter(map(columns.year.__getitem__, docnums))
    outlets.pop(None, None)  # articles without an outlet or a date
    years.pop(None, None)

    def top(counter: Counter, by_value: bool = False) -> tuple[FacetCount, ...]:
        if by_value:
            rows = sorted(counter.items(), reverse=True)
        else:
            rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(FacetCount(value, count) for value, count in rows[:FACET_LIMIT])

    return {"outlet": top(outlets), "author": top(authors), "year": top(years, by_value=True)}


def export(
    live: LiveIndex,
    request: SearchRequest,
    cap: int = MAX_EXPORT_ROWS,
    synonyms: Synonyms = NO_SYNONYMS,
) -> Export:
    """The page's query, filters and sort over all matches; hits are made chunk by chunk.

    Only the order (docnums, and scores for relevance) is held in memory: 100,000 matches
    are a few MB of ints, while their hits with snippets would be several times the CSV.
    """
    validate(request)
    with time_budget():  # finding the matches; the rows then stream at the client's pace
        return again_if_moved(live, lambda: _export(live, request, cap, synonyms))


def _export(live: LiveIndex, request: SearchRequest, cap: int, synonyms: Synonyms) -> Export:
    with live.searcher() as (gen, searcher):
        browsing = not request.q.strip()
        parsed, corrections = _parse(searcher, gen, request, [], synonyms)
        total, order = _order(searcher, gen, parsed.query, request, browsing, cap)
        relaxed = None if total else _relaxed(searcher, request, parsed, corrections)
        query = parsed.query
        if relaxed is not None:
            query = relaxed
            total, order = _order(searcher, gen, relaxed, request, browsing, cap)
    # The generator keeps this thread's searcher: the thread serves nothing else until the
    # response is sent, and a pruned generation's open files stay readable on POSIX.
    hits = _export_hits(searcher, None if browsing else query, order)
    return Export(total=total, rows=len(order), generation=gen.name, hits=hits)


def _order(searcher, gen, q, request: SearchRequest, browsing: bool, cap: int):
    """(total, [(score, docnum)] of the first `cap` matches in the request's order)."""
    flt = _filters(request)
    if browsing or request.sort == "date":
        results = _by_date(searcher, gen, q, cap, flt)
        order = [(None, results.docnum(i)) for i in range(results.scored_length())]
        return len(results), order
    total, _, best = _scored(searcher, gen.date_rank, q, flt, cap, with_terms=False)
    return total, [(score, docnum) for score, docnum, _ in best]


def _export_hits(searcher, q: wq.Query | None, order: list) -> Iterator[Hit]:
    for start in range(0, len(order), EXPORT_CHUNK):
        chunk = order[start : start + EXPORT_CHUNK]
        terms = _matched_terms(searcher, q, [d for _, d in chunk]) if q is not None else None
        for score, docnum in chunk:
            matched = None if terms is None else terms.get(docnum, set())
            # All of the page's snippets, so the row's first one is the page's first one.
            yield to_hit(searcher.stored_fields(docnum), matched, score)
