"""HTML page -> metadata and main article text. Pure: a string in, an HtmlPage out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

import lxml.etree
import lxml.html

from .consensus import SURE, dice, most_agreed
from .dedup import shingles
from .htmlmeta import PageMeta, read_metadata, squash_key, squash_space


@dataclass(frozen=True)
class HtmlPage(PageMeta):
    """What one HTML page says about itself (PageMeta's fields), and its main text."""

    text: str  # paragraphs separated by a blank line; list items as "- " lines
    headings: tuple[str, ...]  # h2-h4 inside the main content


EMPTY = HtmlPage(None, (), None, None, None, None, "", ())


def extract_html(html: str) -> HtmlPage:
    """Read metadata and main text from an HTML page; never raises, text is "" when none."""
    tree = _parse(html)
    if tree is None:
        return EMPTY
    meta = read_metadata(tree)
    blocks = _voted_blocks(tree, html)
    blocks = _drop_repeated_header(blocks, meta.title, meta.description)
    return HtmlPage(
        **asdict(meta),
        text="\n\n".join(text for _, text in blocks),
        headings=tuple(text for kind, text in blocks if kind in ("h2", "h3", "h4")),
    )


def recall_texts(html: str) -> list[str]:
    """Fallback texts for a page whose article was not found, best first.

    The extractor's recall-oriented mode, then every paragraph-like block of the page.
    """
    tree = _parse(html)
    if tree is None:
        return []
    recall = "\n\n".join(text for _, text in _recall_blocks(tree))
    tree = _parse(html)  # a fresh tree: the extractor may have pruned the first one
    body = tree.find("body")
    visible = "\n\n".join(text for _, text in _html_blocks(body if body is not None else tree))
    return [text for text in (recall, visible) if text]


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


# --- main text -----------------------------------------------------------------------

Block = tuple[str, str]  # (kind, text): kind is "p", "h1".."h6", "list", "table"


# favor_precision scores best on the benchmark, but on some pages it keeps only a stray
# notice; below this many characters the balanced mode gets a say.
_SHORT_TEXT = 500


def _main_blocks(tree: lxml.html.HtmlElement, balanced: list[Block]) -> list[Block]:
    """The article's blocks in reading order: trafilatura's choice, repaired. `balanced` is
    its balanced mode's choice, which short precise extractions fall back to."""
    blocks = _trafilatura_blocks(tree, favor_precision=True)
    if _size(blocks) < _SHORT_TEXT and _size(balanced) > 2 * _size(blocks):
        blocks = balanced
    return _add_split_body(tree, blocks)


def _voted_blocks(tree: lxml.html.HtmlElement, html: str) -> list[Block]:
    """Our blocks, unless readability-lxml's or trafilatura's balanced choice agrees better
    with the rest (consensus.py has the figures)."""
    balanced_tree = _parse(html)  # fresh: an extractor may prune the tree it is given
    balanced = (
        _trafilatura_blocks(balanced_tree, favor_precision=False)
        if balanced_tree is not None
        else []
    )
    ours = _main_blocks(tree, balanced)
    grams = [shingles(_joined(ours)), shingles(_joined(balanced))]
    if dice(*grams) >= SURE:
        return ours
    candidates = [ours, balanced, _readability_blocks(html)]
    return candidates[most_agreed([*grams, shingles(_joined(candidates[2]))])]


def _joined(blocks: list[Block]) -> str:
    return "\n".join(text for _, text in blocks)


def _readability_blocks(html: str) -> list[Block]:
    from readability import Document  # on first use, as trafilatura

    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - a third-party parser on hostile input: no vote
        return []
    tree = _parse(summary)
    return _text_blocks(tree) if tree is not None else []


def _recall_blocks(tree: lxml.html.HtmlElement) -> list[Block]:
    return _trafilatura_blocks(tree, favor_precision=False, favor_recall=True)


def _trafilatura_blocks(
    tree: lxml.html.HtmlElement, favor_precision: bool, favor_recall: bool = False
) -> list[Block]:
    import trafilatura  # on first use: 0.4 s of every command's start-up, for HTML only

    try:
        doc = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=True,
            favor_precision=favor_precision,
            favor_recall=favor_recall,
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
    return squash_key(text)[:80]


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
    text = len(squash_space(el.text_content())) or 1
    return sum(len(squash_space(a.text_content())) for a in el.iter("a")) / text


def _html_blocks(el: lxml.etree._Element) -> Iterator[Block]:
    """Blocks of raw HTML: paragraphs, h2-h6, list items; page furniture skipped."""
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        marks = f"{child.get('class', '')} {child.get('id', '')}"
        if not tag or tag in _SKIP_TAGS or _FURNITURE_RE.search(marks):
            continue
        if tag in ("p", "blockquote") and not child.xpath(".//p"):
            text = squash_space(child.text_content())
            if text:
                yield "p", text
        elif tag in _HEADING_TAGS:
            text = squash_space(child.text_content())
            if text:
                yield tag, text
        elif tag in ("ul", "ol") and _link_share(child) < 0.5:  # all links: a menu or teasers
            lines = [f"- {squash_space(li.text_content())}" for li in child.iter("li")]
            lines = [line for line in lines if line != "- "]
            if lines:
                yield "list", "\n".join(lines)
        elif tag not in ("ul", "ol"):
            yield from _html_blocks(child)


# HTML elements that start a new line; text inside any other element runs on.
_LINE_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "td", "th", "tr", "ul", "caption",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
_NO_TEXT_TAGS = {"script", "style", "noscript", "template"}


def _text_blocks(root: lxml.etree._Element) -> list[Block]:
    """Every text of an element, a block per line a browser would break (headings as
    headings, list items as one "- " list): how another extractor's HTML is read."""
    blocks: list[Block] = []
    line: list[str] = []
    items: list[str] = []

    def end_line(kind: str = "p") -> None:
        text = squash_space("".join(line))
        line.clear()
        if not text:
            return
        if kind == "li":
            items.append(f"- {text}")
            return
        if items:
            blocks.append(("list", "\n".join(items)))
            items.clear()
        blocks.append((kind if kind in _HEADING_TAGS or kind == "h1" else "p", text))

    def walk(el: lxml.etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _NO_TEXT_TAGS:
            return
        breaks = tag in _LINE_TAGS
        if breaks:
            end_line()
        line.append(el.text or "")
        for child in el:
            walk(child)
            line.append(child.tail or "")
        if breaks:
            end_line(tag)

    walk(root)
    end_line()
    if items:
        blocks.append(("list", "\n".join(items)))
    return blocks


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
    lines = (squash_space(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _item_lines(lst: lxml.etree._Element) -> Iterator[str]:
    """One "- " line per list item; a nested list's items follow their parent's line."""
    for item in lst:
        if item.tag != "item":
            continue
        text = squash_space(" ".join(_own_text(item)))
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
        cells = [squash_space(cell.xpath("string()")) for cell in row.iter("cell")]
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
            text = squash_space(child.xpath("string()"))
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
    known = {squash_key(t) for t in (title, description) if t}
    start = 0
    while start < len(blocks) and blocks[start][0].startswith("h"):
        text = squash_key(blocks[start][1])
        if not any(text and k and (text == k or text in k or k in text) for k in known):
            break
        start += 1
    return blocks[start:]
