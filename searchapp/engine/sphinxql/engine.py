"""Answer the pages and the API from a Sphinx 2.2 / Manticore cluster, through its master.

The same SearchRequest in, the same ResultPage, Hit, FacetCount and Article out as the
Whoosh engine. Each request reads the master's `meta` row for the live colour, so a
rebuild's swap is seen by the next request; a page is one multi-statement round trip
(the hits, three FACETs, SHOW META, SHOW WARNINGS) plus one CALL SNIPPETS for the page's
bodies.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from functools import partial

import pymysql

from ...model import (
    MAX_PER_PAGE,
    Article,
    CorpusStats,
    Export,
    FacetCount,
    Hit,
    ResultPage,
    SearchRequest,
)
from .. import budget
from ..analysis import WORD_PATTERN, analyse_word, fold_typography, fold_word, is_stop_word
from ..articles import ArticleNotFoundError
from ..highlight import make_snippets, plain_snippet
from ..live_index import IndexUnavailableError
from ..query import OPERATORS, has_syntax, words_of
from ..search import FACET_LIMIT, MAX_EXPORT_ROWS, validate
from ..variants import NameSpellings, names_lead, variants_notice, widen_names
from . import matchtext
from .cluster import Address, ClusterUnavailableError, connect
from .config import ARTICLES, META, TEMPLATE, VOCAB
from .documents import (
    UNDATED,
    day_start,
    doc_id,
    from_stored,
    language_code,
    language_number,
    name_id,
    speaker_id,
)
from .idf import IDF_OPTION
from .ranker import MAX_TIERS, SCORE_SCALE, TIER_WEIGHT, field_weights, ranker
from .stories import read_copies, read_story, read_story_link
from .writer import META_ID, trigrams, vocab_id

DEFAULT_TIMEOUT_MS = 3_000
RELATED_LIMIT = 5
RELATED_TERMS = 8  # distinctive body words a related-articles query ORs together
SPELLING_CANDIDATES = 100
MAX_SUGGEST_WORDS = 8
MIN_PREFIX = 2
# Vocabulary words a wildcard's leading letters may walk (the parser wants two or more).
WILDCARD_SCAN = 5_000
# Rows read, and bodies sent to one CALL SNIPPETS, at a time while an export streams: the
# largest page's batch, well under searchd's 8 MB max_packet_size for news-length bodies.
EXPORT_BATCH = MAX_PER_PAGE
_PLAIN_WORD = re.compile(r"(?<![\w:])(\w+)(?![\w*?~:])")
_LAST_WORD = re.compile(r"(\w+)$")
_AGENT = re.compile(r"agent ([^\s:]+:\d+)")
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"


@dataclass(frozen=True)
class Live:
    colour: str
    generation: str
    info: dict

    @property
    def articles(self) -> str:
        return f"{ARTICLES}_{self.colour}"

    @property
    def vocab(self) -> str:
        return f"{VOCAB}_{self.colour}"


class SphinxEngine:
    """Searches a cluster through its master; safe to share between threads."""

    def __init__(
        self,
        master: Address,
        *,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        start_hint: str = "",
    ) -> None:
        self.master = master
        self.timeout_ms = timeout_ms
        self.start_hint = start_hint or f"start searchd for the master at {master}"
        self._local = threading.local()
        self._infos: dict[str, dict] = {}
        self._held_spellings: tuple[str, NameSpellings] | None = None

    @classmethod
    def at(cls, master: str, **options) -> SphinxEngine:
        """An engine for the master at `host:port`."""
        return cls(Address.parse(master), **options)

    # -- connections and errors -------------------------------------------------------

    def _cursor(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or not conn.open:
            # A hard cap a little above the query's own time budget (max_query_time).
            conn = connect(self.master, read_timeout_s=self.timeout_ms / 1000 + 2)
            self._local.conn = conn
        return conn.cursor()

    def _run(self, attempt):
        """attempt(cursor); a cluster that is down becomes IndexUnavailableError (a 503)."""
        try:
            with self._cursor() as cursor:
                return attempt(cursor)
        except ClusterUnavailableError as error:
            raise IndexUnavailableError(
                f"The search cluster is down: {error}; {self.start_hint}."
            ) from None
        except pymysql.err.OperationalError as error:
            self._drop()
            raise IndexUnavailableError(
                f"The search cluster's master at {self.master} stopped answering "
                f"({error.args[-1]}); {self.start_hint}."
            ) from None
        except pymysql.err.InterfaceError:
            self._drop()
            raise IndexUnavailableError(
                f"Lost the connection to the search cluster at {self.master}; {self.start_hint}."
            ) from None

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            try:
                conn.close()
            except pymysql.err.Error:
                pass

    def close(self) -> None:
        self._drop()

    def _live(self, cursor) -> Live:
        try:
            cursor.execute(f"SELECT live, generation, info FROM {META} WHERE id = {META_ID}")
            row = cursor.fetchone()
        except pymysql.err.ProgrammingError as error:
            raise IndexUnavailableError(
                f"The search cluster at {self.master} has no {META} index ({error.args[-1]}): "
                "is it a master written by `searchapp sphinx-config`?"
            ) from None
        if row is None:
            raise IndexUnavailableError(
                "No search index has been built in the cluster yet: run "
                "`searchapp rebuild-index --engine sphinxql` to build it."
            )
        colour, generation, info = row
        if generation not in self._infos:
            import json

            self._infos = {generation: json.loads(info or "{}")}
        return Live(colour, generation, self._infos[generation])

    # -- the surface the pages and the API use ------------------------------------------

    def stats(self) -> CorpusStats:
        live = self._run(self._live)
        info = live.info
        return CorpusStats(
            generation=live.generation,
            articles=int(info.get("articles", 0)),
            outlets=int(info.get("outlets", 0)),
            first_date=info.get("first_date"),
            last_date=info.get("last_date"),
            built_at=info.get("built_at"),
        )

    def read_stats(self) -> CorpusStats:
        """The /healthz probe: stats() already asks the master, as a search would."""
        return self.stats()

    def generation(self) -> str:
        return self._run(self._live).generation

    def search(self, request: SearchRequest) -> ResultPage:
        validate(request)
        started = time.perf_counter()
        return self._run(lambda cursor: self._search(cursor, request, started))

    def get_article(self, article_id: str) -> Article:
        def attempt(cursor) -> Article:
            live = self._live(cursor)
            cursor.execute(
                f"SELECT article_id, stored FROM {live.articles} WHERE id = %s",
                (doc_id(article_id),),
            )
            row = cursor.fetchone()
            if row is None or row[0] != article_id:
                raise ArticleNotFoundError(article_id)
            return from_stored(row[1])

        return self._run(attempt)

    def get_story(self, story_id: int):
        def attempt(cursor):
            live = self._live(cursor)
            return read_story(cursor, live.articles, story_id, live.info.get("variants", {}))

        return self._run(attempt)

    def story_link(self, article_id: str):
        return self._run(
            lambda cursor: read_story_link(cursor, self._live(cursor).articles, article_id)
        )

    def related(self, article_id: str, limit: int = RELATED_LIMIT) -> tuple[Hit, ...]:
        return self._run(lambda cursor: self._related(cursor, article_id, limit))

    def complete(self, text: str, limit: int = 8) -> tuple[str, ...]:
        folded = fold_typography(text)
        match = _LAST_WORD.search(folded)
        if match is None or len(match.group(1)) < MIN_PREFIX:
            return ()
        prefix, head = fold_word(match.group(1)), folded[: match.start()]

        def attempt(cursor) -> tuple[str, ...]:
            live = self._live(cursor)
            cursor.execute(
                f"SELECT word, df FROM {live.vocab} WHERE MATCH(%s) "
                f"ORDER BY df DESC, word ASC LIMIT {limit + 1}",
                ("@word_text " + matchtext.escape_word(prefix) + "*",),
            )
            words = [w for w, _ in cursor.fetchall() if w != prefix]
            return tuple(head + w for w in words)[:limit]

        return self._run(attempt)

    # -- search --------------------------------------------------------------------

    def _search(self, cursor, request: SearchRequest, started: float) -> ResultPage:
        live = self._live(cursor)
        notices: list[str] = []
        browsing = not request.q.strip()
        mq = None if browsing else self._matching(cursor, live, request, notices, variants=True)
        result = self._query(cursor, live, request, mq, browsing, notices)
        if not result.total and _relaxable(request, mq):
            relaxed = matchtext.plain(request.q, "any")
            result = self._query(cursor, live, request, relaxed, browsing, notices)
            if result.total:
                notices.append(
                    "No article has all of your words; showing articles with any of them."
                )
        if result.notice:
            notices.append(result.notice)
        highlight = "" if browsing else matchtext.highlight_text(mq.parsed)
        hits = self._hits(cursor, result.rows, highlight, browsing or request.sort == "date")
        hits = self._with_groups(cursor, live, hits, result.rows)
        weak = not result.total or bool(notices)
        suggestion = self._suggest(cursor, live, request.q) if weak and not browsing else None
        return ResultPage(
            request=request,
            total=result.total,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            facets=self._facets(live, result),
            suggestion=suggestion,
            notice=" ".join(dict.fromkeys(notices)) or None,
            generation=live.generation,
        )

    def _matching(
        self, cursor, live: Live, request: SearchRequest, notices: list[str], variants=False
    ):
        """The query as MATCH text; what the reader should know about it goes to notices.

        With `variants` (a page, not an export: as with Whoosh) and the request's
        `variants`, name words are widened to the corpus's other spellings of them.
        """
        spellings = self._spellings(live) if variants and request.variants else None
        widened: dict[str, tuple[str, ...]] = {}

        def rewrite(q):
            q, found = widen_names(
                q,
                spellings,
                stemmed=False,
                docs=lambda words: self._word_dfs(cursor, live, words),
                total=int(live.info.get("articles", 0)),
            )
            widened.update(found)
            return q

        mq = matchtext.parse(
            request.q,
            request.match,
            lambda *a: self._fuzzy(cursor, live, *a),
            rewrite if spellings and spellings.forms else None,
            lambda pattern: self._wildcard(cursor, live, pattern),
        )
        if mq.parsed.notice:
            notices.append(mq.parsed.notice)
        if not words_of(request.q) and not notices:
            notices.append("Your query has no words to search for.")
        elif mq.only_excluded:
            notices.append("Add a word to search for: a query of only excluded words is not run.")
        elif not mq.text and not notices:
            notices.append(
                "Your query has only very common words (such as 'the'), which are not searched."
            )
        if widened and mq.text:
            notices.append(variants_notice(spellings, widened))
            if names_lead(widened, len(words_of(request.q))):
                mq = replace(mq, typed=tuple(widened))
        return mq

    def _spellings(self, live: Live) -> NameSpellings:
        """The live generation's name variants, worked out once per generation."""
        held = self._held_spellings
        if held is None or held[0] != live.generation:
            held = (live.generation, NameSpellings.of(live.info.get("variants") or {}))
            self._held_spellings = held
        return held[1]

    def _clauses(self, live: Live, request, mq, browsing: bool, max_matches: int):
        """(WHERE clause, its parameters, ORDER BY, OPTIONs) of a search, page or export."""
        where, params = _filters(request)
        if not browsing:
            where.insert(0, "MATCH(%s)")
            params.insert(0, mq.text)
        if browsing or request.sort == "date":
            order = "date_key DESC, article_id ASC"
        else:
            order = "weight() DESC, date_key DESC, article_id ASC"
        options = [f"max_matches={max_matches}", f"max_query_time={self.timeout_ms}"]
        if not browsing:
            options += [
                f"ranker={ranker(live.info.get('avg_length', 1.0), mq.typed[:MAX_TIERS])}",
                field_weights(),
                *_idf_options(live),
            ]
        clause = " WHERE " + " AND ".join(where) if where else ""
        return clause, params, order, ", ".join(options)

    def _as_plain_words(self, run, request, mq, browsing: bool, notices: list[str]):
        """run(mq); if searchd refuses the MATCH text, say so and run the plain words.

        The escaped text should always parse; this is the parser's own fallback for bad
        syntax, applied once more at searchd.
        """
        try:
            return run(mq)
        except pymysql.err.ProgrammingError as error:
            if browsing or mq.parsed.plain_words:
                raise
            notices.append(
                f"The query could not be run as written ({error.args[-1]}); "
                "it was searched as plain words."
            )
            return run(matchtext.plain(request.q, request.match))

    def _query(self, cursor, live: Live, request, mq, browsing: bool, notices) -> _Result:
        if not browsing and (mq is None or not mq.text):
            return _Result(0, [], {}, None)
        return self._as_plain_words(
            lambda m: self._page(cursor, live, request, m, browsing), request, mq, browsing, notices
        )

    def _page(self, cursor, live: Live, request, mq, browsing: bool) -> _Result:
        start = (request.page - 1) * request.per_page
        stop = start + request.per_page
        where, params, order, options = self._clauses(live, request, mq, browsing, max(1000, stop))
        # Copies (or, with group=story, stories) fold into their best match: one row per
        # key, and total_found counts the groups, as the Whoosh engine's total does.
        fold = _fold_key(request)
        grouping = f" GROUP BY {fold} WITHIN GROUP ORDER BY {order}" if fold else ""
        sql = (
            f"SELECT article_id, stored, weight(), copy_key, story{', COUNT(*)' if fold else ''}"
            + f" FROM {live.articles}{where}{grouping}"
            + f" ORDER BY {order} LIMIT {start}, {request.per_page} OPTION {options}"
            # Without aliases: in 2.2, FACET with a column alias fails on a distributed index.
            + " FACET outlet_value ORDER BY COUNT(*) DESC LIMIT 1000"
            + " FACET author_ids ORDER BY COUNT(*) DESC LIMIT 1000"
            + " FACET year ORDER BY year DESC LIMIT 1000"
            + " FACET speaker_ids ORDER BY COUNT(*) DESC LIMIT 1000"
            + " FACET language ORDER BY COUNT(*) DESC LIMIT 1000"
            + "; SHOW META; SHOW WARNINGS"
        )
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        sets = []
        while cursor.nextset():
            sets.append(cursor.fetchall())
        outlets, authors, years, speakers, languages, meta, warnings = (sets + [()] * 7)[:7]
        facets = {
            "outlet": outlets,
            "author": authors,
            "year": years,
            "speaker": speakers,
            "language": languages,
        }
        return _Result(_total_found(meta), rows, facets, self._partial(warnings))

    # -- export ------------------------------------------------------------------------

    def export(self, request: SearchRequest, cap: int = MAX_EXPORT_ROWS) -> Export:
        """Every match of the page's query, filters and sort (up to `cap`), in page order.

        As the Whoosh export does, only the order is held: one query fetches the ids and
        weights of all the matches (100,000 of them are a few MB), then the rows are read
        and given snippets EXPORT_BATCH ids at a time while the download streams, from the
        colour that was live when it started (a rebuild meanwhile fills the other one).
        Copies are not folded: an export lists every match, with Whoosh.
        """
        validate(request)
        live, mq, total, order = self._run(lambda cursor: self._export_order(cursor, request, cap))
        unscored = mq is None or request.sort == "date"
        highlight = "" if mq is None else matchtext.highlight_text(mq.parsed)
        return Export(
            total=total,
            rows=len(order),
            generation=live.generation,
            hits=self._export_hits(live, order, highlight, unscored),
        )

    def _export_order(self, cursor, request: SearchRequest, cap: int):
        """(live colour, MATCH text or None, total, [(doc id, weight)] in page order)."""
        live = self._live(cursor)
        browsing = not request.q.strip()
        mq = None if browsing else self._matching(cursor, live, request, [])

        def order_of(m) -> tuple[int, list]:
            if not browsing and not m.text:
                return 0, []
            return self._as_plain_words(
                lambda m: self._ids_in_order(cursor, live, request, m, browsing, cap),
                request,
                m,
                browsing,
                [],
            )

        total, order = order_of(mq)
        if not total and _relaxable(request, mq):
            total, order = order_of(matchtext.plain(request.q, "any"))
        return live, mq, total, order

    def _ids_in_order(self, cursor, live: Live, request, mq, browsing: bool, cap: int):
        where, params, order, options = self._clauses(live, request, mq, browsing, max(cap, 1))
        cursor.execute(
            f"SELECT id, weight() FROM {live.articles}{where} ORDER BY {order} "
            f"LIMIT 0, {max(cap, 1)} OPTION {options}; SHOW META; SHOW WARNINGS",
            params,
        )
        rows = cursor.fetchall()[:cap]
        cursor.nextset()
        meta = cursor.fetchall()
        cursor.nextset()
        missing = self._partial(cursor.fetchall())
        if missing:
            # A page can say so beside its results; a downloaded file cannot, and would
            # silently miss the articles of the shard that did not answer.
            raise IndexUnavailableError(f"{missing} Export again when the whole cluster answers.")
        return _total_found(meta), [(int(i), int(w)) for i, w in rows]

    def _export_hits(self, live: Live, order: list, highlight: str, unscored: bool):
        for start in range(0, len(order), EXPORT_BATCH):
            budget.check()  # the server says the client left: stop reading rows for nobody
            batch = order[start : start + EXPORT_BATCH]
            yield from self._run(
                partial(
                    self._batch_hits, live=live, batch=batch, highlight=highlight, unscored=unscored
                )
            )

    def _batch_hits(self, cursor, *, live: Live, batch: list, highlight: str, unscored: bool):
        ids = ",".join(str(i) for i, _ in batch)
        cursor.execute(
            f"SELECT id, article_id, stored FROM {live.articles} WHERE id IN ({ids}) "
            f"LIMIT {len(batch)} OPTION max_matches={max(1000, len(batch))}"
        )
        found = {int(i): (article_id, stored) for i, article_id, stored in cursor.fetchall()}
        # An article an --incremental build deleted since the order was read is left out.
        rows = [(*found[i], weight) for i, weight in batch if i in found]
        return self._hits(cursor, rows, highlight, unscored)

    def _partial(self, warnings) -> str | None:
        """A notice when the master answered without some of its agents (or out of time)."""
        messages = [str(row[2]) for row in warnings if len(row) > 2]
        if not messages:
            return None
        agents = sorted({m for text in messages for m in _AGENT.findall(text)})
        if agents:
            return (
                f"Some of the search cluster did not answer ({', '.join(agents)}), "
                "so these results may be incomplete."
            )
        return f"The search cluster warned: {'; '.join(messages)[:300]}; results may be incomplete."

    def _hits(self, cursor, rows, highlight: str, unscored: bool) -> tuple[Hit, ...]:
        """Hits from rows that start (article id, stored, weight)."""
        articles = [from_stored(row[1], with_removed=False) for row in rows]
        marked = self._marked_bodies(cursor, [a.text for a in articles], highlight)
        return tuple(
            _hit(article, spans, None if unscored else int(row[2]) % TIER_WEIGHT / SCORE_SCALE)
            for article, row, spans in zip(articles, rows, marked, strict=True)
        )

    def _with_groups(self, cursor, live: Live, hits: tuple[Hit, ...], rows) -> tuple[Hit, ...]:
        """Each hit with its copies, its story and the matches folded behind it."""
        grouped = [
            (hit.id, int(row[3]))
            for hit, row in zip(hits, rows, strict=True)
            if int(row[3]) != doc_id(hit.id)
        ]
        copies = read_copies(cursor, live.articles, grouped)
        return tuple(
            replace(
                hit,
                copies=copies.get(hit.id, ((), 0))[0],
                more_copies=copies.get(hit.id, ((), 0))[1],
                story=int(row[4]) - 1 if int(row[4]) else None,
                folded=int(row[5]) - 1 if len(row) > 5 else 0,
            )
            for hit, row in zip(hits, rows, strict=True)
        )

    def _marked_bodies(self, cursor, bodies: list[str], highlight: str) -> list[list]:
        """Each body's matched-word spans, from one CALL SNIPPETS over the whole bodies.

        searchd decides which words match (its stemmer, its phrase rules); the snippets
        themselves are cut by snippets.make_snippets, as in the Whoosh engine.
        """
        if not highlight or not bodies:
            return [[] for _ in bodies]
        marks = ", ".join(["%s"] * len(bodies))
        cursor.execute(
            f"CALL SNIPPETS(({marks}), '{TEMPLATE}', %s, %s AS before_match, %s AS after_match, "
            "0 AS limit, 'none' AS html_strip_mode, 1 AS query_mode, 0 AS allow_empty)",
            (*bodies, highlight, _MARK_OPEN, _MARK_CLOSE),
        )
        return [_spans(row[0], body) for row, body in zip(cursor.fetchall(), bodies, strict=True)]

    def _facets(self, live: Live, result: _Result) -> dict[str, tuple[FacetCount, ...]]:
        rows = result.facets
        outlets = Counter({str(v): int(n) for v, n in rows.get("outlet", ()) if v})
        years = Counter({str(v): int(n) for v, n in rows.get("year", ()) if int(v)})
        languages = Counter(
            {language_code(int(v)): int(n) for v, n in rows.get("language", ()) if int(v)}
        )

        def named(facet: str, names: dict) -> Counter:
            counts = Counter()
            for value, count in rows.get(facet, ()):
                name = names.get(str(value))
                if name:
                    counts[name] += int(count)
            return counts

        def top(counter: Counter, by_value: bool = False) -> tuple[FacetCount, ...]:
            if by_value:
                items = sorted(counter.items(), reverse=True)
            else:
                items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            return tuple(FacetCount(v, n) for v, n in items[:FACET_LIMIT])

        return {
            "outlet": top(outlets),
            "author": top(named("author", live.info.get("authors", {}))),
            "year": top(years, True),
            "speaker": top(named("speaker", live.info.get("speakers", {}))),
            "language": top(languages),
        }

    # -- related, spelling -----------------------------------------------------------

    def _related(self, cursor, article_id: str, limit: int) -> tuple[Hit, ...]:
        article = self.get_article(article_id)
        live = self._live(cursor)
        counts = Counter(
            w
            for w in (fold_word(t) for t in WORD_PATTERN.findall(article.text))
            if not is_stop_word(w)
        )
        if not counts:
            return ()
        dfs = self._word_dfs(cursor, live, list(counts))
        total = max(1, int(live.info.get("articles", 1)))
        scored = sorted(
            ((tf * math.log(1 + total / dfs[w]), w) for w, tf in counts.items() if w in dfs),
            reverse=True,
        )
        terms = [w for _, w in scored[:RELATED_TERMS]]
        if not terms:
            return ()
        text = matchtext.in_sections(" | ".join(matchtext.escape_word(w) for w in terms))
        options = [
            f"ranker={ranker(live.info.get('avg_length', 1.0))}",
            field_weights(),
            *_idf_options(live),
        ]
        cursor.execute(
            f"SELECT article_id, stored, weight() FROM {live.articles} "
            "WHERE MATCH(%s) AND id != %s "
            f"ORDER BY weight() DESC, date_key DESC, article_id ASC LIMIT {limit} "
            f"OPTION {', '.join(options)}, max_query_time={self.timeout_ms}",
            (text, doc_id(article_id)),
        )
        rows = cursor.fetchall()
        return self._hits(cursor, rows, "", unscored=False)

    def _word_dfs(self, cursor, live: Live, words: list[str]) -> dict[str, int]:
        """Document counts of these words (those the vocabulary holds), by id lookups."""
        found: dict[str, int] = {}
        for i in range(0, len(words), 500):
            chunk = words[i : i + 500]
            ids = ",".join(str(vocab_id(w)) for w in chunk)
            cursor.execute(
                f"SELECT word, df FROM {live.vocab} WHERE id IN ({ids}) LIMIT {len(chunk)} "
                f"OPTION max_matches={max(1000, len(chunk))}"
            )
            found.update({w: int(df) for w, df in cursor.fetchall()})
        return found

    def _candidates(self, cursor, live: Live, word: str) -> list[tuple[str, int]]:
        """Vocabulary words sharing the most letter trigrams with `word`, with their counts."""
        grams = trigrams(word).split()
        quorum = max(1, len(grams) // 3)
        text = '@grams "' + " ".join(matchtext.escape_word(g) for g in grams) + f'"/{quorum}'
        cursor.execute(
            f"SELECT word, df FROM {live.vocab} WHERE MATCH(%s) ORDER BY weight() DESC, df DESC "
            f"LIMIT {SPELLING_CANDIDATES} OPTION ranker=wordcount",
            (text,),
        )
        return [(w, int(df)) for w, df in cursor.fetchall()]

    def _fuzzy(self, cursor, live: Live, word: str, maxdist: int, prefix: int) -> list[str]:
        """word~N: the vocabulary words within N edits that share its first letters."""
        from whoosh.support.levenshtein import distance

        lead = word[: max(prefix, 1)]
        return [
            w
            for w, _ in self._candidates(cursor, live, word)
            if w.startswith(lead) and distance(w, word, maxdist) <= maxdist
        ]

    def _wildcard(self, cursor, live: Live, pattern: str) -> list[str]:
        """wo?d, w*d: the vocabulary words whose stem matches the stemmed pattern, the rule
        the Whoosh engine follows (it stems "fer?y" to "fer?i", which matches "ferri", the
        stem of "ferry" and "ferries")."""
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        wanted = re.compile(_pattern_regex(analyse_word(pattern)))
        cursor.execute(
            f"SELECT word FROM {live.vocab} WHERE MATCH(%s) "
            f"LIMIT {WILDCARD_SCAN} OPTION max_matches={WILDCARD_SCAN}, ranker=none",
            ("@word_text " + matchtext.escape_word(literal) + "*",),
        )
        return sorted(w for (w,) in cursor.fetchall() if wanted.fullmatch(analyse_word(w)))

    def _suggest(self, cursor, live: Live, text: str) -> str | None:
        """A did-you-mean query when some words are not in the vocabulary."""
        from whoosh.support.levenshtein import distance

        folded_text = fold_typography(text)
        words = []
        for match in _PLAIN_WORD.finditer(folded_text):
            word = match.group(1)
            key = fold_word(word)
            if len(key) < 3 or key.isdigit() or word in OPERATORS or is_stop_word(key):
                continue
            if word not in (w for w, _ in words):
                words.append((word, key))
        known = self._word_dfs(cursor, live, [k for _, k in words])
        replacements: dict[str, str] = {}
        for word, key in [(w, k) for w, k in words if k not in known][:MAX_SUGGEST_WORDS]:
            options = [
                (distance(w, key, 2), -df, w)
                for w, df in self._candidates(cursor, live, key)
                if w[:1] == key[:1] and w != key
            ]
            options = [o for o in options if o[0] <= 2]
            if options:
                replacements[word] = min(options)[2]
        if not replacements:
            return None
        return _PLAIN_WORD.sub(lambda m: replacements.get(m.group(1), m.group(1)), folded_text)


@dataclass(frozen=True)
class _Result:
    total: int
    rows: list  # (article id, stored, weight, copy_key, story[, matches in its group])
    facets: dict  # facet name -> searchd's (value, count) rows
    notice: str | None


def _pattern_regex(pattern: str) -> str:
    """A wildcard pattern as a regular expression: ? one character, * any run."""
    parts = re.split(r"([*?])", pattern)
    return "".join({"*": ".*", "?": "."}.get(p, re.escape(p)) for p in parts)


def _relaxable(request: SearchRequest, mq) -> bool:
    """Whether a search that found nothing is tried again with any of its words, as Whoosh does."""
    return (
        mq is not None
        and request.match == "all"
        and len(words_of(request.q)) > 1
        and (mq.parsed.plain_words or not has_syntax(request.q))
    )


def _total_found(meta) -> int:
    return int(dict(meta).get("total_found", 0))


def _fold_key(request: SearchRequest) -> str | None:
    """The attribute results fold by, or None to show every match."""
    if request.group == "story":
        return "story_key"
    return "copy_key" if request.collapse else None


def _hit(article: Article, spans: list, score: float | None) -> Hit:
    snippets = tuple(make_snippets(article.text, spans)) if spans else ()
    return Hit(
        id=article.id,
        title=article.title,
        outlet=article.outlet,
        authors=article.authors,
        published=article.published,
        url=article.url,
        score=None if score is None else round(float(score), 4),
        snippets=snippets or (plain_snippet(article.lead or article.text),),
    )


def _idf_options(live: Live) -> list[str]:
    """log(N/n) weights, with the cluster-wide counts when the build made the IDF file."""
    shared = bool(live.info.get("global_idf"))
    return [IDF_OPTION[shared], *(["global_idf=1"] if shared else [])]


def _filters(request: SearchRequest) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    if request.outlet:
        where.append("outlet_value = %s")
        params.append(request.outlet)
    if request.author:
        where.append(f"author_ids = {name_id(request.author.replace(',', ' '))}")
    if request.year:
        where.append(f"year = {int(request.year)}")
    if request.speaker:
        where.append(f"speaker_ids = {speaker_id(request.speaker.replace(',', ' '))}")
    if request.lang:
        where.append(f"language = {language_number(request.lang)}")
    if request.date_from or request.date_to:
        low = day_start(request.date_from) if request.date_from else UNDATED + 1
        high = day_start(request.date_to) + 86_400 - 1 if request.date_to else 2**62
        where.append(f"date_key BETWEEN {low} AND {high}")
    return where, params


def _spans(marked: str, body: str) -> list[tuple[int, int]]:
    """Word spans in `body` of the words searchd marked (a phrase: each of its words)."""
    spans, plain, inside, start = [], [], False, 0
    position = 0
    for char in marked:
        if char == _MARK_OPEN:
            inside, start = True, position
        elif char == _MARK_CLOSE:
            if inside:
                spans.append((start, position))
            inside = False
        else:
            plain.append(char)
            position += 1
    if "".join(plain) != body:
        return []  # searchd changed the text (it should not with html_strip_mode=none)
    # A marked stretch can take in a stop word beside a match ("of Korean"): Whoosh marks
    # only the words it searched for, so only those are kept.
    return [
        (start + m.start(), start + m.end())
        for start, end in spans
        for m in WORD_PATTERN.finditer(body[start:end])
        if not is_stop_word(fold_word(m.group()))
    ]
