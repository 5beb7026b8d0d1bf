"""The HTML pages. Every state lives in the URL, so any page can be bookmarked."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request

from . import articles
from . import search as core
from .extract import web_url
from .params import search_request
from .reader import IndexUnavailableError

pages = Blueprint("pages", __name__)

# Parameters that define a results page; links keep them when changing one.
STATE_PARAMS = ("q", "sort", "match", "outlet", "author", "year", "from", "to", "per_page")


def engine():
    """The engine this app answers from (engines.py: Whoosh or SphinxQL)."""
    return current_app.extensions["searchapp.engine"]


def url_with(_path: str = "/search", **changes) -> str:
    """The current results URL with some parameters changed (None removes one).

    `_path` points the same search elsewhere: "/search.csv", "/search.atom".
    """
    state = {k: request.args.get(k) for k in STATE_PARAMS if request.args.get(k)}
    state.update(changes)
    if "page" not in changes:
        state.pop("page", None)  # a new filter or sort starts again at page 1
    clean = {k: v for k, v in state.items() if v not in (None, "")}
    return _path + "?" + urlencode(clean)


@pages.app_context_processor
def helpers():
    return {"url_with": url_with, "max_export": core.MAX_EXPORT_ROWS}


@pages.get("/")
def home():
    stats = engine().stats()
    return render_template("home.html", stats=stats)


@pages.get("/search")
def results():
    try:
        search = search_request(request.args)
    except core.InvalidRequestError as error:
        return render_template(
            "results.html", error=str(error), page=None, q=request.args.get("q", "")
        ), 400
    page = engine().search(search)
    return render_template("results.html", page=page, q=search.q, error=None)


@pages.get("/articles/<article_id>")
def article(article_id: str):
    try:
        found = engine().get_article(article_id)
    except articles.ArticleNotFoundError:
        abort(404)
    # Ingestion keeps only http(s) URLs; an index built before that rule may still hold a
    # "javascript:" one, which must not become a link.
    found = replace(found, url=web_url(found.url))
    q = request.args.get("q", "")
    blocks, marks = articles.highlight_article(found, q)
    return render_template(
        "article.html",
        article=found,
        blocks=blocks,
        marks=marks,
        q=q,
        related=engine().related(article_id),
    )


@pages.app_errorhandler(IndexUnavailableError)
def no_index(error: IndexUnavailableError):
    return render_template(
        "error.html", status=503, title="No search index yet", message=str(error)
    ), 503
