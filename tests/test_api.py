"""The JSON API contract: shapes, errors as problem+json, and the OpenAPI document."""

from __future__ import annotations

import jsonschema
import pytest

from searchapp import create_app

ARTICLE = "000_0094f72c2f52c878"


@pytest.fixture
def client(any_client):
    """Every contract test here runs against both engines."""
    return any_client


@pytest.fixture(scope="module")
def openapi(app):
    return app.test_client().get("/api/openapi.json").get_json()


def check_schema(openapi: dict, name: str, body: dict) -> None:
    """Validate a body against a component schema of our own OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": openapi["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def test_search_returns_the_documented_shape(client, openapi):
    response = client.get("/api/search?q=Lavrov")
    assert response.status_code == 200
    body = response.get_json()
    check_schema(openapi, "SearchResults", body)
    assert body["query"] == "Lavrov"
    assert body["total"] == 5
    assert all("<mark>Lavrov</mark>" in " ".join(hit["snippets"]) for hit in body["results"])
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_paging_and_per_page(client):
    first = client.get("/api/search?q=Lavrov&per_page=2&page=1").get_json()
    second = client.get("/api/search?q=Lavrov&per_page=2&page=2").get_json()
    everything = client.get("/api/search?q=Lavrov&per_page=4").get_json()
    ids = [h["id"] for h in first["results"] + second["results"]]
    assert ids == [h["id"] for h in everything["results"]]
    assert len(set(ids)) == 4
    assert first["per_page"] == 2 and second["page"] == 2


def test_empty_query_browses_everything_newest_first(client, openapi):
    body = client.get("/api/search?q=").get_json()
    check_schema(openapi, "SearchResults", body)
    assert body["total"] == 5
    assert all(hit["score"] is None for hit in body["results"])


def test_facets_and_filters(client):
    body = client.get("/api/search?q=Lavrov").get_json()
    outlets = {f["value"]: f["count"] for f in body["facets"]["outlet"]}
    assert outlets == {"CNN": 1, "38 North": 1}
    filtered = client.get("/api/search?q=Lavrov&outlet=CNN").get_json()
    assert [h["id"] for h in filtered["results"]] == [ARTICLE]
    by_author = client.get("/api/search?q=&author=Will Ripley").get_json()
    assert [h["id"] for h in by_author["results"]] == [ARTICLE]


def test_misspelling_offers_a_suggestion(client):
    body = client.get("/api/search?q=Lavorv").get_json()
    assert body["total"] == 0
    assert body["suggestion"] == "lavrov"


def test_relaxed_query_says_so(client):
    body = client.get("/api/search?q=Lavrov+zzqqxx").get_json()
    assert body["total"] > 0
    assert "any" in body["notice"]


@pytest.mark.parametrize(
    "query, param",
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1000", "per_page"),
        ("per_page=-5", "per_page"),
        ("sort=size", "sort"),
        ("match=most", "match"),
        ("year=20x5", "year"),
        ("from=yesterday", "from"),
        ("page=99999999999999999999", "page"),
        ("page=1000&per_page=100", "page"),  # deeper than the result depth bound
    ],
)
def test_bad_parameters_are_400_problems(client, openapi, query, param):
    response = client.get(f"/api/search?q=lavrov&{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    check_schema(openapi, "Problem", body)
    assert body["status"] == 400 and body["param"] == param


def test_overlong_query_says_what_the_limit_is(client):
    response = client.get("/api/search", query_string={"q": "word " * 3000})
    assert response.status_code == 400
    assert "limit" in response.get_json()["detail"]


def test_long_natural_language_query_is_accepted(client):
    words = ("the Russian foreign minister visited the resort city of Wonsan " * 60).split()[:500]
    query = " ".join(words)
    assert len(query) >= 3000
    response = client.get("/api/search", query_string={"q": query, "match": "any"})
    assert response.status_code == 200


def test_article_endpoint(client, openapi):
    response = client.get(f"/api/articles/{ARTICLE}")
    assert response.status_code == 200
    body = response.get_json()
    check_schema(openapi, "Article", body)
    assert body["outlet"] == "CNN"
    assert "Will Ripley" in body["authors"]
    assert "The-CNN-Wire" not in body["text"]
    rules = {block["rule"] for block in body["removed"]}
    assert "byline" in rules
    assert any("Cable News Network" in block["text"] for block in body["removed"])


def test_related_endpoint_excludes_the_article(client, openapi):
    body = client.get(f"/api/articles/{ARTICLE}/related").get_json()
    check_schema(openapi, "Related", body)
    ids = [hit["id"] for hit in body["results"]]
    assert ids and ARTICLE not in ids


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles/nope",
        "/api/articles/nope/related",
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/nothing-here",
    ],
)
def test_unknown_things_are_404_problems(client, openapi, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    check_schema(openapi, "Problem", response.get_json())


def test_wrong_method_is_a_problem_not_a_500(client):
    response = client.post("/api/search?q=x")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


def test_no_index_is_503_naming_the_command(tmp_path, openapi):
    app = create_app({"INDEX_DIR": str(tmp_path / "empty"), "TESTING": True})
    client = app.test_client()
    for path in ("/api/search?q=x", f"/api/articles/{ARTICLE}"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert "searchapp rebuild-index" in response.get_json()["detail"]
    health = client.get("/healthz")
    assert health.status_code == 503
    check_schema(openapi, "Health", health.get_json())


def test_healthz_reports_generation_and_count(client, openapi):
    body = client.get("/healthz").get_json()
    check_schema(openapi, "Health", body)
    assert body["articles"] == 5 and body["generation"].startswith(("gen-", "sphinx-"))


def test_openapi_document_is_valid_31(openapi):
    assert openapi["openapi"].startswith("3.1")
    jsonschema.Draft202012Validator.check_schema(openapi["components"]["schemas"]["SearchResults"])
    documented = {p["name"] for p in openapi["paths"]["/api/search"]["get"]["parameters"]}
    assert documented == {
        "q",
        "page",
        "per_page",
        "sort",
        "match",
        "outlet",
        "author",
        "year",
        "from",
        "to",
        "speaker",
        "lang",
        "collapse",
        "group",
        "variants",
        "format",
        "typos",
    }


def test_security_headers_on_every_response(client):
    for path in ("/api/search?q=x", "/healthz", "/api/articles/nope"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_suggest_completes_the_last_word(client, openapi):
    body = client.get("/api/suggest?q=north ko").get_json()
    check_schema(openapi, "Suggestions", body)
    assert body["suggestions"][0] == "north korea"
    assert all(s.startswith("north ko") for s in body["suggestions"])
    assert client.get("/api/suggest?q=Lav").get_json()["suggestions"][0] == "lavrov"
    assert client.get("/api/suggest?q=x").get_json()["suggestions"] == []


def test_suggest_bounds_its_input(client):
    response = client.get("/api/suggest", query_string={"q": "a" * 201})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_typos_parameter_is_read_and_checked(client):
    body = client.get("/api/search?q=Lavorv&typos=false").get_json()
    assert body["notice"] is None or "Including" not in body["notice"]
    response = client.get("/api/search?q=Lavrov&typos=maybe")
    assert response.status_code == 400 and response.get_json()["param"] == "typos"
