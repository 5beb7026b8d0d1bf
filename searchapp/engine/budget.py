"""A time budget per request: the long loops of a search check it and give up when it runs
out, so no query holds a thread for long, however it was built. They also give up when the
server says the client has gone (stop_when), since nobody would read the answer.

The deadline lives in a context variable: each thread serving a request has its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..model import SearchappError

# A plain search takes tens of milliseconds on 100k articles, a heavy one about a second;
# one that would take longer than this is stopped (the limits in query.py make that rare).
QUERY_SECONDS = 5.0

_deadline: ContextVar[float | None] = ContextVar("searchapp_deadline", default=None)
_gone: ContextVar[Callable[[], bool] | None] = ContextVar("searchapp_client_gone", default=None)


class QueryTooExpensiveError(SearchappError):
    """The request ran out of its time budget and was stopped."""


class ClientGoneError(QueryTooExpensiveError):
    """The client closed its connection, so its request was stopped."""


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


@contextmanager
def stop_when(gone: Callable[[], bool]) -> Iterator[None]:
    """Stop the work inside at its next check() once gone() is true (the client left).

    gone() is called at every check, so it must be cheap (an Event's is_set).
    """
    token = _gone.set(gone)
    try:
        yield
    finally:
        _gone.reset(token)


def check() -> None:
    """Raise QueryTooExpensiveError when the current request is past its deadline, and
    ClientGoneError when its client has gone."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTooExpensiveError(
            f"This query needs more than {QUERY_SECONDS:g} s of work and was stopped; "
            "use fewer or more specific words, or fewer wildcards and fuzzy terms."
        )
    gone = _gone.get()
    if gone is not None and gone():
        raise ClientGoneError("The client closed the connection, so the search was stopped.")
