"""An Article as a shard row, and back (pure: no connection here)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from ...ingest.name_variants import MIN_LETTERS
from ...ingest.profile import profile_of, profile_text
from ...model import Article, RemovedBlock
from ..analysis import SECTION_BREAK, WORD_PATTERN, analyse_word
from ..schema import parse_published, weighted_text
from .config import FIELDS, QUOTES

# Undated articles sort after every dated one (as in the Whoosh engine's date rank).
UNDATED = -(2**62)


def _hash64(text: str) -> int:
    """A stable 63-bit hash: the same on every machine and Python run (unlike hash())."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1 or 1  # Sphinx doc ids must be positive


def doc_id(article_id: str) -> int:
    """The numeric document id Sphinx needs for an article's string id."""
    return _hash64("id:" + article_id)


def shard_of(article_id: str, shards: int) -> int:
    """Which shard holds an article: by the id's hash, so a re-run routes it the same way."""
    return doc_id(article_id) % shards


def name_id(name: str) -> int:
    """An author's numeric id, for the author_ids MVA the facet counts and the filter uses."""
    return _hash64("author:" + name)


def speaker_id(name: str) -> int:
    """A speaker's numeric id, for the speaker_ids MVA (the speaker facet and filter)."""
    return _hash64("speaker:" + name)


def name_form_id(form: str) -> int:
    """A name word's id (its indexed form), for the name_forms MVA."""
    return _hash64("name:" + form)


def name_forms(sections: dict[str, str]) -> list[int]:
    """Ids of the indexed forms of the capitalised words in an article's sections.

    The variants of a name are learned among capitalised words (ingest/name_variants.py);
    this says which spellings an article holds, so a search ranks those holding a name
    as typed above those holding only its variants, as the Whoosh engine does from its
    term matchers. (A spelling written only in lower case is not counted here.)
    """
    words = {w for text in sections.values() for w in WORD_PATTERN.findall(text) if w[:1].isupper()}
    return sorted({name_form_id(analyse_word(w)) for w in words if len(w) >= MIN_LETTERS})


def group_key(kind: str, first_id: str) -> int:
    """The GROUP BY key of a group of copies or a story, named by its first article.

    Never an article's own doc id (another hash namespace), so `copy_key != id` says that
    an article is in a group.
    """
    return _hash64(f"{kind}\x00{first_id}")


def date_key(published: str | None) -> int:
    """Seconds since 1970 (UTC) for sorting and date filters; UNDATED when there is no date."""
    parsed = parse_published(published)
    if parsed is None:
        return UNDATED
    return int(parsed.replace(tzinfo=UTC).timestamp())


def day_start(day) -> int:
    """date_key of midnight (UTC) at the start of a day."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def sections(article: Article) -> dict[str, str]:
    """The searchable sections, as the Whoosh engine weighs them (a lead repeating the body's
    first paragraph is left out there, so it is here)."""
    return dict(zip(FIELDS, weighted_text(article).split(SECTION_BREAK), strict=True))


def to_row(article: Article) -> dict:
    """The column values of one article's row (the doc id included).

    The group keys start as the article's own (alone); stories.group_colour() sets them
    once every row is written. `speaker_names` is not a column: the build's tally reads it.
    """
    published = parse_published(article.published)
    profile = profile_of(article)
    searched = sections(article)
    speakers = sorted({q.speaker.replace(",", " ") for q in profile.quotes if q.speaker})
    stored = {
        "id": article.id,
        "title": article.title,
        "body": article.text,
        "source_path": article.source_path,
        "content_hash": article.content_hash,
        "title_derived": article.title_derived,
        "lead": article.lead,
        "headings": list(article.headings),
        "authors": list(article.authors),
        "outlet": article.outlet,
        "published": article.published,
        "url": article.url,
        "language": article.language,
        "removed": [[b.rule, b.text] for b in article.removed],
    }
    return {
        "id": doc_id(article.id),
        **searched,
        QUOTES: "\n\n".join(q.text for q in profile.quotes),
        "article_id": article.id,
        "outlet_value": article.outlet or "",
        "content_hash": article.content_hash,
        "published": article.published or "",
        "year": published.year if published else 0,
        "date_key": date_key(article.published),
        "author_ids": sorted({name_id(a.replace(",", " ")) for a in article.authors if a.strip()}),
        "speaker_ids": sorted({speaker_id(name) for name in speakers}),
        "name_forms": name_forms(searched),
        "language": language_number(article.language),
        "profile": profile_text(profile),
        "copy_key": doc_id(article.id),
        "story_key": doc_id(article.id),
        "story": 0,
        "stored": json.dumps(stored, ensure_ascii=False),
        "speaker_names": speakers,
    }


def language_number(code: str | None) -> int:
    """A two-letter ISO 639-1 code as the `language` attribute's number; 0 for none."""
    if not code or len(code) != 2 or not code.isascii():
        return 0
    return ord(code[0]) << 8 | ord(code[1])


def language_code(number: int) -> str | None:
    """The code a `language` attribute's number stands for (language_number's inverse)."""
    return chr(number >> 8) + chr(number & 0xFF) if number else None


def from_stored(text: str, with_removed: bool = True) -> Article:
    """The Article a row's `stored` attribute holds."""
    data = json.loads(text)
    return Article(
        id=data["id"],
        title=data["title"],
        text=data["body"],
        source_path=data["source_path"],
        content_hash=data["content_hash"],
        title_derived=bool(data["title_derived"]),
        lead=data["lead"],
        headings=tuple(data["headings"]),
        authors=tuple(data["authors"]),
        outlet=data["outlet"],
        published=data["published"],
        url=data["url"],
        language=data.get("language"),  # rows written before the language was stored
        removed=tuple(RemovedBlock(text=t, rule=r) for r, t in data["removed"])
        if with_removed
        else (),
    )
