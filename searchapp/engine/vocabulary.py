"""Close words for did-you-mean and typo tolerance, from the spelling words held in memory.

Whoosh's corrector finds the words within an edit distance by stepping a Levenshtein
automaton through the term file on disk: 50-190 ms a word at 21k Reuters articles, the
slowest 1% of searches. Here a generation reads its spelling words once, grouped by first
letter, and rapidfuzz measures the distances in C. The words offered, and their order, are
those of Whoosh's corrector on an index of one segment: Levenshtein distance, the same
prefix rule, the same ranking by frequency (tests/test_vocabulary.py compares). On several
segments Whoosh switches to another distance (Damerau-Levenshtein, which forgives a swap
of two letters); here the offer does not depend on how the index is split, since a full
build writes two segments side by side (build._write_parts).
"""

from __future__ import annotations

import threading

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .schema import SPELLING_FIELD
from .whoosh_private import CandidateCorrector


class Vocabulary:
    """One generation's spelling words, read by first letter on first use (thread-safe).

    A letter at a time: all 47,666 words of the 21k Reuters index take 190 ms to read
    through Whoosh, one letter about a twentieth of that, paid once per generation.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_initial: dict[str, list[str]] = {}

    def starting_with(self, reader, prefix: str) -> list[str]:
        """The spelling words that start with `prefix`, in the index's (sorted) order."""
        if not prefix:
            return [b.decode("utf-8") for b in reader.lexicon(SPELLING_FIELD)]
        initial = prefix[0]
        with self._lock:
            words = self._by_initial.get(initial)
            if words is None:
                words = [w.decode("utf-8") for w in reader.expand_prefix(SPELLING_FIELD, initial)]
                self._by_initial[initial] = words
        return words if len(prefix) == 1 else [w for w in words if w.startswith(prefix)]


class VocabularyCorrector(CandidateCorrector):
    """Whoosh's ReaderCorrector with the close words found in memory."""

    def __init__(self, reader, fieldname: str, vocabulary: Vocabulary) -> None:
        super().__init__(reader, fieldname, reader.schema[fieldname])
        self.vocabulary = vocabulary

    def candidates(self, text: str, maxdist: int, prefix: int) -> list[str]:
        words = self.vocabulary.starting_with(self.reader, text[:prefix])
        close = process.extract(
            text, words, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
        )
        return [word for word, _, _ in close]


def corrector_for(reader, vocabulary: Vocabulary):
    """A `searcher.corrector(fieldname)` that reads `vocabulary` for `reader`."""

    def corrector(fieldname: str) -> VocabularyCorrector:
        return VocabularyCorrector(reader, fieldname, vocabulary)

    return corrector
