"""Ranking measures in plain Python, defined as ranx defines them (nDCG with linear gains).

Not ranx itself: its first call compiles numba kernels, 90 s cold on every CI run (5 minutes
on a busy 2-core box), for figures these functions give to the last digit. Checked against
ranx 0.3.21: nDCG@10 0.98769 and Recall@100 0.99306 on tests/data/judged_queries.json for
both, and equal to 1e-15 on 200 random graded queries.
"""

from __future__ import annotations

from math import log2


def ndcg(grades: dict[str, int], ranking: list[str], k: int = 10) -> float:
    """nDCG@k of one ranking: gain = grade, discount log2(rank + 1), 0 with nothing to find."""
    dcg = sum(grades.get(doc, 0) / log2(rank + 2) for rank, doc in enumerate(ranking[:k]))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    best = sum(grade / log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / best if best else 0.0


def recall(grades: dict[str, int], ranking: list[str], k: int = 100) -> float:
    """The share of the relevant documents (grade above 0) found in the top k."""
    relevant = {doc for doc, grade in grades.items() if grade > 0}
    return len(relevant.intersection(ranking[:k])) / len(relevant) if relevant else 0.0
