"""One article at a time: fetch it, and find the articles most like it."""

from __future__ import annotations

from ..model import Article, SearchappError
from .budget import time_budget
from .live_index import LiveIndex, again_if_moved
from .schema import SEARCH_FIELD, from_stored
from .search import Hit, to_hit

RELATED_LIMIT = 5


class ArticleNotFoundError(SearchappError, KeyError):
    """No article with that id in the live index."""


def get_article(live: LiveIndex, article_id: str) -> Article:
    """The stored article; ArticleNotFoundError when the id is unknown."""

    def attempt() -> dict | None:
        with live.searcher() as (_, searcher):
            return searcher.document(id=article_id)

    fields = again_if_moved(live, attempt)
    if fields is None:
        raise ArticleNotFoundError(article_id)
    return from_stored(fields)


def related(live: LiveIndex, article_id: str, limit: int = RELATED_LIMIT) -> tuple[Hit, ...]:
    """Articles most like this one, by the distinctive words of its clean body."""

    def attempt() -> tuple[Hit, ...]:
        with live.searcher() as (_, searcher):
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                raise ArticleNotFoundError(article_id)
            body = searcher.stored_fields(docnum).get("body") or ""
            # Twice the hits, then ties broken by id: equal scores came back in docnum
            # order, which two builds of one corpus need not share.
            results = searcher.more_like(docnum, SEARCH_FIELD, text=body, top=2 * limit)
            ranked = sorted(results, key=lambda hit: (-round(hit.score, 6), hit["id"]))
            return tuple(to_hit(hit.fields(), None, hit.score) for hit in ranked[:limit])

    with time_budget():
        return again_if_moved(live, attempt)
