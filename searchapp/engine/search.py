"""Search the live index: a plain function in, frozen dataclasses out (no Flask here)."""

from __future__ import annotations

import heapq
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import chain

from whoosh import collectors, sorting
from whoosh import query as wq

from ..model import (
    GROUPS,
    MATCHES,
    MAX_LISTED_COPIES,
    MAX_PER_PAGE,
    MAX_RESULT_DEPTH,
    SORTS,
    Copy,
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
from .schema import SEARCH_FIELD, from_stored
from .spelling import did_you_mean
from .stemming import in_languages
from .synonyms import Synonyms
from .variants import SPELLING_TIER, names_lead, variants_notice, widen_names
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
    if request.group is not None and request.group not in GROUPS:
        raise InvalidRequestError("group", f"group must be one of: {', '.join(GROUPS)}")
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
    """The memory a page's texts take (what makes a cached page large: titles, snippets,
    and the titles of the copies listed under each hit)."""
    copies = (
        text
        for hit in page.hits
        for copy_ in hit.copies
        for text in (copy_.id, copy_.title, copy_.outlet or "", copy_.published or "")
    )
    hits = (
        text
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
    return sys.getsizeof(page.notice or "") + sum(map(sys.getsizeof, chain(hits, copies)))


def _expanded(searcher, request: SearchRequest, synonyms: Synonyms) -> str:
    """The query with the user's synonym groups and the corpus's compounds OR-ed in."""
    # Operators first: the groups' " OR " would make an all-capitals query look mixed.
    text = operators_as_words(fold_typography(request.q))
    text = synonyms.rewrite(text, request.match)
    return compound_groups(searcher, text).rewrite(text, request.match)


def _parse(
    searcher,
    request: SearchRequest,
    notices: list[str],
    synonyms: Synonyms,
    languages: frozenset[str],
) -> tuple[ParsedQuery, list[typos.Correction]]:
    """The Whoosh query for a request (Every() when browsing) and the typos it corrects.

    Each word is searched in every language the index stems (`languages`). `notices` get
    what changed, the typo notice first.
    """
    if not request.q.strip():
        return ParsedQuery(wq.Every(), ""), []
    expanded = _expanded(searcher, request, synonyms)
    parsed = parse_user_query(expanded, searcher.schema, request.match)
    parsed = replace(parsed, query=in_languages(parsed.query, expanded, languages))
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
        corrector = searcher.corrector(SEARCH_FIELD)
        corrections = typos.find_corrections(searcher.reader(), corrector, request.q)
    if corrections:
        parsed = replace(parsed, query=typos.with_corrections(parsed.query, corrections))
        notices.insert(0, typos.notice(corrections))
    return parsed, corrections


def _relaxed(
    searcher,
    request: SearchRequest,
    parsed: ParsedQuery,
    corrections: list[typos.Correction],
    languages: frozenset[str],
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
        relaxed = in_languages(relaxed, request.q, languages)
        return typos.with_corrections(relaxed, corrections)
    return None


RELAXED_NOTICE = "No article has all of your words; showing articles with any of them."


def _search(
    live: LiveIndex, request: SearchRequest, synonyms: Synonyms, started: float
) -> ResultPage:
    with live.searcher() as (gen, searcher):
        notices: list[str] = []
        typed: frozenset = frozenset()  # words widened to their variants, as typed
        browsing = not request.q.strip()
        parsed, corrections = _parse(searcher, request, notices, synonyms, gen.stemmed_in)
        if request.variants and not browsing:
            parsed, typed = _with_variants(parsed, gen, notices, searcher)
        matches = _run(searcher, gen, parsed.query, request, browsing, typed)
        relaxed = None
        if not matches.total:
            relaxed = _relaxed(searcher, request, parsed, corrections, gen.stemmed_in)
        if relaxed is not None:
            matches = _run(searcher, gen, relaxed, request, browsing)
            if matches.total:
                notices.append(RELAXED_NOTICE)
        total = matches.total
        hits = tuple(
            _with_groups(
                to_hit(searcher.stored_fields(docnum), None if browsing else terms, score),
                gen,
                searcher,
                matches.folded.get(docnum, 0),
            )
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
    folded: dict[int, int] = field(default_factory=dict)  # docnum -> matches folded behind it


def _fold_groups(gen, request: SearchRequest):
    """The docnum -> group array that results fold by, or None to show every match."""
    if request.group == "story":
        return gen.story_group
    return gen.copy_group if request.collapse else None


def _run(searcher, gen, q, request: SearchRequest, browsing: bool, typed=frozenset()) -> _Matches:
    start = (request.page - 1) * request.per_page
    stop = start + request.per_page
    flt = _filters(request)
    fold = _fold_groups(gen, request)
    if browsing or request.sort == "date":
        # No score to rank by: one sorted pass on the generation's date rank.
        results = _by_date(searcher, gen, q, stop, flt, fold)
        docnums = [results.docnum(i) for i in range(start, min(stop, results.scored_length()))]
        terms = {} if browsing else _matched_terms(searcher, q, docnums)
        page = [(None, docnum, terms.get(docnum, set())) for docnum in docnums]
        hidden = getattr(results, "collapsed_counts", {})
        folded = {d: hidden.get(fold[d] + 1, 0) for d in docnums} if fold else {}
        return _Matches(len(results), results.docs(), page, folded)
    total, docnums, best, folded = _scored(searcher, gen.date_rank, q, flt, stop, fold, typed)
    return _Matches(total, docnums, best[start:stop], folded)


def _by_date(searcher, gen, q: wq.Query, limit: int, flt: wq.Query | None, fold=None):
    """Whoosh's sorted search on the date rank, looking at the time budget as it collects.

    With `fold` (docnum -> group, -1 for none) only the newest match of each group is kept,
    and the results' collapsed_counts say how many were hidden behind it.
    """
    collector = _Budgeted(searcher.collector(limit=limit, sortedby=_ArrayFacet(gen.date_rank)))
    if fold:
        collector = collectors.CollapseCollector(collector, _ArrayFacet(fold, add=1), limit=1)
    if flt is not None:
        collector = collectors.FilterCollector(collector, flt)
    searcher.search_with_collector(q, collector)
    return collector.results()


def _scored(
    searcher,
    date_rank,
    q: wq.Query,
    flt: wq.Query | None,
    stop: int,
    fold=None,
    typed=frozenset(),
    with_terms: bool = True,
):
    """(total, every matching docnum, the best `stop` as (score, docnum, terms), folded).

    With `fold` (docnum -> group, -1 for none) only the best match of each group is
    ranked; the others are counted in `folded` under the docnum of that best match, and
    the total counts each group once. With `typed` (terms a name was widened from), an
    article holding more of the spellings as typed ranks above one holding variants only.

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
    best_of: dict[int, tuple] = {}  # group -> its best (score, -rank, docnum, terms)
    members: Counter = Counter()  # group -> its matches
    steps = 0
    for segment, offset in searcher.leaf_searchers():
        matcher = q.matcher(segment, context)
        term_matchers = list(matcher.term_matchers())
        exact = [m for m in term_matchers if m.term() in typed] if typed else []
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
                if exact:
                    score += SPELLING_TIER * sum(m.is_active() and m.id() == local for m in exact)
                group = fold[docnum] if fold is not None else -1
                if group >= 0:
                    key = (score, -date_rank[docnum])
                    members[group] += 1
                    held = best_of.get(group)
                    if held is None or key > held[:2]:
                        terms = terms_here(term_matchers, local) if with_terms else None
                        best_of[group] = (*key, docnum, terms)
                    matcher.next()
                    continue
                # Most matches score below the page's worst: one float comparison skips them.
                if len(heap) == stop and score < heap[0][0]:
                    matcher.next()
                    continue
                key = (score, -date_rank[docnum])
                if len(heap) < stop or key > heap[0][:2]:
                    terms = terms_here(term_matchers, local) if with_terms else None
                    item = (*key, docnum, terms)
                    if len(heap) < stop:
                        heapq.heappush(heap, item)
                    else:
                        heapq.heapreplace(heap, item)
            matcher.next()
    ranked = heapq.nlargest(stop, chain(heap, best_of.values()), key=lambda item: item[:2])
    best = [(score % SPELLING_TIER, docnum, terms) for score, _, docnum, terms in ranked]
    folded = {item[2]: members[group] - 1 for group, item in best_of.items()}
    total = len(docnums) - sum(members.values()) + len(best_of)
    return total, docnums, best, folded


def terms_here(term_matchers, local: int) -> set:
    """The terms whose matchers sit on this (segment) document: what it matched."""
    return {m.term() for m in term_matchers if m.is_active() and m.id() == local}


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


class _ArrayFacet(sorting.FacetType):
    """A sort or collapse key read from a per-generation array indexed by docnum, plus `add`.

    Sorting by the date rank gives the order of [FieldFacet("year", reverse=True),
    FieldFacet("published", reverse=True), FieldFacet("id")] without reading three columns
    on every query (reader._date_rank says how undated articles sort last). Collapsing by a
    group array uses add=1, since Whoosh's collapser treats a key of 0 as "no group" (-1 + 1).
    """

    def __init__(self, values, add: int = 0) -> None:
        self.values = values
        self.add = add

    def categorizer(self, global_searcher):
        return _ArrayCategorizer(self.values, self.add)


class _ArrayCategorizer(sorting.Categorizer):
    def __init__(self, values, add: int) -> None:
        self.values = values
        self.add = add
        self.offset = 0

    def set_searcher(self, segment_searcher, docoffset):
        self.offset = docoffset

    def key_for(self, matcher, segment_docnum):
        return self.values[self.offset + segment_docnum] + self.add


def _filters(request: SearchRequest) -> wq.Query | None:
    parts: list[wq.Query] = []
    if request.speaker:
        parts.append(wq.Term("speaker_facet", request.speaker.replace(",", " ")))
    if request.outlet:
        parts.append(wq.Term("outlet_facet", request.outlet))
    if request.author:
        parts.append(wq.Term("author_facet", request.author.replace(",", " ")))
    if request.year:
        parts.append(wq.Term("year", request.year))
    if request.lang:
        parts.append(wq.Term("language", request.lang))
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


def _with_variants(
    parsed: ParsedQuery, gen, notices: list[str], searcher
) -> tuple[ParsedQuery, frozenset]:
    """Search each name word also under the corpus's other spellings of it (variants.py).

    Only bare words are widened: a quoted phrase ("Sergei Lavrov") means that spelling.
    Returns the query and the widened terms as typed, (field, bytes) like a matcher's.
    """

    def docs(words: list[str]) -> dict[str, int]:
        return {w: searcher.doc_frequency(SEARCH_FIELD, w) for w in words}

    query, widened = widen_names(
        parsed.query, gen.spellings, docs=docs, total=searcher.doc_count_all()
    )
    if not widened:
        return parsed, frozenset()
    notices.append(variants_notice(gen.spellings, widened))
    typed = frozenset((SEARCH_FIELD, word.encode("utf-8")) for word in widened)
    if not names_lead(widened, len(words_of(parsed.text))):
        typed = frozenset()
    return ParsedQuery(query, parsed.text, parsed.notice, parsed.plain_words), typed


def _with_groups(hit: Hit, gen, searcher, folded: int) -> Hit:
    """The hit with its copies, its story and how many matches fold behind it."""
    copies = gen.copies_of(hit.id)
    listed = []
    for article_id in copies[:MAX_LISTED_COPIES]:
        fields = searcher.stored_fields(gen.docnums[article_id])
        listed.append(
            Copy(article_id, fields.get("title", ""), fields.get("outlet") or None,
                 fields.get("published_text"))
        )  # fmt: skip
    return replace(
        hit,
        copies=tuple(listed),
        more_copies=len(copies) - len(listed),
        story=gen.story_of(hit.id),
        folded=folded,
    )


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
    speakers = Counter(chain.from_iterable(map(columns.speakers.__getitem__, docnums)))
    languages = Counter(map(columns.language.__getitem__, docnums))
    for counter in (outlets, years, languages):
        counter.pop(None, None)  # articles without an outlet, a date or a known language

    def top(counter: Counter, by_value: bool = False) -> tuple[FacetCount, ...]:
        if by_value:
            rows = sorted(counter.items(), reverse=True)
        else:
            rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(FacetCount(value, count) for value, count in rows[:FACET_LIMIT])

    return {
        "outlet": top(outlets),
        "author": top(authors),
        "year": top(years, by_value=True),
        "speaker": top(speakers),
        "language": top(languages),
    }


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
        parsed, corrections = _parse(searcher, request, [], synonyms, gen.stemmed_in)
        total, order = _order(searcher, gen, parsed.query, request, browsing, cap)
        relaxed = None
        if not total:
            relaxed = _relaxed(searcher, request, parsed, corrections, gen.stemmed_in)
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
    total, _, best, _ = _scored(searcher, gen.date_rank, q, flt, cap, with_terms=False)
    return total, [(score, docnum) for score, docnum, _ in best]


def _export_hits(searcher, q: wq.Query | None, order: list) -> Iterator[Hit]:
    for start in range(0, len(order), EXPORT_CHUNK):
        chunk = order[start : start + EXPORT_CHUNK]
        terms = _matched_terms(searcher, q, [d for _, d in chunk]) if q is not None else None
        for score, docnum in chunk:
            budget.check()  # past the time budget: this stops the rows only if the client left
            matched = None if terms is None else terms.get(docnum, set())
            # All of the page's snippets, so the row's first one is the page's first one.
            yield to_hit(searcher.stored_fields(docnum), matched, score)
