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
    """A sentence-like paragraph: long enough and finished, or long enough to be sure."""
    n = _words(line)
    return (n >= 8 and _ends_sentence(line)) or n >= 25


def _is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def _headline_like(line: str, max_words: int = 25) -> bool:
    """Short, capitalised, and not ending a sentence (a question mark is allowed)."""
    if _is_bullet(line) or not 1 <= _words(line) <= max_words or len(line) > 220:
        return False
    if re.search(r"[.,;:…–—-]['\"’”]?$", line):
        return False
    return bool(re.match(r"[\"'“‘(\[]?[^\W\d_a-z]|\d", line))


def _is_headline(line: str) -> bool:
    """A headline: headline-like, not prose, and mostly words rather than figures."""
    tokens = line.split()
    figures = sum(1 for t in tokens if re.search(r"\d", t))
    return _headline_like(line) and not _is_prose(line) and figures <= 0.25 * len(tokens)


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
    if len(lengths) < 4:
        return None
    width = sorted(lengths)[int(0.9 * (len(lengths) - 1))]
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
            if out and out[-1] and s[:1].islower() and not _ends_sentence(out[-1]):
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
    keys: list[str] = field(init=False)
    title_index: int | None = None
    teasers: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.keys = [line_key(b) for b in self.blocks]
        self.teasers = _teaser_run(self.blocks, self.keys)

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


def _template(page: _Page, i: int) -> bool:
    return page.keys[i] in page.template_lines


def _symbols_only(page: _Page, i: int) -> bool:
    return not _HAS_ALNUM.search(page.blocks[i])


def _edge_ui(page: _Page, i: int) -> bool:
    return _ui_ish(page.blocks[i])


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
_CREDIT_SLASHES = rf"^{_CREDIT_PART}(?:\s?/\s?{_CREDIT_PART}){{1,5}}$"
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
_SHARE = r"^(?:share|tweet|email|print|copy link|comments?|follow us)\b.{0,40}$"
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
    Rule("share", _pattern(_SHARE, max_words=8)),
    Rule("read_more", _pattern(_READ_MORE, max_words=20)),
    Rule("byline", _byline),
    Rule("headline_echo", _headline_echo),
    Rule("teaser_run", _teaser),
    Rule("edge_ui", _edge_ui, where="edge"),
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


def _to_blocks(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [" ".join(s.split()) for s in _unwrap(lines) if s.strip()]


def _judge(page: _Page, i: int, where: str) -> str | None:
    return next((r.name for r in RULES if r.where == where and r.test(page, i)), None)


def clean_article(text: str, *, template_lines: frozenset[str] = frozenset()) -> CleanResult:
    """Split the text into blocks, drop the furniture, and pick out title, byline and outlet."""
    page = _Page(_to_blocks(text), template_lines)
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
    # Trailing widget labels, peeled from the end inwards past what is already removed.
    for j in range(n - 1, i, -1):
        if j in removed:
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
