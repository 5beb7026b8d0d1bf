"""Downloads of a search: every match as CSV or JSON Lines, and an Atom feed of the newest.

The same query string as the results page, on /search.csv, /search.jsonl and /search.atom
(the API serves the exports too, as /api/search?format=csv|jsonl).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from . import export
from . import search as core
from .atom import FEED_ENTRIES, search_feed
from .params import search_request
from .reader import IndexUnavailableError, LiveIndex

downloads = Blueprint("downloads", __name__)

EXPORT_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}
# Parameters that pick the matches; page and per_page do not apply to a download.
FILTER_PARAMS = ("q", "sort", "match", "outlet", "author", "year", "from", "to")


def live_index() -> LiveIndex:
    """The Whoosh index: exports read every match through it (not on the sphinxql engine)."""
    live = current_app.extensions.get("searchapp.live")
    if live is None:
        raise IndexUnavailableError(
            "CSV and JSON Lines exports are not implemented for the sphinxql engine yet; "
            "serve with --engine whoosh to export."
        )
    return live


def filename(q: str, extension: str) -> str:
    """searchapp-<the query's ASCII words>.<ext>, a safe name for any file system."""
    slug = "-".join(re.findall(r"[a-z0-9]+", q.lower()))[:60].strip("-")
    return f"searchapp-{slug or 'all'}.{extension}"


def export_response(args: Mapping[str, str], kind: str) -> Response:
    """Stream every match (up to the cap) as `kind`; raises InvalidRequestError."""
    search = search_request(args)
    result = core.export(live_index(), search)
    write = export.csv_chunks if kind == "csv" else export.jsonl_chunks
    response = Response(write(result.hits), mimetype=EXPORT_TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(search.q, kind)}"'
    # The body starts before anyone could count it, so the totals travel as headers.
    response.headers["X-Total-Count"] = str(result.total)
    response.headers["X-Export-Rows"] = str(result.rows)
    response.headers["X-Export-Cap"] = str(core.MAX_EXPORT_ROWS)
    return response


def _bad_request(error: core.InvalidRequestError):
    q = request.args.get("q", "")
    return render_template("results.html", error=str(error), page=None, q=q), 400


@downloads.get("/search.csv", defaults={"kind": "csv"})
@downloads.get("/search.jsonl", defaults={"kind": "jsonl"})
def search_export(kind: str):
    try:
        return export_response(request.args, kind)
    except core.InvalidRequestError as error:
        return _bad_request(error)


@downloads.get("/search.atom")
def search_atom():
    try:
        search = search_request(request.args)
    except core.InvalidRequestError as error:
        return _bad_request(error)
    newest = replace(search, sort="date", page=1, per_page=FEED_ENTRIES)
    engine = current_app.extensions["searchapp.engine"]
    page = engine.search(newest)
    built = engine.stats().built_at
    state = {k: request.args[k] for k in FILTER_PARAMS if request.args.get(k)}
    state.pop("sort", None)  # a feed is always newest first
    body = search_feed(
        page,
        base_url=request.url_root,
        search_url=request.url_root + "search?" + urlencode(state | {"sort": "date"}),
        built_at=datetime.fromtimestamp(built or 0, UTC),
    )
    return Response(body, mimetype="application/atom+xml")
