"""Typo tolerance by default: rare words also search a far more common close word."""

from __future__ import annotations

import pytest

from searchapp.build import rebuild_index
from searchapp.engine.search import SearchRequest, search
from searchapp.engine.typos import Correction, allowed_typos, candidate_words
from tests.conftest import make_corpus, open_built

# Ten articles spell the name right, one spells it wrong; "Lavrov" is in two.
ARTICLES = {
    f"right{i}": f"Arnold Schwarzenegger opened gym number {i} in town.\n\nCrowds came early."
    for i in range(10)
}
ARTICLES |= {
    "wrong": "A fan wrote Schwarzeneger on the poster of the film.\n\nNobody minded.",
    "lavrov1": "Sergei Lavrov met reporters.\n\nTalks went on.",
    "lavrov2": "Lavrov flew home.\n\nThe ministry said nothing.",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    live = open_built(tmp_path_factory.mktemp("typos"), ARTICLES)
    yield live
    live.close()


def ids(page) -> list[str]:
    return [hit.id for hit in page.hits]


def test_a_rare_misspelling_also_finds_the_common_spelling_below_the_exact_match(live):
    page = search(live, SearchRequest(q="Schwarzeneger"))
    assert ids(page)[0] == "wrong"  # the word as typed weighs more
    assert page.total == 11
    assert page.notice == "Including results for Schwarzenegger."
    assert page.suggestion is None  # the close word is searched already


def test_a_word_in_no_article_is_corrected_and_the_other_words_still_count(live):
    page = search(live, SearchRequest(q="schwartzenegger gym"))
    assert page.total == 10 and "wrong" not in ids(page)
    assert page.notice == "Including results for schwarzenegger."


def test_typos_false_searches_the_words_as_typed(live):
    page = search(live, SearchRequest(q="Schwarzeneger", typos=False))
    assert ids(page) == ["wrong"] and page.notice is None


def test_a_quoted_word_is_searched_as_typed(live):
    page = search(live, SearchRequest(q='"Schwarzeneger"'))
    assert ids(page) == ["wrong"] and page.notice is None


def test_a_close_word_not_far_more_common_is_not_added(live):
    # "Lavrow" is in no article, "Lavrov" in only two: 2 < 10 x 1, so no correction;
    # the did-you-mean link still offers it.
    page = search(live, SearchRequest(q="Lavrow"))
    assert page.total == 0 and page.notice is None and page.suggestion == "lavrov"


def test_explicit_fuzzy_search_still_works(live):
    page = search(live, SearchRequest(q="lavrow~"))
    assert set(ids(page)) == {"lavrov1", "lavrov2"}


@pytest.mark.parametrize(
    "word, edits",
    [("gym", 0), ("opens", 1), ("reporter", 1), ("ministers", 2), ("Schwarzeneger", 2)],
)
def test_longer_words_forgive_more_typos(word, edits):
    assert allowed_typos(word) == edits


@pytest.mark.parametrize(
    "text, words",
    [
        ('"Schwarzeneger" films', ["films"]),  # quoted: as typed
        ("gym -Schwarzeneger", ["gym"]),  # excluded: as typed
        ("title:Schwarzeneger", []),  # a field of its own: as typed
        ("schwarz* lavrow~", []),  # prefix and fuzzy have their own rules
        ("the films AND the films", ["films"]),  # stop words, operators, repeats
    ],
)
def test_only_plain_words_are_candidates(text, words):
    assert candidate_words(text) == words


def test_the_notice_keeps_the_typed_case():
    assert Correction("SCHWARZENEGER", "schwarzenegger").shown() == "SCHWARZENEGGER"
    assert Correction("schwarzeneger", "schwarzenegger").shown() == "schwarzenegger"


def test_a_swap_of_two_letters_is_one_typo(live):
    page = search(live, SearchRequest(q="Schwarzenegegr"))
    assert page.total == 10 and page.notice == "Including results for Schwarzenegger."


def test_words_added_by_a_rebuild_are_close_words_at_once(tmp_path, open_live):
    corpus = make_corpus(tmp_path, {"wrong": ARTICLES["wrong"], "lavrov1": ARTICLES["lavrov1"]})
    rebuild_index(corpus, tmp_path / "index")
    live = open_live(tmp_path / "index")
    # The first generation has no common close word (and its word lists are now read)...
    assert search(live, SearchRequest(q="Schwarzeneger")).notice is None
    make_corpus(tmp_path, {name: text for name, text in ARTICLES.items() if "right" in name})
    rebuild_index(corpus, tmp_path / "index", incremental=True)
    # ...the next one has ten articles with it, and its own lists.
    page = search(live, SearchRequest(q="Schwarzeneger"))
    assert page.notice == "Including results for Schwarzenegger." and page.total == 11
