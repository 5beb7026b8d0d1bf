"""Copies: exact and near-duplicates by MinHash/LSH, on texts whose relation is known."""

from __future__ import annotations

import random

from datasketch import MinHashLSH

from searchapp.ingest.dedup import (
    CANDIDATE_JACCARD,
    LSH_BANDS,
    NUM_PERM,
    containment,
    find_copies,
    is_copy,
    pairs,
    shingles,
    signature,
)
from searchapp.ingest.load import read_sources
from searchapp.ingest.pipeline import build_article
from searchapp.model import Article

from .conftest import SHIPPED_CORPUS

_rng = random.Random(19)
_WORDS = (
    "minister talks border trade grain shipment harbour senate budget deficit vote coalition "
    "reactor strike union wages inflation bank rates bond yields export quota tariff court "
    "ruling appeal election turnout ballot rally protest police ferry storm flood rescue "
    "vaccine trial hospital school teachers rail fares airport runway pipeline gas oil"
).split()


def _paragraphs(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_WORDS) for _ in range(40)) + "." for _ in range(n)]


ORIGINAL = _paragraphs(8, 1)


def test_the_given_bands_are_what_datasketch_would_choose():
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == LSH_BANDS


def test_shingles_ignore_case_and_punctuation():
    assert shingles("The Ferry, sank!  off the coast") == shingles("the ferry sank off the coast")
    assert shingles("two words") == {b"two words"}
    assert shingles("") == set()


def test_containment_from_jaccard():
    # A inside B, |A| = 50, |B| = 100: Jaccard 0.5, containment 1.
    assert containment(0.5, 50, 100) == 1.0
    assert containment(0.0, 50, 100) == 0.0


# Each row: a rewrite of ORIGINAL and whether it is still a copy of it.
CASES = [
    ("same text", "\n\n".join(ORIGINAL), True),
    (
        "new boilerplate around it",
        "Subscribe now!\n\n" + "\n\n".join(ORIGINAL) + "\n\n© Wire",
        True,
    ),
    ("paragraphs reordered", "\n\n".join(ORIGINAL[4:] + ORIGINAL[:4]), True),
    ("last two paragraphs cut", "\n\n".join(ORIGINAL[:6]), True),
    (
        "cut, reordered and a new ending",
        "\n\n".join(ORIGINAL[3:7] + ORIGINAL[:2]) + " Updated.",
        True,
    ),
    ("a quarter of it quoted in a new piece", "\n\n".join(ORIGINAL[:2] + _paragraphs(6, 7)), False),
    ("another article on the same words", "\n\n".join(_paragraphs(8, 2)), False),
]


def test_copy_cases():
    base = signature("\n\n".join(ORIGINAL))
    for name, text, expected in CASES:
        assert is_copy(base, signature(text)) is expected, name


def test_find_copies_groups_transitively_and_leaves_others_alone():
    texts = {f"rewrite-{i}": text for i, (_, text, _) in enumerate(CASES)}
    texts["original"] = "\n\n".join(ORIGINAL)
    texts["short"] = "Markets closed."  # too short to compare
    texts["short-again"] = "Markets closed."
    groups = find_copies((k, signature(v)) for k, v in sorted(texts.items()))
    copies = {k for k, (_, _, expected) in zip(texts, CASES, strict=False) if expected}
    assert groups == [sorted(copies | {"original"})]


def test_pairs_lists_each_pair_once():
    assert pairs([["a", "b", "c"], ["d", "e"]]) == {("a", "b"), ("a", "c"), ("b", "c"), ("d", "e")}


def test_no_shipped_article_is_a_copy_of_another():
    sources, _ = read_sources(SHIPPED_CORPUS)
    articles = [a for a in map(build_article, sources) if isinstance(a, Article)]
    assert len(articles) == 5
    assert find_copies((a.id, signature(a.text)) for a in articles) == []
