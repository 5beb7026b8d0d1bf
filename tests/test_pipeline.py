"""Sidecar validation and Source -> Article (metadata precedence, content hash)."""

from __future__ import annotations

import pytest

from searchapp.ingest.pipeline import Source, build_article, content_hash, validate_sidecar, web_url
from searchapp.model import Article, SkippedFile

BODY = (
    "The harbour master reported that the new breakwater held firm during the storm.\n\n"
    "Repairs to the old pier will start next month, the port authority said."
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ({"title": " Storm ", "extra": 1}, {"title": "Storm"}),  # unknown keys ignored
        ({"authors": "Ann Lee"}, {"authors": ("Ann Lee",)}),  # one name as a string
        ({"authors": ["Ann Lee", " ", "Bo Chan "]}, {"authors": ("Ann Lee", "Bo Chan")}),
        ({"published": "2024-02-10T09:30:00+00:00"}, {"published": "2024-02-10T09:30:00+00:00"}),
        ({"url": None}, {}),  # null is "not given"
    ],
)
def test_validate_sidecar(raw, clean):
    assert validate_sidecar(raw) == (clean, ())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "JSON object"),
        ({"title": 3}, "'title'"),
        ({"authors": [1, 2]}, "authors"),
        ({"published": "10/02/2024"}, "ISO 8601"),
    ],
)
def test_validate_sidecar_refuses_bad_fields_one_by_one(raw, message):
    if not isinstance(raw, dict):  # not an object at all: the whole sidecar is refused
        with pytest.raises(ValueError, match=message):
            validate_sidecar(raw)
        return
    fields, [problem] = validate_sidecar(raw)
    assert fields == {} and message in problem


def source(text: str = BODY, **sidecar) -> Source:
    return Source(id="x", path="x.txt", kind="text", text=text, raw_hash="h", sidecar=sidecar)


def test_sidecar_metadata_wins():
    article = build_article(
        source(
            title="From sidecar",
            outlet="Coast Times",
            authors=("Ann Lee",),
            url="https://example.com/u",
        )
    )
    assert isinstance(article, Article)
    assert (article.title, article.outlet, article.authors, article.url) == (
        "From sidecar",
        "Coast Times",
        ("Ann Lee",),
        "https://example.com/u",
    )
    assert not article.title_derived
    assert "breakwater" in article.text and article.content_hash == "h"


def test_an_article_without_a_title_gets_a_derived_one():
    article = build_article(source())
    assert article.title and article.title_derived


def test_nothing_left_after_cleaning_is_skipped():
    result = build_article(source(text="Share\n\nSubscribe\n\nAdvertisement"))
    assert isinstance(result, SkippedFile) and result.path == "x.txt"


def test_content_hash_depends_on_every_part():
    assert content_hash(b"a", b"") != content_hash(b"a", b"{}")
    assert content_hash(b"ab", b"") != content_hash(b"a", b"b")  # parts are length-prefixed
    assert content_hash(b"a") == content_hash(b"a")


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("https://example.com/a", "https://example.com/a"),
        (" http://example.com/b ", "http://example.com/b"),
        ("javascript:alert(1)", None),  # would run script when clicked
        ("data:text/html,<script>x</script>", None),
        ("ftp://example.com/c", None),
        ("http://[::1", None),  # unparseable
        ("", None),
    ],
)
def test_only_web_urls_are_kept(raw, kept):
    assert web_url(raw) == kept
