"""Read search parameters from a query string, for the page and the API alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .search import InvalidRequestError, SearchRequest

MAX_FILTER_CHARS = 200


def _integer(args: Mapping[str, str], name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    # isascii(): str.isdigit() also accepts "²" and "٣", which int() rejects or reads oddly.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise InvalidRequestError(name, f"{name} must be a whole number, not {raw[:20]!r}")
    return int(raw)


def _text(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name, "").strip()
    if len(value) > MAX_FILTER_CHARS:
        raise InvalidRequestError(name, f"{name} is longer than {MAX_FILTER_CHARS} characters")
    return value or None


def _year(args: Mapping[str, str]) -> str | None:
    value = _text(args, "year")
    # Only ASCII digits: "٢٠٢٥" passes str.isdigit() but no indexed year is spelt that way.
    if value is not None and not value.isascii():
        raise InvalidRequestError("year", "year must be four digits, e.g. 2025")
    return value


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


_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "on": True,
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}


def _boolean(args: Mapping[str, str], name: str, default: bool) -> bool:
    raw = args.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _BOOLEANS:
        raise InvalidRequestError(name, f"{name} must be true or false, not {raw[:20]!r}")
    return _BOOLEANS[raw]


def search_request(args: Mapping[str, str]) -> SearchRequest:
    """Build and validate a SearchRequest; InvalidRequestError names the bad parameter."""
    request = SearchRequest(
        q=args.get("q", ""),
        page=_integer(args, "page", 1),
        per_page=_integer(args, "per_page", 10),
        sort=args.get("sort", "").strip() or "relevance",
        match=args.get("match", "").strip() or "all",
        outlet=_text(args, "outlet"),
        author=_text(args, "author"),
        year=_year(args),
        date_from=_date(args, "from"),
        date_to=_date(args, "to"),
        typos=_boolean(args, "typos", True),
    )
    request.validate()
    return request
