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
from . import markers
from .bounds import article_end, lead_separator, marker_strength
from .furniture import comments_start, excerpt_run, teaser_run
from .language import detect_language, stop_words, stopword_share
from .textshape import (
    HAS_ALNUM,
    ends_sentence,
    headline_like,
    is_bullet,
    is_data,
    is_figures_row,
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
    "find_site_template_lines",
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
    language: str | None = None  # ISO 639-1, detected from the page's prose


# --- the page being cleaned ---------------------------------------------------------------


@dataclass
class _Page:
    blocks: list[str]
    template_lines: frozenset[str]
    # Typed copy (hard-wrapped, or mostly tables) is not a rendered web page: no menus to trim.
    typed: bool = False
    keys: list[str] = field(init=False)
    first_of: dict[str, int] = field(init=False)  # block key -> index of its first copy
    title_index: int | None = None
    main: tuple[int, int] | None = None  # first and last block of the article proper
    teasers: set[int] = field(default_factory=set)
    comments_from: int | None = None
    language: str | None = None
    stop_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.keys = [line_key(b) for b in self.blocks]
        self.first_of = {}
        for i, key in enumerate(self.keys):
            self.first_of.setdefault(key, i)
        # The language of the page's prose, not of its menus: they are mostly English labels.
        self.language = detect_language("\n".join(b for b in self.blocks if is_prose(b)))
        self.stop_words = stop_words(self.language)
        self.teasers = teaser_run(self.blocks, self.keys) | excerpt_run(self.blocks)
        self.comments_from = comments_start(self.blocks)
        self.typed = self.typed or sum(map(is_figures_row, self.blocks)) >= 0.3 * len(self.blocks)

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
    where: Literal["anywhere", "edge", "bounds"] = "anywhere"


def reads_as_prose(block: str, words: frozenset[str]) -> bool:
    """A finished sentence of ten words or more in the page's language (a third of it stop
    words): what a label or a link never is, however it starts."""
    return word_count(block) >= 10 and ends_sentence(block) and stopword_share(block, words) >= 0.3


def _pattern(regex: str, max_words: int = 30, *, sentences_stay: bool = False) -> Test:
    """A rule that matches a whole short block by regex (long prose is never furniture).

    With `sentences_stay`, a match at the start of a block that reads as prose is outweighed
    by that evidence: "Related research from the academy found that…" is a sentence.
    """
    compiled = re.compile(regex, re.IGNORECASE)

    def test(page: _Page, i: int) -> bool:
        block = page.blocks[i]
        if word_count(block) > max_words or not compiled.search(block):
            return False
        return not (sentences_stay and reads_as_prose(block, page.stop_words))

    return test


_NAME = r"[^\W\d_][\w'’.-]*"
_NAME_PART = re.compile(
    rf"{_NAME}(?:\s+(?:{_NAME}|de|van|von|der|den|da|di|du|del|al|bin|la|le)){{0,4}}"
)
_BYLINE = re.compile(rf"^(?:{markers.BYLINE_WORDS})[:\s]\s*(?P<names>.+?)\s*$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\b(?:and|und|et|y|e|en|i)\b)\s*")


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


# A page that prints its body twice (or ten times) must not count its words twice. Short
# lines may repeat on purpose ("Yes.", a refrain, a list of scores), so only longer ones go.
REPEAT_MIN_WORDS = 8


def _repeated(page: _Page, i: int) -> bool:
    return page.first_of[page.keys[i]] < i and word_count(page.blocks[i]) >= REPEAT_MIN_WORDS


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
# The ones named in many languages live in markers.py.
_WIRE_TAG = r"^the[- ]\w+[- ]wire$"
# "Name/Agency/Getty Images": capitalised parts joined by slashes, nothing else.
_CREDIT_PART = r"[^\W\d_][\w'’.-]*(?:,? [\w'’.-]+){0,4}"
_CREDIT_SLASHES = rf"^{_CREDIT_PART}(?:\s?/\s?{_CREDIT_PART}){{1,5}}(?<!\.)$"
# "first appeared on X", and the feed footer's word order "The post … appeared first on X."
_REPUBLISHED_NOTE = (
    r"(?:first|originally) (?:appeared|published|ran) (?:on|in|at|by)\b"
    r"|\b(?:appeared|was published) first (?:on|in|at)\b"
    r"|republished (?:with|under|by|from)\b|read the original\b"
)

# Bump when cleaning changes (a rule here, or the extraction and sidecar handling in
# pipeline.py), so `rebuild-index --incremental` cleans every article again rather than
# keeping stale cleanings. RULES_DIGEST is rules_digest() for this version: when the rule
# table changes, tests/test_clean.py fails until both are updated together.
PIPELINE_VERSION = "9"
RULES_DIGEST = "c42bab03db214cfde1f578afdc4852ddd86ed8b7a030b7c76cb4e4c7d93913a8"

# Rows are tried in order; the first that matches names the removal.
RULES: list[Rule] = [
    Rule("template", _template),  # corpus evidence: the line recurs across many documents
    Rule("symbols_only", _symbols_only),
    Rule("copyright", _pattern(markers.COPYRIGHT)),
    Rule("wire_tag", _pattern(_WIRE_TAG, max_words=4)),
    Rule("photo_credit", _pattern(_CREDIT_SLASHES, max_words=14)),
    Rule("photo_credit", _pattern(markers.CREDIT_LABEL, max_words=20)),
    Rule("republished", _pattern(_REPUBLISHED_NOTE, max_words=45)),
    Rule("advertisement", _pattern(markers.ADVERT, max_words=3)),
    Rule("newsletter", _pattern(markers.NEWSLETTER, max_words=25)),
    Rule("cookies", _pattern(markers.COOKIES, max_words=45)),
    Rule("share", _pattern(markers.SHARE, max_words=12, sentences_stay=True)),
    Rule("read_more", _pattern(markers.READ_MORE, max_words=20, sentences_stay=True)),
    Rule("related", _pattern(markers.RELATED, max_words=12, sentences_stay=True)),
    Rule("comments", _pattern(markers.COMMENTS, max_words=8)),
    Rule("tags", _pattern(markers.TAGS, max_words=30)),
    Rule("author_bio", _pattern(markers.AUTHOR_BIO, max_words=8)),
    Rule("byline", _byline),
    Rule("headline_echo", _headline_echo),
    Rule("teaser_run", _teaser),
    Rule("comments", _comments),
    Rule("repeated", _repeated),  # the same block again, verbatim: kept once
    Rule("edge_ui", _edge_ui, where="edge"),
    Rule("outside_main", _outside_main, where="edge"),
    # set by the bounds step, not tested per block: the marker that ends the article, and
    # everything after it (teasers, bios, comment threads are prose, but not the story)
    Rule("after_article_end", lambda page, i: False, where="bounds"),
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
    text: str,
    *,
    template_lines: frozenset[str] = frozenset(),
    extracted: bool = False,
    find_end: bool | None = None,
) -> CleanResult:
    """Split the text into blocks, drop the furniture, and pick out title, byline and outlet.

    `extracted` says the text is already a page's main content (from the HTML extractor),
    which has chosen the article and taken the headline out: only the named patterns and
    structural rules apply then, not the edge trimming meant for raw scraped text.
    `find_end` looks for the end-of-article marker and drops what follows it; by default
    only in text that is not extracted, since the extractor has found the article's end
    (cutting extracted text there lost 0.003-0.009 of recall on each dev set and gained
    no precision). A recall-mode extraction, which has not, asks for it.
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
    page.main = _main_region(page, range(i, n), removed)
    if find_end is None:
        find_end = not extracted
    if find_end and page.main is not None and not page.typed:
        _cut_after_end(page, removed)
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
        language=page.language,
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


# Removed lines that sit between a lead and the body and split nothing: they cost the run 0.
_SEPARATOR_RULES = {"byline", "photo_credit", "share"}


def _run_weight(page: _Page, j: int, removed: dict[int, str]) -> int:
    block = page.blocks[j]
    if removed.get(j) in _SEPARATOR_RULES or lead_separator(block, word_count(block)):
        return 0
    return -LINE_PENALTY if j in removed else _weight(block)


def _main_region(
    page: _Page, candidates: Iterable[int], removed: dict[int, str]
) -> tuple[int, int] | None:
    """The run of blocks with the most prose net of furniture (maximum-sum subarray).

    Blocks already removed still count against a run, as the furniture they are, so that
    taking out a menu does not join the article to the teasers beyond it; a byline, a
    caption or a date line costs nothing, so a lead above them stays with the body. Ties
    go to the longer run: losing a paragraph costs more than keeping a stray line.
    """
    best, best_span = 0, None
    total, start = 0, None
    js = [j for j in candidates if j != page.title_index]
    weights = _discount_headings([_run_weight(page, j, removed) for j in js])
    _favour_the_lead_under_the_headline(page, js, weights)
    for j, w in zip(js, weights, strict=True):
        if start is None or total < 0:
            total, start = 0, j
        total += w
        if total > 0 and total >= best:
            best, best_span = total, (start, j)
    return best_span


# A page title names the post and the site ("Sam Falconer » The Curious Brain"); the post's
# own headline prints one of its parts again above the body.
_TITLE_SEPARATOR = re.compile(r"\s+[-–—|»·:]\s+|:\s+")
# What the first paragraph under that headline weighs extra, in words: a short post's lead
# then outweighs a sidebar blurb of its size. Text path, aeb / Dragnet / Readability:
# 0.913 / 0.859 / 0.894 without; 15 words 0.913 / 0.864 / 0.895; 30 words 0.911 / 0.868 /
# 0.894; weighing the headline itself 40 pulled the gallery lines under it in (0.907 aeb).
HEADLINE_LEAD_BONUS = 15


def _favour_the_lead_under_the_headline(page: _Page, js: list[int], weights: list[int]) -> None:
    """Add HEADLINE_LEAD_BONUS to the first prose block after the post's headline."""
    if page.title_index is None:
        return
    title = page.blocks[page.title_index]
    parts = {line_key(p) for p in _TITLE_SEPARATOR.split(title) if word_count(p) >= 2}
    parts.add(page.keys[page.title_index])
    if len(parts) < 2:
        return  # a title with no site name: its echo is the headline_echo rule's
    headline = next((k for k, j in enumerate(js) if page.keys[j] in parts), None)
    if headline is None:
        return
    lead = next((k for k in range(headline + 1, len(js)) if weights[k] > 1), None)
    if lead is not None:
        weights[lead] += HEADLINE_LEAD_BONUS


def _cut_after_end(page: _Page, removed: dict[int, str]) -> None:
    """End the article at its end marker; the marker and all after it are removed."""
    assert page.main is not None
    counts = [word_count(b) for b in page.blocks]
    prose = [c if is_prose(b) else 0 for b, c in zip(page.blocks, counts, strict=True)]
    strength = [marker_strength(b, c) for b, c in zip(page.blocks, counts, strict=True)]
    end = article_end(prose, strength, page.main, page.comments_from)
    if end is None:
        return
    for j in range(end, len(page.blocks)):
        removed.setdefault(j, "after_article_end")
    page.main = (page.main[0], min(page.main[1], end - 1))


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


# A line on this many pages of one site, and on this share of them, is that site's template:
# a corpus of a thousand sites never gives one site's footer 2% of the documents.
SITE_MIN_DOCS = 3
SITE_MIN_SHARE = 0.1


def find_site_template_lines(pages: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Keys of short lines that recur on several pages of the same site.

    `pages` are (site, text) pairs; the site is any stable name for where a page came
    from (its host, its outlet, its folder).
    """
    by_site: dict[str, list[str]] = {}
    for site, text in pages:
        by_site.setdefault(site, []).append(text)
    found: set[str] = set()
    for texts in by_site.values():
        if len(texts) >= SITE_MIN_DOCS:
            share = SITE_MIN_SHARE
            found |= find_template_lines(texts, min_docs=SITE_MIN_DOCS, min_share=share)
    return frozenset(found)
