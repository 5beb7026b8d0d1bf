"""The per-request time budget: a search past it stops with a clear 503, at any step."""

from __future__ import annotations

import time

import pytest

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.engine import budget
from searchapp.engine.budget import QueryTooExpensiveError, time_budget

from .conftest import make_corpus

# More matches than search.BUDGET_EVERY, so the scoring and collecting loops look at the
# budget at least once.
ARTICLES = {
    f"h{i:03d}": f"Harbour report {i}: the ferry ran late after the storm on the island."
    for i in range(150)
} | {f"h{i:03d}.json": {"outlet": "Harbour News"} for i in range(150)}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("budget")
    corpus = make_corpus(root, ARTICLES)
    rebuild_index(corpus, root / "index")
    app = create_app({"INDEX_DIR": str(root / "index"), "CORPUS_DIR": str(corpus)})
    yield app.test_client()
    app.extensions["searchapp.live"].close()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "harbour"},  # the scoring loop
        {"q": "harbour", "sort": "date"},  # Whoosh's collector, sorted by date
        {"q": "harbour", "sort": "date", "outlet": "Harbour News"},  # ... inside a filter
        {"q": "harbor~2"},  # the fuzzy term's walk of the vocabulary
        {"q": "harb*"},  # the prefix expansion
    ],
)
def test_a_search_past_its_budget_is_a_503_query_too_expensive(client, monkeypatch, params):
    assert client.get("/api/search", query_string=params).status_code == 200
    monkeypatch.setattr(budget, "QUERY_SECONDS", 0.0)
    # A new request each time (the cache holds finished pages only, never a stopped one).
    response = client.get("/api/search", query_string={**params, "per_page": 11})
    assert response.status_code == 503, response.get_json()
    problem = response.get_json()
    assert problem["title"] == "Query too expensive" and "stopped" in problem["detail"]
    page = client.get("/search", query_string={**params, "per_page": 12})
    assert page.status_code == 503 and "Query too expensive" in page.get_data(as_text=True)
    monkeypatch.setattr(budget, "QUERY_SECONDS", 5.0)
    again = client.get("/api/search", query_string={**params, "per_page": 11})
    assert again.status_code == 200


def test_an_inner_budget_cannot_outlast_the_outer_one():
    with time_budget(0.0):
        with time_budget(60.0):
            time.sleep(0.01)
            with pytest.raises(QueryTooExpensiveError):
                budget.check()
    budget.check()  # no budget outside a request


def test_work_stops_once_the_client_is_gone_and_only_inside_stop_when():
    gone = False
    with budget.stop_when(lambda: gone):
        budget.check()  # still there
        gone = True
        with pytest.raises(budget.ClientGoneError):
            budget.check()
    budget.check()  # outside: nothing to stop


def test_an_export_stops_its_rows_when_the_client_is_gone(client):
    """a2wsgi iterates the rows on the request's thread, in the server's stop_when."""
    response = client.get("/api/search", query_string={"q": "harbour", "format": "csv"})
    rows = response.response  # the body's chunks, made as they are asked for
    first = next(iter(rows))
    assert first.startswith(b"id,title")
    with budget.stop_when(lambda: True), pytest.raises(budget.ClientGoneError):
        for _ in rows:
            pass
    response.close()
