"""The SphinxQL engine against a real cluster: same answers as Whoosh, escaping, faults."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest

from searchapp import create_app, engine
from searchapp.engine import IndexUnavailableError
from searchapp.model import SearchRequest
from tests.conftest import SHIPPED_CORPUS
from tests.sphinx_helpers import need_searchd, start_local_cluster, stop_local_cluster

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from ir_metrics import ndcg  # noqa: E402  (plain-Python nDCG, as the ranking bench uses)

JUDGED = Path(__file__).resolve().parent / "data" / "judged_queries.json"


class WhooshEngine:
    """The Whoosh surface with its handle bound, shaped like a SphinxEngine for these tests."""

    def __init__(self, live) -> None:
        self.live = live

    def search(self, request):
        return engine.search(self.live, request)


@pytest.fixture(scope="module")
def engines(shipped, sphinx_app):
    """(whoosh, sphinxql) engines over the shipped corpus."""
    return WhooshEngine(shipped), sphinx_app.extensions["searchapp.live"]


def _ids(engine, q: str, **options) -> list[str]:
    page = engine.search(SearchRequest(q=q, per_page=100, **options))
    return [hit.id for hit in page.hits]


# Each row: a query using one piece of the syntax; both engines must find the same articles.
SYNTAX = [
    "Lavrov",
    "lavrov wonsan",  # all words
    '"Kim Jong Un"',  # phrase
    "Lavr*",  # prefix
    "Lavrov -Ripley",  # exclusion
    "Lavrov NOT Kursk",
    "Kursk OR Dnieper",
    "title:Korea",  # field
    "author:Ripley",
    "outlet:CNN",
    "Lavrv~",  # fuzzy, compared as typed
    "(Kursk OR Dnieper) AND troops",
    "Who is Lavrov?",  # trailing question mark is punctuation
    '"unbalanced quote',  # bad syntax: plain words
]


@pytest.mark.parametrize("q", SYNTAX)
def test_both_engines_find_the_same_articles(engines, q):
    whoosh, sphinx = engines
    assert sorted(_ids(sphinx, q)) == sorted(_ids(whoosh, q))


@pytest.mark.parametrize("q", SYNTAX)
def test_both_engines_give_the_same_notice(engines, q):
    whoosh, sphinx = engines
    request = SearchRequest(q=q)
    assert sphinx.search(request).notice == whoosh.search(request).notice


@pytest.mark.parametrize(
    "filters",
    [
        {"outlet": "CNN"},
        {"author": "Will Ripley"},
        {"sort": "date"},
        {"match": "any"},
    ],
)
def test_filters_and_sorts_agree(engines, filters):
    whoosh, sphinx = engines
    for q in ("Lavrov", "Kim", ""):
        got, want = _ids(sphinx, q, **filters), _ids(whoosh, q, **filters)
        assert sorted(got) == sorted(want)
        if filters.get("sort") == "date" or not q:
            assert got == want  # date order, then id, exactly


def test_facets_agree(engines):
    whoosh, sphinx = engines
    for q in ("Lavrov", ""):
        assert sphinx.search(SearchRequest(q=q)).facets == whoosh.search(SearchRequest(q=q)).facets


def test_rank_agreement_on_the_judged_queries(engines):
    """The top hit agrees, and nDCG@5 against our own judgments is within 0.02 of Whoosh's."""
    whoosh, sphinx = engines
    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    figures = {}
    top_agree = 0
    for name, answering in (("whoosh", whoosh), ("sphinxql", sphinx)):
        figures[name] = {q["id"]: _ids(answering, q["text"], match="any") for q in data["queries"]}
    for q in data["queries"]:
        tops = [figures[n][q["id"]][:1] for n in figures]
        top_agree += tops[0] == tops[1]
    scores = {
        n: sum(ndcg(q["grades"], run[q["id"]], k=5) for q in data["queries"]) / len(data["queries"])
        for n, run in figures.items()
    }
    assert abs(scores["sphinxql"] - scores["whoosh"]) <= 0.02, scores
    assert top_agree >= 0.8 * len(data["queries"])


@pytest.mark.parametrize(
    "q",
    [
        "') OR 1=1 -- ",
        "lavrov'; DROP TABLE meta; --",
        "@title lavrov",  # MATCH field syntax is a word here
        "lavrov | putin",
        "lavrov MAYBE putin",
        "^lavrov$",
        "=lavrov",
        "lavrov/1",
        '"lavrov korea"~10',
        "lavrov \\",
        "lavrov << korea",
        "\x00lavrov",
    ],
)
def test_query_text_cannot_inject_sql_or_match_syntax(sphinx_app, q):
    client = sphinx_app.test_client()
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    words = response.get_json()
    plain = client.get("/api/search", query_string={"q": " ".join(w for w in q.split())})
    assert words["total"] == plain.get_json()["total"]
    # The master still holds its meta row: nothing was dropped or rewritten.
    assert client.get("/healthz").status_code == 200


def test_at_title_is_not_a_field_limit(engines):
    # In MATCH syntax "@title x" limits x to the title; here "title" is a word to find.
    whoosh, sphinx = engines
    assert sorted(_ids(sphinx, "@title lavrov")) == sorted(_ids(whoosh, "title lavrov"))


@pytest.fixture
def private_cluster(tmp_path):
    """A cluster of its own (the test stops nodes), with the shipped corpus in it."""
    need_searchd()
    from tests.sphinx_helpers import build_cluster

    layout = start_local_cluster(tmp_path / "cluster")
    try:
        build_cluster(SHIPPED_CORPUS, layout)
        app = create_app(
            {"ENGINE": "sphinxql", "SPHINX_CLUSTER": str(layout.folder), "TESTING": True}
        )
        yield layout, app
        app.extensions["searchapp.live"].close()
    finally:
        stop_local_cluster(layout)


def test_a_shard_going_down_gives_partial_results_with_a_notice(private_cluster):
    from searchapp.engine.sphinxql import cluster

    layout, app = private_cluster
    client = app.test_client()
    # variants=false: the only notice is then the one about the cluster.
    full = client.get("/api/search?q=Lavrov&variants=false").get_json()
    assert full["total"] == 5 and full["notice"] is None
    down = layout.shards[1]
    cluster.stop_node(layout, down)
    partial = client.get("/api/search?q=Lavrov&variants=false").get_json()
    assert 0 < partial["total"] < 5
    assert f"{down.host}:{down.agent_port}" in partial["notice"]
    page = client.get("/search?q=Lavrov").get_data(as_text=True)
    assert "did not answer" in page
    # A download cannot carry the notice, and would silently miss that shard's articles.
    export = client.get("/api/search?q=Lavrov&format=csv")
    assert export.status_code == 503
    assert f"{down.host}:{down.agent_port}" in export.get_json()["detail"]
    assert client.get("/search.jsonl?q=Lavrov").status_code == 503
    cluster.start_node(layout, down)
    again = client.get("/api/search?q=Lavrov&variants=false").get_json()
    assert again["total"] == 5 and again["notice"] is None
    assert len(client.get("/search.jsonl?q=Lavrov").get_data(as_text=True).splitlines()) == 5


def test_the_whole_cluster_down_is_a_503_naming_what_to_start(private_cluster):
    from searchapp.engine.sphinxql import cluster

    layout, app = private_cluster
    client = app.test_client()
    assert client.get("/api/search?q=Lavrov").status_code == 200
    cluster.stop_cluster(layout)
    for path in (
        "/api/search?q=Lavrov",
        "/api/search?q=Lavrov&format=jsonl",
        "/api/articles/000_0094f72c2f52c878",
        "/api/suggest?q=la",
    ):
        response = client.get(path)
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert "start.sh" in response.get_json()["detail"]
    assert client.get("/search?q=Lavrov").status_code == 503
    assert client.get("/healthz").status_code == 503
    cluster.start_cluster(layout)
    assert client.get("/api/search?q=Lavrov").status_code == 200


def test_rebuild_while_serving_never_fails_a_request(private_cluster):
    from tests.sphinx_helpers import build_cluster

    layout, app = private_cluster
    before = app.test_client().get("/healthz").get_json()["generation"]
    stop = threading.Event()
    seen: list[tuple[int, int, str | None]] = []

    def read() -> None:
        client = app.test_client()
        while not stop.is_set():
            response = client.get("/api/search?q=Lavrov")
            body = response.get_json()
            seen.append((response.status_code, body.get("total", -1), body.get("notice")))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        build_cluster(SHIPPED_CORPUS, layout)
    finally:
        stop.set()
        reader.join()
    assert seen
    assert all(status == 200 for status, _, _ in seen), seen
    # Whole results, or partial ones that say so while a shard restarts to load its IDF.
    assert all(total == 5 or "did not answer" in (notice or "") for _, total, notice in seen)
    assert app.test_client().get("/healthz").get_json()["generation"] != before


def test_a_cluster_with_no_build_names_the_command(tmp_path):
    need_searchd()
    layout = start_local_cluster(tmp_path / "empty", shards=1)
    try:
        app = create_app({"ENGINE": "sphinxql", "SPHINX_CLUSTER": str(layout.folder)})
        engine = app.extensions["searchapp.live"]
        with pytest.raises(IndexUnavailableError, match="rebuild-index --engine sphinxql"):
            engine.search(SearchRequest(q="x"))
        engine.close()
    finally:
        stop_local_cluster(layout)


WILDCARD_CORPUS = {
    "one": "Ferry sinks\n\nA ferry sank near the port of Calais.",
    "two": "Berry harvest\n\nThe berry harvest was poor this year.",
    "three": "Fairy festival\n\nA fairy festival opened in Odense.",
    "four": "Ferries strike\n\nThe ferries stopped running during the strike.",
    "five": "Market report\n\nMarkets rallied as marketing budgets grew.",
}


@pytest.fixture(scope="module")
def wildcard_apps(tmp_path_factory):
    """(Whoosh app, cluster app) over WILDCARD_CORPUS, built once for every pattern."""
    from searchapp.build import rebuild_index
    from tests.conftest import make_corpus
    from tests.sphinx_helpers import cluster_app

    root = tmp_path_factory.mktemp("wildcards")
    corpus = make_corpus(root, WILDCARD_CORPUS)
    rebuild_index(corpus, root / "index")
    whoosh = create_app({"INDEX_DIR": str(root / "index"), "TESTING": True})
    try:
        with cluster_app(corpus, root / "cluster") as sphinx:
            yield whoosh, sphinx
    finally:
        whoosh.extensions["searchapp.live"].close()


@pytest.mark.parametrize("q", ["fer?y", "fe*y", "title:fe?ry", "fer?ies", "fa?ry", "mark?ts"])
def test_mid_word_wildcards_match_as_in_whoosh(wildcard_apps, q):
    # searchd alone matched "fer?y" against the words as indexed: "ferry", not "ferries".
    whoosh, sphinx = wildcard_apps

    def ids(app):
        body = app.test_client().get("/api/search", query_string={"q": q}).get_json()
        return sorted(hit["id"] for hit in body["results"]), body.get("notice")

    expected = ids(whoosh)
    assert expected[0], f"{q!r} finds nothing on Whoosh either"
    assert ids(sphinx) == expected
