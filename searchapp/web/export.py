"""Hits as CSV and JSON Lines rows, for downloads (pure: no Flask, no Whoosh).

Both formats carry the same columns. CSV cells are made safe for spreadsheets; JSON Lines
keeps the text exactly as indexed, since no program evaluates it as a formula.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Iterator

from ..model import Hit

COLUMNS = ("id", "title", "outlet", "authors", "published", "url", "score", "snippet")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's list: tab
# and carriage return too, since Excel strips them before looking).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AUTHOR_SEPARATOR = "; "
ROWS_PER_WRITE = 100  # rows joined into one chunk of the response: fewer, larger writes

_TAG = re.compile(r"<[^>]*>")


def plain_text(snippet_html: str) -> str:
    """A snippet's text: the <mark> tags dropped and the HTML escapes undone."""
    return html.unescape(_TAG.sub("", snippet_html))


def row(hit: Hit) -> dict:
    """The export columns of one hit (authors as a list; the first snippet as plain text)."""
    return {
        "id": hit.id,
        "title": hit.title,
        "outlet": hit.outlet,
        "authors": list(hit.authors),
        "published": hit.published,
        "url": hit.url,
        "score": hit.score,
        "snippet": plain_text(hit.snippets[0]) if hit.snippets else "",
    }


def spreadsheet_safe(value: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_cells(record: dict) -> list[str]:
    cells = []
    for name in COLUMNS:
        value = record[name]
        if value is None:
            cells.append("")
        elif name == "authors":
            cells.append(spreadsheet_safe(AUTHOR_SEPARATOR.join(value)))
        elif name == "score":
            cells.append(repr(value))
        else:
            cells.append(spreadsheet_safe(value))
    return cells


def csv_chunks(hits: Iterable[Hit]) -> Iterator[str]:
    """The header, then the rows, in chunks of ROWS_PER_WRITE rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: quotes where needed, CRLF line ends
    writer.writerow(COLUMNS)
    for count, hit in enumerate(hits, start=1):
        writer.writerow(csv_cells(row(hit)))
        if count % ROWS_PER_WRITE == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def jsonl_chunks(hits: Iterable[Hit]) -> Iterator[str]:
    """One JSON object per line, in chunks of ROWS_PER_WRITE lines."""
    lines: list[str] = []
    for hit in hits:
        lines.append(json.dumps(row(hit), ensure_ascii=False) + "\n")
        if len(lines) == ROWS_PER_WRITE:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
