"""A name and its spellings score as one word (engine/variants.py): the group's idf for
every spelling, and an article's best spelling rather than the sum of them."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from searchapp.engine import search
from searchapp.engine.variants import VARIANT_BOOST, NameSpellings, bm25_idf, widen_names
from searchapp.model import SearchRequest

from .test_story_search import SPELLINGS


def test_every_spelling_weighs_with_the_most_common_ones_idf():
    spellings = NameSpellings.of({"lavrov": ["lvrov"], "lvrov": ["lavrov"]})
    counts = {"lavrov": 40, "lvrov": 2}
    q, widened = widen_names(
        wq.Term("text", "lvrov"), spellings, docs=lambda ws: {w: counts[w] for w in ws}, total=100
    )
    assert isinstance(q, wq.DisjunctionMax) and widened == {"lvrov": ("lavrov",)}
    weights = {t.text: t.boost * bm25_idf(100, counts[t.text]) for t in q.subqueries}
    group = bm25_idf(100, 40)
    # The rare typed spelling no longer carries its own, larger idf.
    assert weights["lvrov"] == pytest.approx(group, rel=1e-3)
    assert weights["lavrov"] == pytest.approx(VARIANT_BOOST * group, rel=1e-3)


def test_an_article_with_two_spellings_scores_its_best_not_their_sum(shipped):
    # One shipped article spells the name both ways: summed, its typo's weight came on top.
    (both,) = SPELLINGS[2][1]
    on = {h.id: h.score for h in search(shipped, SearchRequest(q="Lavrov")).hits}
    off = {h.id: h.score for h in search(shipped, SearchRequest(q="Lavrov", variants=False)).hits}
    assert both in off
    assert on[both] == pytest.approx(off[both], rel=1e-4)
