"""Example queries for the home page, drawn from the corpus's own headlines (pure)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# A run of capitalised words ("Kim Jong Un", "Premier League"), allowing "de"/"van" inside.
# A possessive ends a run: "North Korea’s Kim Jong Un" is two names.
_CAPITALISED = re.compile(r"\b[A-Z][\w-]*(?:\s+(?:(?:de|van|von|bin|al)\s+)?[A-Z][\w-]*){1,3}\b")
_WORD = re.compile(r"[^\W\d_]{5,}")
_STOP = {
    "about", "after", "again", "against", "before", "being", "could", "first", "their",
    "there", "these", "under", "where", "which", "while", "would", "years", "says", "said",
}  # fmt: skip


def example_queries(titles: Iterable[str], count: int = 3) -> list[str]:
    """The names most headlines share, else their most shared words: queries that find things.

    A name counts once per headline (document frequency), so one long story cannot fill the
    list. A headline in Title Case capitalises every word, so only its runs that other
    headlines share come to the top.
    """
    names: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for title in titles:
        names.update({part for m in _CAPITALISED.finditer(title) for part in _parts(m.group())})
        words.update({w.casefold() for w in _WORD.findall(title)} - _STOP)
    # most headlines first; of equally shared names the longer ("Kim Jong Un", not "Jong Un")
    ranked = sorted(names, key=lambda name: (-names[name], -len(name.split()), name))
    picked = _distinct([name for name in ranked if names[name] >= 2], count)
    if len(picked) < count:
        taken = {w.casefold() for name in picked for w in name.split()}
        shared = sorted((w for w, n in words.items() if n >= 2), key=lambda w: (-words[w], w))
        more = [w for w in shared if w not in taken]
        picked += more[: count - len(picked)]
    return picked


def _parts(run: str) -> set[str]:
    """The run and its shorter runs of two or more words: a Title Case headline's
    "Kim Jong Un Offers" still shares "Kim Jong Un" with the others."""
    words = run.split()
    return {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1)}


def _distinct(names: list[str], count: int) -> list[str]:
    """The first `count` names, dropping one inside a name already picked ("Jong Un" after
    "Kim Jong Un") and vice versa.

    It stops at `count`: comparing every shared name with all the others kept made 64
    million comparisons for the 21k Reuters headlines, 6% of a build's profile.
    """
    out: list[str] = []
    for name in names:
        if len(out) == count:
            break
        if not any(name in other or other in name for other in out):
            out.append(name)
    return out
