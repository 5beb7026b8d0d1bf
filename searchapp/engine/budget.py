"""A time budget per request: the long loops of a search check it and give up when it runs
out, so no query holds a thread for long, however it was built.

The deadline lives in a context variable: each thread serving a request has its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..model import SearchappError

# A plain search takes tens of milliseconds on 100k articles, a heavy one about a second;
# one that would take longer than this is stopped (the limits in query.py make that rare).
QUERY_SECONDS = 5.0

_deadline: ContextVar[float | None] = ContextVar("searchapp_deadline", default=None)


class QueryTooExpensiveError(SearchappError):
    """The request ran out of its time budget and was stopped."""


@contextmanager
def time_budget(seconds: float | None = None) -> Iterator[None]:
    """Give the work inside `seconds` (QUERY_SECONDS) from now; an earlier deadline holds."""
    outer = _deadline.get()
    deadline = time.monotonic() + (QUERY_SECONDS if seconds is None else seconds)
    token = _deadline.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise QueryTooExpensiveError when the current request is past its deadline."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTooExpensiveError(
            f"This query needs more than {QUERY_SECONDS:g} s of work and was stopped; "
            "use fewer or more specific words, or fewer wildcards and fuzzy terms."
        )
