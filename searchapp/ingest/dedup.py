"""Find copies: exact and near-duplicate articles, by MinHash over word shingles (pure).

Each article gets a MinHash signature of its body's word 4-grams at build time; one pass of
locality-sensitive hashing (datasketch's MinHashLSH) then proposes candidate pairs, so the
cost grows with the corpus, not with its square. A candidate is a copy when the estimated
overlap is high: the shorter text is mostly inside the longer (a republication that cut
paragraphs or added its own boilerplate) or the two are nearly the same text.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

SHINGLE_WORDS = 4  # 4-word shingles: 5 missed Reuters copies whose figures were updated
NUM_PERM = 128  # signature length; the Jaccard estimate's error is about 0.04 at 0.8
SCHEME = "affine32"
# LSH proposes pairs whose Jaccard is likely above this; CONTAINMENT then decides.
CANDIDATE_JACCARD = 0.4
# (bands, rows per band) that datasketch's optimiser picks for CANDIDATE_JACCARD and
# NUM_PERM, given rather than recomputed: its SciPy integration took 0.14 s of every build.
# tests/test_dedup.py checks the two agree.
LSH_BANDS = (32, 4)
# The share of the shorter article's shingles found in the longer one, for a copy.
CONTAINMENT = 0.8
MIN_SHINGLES = 8  # fewer than this (a headline, a table stub) says too little to compare

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _sketch() -> tuple[ModuleType, type, type]:
    """(numpy, MinHash, MinHashLSH), imported on first use.

    datasketch imports SciPy, and the two took 1.3 s of the 2.9 s every `searchapp` command
    and server spent starting up, although only a build's copy finder needs them.
    """
    import numpy
    from datasketch import MinHash, MinHashLSH

    return numpy, MinHash, MinHashLSH


def load_library() -> None:
    """Import datasketch now (it is kept): see pipeline.load_models()."""
    _sketch()


@dataclass(frozen=True)
class Signature:
    """What the copy finder keeps of one article: its MinHash values and shingle count."""

    values: bytes  # NUM_PERM uint32 MinHash values
    shingles: int


def shingles(text: str) -> set[bytes]:
    """The article's overlapping word 4-grams, lowercased (punctuation and case ignored)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


@lru_cache(maxsize=1)
def _permutations():
    # Fixed seed: signatures from separate builds (an incremental one) must compare.
    _, MinHash, _ = _sketch()
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def signature(text: str) -> Signature:
    """The MinHash signature of a text (crc32 hashes: fast, and the same in every process)."""
    np, MinHash, _ = _sketch()
    grams = shingles(text)
    minhash = MinHash(
        num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=_permutations(), scheme=SCHEME
    )
    minhash.update_batch(grams)
    return Signature(minhash.hashvalues.astype(np.uint32).tobytes(), len(grams))


def _minhash(sig: Signature):
    np, MinHash, _ = _sketch()
    values = np.frombuffer(sig.values, dtype=np.uint32)
    # The shared permutations: without them each MinHash drew its own, a fifth of the
    # copy finder's time (0.76 s of 1.84 s over 5,000 Reuters stories).
    return MinHash(
        num_perm=NUM_PERM, hashvalues=values, permutations=_permutations(), scheme=SCHEME
    )


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """|A ∩ B| / min(|A|, |B|) from a Jaccard estimate and the two set sizes."""
    if jaccard <= 0 or not size_a or not size_b:
        return 0.0
    overlap = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, overlap / min(size_a, size_b))


def is_copy(a: Signature, b: Signature) -> bool:
    """Whether two signatures look like the same article."""
    if a.values == b.values and a.shingles == b.shingles:
        return True
    estimate = _minhash(a).jaccard(_minhash(b))
    return estimate >= CANDIDATE_JACCARD and containment(estimate, a.shingles, b.shingles) >= (
        CONTAINMENT
    )


def find_copies(signatures: Iterable[tuple[str, Signature]]) -> list[list[str]]:
    """Groups of two or more article ids that are copies of each other, each sorted.

    LSH candidates are checked pairwise, then joined transitively (A~B and B~C: one group).
    """
    _, _, MinHashLSH = _sketch()
    lsh = MinHashLSH(num_perm=NUM_PERM, params=LSH_BANDS)
    kept: dict[str, Signature] = {}
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for article_id, sig in signatures:
        if sig.shingles < MIN_SHINGLES or article_id in kept:
            continue
        minhash = _minhash(sig)
        parent[article_id] = article_id
        for other in lsh.query(minhash):
            if root(other) != root(article_id) and is_copy(sig, kept[other]):
                parent[root(other)] = root(article_id)
        lsh.insert(article_id, minhash)
        kept[article_id] = sig
    groups: dict[str, list[str]] = {}
    for article_id in parent:
        groups.setdefault(root(article_id), []).append(article_id)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def pairs(groups: Sequence[Sequence[str]]) -> set[tuple[str, str]]:
    """Every unordered pair inside the groups, for pairwise precision and recall."""
    found: set[tuple[str, str]] = set()
    for group in groups:
        members = sorted(group)
        for i, a in enumerate(members):
            found.update((a, b) for b in members[i + 1 :])
    return found
