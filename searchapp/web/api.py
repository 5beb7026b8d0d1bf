"""The JSON API: thin views over the same search functions the pages use."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request

from ..engine import (
    ArticleNotFoundError,
    IndexUnavailableError,
    LiveIndex,
    QueryTooExpensiveError,
    Story,
    StoryNotFoundError,
)
from ..model import Hit, InvalidRequestError, ResultPage
from ..timeline import DateHistogram
from .downloads import EXPORT_TYPES, export_response, synonyms
from .openapi import OPENAPI
from .params import search_request
from .problems import problem

api = Blueprint("api", __name__, url_prefix="/api")


def live_index() -> LiveIndex:
    return current_app.extensions["searchapp.live"]


def surface():
    """The engine package answering this app: searchapp.engine or its sphinxql twin."""
    return current_app.extensions["searchapp.engine"]


def hit_json(hit: Hit) -> dict:
    data = asdict(hit)
    data["authors"] = list(hit.authors)
    data["snippets"] = list(hit.snippets)
    return data


def page_json(page: ResultPage) -> dict:
    return {
        "query": page.request.q,
        "total": page.total,
        "page": page.request.page,
        "per_page": page.request.per_page,
        "took_ms": page.took_ms,
        "results": [hit_json(hit) for hit in page.hits],
        "facets": {
            name: [{"value": f.value, "count": f.count} for f in counts]
            for name, counts in page.facets.items()
        },
        "date_histogram": histogram_json(page.timeline),
        "suggestion": page.suggestion,
        "notice": page.notice,
    }


def histogram_json(hist: DateHistogram | None) -> dict:
    """The timeline's counts: every period from the first match to the last, even empty."""
    if hist is None:
        return {"interval": "day", "undated": 0, "buckets": []}
    return {
        "interval": hist.interval,
        "undated": hist.undated,
        "buckets": [
            {"from": b.start.isoformat(), "to": b.end.isoformat(), "count": b.count}
            for b in hist.buckets
        ],
    }


FORMATS = ("json", *EXPORT_TYPES)


@api.get("/search")
def search():
    kind = request.args.get("format", "").strip() or "json"
    if kind not in FORMATS:
        raise InvalidRequestError("format", f"format must be one of: {', '.join(FORMATS)}")
    if kind != "json":
        return export_response(request.args, kind)
    page = surface().search(live_index(), search_request(request.args), synonyms())
    return jsonify(page_json(page))


@api.get("/articles/<path:article_id>")
def article(article_id: str):
    found = surface().get_article(live_index(), article_id)
    return jsonify(
        {
            "id": found.id,
            "title": found.title,
            "title_derived": found.title_derived,
            "outlet": found.outlet,
            "authors": list(found.authors),
            "published": found.published,
            "url": found.url,
            "language": found.language,
            "lead": found.lead,
            "headings": list(found.headings),
            "text": found.text,
            "removed": [{"rule": b.rule, "text": b.text} for b in found.removed],
        }
    )


@api.get("/articles/<path:article_id>/related")
def related(article_id: str):
    hits = surface().related(live_index(), article_id)
    return jsonify({"id": article_id, "results": [hit_json(hit) for hit in hits]})


def story_json(story: Story) -> dict:
    """A story as JSON: its articles by date and outlet, what each adds, the travelled quotes."""
    added = {c.article.id: c for c in story.contributions}

    def quote(q) -> dict:
        return {"text": q.text, "speaker": q.speaker}

    return {
        "id": story.id,
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "outlet": a.outlet,
                "published": a.published,
                "adds": {
                    "sentences": list(added[a.id].sentences),
                    "quotes": [quote(q) for q in added[a.id].quotes],
                    "names": list(added[a.id].names),
                },
            }
            for a in story.articles
        ],
        "travelled_quotes": [
            {
                "text": t.text,
                "speaker": t.speaker,
                "first": t.first,
                "printed_by": [
                    {"id": p.article_id, "outlet": p.outlet, "published": p.published}
                    for p in t.printings
                ],
            }
            for t in story.travelled
        ],
        "copies": [list(group) for group in story.copies],
    }


@api.get("/stories/<int:story_id>")
def story(story_id: int):
    return jsonify(story_json(surface().get_story(live_index(), story_id)))


@api.get("/suggest")  # completion (search-as-you-type); did-you-mean is in /api/search
def completions():
    text = request.args.get("q", "")
    if len(text) > surface().MAX_COMPLETION_CHARS:
        raise InvalidRequestError(
            "q", f"q is longer than {surface().MAX_COMPLETION_CHARS} characters"
        )
    return jsonify({"query": text, "suggestions": list(surface().complete(live_index(), text))})


@api.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@api.errorhandler(InvalidRequestError)
def bad_parameter(error: InvalidRequestError):
    return problem(400, str(error), param=error.param)


@api.errorhandler(ArticleNotFoundError)
def unknown_article(error: ArticleNotFoundError):
    return problem(404, "No article with that id.")


@api.errorhandler(StoryNotFoundError)
def unknown_story(error: StoryNotFoundError):
    return problem(404, "No story with that number.")


@api.errorhandler(IndexUnavailableError)
def no_index(error: IndexUnavailableError):
    return problem(503, str(error))


@api.errorhandler(QueryTooExpensiveError)
def too_expensive(error: QueryTooExpensiveError):
    return problem(503, str(error), title="Query too expensive")
