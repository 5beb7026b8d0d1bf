"""Strip page furniture from a scraped article's text: pure, text in, CleanResult out.

Every rule is one row of RULES; a block (a paragraph, or one line of a list) is removed by
the first rule that matches it, and the rule's name is recorded with the removed text.
"""

from __future__ import annotations

import hashlib
import inspect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from ..model import RemovedBlock
from .furniture import comments_start, excerpt_run, teaser_run
from .textshape import (
    HAS_ALNUM,
    ends_sentence,
    headline_like,
    is_bullet,
    is_data,
    is_headline,
    is_prose,
    line_key,
    ui_ish,
    unwrap,
    word_count,
    wrap_width,
)

__all__ = [
    "PIPELINE_VERSION",
    "RULES",
    "RULES_DIGEST",
    "CleanResult",
    "Rule",
    "clean_article",
    "derive_title",
    "find_template_lines",
    "line_key",
    "strip_boilerplate",
]


@dataclass(frozen=True)
class CleanResult:
    """The kept article body, what was removed, and the metadata found on the way."""

    text: str
    removed: tuple[RemovedBlock, ...]
    title: str | None
    title_derived: bool
    authors: tuple[str, ...]
    outlet: str | None
    headings: tuple[str, ...]
    lead: str


# --- the page being cleaned ---------------------------------------------------------------


@dataclass
class _Page:
    blocks: list[str]
    template_lines: frozenset[str]
    # Typed copy (hard-wrapped, or mostly tables) is not a rendered web page: no menus to trim.
    typed: bool = False
    keys: list[str] = field(init=False)
    title_index: int | None = None
    main: tuple[int, int] | None = None  # first and last block of the article proper
    teasers: set[int] = field(default_factory=set)
    comments_from: int | None = None

    def __post_init__(self) -> None:
        self.keys = [line_key(b) for b in self.blocks]
        self.teasers = teaser_run(self.blocks, self.keys) | excerpt_run(self.blocks)
        self.comments_from = comments_start(self.blocks)
        self.typed = self.typed or sum(map(is_data, self.blocks)) >= 0.3 * len(self.blocks)

    @property
    def title_key(self) -> str | None:
        return None if self.title_index is None else self.keys[self.title_index]


# --- rules --------------------------------------------------------------------------------

Test = Callable[[_Page, int], bool]


@dataclass(frozen=True)
class Rule:
    """One way of recognising furniture; `where` says if it applies anywhere or at the edges."""

    name: str
    test: Test
    where: Literal["anywhere", "edge"] = "anywhere"


def _pattern(regex: str, max_words: int = 30) -> Test:
    """A rule that matches a whole short block by regex (long prose is never furniture)."""
    compiled = re.compile(regex, re.IGNORECASE)

    def test(page: _Page, i: int) -> bool:
        block = page.blocks[i]
        return word_count(block) <= max_words and bool(compiled.search(block))

    return test


_NAME = r"[^\W\d_][\w'’.-]*"
_NAME_PART = re.compile(
    rf"{_NAME}(?:\s+(?:{_NAME}|de|van|von|der|den|da|di|du|del|al|bin|la|le)){{0,4}}"
)
_BYLINE = re.compile(r"^by[:\s]\s*(?P<names>.+?)\s*$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b)\s*")


def _byline_names(block: str) -> list[str] | None:
    """The names in a byline such as "By A, B and C", or None when it is not one."""
    m = _BYLINE.match(block)
    if not m or word_count(block) > 25 or ends_sentence(block.rstrip(".")):
        return None
    parts = [p.strip(" .") for p in _NAME_SPLIT.split(m["names"]) if p.strip(" .")]
    names = [p for p in parts if not re.search(r"\d", p)]  # a date after a bar is not a name
    if not names or not all(_NAME_PART.fullmatch(p) and p[0].isupper() for p in names):
        return None
    return names


def _byline(page: _Page, i: int) -> bool:
    return i < 8 and _byline_names(page.blocks[i]) is not None


def _headline_echo(page: _Page, i: int) -> bool:
    return page.title_key is not None and i != page.title_index and page.keys[i] == page.title_key


def _teaser(page: _Page, i: int) -> bool:
    return i in page.teasers


def _comments(page: _Page, i: int) -> bool:
    return page.comments_from is not None and i >= page.comments_from


def _template(page: _Page, i: int) -> bool:
    return page.keys[i] in page.template_lines


def _symbols_only(page: _Page, i: int) -> bool:
    return not HAS_ALNUM.search(page.blocks[i])


def _edge_ui(page: _Page, i: int) -> bool:
    return not page.typed and ui_ish(page.blocks[i])


def _outside_main(page: _Page, i: int) -> bool:
    # Bullets are lists the author wrote (notes, key points); a scraped menu has no dashes.
    if page.typed or page.main is None:
        return False
    outside = not page.main[0] <= i <= page.main[1]
    return outside and not is_bullet(page.blocks[i])


# Republication notices also name the outlet the text came from.
_REPUBLISHED = re.compile(
    r"(?:first|originally)\s+(?:appeared|published|ran)\s+(?:on|in|at|by)\s+(?:the\s+)?"
    r"(?P<outlet>.+?)(?=\s+(?:and|on|under|as|website)\b|[,.;]|$)",
    re.IGNORECASE,
)

# Patterns for the table below. Each matches a whole short block; long prose never matches.
# "© 2025 Owner" or "Copyright 2025": a symbol or the word then a year, not any mention.
_COPYRIGHT = r"(?:©|\(c\)|\bcopyright)\s*(?:©\s*)?\d{4}|^(?:©|copyright ©)|all rights reserved"
_WIRE_TAG = r"^the[- ]\w+[- ]wire$"
# "Name/Agency/Getty Images": capitalised parts joined by slashes, nothing else.
_CREDIT_PART = r"[^\W\d_][\w'’.-]*(?:,? [\w'’.-]+){0,4}"
_CREDIT_SLASHES = rf"^{_CREDIT_PART}(?:\s?/\s?{_CREDIT_PART}){{1,5}}(?<!\.)$"
_CREDIT_LABEL = (
    r"^(?:photo|image|picture|video|graphic)s?(?: credit)?\s*[:|]|^(?:image|photo) credit|^credit:"
    r"|^(?:photo|image|picture)s? (?:by|courtesy)\b"
    r"|\((?:photo|image|picture)s? (?:by|credit|courtesy)\b[^)]*\)\.?$"
    r"|(?:getty images|shutterstock|istock(?:photo)?|alamy)(?: stock photo)?\.?$"
)
_REPUBLISHED_NOTE = (
    r"(?:first|originally) (?:appeared|published|ran) (?:on|in|at|by)\b"
    r"|republished (?:with|under|by|from)\b|read the original\b"
)
_ADVERT = r"^(?:advertisement|sponsored(?: content)?|ad)$"
# Prompts speak to the reader (imperative, or "you"/"our"); reporting on a newsletter doesn't.
_NEWSLETTER = (
    r"^(?:sign up|subscribe|join (?:our|the)|enter your|register|don['’]t miss|never miss)\b"
    r"|\b(?:newsletters?|inbox|sign up|subscribe)\b.*\b(?:you|your|our)\b"
    r"|\b(?:you|your|our)\b.*\b(?:newsletters?|inbox|sign up|subscribe)\b"
)
_COOKIES = (
    r"\bcookies?\b.*\b(?:accept|use|policy|consent|settings)\b"
    r"|\b(?:accept|consent to)\b.*\bcookies?\b"
)
_SHARE = (
    r"^(?:share|tweet|email|print|copy link|comments?|follow us)\b.{0,40}$"
    r"|^click to (?:share|email|print|tweet)|\(opens in (?:a )?new window\)"
    r"|^(?:(?:share|facebook|twitter|whatsapp|pinterest|pint|linkedin|reddit|e-?mail|print"
    r"|telegram|tumblr|messenger|flipboard|pocket|copy link)\b\W*){2,}"
)
_READ_MORE = (
    r"^(?:read|see|watch|listen)(?: more| also| next| the full)\b|^click here\b"
    r"|^(?:related|recommended|more from|most (?:read|popular))\b"
)

# Bump when cleaning changes (a rule here, or the extraction and sidecar handling in
# pipeline.py), so `rebuild-index --incremental` cleans every article again rather than
# keeping stale cleanings. RULES_DIGEST is rules_digest() for this version: when the rule
# table changes, tests/test_clean.py fails until both are updated together.
PIPELINE_VERSION = "1"
RULES_DIGEST = "0d6d0a50338e6978c99fa9948736e6b7b5cdfec517dfd979e8c6b54289395d2f"

# Rows are tried in order; the first that matches names the removal.
RULES: list[Rule] = [
    Rule("template", _template),  # corpus evidence: the line recurs across many documents
    Rule("symbols_only", _symbols_only),
    Rule("copyright", _pattern(_COPYRIGHT)),
    Rule("wire_tag", _pattern(_WIRE_TAG, max_words=4)),
    Rule("photo_credit", _pattern(_CREDIT_SLASHES, max_words=14)),
    Rule("photo_credit", _pattern(_CREDIT_LABEL, max_words=20)),
    Rule("republished", _pattern(_REPUBLISHED_NOTE, max_words=45)),
    Rule("advertisement", _pattern(_ADVERT, max_words=3)),
    Rule("newsletter", _pattern(_NEWSLETTER, max_words=25)),
    Rule("cookies", _pattern(_COOKIES, max_words=45)),
    Rule("share", _pattern(_SHARE, max_words=12)),
    Rule("read_more", _pattern(_READ_MORE, max_words=20)),
    Rule("byline", _byline),
    Rule("headline_echo", _headline_echo),
    Rule("teaser_run", _teaser),
    Rule("comments", _comments),
    Rule("edge_ui", _edge_ui, where="edge"),
    Rule("outside_main", _outside_main, where="edge"),
]


def rules_digest(rules: Iterable[Rule] = RULES) -> str:
    """sha256 of the rule table: each row's name, place, test source and its regex and limits."""
    digest = hashlib.sha256()
    for rule in rules:
        cells = [c.cell_contents for c in rule.test.__closure__ or ()]
        settings = [
            (c.pattern, c.flags) if isinstance(c, re.Pattern) else c
            for c in cells
            if isinstance(c, (re.Pattern, int))
        ]
        row = [rule.name, rule.where, inspect.getsource(rule.test), *map(repr, settings)]
        digest.update("\x1f".join(row).encode("utf-8") + b"\x1e")
    return digest.hexdigest()


# --- metadata -----------------------------------------------------------------------------

_DATELINE = re.compile(r"^(?:[^\W\d_a-z][\w .,'’/-]{0,40}\s)?\((?P<outlet>[^()]{2,40})\)\s*[—–-]")
_WIRE = re.compile(r"^the[- ](?P<outlet>\w+)[- ]wire$", re.IGNORECASE)


def _outlet(kept: list[str], removed: list[RemovedBlock]) -> str | None:
    for block in kept[:3]:
        if m := _DATELINE.match(block):
            return m["outlet"].strip()
    for r in removed:
        if r.rule == "republished" and (m := _REPUBLISHED.search(r.text)):
            return m["outlet"].strip()
        if r.rule == "wire_tag" and (m := _WIRE.match(r.text)):
            return m["outlet"]
    return None


def derive_title(text: str, max_words: int = 12) -> str:
    """A stand-in title from the first sentence, cut at `max_words` words with "…"."""
    first = next((p.strip() for p in text.split("\n") if p.strip()), "")
    sentence = re.split(r"(?<=[.!?])\s+(?=[\"“‘'(]?[^\W\d_a-z])", first, maxsplit=1)[0]
    words = sentence.split()
    if len(words) <= max_words:
        return sentence.rstrip(".")
    return " ".join(words[:max_words]).rstrip(",;:—–-") + "…"


# --- the pipeline -------------------------------------------------------------------------


def _to_blocks(lines: list[str]) -> list[str]:
    return [" ".join(s.split()) for s in unwrap(lines) if s.strip()]


def _judge(page: _Page, i: int, where: str) -> str | None:
    return next((r.name for r in RULES if r.where == where and r.test(page, i)), None)


def clean_article(
    text: str, *, template_lines: frozenset[str] = frozenset(), extracted: bool = False
) -> CleanResult:
    """Split the text into blocks, drop the furniture, and pick out title, byline and outlet.

    `extracted` says the text is already a page's main content (from the HTML extractor),
    which has chosen the article and taken the headline out: only the named patterns and
    structural rules apply then, not the edge trimming meant for raw scraped text.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    page = _Page(_to_blocks(lines), template_lines, typed=wrap_width(lines) is not None)
    n = len(page.blocks)
    removed: dict[int, str] = {}

    # The headline is the first block that no rule removes, unless it is a widget label
    # standing before more non-prose (a logo or menu item above the real headline).
    i = 0
    while i < n:
        if name := _judge(page, i, "anywhere"):
            removed[i] = name
        elif extracted:
            break
        elif ui_ish(page.blocks[i]) and not _next_is_prose(page, i, removed):
            removed[i] = _judge(page, i, "edge") or "edge_ui"
        else:
            break
        i += 1
    if i < n - 1 and is_headline(page.blocks[i]) and not extracted:
        page.title_index = i

    for j in range(i, n):
        if j != page.title_index and (name := _judge(page, j, "anywhere")):
            removed[j] = name
    page.main = _main_region(page, range(i, n), set(removed))
    # Furniture at the edges, peeled inwards from both ends past what is already removed.
    for order in () if extracted else (range(i, n), range(n - 1, i - 1, -1)):
        for j in order:
            if j in removed or j == page.title_index:
                continue
            if name := _judge(page, j, "edge"):
                removed[j] = name
            else:
                break

    kept = [j for j in range(n) if j not in removed and j != page.title_index]
    dropped = [RemovedBlock(page.blocks[j], removed[j]) for j in sorted(removed)]
    kept_text = [page.blocks[j] for j in kept]
    authors = next((tuple(_byline_names(r.text) or ()) for r in dropped if r.rule == "byline"), ())
    headings = tuple(
        page.blocks[j]
        for pos, j in enumerate(kept)
        if pos + 1 < len(kept)
        and headline_like(page.blocks[j], 15)
        and not is_prose(page.blocks[j])
    )
    lead = next((b for b in kept_text if is_prose(b) and not is_bullet(b)), "")
    return CleanResult(
        text=_join(kept_text),
        removed=tuple(dropped),
        title=None if page.title_index is None else page.blocks[page.title_index],
        title_derived=False,
        authors=authors,
        outlet=_outlet(kept_text, dropped),
        headings=headings,
        lead=lead,
    )


# Weights for finding the article among page furniture: prose counts for its words, a
# bullet for a little, and any other line against (menus, labels, link lists).
LINE_PENALTY = 8


def _weight(block: str) -> int:
    if is_prose(block):
        return word_count(block)
    if is_bullet(block) or (word_count(block) >= 3 and ends_sentence(block)):
        return 1  # list items and short finished sentences lean towards content
    if is_data(block):
        return 0  # a table row next to the text belongs to it (wire results tables)
    return -LINE_PENALTY


def _discount_headings(weights: list[int]) -> list[int]:
    """One or two short lines between paragraphs are headings, not a menu: they cost 1."""
    out = list(weights)
    k = 0
    while k < len(out):
        if out[k] >= 0:
            k += 1
            continue
        end = k
        while end < len(out) and out[end] < 0:
            end += 1
        if end - k <= 2 and k > 0 and end < len(out) and out[k - 1] > 1 and out[end] > 1:
            out[k:end] = [-1] * (end - k)
        k = end
    return out


def _main_region(
    page: _Page, candidates: Iterable[int], removed: set[int]
) -> tuple[int, int] | None:
    """The run of blocks with the most prose net of furniture (maximum-sum subarray).

    Blocks already removed still count against a run, as the furniture they are, so that
    taking out a menu does not join the article to the teasers beyond it. Ties go to the
    longer run: losing a paragraph costs more than keeping a stray line.
    """
    best, best_span = 0, None
    total, start = 0, None
    js = [j for j in candidates if j != page.title_index]
    weights = _discount_headings(
        [-LINE_PENALTY if j in removed else _weight(page.blocks[j]) for j in js]
    )
    for j, w in zip(js, weights, strict=True):
        if start is None or total < 0:
            total, start = 0, j
        total += w
        if total > 0 and total >= best:
            best, best_span = total, (start, j)
    return best_span


def _next_is_prose(page: _Page, i: int, removed: dict[int, str]) -> bool:
    nxt = next((page.blocks[j] for j in range(i + 1, len(page.blocks)) if j not in removed), "")
    return is_prose(nxt) or is_bullet(nxt)


def _join(blocks: list[str]) -> str:
    """Paragraphs apart by a blank line; the items of one list stay on consecutive lines."""
    out: list[str] = []
    for b in blocks:
        if out and is_bullet(b) and is_bullet(out[-1].rsplit("\n", 1)[-1]):
            out[-1] += "\n" + b
        else:
            out.append(b)
    return "\n\n".join(out)


def strip_boilerplate(text: str) -> str:
    """The article body with page furniture removed; same as clean_article(text).text."""
    return clean_article(text).text


def find_template_lines(
    texts: Iterable[str],
    *,
    min_docs: int = 3,
    min_share: float = 0.02,
    total_docs: int | None = None,
) -> frozenset[str]:
    """Keys of short lines found in many documents: page template, not content.

    `total_docs` is the size of the corpus the texts come from, when they are only part of
    it; the share is taken of that, not of the texts given.
    """
    counts: Counter[str] = Counter()
    docs = 0
    for text in texts:
        docs += 1
        counts.update({line_key(s) for s in text.splitlines() if 0 < word_count(s) <= 15})
    need = max(min_docs, math.ceil(min_share * (docs if total_docs is None else total_docs)))
    return frozenset(k for k, c in counts.items() if c >= need)
