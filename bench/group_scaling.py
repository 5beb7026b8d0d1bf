"""How the corpus-wide steps (copies, stories, name variants) grow with the corpus.

Usage: python bench/group_scaling.py [--sizes 21578,50000,100000]

A full build at 100,000 articles takes hours on a loaded 2-core machine; the steps whose
cost could grow faster than the corpus are only the ones run over every profile at once
(ingest/groups.compute_groups: LSH copy grouping, story grouping, name variants twice).
This profiles each Reuters-21578 story once (as bench/stories.py does, without cleaning),
repeats the profiles up to each size as bench/reuters.py repeats the stories (fresh ids,
dates a whole year on per repeat, so the repeats are exact copies, as without --vary), and
times compute_groups' steps in CPU seconds of this process (steadier than wall time when
other jobs share the machine). Near-linear steps grow by the size ratio, so their share of
a build (itself near-linear) stays what bench/dedup.py measured at 21k.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import reuters  # noqa: E402
import stories as story_bench  # noqa: E402

from searchapp.ingest import groups  # noqa: E402


def repeated(items: list[tuple], size: int) -> list[tuple]:
    """`size` items: the originals, then copies with new ids and dates a year on each."""
    out = []
    for n in range(size):
        copy, i = divmod(n, len(items))
        article_id, sig, names, story = items[i]
        if copy:
            day = story.day and (date.fromisoformat(story.day) + timedelta(365 * copy))
            article_id = f"{article_id}-copy{copy}"
            story = dataclasses.replace(story, id=article_id, day=day.isoformat() if day else None)
        out.append((article_id, sig, names, story))
    return out


def timed_groups(items: list[tuple]) -> tuple[Counter, groups.Groups]:
    """compute_groups over `items`, with the CPU seconds of each step it calls."""
    spent: Counter = Counter()
    real = {n: getattr(groups, n) for n in ("find_copies", "group_stories", "learn_variants")}

    def timed(name, function):
        def wrapper(*a, **k):
            started = time.process_time()
            try:
                return function(*a, **k)
            finally:
                spent[name] += time.process_time() - started

        return wrapper

    for name, function in real.items():
        setattr(groups, name, timed(name, function))
    try:
        started = time.process_time()
        found = groups.compute_groups(items)
        spent["all of compute_groups"] = time.process_time() - started
    finally:
        for name, function in real.items():
            setattr(groups, name, function)
    return spent, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(v) for v in text.split(",")],
        default=[21_578, 50_000, 100_000],
    )
    args = parser.parse_args(argv)
    started = time.process_time()
    articles = [story_bench._article(s) for s in reuters.read_stories() if s.body.strip()]
    items = story_bench._items(articles)
    print(f"profiled {len(items)} Reuters stories: {time.process_time() - started:.1f} CPU s")
    base = None
    for size in args.sizes:
        spent, found = timed_groups(repeated(items, size))
        base = base or (size, spent)
        grow = size / base[0]
        print(
            f"{size} articles (x{grow:.2f}): {len(found.copies)} copy groups, "
            f"{len(found.stories)} stories, {len(found.variants)} variant spellings"
        )
        for name, seconds in spent.items():
            ratio = seconds / base[1][name] if base[1][name] else float("nan")
            print(f"  {name:22s} {seconds:7.1f} CPU s  x{ratio:5.2f} (size x{grow:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
