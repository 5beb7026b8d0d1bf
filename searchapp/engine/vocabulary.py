"""Close words for did-you-mean and typo tolerance, from the spelling words held in memory.

Whoosh's corrector finds the words within an edit distance by stepping a Levenshtein
automaton through the term file on disk: 50-190 ms a word at 21k Reuters articles, the
slowest 1% of searches. Here a generation reads its spelling words once, grouped by first
letter, and rapidfuzz measures the distances in C. The words offered, and their order, are
Whoosh's: the same distance (Levenshtein on one segment, where Whoosh uses its automaton;
optimal string alignment on several, where it uses its Damerau-Levenshtein function), the
same prefix rule and the same ranking by frequency (tests/test_vocabulary.py compares).
"""

from __future__ import annotations

import threading
from collections import defaultdict

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from .schema import SPELLING_FIELD
from .whoosh_private import CandidateCorrector


class Vocabulary:
    """One generation's spelling words by first letter, read on first use (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_initial: dict[str, list[str]] | None = None

    def starting_with(self, reader, prefix: str) -> list[str]:
        """The spelling words that start with `prefix`, in the index's (sorted) order."""
        with self._lock:
            if self._by_initial is None:
                self._by_initial = _by_initial(reader)
        if not prefix:
            return [w for words in self._by_initial.values() for w in words]
        words = self._by_initial.get(prefix[0], [])
        return words if len(prefix) == 1 else [w for w in words if w.startswith(prefix)]


def _by_initial(reader) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for btext in reader.lexicon(SPELLING_FIELD):
        word = btext.decode("utf-8")
        groups[word[:1]].append(word)
    return dict(groups)


class VocabularyCorrector(CandidateCorrector):
    """Whoosh's ReaderCorrector with the close words found in memory."""

    def __init__(self, reader, fieldname: str, vocabulary: Vocabulary) -> None:
        super().__init__(reader, fieldname, reader.schema[fieldname])
        self.vocabulary = vocabulary

    def candidates(self, text: str, maxdist: int, prefix: int) -> list[str]:
        # Whoosh's multi-segment reader compares whole words with Damerau-Levenshtein (the
        # restricted kind: optimal string alignment); one segment uses its automaton.
        scorer = Levenshtein.distance if self.reader.is_atomic() else OSA.distance
        words = self.vocabulary.starting_with(self.reader, text[:prefix])
        close = process.extract(text, words, scorer=scorer, score_cutoff=maxdist, limit=None)
        return [word for word, _, _ in close]


def corrector_for(reader, vocabulary: Vocabulary):
    """A `searcher.corrector(fieldname)` that reads `vocabulary` for `reader`."""

    def corrector(fieldname: str) -> VocabularyCorrector:
        return VocabularyCorrector(reader, fieldname, vocabulary)

    return corrector
