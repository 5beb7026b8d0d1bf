"""Corpus file -> Article: reading, metadata, boilerplate stripping. Pure; no Whoosh, no Flask."""
