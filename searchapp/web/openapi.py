"""The API's OpenAPI 3.1 description, served at /api/openapi.json and checked by tests."""

from ..engine import MAX_EXPORT_ROWS, QUERY_SECONDS
from .downloads import EXPORT_TYPES
from .params import PARAMETERS

_STRING_OR_NULL = {"type": ["string", "null"]}

_HIT = {
    "type": "object",
    "required": [
        "id",
        "title",
        "outlet",
        "authors",
        "published",
        "url",
        "score",
        "snippets",
        "copies",
        "more_copies",
        "story",
        "folded",
    ],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "outlet": _STRING_OR_NULL,
        "authors": {"type": "array", "items": {"type": "string"}},
        "published": {
            "type": ["string", "null"],
            "description": "ISO 8601 date or date-time; null when unknown",
        },
        "url": _STRING_OR_NULL,
        "score": {"type": ["number", "null"], "description": "null when not sorted by relevance"},
        "snippets": {
            "type": "array",
            "maxItems": 3,
            "items": {"type": "string", "description": "HTML: escaped text, hits in <mark>"},
        },
        "copies": {
            "type": "array",
            "description": "Other articles with the same text (syndicated or republished copies)",
            "items": {
                "type": "object",
                "required": ["id", "title", "outlet", "published"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "outlet": _STRING_OR_NULL,
                    "published": _STRING_OR_NULL,
                },
            },
        },
        "more_copies": {"type": "integer", "minimum": 0, "description": "copies not listed"},
        "story": {
            "type": ["integer", "null"],
            "description": "the story this article belongs to (/api/stories/{story}), or null",
        },
        "folded": {
            "type": "integer",
            "minimum": 0,
            "description": "matches folded behind this hit: its copies, or its story's "
            "other articles with group=story",
        },
    },
}

_FACET = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
    },
}

_DATE_HISTOGRAM = {
    "type": "object",
    "required": ["interval", "undated", "buckets"],
    "properties": {
        "interval": {"type": "string", "enum": ["day", "week", "month", "year"]},
        "undated": {"type": "integer", "minimum": 0, "description": "matches with no date"},
        "buckets": {
            "type": "array",
            "description": "every period from the first dated match to the last, even empty",
            "items": {
                "type": "object",
                "required": ["from", "to", "count"],
                "properties": {
                    "from": {"type": "string", "format": "date"},
                    "to": {"type": "string", "format": "date", "description": "inclusive"},
                    "count": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}

_PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "param": {"type": "string", "description": "the parameter at fault (400 only)"},
    },
}


def _param(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem_response(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


# The table's parameters, then the API's own: the response format.
SEARCH_PARAMETERS = [_param(p.name, p.doc, p.schema) for p in PARAMETERS] + [
    _param(
        "format",
        f"json (default: one page), or {' / '.join(EXPORT_TYPES)}: every match (at most "
        f"{MAX_EXPORT_ROWS:,} rows, streamed; page and per_page are ignored).",
        {"type": "string", "enum": ["json", *EXPORT_TYPES]},
    )
]

_ID_PARAM = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "The article id: its path in the corpus without the extension (business/001).",
    "schema": {"type": "string"},
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "searchapp", "version": "1", "description": "Search clean news articles."},
    "paths": {
        "/api/search": {
            "get": {
                "summary": "Search articles",
                "parameters": SEARCH_PARAMETERS,
                "responses": {
                    "200": {
                        "description": "A page of results, or every match as CSV / JSON Lines",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/SearchResults"}
                            },
                            "text/csv": {"schema": {"type": "string"}},
                            "application/x-ndjson": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _problem_response("A parameter is invalid"),
                    "503": _problem_response(
                        "No index built yet, or it is damaged; or the query ran out of its "
                        f"{QUERY_SECONDS:g} s time budget (title 'Query too expensive')"
                    ),
                },
            }
        },
        "/api/articles/{id}": {
            "get": {
                "summary": "One article: metadata, clean text, stripped boilerplate",
                "parameters": [_ID_PARAM],
                "responses": {
                    "200": {
                        "description": "The article",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Article"}}
                        },
                    },
                    "404": _problem_response("Unknown id"),
                    "503": _problem_response("No index"),
                },
            }
        },
        "/api/articles/{id}/related": {
            "get": {
                "summary": "Articles most like this one",
                "parameters": [_ID_PARAM],
                "responses": {
                    "200": {
                        "description": "Related articles",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Related"}}
                        },
                    },
                    "404": _problem_response("Unknown id"),
                    "503": _problem_response("No index"),
                },
            }
        },
        "/api/stories/{id}": {
            "get": {
                "summary": "One story: its articles, what each adds, the quotes that travelled",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "The story",
                        "content": {"application/json": {"schema": _ref("Story")}},
                    },
                    "404": _problem_response("Unknown story"),
                    "503": _problem_response("No index"),
                },
            }
        },
        "/api/suggest": {
            "get": {
                "summary": "Search-as-you-type: complete the last word from the index vocabulary",
                "parameters": [
                    _param(
                        "q",
                        "What has been typed so far (at most 200 characters).",
                        {"type": "string", "maxLength": 200},
                    )
                ],
                "responses": {
                    "200": {
                        "description": "Completed queries, most common word first",
                        "content": {"application/json": {"schema": _ref("Suggestions")}},
                    },
                    "400": _problem_response("q is too long"),
                    "503": _problem_response("No index"),
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness and index status for probes",
                "responses": {
                    "200": {
                        "description": "Serving",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                        },
                    },
                    "503": {
                        "description": "No usable index",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                        },
                    },
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Hit": _HIT,
            "Problem": _PROBLEM,
            "SearchResults": {
                "type": "object",
                "required": [
                    "query",
                    "total",
                    "page",
                    "per_page",
                    "took_ms",
                    "results",
                    "facets",
                    "date_histogram",
                    "suggestion",
                    "notice",
                ],
                "properties": {
                    "query": {"type": "string"},
                    "total": {"type": "integer", "minimum": 0},
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                    "took_ms": {"type": "number", "minimum": 0},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                    "facets": {
                        "type": "object",
                        "required": ["outlet", "author", "year", "speaker", "language"],
                        "properties": {
                            "outlet": _FACET,
                            "author": _FACET,
                            "year": _FACET,
                            "speaker": _FACET,
                            "language": _FACET,
                        },
                    },
                    "date_histogram": _DATE_HISTOGRAM,
                    "suggestion": _STRING_OR_NULL,
                    "notice": _STRING_OR_NULL,
                },
            },
            "Article": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "outlet",
                    "authors",
                    "published",
                    "url",
                    "text",
                    "headings",
                    "removed",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "title_derived": {"type": "boolean"},
                    "outlet": _STRING_OR_NULL,
                    "authors": {"type": "array", "items": {"type": "string"}},
                    "published": _STRING_OR_NULL,
                    "url": _STRING_OR_NULL,
                    "language": _STRING_OR_NULL,
                    "lead": {"type": "string"},
                    "headings": {"type": "array", "items": {"type": "string"}},
                    "text": {"type": "string"},
                    "removed": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["rule", "text"],
                            "properties": {"rule": {"type": "string"}, "text": {"type": "string"}},
                        },
                    },
                },
            },
            "Related": {
                "type": "object",
                "required": ["id", "results"],
                "properties": {
                    "id": {"type": "string"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                },
            },
            "Story": {
                "type": "object",
                "required": ["id", "articles", "travelled_quotes", "copies"],
                "properties": {
                    "id": {"type": "integer"},
                    "articles": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "title", "outlet", "published", "adds"],
                            "properties": {
                                "id": {"type": "string"},
                                "title": {"type": "string"},
                                "outlet": _STRING_OR_NULL,
                                "published": _STRING_OR_NULL,
                                "adds": {
                                    "type": "object",
                                    "required": ["sentences", "quotes", "names"],
                                    "properties": {
                                        "sentences": {"type": "array"},
                                        "quotes": {"type": "array"},
                                        "names": {"type": "array"},
                                    },
                                },
                            },
                        },
                    },
                    "travelled_quotes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["text", "speaker", "first", "printed_by"],
                            "properties": {
                                "text": {"type": "string"},
                                "speaker": _STRING_OR_NULL,
                                "first": _STRING_OR_NULL,
                                "printed_by": {"type": "array", "minItems": 2},
                            },
                        },
                    },
                    "copies": {"type": "array", "items": {"type": "array"}},
                },
            },
            "Suggestions": {
                "type": "object",
                "required": ["query", "suggestions"],
                "properties": {
                    "query": {"type": "string"},
                    "suggestions": {"type": "array", "maxItems": 8, "items": {"type": "string"}},
                },
            },
            "Health": {
                "type": "object",
                "required": ["status", "generation", "articles"],
                "properties": {
                    "status": {"type": "string", "enum": ["ok", "unavailable"]},
                    "generation": _STRING_OR_NULL,
                    "articles": {"type": "integer", "minimum": 0},
                    "detail": {"type": "string"},
                },
            },
        }
    },
}
