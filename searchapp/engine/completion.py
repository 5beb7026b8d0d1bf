"""Search-as-you-type: complete the last word of a query from the index vocabulary.

With earlier words, completions that appear beside them come first: "gordon br" offers
"gordon brown" before "gordon british", though "british" is in more articles.
"""

from __future__ import annotations

import re

from .analysis import WORD_PATTERN, analyse_word, fold_typography, fold_word, is_stop_word
from .live_index import LiveIndex
from .schema import SEARCH_FIELD, SPELLING_FIELD

MAX_COMPLETION_CHARS = 200
MIN_PREFIX = 2
SCAN_LIMIT = 2_000  # vocabulary words read per request, so a short prefix stays cheap
CONTEXT_WORDS = 2  # earlier words that rank completions: the nearest ones say the most
RANKED_BY_CONTEXT = 30  # the most common completions that are checked against them
# The unstemmed word forms, kept by Whoosh beside the stemmed text field.
VOCABULARY_FIELDS = (SPELLING_FIELD,)

_LAST_WORD = re.compile(r"(\w+)$")


def complete(live: LiveIndex, text: str, limit: int = 8) -> tuple[str, ...]:
    """Whole queries that end in a known word starting with the query's last word."""
    folded = fold_typography(text)
    match = _LAST_WORD.search(folded)
    if match is None or len(match.group(1)) < MIN_PREFIX:
        return ()
    prefix = match.group(1).lower()
    head = folded[: match.start()]
    with live.searcher() as (_, searcher):
        reader = searcher.reader()
        counts: dict[str, int] = {}
        for field in VOCABULARY_FIELDS:
            for scanned, word in enumerate(reader.expand_prefix(field, prefix)):
                if scanned >= SCAN_LIMIT:
                    break
                word = word.decode("utf-8") if isinstance(word, bytes) else word
                if WORD_PATTERN.fullmatch(word):
                    counts[word] = counts.get(word, 0) + reader.doc_frequency(field, word)
        together = _beside(reader, head, sorted(counts, key=lambda w: -counts[w]))
    ranked = sorted(counts, key=lambda word: (-together.get(word, 0), -counts[word], word))
    return tuple(head + word for word in ranked if word != prefix)[:limit]


def _beside(reader, head: str, candidates: list[str]) -> dict[str, int]:
    """For the most common candidates, how many articles hold them with the earlier words."""
    stems = [analyse_word(w) for w in WORD_PATTERN.findall(head) if not is_stop_word(fold_word(w))][
        -CONTEXT_WORDS:
    ]
    if not stems:
        return {}
    context: set[int] | None = None
    for stem in stems:
        if (SEARCH_FIELD, stem) not in reader:
            return {}
        docs = set(reader.postings(SEARCH_FIELD, stem).all_ids())
        context = docs if context is None else context & docs
    together = {}
    for word in candidates[:RANKED_BY_CONTEXT]:
        stem = analyse_word(word)
        if (SEARCH_FIELD, stem) in reader:
            together[word] = sum(
                1 for d in reader.postings(SEARCH_FIELD, stem).all_ids() if d in context
            )
    return together
