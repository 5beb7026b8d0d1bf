"""The search parameters: one table drives the parser, the pages' URL state, the OpenAPI
document, the README's parameter table (checked by tests/test_docs.py) and the tests' lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from .. import engine
from ..model import (
    GROUPS,
    MATCHES,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MAX_RESULT_DEPTH,
    SORTS,
    InvalidRequestError,
    SearchRequest,
)

MAX_FILTER_CHARS = 200
LANGUAGE_CODE = re.compile(r"[a-z]{2}")  # ISO 639-1, as ingest/language.py stores it

Reader = Callable[[Mapping[str, str], str], object]


@dataclass(frozen=True)
class Param:
    """One query-string parameter of /search and /api/search."""

    name: str  # as typed in the URL
    field: str  # the SearchRequest field it fills
    read: Reader  # (args, name) -> value; InvalidRequestError with the user-facing message
    doc: str  # Markdown, for the README and the OpenAPI description alike
    schema: dict  # OpenAPI schema, from the same limits the reader enforces
    kept: bool = True  # kept by the results page's links; a new filter starts at page 1


def _query(args: Mapping[str, str], name: str) -> str:
    return args.get(name, "")  # kept as typed: a did-you-mean echoes its spacing


def _integer(default: int) -> Reader:
    def read(args: Mapping[str, str], name: str) -> int:
        raw = args.get(name, "").strip()
        if not raw:
            return default
        # isascii(): str.isdigit() also accepts "²" and "٣", which int() rejects or reads oddly.
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise InvalidRequestError(name, f"{name} must be a whole number, not {raw[:20]!r}")
        return int(raw)

    return read


def _choice(default: str) -> Reader:
    def read(args: Mapping[str, str], name: str) -> str:
        return args.get(name, "").strip() or default  # engine.validate names the choices

    return read


def _text(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name, "").strip()
    if len(value) > MAX_FILTER_CHARS:
        raise InvalidRequestError(name, f"{name} is longer than {MAX_FILTER_CHARS} characters")
    return value or None


def _year(args: Mapping[str, str], name: str) -> str | None:
    value = _text(args, name)
    # Only ASCII digits: "٢٠٢٥" passes str.isdigit() but no indexed year is spelt that way.
    if value is not None and not value.isascii():
        raise InvalidRequestError(name, "year must be four digits, e.g. 2025")
    return value


def _language(args: Mapping[str, str], name: str) -> str | None:
    value = _text(args, name)
    if value is not None and not LANGUAGE_CODE.fullmatch(value.lower()):
        raise InvalidRequestError(name, "lang must be a two-letter language code, e.g. de")
    return value.lower() if value else None


def _date(args: Mapping[str, str], name: str) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise InvalidRequestError(name, f"{name} must be a date like 2025-07-12") from None
    # The search adds a day to `to` for an inclusive range; 9999-12-31 would overflow (a 500).
    if value >= date.max:
        raise InvalidRequestError(name, f"{name} must be a date before {date.max.isoformat()}")
    return value


_BOOLEANS = {"true": True, "1": True, "yes": True, "on": True}
_BOOLEANS |= {"false": False, "0": False, "no": False, "off": False}


def _boolean(default: bool) -> Reader:
    def read(args: Mapping[str, str], name: str) -> bool:
        raw = args.get(name, "").strip().lower()
        if not raw:
            return default
        if raw not in _BOOLEANS:
            raise InvalidRequestError(name, f"{name} must be true or false, not {raw[:20]!r}")
        return _BOOLEANS[raw]

    return read


def _words(choices: tuple[str, ...]) -> str:
    return " or ".join(f"`{c}`" for c in choices)


# In the order the results page's links write them (page last).
PARAMETERS = (
    Param(
        "q",
        "q",
        _query,
        "the query (syntax above); empty browses every article, newest first; at most "
        f"{MAX_QUERY_CHARS:,} characters and {MAX_QUERY_WORDS:,} words, "
        f"{engine.MAX_DISTINCT_WORDS} of them different, {engine.MAX_FUZZY_TERMS} fuzzy "
        f"terms (`word~`), {engine.MAX_WILDCARD_TERMS} wildcard terms (`word*`), "
        f"{engine.MAX_EXCLUDED_WORDS} excluded words (`-word`, `NOT`) and "
        f"{engine.MAX_PHRASE_WORDS} words in quoted phrases; more is a 400, checked before "
        "any search work",
        {"type": "string", "maxLength": MAX_QUERY_CHARS},
    ),
    Param(
        "sort",
        "sort",
        _choice(SORTS[0]),
        f"`{SORTS[0]}` (default; ties broken by date, then id) or `{SORTS[1]}` (newest first)",
        {"type": "string", "enum": list(SORTS), "default": SORTS[0]},
    ),
    Param(
        "match",
        "match",
        _choice(MATCHES[0]),
        f"{_words(MATCHES)}; `{MATCHES[0]}` (the default) falls back to any word when no "
        "article has them all",
        {"type": "string", "enum": list(MATCHES), "default": MATCHES[0]},
    ),
    Param(
        "typos",
        "typos",
        _boolean(True),
        "`true` (default) or `false`: whether a rare word also searches a far more common "
        "close word (see the query syntax)",
        {"type": "boolean", "default": True},
    ),
    Param(
        "outlet",
        "outlet",
        _text,
        "only this outlet (a facet value)",
        {"type": "string", "maxLength": MAX_FILTER_CHARS},
    ),
    Param(
        "author",
        "author",
        _text,
        "only this author (a facet value)",
        {"type": "string", "maxLength": MAX_FILTER_CHARS},
    ),
    Param(
        "year",
        "year",
        _year,
        "only this year, four digits",
        {"type": "string", "pattern": "^[0-9]{4}$"},
    ),
    Param(
        "from",
        "date_from",
        _date,
        "only articles published on or after this date, `YYYY-MM-DD`",
        {"type": "string", "format": "date"},
    ),
    Param(
        "to",
        "date_to",
        _date,
        "only articles published on or before this date, `YYYY-MM-DD`",
        {"type": "string", "format": "date"},
    ),
    Param(
        "speaker",
        "speaker",
        _text,
        "only articles quoting this speaker (a value of the `speaker` facet)",
        {"type": "string", "maxLength": MAX_FILTER_CHARS},
    ),
    Param(
        "lang",
        "lang",
        _language,
        "only articles in this language, an ISO 639-1 code such as `de` (a value of the "
        "`language` facet)",
        {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    ),
    Param(
        "collapse",
        "collapse",
        _boolean(True),
        "`true` (default): one hit per group of copies, the others in its `copies`; "
        "`false`: every copy is a hit",
        {"type": "boolean", "default": True},
    ),
    Param(
        "group",
        "group",
        _text,
        f"{_words(GROUPS)}: one hit per story (the rest of the story counted in its `folded`)",
        {"type": "string", "enum": list(GROUPS)},
    ),
    Param(
        "variants",
        "variants",
        _boolean(True),
        "`true` (default): a name also matches the corpus's other spellings of it; "
        "`false`: only the spelling typed",
        {"type": "boolean", "default": True},
    ),
    Param(
        "per_page",
        "per_page",
        _integer(10),
        f"results per page, 1–{MAX_PER_PAGE}, default 10",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
    ),
    Param(
        "page",
        "page",
        _integer(1),
        f"page number, from 1 (results deeper than {MAX_RESULT_DEPTH:,} are not served)",
        {"type": "integer", "minimum": 1, "default": 1},
        kept=False,
    ),
)

# Parameters that define a results page; its links keep them when changing one.
STATE_PARAMS = tuple(p.name for p in PARAMETERS if p.kept)


def search_request(args: Mapping[str, str]) -> SearchRequest:
    """Build and validate a SearchRequest; InvalidRequestError names the bad parameter."""
    request = SearchRequest(**{p.field: p.read(args, p.name) for p in PARAMETERS})
    engine.validate(request)
    return request


def markdown_table() -> str:
    """The README's table of search parameters (tests/test_docs.py checks it is there)."""
    rows = [f"| `{p.name}` | {p.doc} |" for p in PARAMETERS]
    return "\n".join(["| parameter | meaning |", "|---|---|", *rows])
