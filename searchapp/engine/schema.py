"""The one place that knows the Whoosh schema and how an Article maps onto it."""

from __future__ import annotations

import json
from datetime import datetime

from whoosh import columns, fields

from ..ingest.profile import profile_bytes, profile_of, signature_bytes
from ..model import Article, RemovedBlock
from .analysis import (
    SECTION_BREAK,
    in_language,
    is_stop_word,
    name_analyzer,
    text_analyzer,
    weighted_text_analyzer,
)

# Bump when build_schema() or to_document() changes: an incremental rebuild then starts
# afresh, since it would otherwise keep writing into the old schema and old documents.
SCHEMA_VERSION = 11  # 11: the text field is stemmed in each article's language


def built_with_this_schema(build_info: dict) -> bool:
    """Whether a generation's build info says it was written with SCHEMA_VERSION."""
    return build_info.get("schema") == SCHEMA_VERSION


# The sections of an article's searchable text and their weights: one title mention counts
# as three body mentions, a lead mention as 1.5, a subheading mention as 1.3. They are
# indexed together as the one `text` field (analysis.TextAnalyzer with weights), so BM25
# saturates and length-normalises a word once per article, not once per section: that
# scored better than per-field BM25 on SciFact and on our judged queries (bench/RANKING.md).
# A weight above 2 keeps a headline mention ahead of two mentions in a similar body.
SECTION_WEIGHTS = {
    "title": 3.0,
    "lead": 1.5,
    "headings": 1.3,
    "body": 1.0,
    "authors": 1.0,
    "outlet": 1.0,
}

# The field a plain query searches, and the names users may type before a colon.
SEARCH_FIELD = "text"
# Whoosh keeps the unstemmed words of a stemmed spelling field here, for did-you-mean and
# search-as-you-type.
SPELLING_FIELD = "spell_text"
USER_FIELD_ALIASES = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "outlet": "outlet",
    "body": "text",
    "text": "text",
    "quote": "quotes",
    "quotes": "quotes",
}


class WordsText(fields.TEXT):
    """TEXT whose stop words are indexed, for quoted phrases, but left out of its length.

    Counted in, they lengthened every article by about two fifths and moved BM25's length
    norm: nDCG@10 fell 0.010 on CACM (bench/RANKING.md). Whoosh sums the frequencies this
    yields into the length and stores positions and weights apart, so a 0 does just that.
    """

    def index(self, value, **kwargs):
        for btext, freq, weight, encoded in super().index(value, **kwargs):
            yield btext, 0 if is_stop_word(btext.decode("utf-8")) else freq, weight, encoded


def build_schema() -> fields.Schema:
    """Return a fresh schema (Whoosh field objects hold state, so never share one)."""
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        # Hyphenated words ("AMP-activated", "Jong-un") match as their parts, as in Lucene
        # and SQLite FTS5; "all words" then asks for every part.
        text=WordsText(
            analyzer=weighted_text_analyzer(tuple(SECTION_WEIGHTS.values())), spelling=True
        ),
        # Searched only when asked for by name ("title:ferry", "author:smith").
        title=WordsText(analyzer=text_analyzer(), stored=True),
        # "Jong-un" in a byline is two tokens; match them as a phrase.
        authors=fields.TEXT(analyzer=names, multitoken_query="phrase", stored=True),
        outlet=fields.TEXT(analyzer=names, multitoken_query="phrase", stored=True),
        lead=fields.STORED,
        headings=fields.STORED,
        body=fields.STORED,  # Article.text: the name "text" is the searched field above
        # Exact values for filters and facets, kept apart from the searchable text.
        author_facet=fields.KEYWORD(commas=True, lowercase=False),
        outlet_facet=fields.ID(sortable=True),
        year=fields.ID(sortable=True),
        language=fields.ID(stored=True, sortable=True),  # ISO 639-1, detected from the text
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
        # Quoted statements (quote:"..."), who said them (a facet and filter), and the
        # profile the corpus-wide steps read back after the build (profile.py).
        quotes=fields.TEXT(analyzer=text_analyzer()),
        speaker_facet=fields.KEYWORD(commas=True, lowercase=False),
        speakers_column=fields.COLUMN(columns.VarBytesColumn()),
        signature_column=fields.COLUMN(columns.VarBytesColumn()),
        profile_column=fields.COLUMN(columns.VarBytesColumn()),
    )


def weighted_text(article: Article) -> str:
    """The article's searchable sections in SECTION_WEIGHTS order, joined by SECTION_BREAK."""
    lead = article.lead
    if lead and article.text.startswith(lead):
        # The lead is the body's first paragraph: count its words once, or every opening
        # word scores as lead + body and outranks a headline mention.
        lead = ""
    sections = {
        "title": article.title,
        "lead": lead,
        "headings": "\n".join(article.headings),
        "body": article.text,
        "authors": "\n".join(article.authors),
        "outlet": article.outlet or "",
    }
    clean = (sections[name].replace(SECTION_BREAK, " ") for name in SECTION_WEIGHTS)
    return SECTION_BREAK.join(clean)


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
        "body": article.text,
        # Stemmed in the article's language (analysis.in_language); the title field stays
        # English-stemmed: it is stored, and the mark must not show.
        "text": in_language(weighted_text(article), article.language),
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
    # Commas inside a name would split it into two facet values.
    names = [a.replace(",", " ") for a in article.authors if a.strip()]
    if names:
        doc["author_facet"] = ",".join(names)
    if article.outlet:
        doc["outlet_facet"] = article.outlet
    profile = profile_of(article)
    doc["signature_column"] = signature_bytes(profile.signature)
    doc["profile_column"] = profile_bytes(profile)
    if profile.quotes:
        doc["quotes"] = "\n\n".join(q.text for q in profile.quotes)
    speakers = sorted({q.speaker.replace(",", " ") for q in profile.quotes if q.speaker})
    if speakers:
        doc["speaker_facet"] = ",".join(speakers)
        doc["speakers_column"] = "\n".join(speakers).encode("utf-8")
    if article.language:
        doc["language"] = article.language
    published = parse_published(article.published)
    if published is not None:
        doc["published"] = published
        doc["year"] = str(published.year)
    return doc


def from_stored(stored: dict, with_removed: bool = True) -> Article:
    """Rebuild an Article from a document's stored fields (`removed` left empty if not wanted)."""
    if "id" not in stored:
        # Every document stores its id: a record without one was read from a truncated
        # stored-fields file. EOFError is what the live index reports as a damaged index.
        raise EOFError("a document's stored fields are cut short (no id)")
    removed = tuple(
        RemovedBlock(text=t, rule=r)
        for r, t in (json.loads(stored.get("removed") or "[]") if with_removed else ())
    )
    authors = tuple(a for a in (stored.get("authors") or "").split("\n") if a)
    return Article(
        id=stored["id"],
        title=stored.get("title", ""),
        text=stored.get("body", ""),
        source_path=stored.get("source_path", ""),
        content_hash=stored.get("content_hash", ""),
        title_derived=bool(stored.get("title_derived")),
        lead=stored.get("lead", ""),
        headings=tuple(h for h in (stored.get("headings") or "").split("\n") if h),
        authors=authors,
        outlet=stored.get("outlet") or None,
        published=stored.get("published_text"),
        url=stored.get("url"),
        language=stored.get("language") or None,
        removed=removed,
    )
