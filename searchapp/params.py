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
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidRequestError(name, f"{name} must be a whole number, not {raw[:20]!r}")
    return int(raw)


def _text(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name, "").strip()
    if len(value) > MAX_FILTER_CHARS:
        raise InvalidRequestError(name, f"{name} is longer than {MAX_FILTER_CHARS} characters")
    return value or None


def _date(args: Mapping[str, str], name: str) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidRequestError(name, f"{name} must be a date like 2025-07-12") from None


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
        year=_text(args, "year"),
        date_from=_date(args, "from"),
        date_to=_date(args, "to"),
    )
    request.validate()
    return request
