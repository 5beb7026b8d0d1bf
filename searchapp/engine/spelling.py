"""Did-you-mean: respell the words of a query that the index has never seen."""

from __future__ import annotations

import re

from . import budget
from .analysis import fold_typography, fold_word, is_stop_word
from .query import OPERATORS
from .schema import SEARCH_FIELD, SPELLING_FIELD

MAX_SPELLCHECKED_WORDS = 8  # unknown words spell-checked per query; the rest are left as typed

# Words followed by these are syntax (prefix*, fuzzy~), not words to spell-check.
_PLAIN_WORD = re.compile(r"(?<![\w:])(\w+)(?![\w*?~:])")


def did_you_mean(searcher, text: str) -> str | None:
    """A did-you-mean query when some words are not in the index vocabulary."""
    reader = searcher.reader()
    corrector = searcher.corrector(SEARCH_FIELD)
    replacements: dict[str, str] = {}
    checked = 0
    for match in _PLAIN_WORD.finditer(fold_typography(text)):
        word = match.group(1)
        key = word.lower()
        if len(key) < 3 or key.isdigit() or word in OPERATORS or word in replacements:
            continue
        if (SPELLING_FIELD, key) in reader:
            continue
        if is_stop_word(fold_word(key)):  # a stop word ("the") is never indexed, not misspelt
            continue
        if checked == MAX_SPELLCHECKED_WORDS:  # ~10 ms a check: a pasted essay would take s
            break
        budget.check()
        checked += 1
        options = corrector.suggest(key, limit=1, maxdist=2, prefix=1)
        if options and options[0] != key:
            replacements[word] = options[0]
    if not replacements:
        return None
    return _PLAIN_WORD.sub(
        lambda m: replacements.get(m.group(1), m.group(1)), fold_typography(text)
    )
