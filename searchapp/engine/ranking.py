"""How results are scored: BM25 over the weighted `text` field (schema.SECTION_WEIGHTS).

Measured with `python bench/eval_ranking.py` (SciFact) and `--judged
tests/data/judged_queries.json` (our own queries); bench/RANKING.md has the figures.
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F, BM25FScorer, WeightingModel

from .whoosh_private import document_lengths

# The usual BM25 constants (Lucene's and Elasticsearch's defaults). Other values moved
# SciFact and our judged queries in opposite directions, by less than 0.01 (bench/RANKING.md).
K1 = 1.2
B = 0.75


class BM25(BM25F):
    """Whoosh's BM25 with the standard (Robertson/Lucene) idf.

    Whoosh's own idf, log(N / (df + 1)) + 1, adds a constant 1 to every term, which flattens
    the gap between rare and common words; log(1 + (N - df + 0.5) / (df + 0.5)) does not.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # (segment, field) -> each document's field length. One weighting serves one index
        # generation (reader.Generation), so the lists are built once, not per query:
        # Whoosh's per-document length lookup was a fifth of a search's scoring time.
        self._lengths: dict[tuple[str, str], list[float]] = {}

    def idf(self, searcher, fieldname: str, text) -> float:
        parent = searcher.get_parent()  # statistics of the whole index, not one segment
        df = parent.doc_frequency(fieldname, text)
        n = parent.doc_count_all()
        return log(1 + (n - df + 0.5) / (df + 0.5))

    def scorer(self, searcher, fieldname: str, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        segment = searcher.reader().segment()  # None above a single segment
        if isinstance(scorer, BM25FScorer) and segment is not None:
            scorer.dfl = self._field_lengths(searcher, segment, fieldname).__getitem__
        return scorer

    def _field_lengths(self, searcher, segment, fieldname: str) -> list[float]:
        """Every document's length in this segment's field, by segment-local docnum."""
        key = (segment.segment_id(), fieldname)
        lengths = self._lengths.get(key)
        if lengths is None:
            lengths = self._lengths[key] = document_lengths(searcher.reader(), fieldname, 1)
        return lengths


def weighting() -> WeightingModel:
    """BM25 with the usual constants; see README "How ranking works"."""
    return BM25(B=B, K1=K1)
