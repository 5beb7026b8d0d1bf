"""Copies and stories on the cluster: grouped after a build, read by the story views.

Each row carries its article's profile (ingest/profile.py, the `profile` attribute). Once
every row of a build is written, group_colour() reads the profiles back, groups them with
the code a Whoosh build uses (ingest/groups.py) and writes each article's group into its
row with UPDATE: `copy_key` and `story_key` are the GROUP BY keys that fold copies and
stories (an article alone keeps its own doc id), and `story` is its story's number + 1
(0 for none), the n of /stories/<n>. The name variants go into the meta row's info.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from ...ingest.groups import Groups, compute_groups
from ...ingest.profile import profile_from_text
from ...model import MAX_LISTED_COPIES, Article, Copy
from ..coverage import Story, StoryLink, StoryNotFoundError, assemble_story, link_of, story_article
from . import cluster
from .documents import doc_id, from_stored, group_key

PROFILE_PAGE = 500  # rows of ~2 KB profiles per scan page, well under max_packet_size (8 MB)
MAX_STORY_ROWS = 1000  # group_stories caps a story at 50 articles; this is a safe bound


def group_colour(master: cluster.Address, shards: list, index: str) -> Groups:
    """Group every article in `index` and write the group keys into its rows.

    `shards` are open connections, one per shard: UPDATE goes to the shard holding the row.
    Only rows whose keys change are written, so an incremental build touches few.
    """
    rows = _scan_profiles(master, index)
    items = []
    for article_id, (_, text, *_) in sorted(rows.items()):
        signature, names, story = profile_from_text(article_id, text)
        items.append((article_id, signature, names, story))
    groups = compute_groups(items)
    wanted = group_columns(groups, list(rows))
    changes: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for article_id, (number, _, *current) in rows.items():
        for column, old, new in zip(GROUP_COLUMNS, current, wanted[article_id], strict=True):
            if old != new:
                changes[(number % len(shards), column, new)].append(number)
    for (shard, column, value), numbers in sorted(changes.items()):
        with shards[shard].cursor() as cursor:
            for i in range(0, len(numbers), 500):
                ids = ",".join(map(str, numbers[i : i + 500]))
                cursor.execute(f"UPDATE {index} SET {column} = {value} WHERE id IN ({ids})")
    if changes:  # the updates, on disk before any restart
        # searchd answers FLUSH ATTRIBUTES on its next once-a-second tick: 1.0 s per shard
        # when asked one after the other, 1.0 s in all side by side.
        with ThreadPoolExecutor(max_workers=len(shards)) as pool:
            list(pool.map(_flush_attributes, shards))
    return groups


def _flush_attributes(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("FLUSH ATTRIBUTES")


GROUP_COLUMNS = ("copy_key", "story_key", "story")


def group_columns(groups: Groups, article_ids: list[str]) -> dict[str, tuple[int, int, int]]:
    """article id -> (copy_key, story_key, story) as group_colour() writes them (pure)."""
    copy_of = {a: group_key("copy", g[0]) for g in groups.copies for a in g}
    story_of = {
        a: (group_key("story", g[0]), n + 1) for n, g in enumerate(groups.stories) for a in g
    }
    return {a: (copy_of.get(a, doc_id(a)), *story_of.get(a, (doc_id(a), 0))) for a in article_ids}


def _scan_profiles(master: cluster.Address, index: str) -> dict[str, tuple]:
    """article id -> (doc id, profile, copy_key, story_key, story) of every row."""
    columns = "article_id, profile, copy_key, story_key, story"
    return {
        article_id: (int(number), profile, *map(int, keys))
        for number, article_id, profile, *keys in cluster.scan_rows(
            master, index, columns, PROFILE_PAGE
        )
    }


def groups_info(groups: Groups) -> dict:
    """What the meta row keeps of the groups: the counts and the name variants."""
    return {**groups_counts(groups), "variants": {w: list(v) for w, v in groups.variants.items()}}


def groups_counts(groups: Groups) -> dict:
    """The build summary's figures, as build.BuildSummary counts them."""
    return {
        "copy_groups": len(groups.copies),
        "copies": sum(len(g) - 1 for g in groups.copies),
        "stories": len(groups.stories),
    }


# -- reading: the story page, the article page's story line, a hit's copies -------------


def read_story(cursor, index: str, story_id: int, variants: dict) -> Story:
    """Story number `story_id`; StoryNotFoundError when there is none."""
    if not 0 <= story_id < 2**31:
        raise StoryNotFoundError(story_id)
    cursor.execute(
        f"SELECT article_id, stored, copy_key FROM {index} WHERE story = {story_id + 1} "
        f"ORDER BY article_id ASC LIMIT {MAX_STORY_ROWS} OPTION max_matches={MAX_STORY_ROWS}"
    )
    rows = cursor.fetchall()
    if not rows:
        raise StoryNotFoundError(story_id)
    members, by_key = [], defaultdict(list)
    for article_id, stored, copy_key in rows:
        article = from_stored(stored, with_removed=False)
        members.append(
            story_article(
                article.id, article.title, article.outlet, article.published, article.text
            )
        )
        if int(copy_key) != doc_id(article_id):
            by_key[int(copy_key)].append(article_id)
    copies = tuple(tuple(g) for g in sorted(by_key.values()) if len(g) > 1)
    return assemble_story(story_id, members, copies, {w: tuple(v) for w, v in variants.items()})


def read_story_link(cursor, index: str, article_id: str) -> StoryLink | None:
    """The article's story and the outlets that also covered it, or None."""
    cursor.execute(f"SELECT story FROM {index} WHERE id = %s", (doc_id(article_id),))
    row = cursor.fetchone()
    if row is None or not int(row[0]):
        return None
    number = int(row[0])
    cursor.execute(
        f"SELECT article_id, outlet_value FROM {index} WHERE story = {number} "
        f"ORDER BY article_id ASC LIMIT {MAX_STORY_ROWS} OPTION max_matches={MAX_STORY_ROWS}"
    )
    others = [(a, outlet or None) for a, outlet in cursor.fetchall() if a != article_id]
    return link_of(number - 1, others)


def read_copies(cursor, index: str, grouped: list[tuple[str, int]]) -> dict[str, tuple]:
    """article id -> (its listed copies, how many more) for hits in a group of copies.

    `grouped` holds (article id, copy_key) of those hits; one round trip asks for all.
    """
    if not grouped:
        return {}
    sql = "; ".join(
        f"SELECT article_id, stored FROM {index} WHERE copy_key = {int(key)} AND id != "
        f"{doc_id(article_id)} ORDER BY article_id ASC LIMIT {MAX_LISTED_COPIES}; SHOW META"
        for article_id, key in grouped
    )
    cursor.execute(sql)
    sets = [cursor.fetchall()]
    while cursor.nextset():
        sets.append(cursor.fetchall())
    found = {}
    for (article_id, _), rows, meta in zip(grouped, sets[0::2], sets[1::2], strict=True):
        listed = tuple(_copy(from_stored(stored, with_removed=False)) for _, stored in rows)
        total = int(dict(meta).get("total_found", len(listed)))
        found[article_id] = (listed, total - len(listed))
    return found


def _copy(article: Article) -> Copy:
    return Copy(article.id, article.title, article.outlet, article.published)
