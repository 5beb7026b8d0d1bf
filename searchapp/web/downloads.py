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

from ..engine import LiveIndex, Synonyms
from ..model import InvalidRequestError
from . import export
from .atom import FEED_ENTRIES, search_feed
from .params import STATE_PARAMS, search_request

downloads = Blueprint("downloads", __name__)

EXPORT_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}
# Parameters that pick the matches; per_page (and page) do not apply to a download.
FILTER_PARAMS = tuple(name for name in STATE_PARAMS if name != "per_page")


def live_index() -> LiveIndex:
    return current_app.extensions["searchapp.live"]


def surface():
    """The engine package answering this app: searchapp.engine or its sphinxql twin."""
    return current_app.extensions["searchapp.engine"]


def synonyms() -> Synonyms:
    return current_app.extensions["searchapp.synonyms"]


def filename(q: str, extension: str) -> str:
    """searchapp-<the query's ASCII words>.<ext>, a safe name for any file system."""
    slug = "-".join(re.findall(r"[a-z0-9]+", q.lower()))[:60].strip("-")
    return f"searchapp-{slug or 'all'}.{extension}"


def export_response(args: Mapping[str, str], kind: str) -> Response:
    """Stream every match (up to the cap) as `kind`; raises InvalidRequestError."""
    search = search_request(args)
    result = surface().export(live_index(), search, synonyms=synonyms())
    write = export.csv_chunks if kind == "csv" else export.jsonl_chunks
    response = Response(write(result.hits), mimetype=EXPORT_TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(search.q, kind)}"'
    # The body starts before anyone could count it, so the totals travel as headers.
    response.headers["X-Total-Count"] = str(result.total)
    response.headers["X-Export-Rows"] = str(result.rows)
    response.headers["X-Export-Cap"] = str(surface().MAX_EXPORT_ROWS)
    return response


def _bad_request(error: InvalidRequestError):
    q = request.args.get("q", "")
    return render_template("results.html", error=str(error), page=None, q=q), 400


@downloads.get("/search.csv", defaults={"kind": "csv"})
@downloads.get("/search.jsonl", defaults={"kind": "jsonl"})
def search_export(kind: str):
    try:
        return export_response(request.args, kind)
    except InvalidRequestError as error:
        return _bad_request(error)


@downloads.get("/search.atom")
def search_atom():
    try:
        search = search_request(request.args)
    except InvalidRequestError as error:
        return _bad_request(error)
    newest = replace(search, sort="date", page=1, per_page=FEED_ENTRIES)
    live = live_index()
    page = surface().search(live, newest, synonyms())
    built = live.stats().built_at
    state = {k: request.args[k] for k in FILTER_PARAMS if request.args.get(k)}
    state.pop("sort", None)  # a feed is always newest first
    body = search_feed(
        page,
        base_url=request.url_root,
        search_url=request.url_root + "search?" + urlencode(state | {"sort": "date"}),
        built_at=datetime.fromtimestamp(built or 0, UTC),
    )
    return Response(body, mimetype="application/atom+xml")
