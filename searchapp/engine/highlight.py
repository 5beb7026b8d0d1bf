"""Highlighting: which words of a text a query marks, and the marked HTML.

Snippets for result pages and whole articles both come from here. match_spans finds the
words (by their analysed form, so "supports" is marked for "support"); the snippet and
mark functions are pure: text and spans in, HTML strings out, and everything that is not
our own <mark> tag is HTML-escaped.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from html import escape

from whoosh import query as wq

from ..ingest.quotes import extract_quotes
from ..model import Article, BodyBlock
from .analysis import WORD_PATTERN, analyse_word, fold_word, stemming_language
from .query import TypedFuzzyTerm, check_bounds, parse_user_query
from .schema import build_schema
from .stemming import in_languages

# Fields whose query words are marked in snippets and on the article page.
TEXT_FIELDS = ("text", "title", "quotes")
QUOTES_FIELD = "quotes"  # quote:"…" searches it
_SCHEMA = build_schema()  # for parsing queries outside a searcher; same fields as the index

MAX_SNIPPETS = 3
MAX_SNIPPET_CHARS = 240

# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace, or at a line break.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)|\n+""")

Span = tuple[int, int]


def mark(
    text: str,
    hits: Iterable[Span],
    start: int = 0,
    end: int | None = None,
    numbered: bool = False,
    first_number: int = 1,
) -> str:
    """Escape text[start:end] and wrap each hit inside it in <mark>.

    `numbered` gives the marks ids hit-N, counting from `first_number`, so a page can link
    to them.
    """
    end = len(text) if end is None else end
    out: list[str] = []
    cursor = start
    number = first_number - 1
    for hit_start, hit_end in sorted(hits):
        if hit_start < cursor or hit_end > end:
            continue
        number += 1
        out.append(escape(text[cursor:hit_start]))
        anchor = f' id="hit-{number}"' if numbered else ""
        out.append(f"<mark{anchor}>{escape(text[hit_start:hit_end])}</mark>")
        cursor = hit_end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _window(span: Span, hits: list[Span]) -> tuple[Span, bool, bool]:
    """Cut a long sentence down to MAX_SNIPPET_CHARS around its first hit."""
    start, end = span
    if end - start <= MAX_SNIPPET_CHARS:
        return span, False, False
    first = hits[0][0]
    new_start = max(start, first - MAX_SNIPPET_CHARS // 3)
    new_end = min(end, new_start + MAX_SNIPPET_CHARS)
    return (new_start, new_end), new_start > start, new_end < end


def _snap(text: str, span: Span, cut_left: bool, cut_right: bool) -> Span:
    """Move cut edges to word boundaries so no word is shown in half."""
    start, end = span
    if cut_left:
        space = text.find(" ", start, end)
        start = space + 1 if space != -1 else start
    if cut_right:
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def spans_within(hits: list[Span], blocks: list[Span]) -> list[list[Span]]:
    """For each block (in order, not overlapping), the sorted hits that lie inside it.

    One pass over both lists: testing every hit against every block was quadratic, and an
    8 MB article with 100,000 matches took over a minute to highlight.
    """
    hits = sorted(hits)
    grouped: list[list[Span]] = []
    i = 0
    for start, end in blocks:
        while i < len(hits) and hits[i][0] < start:
            i += 1  # before this block (or straddling its start): in no block
        inside = []
        while i < len(hits) and hits[i][0] < end:
            if hits[i][1] <= end:
                inside.append(hits[i])
            i += 1
        grouped.append(inside)
    return grouped


def sentences_holding(text: str, hits: list[Span]) -> list[tuple[Span, list[Span]]]:
    """The sentences that hold hits, in order, each as a (start, end) span trimmed of
    whitespace, with its sorted hits; a hit that crosses a sentence's end is in none.

    Only these sentences are cut and trimmed: doing it for every sentence of every hit's
    body was the largest part of a 100-hit search's snippets on Reuters stories.
    """
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    ends.append(len(text))
    inside: dict[int, list[Span]] = {}
    for hit in sorted(hits):
        i = bisect_right(ends, hit[0])  # the sentence the hit starts in
        if hit[1] <= ends[i]:
            inside.setdefault(i, []).append(hit)
    held = []
    for i, spans in inside.items():  # in sentence order: hits were sorted
        start = ends[i - 1] if i else 0
        piece = text[start : ends[i]]
        start += len(piece) - len(piece.lstrip())
        held.append(((start, start + len(piece.strip())), spans))
    return held


def make_snippets(text: str, hits: list[Span], limit: int = MAX_SNIPPETS) -> list[str]:
    """Up to `limit` sentences holding the most distinct hits, in document order."""
    if not hits:
        return []
    scored = []
    for index, ((start, end), inside) in enumerate(sentences_holding(text, hits)):
        distinct = len({text[s:e].casefold() for s, e in inside})
        scored.append((-distinct, -len(inside), index, (start, end), inside))
    best = sorted(scored)[:limit]
    snippets = []
    for _, _, _, span, inside in sorted(best, key=lambda row: row[2]):
        window, cut_left, cut_right = _window(span, inside)
        start, end = _snap(text, window, cut_left, cut_right)
        body = mark(text, inside, start, end)
        snippets.append(("… " if cut_left else "") + body + (" …" if cut_right else ""))
    return snippets


def plain_snippet(text: str) -> str:
    """The opening of a text, escaped, for hits that matched outside the body."""
    if len(text) <= MAX_SNIPPET_CHARS:
        return escape(text)
    cut = text.rfind(" ", 0, MAX_SNIPPET_CHARS)
    return escape(text[: cut if cut > 0 else MAX_SNIPPET_CHARS]) + " …"


def match_spans(text: str, terms: set, language: str | None = None) -> list[Span]:
    """Character spans of the words in `text` whose analysed form is one of `terms`, the
    words stemmed in `language` as the index stems an article in it."""
    if not terms:
        return []
    wanted = {t.decode("utf-8") if isinstance(t, bytes) else t for t in terms}
    # Stemming keeps a word's first letter, so only words starting like a wanted term can
    # match: find the letters that start such words, then (in C, with one regex) only the
    # words starting with them, and analyse each distinct one once. Looping over the
    # body's whole vocabulary in Python, then compiling a regex of the matching forms, was
    # 40% of a 100-hit search's time on Reuters stories.
    initials = {t[:1] for t in wanted}
    starts = frozenset(c for c in set(_WORD_START.findall(text)) if fold_word(c)[:1] in initials)
    if not starts:
        return []
    found = [(match.group(), match.span()) for match in _words_starting(starts).finditer(text)]
    forms = {w for w in {word for word, _ in found} if analyse_word(w, language) in wanted}
    return [span for word, span in found if word in forms]


_WORD_START = re.compile(r"(?<!\w)\w")  # the first character of each word (WORD_PATTERN's)


@lru_cache(maxsize=1024)
def _words_starting(starts: frozenset[str]) -> re.Pattern:
    return re.compile(r"(?<!\w)[" + "".join(map(re.escape, sorted(starts))) + r"]\w*")


def highlight_article(article: Article, q: str) -> tuple[tuple[BodyBlock, ...], int]:
    """The article body in blocks with every query word marked, and the number of marks.

    Marks are numbered hit-1, hit-2, ... across the whole article, so a page can link to them.
    """
    terms: set = set()
    quotations: list[Span] = []
    if q.strip():
        try:
            check_bounds(q)
            wanted = parse_user_query(q, _SCHEMA).query
            wanted = in_languages(wanted, q, frozenset({stemming_language(article.language)}))
            terms = _highlight_terms(wanted, article.text, article.language)
            quotations = _quotation_spans(wanted, article.text, article.language)
        except ValueError:
            terms = set()
    # A quote: query marks the whole quotation it found, and no word inside it again.
    spans = [
        s
        for s in match_spans(article.text, terms, article.language)
        if not any(a <= s[0] and s[1] <= b for a, b in quotations)
    ]
    spans = sorted(spans + quotations)
    headings = set(article.headings)
    blocks: list[BodyBlock] = []
    marked = 0
    paragraphs = _paragraph_spans(article.text)
    for (start, end), inside in zip(paragraphs, spans_within(spans, paragraphs), strict=True):
        html = mark(article.text, inside, start, end, numbered=True, first_number=marked + 1)
        kind = "heading" if article.text[start:end] in headings else "paragraph"
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


def _highlight_terms(q: wq.Query, body: str, language: str | None = None) -> set[str]:
    """The analysed words of `body` (stemmed in `language`) that the query asks for.

    Words under NOT are left out (they are what the reader asked not to see), and
    prefix*, wild?card and fuzzy~ terms are expanded against the body's own words:
    iter_all_terms() gave "lavr" for Lavr*, which marked nothing. (Not through a
    throwaway RamStorage index: its writer uses a fixed /tmp/MAIN.tmp folder that
    concurrent requests delete under each other.)
    """
    typed = {fold_word(word) for word in WORD_PATTERN.findall(body)}
    stems = {word: analyse_word(word, language) for word in typed}
    terms: set[str] = set()
    for node in wanted_leaves(q):
        if node.field() not in TEXT_FIELDS or node.field() == QUOTES_FIELD:
            continue  # quote: words are marked as whole quotations (_quotation_spans)
        if isinstance(node, TypedFuzzyTerm):  # compares words as typed, not stems
            terms.update(stems[w] for w in typed if node.matches_word(w))
        elif isinstance(node, wq.MultiTerm):
            terms.update(s for s in stems.values() if _expands_to(node, s))
        else:  # a word, or the words of a phrase
            terms.update(text for _, text in node.iter_all_terms())
    return terms


def _quotation_spans(q: wq.Query, body: str, language: str | None = None) -> list[Span]:
    """(start, end) of each quotation in `body` that a quote: part of the query matches:
    one with every word of a quote: phrase or word, or a word a quote: prefix* expands to."""
    leaves = [n for n in wanted_leaves(q) if n.field() == QUOTES_FIELD]
    if not leaves:
        return []
    spans = []
    for quote in extract_quotes(body):
        words = {analyse_word(w, language) for w in WORD_PATTERN.findall(quote.text)}
        for node in leaves:
            if isinstance(node, wq.MultiTerm):
                found = any(_expands_to(node, w) for w in words)
            else:
                found = {text for _, text in node.iter_all_terms()} <= words
            if found:  # without the comma or stop the quotation marks enclose
                inner = body[quote.start : quote.end]
                start = quote.start + len(inner) - len(inner.lstrip(" ,."))
                spans.append((start, quote.start + len(inner.rstrip(" ,."))))
                break
    return spans


def _expands_to(node: wq.MultiTerm, word: str) -> bool:
    """Whether a prefix, wildcard or regex term would match this indexed word."""
    if isinstance(node, wq.Prefix):
        return word.startswith(node.text)
    if isinstance(node, wq.Wildcard):  # what Whoosh matches the vocabulary with: a glob
        return fnmatch.fnmatchcase(word, node.text)
    if isinstance(node, wq.Regex):
        return re.match(node.text, word) is not None
    return False


def wanted_leaves(q: wq.Query):  # also the SphinxQL engine's: which words to mark
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


def hit_snippets(article: Article, terms: set | None) -> tuple[str, ...]:
    """A hit's snippets: sentences holding the matched (field, text) terms, else the lead.

    `terms` is None when browsing (no query): the lead, or the body's opening, stands in.
    """
    snippets: tuple[str, ...] = ()
    if terms is not None:
        texts = {text for name, text in terms if name in TEXT_FIELDS}
        spans = match_spans(article.text, texts, article.language)
        snippets = tuple(make_snippets(article.text, spans))
    return snippets or (plain_snippet(article.lead or article.text),)
