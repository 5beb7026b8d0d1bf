"""Read a corpus folder from disk: find article files, decode them, read sidecars.

This is the only module that opens corpus files; it never writes to the corpus.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import pathspec
from charset_normalizer import from_bytes

from ..model import SearchappError, SkippedFile
from .pipeline import Source, Stamp, content_hash, validate_sidecar

TEXT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
# A news article is a few hundred KB at most; anything far larger is a dump or a mistake.
MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_SIDECAR_BYTES = 256 * 1024


class LoadError(SearchappError):
    """A corpus file cannot be used; the message says why."""


@dataclass(frozen=True)
class UnchangedFile:
    """An article file with the same stamp as at the last build: not read again."""

    id: str
    path: str  # relative to the corpus folder
    stamp: Stamp

    @property
    def kind(self) -> str:
        return TEXT_SUFFIXES[Path(self.path).suffix.lower()]


# Gitignore-syntax patterns in the corpus folder name files that are not articles.
IGNORE_FILE = ".searchappignore"


def ignore_spec(corpus_dir: Path, exclude: Sequence[str] = ()) -> pathspec.GitIgnoreSpec:
    """The corpus's .searchappignore patterns, then the --exclude globs (gitignore syntax)."""
    try:
        lines = (corpus_dir / IGNORE_FILE).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        lines = []
    except (OSError, UnicodeDecodeError) as error:
        raise LoadError(f"cannot read {corpus_dir / IGNORE_FILE}: {error}") from None
    return pathspec.GitIgnoreSpec.from_lines([*lines, *exclude])


@dataclass(frozen=True)
class Listing:
    """The article files of a corpus folder, and the entries refused with their reason."""

    files: list[Path]
    refused: list[SkippedFile]


def scan_corpus(corpus_dir: Path, exclude: Sequence[str] = ()) -> Listing:
    """Every article file inside the corpus folder (recursively), in a stable order.

    Only regular files whose real path is inside the folder: a symlink pointing out of it
    (to /etc/passwd, say) is refused, and so are FIFOs, sockets, symlink loops, dangling
    links, symlinked folders and names that are not valid UTF-8, each with its reason.
    Files that .searchappignore or an `exclude` glob names are left out, unreported.
    """
    spec = ignore_spec(corpus_dir, exclude)
    root = Path(os.path.realpath(corpus_dir))
    found: list[Path] = []
    refused: list[SkippedFile] = []

    def unreadable(error: OSError) -> None:
        refused.append(SkippedFile(str(error.filename), _cannot_read(error)))

    # os.walk never follows a link to a folder.
    for folder, dirnames, filenames in os.walk(corpus_dir, onerror=unreadable):
        for name in dirnames:
            if os.path.islink(os.path.join(folder, name)):
                refused.append(SkippedFile(_shown(folder, name), "symlinked folder, not followed"))
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in TEXT_SUFFIXES:
                continue
            if spec.match_file(Path(folder, name).relative_to(corpus_dir).as_posix()):
                continue
            reason = _check(Path(folder, name), root)[0]
            if reason:
                refused.append(SkippedFile(_shown(folder, name), reason))
            else:
                found.append(Path(folder, name))
    # Path's own order, but comparing parts tuples: a Path comparison is several times slower.
    return Listing(sorted(found, key=lambda path: path.parts), refused)


def article_files(corpus_dir: Path, exclude: Sequence[str] = ()) -> list[Path]:
    """The article files scan_corpus() accepts."""
    return scan_corpus(corpus_dir, exclude).files


def _check(path: Path, root: Path) -> tuple[str | None, str]:
    """(why this entry must not be read, or None; the path to open).

    One lstat for a plain file (os.walk reached it through real folders, so it is inside
    root); a link is resolved and must land on a regular file inside root.
    """
    if not _is_utf8(str(path)):
        return "file name is not valid UTF-8; rename the file", ""
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISLNK(mode):
            return (None, str(path)) if stat.S_ISREG(mode) else (_not_regular(mode), "")
        real = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return "broken symlink: its target does not exist", ""
    except OSError as error:
        return ("symlink loop" if error.errno == errno.ELOOP else _cannot_read(error)), ""
    if root not in Path(real).parents:
        return "symlink to a file outside the corpus folder, not read", ""
    try:
        mode = os.stat(real).st_mode
    except OSError as error:
        return _cannot_read(error), ""
    return (None, real) if stat.S_ISREG(mode) else (_not_regular(mode), "")


def _read_inside(path: Path, root: Path, limit: int) -> bytes:
    """A regular file's bytes (at most limit + 1, so callers can tell it is too big).

    The boundary is checked again at read time, and the file opened without following a
    link or blocking: an entry swapped for a link or a FIFO after the checks fails here.
    """
    reason, real = _check(path, root)
    if reason:
        raise LoadError(reason)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    with os.fdopen(os.open(real, flags), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise LoadError("not a regular file")
        return handle.read(limit + 1)


def decode(data: bytes) -> str:
    """UTF-8 when it is; otherwise a confidently detected encoding; otherwise LoadError."""
    if not data.strip():
        raise LoadError("empty file")
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    matches = from_bytes(data)
    best = matches.best()
    # Reject rather than guess: a wrong guess silently mangles every accented word.
    if best is None or best.chaos > 0.1 or best.encoding in {"utf_8", "ascii"}:
        raise LoadError(
            f"not valid UTF-8 (byte {utf8_error.start}) and its encoding could not be detected"
        )
    # On short texts the detector scores several code pages alike and picks one; French
    # latin-1 came back as cp1250 ("à" -> "ŕ"). When equally good readings disagree, refuse.
    rivals = [
        m for m in matches if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01
    ]
    if len({str(m) for m in rivals}) > 1:
        raise LoadError(
            f"not valid UTF-8 (byte {utf8_error.start}) and its encoding is ambiguous "
            f"(could be {', '.join(m.encoding for m in rivals[:4])}); save it as UTF-8"
        )
    return str(best)


@dataclass(frozen=True)
class Sidecar:
    """The metadata in `<stem>.json` beside an article: usable fields, raw bytes, warnings."""

    fields: dict
    data: bytes = b""
    warnings: tuple[str, ...] = ()


def read_sidecar(path: Path, root: Path) -> Sidecar:
    """The sidecar beside an article (empty when there is none); LoadError if not JSON.

    `root` is the corpus folder's real path: the sidecar is read only from inside it.
    """
    sidecar = path.with_suffix(".json")
    if not os.path.lexists(sidecar):
        return Sidecar({})
    try:
        data = _read_inside(sidecar, root, MAX_SIDECAR_BYTES)
    except LoadError as error:
        raise LoadError(f"sidecar {sidecar}: {error}") from None
    if len(data) > MAX_SIDECAR_BYTES:
        raise LoadError(f"sidecar {sidecar} is larger than {MAX_SIDECAR_BYTES} bytes")
    try:
        fields, problems = validate_sidecar(json.loads(data.decode("utf-8-sig")))
    except RecursionError:  # [[[[... thousands deep: json's decoder recurses
        raise LoadError(f"bad sidecar {sidecar}: nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        raise LoadError(f"bad sidecar {sidecar}: {error}") from None
    return Sidecar(fields, data, tuple(f"sidecar {sidecar.name}: {p}" for p in problems))


def file_stamp(path: Path) -> Stamp:
    """An article file's size and mtime, then its sidecar's; OSError when the file is gone."""
    article = path.stat()
    try:
        sidecar = path.with_suffix(".json").stat()
    except FileNotFoundError:
        return (article.st_size, article.st_mtime_ns, 0, 0)
    return (article.st_size, article.st_mtime_ns, sidecar.st_size, sidecar.st_mtime_ns)


def read_source(path: Path, corpus_dir: Path, stamp: Stamp | None = None) -> Source | SkippedFile:
    """Read and decode one article file with its sidecar, or say why it can't be used.

    The stamp is taken before the bytes are read (here, unless given), so a file that changes
    during the read looks changed to the next build, never unchanged.
    """
    root = Path(os.path.realpath(corpus_dir))
    try:
        stamp = stamp if stamp is not None else file_stamp(path)
        size = stamp[0]
        if size > MAX_FILE_BYTES:
            raise LoadError(f"file is {size // MB} MB, over the {MAX_FILE_BYTES // MB} MB limit")
        data = _read_inside(path, root, MAX_FILE_BYTES)
        if len(data) > MAX_FILE_BYTES:
            raise LoadError(f"file grew past the {MAX_FILE_BYTES // MB} MB limit while read")
        text = decode(data)
        sidecar = read_sidecar(path, root)
    except LoadError as error:
        return SkippedFile(str(path), str(error))
    except OSError as error:  # vanished or unreadable between listing and reading
        return SkippedFile(str(path), _cannot_read(error))
    relative = _relative(path, corpus_dir)
    return Source(
        id=article_id(relative),
        path=relative,
        kind=TEXT_SUFFIXES[path.suffix.lower()],
        text=text,
        raw_hash=content_hash(data, sidecar.data),
        sidecar=sidecar.fields,
        stamp=stamp,
        warnings=sidecar.warnings,
    )


def article_id(relative_path: str) -> str:
    """The id of the article in a file: its path in the corpus, without the extension.

    "business/001.txt" -> "business/001"; a file at the top keeps its stem as before. Folders
    are joined by "/" on every system, so an id is the same on Windows and in a URL.
    """
    return PurePath(relative_path).with_suffix("").as_posix()


def read_corpus(
    corpus_dir: Path,
    known_stamps: Mapping[str, Stamp] | None = None,
    exclude: Sequence[str] = (),
) -> Iterator[Source | UnchangedFile | SkippedFile]:
    """Read every article file; a duplicate id (a.txt beside a.html) keeps the first.

    `known_stamps` maps relative paths to their stamps at the last build: a file whose stamp
    is the same comes back as an UnchangedFile, unread. `exclude` globs leave files out.
    """
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    known_stamps = known_stamps or {}
    listing = scan_corpus(corpus_dir, exclude)
    yield from listing.refused
    seen: dict[str, str] = {}
    for path in listing.files:
        relative = _relative(path, corpus_dir)
        id_ = article_id(relative)
        if id_ in seen:
            yield SkippedFile(
                str(path),
                f"duplicate article id {id_!r}: {relative} and {seen[id_]} are the same "
                f"article saved twice; kept {seen[id_]}",
            )
            continue
        try:
            stamp = file_stamp(path)
        except OSError as error:
            yield SkippedFile(str(path), _cannot_read(error))
            continue
        if known_stamps.get(relative) == stamp:
            item: Source | UnchangedFile | SkippedFile = UnchangedFile(id_, relative, stamp)
        else:
            item = read_source(path, corpus_dir, stamp)
        if not isinstance(item, SkippedFile):  # an empty a.html must not hide a good a.txt
            seen[id_] = relative
        yield item


def _relative(path: Path, corpus_dir: Path) -> str:
    try:
        return str(path.relative_to(corpus_dir))
    except ValueError:  # not inside it (article_files never gives such a path)
        return str(path)


def _cannot_read(error: OSError) -> str:
    return f"cannot read: {error.strerror or error}"


def _is_utf8(name: str) -> bool:
    """False for a name with bytes that are not UTF-8 (Python keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(folder: str, name: str) -> str:
    """A path to print, with any bytes that are not UTF-8 written as \\xNN."""
    return os.fsencode(os.path.join(folder, name)).decode("utf-8", "backslashreplace")


def _not_regular(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        kind = "a FIFO"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISDIR(mode):
        kind = "a folder"
    else:
        kind = "a device"
    return f"not a regular file ({kind}), not read"


def read_sources(corpus_dir: Path) -> tuple[list[Source], list[SkippedFile]]:
    """Read every article file in the corpus folder: (files read, files skipped)."""
    sources: list[Source] = []
    skipped: list[SkippedFile] = []
    for item in read_corpus(corpus_dir):
        (sources if isinstance(item, Source) else skipped).append(item)
    return sources, skipped
