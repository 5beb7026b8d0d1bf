"""The index engine: the only code that imports Whoosh (schema, analysis, query, search)."""
