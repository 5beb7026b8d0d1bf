"""Keep the index current: watch the corpus folder, rebuild incrementally once changes settle.

watchfiles (Rust's notify underneath) reports file events in batches. A batch ends only
after QUIET_MS without a new event, so copying 1,000 files in is one batch and one build,
not 1,000; MAX_BATCH_MS bounds a batch that never goes quiet. Builds run one after another:
events during a build wait for the next batch, and the server picks up each new generation
as it does after `rebuild-index`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from .build import BuildError, BuildSummary, rebuild_index
from .ingest.load import TEXT_SUFFIXES
from .store import RebuildInProgressError

QUIET_MS = 1_000  # a copy pauses far less than this between files (cp: ~1 ms a file)
MAX_BATCH_MS = 60_000
LOCK_RETRY_SECONDS = 2.0  # another rebuild (a person's `rebuild-index`) holds the lock
# Names that downloaders, editors and copy tools give files while they are still writing.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp")
WATCHED_SUFFIXES = (*TEXT_SUFFIXES, ".json")  # articles and their sidecars


def is_corpus_file(path: str) -> bool:
    """Could this path be an article or a sidecar? (not hidden, not half-written)"""
    name = Path(path).name.lower()
    if name.startswith((".", "~")) or name.endswith(("~", *PARTIAL_SUFFIXES)):
        return False  # rsync's .name.XXXX, vim's .swp, a browser's .crdownload
    return name.endswith(WATCHED_SUFFIXES)


def _corpus_changes(change: watchfiles.Change, path: str) -> bool:
    return is_corpus_file(path)


Report = Callable[[str], None]


def build_once(corpus_dir: Path, index_dir: Path, report: Report) -> BuildSummary | None:
    """One incremental build; a failure is reported and the previous index keeps serving."""
    while True:
        try:
            summary = rebuild_index(corpus_dir, index_dir, incremental=True)
        except RebuildInProgressError:
            time.sleep(LOCK_RETRY_SECONDS)  # wait for the other build, then add ours
            continue
        except BuildError as error:
            report(f"rebuild failed, the previous index is still serving: {error}")
            return None
        if summary.not_incremental:
            report(summary.not_incremental)
        for skipped in summary.skipped:
            report(f"skipped {skipped.path}: {skipped.reason}")
        report(summary.line())
        return summary


def watch_corpus(
    corpus_dir: Path,
    index_dir: Path,
    report: Report,
    *,
    stop: threading.Event | None = None,
    quiet_ms: int = QUIET_MS,
) -> None:
    """Build once (to catch up), then rebuild after each settled batch of changes.

    Returns when `stop` is set (or on KeyboardInterrupt, which watchfiles turns into a
    return when it owns the signal).
    """
    build_once(corpus_dir, index_dir, report)
    report(f"Watching {corpus_dir} for changes (press Ctrl+C to stop)")
    for changes in watchfiles.watch(
        corpus_dir,
        watch_filter=_corpus_changes,
        debounce=MAX_BATCH_MS,
        step=quiet_ms,
        stop_event=stop,
        raise_interrupt=False,
    ):
        report(f"{len(changes)} change{'' if len(changes) == 1 else 's'} in the corpus; rebuilding")
        build_once(corpus_dir, index_dir, report)
    report(f"Stopped watching {corpus_dir}")
