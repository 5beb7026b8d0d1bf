"""Languages: the facet and the `lang` filter on both engines, and stemming in each
article's language (Whoosh), over a corpus of four languages."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.engine.stemming import in_languages
from tests.conftest import make_corpus
from tests.sphinx_helpers import (
    build_cluster,
    need_searchd,
    start_local_cluster,
    stop_local_cluster,
)

# Each article names the harbour ferry, so one query matches all five.
ARTICLES = {
    "en1": "Harbour ferry strike ends\n\nThe harbour ferry crews went back to work on Monday "
    "after the union accepted a new offer from the operator, ending a strike that had left "
    "thousands of commuters without a service for most of the week.\n",
    "en2": "Ferry fares to rise\n\nFares on the harbour ferry will rise by five per cent in "
    "the spring, the operator said on Tuesday, blaming the cost of fuel and of the repairs "
    "that kept two of its boats out of the water for much of the winter.\n",
    "de1": "Fährstreik beendet\n\nDie Besatzungen der Hafenfähre (harbour ferry) sind am Montag "
    "an die Arbeit zurückgekehrt, nachdem die Gewerkschaft ein neues Angebot des Betreibers "
    "angenommen hatte. Der Streik hatte tausende Pendler fast eine Woche lang ohne Verbindung "
    "gelassen, und die Stadt hatte zusätzliche Busse eingesetzt.\n",
    "de2": "Fähre wird teurer\n\nDie Preise für die Hafenfähre (harbour ferry) steigen im "
    "Frühjahr um fünf Prozent, teilte der Betreiber am Dienstag mit. Er begründete die "
    "Erhöhung mit den Kosten für Treibstoff und für die Reparaturen, wegen derer zwei seiner "
    "Boote den größten Teil des Winters nicht fahren konnten.\n",
    "fr1": "Fin de la grève du traversier\n\nLes équipages du traversier du port (harbour "
    "ferry) ont repris le travail lundi, après que le syndicat a accepté une nouvelle offre "
    "de l'exploitant, mettant fin à une grève qui avait privé des milliers de voyageurs de "
    "service pendant presque toute la semaine.\n",
    "ru1": "Паромщики вернулись к работе\n\nЭкипажи парома в порту (harbour ferry) вернулись к "
    "работе в понедельник, после того как профсоюз принял новое предложение оператора. "
    "Забастовка оставила тысячи пассажиров в Москве без сообщения почти на неделю.\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("languages")
    return root, make_corpus(root, ARTICLES)


@pytest.fixture(scope="module")
def whoosh_app(corpus):
    root, folder = corpus
    rebuild_index(folder, root / "index")
    app = create_app({"INDEX_DIR": str(root / "index"), "TESTING": True})
    yield app
    app.extensions["searchapp.live"].close()


@pytest.fixture(scope="module")
def sphinxql_app(corpus):
    need_searchd()
    root, folder = corpus
    layout = start_local_cluster(root / "cluster")
    try:
        build_cluster(folder, layout)
        app = create_app(
            {"ENGINE": "sphinxql", "SPHINX_CLUSTER": str(layout.folder), "TESTING": True}
        )
        yield app
        app.extensions["searchapp.live"].close()
    finally:
        stop_local_cluster(layout)


@pytest.fixture(params=["whoosh", "sphinxql"])
def client(request):
    return request.getfixturevalue(f"{request.param}_app").test_client()


def test_the_language_facet_counts_each_language(client):
    body = client.get("/api/search?q=ferry").get_json()
    assert body["total"] == 6
    assert {f["value"]: f["count"] for f in body["facets"]["language"]} == {
        "en": 2,
        "de": 2,
        "fr": 1,
        "ru": 1,
    }


@pytest.mark.parametrize("lang, ids", [("de", {"de1", "de2"}), ("FR", {"fr1"}), ("it", set())])
def test_lang_filters_by_the_detected_language(client, lang, ids):
    body = client.get(f"/api/search?q=ferry&lang={lang}").get_json()
    assert {hit["id"] for hit in body["results"]} == ids
    browsed = client.get(f"/api/search?q=&lang={lang}").get_json()
    assert {hit["id"] for hit in browsed["results"]} == ids


@pytest.mark.parametrize("lang", ["german", "d", "1e", "é"])
def test_a_lang_that_is_not_a_two_letter_code_is_a_400(client, lang):
    response = client.get("/api/search", query_string={"q": "ferry", "lang": lang})
    assert response.status_code == 400 and response.get_json()["param"] == "lang"
    page = client.get("/search", query_string={"q": "ferry", "lang": lang})
    assert page.status_code == 400 and "two-letter" in page.get_data(as_text=True)


def test_the_article_carries_its_language(client):
    assert client.get("/api/articles/de1").get_json()["language"] == "de"


def test_the_page_offers_the_languages_and_keeps_the_filter(client):
    html = client.get("/search?q=ferry").get_data(as_text=True)
    assert "<h3>Language</h3>" in html and "lang=de" in html
    filtered = client.get("/search?q=ferry&lang=de").get_data(as_text=True)
    assert "Fährstreik beendet" in filtered and "Harbour ferry strike ends" not in filtered


def test_one_language_is_no_facet(app):
    """The shipped corpus is all English: a facet with one value offers no choice."""
    html = app.test_client().get("/search?q=Lavrov").get_data(as_text=True)
    assert "<h3>Language</h3>" not in html


# Forms that English stemming keeps apart and the article's own language joins: the
# singular finds the German plural, the nominative the Russian locative.
@pytest.mark.parametrize(
    "q, found",
    [
        ("Besatzung", {"de1"}),  # the article says "Besatzungen"
        ("Fähren", {"de2"}),  # the headline says "Fähre"
        ("Москва", {"ru1"}),  # the article says "в Москве"
        ('"die Besatzung der Hafenfähre"', {"de1"}),  # a phrase, stemmed in German too
        ("ferry -Besatzung", {"en1", "en2", "de2", "fr1", "ru1"}),  # excluded in German too
    ],
)
def test_words_match_their_forms_in_the_articles_language(whoosh_app, q, found):
    body = whoosh_app.test_client().get("/api/search", query_string={"q": q}).get_json()
    assert {hit["id"] for hit in body["results"]} == found, body


def test_the_article_page_marks_the_forms_of_its_language(whoosh_app):
    html = whoosh_app.test_client().get("/articles/de1?q=Besatzung").get_data(as_text=True)
    assert "<mark" in html and ">Besatzungen</mark>" in html
    hits = whoosh_app.test_client().get("/api/search?q=Besatzung").get_json()["results"]
    assert "<mark>Besatzungen</mark>" in hits[0]["snippets"][0]


def test_an_english_index_is_stemmed_and_searched_as_before(shipped):
    """Only English detected: no mark in the values and no widened words in the queries."""
    with shipped.searcher() as (gen, _):
        assert gen.stemmed_in == frozenset({"en"})
    term = wq.Term("text", "ferri")
    assert in_languages(term, "ferries", gen.stemmed_in) is term
