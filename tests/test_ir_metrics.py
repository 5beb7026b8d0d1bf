"""bench/ir_metrics.py: nDCG and recall, one hand-worked case per row."""

from __future__ import annotations

import sys
from math import log2
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from ir_metrics import ndcg, recall  # noqa: E402

GRADES = {"a": 3, "b": 2, "c": 1, "z": 0}


@pytest.mark.parametrize(
    "ranking, k, expected",
    [
        (["a", "b", "c"], 10, 1.0),  # the ideal order
        # reversed: (1 + 2/log2(3) + 3/2) / (3 + 2/log2(3) + 1/2)
        (["c", "b", "a"], 10, (1 + 2 / log2(3) + 1.5) / (3 + 2 / log2(3) + 0.5)),
        (["x", "a"], 10, (3 / log2(3)) / (3 + 2 / log2(3) + 0.5)),  # unjudged counts 0
        (["z", "y"], 10, 0.0),  # only grade 0 and unjudged documents
        ([], 10, 0.0),  # no results
        (["b", "a"], 1, 2 / 3),  # k=1: the ideal first document has grade 3
    ],
)
def test_ndcg(ranking, k, expected):
    assert ndcg(GRADES, ranking, k) == pytest.approx(expected)


def test_ndcg_with_nothing_to_find_is_zero():
    assert ndcg({"a": 0}, ["a"]) == 0.0


@pytest.mark.parametrize(
    "ranking, k, expected",
    [
        (["a", "b", "c"], 100, 1.0),
        (["c", "x"], 100, 1 / 3),
        (["z", "x", "a"], 2, 0.0),  # a is below the cut; z is not relevant
        ([], 100, 0.0),
    ],
)
def test_recall(ranking, k, expected):
    assert recall(GRADES, ranking, k) == pytest.approx(expected)
