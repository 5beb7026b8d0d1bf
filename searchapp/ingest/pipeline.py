"""Turn one raw corpus source into a clean Article (pure: no files, no index)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from urllib.parse import urlsplit

from ..model import Article, SkippedFile
from . import dedup, language
from .clean import PIPELINE_VERSION, CleanResult, clean_article, derive_title
from .dates import html_date, parse_written_date, plausible, text_date
from .htmlpage import extract_html, recall_texts
from .names import person_names
from .outlets import agency_name, wire_credit
from .textshape import is_prose, word_count

SIDECAR_FIELDS = {"title": str, "url": str, "published": str, "outlet": str, "authors": list}

# (size, mtime in ns) of an article file, then of its sidecar ((0, 0) when it has none).
Stamp = tuple[int, int, int, int]


@dataclass(frozen=True)
class Source:
    """A corpus file read and decoded, before cleaning."""

    id: str
    path: str
    kind: str  # "text" or "html"
    text: str
    raw_hash: str  # hash of the file and its sidecar bytes
    sidecar: dict = field(default_factory=dict)
    stamp: Stamp | None = None  # taken before the bytes were read; None: not read from disk
    warnings: tuple[str, ...] = ()  # e.g. a malformed sidecar field that was left out


def load_models() -> None:
    """Load the language model and the copy finder's libraries in this process.

    A build calls this before it starts worker processes: forked from here, they share
    what is loaded, where each used to load its own copy (about a second of CPU apiece).
    """
    language.load_model()
    dedup.load_library()


def content_hash(*parts: bytes) -> str:
    """Stable hash of an article's inputs and the pipeline that cleans them."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def validate_sidecar(data: object) -> tuple[dict, tuple[str, ...]]:
    """A sidecar's usable fields, and one message per malformed field (which is left out).

    Raises ValueError only when the sidecar is not a JSON object at all: one bad field
    must not cost the others, nor the article.
    """
    if not isinstance(data, dict):
        raise ValueError("sidecar must be a JSON object")
    clean: dict = {}
    problems: list[str] = []
    for key, value in data.items():
        if key not in SIDECAR_FIELDS or value is None:
            continue  # unknown keys are ignored so sidecars can carry other tools' data
        try:
            clean[key] = _sidecar_value(key, value)
        except ValueError as error:
            problems.append(f"field {key!r} ignored: {error}")
    return clean, tuple(problems)


def _sidecar_value(key: str, value: object) -> object:
    """One sidecar field checked and tidied; ValueError saying what is wrong with it."""
    if key == "authors" and isinstance(value, str):
        value = [value]
    if not isinstance(value, SIDECAR_FIELDS[key]):
        raise ValueError(f"must be a {SIDECAR_FIELDS[key].__name__}, not {value!r:.60}")
    if key == "authors":
        if not all(isinstance(name, str) for name in value):
            raise ValueError("must be a list of strings")
        return tuple(name.strip() for name in value if name.strip())
    value = value.strip()
    if key == "published" and value:
        return _sidecar_date(value)
    return value


def _sidecar_date(value: str) -> str:
    """An ISO 8601 date, or one written out unambiguously ("11 December 2007"); never one in
    the future or before 1900."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        written = parse_written_date(value)
        if written is None:
            raise ValueError(f"not an ISO 8601 date: {value!r:.60}") from None
        return written
    if not plausible(parsed.date()):
        raise ValueError(f"date in the future or before 1900: {value!r:.60}")
    return value


def web_url(value: str | None) -> str | None:
    """The URL when it is http(s); a "javascript:" or "data:" URL must never become a link."""
    if not value:
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:  # e.g. "http://[::1" (a broken IPv6 host)
        return None
    return value.strip() if scheme in ("http", "https") else None


def build_article(
    source: Source, template_lines: frozenset[str] = frozenset()
) -> Article | SkippedFile:
    """Clean a source and gather its metadata; sidecar values win over inferred ones."""
    page = extract_html(source.text) if source.kind == "html" else None
    text = page.text if page is not None else source.text
    cleaned: CleanResult = clean_article(
        text, template_lines=template_lines, extracted=page is not None
    )
    extraction = "main"
    notes = list(source.warnings)
    if not cleaned.text.strip():
        fallback = fallback_clean(source, template_lines)
        if fallback is None:
            return SkippedFile(
                source.path,
                "no article text left after removing boilerplate",
                removed=cleaned.removed,
            )
        cleaned, extraction = fallback, "fallback"
        notes.append(FALLBACK_NOTE)

    if hint := looks_like_no_article(source.path, cleaned.text):
        notes.append(hint)

    meta = source.sidecar
    title = meta.get("title") or (page and page.title) or cleaned.title
    title_derived = not title
    if not title:
        title = derive_title(cleaned.text)
    headings = cleaned.headings or (page.headings if page else ())
    lead = (page and page.description) or cleaned.lead
    url = web_url(meta.get("url") or (page and page.url) or None)
    outlet = meta.get("outlet") or (page and page.outlet) or _text_outlet(cleaned)
    authors = meta.get("authors") or (page and page.authors) or ()
    if not authors and cleaned.authors:
        authors = tuple(person_names(cleaned.authors, outlet))
        # "By Associated Press": an agency credit with no person is the outlet
        outlet = outlet or next(filter(None, map(agency_name, cleaned.authors)), None)
    if meta.get("published"):
        published = meta["published"]
    elif page is not None:
        # the byline or markup date, else a dateline opening the article text
        shown = page.published or text_date(page.text, updates=False)
        published = html_date(source.text, shown, url)
    else:
        published = text_date(source.text, url)
    return Article(
        id=source.id,
        title=title,
        title_derived=title_derived,
        text=cleaned.text,
        lead=lead or "",
        headings=tuple(headings),
        authors=tuple(authors),
        outlet=(agency_name(outlet) or outlet) if outlet else None,
        published=published,
        url=url,
        source_path=source.path,
        content_hash=source.raw_hash,
        language=cleaned.language,
        removed=cleaned.removed,
        extraction=extraction,
        notes=tuple(notes),
    )


# Files a corpus folder often holds beside the articles: indexed, but worth a warning.
_PROJECT_FILES = {
    "readme", "license", "licence", "changelog", "changes", "contributing", "copying",
    "install", "todo", "manifest", "authors", "notice",
}  # fmt: skip


def _text_outlet(cleaned: CleanResult) -> str | None:
    """The outlet a text names: its dateline or wire credit, else what cleaning found."""
    paragraphs = cleaned.text.split("\n\n")
    credit = wire_credit(paragraphs[0], paragraphs[-1]) if paragraphs else None
    return credit or cleaned.outlet


def looks_like_no_article(path: str, text: str) -> str | None:
    """Why a file looks like no article at all (a README, a table of numbers), or None."""
    stem = PurePath(path).stem.casefold()
    if stem.split(".")[0] in _PROJECT_FILES:
        return f"looks like no article: named like a project file ({PurePath(path).name})"
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if any(is_prose(b) for b in blocks):
        return None
    alnum = sum(c.isalnum() for c in text) or 1
    digits = sum(c.isdigit() for c in text) / alnum
    # 20%: a page of wire prose has 2-5% digits; a results table or price list has far more.
    if digits >= 0.2:
        return f"looks like no article: mostly numbers ({digits:.0%} digits) and no sentences"
    return None


FALLBACK_NOTE = "indexed from a fallback extraction: the article text was not found"
# A fallback is only worth indexing when it holds real prose: this many words in
# sentence-like paragraphs (a menu, a table of numbers or a cookie notice has none).
FALLBACK_MIN_PROSE_WORDS = 60


def fallback_clean(source: Source, template_lines: frozenset[str]) -> CleanResult | None:
    """The text minus the named furniture patterns, for a page whose article was not found.

    HTML goes through the extractor's recall-oriented mode first, then the page's visible
    text; either is cleaned with the named patterns only (no edge trimming, which is what
    removed everything). None when what is left has too little prose to be an article.
    """
    texts = recall_texts(source.text) if source.kind == "html" else [source.text]
    for text in texts:
        cleaned = clean_article(text, template_lines=template_lines, extracted=True, find_end=True)
        prose = sum(word_count(b) for b in cleaned.text.split("\n\n") if is_prose(b))
        if prose >= FALLBACK_MIN_PROSE_WORDS:
            return cleaned
    return None
