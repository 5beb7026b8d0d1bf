"""Sentence-bounded snippets with the matched words wrapped in <mark>.

Pure: text and the positions of matched words in, HTML strings out. Everything
that is not our own <mark> tag is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

MAX_SNIPPETS = 3
MAX_SNIPPET_CHARS = 240

# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace, or at a line break.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)|\n+""")

Span = tuple[int, int]


def sentence_spans(text: str) -> list[Span]:
    """(start, end) of each sentence, whitespace trimmed."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def mark(
    text: str,
    hits: Iterable[Span],
    start: int = 0,
    end: int | None = None,
    numbered: bool = False,
    first_number: int = 1,
) -> str:
    """Escape text[start:end] and wrap each hit inside it in <mark>.

    `numbered` gives the marks ids hit-N, counting from `first_number`, so a page can link
    to them.
    """
    end = len(text) if end is None else end
    out: list[str] = []
    cursor = start
    number = first_number - 1
    for hit_start, hit_end in sorted(hits):
        if hit_start < cursor or hit_end > end:
            continue
        number += 1
        out.append(escape(text[cursor:hit_start]))
        anchor = f' id="hit-{number}"' if numbered else ""
        out.append(f"<mark{anchor}>{escape(text[hit_start:hit_end])}</mark>")
        cursor = hit_end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _window(span: Span, hits: list[Span]) -> tuple[Span, bool, bool]:
    """Cut a long sentence down to MAX_SNIPPET_CHARS around its first hit."""
    start, end = span
    if end - start <= MAX_SNIPPET_CHARS:
        return span, False, False
    first = hits[0][0]
    new_start = max(start, first - MAX_SNIPPET_CHARS // 3)
    new_end = min(end, new_start + MAX_SNIPPET_CHARS)
    return (new_start, new_end), new_start > start, new_end < end


def _snap(text: str, span: Span, cut_left: bool, cut_right: bool) -> Span:
    """Move cut edges to word boundaries so no word is shown in half."""
    start, end = span
    if cut_left:
        space = text.find(" ", start, end)
        start = space + 1 if space != -1 else start
    if cut_right:
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def spans_within(hits: list[Span], blocks: list[Span]) -> list[list[Span]]:
    """For each block (in order, not overlapping), the sorted hits that lie inside it.

    One pass over both lists: testing every hit against every block was quadratic, and an
    8 MB article with 100,000 matches took over a minute to highlight.
    """
    hits = sorted(hits)
    grouped: list[list[Span]] = []
    i = 0
    for start, end in blocks:
        while i < len(hits) and hits[i][0] < start:
            i += 1  # before this block (or straddling its start): in no block
        inside = []
        while i < len(hits) and hits[i][0] < end:
            if hits[i][1] <= end:
                inside.append(hits[i])
            i += 1
        grouped.append(inside)
    return grouped


def make_snippets(text: str, hits: list[Span], limit: int = MAX_SNIPPETS) -> list[str]:
    """Up to `limit` sentences holding the most distinct hits, in document order."""
    if not hits:
        return []
    scored = []
    sentences = sentence_spans(text)
    for index, ((start, end), inside) in enumerate(
        zip(sentences, spans_within(hits, sentences), strict=True)
    ):
        if inside:
            distinct = len({text[s:e].casefold() for s, e in inside})
            scored.append((-distinct, -len(inside), index, (start, end), inside))
    best = sorted(scored)[:limit]
    snippets = []
    for _, _, _, span, inside in sorted(best, key=lambda row: row[2]):
        window, cut_left, cut_right = _window(span, inside)
        start, end = _snap(text, window, cut_left, cut_right)
        body = mark(text, inside, start, end)
        snippets.append(("… " if cut_left else "") + body + (" …" if cut_right else ""))
    return snippets


def plain_snippet(text: str) -> str:
    """The opening of a text, escaped, for hits that matched outside the body."""
    if len(text) <= MAX_SNIPPET_CHARS:
        return escape(text)
    cut = text.rfind(" ", 0, MAX_SNIPPET_CHARS)
    return escape(text[: cut if cut > 0 else MAX_SNIPPET_CHARS]) + " …"
