"""Build the index from the corpus into a fresh generation and publish it."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from . import store
from .engine import (
    PARALLEL_THRESHOLD,
    SCHEMA_VERSION,
    built_with_this_schema,
    content_hashes,
    join_parts,
    read_profiles,
    write_articles,
    write_part,
)
from .ingest.clean import find_site_template_lines, find_template_lines
from .ingest.corpusmeta import harmonise
from .ingest.examples import example_queries
from .ingest.groups import Groups, compute_groups, read_groups, write_groups
from .ingest.load import LoadError, UnchangedFile, read_corpus
from .ingest.pipeline import (
    PIPELINE_VERSION,
    Source,
    Stamp,
    build_article,
    load_models,
    web_url,
)
from .ingest.profile import profile_from_bytes, signature_from_bytes
from .model import Article, FileWarning, SearchappError, SkippedFile

# A file written again within its file system's timestamp step (2 s on FAT) keeps its mtime,
# so a stamp this close to the build is not kept: the next build reads that file again.
RECENT_NS = 2 * 10**9
PR_SET_PDEATHSIG = 1  # linux/prctl.h
# The index of the 21,543 Reuters stories takes 89 MB for 18.8 MB of text: ~4.7 bytes per
# byte; an HTML page's markup is mostly dropped, so its bytes count once.
INDEX_BYTES_PER_TEXT_BYTE = 5
MB = 1024 * 1024
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}

Progress = Callable[[int, int], None]


class BuildError(SearchappError):
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
    copy_groups: int = 0  # groups of two or more articles that are copies of one text
    copies: int = 0  # articles in those groups beyond the first of each
    stories: int = 0  # groups of articles about one event
    warnings: tuple[FileWarning, ...] = ()  # indexed, but worth a look (see FileWarning)
    fallbacks: int = 0  # articles indexed from a fallback extraction
    # Said when an --incremental build rebuilt everything instead (a damaged live index).
    not_incremental: str | None = None
    unchanged: bool = False  # an incremental build found nothing to change: nothing published

    def line(self) -> str:
        """The one summary line the CLI prints."""
        parts = [f"{self.indexed} articles indexed"]
        if self.updated != self.indexed:
            parts.append(f"{self.updated} updated, {self.deleted} deleted")
        parts.append(f"{len(self.skipped)} skipped")
        if self.fallbacks:
            parts.append(f"{self.fallbacks} from a fallback extraction")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warnings")
        parts.append(f"{self.removed_blocks} boilerplate blocks removed")
        parts.append(f"{self.copy_groups} copy groups ({self.copies} copies folded)")
        parts.append(f"{self.stories} stor{'y' if self.stories == 1 else 'ies'}")
        parts.append(f"{self.seconds:.1f}s")
        if self.unchanged:
            return ", ".join(parts) + f" (nothing changed: generation {self.generation} stays live)"
        return ", ".join(parts) + f" (generation {self.generation})"


def rebuild_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    incremental: bool = False,
    progress: Progress | None = None,
    procs: int | None = None,
    exclude: Sequence[str] = (),
) -> BuildSummary:
    """Build a new generation from the corpus and make it live; raise BuildError on failure.

    `exclude` globs (gitignore syntax, like the corpus's .searchappignore) leave files out.
    """
    started = time.monotonic()
    with _writable(index_dir), store.rebuild_lock(index_dir):
        previous, not_incremental = None, None
        if incremental:
            try:
                previous = _previous_build(index_dir, corpus_dir)
            except store.DamagedIndexError as error:  # copying it would publish the damage
                not_incremental = (
                    f"not incremental: the live index is damaged ({error}); rebuilt it in full"
                )
        read_at = time.time_ns()
        corpus = _read(corpus_dir, previous.stamps if previous else None, exclude)
        plan = _plan(corpus, previous)
        _check_free_space(index_dir, corpus, previous is not None)
        build_dir = None
        try:
            template_lines = _template_lines(corpus, plan.todo, previous)
            articles = _clean_todo(plan.todo, template_lines, corpus.skipped, progress, procs)
            if previous is not None and not articles and not plan.stale:
                # Nothing to add or drop (files that fail to clean fail again every time).
                failed = {s.id for s in plan.todo}
                kept = _kept_live(
                    index_dir, corpus_dir, corpus, previous, failed, template_lines, read_at
                )
                if kept is not None:
                    return replace(kept, seconds=time.monotonic() - started)
            build_dir = store.new_build_dir(index_dir)
            if previous is not None:
                shutil.copytree(_live_path(index_dir), build_dir, dirs_exist_ok=True)
            warnings: list[FileWarning] = []
            counts, added = _write(build_dir, plan, articles, warnings, procs)
            failed = {s.id for s in plan.todo} - added
            groups = group_articles(build_dir)
            write_groups(build_dir, groups)
            store.write_snapshot(
                build_dir, _snapshot(corpus_dir, corpus, failed, template_lines, read_at)
            )
            generation = store.publish(
                index_dir,
                build_dir,
                {
                    "articles": counts["indexed"],
                    "skipped": len(corpus.skipped),
                    "built_at": time.time(),
                    "schema": SCHEMA_VERSION,
                    "examples": _examples(counts["titles"], index_dir, previous),
                },
            )
        except BaseException as error:
            if build_dir is not None:
                shutil.rmtree(build_dir, ignore_errors=True)
            if isinstance(error, BuildError):
                raise
            if isinstance(error, OSError) and error.errno in _NO_SPACE:
                raise BuildError(
                    f"no space left for the index in {index_dir} ({error.strerror}); "
                    "the partial build was removed"
                ) from error
            if isinstance(error, Exception):
                raise BuildError(f"{type(error).__name__}: {error}") from error
            raise
        store.prune_generations(index_dir)
    return BuildSummary(
        generation=generation,
        indexed=counts["indexed"],
        updated=len(added),
        deleted=plan.deleted,
        skipped=tuple(corpus.skipped),
        removed_blocks=counts["removed_blocks"],
        seconds=time.monotonic() - started,
        copy_groups=len(groups.copies),
        copies=sum(len(g) - 1 for g in groups.copies),
        stories=len(groups.stories),
        warnings=tuple(warnings),
        fallbacks=counts["fallbacks"],
        not_incremental=not_incremental,
    )


def _kept_live(
    index_dir: Path,
    corpus_dir: Path,
    corpus: _Corpus,
    previous: _Previous,
    failed: set[str],
    template_lines: frozenset[str],
    read_at: int,
) -> BuildSummary | None:
    """The summary of an incremental build that found nothing to change, or None.

    When the live generation already holds every article as read, the same file stamps
    and as many skipped files, it stays live: publishing a copy of it would cost a
    regroup of the whole corpus (2.7 s at 5,000 Reuters stories) and make every server
    open it afresh, its first searches cold, for nothing.
    """
    if previous.stamps is None:
        return None  # the live stamps were not usable: record the ones this build read
    live = store.current_generation(index_dir)
    info = store.read_build_info(index_dir, live)
    snapshot = _snapshot(corpus_dir, corpus, failed, template_lines, read_at)
    if store.read_snapshot(index_dir, live) != snapshot or info.get("skipped") != len(
        corpus.skipped
    ):
        return None
    groups = read_groups(index_dir / live)
    return BuildSummary(
        generation=live,
        indexed=len(previous.hashes),
        updated=0,
        deleted=0,
        skipped=tuple(corpus.skipped),
        removed_blocks=0,
        seconds=0.0,
        copy_groups=len(groups.copies),
        copies=sum(len(g) - 1 for g in groups.copies),
        stories=len(groups.stories),
        unchanged=True,
    )


def group_articles(build_dir: Path) -> Groups:
    """Copies, stories and name variants of every article in the build, from its profiles.

    The index columns hold each article's profile (ingest/profile.py), so unchanged articles
    of an incremental build count as much as the new ones without being cleaned again.
    """
    items = []
    for article_id, signature, profile in sorted(read_profiles(build_dir)):
        names, story = profile_from_bytes(article_id, profile)
        items.append((article_id, signature_from_bytes(signature), names, story))
    return compute_groups(items)


def clean_corpus(
    corpus_dir: Path,
    procs: int | None = None,
    wanted: Callable[[Source], bool] | None = None,
    exclude: Sequence[str] = (),
) -> tuple[list[Source], list[SkippedFile], Iterable]:
    """Read and clean the corpus as a full build does, for another engine's writer.

    Returns the sources, the files skipped while reading, and a lazy stream of Article
    (or SkippedFile, for a file that failed to clean) for the sources `wanted` picks (all
    by default); template lines are always counted over the whole corpus (`exclude`
    globs leave files out of it, as in rebuild_index).
    """
    corpus = _read(corpus_dir, None, exclude)
    template_lines = _template_lines(corpus, corpus.sources, None)
    todo = [s for s in corpus.sources if wanted is None or wanted(s)]
    return corpus.sources, corpus.skipped, _clean(todo, template_lines, procs)


@contextmanager
def _writable(index_dir: Path):
    """The index folder's own errors (read-only, not a folder) as a BuildError that says so."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=index_dir, prefix=".write-test-")
        probe.close()
    except OSError as error:
        raise BuildError(
            f"cannot write to the index folder {index_dir} ({error.strerror or error}); "
            "choose a writable one with --index"
        ) from None
    yield


def _check_free_space(index_dir: Path, corpus: _Corpus, incremental: bool) -> None:
    """Refuse to start a build that the estimate says will not fit on the index's disk."""
    need = sum(
        len(s.text) * (INDEX_BYTES_PER_TEXT_BYTE if s.kind == "text" else 1) for s in corpus.sources
    )
    if incremental:  # the live generation is copied first
        need += sum(f.stat().st_size for f in _live_path(index_dir).iterdir() if f.is_file())
    free = shutil.disk_usage(index_dir).free
    if need > free:
        raise BuildError(
            f"not enough free space for the index in {index_dir}: the build needs about "
            f"{need // MB + 1} MB and {free // MB} MB are free"
        )


@dataclass(frozen=True)
class _Corpus:
    """One pass over the corpus folder."""

    sources: list[Source]  # files read
    unchanged: list[UnchangedFile]  # same stamp as at the last build: not read
    skipped: list[SkippedFile]


@dataclass(frozen=True)
class _Previous:
    """The live generation an incremental build updates."""

    hashes: dict[str, str]  # article id -> content hash, from the index
    stamps: dict[str, Stamp] | None  # relative path -> stamp; None: read every file
    template_lines: frozenset[str]


@dataclass(frozen=True)
class _Plan:
    full: bool  # a new index of every source, not an update of the live one
    todo: list[Source]  # new and changed articles, to clean and add
    stale: set[str]  # ids to delete first: changed and deleted articles
    deleted: int  # articles whose file is gone


def _read(
    corpus_dir: Path, known_stamps: dict[str, Stamp] | None, exclude: Sequence[str] = ()
) -> _Corpus:
    corpus = _Corpus([], [], [])
    try:
        for item in read_corpus(corpus_dir, known_stamps, exclude):
            if isinstance(item, Source):
                corpus.sources.append(item)
            elif isinstance(item, UnchangedFile):
                corpus.unchanged.append(item)
            else:
                corpus.skipped.append(item)
    except LoadError as error:  # an unreadable .searchappignore: no build, not a guess
        raise BuildError(str(error)) from None
    return corpus


def _live_path(index_dir: Path) -> Path:
    return index_dir / store.current_generation(index_dir)


def _previous_build(index_dir: Path, corpus_dir: Path) -> _Previous | None:
    """What the live generation holds, or None when there is no index to update."""
    hashes = _previous_hashes(index_dir)
    if hashes is None:
        return None
    snapshot = store.read_snapshot(index_dir, store.current_generation(index_dir))
    # Stamps only vouch for files this pipeline cleaned, from this corpus folder.
    if (
        snapshot is None
        or snapshot.pipeline != PIPELINE_VERSION
        or snapshot.corpus != str(corpus_dir.resolve())
    ):
        return _Previous(hashes, None, frozenset())
    stamps = {path: stamp for path, (id_, stamp) in snapshot.files.items() if id_ in hashes}
    return _Previous(hashes, stamps, snapshot.template_lines)


def _previous_hashes(index_dir: Path) -> dict[str, str] | None:
    """id -> content hash of the live index, or None when there is no index to update.

    DamagedIndexError when its files are not those its build wrote, or cannot be read.
    """
    try:
        live = store.current_generation(index_dir)
    except store.NoIndexError:
        return None
    if not built_with_this_schema(store.read_build_info(index_dir, live)):
        return None  # built with another schema: rebuild everything
    try:
        store.check_files(index_dir, live)
    except OSError as error:
        raise store.DamagedIndexError(f"its files cannot be read: {error}") from None
    hashes = content_hashes(index_dir / live)
    if hashes is None:
        raise store.DamagedIndexError("its articles cannot be read")
    return hashes or None  # an empty index: nothing to update, build it all


def _plan(corpus: _Corpus, previous: _Previous | None) -> _Plan:
    if previous is None:
        return _Plan(True, corpus.sources, set(), 0)
    hashes = previous.hashes
    todo = [s for s in corpus.sources if hashes.get(s.id) != s.raw_hash]
    same = {s.id for s in corpus.sources if hashes.get(s.id) == s.raw_hash}
    unchanged = {f.id for f in corpus.unchanged}
    gone = set(hashes) - unchanged - {s.id for s in corpus.sources}
    return _Plan(False, todo, set(hashes) - unchanged - same, len(gone))


def site_of(source: Source) -> str | None:
    """Where a page came from: its URL's host, its outlet, or its corpus folder."""
    if url := web_url(source.sidecar.get("url")):
        return urlsplit(url).hostname
    if outlet := source.sidecar.get("outlet"):
        return outlet.casefold()
    folder = PurePosixPath(source.path).parent  # path relative to the corpus folder
    return None if str(folder) == "." else str(folder)


def _template_lines(
    corpus: _Corpus, todo: list[Source], previous: _Previous | None
) -> frozenset[str]:
    if previous is None or previous.stamps is None:
        # Corpus-level evidence needs the whole corpus, not just the changed files.
        texts = [s for s in corpus.sources if s.kind == "text"]
        sites = [(site, s.text) for s in texts if (site := site_of(s)) is not None]
        return find_template_lines(s.text for s in texts) | find_site_template_lines(sites)
    # Unchanged files are not read: keep the lines the last build found, and add those the
    # changed files share often enough in the whole corpus (a few changed articles repeating
    # a line are not a template). Lines are only added here; a full rebuild recounts them all.
    total = sum(f.kind == "text" for f in [*corpus.sources, *corpus.unchanged])
    found = find_template_lines((s.text for s in todo if s.kind == "text"), total_docs=total)
    return previous.template_lines | found


def _snapshot(
    corpus_dir: Path,
    corpus: _Corpus,
    failed: set[str],
    template_lines: frozenset[str],
    read_at: int,
) -> store.CorpusSnapshot:
    """The stamps of the files the new generation holds (not those that failed to clean)."""
    files = {
        f.path: (f.id, f.stamp)
        for f in [*corpus.unchanged, *corpus.sources]
        if f.id not in failed and f.stamp and max(f.stamp[1], f.stamp[3]) < read_at - RECENT_NS
    }
    return store.CorpusSnapshot(str(corpus_dir.resolve()), PIPELINE_VERSION, files, template_lines)


def clean_one(source: Source, template_lines: frozenset[str]) -> Article | SkippedFile:
    """build_article(), but a file that breaks any step is skipped with the reason."""
    try:
        return build_article(source, template_lines)
    except RecursionError:  # nesting thousands deep, in its HTML or its JSON-LD
        return SkippedFile(source.path, "nested too deeply to read")
    except Exception as error:  # one file must never stop the build
        if isinstance(error, OSError) and error.errno in _NO_SPACE:
            raise  # the disk's fault, not the file's: the whole build fails with it
        return SkippedFile(source.path, f"could not be cleaned ({type(error).__name__}: {error})")


def _workers(procs: int | None) -> int:
    return procs if procs is not None else min(2, os.cpu_count() or 1)


def _clean(sources: list[Source], template_lines: frozenset[str], procs: int | None) -> Iterable:
    workers = _workers(procs)
    if workers <= 1 or len(sources) < PARALLEL_THRESHOLD:
        return map(clean_one, sources, repeat(template_lines))
    load_models()  # once here, not once per worker
    # The workers die with the build: kill -9 of the build left them running for ever.
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent)
    try:
        results = pool.map(clean_one, sources, repeat(template_lines), chunksize=64)
    except BrokenProcessPool:  # a worker died while map() was still submitting
        pool.shutdown(wait=False, cancel_futures=True)
        raise _lost_worker() from None
    pool.shutdown(wait=False)  # map() has submitted everything; results still stream in
    return _or_build_error(results)


def _or_build_error(results: Iterable) -> Iterable:
    """The pool's results; a worker that died (killed, out of memory) fails the build."""
    try:
        yield from results
    except BrokenProcessPool:
        raise _lost_worker() from None


def _lost_worker(job: str = "cleaning") -> BuildError:
    return BuildError(
        f"a {job} worker process died (killed, or out of memory); nothing was published"
    )


def _die_with_parent() -> None:
    """Ask Linux to kill this pool process when the build process dies (prctl)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the workers end when their queue closes
        pass


def _clean_todo(todo, template_lines, skipped, progress, procs) -> list[Article]:
    """The new and changed articles, cleaned; files that could not be cleaned go onto
    `skipped`."""
    articles: list[Article] = []
    for done, result in enumerate(_clean(todo, template_lines, procs), start=1):
        if isinstance(result, Article):
            articles.append(result)
        else:
            skipped.append(result)
        if progress:
            progress(done, len(todo))
    return articles


def _write(build_dir, plan, articles, warnings, procs) -> tuple[dict, set[str]]:
    """Add the cleaned new and changed articles to the build, drop the deleted ones.

    Returns the counts and the ids of the articles added; each article's notes go onto
    `warnings`.
    """
    added: set[str] = set()
    titles: list[str] = []
    removed_blocks = fallbacks = 0

    def harmonised() -> Iterator[Article]:
        # Corpus-level evidence (outlet spellings, host names, repeated title parts) needs
        # every cleaned article first; an incremental build sees only the changed ones.
        nonlocal removed_blocks, fallbacks
        for article in harmonise(articles):
            added.add(article.id)
            titles.append(article.title)
            removed_blocks += len(article.removed)
            fallbacks += article.extraction == "fallback"
            warnings.extend(FileWarning(article.source_path, note) for note in article.notes)
            yield article

    workers = _workers(procs)
    if plan.full and workers > 1 and len(articles) >= PARALLEL_THRESHOLD:
        indexed = _write_parts(build_dir, list(harmonised()), workers)
    else:
        indexed = write_articles(build_dir, harmonised(), new=plan.full, delete=plan.stale)
    counts = {"indexed": indexed, "removed_blocks": removed_blocks, "fallbacks": fallbacks}
    return {**counts, "titles": titles}, added


def _write_parts(build_dir: Path, articles: list[Article], workers: int) -> int:
    """Write a full build as `workers` parts side by side, this process writing the last.

    Writing postings is two thirds of a build and runs in Python, so one writer kept one
    core busy and the other idle (bench/PERF.md). Parts are runs of consecutive articles,
    so the joined index numbers documents as one writer would. A worker that dies fails
    the build (the pool notices), where Whoosh's own multiprocess writer hung.
    """
    size = -(-len(articles) // workers)  # ceiling division
    chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
    parts = [build_dir / f"part-{i}" for i in range(len(chunks))]
    load_models()  # once here, not once per worker
    pool = ProcessPoolExecutor(max_workers=len(chunks) - 1, initializer=_die_with_parent)
    try:
        others = [
            pool.submit(write_part, part, chunk, len(chunks))
            for part, chunk in zip(parts[:-1], chunks[:-1], strict=True)
        ]
        write_part(parts[-1], chunks[-1], len(chunks))
        for future in others:
            future.result()
    except BrokenProcessPool:
        raise _lost_worker("writing") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return join_parts(build_dir, parts)


def _examples(titles: list[str], index_dir: Path, previous: _Previous | None) -> list[str]:
    """Home-page example queries: from every headline on a full build; an incremental one
    sees only the changed headlines, so it keeps the live generation's examples."""
    if previous is not None:
        kept = store.read_build_info(index_dir, store.current_generation(index_dir))
        if kept.get("examples"):
            return kept["examples"]
    return example_queries(titles)
