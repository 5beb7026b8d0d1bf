"""The Atom feed of a search, read back with a real feed parser."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.web.atom import entry_date

from .conftest import make_corpus

ARTICLES = {
    "old": "Harbour strike begins\n\nThe harbour strike began at dawn & went on.\n",
    "old.json": {
        "title": "Harbour strike begins",
        "outlet": "Coast News",
        "published": "2025-01-05",
        "authors": ["Ann Ripley"],
    },
    "new": "Harbour strike ends\n\nThe <harbour> strike ended after talks.\n",
    "new.json": {
        "title": "Harbour strike ends",
        "outlet": "Port Daily",
        "published": "2025-03-09T14:30:00+01:00",
        "url": "https://example.org/new",
    },
    "undated": "Harbour history\n\nA harbour has stood here for centuries.\n",
    "undated.json": {"title": "Harbour history"},
    "other": "Farm report\n\nThe harvest was late.\n",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("feed")
    rebuild_index(make_corpus(root, ARTICLES), root / "index")
    app = create_app({"INDEX_DIR": str(root / "index"), "TESTING": True})
    yield app.test_client()
    app.extensions["searchapp.live"].close()


def parse(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")  # well-formed, no parser complaints
    assert feed.version == "atom10"
    return feed


def test_feed_lists_matches_newest_first_with_their_fields(client):
    feed = parse(client, "/search.atom?q=harbour&sort=relevance")
    assert feed.feed.title == "searchapp: harbour"
    assert feed.feed.link == "http://localhost/search?q=harbour&sort=date"
    assert [e.title for e in feed.entries] == [
        "Harbour strike ends",
        "Harbour strike begins",
        "Harbour history",  # undated articles come last
    ]
    new, old, undated = feed.entries
    assert new.link == "http://localhost/articles/new?q=harbour"
    assert new.published_parsed[:5] == (2025, 3, 9, 13, 30)  # in UTC
    assert old.published_parsed[:3] == (2025, 1, 5)
    assert new.tags[0].term == "Port Daily" and old.tags[0].term == "Coast News"
    assert old.author == "Ann Ripley"
    assert new.summary == "The <harbour> strike ended after talks."  # plain text, unescaped
    assert "published" not in undated and undated.updated_parsed  # dated by the build
    assert len({e.id for e in feed.entries}) == 3


def test_feed_keeps_the_filters(client):
    feed = parse(client, "/search.atom?q=harbour&outlet=Coast+News")
    assert [e.title for e in feed.entries] == ["Harbour strike begins"]
    assert feed.feed.link == "http://localhost/search?q=harbour&outlet=Coast+News&sort=date"


def test_empty_query_feeds_the_newest_articles(client):
    feed = parse(client, "/search.atom?q=")
    assert feed.feed.title == "searchapp: newest articles"
    assert len(feed.entries) == 4


def test_feed_with_no_matches_is_still_a_valid_feed(client):
    feed = parse(client, "/search.atom?q=zeppelin")
    assert feed.entries == [] and feed.feed.updated_parsed


def test_results_page_announces_the_feed(client):
    html = client.get("/search?q=harbour&outlet=Coast+News&sort=date").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Newest articles for “harbour”"'
        ' href="/search.atom?q=harbour&amp;outlet=Coast+News">'
    ) in html


def test_bad_parameter_is_a_400_page(client):
    response = client.get("/search.atom?q=harbour&from=yesterday")
    assert response.status_code == 400
    assert "from must be a date" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2025-03-09", datetime(2025, 3, 9, tzinfo=UTC)),  # a bare date: midnight UTC
        ("2025-03-09T10:00:00", datetime(2025, 3, 9, 10, tzinfo=UTC)),  # naive: UTC
        ("2025-03-09T10:00:00+02:00", datetime(2025, 3, 9, 8, tzinfo=UTC)),
        (None, datetime(2000, 1, 1, tzinfo=UTC)),  # undated: the fallback
        ("not a date", datetime(2000, 1, 1, tzinfo=UTC)),
    ],
)
def test_entry_date(published, expected):
    assert entry_date(published, datetime(2000, 1, 1, tzinfo=UTC)) == expected
