"""The Whoosh half of a build: write articles into a generation, read back its hashes.

build.py decides what to write (new, changed and deleted articles) and publishes the
result through store.py; this module is the only one that opens an index for writing.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Collection, Iterable
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

from whoosh import index as whoosh_index

from ..model import Article
from .schema import build_schema, to_document
from .whoosh_private import join_segments, look_up_length_columns_once

# Below this many articles a pool of cleaning processes (build.py) costs more than it saves.
PARALLEL_THRESHOLD = 200
# Whoosh's in-memory posting pool per writer, split between the writers of one build.
POOL_MB = 256
_SURROGATE = re.compile("[\ud800-\udfff]")


def content_hashes(generation_dir: Path) -> dict[str, str] | None:
    """id -> content hash of every article in a generation; None if it cannot be read."""
    try:
        ix = whoosh_index.open_dir(str(generation_dir))
        with ix.reader() as reader:
            if reader.doc_count_all() == 0:  # an empty index has no columns to read
                return {}
            # The id and content_hash columns, not every stored document (schema 6 on).
            hashes: dict[str, str] = {}
            for segment, _ in reader.leaf_readers():
                ids = segment.column_reader("id")
                content = segment.column_reader("content_hash")
                for docnum in segment.all_doc_ids():  # skips deleted documents
                    hashes[ids[docnum]] = content[docnum]
            return hashes
    except Exception:  # damaged (many types): rebuild it all rather than copy it
        return None


def read_profiles(generation_dir: Path) -> list[tuple[str, bytes, bytes]]:
    """(id, copy signature, profile) of every article in a generation, from its columns."""
    ix = whoosh_index.open_dir(str(generation_dir))
    found = []
    with ix.reader() as reader:
        if not reader.doc_count_all():
            return found  # an empty index has no columns to read
        for segment, _ in reader.leaf_readers():
            ids = segment.column_reader("id")
            signatures = segment.column_reader("signature_column")
            profiles = segment.column_reader("profile_column")
            for docnum in segment.all_doc_ids():  # skips deleted documents
                found.append((ids[docnum], signatures[docnum], profiles[docnum]))
    return found


def write_articles(
    build_dir: Path,
    articles: Iterable[Article],
    *,
    new: bool,
    delete: Collection[str] = (),
    expected: int = 0,
) -> int:
    """Delete the `delete` ids, add `articles`, commit; return the articles now indexed.

    `new` makes a fresh index in build_dir, else the copy of the live one there is
    updated.
    """
    ix = whoosh_index.create_in(str(build_dir), build_schema()) if new else None
    ix = ix or whoosh_index.open_dir(str(build_dir))
    # Separate segment files are opened lazily; a compound file is copied into memory.
    # One writer in this process, so docnums follow the articles' order: Whoosh's
    # multiprocess writer hung for ever at 0% CPU when one of its processes died (a full
    # disk), and dropped that process's documents. It cancels on an exception. A large
    # full build writes parts side by side in build.py's pool instead (write_part).
    with ix.writer(compound=False, limitmb=POOL_MB) as writer:
        for doc_id in delete:
            writer.delete_by_term("id", doc_id)
        _add(writer, articles)
    with ix.reader() as reader:
        return reader.doc_count()


def write_part(part_dir: Path, articles: Iterable[Article], parts: int) -> None:
    """Write `articles` as a new index of one segment in part_dir, one of `parts` written
    side by side (each in its own process); join_parts() then makes them one index."""
    part_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(part_dir), build_schema())
    with ix.writer(compound=False, limitmb=POOL_MB // parts) as writer:
        _add(writer, articles)


def join_parts(build_dir: Path, part_dirs: list[Path]) -> int:
    """Make build_dir one index of the parts' segments, in order; return its article count.

    Documents keep the order of the parts, so docnums are those one writer would give.
    """
    join_segments(build_dir, part_dirs, build_schema())
    for part in part_dirs:
        shutil.rmtree(part)
    with whoosh_index.open_dir(str(build_dir)).reader() as reader:
        return reader.doc_count()


def _add(writer, articles: Iterable[Article]) -> None:
    look_up_length_columns_once(writer)
    for article in articles:
        writer.add_document(**to_document(_without_surrogates(article)))


def _without_surrogates(value):
    """Lone surrogates (a sidecar's "\\udcff", JSON-LD's too) as U+FFFD, in every text of an
    Article: the index is UTF-8, and one such character aborted the whole build."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, (list, tuple)):
        return type(value)(_without_surrogates(item) for item in value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _without_surrogates(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value
