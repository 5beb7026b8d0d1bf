"""Big articles and big titles: highlighting stays linear, the result cache bounded by bytes,
and "related" the same for two builds of one corpus."""

from __future__ import annotations

import re

import pytest

from searchapp.build import rebuild_index
from searchapp.engine.articles import related
from searchapp.engine.highlight import highlight_article, make_snippets, spans_within
from searchapp.engine.live_index import LiveIndex, ResultCache
from searchapp.engine.search import search
from searchapp.model import Article, SearchRequest

from .conftest import make_corpus


@pytest.mark.parametrize(
    "hits, blocks, expected",
    [
        ([(0, 2), (5, 7)], [(0, 4), (4, 9)], [[(0, 2)], [(5, 7)]]),
        ([(3, 6)], [(0, 4), (4, 9)], [[], []]),  # straddles two blocks: in neither
        ([(5, 7), (0, 2)], [(0, 9)], [[(0, 2), (5, 7)]]),  # unsorted hits
        ([(10, 12)], [(0, 4)], [[]]),  # after every block
        ([], [(0, 4)], [[]]),
    ],
)
def test_spans_within(hits, blocks, expected):
    assert spans_within(hits, blocks) == expected


def _huge_article(paragraphs: int) -> Article:
    body = "\n\n".join(f"Harbour ferry report number {i} was filed." for i in range(paragraphs))
    return Article(id="huge", title="Huge", text=body, source_path="huge.txt", content_hash="")


def test_a_huge_article_is_highlighted_in_full(tmp_path):
    """60,000 paragraphs and as many matches: marking every paragraph against every match
    (the old way) would take hours here; one pass takes well under a second."""
    article = _huge_article(60_000)
    blocks, marks = highlight_article(article, "ferry")
    assert marks == 60_000 and len(blocks) == 60_000
    assert blocks[-1].html.count("<mark") == 1 and 'id="hit-60000"' in blocks[-1].html
    spans = [(m.start(), m.end()) for m in re.finditer("ferry", article.text)]
    snippets = make_snippets(article.text, spans)
    assert len(snippets) == 3 and all("<mark>ferry</mark>" in s for s in snippets)


def test_the_result_cache_is_bounded_by_bytes_not_only_by_pages():
    cache = ResultCache(size=1000, max_bytes=1000)
    for i in range(50):
        cache.put(i, f"page {i}", cost=100)
    assert cache.bytes <= 1000 and cache.get(49) == "page 49" and cache.get(0) is None
    cache.put("huge", "page", cost=200)  # over an eighth of the budget: not kept
    assert cache.get("huge") is None and cache.bytes <= 1000


def test_long_titles_do_not_fill_memory(tmp_path):
    """Before: with 200 KB titles one worker grew by 1.25 GB after 60 distinct queries."""
    title = "Harbour " + "ferry " * 33_000  # ~200 KB
    corpus = make_corpus(
        tmp_path,
        {f"t{i}": f"Harbour notice {i}: the ferry word{i} sails at dawn." for i in range(12)}
        | {f"t{i}.json": {"title": title} for i in range(12)},
    )
    rebuild_index(corpus, tmp_path / "index")
    live = LiveIndex(tmp_path / "index")
    live.results = ResultCache(max_bytes=8 * 1024 * 1024)
    try:
        for i in range(60):
            page = search(live, SearchRequest(q=f"harbour word{i % 12}", per_page=10 + i // 12))
            assert page.total >= 1
        assert live.results.bytes <= 8 * 1024 * 1024
        assert 0 < len(live.results._items) < 60  # some pages were dropped to stay under
    finally:
        live.close()


def test_the_cache_counts_the_titles_of_listed_copies(tmp_path):
    """Twelve copies of one story under 200 KB titles: the hit lists eleven copies, and
    their titles are what the cached page holds (before: only the hit's own was counted)."""
    title = "Harbour " + "ferry " * 33_000  # ~200 KB
    story = "The harbour ferry sails at dawn again after the council paid for the dredging."
    corpus = make_corpus(
        tmp_path,
        {f"c{i}": f"{story}\n\n{story} Notice {i}." for i in range(12)}
        | {f"c{i}.json": {"title": f"{title} {i}"} for i in range(12)},
    )
    rebuild_index(corpus, tmp_path / "index")
    live = LiveIndex(tmp_path / "index")
    try:
        page = search(live, SearchRequest(q="dredging"))
        assert len(page.hits) == 1 and len(page.hits[0].copies) == 11
        assert live.results.bytes >= 12 * len(title)
    finally:
        live.close()


def test_related_is_the_same_for_two_builds_of_one_corpus(tmp_path):
    """Enough articles for the process pool; many share their words, so scores tie."""
    words = "harbour ferry council budget storm island tide port cargo dredging".split()
    articles = {
        f"r{i:03d}": f"Notice {i}. " + " ".join(words[(i + k) % len(words)] for k in range(6))
        for i in range(240)
    }
    corpus = make_corpus(tmp_path, articles)
    lists = []
    for name in ("one", "two"):
        rebuild_index(corpus, tmp_path / name, procs=2)
        live = LiveIndex(tmp_path / name)
        try:
            lists.append([[h.id for h in related(live, f"r{i:03d}")] for i in range(0, 240, 24)])
        finally:
            live.close()
    assert lists[0] == lists[1]
