"""HTML page -> metadata and main article text. Pure: a string in, an HtmlPage out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura


@dataclass(frozen=True)
class HtmlPage:
    """What one HTML page says about itself, and its main text."""

    title: str | None
    authors: tuple[str, ...]
    published: str | None  # ISO 8601 date or date-time
    url: str | None
    outlet: str | None
    description: str | None
    text: str  # paragraphs separated by a blank line; list items as "- " lines
    headings: tuple[str, ...]  # h2-h4 inside the main content


EMPTY = HtmlPage(None, (), None, None, None, None, "", ())


def extract_html(html: str) -> HtmlPage:
    """Read metadata and main text from an HTML page; never raises, text is "" when none."""
    tree = _parse(html)
    if tree is None:
        return EMPTY
    meta = _meta_index(tree)
    ld = list(_json_ld_objects(tree))
    outlet = _outlet(meta, ld)
    url = _url(tree, meta)
    title = _title(tree, meta, outlet, url)
    description = _first(meta, "og:description", "description", "twitter:description")
    blocks = _main_blocks(tree)
    blocks = _drop_repeated_header(blocks, title, description)
    return HtmlPage(
        title=title,
        authors=_authors(tree, meta, ld, outlet),
        published=_published(tree, meta, ld),
        url=url,
        outlet=outlet,
        description=description,
        text="\n\n".join(text for _, text in blocks),
        headings=tuple(text for kind, text in blocks if kind in ("h2", "h3", "h4")),
    )


# --- parsing -------------------------------------------------------------------------

# NUL and other C0 controls make lxml refuse the whole string; they never carry text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# lxml refuses str input with an encoding declaration, and a doctype can make libxml2 drop
# the rest of the page (lxml bug 1955915); neither carries text.
_PROLOGUE_RE = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!doctype[^>]*>)?", re.IGNORECASE)
# Comments and processing instructions out of the tree: left in, they split text nodes and
# cost trafilatura whole paragraphs on some pages.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
)


_TAG_RE = re.compile(r"<[a-zA-Z!/]")


def _parse(html: str) -> lxml.html.HtmlElement | None:
    # no tag at all: bytes or plain text that is not a page, so nothing to extract
    if not isinstance(html, str) or not _TAG_RE.search(html):
        return None
    html = _PROLOGUE_RE.sub("", _CONTROL_RE.sub("", html.lstrip("\ufeff")), count=1)
    try:
        tree = lxml.html.document_fromstring(html, parser=_PARSER)
    except (ValueError, lxml.etree.LxmlError):
        return None
    return tree if isinstance(tree, lxml.html.HtmlElement) else None


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


# --- metadata ------------------------------------------------------------------------


def _meta_index(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Every <meta> content by lower-cased property/name/itemprop, in page order."""
    index: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = _clean(el.get("content"))
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
            if _clean(name):
                return _clean(name)
    return _first(meta, "application-name")


def _url(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> str | None:
    og_url = _first(meta, "og:url")
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and _clean(link.get("href")):
            # a relative canonical only makes sense against the page's own absolute URL
            return urljoin(og_url or "", _clean(link.get("href")))
    return og_url


# " | Site", " - Site", " — Site", " :: Site" at the end of a title.
_TITLE_SUFFIX_RE = re.compile(
    r"^(?P<head>.+?)\s+(?:[|\-\u2013\u2014\u00b7\u2022]|::)\s+(?P<tail>[^|\u2013\u2014]+)$"
)


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _names_site(suffix: str, outlet: str | None, url: str | None) -> bool:
    """True when a title suffix is the site's name (outlet, or the URL's host name)."""
    tail = _squash(suffix)
    if not tail:
        return False
    names = [_squash(outlet or "")]
    host = urlsplit(url or "").hostname or ""
    names += [_squash(part) for part in host.split(".") if len(part) > 3]
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
        title = _clean(title_el.text_content()) if title_el is not None else ""
    if title:
        return _strip_site(title, outlet, url) or title
    for h1 in tree.iter("h1"):
        text = _clean(h1.text_content())
        if text:
            return text
    return None


_BY_RE = re.compile(r"^\s*(?:written\s+)?by\s*:?\s+", re.IGNORECASE)
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b)\s*", re.IGNORECASE)


def _author_names(raw: Iterable[str], outlet: str | None) -> list[str]:
    """Plain names from author strings: no "By ", no URLs, lists split, outlet dropped."""
    names = []
    for value in raw:
        value = _clean(value)
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
    site = _squash(outlet or "")
    return bool(
        words
        and len(name) <= 60
        and len(words) <= 5
        and not re.search(r"\d", name)
        and not re.search(r"\w\.(com|org|net|co|uk|de|fr)\b", name, re.IGNORECASE)  # "Site.com"
        and not (len(words) == 1 and name.isupper())  # "MS", "RDN" after "Jane Doe, MS, RDN"
        and name.casefold() not in _PLACEHOLDER_NAMES
        and not (site and site in _squash(name))
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
        text = _clean(el.text_content())
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
        seen.setdefault(_squash(name), name)
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


# --- main text -----------------------------------------------------------------------

Block = tuple[str, str]  # (kind, text): kind is "p", "h1".."h6", "list", "table"


# favor_precision scores best on the benchmark, but on some pages it keeps only a stray
# notice; below this many characters the balanced mode gets a say.
_SHORT_TEXT = 500


def _main_blocks(tree: lxml.html.HtmlElement) -> list[Block]:
    """The article's blocks in reading order: trafilatura's choice, repaired."""
    blocks = _trafilatura_blocks(tree, favor_precision=True)
    if _size(blocks) < _SHORT_TEXT:
        balanced = _trafilatura_blocks(tree, favor_precision=False)
        if _size(balanced) > 2 * _size(blocks):
            blocks = balanced
    return _add_split_body(tree, blocks)


def _trafilatura_blocks(tree: lxml.html.HtmlElement, favor_precision: bool) -> list[Block]:
    try:
        doc = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=True,
            favor_precision=favor_precision,
            with_metadata=False,
        )
    except Exception:  # noqa: BLE001 - a third-party parser on hostile input: no text, no crash
        return []
    body = getattr(doc, "body", None)
    return list(_blocks(body)) if body is not None else []


def _size(blocks: list[Block]) -> int:
    return sum(len(text) for _, text in blocks)


# --- split bodies --------------------------------------------------------------------------
# Some sites cut the article into sibling containers of one class (between ads, or one per
# "chunk"); trafilatura keeps the first. Its paragraphs tell us which container it chose, and
# that container's look-alike siblings hold the rest.

_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "figure",
    "figcaption",
    "button",
    "iframe",
    "svg",
    "template",
    "select",
    "input",
    "textarea",
}
_HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}


def _key(text: str) -> str:
    return _squash(text)[:80]


def _add_split_body(tree: lxml.html.HtmlElement, blocks: list[Block]) -> list[Block]:
    known = {_key(text) for kind, text in blocks if kind == "p" and len(text) > 60}
    if len(known) < 2:
        return blocks
    parents: dict[lxml.etree._Element, int] = {}
    for p in tree.iter("p"):
        if _key(p.text_content()) in known:
            parents[p.getparent()] = parents.get(p.getparent(), 0) + 1
    if not parents:
        return blocks
    container, hits = max(parents.items(), key=lambda kv: kv[1])
    if hits < 2:
        return blocks
    # the repeated unit may wrap the paragraphs' parent (a grid cell inside a chunk)
    for unit in [container, *list(container.iterancestors())[:2]]:
        if unit.tag in ("body", "html"):
            break
        before, after = _look_alikes(unit, {_key(text) for _, text in blocks})
        if before or after:
            inside = [i for i, (_, text) in enumerate(blocks) if _key(text) in _own_keys(unit)]
            first, last = (inside[0], inside[-1]) if inside else (0, len(blocks) - 1)
            return blocks[:first] + before + blocks[first : last + 1] + after + blocks[last + 1 :]
    return blocks


def _look_alikes(unit: lxml.etree._Element, seen: set[str]) -> tuple[list[Block], list[Block]]:
    """Blocks of the unit's siblings with its tag and class: those before it, those after."""
    before: list[Block] = []
    after: list[Block] = []
    outer = unit.getparent()
    if outer is None or not unit.get("class"):
        return before, after
    side = before
    for sibling in outer:
        if sibling is unit:
            side = after
        elif sibling.tag == unit.tag and sibling.get("class") == unit.get("class"):
            new = [b for b in _html_blocks(sibling) if _key(b[1]) not in seen]
            # a look-alike holding only captions or teasers is not more article
            if sum(len(t) for k, t in new if k == "p") >= 200:
                side.extend(new)
    return before, after


def _own_keys(el: lxml.etree._Element) -> set[str]:
    return {_key(text) for _, text in _html_blocks(el)}


# class/id words of page furniture that sits inside article containers
_FURNITURE_RE = re.compile(
    r"author|byline|\bbio|related|recirc|more-|newsletter|promo|share|social|comment|advert"
    r"|\bads?\b|sponsor|subscribe|signup|sidebar|widget|caption|credit|\btags?\b",
    re.IGNORECASE,
)


def _link_share(el: lxml.etree._Element) -> float:
    text = len(_clean(el.text_content())) or 1
    return sum(len(_clean(a.text_content())) for a in el.iter("a")) / text


def _html_blocks(el: lxml.etree._Element) -> Iterator[Block]:
    """Blocks of raw HTML: paragraphs, h2-h6, list items; page furniture skipped."""
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        marks = f"{child.get('class', '')} {child.get('id', '')}"
        if not tag or tag in _SKIP_TAGS or _FURNITURE_RE.search(marks):
            continue
        if tag in ("p", "blockquote") and not child.xpath(".//p"):
            text = _clean(child.text_content())
            if text:
                yield "p", text
        elif tag in _HEADING_TAGS:
            text = _clean(child.text_content())
            if text:
                yield tag, text
        elif tag in ("ul", "ol") and _link_share(child) < 0.5:  # all links: a menu or teasers
            lines = [f"- {_clean(li.text_content())}" for li in child.iter("li")]
            lines = [line for line in lines if line != "- "]
            if lines:
                yield "list", "\n".join(lines)
        elif tag not in ("ul", "ol"):
            yield from _html_blocks(child)


# Elements of trafilatura's XML that start a new block; everything else is inline.
_BLOCK_TAGS = {"p", "head", "list", "table", "quote", "div", "code", "item", "graphic"}


def _inline(el: lxml.etree._Element, with_text: bool = True) -> Iterator[str]:
    """Text of an inline element, <lb/> as a line break."""
    if with_text and el.text:
        yield el.text
    for child in el:
        if child.tag == "lb":
            yield "\n"
        elif child.tag not in _BLOCK_TAGS:
            yield from _inline(child)
        if child.tail:
            yield child.tail


def _paragraph(parts: Iterable[str]) -> str:
    lines = (_clean(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _item_lines(lst: lxml.etree._Element) -> Iterator[str]:
    """One "- " line per list item; a nested list's items follow their parent's line."""
    for item in lst:
        if item.tag != "item":
            continue
        text = _clean(" ".join(_own_text(item)))
        if text:
            yield f"- {text}"
        for nested in item.iter("list"):
            yield from _item_lines(nested)


def _own_text(el: lxml.etree._Element) -> Iterator[str]:
    """Text of an element minus any nested list."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag != "list":
            yield from _own_text(child)
        if child.tail:
            yield child.tail


def _table_rows(table: lxml.etree._Element) -> Iterator[str]:
    for row in table.iter("row"):
        cells = [_clean(cell.xpath("string()")) for cell in row.iter("cell")]
        if any(cells):
            yield " | ".join(c for c in cells if c)


def _blocks(el: lxml.etree._Element) -> Iterator[Block]:
    """Blocks of one element of trafilatura's XML; loose text between blocks is a paragraph."""
    loose: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag in _BLOCK_TAGS and _paragraph(loose):
            yield "p", _paragraph(loose)
        if tag in _BLOCK_TAGS:
            loose = []
        if tag == "head":
            text = _clean(child.xpath("string()"))
            if text:
                yield (child.get("rend") or "h2").lower(), text
        elif tag == "list":
            lines = list(_item_lines(child))
            if lines:
                yield "list", "\n".join(lines)
        elif tag == "table":
            rows = list(_table_rows(child))
            if rows:
                yield "table", "\n".join(rows)
        elif tag in _BLOCK_TAGS:
            yield from _blocks(child)
        elif tag == "lb":
            loose.append("\n")
        else:
            loose.extend(_inline(child))
        loose.append(child.tail or "")
    if _paragraph(loose):
        yield "p", _paragraph(loose)


def _drop_repeated_header(
    blocks: list[Block], title: str | None, description: str | None
) -> list[Block]:
    """Drop leading headings that repeat the title or the description: they are fields."""
    known = {_squash(t) for t in (title, description) if t}
    start = 0
    while start < len(blocks) and blocks[start][0].startswith("h"):
        text = _squash(blocks[start][1])
        if not any(text and k and (text == k or text in k or k in text) for k in known):
            break
        start += 1
    return blocks[start:]
