"""Words joined or split match each other when the corpus uses both forms."""

from __future__ import annotations

import pytest

from searchapp.engine.search import SearchRequest, search
from tests.conftest import open_built

ARTICLES = {
    "hyphen": "Send me an e-mail today.\n\nThanks for reading.",
    "joined": "Her email was long.\n\nNo reply came.",
    "spaced": "He wrote an e mail to the board.\n\nIt was read aloud.",
    "mail": "The mail van was late.\n\nLetters piled up.",
    "cellphone": "My cellphone rang twice.\n\nI ignored it.",
    "cell": "The cell phone rang again.\n\nStill ignored.",
    "prison": "The prison cell was cold.\n\nGuards walked by.",
    "another": "Another day, another dollar.\n\nThe other side of town.",
    "an-other": "An other-worldly calm.\n\nNobody spoke.",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    live = open_built(tmp_path_factory.mktemp("compounds"), ARTICLES)
    yield live
    live.close()


def ids(live, q: str, **kw) -> set[str]:
    return {hit.id for hit in search(live, SearchRequest(q=q, **kw)).hits}


@pytest.mark.parametrize("q", ["email", "e-mail", "e mail", "E-Mail"])
def test_every_form_of_email_finds_every_form(live, q):
    assert ids(live, q) == {"hyphen", "joined", "spaced"}  # not the "mail" van


@pytest.mark.parametrize("q", ["cellphone", "cell phone", "cell-phone"])
def test_cellphone_and_cell_phone(live, q):
    assert ids(live, q) == {"cellphone", "cell"}


def test_a_split_into_stop_words_is_not_a_compound(live):
    # "an other" is in the corpus, but "an" is a stop word: "another" is one word.
    assert ids(live, "another") == {"another"}


def test_a_quoted_word_is_searched_as_typed(live):
    assert ids(live, '"email"') == {"joined"}


def test_any_word_keeps_the_loose_words(live):
    assert ids(live, "cell phone", match="any") == {"cellphone", "cell", "prison"}
    # "e" alone would be dropped as a stop word: "e mail" is searched as a phrase.
    assert ids(live, "e mail", match="any") == {"hyphen", "joined", "spaced"}
