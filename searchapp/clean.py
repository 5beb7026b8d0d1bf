"""Strip page furniture from a scraped article's text: pure, text in, CleanResult out.

Every rule is one row of RULES; a block (a paragraph, or one line of a list) is removed by
the first rule that matches it, and the rule's name is recorded with the removed text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from searchapp.model import RemovedBlock

__all__ = [
    "RULES",
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


# --- line shapes ------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_BULLET = re.compile(r"^(?:[-–—*•·▪►‣◦○]|\d{1,2}[.)])\s+\S")
_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”)\]]*$|\[\d+\]$")
_HAS_ALNUM = re.compile(r"[^\W_]")


def _words(line: str) -> int:
    return len(_WORD.findall(line))


def _ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def _is_prose(line: str) -> bool:
    """A sentence-like paragraph: long enough and finished, or long with a sentence inside."""
    n = _words(line)
    if n >= 8 and _ends_sentence(line):
        return True
    # A long line with no sentence break at all is a tag cloud or a link list, not prose.
    return n >= 25 and bool(re.search(r"\w[.!?]['\"’”)]?\s+\S", line))


def _is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def _headline_like(line: str, max_words: int = 25) -> bool:
    """Short, capitalised, and not ending a sentence (a question mark is allowed)."""
    if _is_bullet(line) or not 1 <= _words(line) <= max_words or len(line) > 220:
        return False
    if re.search(r"[.,;:…–—-]['\"’”]?$", line):
        return False
    return bool(re.match(r"[\"'“‘(\[]?[^\W\d_a-z]|\d", line))


def _is_data(line: str) -> bool:
    """A row of figures (a results table in wire copy): over a quarter of the tokens."""
    tokens = line.split()
    return sum(1 for t in tokens if re.search(r"\d", t)) > 0.25 * len(tokens)


def _is_headline(line: str) -> bool:
    """A headline: headline-like, not prose, and mostly words rather than figures."""
    return _headline_like(line) and not _is_prose(line) and not _is_data(line)


def _ui_ish(line: str) -> bool:
    """Button and widget labels: one to four words, no sentence punctuation, no figures."""
    # Figures mark data ("Pay March 31" in wire copy); counted widgets are the share rule's.
    return 1 <= _words(line) <= 4 and not _is_bullet(line) and not re.search(r"[.!?,;\d]", line)


def line_key(line: str) -> str:
    """Normalise a line for counting across documents: casefold, collapse spaces, strip."""
    return " ".join(line.casefold().split())


# --- hard-wrapped text --------------------------------------------------------------------


def _wrap_width(lines: list[str]) -> int | None:
    """The fixed width text was wrapped at, or None when it reads as unwrapped."""
    lengths = [len(s.rstrip()) for s in lines if s.strip()]
    if len(lengths) < 3:
        return None
    # The 90th percentile ignores a few overlong lines; a short text has too few to ignore.
    width = sorted(lengths)[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 10 else max(lengths)
    if not 40 <= width <= 200:
        return None
    # A wrapped line fills the width to within a word or two, and often ends mid-sentence.
    near = [len(s.rstrip()) >= 0.75 * width and len(s.rstrip()) <= width + 5 for s in lines]
    best = run = 0
    for is_near in near:
        run = run + 1 if is_near else 0
        best = max(best, run)
    full = [s.rstrip() for s, is_near in zip(lines, near, strict=True) if is_near]
    unfinished = sum(1 for s in full if not _ends_sentence(s))
    if best >= 2 and len(full) >= 0.4 * len(lengths) and unfinished >= 0.3 * len(full):
        return width
    return None


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs; other lines stay one per block."""
    width = _wrap_width(lines)
    if width is None:
        # Unwrapped text: only a line that plainly goes on (lower-case start) is joined.
        out: list[str] = []
        for line in lines:
            s = line.strip()
            # (A short line before it is a label, such as "34 Comments" above "anna says:".)
            goes_on = out and _words(out[-1]) >= 8 and not _ends_sentence(out[-1])
            if goes_on and s[:1].islower():
                out[-1] = f"{out[-1]} {s}"
            else:
                out.append(s)
        return out
    base = min(len(s) - len(s.lstrip()) for s in lines if s.strip())
    out = []
    prev = ""  # the previous raw line, to judge whether the wrapper broke it
    for line in lines:
        s = line.rstrip()
        indent = len(s) - len(s.lstrip())
        starts_block = not s.strip() or indent > base or _is_bullet(s.strip())
        first_word = s.split()[0] if s.strip() else ""
        # The wrapper broke the previous line if this line's first word would not have fitted
        # on it; a short unfinished line was cut too (its start sat on a dateline, say).
        wrapped = bool(prev.strip()) and (
            len(prev) + 1 + len(first_word) > width or not _ends_sentence(prev)
        )
        if wrapped and not starts_block and out:
            glue = "" if re.search(r"[^\W\d_]-$", out[-1]) else " "
            out[-1] = out[-1] + glue + s.strip()
        else:
            out.append(s)
        prev = s
    return out


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
        self.teasers = _teaser_run(self.blocks, self.keys) | _excerpt_run(self.blocks)
        self.comments_from = _comments_start(self.blocks)
        self.typed = self.typed or sum(map(_is_data, self.blocks)) >= 0.3 * len(self.blocks)

    @property
    def title_key(self) -> str | None:
        return None if self.title_index is None else self.keys[self.title_index]


def _teaser_run(blocks: list[str], keys: list[str]) -> set[int]:
    """Related-article teasers: headlines printed twice in a row, each with a summary.

    Two or more such units in a row mark the run; one doubled line alone is left to the
    other rules, since a heading can be scraped twice by accident.
    """
    doubled = [
        i for i in range(len(blocks) - 1) if keys[i] == keys[i + 1] and _headline_like(blocks[i])
    ]
    found: set[int] = set()
    k = 0
    while k < len(doubled):
        unit_starts = [doubled[k]]
        while k + 1 < len(doubled) and doubled[k + 1] - unit_starts[-1] <= 5:
            k += 1
            unit_starts.append(doubled[k])
        if len(unit_starts) >= 2:
            end = unit_starts[-1] + 2
            # The last teaser's summary: prose after its headline, up to two paragraphs.
            while (
                end < len(blocks)
                and end - unit_starts[-1] <= 3
                and not (end + 1 < len(blocks) and keys[end] == keys[end + 1])
                and _is_prose(blocks[end])
            ):
                end += 1
            found.update(range(unit_starts[0], end))
        k += 1
    return found


_TRUNCATED = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\W*$|read more\W*$", re.IGNORECASE)


def _excerpt_run(blocks: list[str]) -> set[int]:
    """Teasers without the doubled headline: a headline, then one cut-off summary, three times.

    Subheadings in an article are followed by finished paragraphs; a teaser's summary is
    cut mid-sentence or ends in an ellipsis.
    """
    found: set[int] = set()
    units: list[int] = []
    i = 0
    while i < len(blocks) - 1:
        head, summary = blocks[i], blocks[i + 1]
        cut = _TRUNCATED.search(summary) or not _ends_sentence(summary)
        teaser = _is_headline(head) and _words(summary) >= 12 and not _is_data(summary)
        if teaser and cut:
            units.append(i)
            i += 2
            continue
        if len(units) >= 3:
            found.update(range(units[0], units[-1] + 2))
        units = []
        i += 1
    if len(units) >= 3:
        found.update(range(units[0], units[-1] + 2))
    return found


_COMMENT_SIGNATURE = re.compile(
    r"\b(?:says|said|wrote|writes|replied|commented)\s*:\s*$"
    r"|\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\b\.?)?"
    r"|\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b"
    r"|^(?:reply|report|report abuse|permalink|upvote|downvote)$",
    re.IGNORECASE,
)
_SAYS = re.compile(r"\b(?:says|said|wrote|writes|replied|commented)\s*:\s*$", re.IGNORECASE)
_COMMENT_MARKER = re.compile(
    r"^\W*\d*\s*(?:comments?|responses?|replies|reactions)\b"
    r"|\b\d+\s+(?:comments?|responses?)\b"
    r"|^(?:leave|post|add|write|submit) a (?:reply|comment)"
    r"|^(?:join|start) the (?:discussion|conversation)|^discussions?$|comments? (?:are )?closed"
    r"|^(?:top rated|view all|show|load more|all) comments",
    re.IGNORECASE,
)


def _comments_start(blocks: list[str]) -> int | None:
    """Where the readers' comments begin: a run of signatures ("x says:", "2 days ago") after
    the article's prose, marked by a heading such as "34 Comments" or by several "says:".

    Time stamps alone are not enough, since a live blog stamps every entry.
    """
    signatures = [
        i for i, b in enumerate(blocks) if _words(b) <= 20 and _COMMENT_SIGNATURE.search(b)
    ]
    seen_prose = False
    for i, block in enumerate(blocks):
        seen_prose = seen_prose or _is_prose(block)
        if i not in signatures or not seen_prose:
            continue
        run = [i]  # signatures that follow each other closely, as comment headers do
        for s in signatures:
            if run[-1] < s <= run[-1] + 6:
                run.append(s)
        markers = [
            j
            for j in range(max(0, i - 6), i + 1)
            if _words(blocks[j]) <= 8 and _COMMENT_MARKER.search(blocks[j])
        ]
        says = sum(1 for s in run if _SAYS.search(blocks[s]))
        if len(run) >= 3 and (markers or says >= 2):
            return markers[0] if markers else i
    return None


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
        return _words(block) <= max_words and bool(compiled.search(block))

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
    if not m or _words(block) > 25 or _ends_sentence(block.rstrip(".")):
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
    return not _HAS_ALNUM.search(page.blocks[i])


def _edge_ui(page: _Page, i: int) -> bool:
    return not page.typed and _ui_ish(page.blocks[i])


def _outside_main(page: _Page, i: int) -> bool:
    # Bullets are lists the author wrote (notes, key points); a scraped menu has no dashes.
    if page.typed or page.main is None:
        return False
    outside = not page.main[0] <= i <= page.main[1]
    return outside and not _is_bullet(page.blocks[i])


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
    return [" ".join(s.split()) for s in _unwrap(lines) if s.strip()]


def _judge(page: _Page, i: int, where: str) -> str | None:
    return next((r.name for r in RULES if r.where == where and r.test(page, i)), None)


def clean_article(text: str, *, template_lines: frozenset[str] = frozenset()) -> CleanResult:
    """Split the text into blocks, drop the furniture, and pick out title, byline and outlet."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    page = _Page(_to_blocks(lines), template_lines, typed=_wrap_width(lines) is not None)
    n = len(page.blocks)
    removed: dict[int, str] = {}

    # The headline is the first block that no rule removes, unless it is a widget label
    # standing before more non-prose (a logo or menu item above the real headline).
    i = 0
    while i < n:
        if name := _judge(page, i, "anywhere"):
            removed[i] = name
        elif _ui_ish(page.blocks[i]) and not _next_is_prose(page, i, removed):
            removed[i] = _judge(page, i, "edge") or "edge_ui"
        else:
            break
        i += 1
    if i < n - 1 and _is_headline(page.blocks[i]):
        page.title_index = i

    for j in range(i, n):
        if j != page.title_index and (name := _judge(page, j, "anywhere")):
            removed[j] = name
    page.main = _main_region(page, range(i, n), set(removed))
    # Furniture at the edges, peeled inwards from both ends past what is already removed.
    for order in (range(i, n), range(n - 1, i - 1, -1)):
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
        and _headline_like(page.blocks[j], 15)
        and not _is_prose(page.blocks[j])
    )
    lead = next((b for b in kept_text if _is_prose(b) and not _is_bullet(b)), "")
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
    if _is_prose(block):
        return _words(block)
    if _is_bullet(block) or (_words(block) >= 3 and _ends_sentence(block)):
        return 1  # list items and short finished sentences lean towards content
    if _is_data(block):
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
    return _is_prose(nxt) or _is_bullet(nxt)


def _join(blocks: list[str]) -> str:
    """Paragraphs apart by a blank line; the items of one list stay on consecutive lines."""
    out: list[str] = []
    for b in blocks:
        if out and _is_bullet(b) and _is_bullet(out[-1].rsplit("\n", 1)[-1]):
            out[-1] += "\n" + b
        else:
            out.append(b)
    return "\n\n".join(out)


def strip_boilerplate(text: str) -> str:
    """The article body with page furniture removed; same as clean_article(text).text."""
    return clean_article(text).text


def find_template_lines(
    texts: Iterable[str], *, min_docs: int = 3, min_share: float = 0.02
) -> frozenset[str]:
    """Keys of short lines found in many documents: page template, not content."""
    counts: Counter[str] = Counter()
    docs = 0
    for text in texts:
        docs += 1
        counts.update({line_key(s) for s in text.splitlines() if 0 < _words(s) <= 15})
    need = max(min_docs, math.ceil(min_share * docs))
    return frozenset(k for k, c in counts.items() if c >= need)
