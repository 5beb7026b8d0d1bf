"""Story grouping against a judged set: pairwise precision and recall.

Usage: python bench/stories.py [--judged tests/data/judged_stories.json] [--similarity 0.3,0.4]

The judged set lists Reuters-21578 NEWIDs and the stories a reader grouped them into (the
rest stand alone). Two runs, each scored on the judged articles' pairs only:

- "judged set alone": group_stories over just those articles (idf from them);
- "whole collection": group_stories over every Reuters story, as a real build would,
  so unjudged articles can pull judged ones into a story (the story then counts only its
  judged members).

Baselines in the same run: "same day and topic words" links articles of the same day whose
headlines share two words of four letters or more; "every article alone" finds no pairs.

Borderline calls in the judged set: each oil company's posted-price change on 4-5 March is
one story with the others (a desk would run them as one); Greece's two statements on Aegean
drilling three days apart are one; the Canadian Wheat Board, CCC bonus awards to different
countries and 0/92 bills in the Senate and the House are separate stories.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import reuters  # noqa: E402

from searchapp.ingest.dedup import pairs  # noqa: E402
from searchapp.ingest.groups import compute_groups  # noqa: E402
from searchapp.ingest.load import read_sources  # noqa: E402
from searchapp.ingest.pipeline import build_article  # noqa: E402
from searchapp.ingest.profile import profile_of  # noqa: E402
from searchapp.ingest.stories import STORY_SIMILARITY  # noqa: E402
from searchapp.model import Article  # noqa: E402

DEFAULT_JUDGED = REPO / "tests" / "data" / "judged_stories.json"


def _article(story) -> Article:
    lead = story.body.split("\n\n")[0] if "\n\n" in story.body else story.body[:400]
    return Article(
        id=str(story.newid),
        title=story.title,
        text=story.body,
        source_path="",
        content_hash="",
        lead=lead,
        published=story.published.isoformat() if story.published else None,
    )


def _items(articles: list[Article]) -> list[tuple]:
    """(id, signature, names, story profile) of each article, as a build profiles them."""
    items = []
    for article in articles:
        p = profile_of(article)
        items.append((article.id, p.signature, p.names, p.story))
    return items


def _group(items: list[tuple], similarity: float = STORY_SIMILARITY) -> list[tuple[str, ...]]:
    return list(compute_groups(items, similarity).stories)


def _shipped_items() -> list[tuple]:
    """The shipped corpus, cleaned as a build cleans it."""
    sources, _ = read_sources(REPO / "corpus")
    return _items([a for a in map(build_article, sources) if isinstance(a, Article)])


def _score(found_groups, truth: set, judged: set[str]) -> str:
    found = pairs([[i for i in g if i in judged] for g in found_groups])
    both = len(found & truth)
    precision = both / len(found) if found else 1.0
    recall = both / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (
        f"pairs found {len(found):4d}, true {len(truth)}, both {both:3d}: "
        f"precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}"
    )


def _same_day_headlines(articles: list[Article]) -> list[list[str]]:
    """Baseline: same day and two shared headline words of four letters or more."""
    words = {a.id: set(re.findall(r"[a-z]{4,}", a.title.lower())) for a in articles}
    by_day = defaultdict(list)
    for a in articles:
        by_day[(a.published or "")[:10]].append(a.id)
    groups = []
    for ids in by_day.values():
        for i, x in enumerate(ids):
            groups.extend([x, y] for y in ids[i + 1 :] if len(words[x] & words[y]) >= 2)
    return groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judged", type=Path, default=DEFAULT_JUDGED)
    parser.add_argument(
        "--similarity",
        type=lambda text: [float(v) for v in text.split(",")],
        default=[STORY_SIMILARITY],
        help="story link thresholds to score, comma-separated (0.3,0.35,0.4)",
    )
    args = parser.parse_args(argv)
    judged_file = json.loads(args.judged.read_text(encoding="utf-8"))
    judged = {str(i) for i in judged_file["articles"]}
    truth = pairs([[str(i) for i in s] for s in judged_file["stories"]])
    stories = [s for s in reuters.read_stories() if s.title]
    articles = [_article(s) for s in stories]
    mine = [a for a in articles if a.id in judged]
    missing = judged - {a.id for a in mine}
    if missing:
        print(f"judged ids not in the data: {sorted(missing)[:10]}")
    print(f"judged set: {len(mine)} articles, {len(judged_file['stories'])} stories of 2+")
    print(f"  every article alone        {_score([], truth, judged)}")
    print(f"  same day, 2 headline words {_score(_same_day_headlines(mine), truth, judged)}")
    judged_items, all_items = _items(mine), _items(articles)
    shipped = _shipped_items()
    shipped_truth = pairs([[i for i, *_ in shipped]])  # the five shipped articles: one story
    shipped_ids = {i for i, *_ in shipped}
    for similarity in args.similarity:
        kept = " (kept)" if similarity == STORY_SIMILARITY else ""
        print(f"cosine >= {similarity:.2f}{kept}")
        alone = _score(_group(judged_items, similarity), truth, judged)
        print(f"  group_stories, judged only {alone}")
        whole = _score(_group(all_items, similarity), truth, judged)
        print(f"  group_stories, all Reuters {whole}")
        found = _group(shipped, similarity)
        print(f"  shipped corpus (5, 1 story) {_score(found, shipped_truth, shipped_ids)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
