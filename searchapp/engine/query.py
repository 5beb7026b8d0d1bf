"""Turn what a user typed into a Whoosh query, forgiving bad syntax.

Supported: words, "phrases" (straight or curly quotes), AND / OR / NOT, -word,
title: / author: / outlet: fields, prefix*, word~ (fuzzy). Anything the parser
can't make sense of falls back to a plain search for the words, with a notice.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from whoosh import qparser, query
from whoosh.fields import Schema
from whoosh.support.levenshtein import distance

from ..model import MAX_QUERY_CHARS, MAX_QUERY_WORDS, MAX_WORD_CHARS, SearchappError
from . import budget
from .analysis import WORD_PATTERN, TextAnalyzer, fold_typography
from .schema import SEARCH_FIELD, SPELLING_FIELD, USER_FIELD_ALIASES
from .whoosh_private import VocabularyTerm

MAX_FUZZY_DISTANCE = 2
MIN_WILDCARD_PREFIX = 2  # a leading or nearly leading * would scan the whole vocabulary
# Each of these forms costs far more than a word, so a query holds only a few. Measured on
# the 21,543 Reuters articles (busy 2-core box): 300 fuzzy terms ran over 90 s, 300 prefixes
# or exclusions 7-14 s, 990 distinct words (match=any) 49 s. A pasted paragraph (~290
# distinct words) stays allowed; the time budget (budget.py) stops what is still too slow.
MAX_FUZZY_TERMS = 8
MAX_WILDCARD_TERMS = 8
MAX_EXCLUDED_WORDS = 32
MAX_DISTINCT_WORDS = 300
# Words in all "quoted phrases" together: a phrase of one word 900 times took 46 s; a
# pasted paragraph with quoted speech has ~120.
MAX_PHRASE_WORDS = 200

OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_FIELD_PREFIX = re.compile(r"(?<![\w:])(\w+):")
_EXCLUDE = re.compile(r"(?<![^\s(])-(?=[\w\"])")
_FUZZY = re.compile(r"~(\d+)")
_QUESTION_MARK = re.compile(r"(?<=\w)\?+(?=[\s)\"]|$)")
_WILDCARD_TERM = re.compile(r"[^\s\"()]*[*?][^\s\"()]*")
_OPERATOR_WORD = re.compile(r"\b(?:" + "|".join(sorted(OPERATORS)) + r")\b")
_FUZZY_TERM = re.compile(r"\w~")
_NOT = re.compile(r"(?<![^\s(])NOT(?=[\s(])")
_PHRASE = re.compile(r'"[^"]*"')


class QueryTooLongError(SearchappError, ValueError):
    """The query is over the length or word-count bound."""


@dataclass(frozen=True)
class ParsedQuery:
    query: query.Query
    text: str  # the query as searched, after folding and fixes
    notice: str | None = None
    plain_words: bool = False  # True when syntax was ignored


class TypedFuzzyTerm(VocabularyTerm):
    """word~N: the words within N edits of the word *as typed*, searched by their stems.

    Stemming first and comparing stems misses: "barly" stems to "bar" and "barley" to
    "barley", three edits apart. So the typed word (folded, unstemmed) is compared with the
    index's unstemmed vocabulary (Whoosh's spelling field), and each word found is searched
    by its stem. Unstemmed fields (authors, outlet) are compared with their own terms.
    """

    def matches_word(self, word: str) -> bool:
        """Whether an unstemmed word is within this term's edits (and shares its prefix)."""
        prefix = self.text[: max(self.prefixlength, 1)]
        return word.startswith(prefix) and distance(word, self.text, self.maxdist) <= self.maxdist

    def words_in(self, ixreader):
        field = ixreader.schema[self.fieldname]
        if not field.analyzer.has_morph():
            vocabulary = self.fieldname
        else:
            vocabulary = SPELLING_FIELD
        prefix = self.text[: max(self.prefixlength, 1)]  # keeps the walk to a slice
        seen = set()
        for count, raw in enumerate(ixreader.expand_prefix(vocabulary, prefix)):
            if not count % 256:  # a short prefix walks much of the vocabulary
                budget.check()
            word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if not self.matches_word(word):
                continue
            stems = [word] if vocabulary == self.fieldname else field.process_text(word)
            for stem in stems:
                btext = field.to_bytes(stem)
                if btext not in seen and (self.fieldname, btext) in ixreader:
                    seen.add(btext)
                    yield btext


class TypedFuzzyTermPlugin(qparser.FuzzyTermPlugin):
    """Whoosh's word~N syntax, making TypedFuzzyTerm queries of the unstemmed word."""

    class FuzzyTermNode(qparser.FuzzyTermPlugin.FuzzyTermNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            analyzer = parser.schema[fieldname].analyzer
            words = [t.text for t in analyzer(self.text, mode="query", no_morph=True)]
            terms = [
                TypedFuzzyTerm(fieldname, w, self.boost, self.maxdist, self.prefixlength)
                for w in words
            ]
            if not terms:  # a stop word
                return query.NullQuery
            return terms[0] if len(terms) == 1 else parser.group.qclass(terms)


class WholePhrasePlugin(qparser.PhrasePlugin):
    """Quoted phrases keep every word: "The Who", "to be or not to be".

    Whoosh's phrase node analyses the phrase like loose words, stop words dropped, so
    "The Who" searched for "who". The index holds stop words in place (analysis.py), so
    here the phrase's words are taken with removestops=False.
    """

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            field = parser.schema[fieldname]
            start = self.textstartchar
            # Names (authors, outlet) are indexed without stop words: drop them there.
            keep = isinstance(field.analyzer, TextAnalyzer)
            analysed = field.tokenize(self.text, mode="query", chars=True, removestops=not keep)
            # The analyser yields one Token object over and over: copy what is needed.
            tokens = [(t.text, (start + t.startchar, start + t.endchar)) for t in analysed]
            if not tokens:
                return query.NullQuery
            words, char_ranges = zip(*tokens, strict=True)
            phrase = parser.phraseclass(
                fieldname, list(words), slop=self.slop, boost=self.boost, char_ranges=char_ranges
            )
            return qparser.attach(phrase, self)

    class PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return WholePhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]


def check_bounds(text: str) -> None:
    """Raise QueryTooLongError when a query is too large to run."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLongError(
            f"query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}"
        )
    words = len(WORD_PATTERN.findall(text))
    if words > MAX_QUERY_WORDS:
        raise QueryTooLongError(f"query has {words} words; the limit is {MAX_QUERY_WORDS}")
    longest = max(WORD_PATTERN.findall(text), key=len, default="")
    if len(longest) > MAX_WORD_CHARS:
        raise QueryTooLongError(
            f"query has a word of {len(longest)} characters; the limit is {MAX_WORD_CHARS}"
        )
    _check_expensive_forms(fold_typography(text))


def _check_expensive_forms(folded: str) -> None:
    """Counted on the text, before any parsing or index work."""
    counts = (
        (len(_FUZZY_TERM.findall(folded)), MAX_FUZZY_TERMS, "fuzzy terms (word~)"),
        (len(_WILDCARD_TERM.findall(folded)), MAX_WILDCARD_TERMS, "wildcard terms (word*)"),
        (
            len(_EXCLUDE.findall(folded)) + len(_NOT.findall(folded)),
            MAX_EXCLUDED_WORDS,
            "excluded words (-word, NOT)",
        ),
        (len({w.lower() for w in words_of(folded)}), MAX_DISTINCT_WORDS, "different words"),
        (
            # Unmatched quotes make no phrases: the query is searched as plain words.
            sum(len(WORD_PATTERN.findall(p)) for p in _PHRASE.findall(folded))
            if folded.count('"') % 2 == 0
            else 0,
            MAX_PHRASE_WORDS,
            "words in quoted phrases",
        ),
    )
    for count, limit, what in counts:
        if count > limit:
            raise QueryTooLongError(f"query has {count} {what}; the limit is {limit}")


def operators_as_words(text: str) -> str:
    """Lowercase AND / OR / NOT in a query typed all in capitals: there they are words.

    In "USE OF COMPUTERS AND DESIGN OF FILTERS" nothing tells an operator from a word, and
    reading AND as one made a long query a conjunction (32 of LISA's 35 all-capitals
    queries hold one; bench/RANKING.md). Operators are still read in any query with a
    lower-case letter.
    """
    rest = _OPERATOR_WORD.sub(" ", text)  # the operators themselves tell nothing
    if any(c.islower() for c in rest) or not any(c.isupper() for c in rest):
        return text
    return _OPERATOR_WORD.sub(lambda m: m.group(0).lower(), text)


def words_of(text: str) -> list[str]:
    """The plain words of a query, without operators or field names."""
    text = _FIELD_PREFIX.sub(" ", fold_typography(text))
    return [w for w in WORD_PATTERN.findall(text) if w not in OPERATORS]


def has_syntax(text: str) -> bool:
    """True when the query uses phrases, operators, fields or wildcards, not just words."""
    folded = operators_as_words(fold_typography(text))
    if re.search(r'["()*~:]|(?<![^\s(])[-+]', folded):
        return True
    return any(token in OPERATORS for token in folded.split())


def make_parser(schema: Schema, match: str) -> qparser.QueryParser:
    group = qparser.OrGroup if match == "any" else qparser.AndGroup
    # One field: the title, lead and other sections are weighted inside it at index time.
    parser = qparser.QueryParser(SEARCH_FIELD, schema, group=group)
    # Apostrophes are part of words ("Russia's"), not quotes; boosts, ranges and *:*
    # are power-user syntax nobody types into a news search box.
    for plugin in (
        qparser.SingleQuotePlugin,
        qparser.BoostPlugin,
        qparser.RangePlugin,
        qparser.EveryPlugin,
    ):
        parser.remove_plugin_class(plugin)
    # "-word" excludes only at the start of a word, so "Jong-un" stays a name.
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(WholePhrasePlugin())
    parser.add_plugin(TypedFuzzyTermPlugin())
    return parser


def _syntax_problem(text: str) -> str | None:
    """Describe why the syntax can't be trusted, or None when it looks fine."""
    if text.count('"') % 2:
        return "an unmatched quote"
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "an unmatched parenthesis"
    if depth:
        return "an unmatched parenthesis"
    tokens = text.replace("(", " ").replace(")", " ").split()
    if tokens and tokens[0] in OPERATORS - {"NOT"}:
        return f"an operator with nothing before it ({tokens[0]})"
    if tokens and tokens[-1] in OPERATORS:
        return f"an operator with nothing after it ({tokens[-1]})"
    for left, right in itertools.pairwise(tokens):
        if left in OPERATORS and right in OPERATORS - {"NOT"}:
            return f"two operators in a row ({left} {right})"
    if re.search(r"(^|\s)\w+:(\s|$)", text):
        return "a field name with no word after it"
    return None


def _fix_fields_and_fuzz(text: str) -> tuple[str, list[str]]:
    """Map field aliases (author: -> authors:), drop unknown fields, clamp fuzziness."""
    notes: list[str] = []

    def field(match: re.Match) -> str:
        name = match.group(1)
        if name.lower() in USER_FIELD_ALIASES:
            return USER_FIELD_ALIASES[name.lower()] + ":"
        if name.isdigit():  # a time or score ("9:30", "2:1"), not a field
            return name + " "
        notes.append(f"'{name}:' is not a field you can search (try title:, author: or outlet:)")
        # Drop the name: keeping it as a required word would make "colour:red" find nothing.
        return " "

    text = _FIELD_PREFIX.sub(field, text)
    text = _FUZZY.sub(lambda m: "~" + str(min(int(m.group(1)), MAX_FUZZY_DISTANCE)), text)
    return text, notes


def _drop_wide_wildcards(text: str) -> tuple[str, list[str]]:
    """Remove wildcard terms with too few letters before the first * or ?."""
    notes: list[str] = []

    def check(match: re.Match) -> str:
        term = match.group(0).split(":")[-1]
        literal = re.split(r"[*?]", term, maxsplit=1)[0]
        if len(literal) >= MIN_WILDCARD_PREFIX:
            return match.group(0)
        notes.append(
            f"'{match.group(0)}' was left out: "
            f"put at least {MIN_WILDCARD_PREFIX} letters before a wildcard"
        )
        return " "

    return _WILDCARD_TERM.sub(check, text), notes


# Okapi BM25's saturation of query-term frequency, (k3 + 1) n / (k3 + n): a word said
# twice weighs 1.8, four times 3 (None: n, as FTS5 and Lucene). k3 = 8 is the textbook value;
# over every collection it gave the best mean nDCG@10 (0.6364; n 0.6351, k3 = 3 0.6345, 1
# 0.6294) and kept first place everywhere; k3 = 3 and 1 lost CACM to bm25s (bench/RANKING.md).
QTF_K3: float | None = 8


def weigh_repeats(q: query.Query) -> query.Query:
    """A word given n times in a group counts repeat_weight(n) times, not once.

    Whoosh's normalize() drops repeated subqueries, so "library" said four times in a long
    request weighed as much as a word said once. Run before normalize(): the first copy
    carries the boost. (BM25's query-term frequency; bench/RANKING.md has the figures.)
    """
    if not isinstance(q, query.CompoundQuery):
        return q
    counts = Counter(weigh_repeats(sub) for sub in q.subqueries)
    merged = copy.copy(q)
    merged.subqueries = [
        sub.with_boost(sub.boost * repeat_weight(n)) if n > 1 else sub for sub, n in counts.items()
    ]
    return merged


def repeat_weight(n: int) -> float:
    """The weight of a word said n times: (k3 + 1) n / (k3 + n), or n when QTF_K3 is None."""
    if QTF_K3 is None:
        return float(n)
    return (QTF_K3 + 1) * n / (QTF_K3 + n)


def parse_with(parser: qparser.QueryParser, text: str) -> query.Query:
    """Parse, weigh repeated words, then let Whoosh simplify the tree."""
    return weigh_repeats(parser.parse(text, normalize=False)).normalize()


def plain_words_query(text: str, schema: Schema, match: str) -> query.Query:
    """A query for the words alone, every character of syntax ignored."""
    words = [w.lower() for w in words_of(text)]
    return parse_with(make_parser(schema, match), " ".join(words))


def parse_user_query(text: str, schema: Schema, match: str = "all") -> ParsedQuery:
    """Parse a user's query; never raises for bad syntax (bounds are checked separately)."""
    # "Who is Lavrov?": a question mark ending a word is punctuation, not a wildcard
    # that demands one more letter (wom?n inside a word is still a wildcard).
    folded = operators_as_words(_QUESTION_MARK.sub("", fold_typography(text)).strip())
    problem = _syntax_problem(folded)
    if problem:
        return ParsedQuery(
            plain_words_query(folded, schema, match),
            " ".join(words_of(folded)),
            notice=f"Your query has {problem}, so it was searched as plain words.",
            plain_words=True,
        )
    fixed, notes = _fix_fields_and_fuzz(folded)
    fixed, wildcard_notes = _drop_wide_wildcards(fixed)
    notes += wildcard_notes
    try:
        parsed = parse_with(make_parser(schema, match), fixed)
        if parsed is query.NullQuery and _EXCLUDE.search(fixed):
            # "-word" needs something to subtract from; with no other (non-stop) word it
            # means "everything but", which is what NOT says.
            parsed = parse_with(make_parser(schema, match), _EXCLUDE.sub("NOT ", fixed))
    except Exception:  # Whoosh's parser has many failure modes; all mean "bad syntax"
        return ParsedQuery(
            plain_words_query(folded, schema, match),
            " ".join(words_of(folded)),
            notice="Your query's syntax could not be read, so it was searched as plain words.",
            plain_words=True,
        )
    return ParsedQuery(parsed, fixed, notice=" ".join(n + "." for n in notes) or None)


def rewrite_leaves(
    q: query.Query, leaf: Callable[[query.Query], query.Query], exclusions: bool
) -> query.Query:
    """`q` with each word or phrase replaced by `leaf(node)` (which returns it unchanged to
    keep it). Excluded words (-word, NOT word) are rewritten only when `exclusions` is true.

    Whoosh's two-part queries (AndNot, AndMaybe, Require) keep their parts in `a` and `b`
    as well as in `subqueries`, so both are set.
    """

    def walk(node: query.Query) -> query.Query:
        if isinstance(node, query.Not):
            return query.Not(walk(node.query)) if exclusions else node
        if isinstance(node, query.BinaryQuery):
            rewritten = copy.copy(node)
            rewritten.a = walk(node.a)
            excluded = isinstance(node, query.AndNot) and not exclusions
            rewritten.b = node.b if excluded else walk(node.b)
            rewritten.subqueries = (rewritten.a, rewritten.b)
            return rewritten
        if isinstance(node, query.CompoundQuery):
            rewritten = copy.copy(node)
            rewritten.subqueries = [walk(sub) for sub in node.subqueries]
            return rewritten
        return leaf(node)

    return walk(q)
