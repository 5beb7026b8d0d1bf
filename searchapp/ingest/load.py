"""Read a corpus folder from disk: find article files, decode them, read sidecars.

This is the only module that opens corpus files; it never writes to the corpus.
"""

from __future__ import annotations

import json
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


def article_files(corpus_dir: Path, exclude: Sequence[str] = ()) -> list[Path]:
    """Every article file in the corpus folder (recursively), in a stable order.

    Files that .searchappignore or an `exclude` glob names are left out.
    """
    spec = ignore_spec(corpus_dir, exclude)
    found = [
        path
        for path in corpus_dir.rglob("*")
        if not path.name.startswith(".")
        and path.suffix.lower() in TEXT_SUFFIXES
        and not spec.match_file(path.relative_to(corpus_dir).as_posix())
        and path.is_file()
    ]
    # Path's own order, but comparing parts tuples: a Path comparison is several times slower.
    return sorted(found, key=lambda path: path.parts)


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


def read_sidecar(path: Path) -> Sidecar:
    """The sidecar beside an article (empty when there is none); LoadError if not JSON."""
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return Sidecar({})
    data = sidecar.read_bytes()
    if len(data) > MAX_SIDECAR_BYTES:
        raise LoadError(f"sidecar {sidecar} is larger than {MAX_SIDECAR_BYTES} bytes")
    try:
        fields, problems = validate_sidecar(json.loads(data.decode("utf-8-sig")))
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
    try:
        stamp = stamp if stamp is not None else file_stamp(path)
        size = stamp[0]
        if size > MAX_FILE_BYTES:
            raise LoadError(f"file is {size // MB} MB, over the {MAX_FILE_BYTES // MB} MB limit")
        data = path.read_bytes()
        text = decode(data)
        sidecar = read_sidecar(path)
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
    seen: dict[str, str] = {}
    for path in article_files(corpus_dir, exclude):
        relative = _relative(path, corpus_dir)
        id_ = article_id(relative)
        if id_ in seen:
            yield SkippedFile(
                str(path),
                f"duplicate article id {id_!r}: {relative} and {seen[id_]} are the same "
                f"article saved twice; kept {seen[id_]}",
            )
            continue
        seen[id_] = relative
        try:
            stamp = file_stamp(path)
        except OSError as error:
            yield SkippedFile(str(path), _cannot_read(error))
            continue
        if known_stamps.get(relative) == stamp:
            yield UnchangedFile(id_, relative, stamp)
        else:
            yield read_source(path, corpus_dir, stamp)


def _relative(path: Path, corpus_dir: Path) -> str:
    try:
        return str(path.relative_to(corpus_dir))
    except ValueError:  # not inside it (article_files never gives such a path)
        return str(path)


def _cannot_read(error: OSError) -> str:
    return f"cannot read: {error.strerror or error}"


def read_sources(corpus_dir: Path) -> tuple[list[Source], list[SkippedFile]]:
    """Read every article file in the corpus folder: (files read, files skipped)."""
    sources: list[Source] = []
    skipped: list[SkippedFile] = []
    for item in read_corpus(corpus_dir):
        (sources if isinstance(item, Source) else skipped).append(item)
    return sources, skipped
