"""The index folder: numbered builds ("generations") and a pointer to the live one.

Layout of INDEX_DIR:
    CURRENT          name of the live generation, replaced atomically by rename
    gen-<stamp>/     one complete Whoosh index per build, plus build.json and sources.json
    .building-*/     a build in progress (removed by the next rebuild if it died)
    .rebuild.lock    held (flock) while a rebuild runs

Readers only ever follow CURRENT, so they see an old build or a new one, never half of one.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import stat
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .model import SearchappError

POINTER = "CURRENT"
LOCK = ".rebuild.lock"
BUILD_PREFIX = ".building-"
GEN_PREFIX = "gen-"
BUILD_INFO = "build.json"
MANIFEST = "files"  # key in build.json: {file name: [size in bytes, crc32]}
SNAPSHOT = "sources.json"  # the corpus files a build indexed, for the next incremental build
SNAPSHOT_FORMAT = 1
# How many publishes a reader of the pointer follows before it calls a missing build an
# error: each needs a whole build, so a reader overtaken by more than this is stuck anyway.
PUBLISHES_TO_FOLLOW = 5


class NoIndexError(SearchappError):
    """No index has been published in this folder yet."""


class DamagedIndexError(SearchappError):
    """A generation's files are not the ones its build wrote (truncated, missing, changed)."""


class RebuildInProgressError(SearchappError):
    """Another rebuild holds the lock on this index folder."""


def current_generation(index_dir: Path) -> str:
    """Name of the live generation; NoIndexError when there is none."""
    # Two publishes between reading the pointer and looking at the folder prune the build
    # it named (the suite caught a search doing so): a pointer that has moved on is read
    # again, and only one that stays on a missing build is an error.
    name = None
    for _ in range(1 + PUBLISHES_TO_FOLLOW):
        again = _read_pointer(index_dir)
        if again == name:
            break
        name = again
        if name.startswith(GEN_PREFIX) and "/" not in name and (index_dir / name).is_dir():
            return name
    raise NoIndexError(f"index pointer in {index_dir} names a missing build {name!r}")


def _read_pointer(index_dir: Path) -> str:
    try:
        return (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise NoIndexError(f"no index in {index_dir}") from None
    except (UnicodeDecodeError, OSError) as error:  # a damaged pointer: a 503, not a 500
        raise NoIndexError(f"index pointer in {index_dir} cannot be read ({error})") from None


def read_build_info(index_dir: Path, name: str) -> dict:
    """The summary a build wrote beside its index (article count, build time)."""
    try:
        return json.loads((index_dir / name / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class CorpusSnapshot:
    """The corpus as a generation indexed it: each file's stamp, and the template lines."""

    corpus: str  # the corpus folder, resolved
    pipeline: str  # extract.PIPELINE_VERSION of the build
    files: dict[str, tuple[str, tuple[int, ...]]]  # relative path -> (article id, stamp)
    template_lines: frozenset[str]


def write_snapshot(build_dir: Path, snapshot: CorpusSnapshot) -> None:
    """Save the snapshot in a build folder (before publish, so the manifest covers it)."""
    record = {
        "format": SNAPSHOT_FORMAT,
        "corpus": snapshot.corpus,
        "pipeline": snapshot.pipeline,
        "template_lines": sorted(snapshot.template_lines),
        "files": {path: [id_, *stamp] for path, (id_, stamp) in snapshot.files.items()},
    }
    (build_dir / SNAPSHOT).write_text(json.dumps(record), encoding="utf-8")


def read_snapshot(index_dir: Path, name: str) -> CorpusSnapshot | None:
    """A generation's snapshot; None when it has none, or one this version cannot read."""
    try:
        record = json.loads((index_dir / name / SNAPSHOT).read_text(encoding="utf-8"))
        if record["format"] != SNAPSHOT_FORMAT:
            return None
        return CorpusSnapshot(
            corpus=str(record["corpus"]),
            pipeline=str(record["pipeline"]),
            files={
                str(path): (str(id_), tuple(int(n) for n in stamp))
                for path, (id_, *stamp) in record["files"].items()
            },
            template_lines=frozenset(str(line) for line in record["template_lines"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


# Folders this process holds the lock of: a POSIX lock never refuses its own process.
_held: set[str] = set()
_held_guard = threading.Lock()


@contextmanager
def rebuild_lock(index_dir: Path):
    """Hold the folder's rebuild lock, or raise RebuildInProgressError at once.

    A POSIX record lock (lockf), not flock: the build's pool processes do not inherit it,
    so it dies with the process that took it. With flock, kill -9 of a rebuild left its
    pool processes holding the lock, and every later rebuild was refused.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    key = str(index_dir.resolve())
    busy = RebuildInProgressError(
        f"another rebuild of {index_dir} is running; wait for it to finish"
    )
    with _held_guard:
        if key in _held:
            raise busy
        _held.add(key)
    try:
        fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno in (errno.EACCES, errno.EAGAIN):
                    raise busy from None
                raise
            yield
        finally:
            os.close(fd)  # releases the lock
    finally:
        with _held_guard:
            _held.discard(key)


def new_build_dir(index_dir: Path) -> Path:
    """A fresh, empty folder to build the next generation in (call under the lock)."""
    remove_abandoned_builds(index_dir)
    path = index_dir / f"{BUILD_PREFIX}{os.getpid()}-{time.time_ns()}"
    path.mkdir(parents=True)
    return path


def remove_abandoned_builds(index_dir: Path) -> None:
    """Delete builds left behind by a rebuild that died (only safe under the lock)."""
    for leftover in index_dir.glob(BUILD_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for tmp in index_dir.glob(POINTER + ".*.tmp"):
        tmp.unlink(missing_ok=True)


def publish(index_dir: Path, build_dir: Path, info: dict) -> str:
    """Make a finished build live by an atomic rename of the pointer; return its name."""
    # The size and checksum of every file as built, so a reader can tell a truncated or
    # overwritten segment at open time, rather than fail or answer wrongly later.
    files = {path.name: [found.st_size, _crc32(path)] for path, found in _stats(build_dir)}
    info = {**info, MANIFEST: files}
    (build_dir / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
    # One clock reading, in UTC: names must sort in build order for prune_generations(),
    # and two readings (or local time going back an hour) could sort a newer build first.
    seconds, nanos = divmod(time.time_ns(), 10**9)
    name = f"{GEN_PREFIX}{time.strftime('%Y%m%dT%H%M%S', time.gmtime(seconds))}-{nanos:09d}"
    final = index_dir / name
    os.rename(build_dir, final)
    _fsync_dir(index_dir)
    tmp = index_dir / f"{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync_dir(index_dir)
    return name


def check_files(index_dir: Path, name: str) -> None:
    """Raise DamagedIndexError when a generation's files are not those its build wrote.

    Each file is checksummed once per process for each (inode, size, mtime) it has, so a
    generation is read in full when first opened and a check is only a stat after that.
    crc32, not a cryptographic hash: this finds damage (an attacker able to write the files
    can rewrite the manifest too), and is the cheapest (bench/index_checks.py, the 90 MB
    Reuters index: crc32 110 ms, sha256 200 ms, blake2b 294 ms; opening it 170 ms).
    """
    expected = read_build_info(index_dir, name).get(MANIFEST)
    if not isinstance(expected, dict):
        return  # built before manifests were written: nothing to compare with
    actual = {path.name: (path, found) for path, found in _stats(index_dir / name)}
    for file, record in expected.items():
        size, crc = _size_and_crc(file, record)
        path, found = actual.get(file, (None, None))
        if found is None or found.st_size != size:
            now = "missing" if found is None else f"{found.st_size} bytes"
            raise DamagedIndexError(f"index file {file} is {now}, expected {size} bytes")
        if crc is not None and _checked_crc32(path, found) != crc:
            raise DamagedIndexError(f"index file {file} has changed since it was built")


def _size_and_crc(file: str, record) -> tuple[int, int | None]:
    """A manifest entry: [size, crc32], or a size alone (older builds)."""
    if isinstance(record, int) and not isinstance(record, bool):
        return record, None
    if (
        isinstance(record, list)
        and len(record) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in record)
    ):
        return record[0], record[1]
    raise DamagedIndexError(f"the build record of index file {file} is damaged")


# (path, inode, size, mtime_ns) -> crc32: what this process has already read.
_crc_seen: dict[tuple, int] = {}
_crc_guard = threading.Lock()


def _checked_crc32(path: Path, found: os.stat_result) -> int:
    key = (str(path), found.st_ino, found.st_size, found.st_mtime_ns)
    with _crc_guard:
        if key in _crc_seen:
            return _crc_seen[key]
    crc = _crc32(path)  # outside the lock: threads checking other files need not wait
    with _crc_guard:
        if len(_crc_seen) > 100_000:  # generations come and go; old keys are never asked
            _crc_seen.clear()
        _crc_seen[key] = crc
    return crc


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def _stats(folder: Path) -> list[tuple[Path, os.stat_result]]:
    """The generation's files with their stat; Whoosh's write lock comes and goes, no data."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.name == BUILD_INFO or path.name.endswith("WRITELOCK"):
            continue
        info = path.stat()
        if stat.S_ISREG(info.st_mode):
            found.append((path, info))
    return found


def prune_generations(index_dir: Path, keep: int = 2) -> None:
    """Remove all but the newest `keep` generations (the live one and the one before)."""
    live = current_generation(index_dir)
    older = sorted(p.name for p in index_dir.glob(GEN_PREFIX + "*") if p.name != live)
    for name in older[: max(0, len(older) - (keep - 1))]:
        shutil.rmtree(index_dir / name, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
