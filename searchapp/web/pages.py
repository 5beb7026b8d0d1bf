"""The HTML pages. Every state lives in the URL, so any page can be bookmarked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template, request, url_for

from .. import timeline
from ..engine import (
    ArticleNotFoundError,
    IndexUnavailableError,
    LiveIndex,
    QueryTooExpensiveError,
)
from ..ingest.pipeline import web_url
from ..model import InvalidRequestError
from .downloads import synonyms
from .params import STATE_PARAMS, search_request

pages = Blueprint("pages", __name__)


def live_index() -> LiveIndex:
    return current_app.extensions["searchapp.live"]


def surface():
    """The engine package answering this app: searchapp.engine or its sphinxql twin."""
    return current_app.extensions["searchapp.engine"]


def url_with(_endpoint: str = "pages.results", **changes) -> str:
    """The current results URL with some parameters changed (None removes one).

    `_endpoint` points the same search elsewhere: the CSV download, the Atom feed.
    """
    state = {k: request.args.get(k) for k in STATE_PARAMS if request.args.get(k)}
    state.update(changes)
    if "page" not in changes:
        state.pop("page", None)  # a new filter or sort starts again at page 1
    clean = {k: v for k, v in state.items() if v not in (None, "")}
    return url_for(_endpoint, **clean)


@pages.app_context_processor
def helpers():
    return {
        "url_with": url_with,
        "max_export": surface().MAX_EXPORT_ROWS,
        "timeline_bars": timeline.bars,
        "timeline_label": timeline.label,
        "chart_size": (timeline.CHART_WIDTH, timeline.CHART_HEIGHT),
    }


@pages.app_template_filter("built")
def built(seconds: float | None) -> str:
    """A build time as the pages print it: "2025-07-12 09:30 UTC"."""
    if seconds is None:
        return "at an unknown time"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


@pages.get("/")
def home():
    stats = live_index().stats()
    return render_template("home.html", stats=stats)


@pages.get("/search")
def results():
    try:
        search = search_request(request.args)
    except InvalidRequestError as error:
        return render_template(
            "results.html", error=str(error), page=None, q=request.args.get("q", "")
        ), 400
    live = live_index()
    page = surface().search(live, search, synonyms())
    return render_template("results.html", page=page, q=search.q, error=None, stats=live.stats())


@pages.get("/articles/<path:article_id>")
def article(article_id: str):
    live = live_index()
    try:
        found = surface().get_article(live, article_id)
    except ArticleNotFoundError:
        abort(404)
    # Ingestion keeps only http(s) URLs; an index built before that rule may still hold a
    # "javascript:" one, which must not become a link.
    found = replace(found, url=web_url(found.url))
    q = request.args.get("q", "")
    blocks, marks = surface().highlight_article(found, q)
    return render_template(
        "article.html",
        article=found,
        blocks=blocks,
        marks=marks,
        q=q,
        related=surface().related(live, article_id),
        story=surface().story_link(live, article_id),
    )


@pages.get("/stories/<int:story_id>")
def story(story_id: int):
    try:
        found = surface().get_story(live_index(), story_id)
    except surface().StoryNotFoundError:
        abort(404)
    return render_template("story.html", story=found)


@pages.app_errorhandler(IndexUnavailableError)
def no_index(error: IndexUnavailableError):
    return render_template(
        "error.html", status=503, title="No search index yet", message=str(error)
    ), 503


@pages.app_errorhandler(QueryTooExpensiveError)
def too_expensive(error: QueryTooExpensiveError):
    return render_template(
        "error.html", status=503, title="Query too expensive", message=str(error)
    ), 503
