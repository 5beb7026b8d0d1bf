"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

from flask import Response, json

TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    414: "URI too long",
    500: "Internal server error",
    503: "Search index unavailable",
}


def problem(
    status: int, detail: str, *, type_: str = "about:blank", title: str | None = None, **extra
) -> Response:
    """A problem+json response; `extra` adds members such as the bad parameter's name."""
    title = title or TITLES.get(status, "Error")
    body = {"type": type_, "title": title, "status": status, "detail": detail}
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")
