"""The private Whoosh API searchapp relies on, fenced here so an upgrade has one place to check.

whoosh-reloaded is pinned at 2.7.5 (pyproject.toml), and each use below was measured
against the public alternative; tests/test_layers.py fails if another module reaches for
a Whoosh name that starts with an underscore.
"""

from __future__ import annotations

import os
import traceback

from whoosh import query


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
