"""Hostile input: fuzzed queries and parameters, bounds, escaping, and article ids.

Whatever arrives, the answer is a 200 or a 4xx (problem+json from the API), never a 500
or a traceback, and corpus or user text never becomes markup.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchapp import create_app, engine
from searchapp.build import rebuild_index
from searchapp.engine.query import (
    MAX_DISTINCT_WORDS,
    MAX_EXCLUDED_WORDS,
    MAX_FUZZY_TERMS,
    MAX_PHRASE_WORDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MAX_WILDCARD_TERMS,
    MAX_WORD_CHARS,
)
from searchapp.model import InvalidRequestError
from searchapp.web.params import PARAMETERS

from .conftest import SHIPPED_CORPUS, make_corpus

# A payload that breaks out of text, of double- and single-quoted attributes, and runs script.
# <xss> is a tag no template uses: if it ever parses as a tag, escaping failed somewhere.
PAYLOAD = '<xss id="p">"\'><script>alert(1)</script><img src=x onerror=alert(1)>'
EVIL_BODY = f"""Evil headline {PAYLOAD}

The harbour council met on Monday. A resident wrote {PAYLOAD} in a letter about the ferry.

Councillors said the ferry timetable would change in spring, with more sailings for the harbour.

Copyright 2025 <xss>Evil</xss> "Corp" All rights reserved. {PAYLOAD}
"""
# HTML-escaped markup in a page is *text* once extracted: "<xss>" must be escaped again.
EVIL_HTML = (
    "<html><head><title>Ferry &lt;xss&gt; times</title></head><body><article>"
    "<h1>Ferry &lt;xss onmouseover=alert(1)&gt; times</h1>"
    "<p>The island ferry &lt;script&gt;alert(3)&lt;/script&gt; changes its timetable for "
    "the summer season, with extra sailings at dawn and late returns for harbour visitors.</p>"
    "<p>Tickets &quot;&gt;&lt;xss&gt; go on sale in May at the harbour office and online.</p>"
    "</article></body></html>"
)
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index): the shipped articles plus ones whose text and metadata attack."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = make_corpus(
        root,
        {
            "evil": EVIL_BODY,
            "evil.json": {
                "title": f"Title {PAYLOAD}",
                "outlet": f"Outlet {PAYLOAD}",
                "authors": [f"Author {PAYLOAD}", "Mallory \"'><xss>"],
                "url": "javascript:alert(document.cookie)",
                "published": "2025-07-01",
            },
            "evilpage.html": EVIL_HTML,
            'quote"id<xss>': "The harbour ferry ran late again on Tuesday after the storm.",
        },
    )
    for path in SHIPPED_CORPUS.iterdir():
        shutil.copy(path, corpus / path.name)
    index = root / "index"
    rebuild_index(corpus, index)
    return corpus, index


@pytest.fixture(scope="module")
def app(hostile):
    app = create_app({"INDEX_DIR": str(hostile[1]), "CORPUS_DIR": str(hostile[0])})
    yield app
    app.extensions["searchapp.live"].close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


class Markup(HTMLParser):
    """Every start tag and attribute of a page; raises nothing on odd input (by design)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """No tag or attribute that could only have come from injected text."""
    parser = Markup()
    parser.feed(html)
    parser.close()
    # The results page draws one SVG of its own: the timeline (templates/_timeline.html).
    charts = [a for t, a in parser.tags if t == "svg" and a.get("class") == "timeline__chart"]
    assert len(charts) <= 1, charts
    for tag, attrs in parser.tags:
        if tag == "svg" and attrs in charts:
            assert "data-timeline" in attrs and attrs.get("aria-hidden") == "true", attrs
        else:
            assert tag not in {"xss", "img", "iframe", "svg", "object", "embed"}, (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
    assert html.count("<html") == 1 and html.rstrip().endswith("</html>")


def assert_clean_response(response, api: bool) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:500]
    assert "Traceback" not in body and 'File "' not in body
    if 300 <= response.status_code < 400:
        return  # werkzeug's own redirect (merged slashes): a link, no app content
    if api:
        data = json.loads(body)
        if response.status_code == 200:
            assert response.mimetype == "application/json"
        else:
            assert response.mimetype == "application/problem+json"
            assert set(data) >= {"type", "title", "status", "detail"}
            assert data["status"] == response.status_code
    else:
        assert response.mimetype == "text/html"
        assert_inert(body)


# ---------------------------------------------------------------- fuzzed queries and params

FRAGMENTS = [
    '"',
    "'",
    "(",
    ")",
    "((",
    "))",
    "AND",
    "OR",
    "NOT",
    "ANDNOT",
    "ANDMAYBE",
    "-",
    "+",
    "*",
    "?",
    "~",
    "~2",
    "~99999999999999999999",
    ":",
    "title:",
    "author:",
    "outlet:",
    "colour:",
    "9:30",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\u200b",
    "\u00ad",
    "<xss>",
    "&amp;",
    "&#0;",
    "%00",
    "%2F",
    "../",
    "\\",
    "/",
    "harbour",
    "ferry",
    "Lavrov",
    "har*",
    "*bour",
    "h*",
    "ha?r",
    "ferry~2",
    '"harbour ferry"',
    "“Kim Jong Un”",
    "Russia’s",
    "—",
    "9" * 40,
    "1e309",
    "-1",
    "NaN",
    "{",
    "}",
    "[",
    "]",
    "^",
    "^3",
    "TO",
    "[a TO z]",
    "*:*",
    "\n",
    "\t",
    "\r\n",
    "ǅ",
    "ß",
    "İ",
    "ﬁ",
    "🙂",
    "\U0010ffff",
    "𝔘𝔫𝔦",
    "ZALGO̴̡̢",
    "؟",
    "中文",
]
no_surrogates = st.characters(blacklist_categories=("Cs",))
fragments = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(no_surrogates, max_size=6)), max_size=40
)
queries = st.one_of(
    st.text(no_surrogates, max_size=300),
    fragments.map(" ".join),
    fragments.map("".join),
)
junk = st.text(no_surrogates, max_size=40)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["", "1", "0", "²", "٣", "1e3", " 2 ", "0x10", "1_0", "+1", "1.5", "∞"]),
    junk,
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "2025-02-30", "2025-13-01", "20250712", "x"]),
    junk,
)
FUZZED = {
    "q": queries,
    "page": numbers,
    "per_page": numbers,
    "sort": st.sampled_from(["relevance", "date", "", "size", "DATE"]) | junk,
    "match": st.sampled_from(["all", "any", "", "some"]) | junk,
    "typos": st.sampled_from(["true", "false", "", "FALSE", "maybe"]) | junk,
    "outlet": st.sampled_from(["CNN", "38 North", f"Outlet {PAYLOAD}", "x" * 201]) | junk,
    "author": st.sampled_from(["Will Ripley", f"Author {PAYLOAD}", ","]) | junk,
    "year": st.sampled_from(["2025", "0000", "9999", "٢٠٢٥", "20255"]) | junk,
    "from": dates,
    "to": dates,
    "speaker": st.sampled_from(["Sergey Lavrov", f"Speaker {PAYLOAD}", "x" * 201]) | junk,
    "lang": st.sampled_from(["en", "DE", "deu", "ñ", ""]) | junk,
    "collapse": st.sampled_from(["true", "false", "0", "maybe"]) | junk,
    "group": st.sampled_from(["story", "outlet", ""]) | junk,
    "variants": st.sampled_from(["true", "false", "off", "x"]) | junk,
}
params = st.fixed_dictionaries(
    {"q": queries}, optional={k: v for k, v in FUZZED.items() if k != "q"}
)


@SETTINGS
@given(args=params)
def test_api_search_never_fails(client, args):
    response = client.get("/api/search", query_string=args)
    assert_clean_response(response, api=True)
    if response.status_code == 200:
        data = response.get_json()
        assert data["total"] >= len(data["results"]) and data["query"] == args["q"]
        for hit in data["results"]:
            assert all("<xss" not in s and "<script" not in s for s in hit["snippets"])
    else:
        assert response.status_code == 400
        assert response.get_json()["param"] in params_names()


def params_names() -> set[str]:
    return {p.name for p in PARAMETERS}


def test_the_fuzzing_covers_every_parameter():
    assert set(FUZZED) == params_names()


@SETTINGS
@given(args=params)
def test_results_page_never_fails(client, args):
    response = client.get("/search", query_string=args)
    assert response.status_code in (200, 400)
    assert_clean_response(response, api=False)


@SETTINGS
@given(args=params)
def test_search_function_answers_or_refuses(app, args):
    """The plain function: a ResultPage or InvalidRequestError, nothing else."""
    from searchapp.web.params import search_request

    live = app.extensions["searchapp.live"]
    try:
        page = engine.search(live, search_request(args))
    except InvalidRequestError as error:
        assert error.param in params_names() and str(error)
        return
    assert page.total >= len(page.hits) and page.request.q == args["q"]


article_ids = st.one_of(
    st.text(no_surrogates, min_size=1, max_size=60),
    st.sampled_from(
        ["../secret", "../../secret.txt", "..", ".", "/etc/passwd", "%2e%2e%2fsecret", "a\x00b",
         "\x00", "evil/../evil", "evil\x00.txt", "C:\\secret", "~", "*", "evi*", "evil ", " evil"]
    ),
)  # fmt: skip


@contextmanager
def opened_files():
    """Record every path the process opens while the block runs."""
    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        seen.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path, *args, **kwargs):
        seen.append(str(path))
        return real_os_open(path, *args, **kwargs)

    builtins.open, os.open = spy_open, spy_os_open
    try:
        yield seen
    finally:
        builtins.open, os.open = real_open, real_os_open


@SETTINGS
@given(article_id=article_ids)
def test_article_ids_cannot_escape(client, hostile, article_id):
    secret = hostile[1].parent / "secret.txt"
    secret.write_text("TOP SECRET")
    known = {p.stem for p in hostile[0].iterdir() if p.suffix != ".json"}
    with opened_files() as seen:
        for prefix in ("/articles/", "/api/articles/"):
            for suffix in ("", "/related") if prefix.startswith("/api") else ("",):
                response = client.get(prefix + quote(article_id, safe="") + suffix)
                expected = 200 if article_id in known else 404
                assert response.status_code in (expected, 404, 308), response.status_code
                if response.status_code == 308:  # "a//b" is merged to "a/b": same site only
                    assert response.location.startswith(("/", "http://localhost/"))
                assert_clean_response(response, api=prefix.startswith("/api"))
                assert b"TOP SECRET" not in response.data
    assert not [p for p in seen if "secret" in p or p.startswith(str(hostile[0]))]


@pytest.mark.parametrize(
    "path",
    ["/articles/..%2F..%2Fsecret.txt", "/articles/%2Fetc%2Fpasswd", "/articles/%00",
     "/articles/../../etc/passwd", "/api/articles/..%2Fsecret.txt", "/api/articles/%00",
     "/api/articles/%2e%2e/related", "/articles/%C0%AE%C0%AE%2F", "/static/../secret.txt",
     "/static/..%2Fsecret.txt", "/static/%2e%2e/%2e%2e/secret.txt"],
)  # fmt: skip
def test_path_tricks_are_404_without_reading_a_file(client, hostile, path):
    (hostile[1].parent / "secret.txt").write_text("TOP SECRET")
    with opened_files() as seen:
        response = client.get(path)
    assert response.status_code in (404, 308), response.status_code
    assert b"TOP SECRET" not in response.data and b"root:" not in response.data
    assert not [p for p in seen if "secret" in p or "passwd" in p]


@pytest.mark.parametrize("raw", [b"q=%ff%fe", b"q=%ED%A0%80", b"q=%C0%AE", b"page=%ff", b"q=%"])
def test_undecodable_query_strings(client, raw):
    for path in ("/api/search", "/search"):
        response = client.get(path + "?" + raw.decode("ascii"))
        assert response.status_code in (200, 400)
        assert_clean_response(response, api=path.startswith("/api"))


# ------------------------------------------------------------------------------------ bounds


def natural_query(words: int) -> str:
    text = (SHIPPED_CORPUS / "000_0094f72c2f52c878.txt").read_text(encoding="utf-8").split()
    return " ".join((text * (1 + words // len(text)))[:words])


@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_long_natural_language_queries_are_accepted(client, path):
    q = natural_query(500)
    q = (q + " " + natural_query(500))[:4000] if len(q) < 4000 else q
    assert len(q) >= 4000 or len(q.split()) >= 500
    response = client.get(path, query_string={"q": q})
    assert response.status_code == 200
    assert_clean_response(response, api=path.startswith("/api"))


@pytest.mark.parametrize(
    "q, limit",
    [
        ("a" * (MAX_QUERY_CHARS + 1), f"{MAX_QUERY_CHARS}"),
        ("ab " * (MAX_QUERY_WORDS + 1), f"{MAX_QUERY_WORDS}"),
        ("x" * 100_000, f"{MAX_QUERY_CHARS}"),  # 100 KB
        ("(" * 100_000, f"{MAX_QUERY_CHARS}"),
        ('"' * 100_000, f"{MAX_QUERY_CHARS}"),
        ("é" * 4000, f"{MAX_WORD_CHARS}"),  # one enormous word: took seconds before the bound
        # The expensive forms, each one past its limit (300 of them took 7 to 90 s).
        (" OR ".join(f"harbour{i}~2" for i in range(MAX_FUZZY_TERMS + 1)), "fuzzy"),
        (" OR ".join(f"ha{i}*" for i in range(MAX_WILDCARD_TERMS + 1)), "wildcard"),
        ("ferry " + " ".join(f"-w{i}" for i in range(MAX_EXCLUDED_WORDS + 1)), "excluded"),
        ("ferry " + " ".join(f"NOT w{i}" for i in range(MAX_EXCLUDED_WORDS + 1)), "excluded"),
        (" ".join(f"w{i}" for i in range(MAX_DISTINCT_WORDS + 1)), "different words"),
        ('"' + "oil " * (MAX_PHRASE_WORDS + 1) + '"', "phrases"),
        # ~975 distinct words once hit Python's recursion limit: a 503 "damaged index"
        (" ".join(f"w{i}" for i in range(980)), "different words"),
    ],
)
def test_queries_past_the_bounds_are_a_400_naming_the_limit(client, q, limit):
    # How long these take is measured by bench/load.py's expensive-query attack, not here.
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["param"] == "q" and limit in problem["detail"]
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 400 and limit in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "query_string, param",
    [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=1001&per_page=10", "page"),  # deeper than MAX_RESULT_DEPTH
        ("page=99999999999999999999", "page"),
        ("page=²", "page"),  # isdigit() but not int(): was a 500
        ("to=9999-12-31", "to"),  # to + 1 day overflowed: was a 500
        ("year=٢٠٢٥", "year"),
    ],
)
def test_paging_and_filter_bounds(client, query_string, param):
    response = client.get("/api/search?" + query_string)
    assert response.status_code == 400 and response.get_json()["param"] == param
    assert client.get("/search?" + query_string).status_code == 400


@pytest.fixture(scope="module")
def wide_vocabulary(tmp_path_factory):
    """An index where 'zq' starts 1,500 different words: more than a prefix may expand to."""
    root = tmp_path_factory.mktemp("wide")
    words = [f"zq{chr(97 + i // 26 // 26 % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i % 26)}x"
             for i in range(1500)]  # fmt: skip
    chunks = {f"w{i}": " ".join(words[i::5]) + ". The harbour ferry." for i in range(5)}
    corpus = make_corpus(root, chunks)
    rebuild_index(corpus, root / "index")
    app = create_app({"INDEX_DIR": str(root / "index")})
    yield app.test_client()
    app.extensions["searchapp.live"].close()


@pytest.mark.parametrize("q", ["zq*", "zq* harbour", "ZQ*", "zq???x", "*", "*ferry", "?"])
def test_wide_wildcards_are_refused_with_a_notice(wide_vocabulary, q):
    response = wide_vocabulary.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    assert response.get_json()["notice"], q
    page = wide_vocabulary.get("/search", query_string={"q": q})
    assert 'class="notice"' in page.get_data(as_text=True)


# ---------------------------------------------------------------------------------- escaping


def test_results_page_escapes_corpus_and_query_text(client):
    for q in ["harbour", PAYLOAD, f"harbuor {PAYLOAD}", "Evil", "?<xss>", "ferry"]:
        for extra in ({}, {"outlet": f"Outlet {PAYLOAD}"}, {"author": f"Author {PAYLOAD}"}):
            response = client.get("/search", query_string={"q": q, **extra})
            html = response.get_data(as_text=True)
            assert response.status_code == 200
            assert_inert(html)
    html = client.get("/search", query_string={"q": "harbour evil"}).get_data(as_text=True)
    assert "&lt;xss" in html  # the hostile title, outlet and author facet are shown, escaped


def test_every_place_text_reaches_html_is_escaped(client):
    # Facet links and titles: the evil article is in the results with its metadata.
    html = client.get("/search", query_string={"q": "resident letter"}).get_data(as_text=True)
    assert_inert(html)
    assert "Title &lt;xss" in html and "Outlet &lt;xss" in html and "Author &lt;xss" in html
    # Did-you-mean: the suggestion echoes the rest of the query.
    html = client.get("/search", query_string={"q": f"harbuor {PAYLOAD}"}).get_data(as_text=True)
    assert_inert(html)
    assert "data-suggestion" in html
    # Notice: a refused wildcard is quoted back.
    html = client.get("/search", query_string={"q": "?<xss>"}).get_data(as_text=True)
    assert_inert(html)
    assert "&#39;?&lt;xss&gt;&#39; was left out" in html or "?&lt;xss&gt;" in html
    # The error shown for a bad parameter echoes it.
    response = client.get("/search", query_string={"q": PAYLOAD, "page": PAYLOAD})
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True))
    # The article page: title, metadata, body marks, the stripped-blocks table, related.
    response = client.get("/articles/evil", query_string={"q": f"harbour {PAYLOAD}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_inert(html)
    assert "&lt;xss&gt;Evil&lt;/xss&gt;" in html  # the removed copyright block, in the table
    assert "Original page" not in html  # its javascript: URL is not linked
    assert "<mark" in html
    # An HTML page whose text holds escaped markup, and an id holding quotes and a tag.
    for path in ("/articles/evilpage", "/articles/" + quote('quote"id<xss>', safe="")):
        response = client.get(path, query_string={"q": "ferry"})
        assert response.status_code == 200
        assert_inert(response.get_data(as_text=True))
    html = client.get("/search", query_string={"q": "ferry"}).get_data(as_text=True)
    assert_inert(html)
    assert "quote%22id%3Cxss%3E" in html


def test_json_carries_text_as_data_and_snippets_escaped(client):
    response = client.get("/api/search", query_string={"q": "resident letter"})
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    data = response.get_json()
    evil = next(hit for hit in data["results"] if hit["id"] == "evil")
    assert evil["title"] == f"Title {PAYLOAD}"  # data as it is: JSON is not HTML
    for snippet in evil["snippets"]:
        assert "<xss" not in snippet and "&lt;xss" in snippet
        assert_snippet_markup_is_only_mark(snippet)
    article = client.get("/api/articles/evil").get_json()
    assert PAYLOAD in article["text"]
    assert any("<xss>" in block["text"] for block in article["removed"])
    problem = client.get("/api/search", query_string={"page": PAYLOAD})
    assert problem.mimetype == "application/problem+json"


def assert_snippet_markup_is_only_mark(snippet: str) -> None:
    parser = Markup()
    parser.feed(snippet)
    assert {tag for tag, _ in parser.tags} <= {"mark"}


def test_pages_carry_a_content_security_policy(client):
    for path in ("/", "/search?q=harbour", "/articles/evil", "/api/search"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.slow
@settings(SETTINGS, max_examples=1000)
@given(args=params)
def test_api_and_page_never_fail_long(client, args):
    assert_clean_response(client.get("/api/search", query_string=args), api=True)
    response = client.get("/search", query_string=args)
    assert response.status_code in (200, 400)
    assert_clean_response(response, api=False)
