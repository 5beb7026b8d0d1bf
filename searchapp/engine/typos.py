"""Typo tolerance: a query word found in few articles also searches a far more common close word.

"Schwarzeneger" (in no article) also searches "schwarzenegger" (in forty), at a lower weight
than the words as typed, and the page says "Including results for Schwarzenegger". The
allowance is Meilisearch's and Typesense's default: no typo in a word under 5 letters, one
from 5, two from 9. Quoted words, `word~`, prefixes and exclusions are left as typed, and
`typos=false` turns it off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq

from . import budget
from .analysis import analyse_word, fold_typography, fold_word, is_stop_word
from .query import OPERATORS, rewrite_leaves
from .schema import SEARCH_FIELD

ONE_TYPO_FROM = 5  # letters
TWO_TYPOS_FROM = 9
# "Matches nothing or very little": at most this many articles hold the word as typed...
RARE_DF = 3
# ...and the close word is in at least this many times as many.
MORE_COMMON = 10
# A corrected word scores at half an exact word's weight: exact matches stay on top.
TYPO_WEIGHT = 0.5
MAX_CHECKED = 8  # each check walks the vocabulary (~10 ms); a pasted essay must stay fast
OPTIONS = 10  # close words the corrector offers; the most common of them is taken

_QUOTED = re.compile(r'"[^"]*"')
# A plain word: not a field name, not followed by prefix*, fuzzy~ or a colon, not -excluded.
_PLAIN_WORD = re.compile(r"(?<![\w:\-])(\w+)(?![\w*?~:])")


@dataclass(frozen=True)
class Correction:
    typed: str  # as the user typed it
    word: str  # the close word, as the index's vocabulary spells it

    def shown(self) -> str:
        """The close word in the typed word's case ("Schwarzenegger" for "Schwarzeneger")."""
        if self.typed.isupper() and len(self.typed) > 1:
            return self.word.upper()
        return self.word.capitalize() if self.typed[:1].isupper() else self.word


def allowed_typos(word: str) -> int:
    """Edits forgiven in a word of this length."""
    return 2 if len(word) >= TWO_TYPOS_FROM else 1 if len(word) >= ONE_TYPO_FROM else 0


def candidate_words(text: str) -> list[str]:
    """The query's plain words outside quotes, once each, in order."""
    unquoted = _QUOTED.sub(" ", fold_typography(text))
    seen: dict[str, None] = {}
    for match in _PLAIN_WORD.finditer(unquoted):
        word = match.group(1)
        if word in OPERATORS or word.isdigit() or is_stop_word(fold_word(word)):
            continue
        seen.setdefault(word, None)
    return list(seen)


def find_corrections(reader, corrector, text: str) -> list[Correction]:
    """The close, far more common word for each rare plain word of the query."""
    found: list[Correction] = []
    checked = 0
    for typed in candidate_words(text):
        edits = allowed_typos(typed)
        if not edits:
            continue
        df = reader.doc_frequency(SEARCH_FIELD, analyse_word(typed))
        if df > RARE_DF:
            continue
        if checked == MAX_CHECKED:
            break
        budget.check()  # each correction walks the vocabulary, like did-you-mean
        checked += 1
        best = _most_common_close_word(reader, corrector, typed, edits)
        if best is not None and best[1] >= MORE_COMMON * max(df, 1) and best[1] > df:
            found.append(Correction(typed, best[0]))
    return found


def _most_common_close_word(reader, corrector, typed: str, edits: int):
    """(word, article count) of the most common word within `edits` of `typed`, or None."""
    folded = fold_word(typed)
    stem = analyse_word(typed)
    best = None
    for option in corrector.suggest(folded, limit=OPTIONS, maxdist=edits, prefix=1):
        option_stem = analyse_word(option)
        if option_stem == stem:  # another form of the same word, already searched
            continue
        df = reader.doc_frequency(SEARCH_FIELD, option_stem)
        if best is None or df > best[1]:
            best = (option, df)
    return best


def with_corrections(q: wq.Query, corrections: list[Correction]) -> wq.Query:
    """`q` with each corrected word's term OR-ed with its close word's, at TYPO_WEIGHT."""
    stems = {analyse_word(c.typed): analyse_word(c.word) for c in corrections}

    def swap(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term and node.fieldname == SEARCH_FIELD and node.text in stems:
            close = wq.Term(SEARCH_FIELD, stems[node.text], boost=node.boost * TYPO_WEIGHT)
            return wq.Or([node, close])
        return node

    # -word excludes the word as typed, nothing more.
    return rewrite_leaves(q, swap, exclusions=False)


def notice(corrections: list[Correction]) -> str:
    return "Including results for " + ", ".join(c.shown() for c in corrections) + "."
