"""The HTML pages, rendered through the Flask test client."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from searchapp import create_app
from searchapp.build import rebuild_index

from .conftest import make_corpus

ARTICLE = "000_0094f72c2f52c878"


@pytest.fixture
def client(any_client):
    """Every page test here runs against both engines."""
    return any_client


class TagCollector(HTMLParser):
    """Collects start tags, to assert on markup without regexes over HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = TagCollector()
    parser.feed(html)
    return parser.tags


def test_home_shows_search_box_and_corpus_line(client):
    html = client.get("/").get_data(as_text=True)
    assert '<label for="q"' in html
    assert "5 articles" in html
    assert 'href="/search?q="' in html
    assert ("main", {"id": "main", "tabindex": "-1"}) in tags(html)


def test_results_page_lists_highlighted_hits(client):
    response = client.get("/search?q=Lavrov")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "5 articles" in html
    assert html.count('class="hit"') == 5
    assert "<mark>Lavrov</mark>" in html
    assert f'href="/articles/{ARTICLE}?q=Lavrov"' in html


def test_results_page_facets_link_to_filtered_urls(client):
    html = client.get("/search?q=Lavrov").get_data(as_text=True)
    assert 'href="/search?q=Lavrov&amp;outlet=CNN"' in html
    filtered = client.get("/search?q=Lavrov&outlet=CNN").get_data(as_text=True)
    assert filtered.count('class="hit"') == 1
    assert "remove filter" in filtered


def test_results_page_paginates_and_keeps_state(client):
    html = client.get("/search?q=Lavrov&per_page=2&sort=date").get_data(as_text=True)
    assert "Page 1 of 3" in html
    assert 'href="/search?q=Lavrov&amp;sort=date&amp;per_page=2&amp;page=2"' in html
    last = client.get("/search?q=Lavrov&per_page=2&page=3").get_data(as_text=True)
    assert last.count('class="hit"') == 1
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_did_you_mean_and_no_results_advice(client):
    html = client.get("/search?q=Lavorv").get_data(as_text=True)
    assert "No articles found" in html
    assert 'href="/search?q=lavrov"' in html


def test_bad_parameter_gives_a_hint_not_a_500(client):
    response = client.get("/search?q=lavrov&page=abc")
    assert response.status_code == 400
    assert "page must be a whole number" in response.get_data(as_text=True)


def test_fallback_notice_is_shown(client):
    html = client.get('/search?q="unbalanced lavrov').get_data(as_text=True)
    assert "plain words" in html


def test_article_page_highlights_and_lists_stripped_blocks(client):
    html = client.get(f"/articles/{ARTICLE}?q=Lavrov").get_data(as_text=True)
    assert '<mark id="hit-1">Lavrov</mark>' in html
    assert 'href="#hit-1"' in html
    assert "<details" in html and "Cable News Network" in html
    assert "Related coverage" in html
    body = html.split("data-article-body>")[1].split("</div>")[0]
    assert "The-CNN-Wire" not in body


def test_unknown_article_is_a_friendly_404(client):
    response = client.get("/articles/does-not-exist")
    assert response.status_code == 404
    assert "Search the archive" in response.get_data(as_text=True)


def test_no_index_page_names_the_command(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    for path in ("/", "/search?q=x"):
        response = client.get(path)
        assert response.status_code == 503
        assert "searchapp rebuild-index" in response.get_data(as_text=True)


def test_hostile_article_and_query_render_inert(tmp_path):
    evil = '<script>alert("x")</script> <img src=x onerror=alert(1)> "quoted" lavrov'
    corpus = make_corpus(tmp_path, {"evil": f"Evil {evil}\n\n{evil} was here. {evil}."})
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir)
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    client = app.test_client()
    query = '<b onmouseover="x">lavrov</b>'
    for path in (f"/search?q={query}", f"/articles/evil?q={query}", "/search?q="):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b onmouseover" not in html
        assert not any(name.startswith("on") for _, attrs in tags(html) for name in attrs)
    api = client.get("/api/search", query_string={"q": "lavrov"}).get_json()
    assert all("<script>" not in s for hit in api["results"] for s in hit["snippets"])
    app.extensions["searchapp.live"].close()


def test_pages_load_only_same_origin_assets(client):
    html = client.get("/search?q=Lavrov").get_data(as_text=True)
    for tag, attrs in tags(html):
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag in ("script", "link") and value:
                assert value.startswith("/"), value
    assert not re.search(r"<script>(?!</script>)", html), "no inline script"
    assert "style=" not in html


def test_static_assets_are_served(client):
    with client.get("/static/style.css") as css:
        assert css.status_code == 200
        assert "prefers-color-scheme: dark" in css.get_data(as_text=True)
    with client.get("/static/app.js") as js:
        assert js.status_code == 200
