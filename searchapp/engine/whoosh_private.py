"""The private Whoosh API searchapp relies on, fenced here so an upgrade has one place to check.

whoosh-reloaded is pinned at 2.7.5 (pyproject.toml), and each use below was measured
against the public alternative; tests/test_layers.py fails if another module reaches for
a Whoosh name that starts with an underscore.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from whoosh import query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, TOC
from whoosh.spelling import ReaderCorrector
from whoosh.util.numeric import byte_to_length


def filter_docnums(searcher, flt: query.Query):
    """The documents a filter query allows, as a set-like of global docnums.

    search._scored walks the matchers itself (one scoring pass gives the exact total, the
    facets and the page; Whoosh's collectors were measured slower, see its docstring), so
    it needs the filter as Searcher.search(filter=...) builds it: Searcher._filter_to_comb.
    """
    return searcher._filter_to_comb(flt)


class VocabularyTerm(query.FuzzyTerm):
    """A FuzzyTerm whose index words come from `words_in(reader)` instead of Whoosh's walk.

    MultiTerm has no public hook for "which indexed words does this term stand for";
    every matcher and expansion goes through its _btexts(). Overriding that one method is
    how TypedFuzzyTerm (query.py) compares the word as typed rather than its stem.
    """

    def words_in(self, ixreader):
        """Yield the indexed byte strings this term matches."""
        raise NotImplementedError

    def _btexts(self, ixreader):
        return self.words_in(ixreader)


def raised_in_whoosh(error: BaseException) -> bool:
    """Whether an exception came out of Whoosh's code (any frame of its traceback is there).

    A damaged segment fails inside Whoosh with many types (TypeError from a truncated
    length column, a bare Exception for a bad block) and Whoosh has no error base class to
    catch instead, so the frames' files are the only sign that the index is at fault. Any
    frame, not just the last: a truncated stored-fields file fails in pickle or zlib,
    called from Whoosh, and was a 500.
    """
    frames = traceback.extract_tb(error.__traceback__)
    return any(f"{os.sep}whoosh{os.sep}" in frame.filename for frame in frames)


def look_up_length_columns_once(writer) -> None:
    """Make a SegmentWriter's commit ask once per field whether it has a length column.

    At commit Whoosh asks the new segment for the length of every posting's field, and a
    field without lengths (the spelling words: half of all postings) costs a file-exists
    check each time: 1.95 million stat() calls, 12% of a 21k Reuters build's profile.
    Whoosh reads the lengths through writer.per_document_reader(), so that is where the
    answer is remembered; the lengths themselves come from Whoosh as before.
    """
    open_reader = writer.per_document_reader

    def per_document_reader():
        return _LengthsOnce(open_reader())

    writer.per_document_reader = per_document_reader


class _LengthsOnce:
    """A per-document reader that remembers which fields have a length column."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._has_lengths: dict[str, bool] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        has = self._has_lengths.get(fieldname)
        if has is None:
            has = self._has_lengths[fieldname] = self._reader.has_column(_lenfield(fieldname))
        return self._reader.doc_field_length(docnum, fieldname, default) if has else default

    def __getattr__(self, name):
        return getattr(self._reader, name)


class CandidateCorrector(ReaderCorrector):
    """Whoosh's ReaderCorrector with the close words from `candidates()`, not its walk.

    Corrector has no public hook for "which words are within maxdist"; suggest() ranks
    what _suggestions() yields. The score is ReaderCorrector's own (more frequent first),
    so only where the words come from changes (vocabulary.py).
    """

    def candidates(self, text: str, maxdist: int, prefix: int):
        """Yield the vocabulary words within `maxdist` edits that share `prefix` letters."""
        raise NotImplementedError

    def _suggestions(self, text, maxdist, prefix):
        frequency = self.reader.frequency
        for word in self.candidates(text, maxdist, prefix):
            f = frequency(self.fieldname, word) or 1
            yield (0 - (maxdist + (1.0 / f * 0.5)), word)


def join_segments(index_dir: Path, part_dirs: list[Path], schema) -> None:
    """Make index_dir (empty) one index whose segments are the parts' own, in their order.

    What Whoosh's multiprocess writer does at its end (each process writes a segment, one
    table of contents lists them all), for parts written by build.py's pool instead: that
    writer hung for ever when one of its processes died. It relies on Whoosh naming every
    file of a segment after segment_id() and on the TOC class, both undocumented.
    """
    segments = []
    for part in part_dirs:
        toc = TOC.read(FileStorage(str(part)), _DEF_INDEX_NAME)
        for segment in toc.segments:
            prefix = segment.segment_id()
            for path in part.iterdir():
                if path.name.startswith(prefix):
                    os.replace(path, index_dir / path.name)
            segments.append(segment)
    TOC(schema, segments, 0).write(FileStorage(str(index_dir)), _DEF_INDEX_NAME)


def document_lengths(segment_reader, fieldname: str, default=0) -> list:
    """doc_field_length(docnum, fieldname, default) of every document of one segment.

    Read as one block of bytes, not one seek and read per document: for a generation's
    first query at 21k articles that loop was ~0.3 s of ~0.5 under the profiler. Whoosh
    keeps one byte per document (0: no length; Whoosh then returns None, kept here).
    """
    count = segment_reader.doc_count_all()
    column = segment_reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return [default] * count
    stored = column._dbfile.get(column._basepos, min(column._count, count))
    lengths = [_LENGTH_OF_BYTE[b] for b in stored]
    return lengths + [None] * (count - len(lengths))


_LENGTH_OF_BYTE = [None] + [byte_to_length(b) for b in range(1, 256)]
