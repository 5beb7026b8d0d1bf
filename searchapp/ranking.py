"""How results are scored. Field weights are index-time boosts in schema.FIELD_BOOSTS."""

from __future__ import annotations

from whoosh.scoring import BM25F, WeightingModel


def weighting() -> WeightingModel:
    """BM25F with the usual constants; see README "How ranking works"."""
    return BM25F(B=0.75, K1=1.2)
