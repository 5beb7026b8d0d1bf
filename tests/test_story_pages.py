"""The story page, its JSON, the article page's story line and grouped results (shipped
corpus), on both engines."""

from __future__ import annotations

import pytest

from .test_api import check_schema

CNN = "000_0094f72c2f52c878"
AGGREGATOR = "001_6241d4b8cf09680f"
NEWS_SITE = "003_a1ea1cffb5fc2919"


@pytest.fixture
def client(any_client):
    """Every story test here runs against both engines."""
    return any_client


@pytest.fixture(scope="module")
def openapi(app):
    return app.test_client().get("/api/openapi.json").get_json()


def test_story_json_has_the_travelled_lavrov_quotes(client, openapi):
    body = client.get("/api/stories/0").get_json()
    check_schema(openapi, "Story", body)
    assert len(body["articles"]) == 5
    travelled = {t["text"]: t for t in body["travelled_quotes"]}
    views = travelled["We exchanged views on the situation surrounding the Ukrainian crisis"]
    assert {p["id"] for p in views["printed_by"]} == {CNN, NEWS_SITE}
    assert views["speaker"] == "Sergey Lavrov" and views["first"] is None  # no dates
    assert any(t.startswith("Our Korean friends confirmed") for t in travelled)
    cnn = next(a for a in body["articles"] if a["id"] == CNN)
    assert "Robert Kelly" in cnn["adds"]["names"]
    assert cnn["adds"]["sentences"]


def test_story_page_lists_articles_and_quotes(client):
    page = client.get("/stories/0").get_data(as_text=True)
    assert page.count("data-story-article") == 5
    assert "Quotes that travelled" in page and "We exchanged views" in page


@pytest.mark.parametrize("path", ["/stories/1", "/stories/99999999999", "/stories/abc"])
def test_unknown_story_is_a_404(client, path):
    assert client.get(path).status_code == 404
    response = client.get("/api" + path)
    assert response.status_code == 404


def test_article_page_links_to_its_story(client):
    page = client.get(f"/articles/{AGGREGATOR}").get_data(as_text=True)
    assert 'href="/stories/0"' in page
    assert "Also covered by CNN, 38 North and 2 others" in " ".join(page.split())


def test_grouped_results_page(client):
    page = client.get("/search?q=Lavrov&group=story").get_data(as_text=True)
    assert page.count("data-hit") == 1
    assert "4 more articles in this story" in page


def test_bad_switches_are_a_hint_not_a_500(client):
    response = client.get("/search?q=Lavrov&collapse=perhaps")
    assert response.status_code == 400 and "collapse must be true or false" in response.get_data(
        as_text=True
    )
    api = client.get("/api/search?q=Lavrov&group=outlet")
    assert api.status_code == 400 and api.get_json()["param"] == "group"


def test_api_hits_carry_copies_story_and_folded(client):
    body = client.get("/api/search?q=Lavrov").get_json()
    assert all(h["copies"] == [] and h["story"] == 0 and h["folded"] == 0 for h in body["results"])
    assert body["facets"]["speaker"]


def test_quote_search_marks_the_quoted_words_in_the_article(client):
    page = client.get(f'/articles/{AGGREGATOR}?q=quote:"unconditional support"').get_data(
        as_text=True
    )
    assert "<mark" in page and "unconditional</mark>" in page
