"""CSV and JSON Lines exports: columns, the spreadsheet guard, same matches as the API."""

from __future__ import annotations

import csv
import gc
import io
import json
import random
import tracemalloc

import pytest

from searchapp import create_app, engine
from searchapp.build import rebuild_index
from searchapp.model import SearchRequest
from searchapp.web.export import COLUMNS, csv_chunks, plain_text, spreadsheet_safe

from .conftest import make_corpus
from .server_helpers import VOCABULARY

# Enough rows that keeping them all shows: streaming peaked at 0.30 of keeping them at 4,000
# rows (0.41 at 2,000), and 10,000 took a minute and a half of the suite to build.
ROWS = 4_000

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


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    index_dir = root / "index"
    rebuild_index(make_corpus(root, ARTICLES), index_dir)
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    yield app.test_client()
    app.extensions["searchapp.live"].close()


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


def test_export_stops_at_the_cap(small, app):
    live = small.application.extensions["searchapp.live"]
    request = SearchRequest(q="harbour", sort="date")
    capped = engine.export(live, request, cap=2)
    assert (capped.total, capped.rows) == (3, 2)
    assert [h.id for h in capped.hits] == [h.id for h in engine.search(live, request).hits][:2]


@pytest.fixture(scope="module")
def many_rows(tmp_path_factory, open_live_module):
    """ROWS short generated articles, each holding "harbour"."""
    root = tmp_path_factory.mktemp("export-10k")
    corpus = root / "corpus"
    corpus.mkdir()
    rng = random.Random(7)
    for n in range(ROWS):
        words = " ".join(rng.choice(VOCABULARY) for _ in range(30))
        text = f"Harbour report {n}\n\nThe harbour {words}.\n"
        (corpus / f"a{n:05d}.txt").write_text(text, encoding="utf-8")
    rebuild_index(corpus, root / "index")
    return open_live_module(root / "index")


@pytest.fixture(scope="module")
def open_live_module():
    from searchapp.engine import LiveIndex

    opened = []

    def open_(path):
        opened.append(LiveIndex(path))
        return opened[-1]

    yield open_
    for live in opened:
        live.close()


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
    request = SearchRequest(q="harbour")
    lines = []

    def stream():
        result = engine.export(many_rows, request)
        lines.extend(chunk.count("\n") for chunk in csv_chunks(result.hits))

    def keep_all():
        keep_all.hits = list(engine.export(many_rows, request).hits)

    list(engine.export(many_rows, request, cap=500).hits)  # warm the searcher and caches
    streamed = peak_bytes(stream)
    kept = peak_bytes(keep_all)
    assert sum(lines) == ROWS + 1  # the header and every article
    assert len(keep_all.hits) == ROWS
    print(f"{ROWS:,}-row export: streamed peak {streamed:,} B, kept in memory {kept:,} B")
    assert streamed < kept / 2, (streamed, kept)
