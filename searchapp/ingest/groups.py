"""The corpus-wide groupings of one index generation: copies, stories and name variants.

Computed by the build from every article's profile, written beside the index as
groups.json, read once when a generation opens (pure apart from the two file helpers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .dedup import Signature, find_copies
from .name_variants import NameStats, learn_variants
from .stories import STORY_SIMILARITY, StoryProfile, group_stories

GROUPS_FILE = "groups.json"


@dataclass(frozen=True)
class Groups:
    copies: tuple[tuple[str, ...], ...] = ()  # each: ids of articles that are one text
    stories: tuple[tuple[str, ...], ...] = ()  # each: ids of articles about one event
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # spelling -> others


def compute_groups(
    items: Iterable[tuple[str, Signature, dict, StoryProfile]],
    similarity: float = STORY_SIMILARITY,
) -> Groups:
    """Group the articles, given (id, copy signature, names, story profile) for each.

    `similarity` is the story link threshold (bench/stories.py sweeps it).
    """
    signatures, profiles = [], []
    stats = NameStats()
    for number, (article_id, sig, names, story) in enumerate(items):
        signatures.append((article_id, sig))
        profiles.append(story)
        stats.add(number, names)
    variants = learn_variants(stats)
    # One spelling stands for all of a name's variants when stories compare names.
    canonical = {word: min((word, *others)) for word, others in variants.items()}
    stories = group_stories(profiles, canonical, similarity)
    if stories:
        # Again, with the stories: a typo whose right spelling is in another outlet's
        # article of the same event. The stories are not regrouped: such a typo's article is
        # already in the story, and on Reuters a regroup only reshuffled capped blobs of
        # dividend notices (judged F1 the same) for a second story pass' cost.
        number = {article_id: n for n, (article_id, _) in enumerate(signatures)}
        story_of = {number[i]: s for s, members in enumerate(stories) for i in members}
        variants = learn_variants(stats, story_of)
    return Groups(
        tuple(tuple(g) for g in find_copies(signatures)),
        tuple(tuple(g) for g in stories),
        variants,
    )


def write_groups(folder: Path, groups: Groups) -> None:
    record = {
        "copies": [list(g) for g in groups.copies],
        "stories": [list(g) for g in groups.stories],
        "variants": {w: list(v) for w, v in groups.variants.items()},
    }
    (folder / GROUPS_FILE).write_text(json.dumps(record), encoding="utf-8")


def read_groups(folder: Path) -> Groups:
    """The generation's groups; none when it was built without them."""
    try:
        record = json.loads((folder / GROUPS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Groups()
    return Groups(
        tuple(tuple(g) for g in record.get("copies", ())),
        tuple(tuple(g) for g in record.get("stories", ())),
        {w: tuple(v) for w, v in record.get("variants", {}).items()},
    )
