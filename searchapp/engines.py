"""Which engine answers the pages and the API: Whoosh (the default) or a SphinxQL cluster.

THE SELECTION POINT, kept minimal until issue 15's engine surface lands on main: both
engines offer the same six calls (search, get_article, related, complete, stats,
generation) and close(); the web and API views call only these.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import articles, search, suggest
from .reader import CorpusStats, LiveIndex

ENGINES = ("whoosh", "sphinxql")


class WhooshEngine:
    """The Whoosh index folder, through the existing plain functions."""

    def __init__(self, live: LiveIndex) -> None:
        self.live = live

    def search(self, request: search.SearchRequest) -> search.ResultPage:
        return search.search(self.live, request)

    def get_article(self, article_id: str):
        return articles.get_article(self.live, article_id)

    def related(self, article_id: str) -> tuple[search.Hit, ...]:
        return articles.related(self.live, article_id)

    def complete(self, text: str) -> tuple[str, ...]:
        return suggest.complete(self.live, text)

    def stats(self) -> CorpusStats:
        return self.live.generation().stats

    def generation(self) -> str:
        return self.live.generation().name

    def close(self) -> None:
        self.live.close()


def engine_settings(environ=os.environ) -> dict:
    """The app settings that pick and address an engine, from the environment."""
    return {
        "ENGINE": environ.get("SEARCHAPP_ENGINE") or "whoosh",
        "SPHINX_CLUSTER": environ.get("SEARCHAPP_SPHINX_CLUSTER") or None,
        "SPHINX_MASTER": environ.get("SEARCHAPP_SPHINX_MASTER") or None,
        "SPHINX_TIMEOUT_MS": int(environ.get("SEARCHAPP_SPHINX_TIMEOUT_MS") or 3000),
    }


def sphinx_master(config: dict):
    """(master address, how to start it) from SPHINX_MASTER or the SPHINX_CLUSTER folder."""
    from .engine.sphinxql.cluster import DEFAULT_MASTER, Address
    from .engine.sphinxql.config import START_SCRIPT, read_layout

    folder = config.get("SPHINX_CLUSTER")
    if config.get("SPHINX_MASTER"):
        master = Address.parse(config["SPHINX_MASTER"])
    elif folder:
        master = Address.parse(read_layout(Path(folder)).master.address)
    else:
        master = Address.parse(DEFAULT_MASTER)
    if folder:
        hint = f"start the cluster with `sh {Path(folder) / START_SCRIPT}`"
    else:
        hint = f"start searchd for the master at {master} and its shards"
    return master, hint


def open_engine(config: dict):
    """The engine config["ENGINE"] names; ValueError for an unknown name."""
    name = config.get("ENGINE") or "whoosh"
    if name == "whoosh":
        return WhooshEngine(LiveIndex(Path(config["INDEX_DIR"])))
    if name == "sphinxql":
        from .engine.sphinxql.engine import SphinxEngine

        master, hint = sphinx_master(config)
        return SphinxEngine(master, timeout_ms=int(config["SPHINX_TIMEOUT_MS"]), start_hint=hint)
    raise ValueError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
