"""The one place that knows the Whoosh schema and how an Article maps onto it."""

from __future__ import annotations

import json
from datetime import datetime

from whoosh import columns, fields

from .analysis import name_analyzer, text_analyzer
from .model import Article, RemovedBlock

# Bump when build_schema() or to_document() changes: an incremental rebuild then starts
# afresh, since it would otherwise keep writing into the old schema and old documents.
SCHEMA_VERSION = 6

# Index-time field boosts: a title match outranks a lead match, which outranks a heading
# match, which outranks a body match. They multiply the term frequency, which BM25
# saturates, so the title gets a large K1 (ranking.FIELD_K1) to keep the boost.
# Not query-time boosts: those scale a title match's whole score and cost SciFact nDCG@10
# 0.07 and our judged queries 0.02 (bench/RANKING.md).
FIELD_BOOSTS = {"title": 3.0, "lead": 1.5, "headings": 1.3, "body": 1.0}

# Fields a plain query searches, and the names users may type before a colon. "content"
# is the title and body as one unboosted field: one BM25 length norm and saturation over
# the whole text, beside the boosted fields that reward a headline match (bench/RANKING.md).
SEARCH_FIELDS = ("title", "lead", "headings", "body", "content", "authors", "outlet")
USER_FIELD_ALIASES = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "outlet": "outlet",
    "body": "body",
}


def build_schema() -> fields.Schema:
    """Return a fresh schema (Whoosh field objects hold state, so never share one)."""
    text = text_analyzer()
    names = name_analyzer()
    # "Jong-un" is two tokens; match them as a phrase, as if the user had quoted them.
    phrase = "phrase"
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(
            analyzer=text,
            multitoken_query=phrase,
            stored=True,
            field_boost=FIELD_BOOSTS["title"],
            spelling=True,
        ),
        lead=fields.TEXT(
            analyzer=text, multitoken_query=phrase, stored=True, field_boost=FIELD_BOOSTS["lead"]
        ),
        headings=fields.TEXT(
            analyzer=text,
            multitoken_query=phrase,
            stored=True,
            field_boost=FIELD_BOOSTS["headings"],
        ),
        body=fields.TEXT(analyzer=text, multitoken_query=phrase, stored=True, spelling=True),
        content=fields.TEXT(analyzer=text, multitoken_query=phrase),
        authors=fields.TEXT(analyzer=names, multitoken_query=phrase, stored=True),
        outlet=fields.TEXT(analyzer=names, multitoken_query=phrase, stored=True),
        # Exact values for filters and facets, kept apart from the searchable text.
        author_facet=fields.KEYWORD(commas=True, lowercase=False),
        outlet_facet=fields.ID(sortable=True),
        year=fields.ID(sortable=True),
        published=fields.DATETIME(sortable=True),
        published_text=fields.STORED,
        url=fields.STORED,
        source_path=fields.STORED,
        content_hash=fields.ID(stored=True, sortable=True),
        # Per-document columns, so opening a generation (facets, date stats) and an
        # incremental build (content hashes) read a few columns, not every stored document.
        authors_column=fields.COLUMN(columns.VarBytesColumn()),
        published_column=fields.COLUMN(columns.VarBytesColumn()),
        title_derived=fields.STORED,
        removed=fields.STORED,
    )


def parse_published(value: str | None) -> datetime | None:
    """ISO 8601 text -> naive UTC-less datetime for sorting, or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def to_document(article: Article) -> dict:
    """Flatten an Article into the keyword arguments of `writer.add_document`."""
    doc = {
        "id": article.id,
        "title": article.title,
        "lead": article.lead,
        "headings": "\n".join(article.headings),
        "body": article.body,
        "content": article.title + "\n" + article.body,
        "authors": "\n".join(article.authors),  # a name never holds a newline
        "outlet": article.outlet or "",
        "content_hash": article.content_hash,
        "authors_column": "\n".join(article.authors).encode("utf-8"),
        "published_column": (article.published or "").encode("utf-8"),
        "source_path": article.source_path,
        "title_derived": article.title_derived,
        "published_text": article.published,
        "url": article.url,
        "removed": json.dumps([[b.rule, b.text] for b in article.removed]),
    }
    if article.lead and article.body.startswith(article.lead):
        # The lead is the body's first paragraph: store it for display, but index it only
        # once (in body), or every opening word scores lead + body and outranks a title.
        doc["lead"] = ""
        doc["_stored_lead"] = article.lead
    # Commas inside a name would split it into two facet values.
    names = [a.replace(",", " ") for a in article.authors if a.strip()]
    if names:
        doc["author_facet"] = ",".join(names)
    if article.outlet:
        doc["outlet_facet"] = article.outlet
    published = parse_published(article.published)
    if published is not None:
        doc["published"] = published
        doc["year"] = str(published.year)
    return doc


def from_stored(stored: dict) -> Article:
    """Rebuild an Article from a document's stored fields."""
    removed = tuple(
        RemovedBlock(text=t, rule=r) for r, t in json.loads(stored.get("removed") or "[]")
    )
    authors = tuple(a for a in (stored.get("authors") or "").split("\n") if a)
    return Article(
        id=stored["id"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        source_path=stored.get("source_path", ""),
        content_hash=stored.get("content_hash", ""),
        title_derived=bool(stored.get("title_derived")),
        lead=stored.get("lead", ""),
        headings=tuple(h for h in (stored.get("headings") or "").split("\n") if h),
        authors=authors,
        outlet=stored.get("outlet") or None,
        published=stored.get("published_text"),
        url=stored.get("url"),
        removed=removed,
    )
