"""Search-as-you-type: complete the last word of a query from the index vocabulary."""

from __future__ import annotations

import re

from .analysis import WORD_PATTERN, fold_typography
from .live_index import LiveIndex
from .schema import SPELLING_FIELD

MAX_COMPLETION_CHARS = 200
MIN_PREFIX = 2
SCAN_LIMIT = 2_000  # vocabulary words read per request, so a short prefix stays cheap
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
    ranked = sorted(counts, key=lambda word: (-counts[word], word))
    return tuple(head + word for word in ranked if word != prefix)[:limit]
