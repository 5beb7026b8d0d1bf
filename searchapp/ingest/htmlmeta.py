"""HTML page metadata: title, authors, date, canonical URL, outlet, description.

Pure: a parsed lxml tree in, a PageMeta out. Reads the usual meta tags, JSON-LD and byline
markup; `htmlpage` uses it beside the main-text extraction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import lxml.html


@dataclass(frozen=True)
class PageMeta:
    title: str | None
    authors: tuple[str, ...]
    published: str | None  # ISO 8601 date or date-time
    url: str | None
    outlet: str | None
    description: str | None


def read_metadata(tree: lxml.html.HtmlElement) -> PageMeta:
    """Everything the page says about itself in markup; values are None when absent."""
    meta = _meta_index(tree)
    ld = list(_json_ld_objects(tree))
    outlet = _outlet(meta, ld)
    url = _url(tree, meta)
    return PageMeta(
        title=_title(tree, meta, outlet, url),
        authors=_authors(tree, meta, ld, outlet),
        published=_published(tree, meta, ld),
        url=url,
        outlet=outlet,
        description=_first(meta, "og:description", "description", "twitter:description"),
    )


def squash_space(text: str | None) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return " ".join((text or "").split())


def _meta_index(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Every <meta> content by lower-cased property/name/itemprop, in page order."""
    index: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = squash_space(el.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (el.get(attr) or "").strip().lower()
            if key:
                index.setdefault(key, []).append(content)
    return index


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict]:
    """Every JSON-LD object on the page, @graph members included; bad JSON is skipped."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[:0] = item
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack[:0] = item["@graph"]


def _ld_types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


def _ld_names(value: object) -> Iterator[str]:
    """Names from a JSON-LD author/publisher value: a string, an object, or a list of them."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            yield item["name"]


def _outlet(meta: dict[str, list[str]], ld: list[dict]) -> str | None:
    site = _first(meta, "og:site_name")
    if site:
        return site
    for obj in ld:
        for name in _ld_names(obj.get("publisher")):
            if squash_space(name):
                return squash_space(name)
    return _first(meta, "application-name")


def _url(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> str | None:
    og_url = _first(meta, "og:url")
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and squash_space(
            link.get("href")
        ):
            # a relative canonical only makes sense against the page's own absolute URL
            return urljoin(og_url or "", squash_space(link.get("href")))
    return og_url


# " | Site", " - Site", " — Site", " :: Site" at the end of a title.
_TITLE_SUFFIX_RE = re.compile(
    r"^(?P<head>.+?)\s+(?:[|\-\u2013\u2014\u00b7\u2022]|::)\s+(?P<tail>[^|\u2013\u2014]+)$"
)


def squash_key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _names_site(suffix: str, outlet: str | None, url: str | None) -> bool:
    """True when a title suffix is the site's name (outlet, or the URL's host name)."""
    tail = squash_key(suffix)
    if not tail:
        return False
    names = [squash_key(outlet or "")]
    host = urlsplit(url or "").hostname or ""
    names += [squash_key(part) for part in host.split(".") if len(part) > 3]
    return any(name and (tail == name or name in tail or tail in name) for name in names)


def _strip_site(title: str, outlet: str | None, url: str | None) -> str:
    match = _TITLE_SUFFIX_RE.match(title)
    if match and _names_site(match["tail"], outlet, url):
        return match["head"].strip()
    return title


def _title(
    tree: lxml.html.HtmlElement, meta: dict[str, list[str]], outlet: str | None, url: str | None
) -> str | None:
    title = _first(meta, "og:title")
    if not title:
        title_el = tree.find(".//title")
        title = squash_space(title_el.text_content()) if title_el is not None else ""
    if title:
        return _strip_site(title, outlet, url) or title
    for h1 in tree.iter("h1"):
        text = squash_space(h1.text_content())
        if text:
            return text
    return None


_BY_RE = re.compile(r"^\s*(?:written\s+)?by\s*:?\s+", re.IGNORECASE)
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b)\s*", re.IGNORECASE)


def _author_names(raw: Iterable[str], outlet: str | None) -> list[str]:
    """Plain names from author strings: no "By ", no URLs, lists split, outlet dropped."""
    names = []
    for value in raw:
        value = squash_space(value)
        if not value or re.match(r"^(https?:|www\.)|@", value, re.IGNORECASE):
            continue  # article:author is often a profile URL, not a name
        for name in _AUTHOR_SPLIT_RE.split(_BY_RE.sub("", value)):
            name = name.strip(" .:-")
            if _is_person(name, outlet):
                names.append(name)
    return names


# login names some CMSs put where the writer's name belongs
_PLACEHOLDER_NAMES = {"admin", "administrator", "staff", "editor", "unknown"}


def _is_person(name: str, outlet: str | None) -> bool:
    """True for a plausible writer's name; not a domain, credential, or the outlet itself."""
    words = name.split()
    site = squash_key(outlet or "")
    return bool(
        words
        and len(name) <= 60
        and len(words) <= 5
        and not re.search(r"\d", name)
        and not re.search(r"\w\.(com|org|net|co|uk|de|fr)\b", name, re.IGNORECASE)  # "Site.com"
        and not (len(words) == 1 and name.isupper())  # "MS", "RDN" after "Jane Doe, MS, RDN"
        and name.casefold() not in _PLACEHOLDER_NAMES
        and not (site and site in squash_key(name))
    )


# Elements that hold a byline: rel=author links and *byline* / *author* classes.
_BYLINE_XPATH = (
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
    " | //*[contains(translate(@class, 'BYLINEAUTHOR', 'bylineauthor'), 'byline')"
    " or contains(translate(@class, 'BYLINEAUTHOR', 'bylineauthor'), 'author')]"
)


def _byline_names(tree: lxml.html.HtmlElement) -> list[str]:
    found = []
    for el in tree.xpath(_BYLINE_XPATH):
        if el.tag in ("img", "script", "style", "meta", "link", "svg", "time"):
            continue
        # only innermost matches: an outer "author-box" would bring its bio along
        if el.xpath(".//*[self::a[@rel='author'] or contains(@class, 'author')]"):
            continue
        text = squash_space(el.text_content())
        if text and len(text) <= 80:
            found.append(text)
    return found


def _authors(
    tree: lxml.html.HtmlElement, meta: dict[str, list[str]], ld: list[dict], outlet: str | None
) -> tuple[str, ...]:
    ld_authors = [name for obj in ld for name in _ld_names(obj.get("author"))]
    structured = (
        meta.get("author", [])
        + meta.get("article:author", [])
        + ld_authors
        + meta.get("dc.creator", [])
        + meta.get("parsely-author", [])
    )
    # bylines are page text, so only a fallback for pages that name nobody in markup
    names = _author_names(structured, outlet) or _author_names(_byline_names(tree), outlet)
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(squash_key(name), name)
    return tuple(seen.values())


_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_ISO_RE = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)


def normalise_date(value: str) -> str | None:
    """An ISO 8601 date or date-time from a date string, or None when it is not one."""
    value = value.strip()
    match = _ISO_RE.search(value.replace("/", "-"))
    try:
        if match:
            date = datetime.strptime(match["date"], "%Y-%m-%d")
            if not match["time"]:
                return date.date().isoformat()
            clock = match["time"] if match["time"].count(":") == 2 else match["time"] + ":00"
            tz = match["tz"] or ""
            tz = "+00:00" if tz.upper() == "Z" else tz
            if tz and ":" not in tz:
                tz = f"{tz[:3]}:{tz[3:]}"
            parsed = datetime.fromisoformat(f"{match['date']}T{clock}{tz}")
            return datetime.combine(date.date(), parsed.timetz()).isoformat(timespec="seconds")
        # RFC 2822, as some feeds and meta tags write it: "Sun, 13 Jul 2025 10:00:00 GMT"
        return parsedate_to_datetime(value).isoformat(timespec="seconds")
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def _published(
    tree: lxml.html.HtmlElement, meta: dict[str, list[str]], ld: list[dict]
) -> str | None:
    candidates = [value for key in _DATE_KEYS for value in meta.get(key, [])]
    candidates += [obj["datePublished"] for obj in ld if isinstance(obj.get("datePublished"), str)]
    times = tree.xpath("//time[@datetime]")
    # a <time> marked as the publication date beats the first one in the page
    times.sort(
        key=lambda t: not (t.get("pubdate") is not None or t.get("itemprop") == "datePublished")
    )
    candidates += [t.get("datetime") for t in times]
    for value in candidates:
        date = normalise_date(value)
        if date:
            return date
    return None
