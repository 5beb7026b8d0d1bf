"""The Whoosh half of a build: write articles into a generation, read back its hashes.

build.py decides what to write (new, changed and deleted articles) and publishes the
result through store.py; this module is the only one that opens an index for writing.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from ..model import Article
from .schema import build_schema, to_document

# Below this many articles Whoosh's writer processes cost more than they save.
PARALLEL_THRESHOLD = 200


def content_hashes(generation_dir: Path) -> dict[str, str] | None:
    """id -> content hash of every article in a generation; None if it cannot be read."""
    try:
        ix = whoosh_index.open_dir(str(generation_dir))
        with ix.reader() as reader:
            # The id and content_hash columns, not every stored document (schema 6 on).
            hashes: dict[str, str] = {}
            for segment, _ in reader.leaf_readers():
                ids = segment.column_reader("id")
                content = segment.column_reader("content_hash")
                for docnum in segment.all_doc_ids():  # skips deleted documents
                    hashes[ids[docnum]] = content[docnum]
            return hashes
    except Exception:  # empty, or damaged (many types): rebuild it all rather than copy it
        return None


def write_articles(
    build_dir: Path,
    articles: Iterable[Article],
    *,
    new: bool,
    delete: Collection[str] = (),
    expected: int = 0,
    procs: int | None = None,
) -> int:
    """Delete the `delete` ids, add `articles`, commit; return the articles now indexed.

    `new` makes a fresh index in build_dir, else the copy of the live one there is
    updated. `expected` (how many articles are coming) picks the writer's options.
    """
    ix = whoosh_index.create_in(str(build_dir), build_schema()) if new else None
    ix = ix or whoosh_index.open_dir(str(build_dir))
    # Separate segment files are opened lazily; a compound file is copied into memory.
    # The writer cancels on an exception and commits otherwise.
    with ix.writer(compound=False, **_writer_options(expected, new, procs)) as writer:
        for doc_id in delete:
            writer.delete_by_term("id", doc_id)
        for article in articles:
            writer.add_document(**to_document(article))
    with ix.reader() as reader:
        return reader.doc_count()


def _writer_options(count: int, full: bool, procs: int | None) -> dict:
    """Whoosh's own process pool for a big full build: the writer is the slow step.

    Its worker processes each write their own segment (multisegment: no final merge);
    an incremental build adds a few documents and keeps one plain writer.
    """
    workers = procs if procs is not None else min(2, os.cpu_count() or 1)
    if full and workers > 1 and count >= PARALLEL_THRESHOLD:
        return {"procs": workers, "multisegment": True, "limitmb": 128}
    return {"limitmb": 256}
