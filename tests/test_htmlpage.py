"""Tests for searchapp.ingest.htmlpage: metadata sources, fallbacks, main text, hostile input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from searchapp.ingest import htmlpage
from searchapp.ingest.htmlmeta import normalise_date
from searchapp.ingest.htmlpage import HtmlPage, extract_html

DATA = Path(__file__).parent / "data" / "html"
REPO = Path(__file__).resolve().parents[1]
BENCHMARK = REPO.parent / "shared" / "data" / "article-extraction-benchmark"
sys.path.insert(0, str(REPO / "bench"))

import extraction  # noqa: E402  (bench/extraction.py: the benchmark's own scoring)
import extraction_sets  # noqa: E402  (bench/extraction_sets.py: the sets' loaders)

# Enough prose that the main-text extractor accepts the page as an article.
BODY = "".join(
    f"<p>Paragraph {n} of the story goes on about the harbour, the weather and the council's "
    f"plans for the river front, in enough words to read as prose.</p>"
    for n in range(1, 5)
)


def page(head: str = "", body: str = BODY) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


@pytest.fixture(scope="module")
def article() -> HtmlPage:
    return extract_html((DATA / "article.html").read_text(encoding="utf-8"))


# --- metadata: one row per source ----------------------------------------------------------

META_ROWS = [
    # (field, head markup, expected)
    ("title", '<meta property="og:title" content="Bridge reopens">', "Bridge reopens"),
    ("title", "<title>Bridge reopens</title>", "Bridge reopens"),
    ("authors", '<meta name="author" content="Mara Lind">', ("Mara Lind",)),
    ("authors", '<meta name="author" content="By Mara Lind">', ("Mara Lind",)),  # no "By "
    (
        "authors",
        '<meta name="author" content="Mara Lind and Tomas Berg">',
        ("Mara Lind", "Tomas Berg"),
    ),
    ("authors", '<meta property="article:author" content="Mara Lind">', ("Mara Lind",)),
    # article:author is often a profile URL: not a name
    ("authors", '<meta property="article:author" content="https://facebook.com/mara">', ()),
    (
        "authors",
        ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Mara Lind"}}),
        ("Mara Lind",),
    ),
    ("authors", ld({"@type": "NewsArticle", "author": "Mara Lind"}), ("Mara Lind",)),
    # the same person in two sources is one author
    (
        "authors",
        '<meta name="author" content="Mara Lind">' + ld({"author": {"name": "MARA LIND"}}),
        ("Mara Lind",),
    ),
    (
        "published",
        '<meta property="article:published_time" content="2025-07-13T10:00:00Z">',
        "2025-07-13T10:00:00+00:00",
    ),
    ("published", '<meta name="date" content="2025-07-13">', "2025-07-13"),
    (
        "published",
        '<meta name="pubdate" content="2025-07-13T10:00:00-0400">',
        "2025-07-13T10:00:00-04:00",
    ),
    ("published", '<meta name="DC.date" content="2025/07/13">', "2025-07-13"),
    (
        "published",
        ld({"@type": "NewsArticle", "datePublished": "2025-07-13T10:00"}),
        "2025-07-13T10:00:00",
    ),
    ("published", '<meta name="date" content="not a date">', None),
    ("url", '<link rel="canonical" href="https://news.example/a">', "https://news.example/a"),
    ("url", '<meta property="og:url" content="https://news.example/a">', "https://news.example/a"),
    # canonical wins over og:url, which often carries tracking parameters
    (
        "url",
        '<meta property="og:url" content="https://news.example/a?ref=x">'
        '<link rel="canonical" href="/a">',
        "https://news.example/a",
    ),
    ("outlet", '<meta property="og:site_name" content="Gazette">', "Gazette"),
    (
        "outlet",
        ld({"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Gazette"}}),
        "Gazette",
    ),
    ("outlet", '<meta name="application-name" content="Gazette">', "Gazette"),
    ("description", '<meta property="og:description" content="A lead.">', "A lead."),
    ("description", '<meta name="description" content="A lead.">', "A lead."),
    # credentials, domains and the outlet are not authors
    ("authors", '<meta name="author" content="Ilana Marsh, MS, RDN">', ("Ilana Marsh",)),
    ("authors", '<meta name="author" content="Troy Smith, Gazette.com">', ("Troy Smith",)),
    (
        "authors",
        '<meta property="og:site_name" content="Gazette"><meta name="author" content="Gazette">',
        (),
    ),
    ("authors", '<meta name="author" content="admin">', ()),
    # JSON-LD that does not parse is ignored, not an error
    ("authors", '<script type="application/ld+json">{"author": </script>', ()),
]


@pytest.mark.parametrize(("field", "head", "expected"), META_ROWS)
def test_metadata_source(field: str, head: str, expected: object) -> None:
    assert getattr(extract_html(page(head)), field) == expected


def test_published_from_time_element() -> None:
    body = (
        '<time datetime="2025-07-01">1 July</time>'
        '<time pubdate datetime="2025-07-13">13 July</time>' + BODY
    )
    assert extract_html(page(body=body)).published == "2025-07-13"


def test_json_ld_graph_and_author_list() -> None:
    graph = {
        "@graph": [
            {"@type": "WebSite", "name": "Gazette"},
            {"@type": "NewsArticle", "author": [{"name": "Mara Lind"}, {"name": "Tomas Berg"}]},
        ]
    }
    assert extract_html(page(ld(graph))).authors == ("Mara Lind", "Tomas Berg")


def test_byline_element_when_markup_names_nobody() -> None:
    body = '<p class="article-byline">By <a rel="author" href="/m">Mara Lind</a></p>' + BODY
    assert extract_html(page(body=body)).authors == ("Mara Lind",)


# --- title fallbacks -----------------------------------------------------------------------

SITE = '<meta property="og:site_name" content="Gazette">'
TITLE_ROWS = [
    # (head, body prefix, expected)
    ('<meta property="og:title" content="From og"><title>From title</title>', "", "From og"),
    ("<title>Bridge reopens | Gazette</title>" + SITE, "", "Bridge reopens"),
    ("<title>Bridge reopens - The Gazette</title>" + SITE, "", "Bridge reopens"),
    ("<title>Bridge reopens \u2014 Gazette</title>" + SITE, "", "Bridge reopens"),
    # no site name in the markup: the URL's host names the site
    (
        '<title>Bridge reopens | Gazette</title><link rel="canonical" href="https://www.gazette.example/a">',
        "",
        "Bridge reopens",
    ),
    # a suffix that does not name the site is part of the headline
    ("<title>Rivals - friends at last</title>" + SITE, "", "Rivals - friends at last"),
    ("", "<h1>From the h1</h1>", "From the h1"),
    ("", "", None),
]


@pytest.mark.parametrize(("head", "prefix", "expected"), TITLE_ROWS)
def test_title_fallbacks(head: str, prefix: str, expected: str | None) -> None:
    assert extract_html(page(head, prefix + BODY)).title == expected


# --- dates ---------------------------------------------------------------------------------

DATE_ROWS = [
    ("2025-07-13", "2025-07-13"),
    ("2025-07-13T10:00:00Z", "2025-07-13T10:00:00+00:00"),
    ("2025-07-13T10:00:00.123+02:00", "2025-07-13T10:00:00+02:00"),  # fractions dropped
    ("2025-07-13 10:00", "2025-07-13T10:00:00"),
    ("Sun, 13 Jul 2025 10:00:00 GMT", "2025-07-13T10:00:00+00:00"),  # RFC 2822
    ("2025-13-45", None),
    ("yesterday", None),
]


@pytest.mark.parametrize(("raw", "expected"), DATE_ROWS)
def test_normalise_date(raw: str, expected: str | None) -> None:
    assert normalise_date(raw) == expected


# --- main text -----------------------------------------------------------------------------


def test_fixture_metadata(article: HtmlPage) -> None:
    assert article.title == "Harbour bridge reopens after two years of repairs"
    assert article.authors == ("Mara Lind", "Tomas Berg")
    assert article.published == "2025-07-13T10:00:00+00:00"
    assert article.url == "https://gazette.example/news/bridge-reopens"
    assert article.outlet == "Lakeside Gazette"
    assert (
        article.description
        == "The old harbour bridge carries traffic again after a two-year refit."
    )


@pytest.mark.parametrize(
    "furniture",
    [
        "Lakeside Gazette home",  # header
        "News desk",  # nav
        "Search the archive",  # form
        "Ferry timetable",  # aside
        "All rights reserved",  # footer
        "font-family",  # style
        "trackingPixel",  # script inside the article body
        "dataLayer",
    ],
)
def test_main_text_drops_furniture(article: HtmlPage, furniture: str) -> None:
    assert furniture not in article.text


def test_main_text_shape(article: HtmlPage) -> None:
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The old harbour bridge opened")
    assert "What the repairs cost" in paragraphs  # a heading is its own paragraph
    assert "- New cables on the eastern span\n- A resurfaced deck with a cycle lane" in article.text
    assert article.headings == ("What the repairs cost", "What comes next")
    # the headline is the title field, not the first line of the text
    assert not article.text.startswith("Harbour bridge")


def test_split_body_keeps_every_chunk() -> None:
    # the article cut into look-alike containers around an ad, as some sites serve it
    html = (DATA / "split_body.html").read_text(encoding="utf-8")
    text = extract_html(html).text
    for opening in ("The first chunk", "The second chunk", "The third chunk"):
        assert opening in text
    assert "Advertisement" not in text
    assert "More from the desk" not in text  # a teaser list between the chunks


def test_split_body_repair_adds_look_alike_chunks() -> None:
    # trafilatura keeps the first chunk only on some real pages; the repair finds the rest
    tree = htmlpage._parse((DATA / "split_body.html").read_text(encoding="utf-8"))
    first = [b for b in htmlpage._html_blocks(tree.body) if b[1].startswith("The first chunk")]
    repaired = htmlpage._add_split_body(tree, first)
    assert [text[:16] for _, text in repaired] == ["The first chunk,"] * 3 + [
        "The second chunk"
    ] * 3 + ["The third chunk,"] * 3


# --- hostile input -------------------------------------------------------------------------

BROKEN_ROWS = [
    "",
    "   \n\t ",
    "plain text, no markup at all",
    "<html><body><p>unclosed <b>tags <div></p></i>",
    "<<<>>>&&&;;",
    "\x00\x01\x02binary\xff\xfe junk\x00",
    "\ufeff<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
    "http://example.com/looks-like-a-url",  # bs4 would warn MarkupResemblesLocator
    '<?xml version="1.0"?><rss><channel><item><title>x</title></item></channel></rss>',
    "<html><head><title>Only a title</title></head></html>",
    "<p>" * 5000,  # deep nesting
    page(ld({"author": [None, 3, {"name": 7}], "datePublished": 20250713})),
]


@pytest.mark.parametrize("html", BROKEN_ROWS)
def test_hostile_input_does_not_raise(html: str) -> None:
    result = extract_html(html)
    assert isinstance(result, HtmlPage)
    assert isinstance(result.text, str)


@pytest.mark.parametrize("junk", ["", "plain text, no markup", "\x00\x01\xff\xfe binary", "a < b"])
def test_input_without_markup_is_empty_page(junk: str) -> None:
    assert extract_html(junk) == HtmlPage(None, (), None, None, None, None, "", ())


# --- benchmark -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not BENCHMARK.is_dir(), reason=f"benchmark data not found at {BENCHMARK}")
def test_benchmark_f1() -> None:
    pages = extraction_sets.load_set("aeb", BENCHMARK)
    counts = [extraction.tp_fp_fn(p.truth, extract_html(p.html).text) for p in pages]
    # trafilatura alone scores about 0.96 here; falling below means a regression
    assert extraction.score(counts)["f1"] > 0.96


def test_another_extractors_html_is_read_as_blocks() -> None:
    # readability-lxml's answer is HTML: its lines, headings and lists become our blocks,
    # scripts say nothing, and text straight inside a <div> (split by <br>) is kept.
    fragment = (
        "<div><h2>The talks</h2><p>The minister <b>said</b> the talks went well.</p>"
        "<script>var tracking = 1;</script>"
        "<ul><li>Geneva</li><li>Monday</li></ul>"
        "<div>A line in a div<br>and the next line</div></div>"
    )
    tree = htmlpage._parse(fragment)
    assert htmlpage._text_blocks(tree) == [
        ("h2", "The talks"),
        ("p", "The minister said the talks went well."),
        ("list", "- Geneva\n- Monday"),
        ("p", "A line in a div"),
        ("p", "and the next line"),
    ]
