"""One article at a time: fetch it, mark a query's words in its body, find related ones."""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq

from .analysis import WORD_PATTERN, analyse_word, fold_word
from .model import Article
from .query import TypedFuzzyTerm, check_bounds, parse_user_query
from .reader import LiveIndex, again_if_moved
from .schema import SEARCH_FIELD, build_schema, from_stored
from .search import TEXT_FIELDS, Hit, match_spans, to_hit
from .snippets import Span, mark

RELATED_LIMIT = 5
_SCHEMA = build_schema()  # for parsing queries outside a searcher; same fields as the index


class ArticleNotFoundError(KeyError):
    """No article with that id in the live index."""


def get_article(live: LiveIndex, article_id: str) -> Article:
    """The stored article; ArticleNotFoundError when the id is unknown."""

    def attempt() -> dict | None:
        with live.searcher() as (_, searcher):
            return searcher.document(id=article_id)

    fields = again_if_moved(live, attempt)
    if fields is None:
        raise ArticleNotFoundError(article_id)
    return from_stored(fields)


@dataclass(frozen=True)
class BodyBlock:
    """One paragraph or subheading of an article, as HTML with the query's words marked."""

    kind: str  # "heading" or "paragraph"
    html: str


def highlight_article(article: Article, q: str) -> tuple[tuple[BodyBlock, ...], int]:
    """The article body in blocks with every query word marked, and the number of marks.

    Marks are numbered hit-1, hit-2, ... across the whole article, so a page can link to them.
    """
    terms: set = set()
    if q.strip():
        try:
            check_bounds(q)
            terms = _highlight_terms(parse_user_query(q, _SCHEMA).query, article.body)
        except ValueError:
            terms = set()
    spans = match_spans(article.body, terms)
    headings = set(article.headings)
    blocks: list[BodyBlock] = []
    marked = 0
    for start, end in _paragraph_spans(article.body):
        inside = [span for span in spans if start <= span[0] and span[1] <= end]
        html = mark(article.body, inside, start, end, numbered=True, first_number=marked + 1)
        kind = "heading" if article.body[start:end] in headings else "paragraph"
        blocks.append(BodyBlock(kind, html))
        marked += len(inside)
    return tuple(blocks), marked


def _paragraph_spans(text: str) -> list[Span]:
    """(start, end) of each paragraph: the body separates them by a blank line."""
    spans, start = [], 0
    for match in re.finditer(r"\n\s*\n", text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _highlight_terms(q: wq.Query, body: str) -> set[str]:
    """The analysed words of `body` that the query asks for.

    Words under NOT are left out (they are what the reader asked not to see), and
    prefix*, wild?card and fuzzy~ terms are expanded against the body's own words:
    iter_all_terms() gave "lavr" for Lavr*, which marked nothing. (Not through a
    throwaway RamStorage index: its writer uses a fixed /tmp/MAIN.tmp folder that
    concurrent requests delete under each other.)
    """
    typed = {fold_word(word) for word in WORD_PATTERN.findall(body)}
    stems = {word: analyse_word(word) for word in typed}
    terms: set[str] = set()
    for node in wanted_leaves(q):
        if node.field() not in TEXT_FIELDS:
            continue
        if isinstance(node, TypedFuzzyTerm):  # compares words as typed, not stems
            terms.update(stems[w] for w in typed if node.matches_word(w))
        elif isinstance(node, wq.MultiTerm):
            terms.update(s for s in stems.values() if _expands_to(node, s))
        else:  # a word, or the words of a phrase
            terms.update(text for _, text in node.iter_all_terms())
    return terms


def _expands_to(node: wq.MultiTerm, word: str) -> bool:
    """Whether a prefix, wildcard or regex term would match this indexed word."""
    if isinstance(node, wq.Prefix):
        return word.startswith(node.text)
    if isinstance(node, wq.PatternQuery):
        return re.match(node._get_pattern(), word) is not None
    return False


def wanted_leaves(q: wq.Query):
    """Leaf queries outside any NOT (and outside the right side of ANDNOT)."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from wanted_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from wanted_leaves(child)


def related(live: LiveIndex, article_id: str, limit: int = RELATED_LIMIT) -> tuple[Hit, ...]:
    """Articles most like this one, by the distinctive words of its clean body."""

    def attempt() -> tuple[Hit, ...]:
        with live.searcher() as (_, searcher):
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                raise ArticleNotFoundError(article_id)
            body = searcher.stored_fields(docnum).get("body") or ""
            results = searcher.more_like(docnum, SEARCH_FIELD, text=body, top=limit)
            return tuple(to_hit(hit.fields(), None, hit.score) for hit in results)

    return again_if_moved(live, attempt)
