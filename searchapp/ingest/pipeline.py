"""Turn one raw corpus source into a clean Article (pure: no files, no index)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from ..model import Article, SkippedFile
from .clean import PIPELINE_VERSION, CleanResult, clean_article, derive_title
from .htmlpage import extract_html

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


def content_hash(*parts: bytes) -> str:
    """Stable hash of an article's inputs and the pipeline that cleans them."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def validate_sidecar(data: object) -> dict:
    """Check a sidecar's shape; raise ValueError naming the bad key."""
    if not isinstance(data, dict):
        raise ValueError("sidecar must be a JSON object")
    clean: dict = {}
    for key, value in data.items():
        if key not in SIDECAR_FIELDS or value is None:
            continue  # unknown keys are ignored so sidecars can carry other tools' data
        if key == "authors" and isinstance(value, str):
            value = [value]
        if not isinstance(value, SIDECAR_FIELDS[key]):
            raise ValueError(f"sidecar key {key!r} must be a {SIDECAR_FIELDS[key].__name__}")
        if key == "authors":
            if not all(isinstance(name, str) for name in value):
                raise ValueError("sidecar key 'authors' must be a list of strings")
            value = tuple(name.strip() for name in value if name.strip())
        elif isinstance(value, str):
            value = value.strip()
        if key == "published" and value:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"sidecar 'published' is not an ISO 8601 date: {value!r}"
                ) from None
        clean[key] = value
    return clean


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
    if not cleaned.text.strip():
        return SkippedFile(source.path, "no article text left after removing boilerplate")

    meta = source.sidecar
    title = meta.get("title") or (page and page.title) or cleaned.title
    title_derived = not title
    if not title:
        title = derive_title(cleaned.text)
    headings = cleaned.headings or (page.headings if page else ())
    lead = (page and page.description) or cleaned.lead
    return Article(
        id=source.id,
        title=title,
        title_derived=title_derived,
        body=cleaned.text,
        lead=lead or "",
        headings=tuple(headings),
        authors=tuple(meta.get("authors") or (page and page.authors) or cleaned.authors),
        outlet=meta.get("outlet") or (page and page.outlet) or cleaned.outlet,
        published=meta.get("published") or (page and page.published) or None,
        url=web_url(meta.get("url") or (page and page.url) or None),
        source_path=source.path,
        content_hash=source.raw_hash,
        removed=cleaned.removed,
    )
