"""A user's query as SphinxQL MATCH() text, through the same forgiving parser as Whoosh's.

query.parse_user_query() reads the query (phrases, AND/OR/NOT, -word, fields, prefix*,
word~) and falls back to plain words on bad syntax. It runs here over a schema whose text
fields fold but do not stem, so the tree holds the words as typed (folded), and searchd
stems them with the same Snowball stemmer: stemming a stem again is not always the stem.
Every word is then escaped for the MATCH syntax, and the whole text goes to searchd as a
bound parameter, so a query can inject neither SQL nor MATCH operators.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from whoosh import query as wq

from ..analysis import TextAnalyzer
from ..highlight import wanted_leaves
from ..query import ParsedQuery, parse_user_query, plain_words_query
from ..schema import build_schema
from .config import FIELDS, QUOTES

# Whoosh field -> the MATCH field limit; "text" searches every section (SECTIONS).
FIELD_LIMITS = {
    "text": "",
    "title": "@title ",
    "authors": "@authors ",
    "outlet": "@outlet ",
    "quotes": f"@{QUOTES} ",
}
# What a query's unlimited words search: every field but the quotes, whose words the body
# holds already (searched there too, they would count twice).
SECTIONS = f"@({','.join(FIELDS)}) "
# Every character with a meaning in the MATCH syntax (Sphinx 2.2 and Manticore).
_SPECIAL = re.compile(r"([\\()|\-!@~\"&/^$=<>*?%'\[\]{}:.,;+#])")

FuzzyExpander = Callable[[str, int, int], list[str]]
WildcardExpander = Callable[[str], list[str]]


@dataclass(frozen=True)
class Expanders:
    """Vocabulary look-ups the translation may ask for: word~ (fuzzy) and wo?d (wildcard)."""

    fuzzy: FuzzyExpander | None = None
    wildcard: WildcardExpander | None = None


class _Unstemmed(TextAnalyzer):
    """The Whoosh text analyser without its stemmer (searchd stems the words itself)."""

    def __call__(self, value, **kwargs):
        kwargs["no_morph"] = True
        return super().__call__(value, **kwargs)


@lru_cache(maxsize=1)
def parse_schema():
    """The index schema with unstemmed text fields, for parsing only."""
    schema = build_schema()
    for name in ("text", "title", "quotes"):
        schema[name].analyzer = _Unstemmed()
    return schema


def escape_word(word: str) -> str:
    """A word with every MATCH operator character backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", word)


@dataclass(frozen=True)
class MatchQuery:
    text: str  # MATCH() text; "" when nothing is left to search
    parsed: ParsedQuery
    only_excluded: bool = False  # a pure NOT, which searchd cannot run on its own
    typed: tuple[str, ...] = ()  # indexed forms of the names widened to their variants


def parse(
    text: str,
    match: str,
    expand_fuzzy: FuzzyExpander | None = None,
    rewrite: Callable[[wq.Query], wq.Query] | None = None,
    expand_wildcard: WildcardExpander | None = None,
) -> MatchQuery:
    """Parse a user's query, rewrite its tree (name variants), translate; never raises for
    bad syntax."""
    parsed = parse_user_query(text, parse_schema(), match)
    if rewrite is not None:
        parsed = replace(parsed, query=rewrite(parsed.query))
    return _translate(parsed, Expanders(expand_fuzzy, expand_wildcard))


def plain(text: str, match: str) -> MatchQuery:
    """The query's plain words only (the all-words-found-nothing fallback)."""
    q = plain_words_query(text, parse_schema(), match)
    return _translate(ParsedQuery(q, text, plain_words=True), Expanders())


def _translate(parsed: ParsedQuery, expand: Expanders) -> MatchQuery:
    q = parsed.query
    if isinstance(q, wq.Not):
        return MatchQuery("", parsed, only_excluded=True)
    text = _node(q, expand)
    return MatchQuery(in_sections(text) if text else "", parsed)


def in_sections(text: str) -> str:
    """MATCH text whose unlimited words search the sections, not the quotes."""
    return SECTIONS + text


def _words(node_text: str) -> str:
    return escape_word(node_text)


def _node(q: wq.Query, expand: Expanders) -> str | None:
    """MATCH text for one node, or None when the node asks for nothing."""
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return None
    if isinstance(q, wq.Every):
        return None
    if isinstance(q, (wq.FuzzyTerm,)):
        words = expand.fuzzy(q.text, q.maxdist, q.prefixlength) if expand.fuzzy else []
        words = sorted(set(words) | {q.text})
        inner = " | ".join(escape_word(w) for w in words)
        return _limit(q.field(), f"({inner})" if len(words) > 1 else inner)
    if isinstance(q, wq.Term):
        boost = f"^{q.boost:g}" if q.boost != 1 else ""  # a name's variant spellings
        return _limit(q.field(), _words(q.text) + boost)
    if isinstance(q, wq.Phrase):
        words = " ".join(escape_word(w) for w in q.words)
        return _limit(q.field(), f'"{words}"')
    if isinstance(q, wq.Prefix):
        return _limit(q.field(), escape_word(q.text) + "*")
    if isinstance(q, wq.Wildcard):
        # searchd would match the pattern against the words as indexed, so "fer?y" found
        # "ferry" but not "ferries"; the Whoosh engine matches the stemmed pattern against
        # stems. The expander gives the vocabulary words Whoosh's rule picks.
        words = expand.wildcard(q.text) if expand.wildcard else []
        if words:
            inner = " | ".join(escape_word(w) for w in words)
            return _limit(q.field(), f"({inner})" if len(words) > 1 else inner)
        # Without a vocabulary: keep * and ? as wildcards; escape everything else.
        parts = re.split(r"([*?])", q.text)
        return _limit(q.field(), "".join(p if p in "*?" else escape_word(p) for p in parts))
    if isinstance(q, wq.Not):
        inner = _node(q.query, expand)
        return None if inner is None else f"-({inner})"
    if isinstance(q, wq.AndNot):
        left, right = _node(q.a, expand), _node(q.b, expand)
        if left is None:
            return None
        return left if right is None else f"({left}) -({right})"
    if isinstance(q, wq.AndMaybe):
        left, right = _node(q.a, expand), _node(q.b, expand)
        if left is None:
            return right
        return left if right is None else f"({left}) MAYBE ({right})"
    if isinstance(q, wq.Require):
        return _join([q.a, q.b], " ", expand)
    if isinstance(q, wq.And):
        return _join(q.subqueries, " ", expand)
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        return _join(q.subqueries, " | ", expand)
    raise ValueError(f"no SphinxQL form for {type(q).__name__}")


def _join(children, sep: str, expand: Expanders) -> str | None:
    positive = [c for c in children if not isinstance(c, wq.Not)]
    negative = [c for c in children if isinstance(c, wq.Not)]
    parts = [p for p in (_node(c, expand) for c in positive) if p]
    if not parts:
        return None  # searchd refuses a query of NOT alone
    text = "(" + sep.join(parts) + ")" if len(parts) > 1 else parts[0]
    for child in negative:
        inner = _node(child, expand)
        if inner:
            text += " " + inner
    return text


def _limit(field: str, text: str) -> str:
    prefix = FIELD_LIMITS.get(field, "")
    return f"({prefix}{text})" if prefix else text


def highlight_text(parsed: ParsedQuery, expand: Expanders | None = None) -> str:
    """Any of the query's wanted words (not those under NOT), for CALL SNIPPETS to mark.

    Only words searched in the article text, title or quotes are marked, as in the Whoosh
    engine.
    """
    parts = []
    for leaf in wanted_leaves(parsed.query):
        if leaf.field() in ("text", "title", "quotes"):
            text = _node(_unlimited(leaf), expand or Expanders())
            if text:
                parts.append(text)
    return " | ".join(dict.fromkeys(parts))


def _unlimited(leaf: wq.Query) -> wq.Query:
    """The leaf searched in every field: snippets come from the body, whatever field matched."""
    copy = leaf.copy()
    copy.fieldname = "text"
    copy.boost = 1.0
    return copy
