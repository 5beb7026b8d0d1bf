"""Build the index from the corpus into a fresh generation and publish it."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from whoosh import index as whoosh_index

from . import store
from .clean import find_template_lines
from .extract import Source, build_article
from .load import read_corpus
from .model import Article, SkippedFile
from .schema import SCHEMA_VERSION, build_schema, to_document

# Below this many articles a process pool costs more than it saves.
PARALLEL_THRESHOLD = 200

Progress = Callable[[int, int], None]


class BuildError(Exception):
    """The build failed; the previously published index is still the live one."""


@dataclass(frozen=True)
class BuildSummary:
    generation: str
    indexed: int  # articles in the new index
    updated: int  # articles (re)written in this build; == indexed for a full build
    deleted: int  # articles dropped because their file is gone (incremental)
    skipped: tuple[SkippedFile, ...]
    removed_blocks: int
    seconds: float

    def line(self) -> str:
        """The one summary line the CLI prints."""
        parts = [f"{self.indexed} articles indexed"]
        if self.updated != self.indexed:
            parts.append(f"{self.updated} updated, {self.deleted} deleted")
        parts.append(f"{len(self.skipped)} skipped")
        parts.append(f"{self.removed_blocks} boilerplate blocks removed")
        parts.append(f"{self.seconds:.1f}s")
        return ", ".join(parts) + f" (generation {self.generation})"


def rebuild_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    incremental: bool = False,
    progress: Progress | None = None,
    procs: int | None = None,
) -> BuildSummary:
    """Build a new generation from the corpus and make it live; raise BuildError on failure."""
    started = time.monotonic()
    with store.rebuild_lock(index_dir):
        sources, skipped = read_sources(corpus_dir)
        build_dir = store.new_build_dir(index_dir)
        try:
            previous = _previous_hashes(index_dir) if incremental else None
            if previous is not None:
                shutil.copytree(_live_path(index_dir), build_dir, dirs_exist_ok=True)
            counts = _write(build_dir, sources, previous, skipped, progress, procs)
            generation = store.publish(
                index_dir,
                build_dir,
                {
                    "articles": counts["indexed"],
                    "skipped": len(skipped),
                    "built_at": time.time(),
                    "schema": SCHEMA_VERSION,
                },
            )
        except BaseException as error:
            shutil.rmtree(build_dir, ignore_errors=True)
            if isinstance(error, Exception):
                raise BuildError(f"{type(error).__name__}: {error}") from error
            raise
        store.prune_generations(index_dir)
    return BuildSummary(
        generation=generation,
        indexed=counts["indexed"],
        updated=counts["updated"],
        deleted=counts["deleted"],
        skipped=tuple(skipped),
        removed_blocks=counts["removed_blocks"],
        seconds=time.monotonic() - started,
    )


def read_sources(corpus_dir: Path) -> tuple[list[Source], list[SkippedFile]]:
    sources: list[Source] = []
    skipped: list[SkippedFile] = []
    for item in read_corpus(corpus_dir):
        (skipped if isinstance(item, SkippedFile) else sources).append(item)
    return sources, skipped


def _live_path(index_dir: Path) -> Path:
    return index_dir / store.current_generation(index_dir)


def _previous_hashes(index_dir: Path) -> dict[str, str] | None:
    """id -> content hash of the live index, or None when there is no index to update."""
    try:
        live = store.current_generation(index_dir)
    except store.NoIndexError:
        return None
    if store.read_build_info(index_dir, live).get("schema") != SCHEMA_VERSION:
        return None  # built with another schema: rebuild everything
    try:
        store.check_files(index_dir, live)
        ix = whoosh_index.open_dir(str(index_dir / live))
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


def _clean(sources: list[Source], template_lines: frozenset[str], procs: int | None) -> Iterable:
    workers = procs if procs is not None else min(2, os.cpu_count() or 1)
    if workers <= 1 or len(sources) < PARALLEL_THRESHOLD:
        return map(build_article, sources, repeat(template_lines))
    pool = ProcessPoolExecutor(max_workers=workers)
    results = pool.map(build_article, sources, repeat(template_lines), chunksize=64)
    pool.shutdown(wait=False)  # map() has submitted everything; results still stream in
    return results


def _writer_options(count: int, full: bool, procs: int | None) -> dict:
    """Whoosh's own process pool for a big full build: the writer is the slow step.

    Its worker processes each write their own segment (multisegment: no final merge);
    an incremental build adds a few documents and keeps one plain writer.
    """
    workers = procs if procs is not None else min(2, os.cpu_count() or 1)
    if full and workers > 1 and count >= PARALLEL_THRESHOLD:
        return {"procs": workers, "multisegment": True, "limitmb": 128}
    return {"limitmb": 256}


def _write(build_dir, sources, previous, skipped, progress, procs) -> dict[str, int]:
    """Add the new and changed articles to the build, drop the deleted ones."""
    if previous is None:
        ix = whoosh_index.create_in(str(build_dir), build_schema())
        todo, stale = sources, set()
    else:
        ix = whoosh_index.open_dir(str(build_dir))
        todo = [s for s in sources if previous.get(s.id) != s.raw_hash]
        stale = set(previous) - {s.id for s in sources if previous.get(s.id) == s.raw_hash}
    # Corpus-level evidence needs the whole corpus, not just the changed files.
    template_lines = find_template_lines(s.text for s in sources if s.kind == "text")
    added = removed_blocks = 0
    # Separate segment files are opened lazily; a compound file is copied into memory.
    writer = ix.writer(compound=False, **_writer_options(len(todo), previous is None, procs))
    try:
        for doc_id in stale:
            writer.delete_by_term("id", doc_id)
        for done, result in enumerate(_clean(todo, template_lines, procs), start=1):
            if isinstance(result, Article):
                writer.add_document(**to_document(result))
                added += 1
                removed_blocks += len(result.removed)
            else:
                skipped.append(result)
            if progress:
                progress(done, len(todo))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    with ix.reader() as reader:
        indexed = reader.doc_count()
    gone = 0 if previous is None else len(set(previous) - {s.id for s in sources})
    return {"indexed": indexed, "updated": added, "deleted": gone, "removed_blocks": removed_blocks}
