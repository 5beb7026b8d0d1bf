"""The SphinxQL engine: the same articles, ranking and pages on a Sphinx 2.2 or Manticore cluster.

config.py    searchd configuration files for N shards and a master (pure text)
cluster.py   addresses, connections, starting and stopping local searchd processes
documents.py an Article as a shard row: doc id, shard, fields and attributes (pure)
matchtext.py a parsed user query as SphinxQL MATCH() text, every word escaped (pure)
writer.py    rebuild into fresh indexes and swap; --incremental replace/delete by id
idf.py       the global IDF file every shard ranks with (indextool)
engine.py    search, facets, snippets, articles, related, completion and did-you-mean
stories.py   copies and stories: grouped after a build (group keys in each row), read back


The same surface as searchapp.engine (search, get_article, related, complete,
highlight_article, export, validate, get_story, story_link), on a SphinxEngine handle
instead of a LiveIndex.
"""

from __future__ import annotations

from ..articles import ArticleNotFoundError
from ..completion import MAX_COMPLETION_CHARS
from ..coverage import StoryNotFoundError
from ..highlight import highlight_article
from ..live_index import IndexUnavailableError
from ..search import MAX_EXPORT_ROWS, validate
from .cluster import ClusterUnavailableError, SearchdMissingError, node_address, start_cluster
from .config import START_SCRIPT, STOP_SCRIPT, plan_layout, read_layout, write_cluster
from .engine import SphinxEngine
from .writer import BuildError, read_meta, rebuild_cluster

__all__ = [
    "MAX_COMPLETION_CHARS",
    "MAX_EXPORT_ROWS",
    "START_SCRIPT",
    "STOP_SCRIPT",
    "ArticleNotFoundError",
    "BuildError",
    "ClusterUnavailableError",
    "IndexUnavailableError",
    "SearchdMissingError",
    "SphinxEngine",
    "StoryNotFoundError",
    "complete",
    "export",
    "get_article",
    "get_story",
    "highlight_article",
    "node_address",
    "plan_layout",
    "read_layout",
    "read_meta",
    "rebuild_cluster",
    "related",
    "search",
    "start_cluster",
    "story_link",
    "validate",
    "write_cluster",
]


def search(engine: SphinxEngine, request, synonyms=None):
    # Synonyms expand Whoosh query trees only; searchd answers the query as typed.
    return engine.search(request)


def get_article(engine: SphinxEngine, article_id: str):
    return engine.get_article(article_id)


def related(engine: SphinxEngine, article_id: str):
    return engine.related(article_id)


def complete(engine: SphinxEngine, text: str):
    return engine.complete(text)


def export(engine: SphinxEngine, request, synonyms=None, cap: int = MAX_EXPORT_ROWS):
    return engine.export(request, cap)


def get_story(engine: SphinxEngine, story_id: int):
    return engine.get_story(story_id)


def story_link(engine: SphinxEngine, article_id: str):
    return engine.story_link(article_id)
