"""Copies and stories on the SphinxQL engine (a real cluster): the same answers as Whoosh."""

from __future__ import annotations

import shutil

import pytest

from searchapp.build import rebuild_index
from searchapp.engine import get_story, search
from searchapp.engine.sphinxql import SphinxEngine, StoryNotFoundError
from searchapp.model import SearchRequest
from tests.conftest import COPIES_CORPUS, make_corpus
from tests.sphinx_helpers import (
    build_cluster,
    need_searchd,
    start_local_cluster,
    stop_local_cluster,
)


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """(corpus, Whoosh index folder, cluster layout, first cluster build) of COPIES_CORPUS."""
    need_searchd()
    root = tmp_path_factory.mktemp("sphinx-copies")
    corpus = make_corpus(root, COPIES_CORPUS)
    rebuild_index(corpus, root / "index")
    layout = start_local_cluster(root / "cluster")
    try:
        yield corpus, root / "index", layout, build_cluster(corpus, layout)
    finally:
        stop_local_cluster(layout)


@pytest.fixture
def sphinx(copies):
    engine = SphinxEngine.at(copies[2].master.address)
    yield engine
    engine.close()


def _shape(page):
    """What folding decides about a page: each hit, what folds behind it, its copies."""
    return page.total, [
        (h.id, h.folded, sorted(c.id for c in h.copies), h.more_copies, h.story) for h in page.hits
    ]


def test_build_summary_counts_copy_groups(copies):
    summary = copies[3]
    assert (summary.copy_groups, summary.copies) == (1, 2)
    assert "1 copy groups (2 copies folded)" in summary.line()


def test_results_show_one_of_each_copy_group(sphinx):
    folded = sphinx.search(SearchRequest(q="ferry"))
    assert folded.total == 2
    (wire_hit,) = [h for h in folded.hits if h.copies]
    assert wire_hit.folded == 2
    assert {c.outlet for c in wire_hit.copies} | {wire_hit.outlet} == {"Wire", "Paper", "Blog"}
    every = sphinx.search(SearchRequest(q="ferry", collapse=False))
    assert every.total == 4 and all(h.folded == 0 for h in every.hits)
    assert all(len(h.copies) == 2 for h in every.hits if h.id != "other")


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(q="ferry"),
        SearchRequest(q="ferry", collapse=False),
        SearchRequest(q="ferry", group="story"),
        SearchRequest(q="ferry", sort="date"),
        SearchRequest(),  # browsing, newest first
        SearchRequest(collapse=False),
    ],
    ids=["ferry", "no-collapse", "story", "by-date", "browse", "browse-all"],
)
def test_both_engines_fold_the_same(copies, sphinx, open_live, request_):
    whoosh = search(open_live(copies[1]), request_)
    assert _shape(sphinx.search(request_)) == _shape(whoosh)


def test_speaker_filter_and_unknown_story(copies, sphinx, open_live):
    assert sphinx.search(SearchRequest(speaker="Nobody Here")).total == 0
    assert sphinx.get_story(0) == get_story(open_live(copies[1]), 0)
    assert sphinx.get_story(0).copies == (("blog", "paper", "wire"),)
    for number in (1, 2**40):  # the copies corpus is one story
        with pytest.raises(StoryNotFoundError):
            sphinx.get_story(number)


def test_incremental_build_regroups(copies, tmp_path):
    corpus, _, layout, _ = copies
    changed = tmp_path / "corpus"
    shutil.copytree(corpus, changed)
    (changed / "blog.txt").unlink()
    summary = build_cluster(changed, layout, incremental=True)
    engine = SphinxEngine.at(layout.master.address)
    try:
        assert (summary.deleted, summary.copy_groups, summary.copies) == (1, 1, 1)
        (wire_hit,) = [h for h in engine.search(SearchRequest(q="ferry")).hits if h.copies]
        assert wire_hit.folded == 1 and len(wire_hit.copies) == 1
    finally:
        engine.close()
        build_cluster(corpus, layout)  # the other tests' corpus again
