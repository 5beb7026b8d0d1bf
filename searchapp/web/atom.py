"""An Atom feed of a search's newest matches, built with feedgen (pure: no Flask)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from ..model import ResultPage
from .export import plain_text

FEED_ENTRIES = 50  # newest matches per feed: a reader polls, so only the new ones matter


def entry_date(published: str | None, fallback: datetime) -> datetime:
    """An aware datetime for Atom: a bare date is midnight UTC, a naive time is UTC."""
    if not published:
        return fallback
    try:
        value = datetime.fromisoformat(published)
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(published[:10]), datetime.min.time())
        except ValueError:
            return fallback
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def search_feed(page: ResultPage, *, base_url: str, search_url: str, built_at: datetime) -> bytes:
    """The feed document for a page sorted newest first.

    `base_url` ends in "/" and makes the article links absolute; `search_url` is the results
    page the feed follows; `built_at` (when the index was built) dates undated articles and
    the feed itself when it has no entries.
    """
    q = page.request.q.strip()
    feed = FeedGenerator()
    feed.id(search_url)
    feed.title(f"searchapp: {q[:200]}" if q else "searchapp: newest articles")
    feed.subtitle(f"{page.total} matching article{'' if page.total == 1 else 's'}, newest first")
    feed.link(href=search_url, rel="alternate", type="text/html")
    feed.author({"name": "searchapp"})  # Atom wants an author; most entries name their own
    feed.generator("searchapp")
    newest = built_at
    for hit in page.hits:
        when = entry_date(hit.published, built_at)
        newest = max(newest, when) if hit.published else newest
        link = f"{base_url}articles/{quote(hit.id, safe='')}"
        if q:
            link += "?q=" + quote(q, safe="")
        entry = feed.add_entry(order="append")
        entry.id(f"{base_url}articles/{quote(hit.id, safe='')}")
        entry.title(hit.title)
        # One link only: feedgen 1.0 drops the rel of entry links, so a second one (the
        # original page) would read as another alternate and win in feedparser.
        entry.link(href=link, rel="alternate", type="text/html")
        entry.updated(when)
        if hit.published:
            entry.published(when)
        for name in hit.authors:
            entry.author({"name": name})
        if hit.outlet:
            entry.category(term=hit.outlet, label=hit.outlet)
        if hit.snippets:
            entry.summary(plain_text(hit.snippets[0]))
    feed.updated(newest)
    return feed.atom_str(pretty=True)
