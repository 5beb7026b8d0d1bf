"""A name searched under the corpus's other spellings of it: both engines' query rewrite.

The build learns the variants (ingest/name_variants.py) as lowercased corpus words. A bare
word of a query whose indexed form is one of them is ORed with the others, each at
VARIANT_BOOST, and the engine ranks an article holding more of the spellings as typed
above one holding variants only. Quoted names and field queries are left as typed.

A name and its spellings score as one word: every spelling weighs with the idf of the
group's most common spelling (a rare typo's own idf made an article holding it outscore
ones holding the name as typed), and in Whoosh an article scores its best spelling
(DisjunctionMax), not their sum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import log

from whoosh import query as wq

from .analysis import analyse_word, fold_word
from .query import rewrite_leaves
from .schema import SEARCH_FIELD

# A variant spelling scores at this fraction of the spelling typed.
VARIANT_BOOST = 0.3
# Added to a score once per name spelled as typed: BM25 scores stay far below it.
SPELLING_TIER = 1_000_000.0


@dataclass(frozen=True)
class NameSpellings:
    """The variants of one generation, keyed by indexed form (what a query tree holds)."""

    forms: dict[str, tuple[str, ...]]  # indexed form -> the indexed forms of its variants
    words: dict[str, tuple[str, ...]]  # indexed form -> its variants as the corpus spells them
    readable: dict[str, str]  # indexed form -> the corpus's spelling, capitalised

    @classmethod
    def of(cls, variants: dict) -> NameSpellings:
        forms, words, readable = {}, {}, {}
        for word in variants:
            readable.setdefault(analyse_word(word), word.capitalize())
        for word, others in variants.items():
            form = analyse_word(word)
            kept = [o for o in others if analyse_word(o) != form]
            forms[form] = tuple(dict.fromkeys(map(analyse_word, kept)))
            words[form] = tuple(dict.fromkeys(map(fold_word, kept)))
        return cls(forms, words, readable)

    def spelling(self, form: str) -> str:
        return self.readable.get(form, form)


def bm25_idf(total: int, docs: int) -> float:
    """BM25's idf, as both engines rank with it (ranking.py, sphinxql/idf.py)."""
    return log(1 + (total - docs + 0.5) / (docs + 0.5))


def widen_names(
    q: wq.Query,
    spellings: NameSpellings,
    stemmed: bool = True,
    docs: Callable[[list[str]], dict[str, int]] | None = None,
    total: int = 0,
) -> tuple[wq.Query, dict[str, tuple[str, ...]]]:
    """`q` with each bare word that has variants ORed with them, and {form: variant forms}.

    `stemmed`: the tree holds indexed forms (Whoosh); otherwise words as typed, which
    get the variants as the corpus spells them (searchd stems both itself). `docs`
    gives the document counts of words and `total` the articles: with them every
    spelling is boosted to the group's idf.
    """
    widened: dict[str, tuple[str, ...]] = {}

    def widen(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Term or node.fieldname != SEARCH_FIELD:
            return node
        form = node.text if stemmed else analyse_word(node.text)
        others = spellings.forms.get(form)
        if not others:
            return node
        widened[form] = others
        spelt = others if stemmed else spellings.words[form]
        boosts = [(node.text, node.boost), *((o, node.boost * VARIANT_BOOST) for o in spelt)]
        if docs is not None and total:
            counts = docs([w for w, _ in boosts])
            group = bm25_idf(total, max(counts.values(), default=0))
            boosts = [(w, b * group / bm25_idf(total, counts.get(w, 0))) for w, b in boosts]
        return wq.DisjunctionMax([wq.Term(SEARCH_FIELD, w, boost=round(b, 4)) for w, b in boosts])

    if not spellings.forms:
        return q, {}
    return rewrite_leaves(q, widen, exclusions=True), widened


def names_lead(widened: dict, words: int) -> bool:
    """Whether the typed-spelling tier applies: names are at least half of the query's
    words. In a long query a tier lifted every article holding one name word above all
    that matched the rest (CACM 0.4949 -> 0.4805 with it on every query)."""
    return 2 * len(widened) >= words


def variants_notice(spellings: NameSpellings, widened: dict[str, tuple[str, ...]]) -> str:
    """What the reader is told about the spellings a search added."""
    spelled = "; ".join(
        f"{', '.join(spellings.spelling(o) for o in others)} for {spellings.spelling(form)}"
        for form, others in widened.items()
    )
    return (
        f"Also searched for other spellings used in these articles: {spelled}. "
        "Quote a name, or set variants=false, for the exact spelling only."
    )
