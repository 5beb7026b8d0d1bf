"""CSV and JSON Lines exports: columns, the spreadsheet guard, same matches as the API."""

from __future__ import annotations

import csv
import gc
import io
import json
import random
import tracemalloc
from contextlib import ExitStack, contextmanager

import pytest

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.model import SearchRequest
from searchapp.web.export import COLUMNS, csv_chunks, plain_text, spreadsheet_safe

from .conftest import ENGINES, make_corpus
from .server_helpers import VOCABULARY
from .sphinx_helpers import cluster_app

# Enough rows that keeping them all shows: streaming peaked at 0.36 of keeping them at 2,500
# rows on both engines (0.30 at 4,000, 0.41 at 2,000); 4,000 took a minute of the suite.
ROWS = 2_500

ARTICLES = {
    "formula": "Harbour strike\n\nThe harbour strike went on. Dockers met at the gate.\n",
    "formula.json": {
        "title": '=HYPERLINK("http://evil.example","click")',
        "outlet": "+Plus Daily",
        "authors": ["@Ann Evil", "Bob Plain"],
        "published": "2025-03-02",
        "url": "https://example.org/formula",
    },
    "minus": "Harbour pilots walk out\n\n-5 degrees and a harbour strike, said the union.\n",
    "minus.json": {"outlet": "Coast News", "published": "2025-03-05"},
    "quiet": "Harbour festival\n\nThe harbour festival drew <crowds> & music.\n",
    "quiet.json": {"outlet": "Coast News", "published": "2025-02-01"},
    "other": "Farm report\n\nThe harvest was late this year.\n",
}


@contextmanager
def whoosh_app(corpus, index_dir):
    rebuild_index(corpus, index_dir)
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    try:
        yield app
    finally:
        app.extensions["searchapp.live"].close()


class Apps:
    """The app over one corpus for each engine, built on first use, closed with the module."""

    def __init__(self, corpus) -> None:
        self.corpus = corpus
        self.made: dict = {}
        self.stack = ExitStack()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def __getitem__(self, engine: str):
        if engine not in self.made:
            serve = whoosh_app if engine == "whoosh" else cluster_app
            folder = self.corpus.parent / engine
            self.made[engine] = self.stack.enter_context(serve(self.corpus, folder))
        return self.made[engine]


@pytest.fixture(scope="module")
def small_apps(tmp_path_factory):
    with Apps(make_corpus(tmp_path_factory.mktemp("export"), ARTICLES)) as apps:
        yield apps


@pytest.fixture(params=ENGINES)
def small(request, small_apps):
    """A test client over ARTICLES, once per engine."""
    return small_apps[request.param].test_client()


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+2", "'=1+2"),  # a formula
        ("+44 20 7946 0000", "'+44 20 7946 0000"),  # read as a formula by Excel
        ("-5 degrees", "'-5 degrees"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),  # Excel strips leading tabs, then sees the formula
        ("\r=1", "'\r=1"),
        ("Harbour = port", "Harbour = port"),  # only the first character counts
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_spreadsheet_safe(cell, safe):
    assert spreadsheet_safe(cell) == safe


def test_plain_text_drops_marks_and_unescapes():
    assert (
        plain_text("… the <mark>harbour</mark> &amp; &lt;gate&gt; …") == "… the harbour & <gate> …"
    )


def test_csv_has_the_columns_and_guards_formulas(small):
    response = small.get("/search.csv?q=harbour")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="searchapp-harbour.csv"'
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = csv_rows(text)
    assert response.headers["X-Total-Count"] == str(len(rows)) == "3"
    by_id = {row["id"]: row for row in rows}
    formula = by_id["formula"]
    assert formula["title"].startswith("'=HYPERLINK(")
    assert formula["outlet"] == "'+Plus Daily"
    assert formula["authors"] == "'@Ann Evil; Bob Plain"
    assert formula["published"].startswith("2025-03-02")
    assert formula["url"] == "https://example.org/formula"
    assert float(formula["score"]) > 0
    assert "<mark>" not in formula["snippet"] and "harbour strike" in formula["snippet"]
    assert by_id["minus"]["snippet"].startswith("'-5 degrees")
    assert by_id["quiet"]["snippet"] == "The harbour festival drew <crowds> & music."
    for row in rows:  # no cell a spreadsheet would run
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_jsonl_keeps_the_text_as_indexed(small):
    response = small.get("/search.jsonl?q=harbour")
    assert response.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [tuple(r) for r in records] == [COLUMNS] * 3
    formula = next(r for r in records if r["id"] == "formula")
    assert formula["title"].startswith("=HYPERLINK(")  # no spreadsheet reads JSON Lines
    assert formula["authors"] == ["@Ann Evil", "Bob Plain"]
    other = small.get("/search.jsonl?q=harvest").get_data(as_text=True)
    assert json.loads(other)["outlet"] is None and json.loads(other)["published"] is None


@pytest.mark.parametrize(
    "query",
    [
        "q=harbour",
        "q=harbour&sort=date",
        "q=harbour&outlet=Coast+News",
        "q=harbour&from=2025-03-01",
        "q=",  # browsing: every article, newest first
        "q=harbour+festivals+nothing",  # no article has all: relaxed to any, as the page is
    ],
)
def test_export_rows_are_the_api_results_in_order(small, query):
    api = small.get(f"/api/search?{query}&per_page=100").get_json()
    exported = csv_rows(small.get(f"/search.csv?{query}").get_data(as_text=True))
    assert [r["id"] for r in exported] == [h["id"] for h in api["results"]]
    assert len(exported) == api["total"] > 0
    lines = small.get(f"/api/search?{query}&format=jsonl").get_data(as_text=True).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [h["id"] for h in api["results"]]


def test_api_format_csv_is_the_page_download(small):
    page = small.get("/search.csv?q=harbour&sort=date").get_data()
    api = small.get("/api/search?q=harbour&sort=date&format=csv").get_data()
    assert page == api


def test_export_ignores_paging(small):
    rows = csv_rows(small.get("/search.csv?q=harbour&per_page=1&page=2").get_data(as_text=True))
    assert len(rows) == 3


def test_bad_parameters(small):
    problem = small.get("/api/search?q=harbour&format=xml")
    assert problem.status_code == 400 and problem.get_json()["param"] == "format"
    page = small.get("/search.csv?q=harbour&sort=size")
    assert page.status_code == 400
    assert "sort must be one of" in page.get_data(as_text=True)


def test_no_matches_is_just_the_header(small):
    text = small.get("/search.csv?q=zeppelin").get_data(as_text=True)
    assert text.splitlines() == [",".join(COLUMNS)]
    assert small.get("/search.jsonl?q=zeppelin").get_data() == b""


def test_results_page_links_the_downloads(small):
    html = small.get("/search?q=harbour&outlet=Coast+News&page=1").get_data(as_text=True)
    assert 'href="/search.csv?q=harbour&amp;outlet=Coast+News" download>CSV' in html
    assert 'href="/search.jsonl?q=harbour&amp;outlet=Coast+News" download>JSON Lines' in html


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_export_stops_at_the_cap(small, sort):
    surface, live = engine_of(small)
    request = SearchRequest(q="harbour", sort=sort)
    capped = surface.export(live, request, cap=2)
    assert (capped.total, capped.rows) == (3, 2)
    assert [h.id for h in capped.hits] == [h.id for h in surface.search(live, request).hits][:2]


def engine_of(client):
    """(the engine surface, its handle) answering a test client's app."""
    extensions = client.application.extensions
    return extensions["searchapp.engine"], extensions["searchapp.live"]


@pytest.fixture(scope="module")
def many_apps(tmp_path_factory):
    """Apps over ROWS short generated articles, each holding "harbour"."""
    corpus = tmp_path_factory.mktemp("export-many") / "corpus"
    corpus.mkdir()
    rng = random.Random(7)
    for n in range(ROWS):
        words = " ".join(rng.choice(VOCABULARY) for _ in range(30))
        text = f"Harbour report {n}\n\nThe harbour {words}.\n"
        (corpus / f"a{n:05d}.txt").write_text(text, encoding="utf-8")
    with Apps(corpus) as apps:
        yield apps


@pytest.fixture(params=ENGINES)
def many_rows(request, many_apps):
    """(engine surface, handle) over ROWS articles, once per engine."""
    return engine_of(many_apps[request.param].test_client())


def peak_bytes(work) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_thousands_of_rows_stream_in_bounded_memory(many_rows):
    """Streaming thousands of rows holds their order, not the rows.

    The baseline, measured in the same run, is the same export kept in memory (a list of
    its hits): streaming must peak at well under half of it. (Relevance order, whose heap
    holds every match; tracemalloc makes each pass several times slower, so one sort.)
    """
    surface, live = many_rows
    request = SearchRequest(q="harbour")
    lines = []

    def stream():
        result = surface.export(live, request)
        lines.extend(chunk.count("\n") for chunk in csv_chunks(result.hits))

    def keep_all():
        keep_all.hits = list(surface.export(live, request).hits)

    list(surface.export(live, request, cap=500).hits)  # warm the searcher and caches
    streamed = peak_bytes(stream)
    kept = peak_bytes(keep_all)
    assert sum(lines) == ROWS + 1  # the header and every article
    assert len(keep_all.hits) == ROWS
    print(f"{ROWS:,}-row export: streamed peak {streamed:,} B, kept in memory {kept:,} B")
    assert streamed < kept / 2, (streamed, kept)


@pytest.mark.parametrize(
    "query", ["q=harbour&sort=date", "q=&sort=date", "q=harbour+strike+OR+festival&sort=date"]
)
def test_both_engines_export_the_same_rows(small_apps, query):
    """Newest first, both engines give the same rows: ids, metadata and snippets."""
    whoosh, sphinx = (
        [
            json.loads(line) | {"score": None}  # each engine scores on its own scale
            for line in app.test_client().get(f"/search.jsonl?{query}").text.splitlines()
        ]
        for app in (small_apps["whoosh"], small_apps["sphinxql"])
    )
    assert whoosh and whoosh == sphinx
