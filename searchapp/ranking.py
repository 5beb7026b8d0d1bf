"""How results are scored. Field weights are index-time boosts in schema.FIELD_BOOSTS.

Measured with `python bench/eval_ranking.py` (SciFact) and `--judged
tests/data/judged_queries.json` (our own queries); bench/RANKING.md has the figures.
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F, BM25FScorer, WeightingModel

K1 = 1.2
B = 0.75
# A title is a handful of words, so its term counts are the field boost, not
# repetition: a large K1 keeps BM25 from saturating the boost away (with K1 = 1.2 a 3x title
# boost is worth only 1.6x, and two body mentions beat one title mention).
FIELD_K1 = {"title": 10.0}


class BM25(BM25F):
    """Whoosh's per-field BM25 with the standard (Robertson/Lucene) idf and per-field K1.

    Whoosh's own idf, log(N / (df + 1)) + 1, adds a constant 1 to every term, which flattens
    the gap between rare and common words; log(1 + (N - df + 0.5) / (df + 0.5)) does not.
    """

    def idf(self, searcher, fieldname: str, text) -> float:
        parent = searcher.get_parent()  # statistics of the whole index, not one segment
        df = parent.doc_frequency(fieldname, text)
        n = parent.doc_count_all()
        return log(1 + (n - df + 0.5) / (df + 0.5))

    def scorer(self, searcher, fieldname: str, text, qf=1):
        if fieldname in FIELD_K1 and searcher.schema[fieldname].scorable:
            b = self._field_B.get(fieldname, self.B)
            return BM25FScorer(searcher, fieldname, text, b, FIELD_K1[fieldname], qf=qf)
        return super().scorer(searcher, fieldname, text, qf)


def weighting() -> WeightingModel:
    """BM25 with the usual constants; see README "How ranking works"."""
    return BM25(B=B, K1=K1)
