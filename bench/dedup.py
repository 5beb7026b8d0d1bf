"""Copy detection: precision and recall, and its share of the build time.

Usage: python bench/dedup.py [--limit N] [--build-size N] [--skip-build | --only-build]
                            [--on-only] [--vary]

1. Reuters-21578: what MinHash/LSH (searchapp.dedup.find_copies) finds against the exact
   answer for the same rule (containment of the shorter text's word 4-grams >= 0.8), found
   without sampling by prefix filtering: a pair that passes must share one of the rarest
   floor((1 - 0.8) * |A|) + 1 shingles of its shorter text A, so only those are indexed.
2. An assembled corpus: Reuters stories of 80+ words, and for a third of them a rewritten
   copy (new boilerplate lines, cut paragraphs, reordered paragraphs, or all three) whose
   pair is known. Found pairs are scored against the known pairs plus the pairs the exact
   rule finds among the untouched stories (Reuters has its own duplicates).
3. Build-time cost: two full `rebuild_index` runs of the Reuters corpus in the same run
   (bench/reuters.py writes it; --build-size above 21,578 repeats it, SYNTHETIC), the first
   with copies and stories off (no article profiles, no grouping), the second with them on,
   timing the signature computation and the grouping inside it, printed as shares of its
   wall time. --on-only skips the build without them (half the time: the steps are timed
   inside the build with them anyway); --vary rewrites each repeat of a story past the
   first (boilerplate, cut and reordered paragraphs, as in part 2), so the copies the
   grouping verifies are near, not exact, duplicates.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import reuters  # noqa: E402

from searchapp.build import rebuild_index  # noqa: E402
from searchapp.ingest import dedup, groups, profile, stories  # noqa: E402


def exact_copies(texts: dict[str, str]) -> set[tuple[str, str]]:
    """Every pair that the copy rule accepts, computed exactly (no MinHash)."""
    sets = {k: dedup.shingles(v) for k, v in texts.items()}
    sets = {k: s for k, s in sets.items() if len(s) >= dedup.MIN_SHINGLES}
    df = Counter(g for s in sets.values() for g in s)
    prefixes = {}
    for key, grams in sets.items():
        rare = sorted(grams, key=lambda g: (df[g], g))
        prefixes[key] = rare[: int((1 - dedup.CONTAINMENT) * len(rare)) + 1]
    probed = set().union(*prefixes.values()) if prefixes else set()
    holders: dict[bytes, list[str]] = defaultdict(list)
    for key, grams in sets.items():
        for g in grams & probed:
            holders[g].append(key)
    found = set()
    for key, a in sets.items():
        for other in {o for g in prefixes[key] for o in holders[g]} - {key}:
            b = sets[other]
            if (len(a), key) > (len(b), other):
                continue  # checked from the other side, whose text is the shorter
            shared = len(a & b)
            if (
                shared >= dedup.CONTAINMENT * len(a)
                and shared / len(a | b) >= dedup.CANDIDATE_JACCARD
            ):
                found.add(tuple(sorted((key, other))))
    return found


def found_pairs(texts: dict[str, str]) -> tuple[set[tuple[str, str]], float]:
    started = time.perf_counter()
    sigs = [(k, dedup.signature(v)) for k, v in sorted(texts.items())]
    found = dedup.pairs(dedup.find_copies(sigs))
    return found, time.perf_counter() - started


def score(found: set, truth: set) -> str:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return (
        f"pairs found {len(found)}, true {len(truth)}, both {hits}: "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )


BOILERPLATE = [
    "Sign up for our morning newsletter.",
    "Copyright 1987 Reuters. All rights reserved. Republished with permission.",
    "Related: markets, commodities, company news",
    "Share this article on social media",
]


def rewrite(body: str, how: str, rng: random.Random) -> str:
    """A copy of a story as another outlet might print it."""
    # Reuters paragraphs start with an indented line; lines inside them are wrapped.
    paragraphs = [p.strip() for p in re.split(r"\n(?=\s{2,})", body) if p.strip()]
    if how in ("cut", "all") and len(paragraphs) > 3:
        for _ in range(max(1, len(paragraphs) // 6)):
            paragraphs.pop(rng.randrange(1, len(paragraphs)))  # keep the lead
    if how in ("reorder", "all") and len(paragraphs) > 2:
        head, tail = paragraphs[:1], paragraphs[1:]
        rng.shuffle(tail)
        paragraphs = head + tail
    if how in ("boilerplate", "all"):
        paragraphs = [rng.choice(BOILERPLATE), *paragraphs, rng.choice(BOILERPLATE)]
    return "\n".join(paragraphs)


def _components(edges: set[tuple[str, str]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def root(k: str) -> str:
        parent.setdefault(k, k)
        while parent[k] != k:
            k = parent[k]
        return k

    for a, b in edges:
        parent[root(a)] = root(b)
    groups_of: dict[str, list[str]] = defaultdict(list)
    for k in list(parent):
        groups_of[root(k)].append(k)
    return list(groups_of.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use the first N stories")
    parser.add_argument("--build-size", type=int, default=None, help="articles in the build")
    parser.add_argument("--skip-build", action="store_true", help="skip the build-time part")
    parser.add_argument("--only-build", action="store_true", help="only the build-time part")
    parser.add_argument("--on-only", action="store_true", help="no build without copies")
    parser.add_argument("--vary", action="store_true", help="rewrite repeated stories")
    args = parser.parse_args(argv)
    if args.only_build:
        build_share(args.build_size, not args.on_only, args.vary)
        return 0
    stories = list(reuters.read_stories())[: args.limit]
    texts = {f"r{s.newid}": s.body for s in stories}

    truth = exact_copies(texts)
    found, seconds = found_pairs(texts)
    print(f"Reuters-21578 ({len(texts)} stories), LSH vs the exact rule: {score(found, truth)}")
    print(f"  signatures + LSH: {seconds:.1f} s")

    rng = random.Random(21578)
    base = {k: v for k, v in texts.items() if len(v.split()) >= 80}
    assembled = dict(base)
    known = set()
    ways = ["boilerplate", "cut", "reorder", "all"]
    for number, key in enumerate(sorted(base)):
        if number % 3:
            continue
        how = ways[(number // 3) % len(ways)]
        copy = f"{key}-{how}"
        assembled[copy] = rewrite(base[key], how, rng)
        known.add(tuple(sorted((key, copy))))
    inside = exact_copies(base)
    # A copy of a story that Reuters itself ran twice is a copy of both.
    truth = dedup.pairs(_components(known | inside))
    found, seconds = found_pairs(assembled)
    print(
        f"Assembled ({len(base)} stories + {len(known)} rewritten copies; "
        f"{len(inside)} pairs already copies in Reuters): {score(found, truth)}"
    )
    for how in ways:
        subset = {p for p in known if p[1].endswith("-" + how) or p[0].endswith("-" + how)}
        print(f"  {how:12s} recall {len(subset & found) / len(subset):.3f} of {len(subset)}")

    if not args.skip_build:
        build_share(args.build_size)
    return 0


def build_share(size: int | None, with_off: bool = True, vary: bool = False) -> None:
    """Time a full build with copies and stories off, then one with them on (same corpus),
    and the corpus-wide steps inside the second, as shares of its wall time."""
    import searchapp.build as build
    import searchapp.engine.schema as schema

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        summary = reuters.write_corpus(corpus, size)
        if vary:
            _vary_repeats(corpus)
        note = " (SYNTHETIC" + (", repeats rewritten)" if vary else ")")
        note = note if summary["synthetic"] else ""
        off = off_seconds = None
        if with_off:
            # Off: no article profiles (no signature, names, quotes) and no grouping.
            real_profile, real_group = schema.profile_of, build.group_articles
            schema.profile_of = _empty_profile
            build.group_articles = lambda build_dir: groups.Groups()
            try:
                off, off_seconds = _build(corpus, Path(tmp) / "off")
            finally:
                schema.profile_of, build.group_articles = real_profile, real_group
        spent = Counter()
        _time_steps(spent, schema)
        on, on_seconds = _build(corpus, Path(tmp) / "on")
    print(f"Build of {on.indexed} articles{note}, same run:")
    if off is not None:
        print(f"  copies and stories off: {off_seconds:7.1f} s  {off.line()}")
    print(f"  copies and stories on:  {on_seconds:7.1f} s  {on.line()}")
    if off is not None:
        extra = on_seconds - off_seconds
        print(
            f"  difference              {extra:7.1f} s = {extra / on_seconds:6.1%} of the build on"
        )
    for name, seconds in spent.items():
        print(f"  {name:26s} {seconds:6.2f} s = {seconds / on_seconds:6.1%} of the build on")
    copies = spent["signatures"] + spent["copy grouping (LSH)"]
    print(
        f"  copy detection in all     {copies:6.2f} s = {copies / on_seconds:6.1%} (target < 15%)"
    )


def _vary_repeats(corpus: Path) -> None:
    """Rewrite the body of every repeated story (ids ending -copyN), each a different way."""
    rng = random.Random(100_000)
    ways = ["boilerplate", "cut", "reorder", "all"]
    for number, path in enumerate(sorted(corpus.glob("*-copy*.txt"))):
        body = path.read_text(encoding="utf-8")
        path.write_text(rewrite(body, ways[number % len(ways)], rng) + "\n", encoding="utf-8")


def _build(corpus: Path, index_dir: Path):
    started = time.perf_counter()
    built = rebuild_index(corpus, index_dir)
    return built, time.perf_counter() - started


def _empty_profile(article) -> profile.ArticleProfile:
    return profile.ArticleProfile(
        dedup.Signature(b"", 0), {}, stories.StoryProfile(article.id, None, (), (), ()), ()
    )


def _time_steps(spent: Counter, schema) -> None:
    """Wrap each corpus-wide step so its time adds up in `spent` (the build runs them in
    this process: profiles while writing, grouping after)."""

    def timed(name, function):
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    profile.signature = timed("signatures", profile.signature)
    groups.find_copies = timed("copy grouping (LSH)", groups.find_copies)
    profile.profile_of = timed("article profiles (all)", profile.profile_of)
    schema.profile_of = profile.profile_of
    groups.group_stories = timed("story grouping", groups.group_stories)
    groups.learn_variants = timed("name variants", groups.learn_variants)


if __name__ == "__main__":
    sys.exit(main())
