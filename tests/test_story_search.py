"""Copies folded, stories grouped, quotes searched and names found however they are spelled:
the checks of issue 19 on the shipped corpus, and on a small corpus with known copies."""

from __future__ import annotations

import pytest

from searchapp.build import rebuild_index
from searchapp.engine import get_story, search
from searchapp.engine.coverage import story_article
from searchapp.ingest.stories import STORY_TEXT_CHARS
from searchapp.model import SearchRequest

from .conftest import COPIES_CORPUS, SHIPPED_CORPUS, make_corpus

LAVROV = 5  # every shipped article is about his visit


# Each spelling of Lavrov's name, and the articles that spell it so (they rank first).
SPELLINGS = [
    ("Sergei Lavrov", {"004_e1ed85ff018da8e5"}),
    ("Sergey Lavrov", {"000_0094f72c2f52c878", "001_6241d4b8cf09680f",
                       "002_6788b64cebcbb2f1", "003_a1ea1cffb5fc2919"}),
    ("Lvrov", {"003_a1ea1cffb5fc2919"}),
]  # fmt: skip


@pytest.mark.parametrize(("query", "exact"), SPELLINGS)
def test_every_spelling_finds_all_five_with_the_exact_one_first(shipped, query, exact):
    page = search(shipped, SearchRequest(q=query))
    assert page.total == LAVROV
    assert {h.id for h in page.hits[: len(exact)]} == exact
    assert "other spellings" in page.notice and "variants=false" in page.notice


def test_variants_off_or_a_quoted_name_means_that_spelling(shipped):
    assert search(shipped, SearchRequest(q="Sergei Lavrov", variants=False)).total == 1
    quoted = search(shipped, SearchRequest(q='"Sergei Lavrov"'))
    assert quoted.total == 1 and quoted.notice is None
    assert search(shipped, SearchRequest(q="Lvrov", variants=False)).total == 1


def test_the_five_articles_are_one_story(shipped):
    gen = shipped.generation()
    assert len(gen.groups.stories) == 1 and len(gen.groups.stories[0]) == LAVROV
    grouped = search(shipped, SearchRequest(q="Lavrov", group="story"))
    assert grouped.total == 1 and grouped.hits[0].folded == LAVROV - 1
    assert grouped.hits[0].story == 0


def test_no_shipped_article_is_a_copy(shipped):
    assert shipped.generation().groups.copies == ()
    assert all(not h.copies for h in search(shipped, SearchRequest(q="Lavrov")).hits)


def test_quote_search_and_speaker_facet(shipped):
    page = search(shipped, SearchRequest(q='quote:"unconditional support"'))
    assert {h.id for h in page.hits} == {"000_0094f72c2f52c878", "001_6241d4b8cf09680f"}
    # Not every article with the words quotes them: 002 writes "unconditional" support.
    assert "002_6788b64cebcbb2f1" in {
        h.id for h in search(shipped, SearchRequest(q="unconditional support")).hits
    }
    speakers = {f.value: f.count for f in search(shipped, SearchRequest()).facets["speaker"]}
    assert speakers["Sergey Lavrov"] == 2 and speakers["Robert Kelly"] == 1
    only = search(shipped, SearchRequest(speaker="Robert Kelly"))
    assert [h.id for h in only.hits] == ["000_0094f72c2f52c878"]


@pytest.fixture(scope="module")
def copies_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("copies")
    corpus = make_corpus(root, COPIES_CORPUS)
    index_dir = root / "index"
    summary = rebuild_index(corpus, index_dir)
    return summary, index_dir


def test_build_summary_counts_copy_groups(copies_index):
    summary, _ = copies_index
    assert summary.copy_groups == 1 and summary.copies == 2
    assert "1 copy groups (2 copies folded)" in summary.line()


def test_results_show_one_of_each_copy_group(copies_index, open_live):
    live = open_live(copies_index[1])
    folded = search(live, SearchRequest(q="ferry"))
    assert folded.total == 2
    (wire_hit,) = [h for h in folded.hits if h.copies]
    assert wire_hit.folded == 2
    assert {c.outlet for c in wire_hit.copies} | {wire_hit.outlet} == {"Wire", "Paper", "Blog"}
    every = search(live, SearchRequest(q="ferry", collapse=False))
    assert every.total == 4 and all(h.folded == 0 for h in every.hits)
    # Each copy still lists the others.
    assert all(len(h.copies) == 2 for h in every.hits if h.id != "other")


def test_browsing_by_date_folds_copies_too(copies_index, open_live):
    live = open_live(copies_index[1])
    page = search(live, SearchRequest(sort="date"))
    assert page.total == 2
    assert [h.folded for h in page.hits if h.copies] == [2]


def test_incremental_build_keeps_groups_of_unchanged_articles(copies_index, tmp_path):
    _, index_dir = copies_index
    # Touching nothing: the unchanged articles' profiles come from the index columns.
    summary = rebuild_index(index_dir.parent / "corpus", index_dir, incremental=True)
    assert summary.copy_groups == 1 and summary.updated == 0


def test_shipped_corpus_builds_with_no_copies(tmp_path):
    summary = rebuild_index(SHIPPED_CORPUS, tmp_path / "index")
    assert summary.copy_groups == 0 and summary.stories == 1


def test_a_story_is_assembled_once_per_generation(shipped):
    """The story page is worked out from its articles' text: the second request reuses it."""
    first = get_story(shipped, 0)
    assert get_story(shipped, 0) is first
    assert len(first.articles) == 5


def test_a_story_reads_a_bounded_share_of_each_article():
    """A 10 MB article in a story costs what STORY_TEXT_CHARS of it costs."""
    member = story_article("big", "Big", None, None, "Harbour ferry news. " * 500_000)
    assert len(member.body) == STORY_TEXT_CHARS


# One event from three outlets: the agency misspells the minister's name, once, in an
# article that never spells it right; the other two do, five times.
TYPO_STORY = {
    "agency": "Minister Lvrov arrives in Pyongyang for talks on the Wonsan resort\n\n"
    "The Russian envoy Lvrov landed in Pyongyang on Friday for talks with Choe Son Hui "
    "about tourism at the Wonsan Kalma resort and flights from Vladivostok.",
    "agency.json": {"outlet": "Agency", "published": "2025-07-11"},
    "paper": "Lavrov arrives in Pyongyang for talks on the Wonsan resort\n\n"
    "The Russian envoy Lavrov landed in Pyongyang on Friday for talks with Choe Son Hui "
    "about the Wonsan Kalma resort. Then Lavrov praised the resort, and Lavrov said "
    "flights from Vladivostok would follow.",
    "paper.json": {"outlet": "Paper", "published": "2025-07-11"},
    "site": "Lavrov in Pyongyang for Wonsan resort talks\n\n"
    "Lavrov met Choe Son Hui in Pyongyang on Friday to discuss the Wonsan Kalma resort; "
    "Choe told Lavrov that flights from Vladivostok were welcome, and Lavrov agreed.",
    "site.json": {"outlet": "Site", "published": "2025-07-12"},
}


def test_a_typo_is_caught_when_its_story_spells_the_name_right(tmp_path, open_live):
    corpus = make_corpus(tmp_path, TYPO_STORY)
    rebuild_index(corpus, tmp_path / "index")
    live = open_live(tmp_path / "index")
    groups = live.generation().groups
    assert groups.stories == (("agency", "paper", "site"),)
    assert groups.variants["lvrov"] == ("lavrov",)
    page = search(live, SearchRequest(q="Lvrov"))
    assert page.total == 3 and page.hits[0].id == "agency"
    assert "Lavrov for Lvrov" in page.notice
