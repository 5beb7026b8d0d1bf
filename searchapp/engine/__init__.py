"""The index engine: the only code that imports Whoosh.

The rest of searchapp calls only the names below, on plain data from searchapp.model:
nothing Whoosh-typed (searchers, queries, schemas, stored fields, docnums, field names)
comes out. A second engine is another package that offers the same names.
"""

# The second engine, with the same names: searchapp.engine.sphinxql (a Sphinx/Manticore cluster).
from . import sphinxql  # noqa: E402  (after the names it reuses)
from .articles import ArticleNotFoundError, get_article, related
from .budget import QUERY_SECONDS, ClientGoneError, QueryTooExpensiveError, stop_when
from .completion import MAX_COMPLETION_CHARS, complete
from .coverage import Story, StoryLink, StoryNotFoundError, get_story, story_link
from .highlight import highlight_article
from .live_index import IndexUnavailableError, LiveIndex
from .query import (
    MAX_DISTINCT_WORDS,
    MAX_EXCLUDED_WORDS,
    MAX_FUZZY_TERMS,
    MAX_PHRASE_WORDS,
    MAX_WILDCARD_TERMS,
)
from .schema import SCHEMA_VERSION, built_with_this_schema
from .search import MAX_EXPORT_ROWS, export, search, validate
from .synonyms import Synonyms, SynonymsError, load_synonyms
from .writing import (
    PARALLEL_THRESHOLD,
    content_hashes,
    join_parts,
    read_profiles,
    write_articles,
    write_part,
)

__all__ = [
    "MAX_COMPLETION_CHARS",
    "MAX_DISTINCT_WORDS",
    "MAX_EXCLUDED_WORDS",
    "MAX_EXPORT_ROWS",
    "MAX_FUZZY_TERMS",
    "MAX_PHRASE_WORDS",
    "MAX_WILDCARD_TERMS",
    "PARALLEL_THRESHOLD",
    "QUERY_SECONDS",
    "SCHEMA_VERSION",
    "ArticleNotFoundError",
    "ClientGoneError",
    "Story",
    "StoryLink",
    "StoryNotFoundError",
    "IndexUnavailableError",
    "LiveIndex",
    "QueryTooExpensiveError",
    "Synonyms",
    "SynonymsError",
    "built_with_this_schema",
    "complete",
    "content_hashes",
    "export",
    "get_article",
    "get_story",
    "highlight_article",
    "load_synonyms",
    "join_parts",
    "read_profiles",
    "related",
    "search",
    "sphinxql",
    "stop_when",
    "story_link",
    "validate",
    "write_articles",
    "write_part",
]
