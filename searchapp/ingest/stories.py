"""Stories: articles about the same event, and what each one adds to it (pure).

Grouping compares what a reader would: the words of the headline and lead, the rarer names
and the quotations. Each is a feature weighted by its rarity in the corpus (idf); two
articles are linked when the cosine of their weighted features passes STORY_SIMILARITY and,
where both are dated, they appeared within DATE_WINDOW_DAYS. Only features held by few
articles generate candidate pairs (an inverted index capped at MAX_FEATURE_ARTICLES or
MAX_FEATURE_SHARE), and dated ones only within the date window, so the cost grows with the
corpus and the number of articles a day, not with the corpus squared. Links are taken
strongest first and a story stops growing at MAX_STORY, so a chain of weak links cannot glue
a whole beat into one story.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .dedup import shingles
from .quotes import Quote, extract_quotes, is_statement

# Cosine a link needs. bench/stories.py, pairwise F1 on the judged Reuters set (grouped
# alone / inside all of Reuters): 0.30 0.649/0.667, 0.35 0.702/0.741, 0.40 0.554/0.609,
# 0.45 0.521/0.395; the shipped corpus stays one story at each.
STORY_SIMILARITY = 0.35
MIN_SHARED = 3  # features two articles share: one name in common is not one event
DATE_WINDOW_DAYS = 3
# A feature held by more articles than this (and than MAX_FEATURE_SHARE of them) pairs no
# one: "north", "oil" or "said" would pair a whole beat.
MAX_FEATURE_ARTICLES = 100
MAX_FEATURE_SHARE = 0.05
MAX_UNDATED_FEATURE = 100  # undated articles pair with every holder: only of rarer features
MAX_STORY = 50
KEY_WORDS = 40  # headline and lead words kept per article
QUOTE_SHINGLES = 30  # quotation shingles kept per article
_WORD = re.compile(r"[^\W\d_]{4,}")
# Words too common in news headlines to say which event an article is about.
_COMMON = set(
    "that this with from have will been were they their said says over after about into "
    "more than year years what when which would could also first last new news report "
    "reports says amid says told".split()
)


@dataclass(frozen=True)
class StoryProfile:
    """What story grouping needs of one article (built at index time, stored as JSON)."""

    id: str
    day: str | None  # YYYY-MM-DD
    keys: tuple[str, ...]  # headline and lead words
    names: tuple[str, ...]  # capitalised words used inside sentences, lowercased
    quotes: tuple[int, ...]  # crc32 of the word 4-grams of its statements


def story_profile(article_id, title, lead, published, names, quotes) -> StoryProfile:
    """The profile of one article from its parts (names from names.article_names)."""
    words = [w.lower() for w in _WORD.findall(f"{title}\n{lead}")]
    keys = tuple(dict.fromkeys(w for w in words if w not in _COMMON))[:KEY_WORDS]
    grams: list[int] = []
    for quote in quotes:
        if is_statement(quote):
            grams.extend(zlib.crc32(g) for g in sorted(shingles(quote.text)))
    return StoryProfile(
        article_id,
        published[:10] if published and len(published) >= 10 else None,
        keys,
        tuple(sorted(names)),
        tuple(sorted(set(grams)))[:QUOTE_SHINGLES],
    )


def _features(profile: StoryProfile, canonical: dict[str, str]) -> set[str]:
    found = {"t:" + w for w in profile.keys}
    found.update("n:" + canonical.get(n, n) for n in profile.names)
    found.update(f"q:{g}" for g in profile.quotes)
    return found


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _shared_features(features, weight, df, days):
    """(first, second, summed squared weights, count) of the features each candidate pair
    of article numbers shares, as arrays, first < second.

    Only pairs that could be one story are counted: a feature's dated articles pair with
    those within DATE_WINDOW_DAYS, and undated ones with every holder of a rarer feature
    (df <= MAX_UNDATED_FEATURE). In arrays, because the pairs are many: 1.05 million
    (feature, pair) entries for 5,000 Reuters stories, which a loop over tuples took 1.5 s
    to count.
    """
    import numpy as np  # here, not at the top: every server and command would pay 80 ms

    cap = max(MAX_FEATURE_ARTICLES, int(MAX_FEATURE_SHARE * len(features)))
    numbers_of: dict[str, int] = {}  # feature -> its number, in order of first use
    post_feature, post_article = [], []
    for number, fs in enumerate(features):
        for f in fs:
            if 1 < df[f] <= cap:
                post_feature.append(numbers_of.setdefault(f, len(numbers_of)))
                post_article.append(number)
    feature = np.array(post_feature, dtype=np.int64)
    article = np.array(post_article, dtype=np.int64)
    w2 = np.array([weight[f] ** 2 for f in numbers_of], dtype=np.float64)
    ordinals = np.array([d.toordinal() if d else -1 for d in days], dtype=np.int64)
    day = ordinals[article]
    dated = day >= 0
    size = max(1, len(features))
    keys, weights = [], []  # each pair as one number, low * size + high; its feature's w2
    for first, second, of in (
        _dated_pairs(feature[dated], day[dated], article[dated]),
        _undated_pairs(feature, article, dated),
    ):
        keys.append(np.minimum(first, second) * size + np.maximum(first, second))
        weights.append(w2[of])
    pair, which = np.unique(np.concatenate(keys), return_inverse=True)
    dot = np.bincount(which, weights=np.concatenate(weights), minlength=len(pair))
    count = np.bincount(which, minlength=len(pair))
    return pair // size, pair % size, dot, count


def _dated_pairs(feature, day, article):
    """(article, article, feature) for each two dated holders of a feature, within the
    window: sorted by (feature, day), each posting pairs with the next ones up to its
    day + DATE_WINDOW_DAYS, and no further (the key keeps features apart)."""
    import numpy as np

    if not len(feature):
        return feature, feature, feature
    order = np.lexsort((article, day, feature))
    feature, day, article = feature[order], day[order], article[order]
    day = day - day.min()
    key = feature * (day.max() + DATE_WINDOW_DAYS + 1) + day
    ends = np.searchsorted(key, key + DATE_WINDOW_DAYS, side="right")
    left, right = _ranges(np.arange(1, len(key) + 1), ends)
    return article[left], article[right], feature[left]


def _undated_pairs(feature, article, dated):
    """(article, article, feature) for each undated holder of a feature held by at most
    MAX_UNDATED_FEATURE articles, with each other holder; two undated holders once."""
    import numpy as np

    order = np.argsort(feature, kind="stable")
    feature, article, dated = feature[order], article[order], dated[order]
    starts = np.searchsorted(feature, feature, side="left")
    ends = np.searchsorted(feature, feature, side="right")
    own = np.flatnonzero(~dated & (ends - starts <= MAX_UNDATED_FEATURE))
    left, right = _ranges(starts[own], ends[own])
    left = own[left]
    keep = (article[right] != article[left]) & (dated[right] | (article[left] < article[right]))
    left, right = left[keep], right[keep]
    return article[left], article[right], feature[left]


def _ranges(starts, ends):
    """(i, j) for every j in range(starts[i], ends[i]), for every i, as two arrays."""
    import numpy as np

    counts = np.maximum(ends - starts, 0)
    rows = np.repeat(np.arange(len(starts)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, starts[rows] + offsets


def group_stories(
    profiles: Sequence[StoryProfile],
    canonical: dict[str, str] | None = None,
    similarity: float = STORY_SIMILARITY,
) -> list[list[str]]:
    """Stories of two or more article ids, each sorted; `canonical` maps name variants.

    Two articles link when the cosine of their weighted features is >= `similarity`.
    """
    import numpy as np  # see _shared_features

    canonical = canonical or {}
    features = [_features(p, canonical) for p in profiles]
    df = Counter(f for fs in features for f in fs)
    total = len(profiles)
    # A feature only one article has links nothing; left in the norm, a long article's
    # hundreds of its own names drowned what it shares (shipped corpus: cosines 0.06-0.16).
    weight = {f: math.log(1 + total / n) if n > 1 else 0.0 for f, n in df.items()}
    norms = [math.sqrt(sum(weight[f] ** 2 for f in fs)) or 1.0 for fs in features]
    days = [_day(p.day) for p in profiles]
    first, second, dot, count = _shared_features(features, weight, df, days)
    norm = np.array(norms, dtype=np.float64)
    score = dot / (norm[first] * norm[second])
    keep = (score >= similarity) & (count >= MIN_SHARED)
    links = sorted(
        zip(score[keep].tolist(), first[keep].tolist(), second[keep].tolist(), strict=True),
        reverse=True,
    )
    parent = list(range(total))
    size = [1] * total

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for _, a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb and size[ra] + size[rb] <= MAX_STORY:
            parent[rb] = ra
            size[ra] += size[rb]
    groups: dict[int, list[str]] = defaultdict(list)
    for number, profile in enumerate(profiles):
        groups[root(number)].append(profile.id)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


# What each article adds ----------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'\u201d\u2019)]*|$)")
UNIQUE_SHARE = 0.5  # a sentence is its own when under half its 4-grams appear elsewhere
TRAVEL_SHARE = 0.8  # two quotations are one when 80% of the shorter's 4-grams are shared
MAX_ADDED_SENTENCES = 5
# What a story page reads of each article. Ten 321 KB articles took 5.4 s; at 50 KB each,
# a story of the most (MAX_STORY) articles took 4 s, linear in the text (on a loaded
# machine). News articles are a few KB, so this cuts only the freak ones.
STORY_TEXT_CHARS = 30_000


@dataclass(frozen=True)
class StoryArticle:
    """One member of a story, as the story page needs it."""

    id: str
    title: str
    outlet: str | None
    published: str | None
    body: str
    names: tuple[str, ...]  # people and places it names (capitalised phrases)


@dataclass(frozen=True)
class Contribution:
    """What one article has that no other article of the story has."""

    article: StoryArticle
    sentences: tuple[str, ...]
    quotes: tuple[Quote, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class Printing:
    article_id: str
    title: str
    outlet: str | None
    published: str | None
    speaker: str | None
    start: int  # where the quotation starts in that article's body


@dataclass(frozen=True)
class TravelledQuote:
    text: str  # the shortest printing: the words every outlet carried
    speaker: str | None
    printings: tuple[Printing, ...]  # earliest first where dated
    first: str | None  # id of the article that printed it first, when dates say so


def _containment(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _name_key(name: str, canonical: dict[str, str]) -> str:
    return " ".join(canonical.get(w, w) for w in name.lower().split())


def _named_elsewhere(name: str, canonical: dict[str, str], others: set[str]) -> bool:
    """Whether another article names this one, alone or inside a longer name, or the reverse."""
    key = f" {_name_key(name, canonical)} "
    return any(key in f" {o} " or f" {o} " in key for o in others)


def contributions(
    members: Sequence[StoryArticle],
    canonical: dict[str, str] | None = None,
    travelled: Sequence[TravelledQuote] = (),
) -> tuple[Contribution, ...]:
    """For each article: its own sentences, quotations (none that travelled) and names.

    `canonical` maps name variants to one spelling, so "Sergei Lavrov" in one article and
    "Sergey Lavrov" in another are one person, not a name each adds; a name inside a longer
    one elsewhere ("Sergey Lavrov" in "Foreign Minister Sergey Lavrov") is not its own.
    """
    canonical = canonical or {}
    shared_quotes = {(p.article_id, p.start) for t in travelled for p in t.printings}
    grams = [shingles(m.body) for m in members]
    # How many members print each 4-gram: one count, not a union of the others per member
    # (that was quadratic in the story's size).
    printed_by = Counter(g for member_grams in grams for g in member_grams)
    statements = [[q for q in extract_quotes(m.body) if is_statement(q)] for m in members]
    found = []
    for i, member in enumerate(members):

        def mostly_own(text: str, least: int = 1, mine: set = grams[i]) -> bool:
            """Whether under half of the text's 4-grams (at least `least`) are printed by
            another member too."""
            own_grams = shingles(text)
            elsewhere = sum(printed_by[g] > (g in mine) for g in own_grams)
            return len(own_grams) >= least and elsewhere < UNIQUE_SHARE * len(own_grams)

        sentences = (sentence.strip() for sentence in _SENTENCE.findall(member.body))
        own = [text for text in sentences if mostly_own(text, least=4)]
        quotes = tuple(
            q
            for q in statements[i]
            if (member.id, q.start) not in shared_quotes and mostly_own(q.text)
        )
        other_names = {
            _name_key(n, canonical) for j, m in enumerate(members) if j != i for n in m.names
        }
        names = tuple(n for n in member.names if not _named_elsewhere(n, canonical, other_names))
        found.append(Contribution(member, tuple(own[:MAX_ADDED_SENTENCES]), quotes, names))
    return tuple(found)


def travelled_quotes(members: Sequence[StoryArticle]) -> tuple[TravelledQuote, ...]:
    """Quotations printed by two or more articles of the story, who printed each first."""
    printed: list[tuple[StoryArticle, Quote, set]] = [
        (m, q, shingles(q.text)) for m in members for q in extract_quotes(m.body) if is_statement(q)
    ]
    used = [False] * len(printed)
    travelled = []
    for i, (member, _, grams) in enumerate(printed):
        if used[i]:
            continue
        same = [i]
        for j in range(i + 1, len(printed)):
            other, _, other_grams = printed[j]
            if (
                not used[j]
                and other.id != member.id
                and _containment(grams, other_grams) >= (TRAVEL_SHARE)
            ):
                same.append(j)
        holders = {printed[k][0].id for k in same}
        if len(holders) < 2:
            continue
        for k in same:
            used[k] = True
        copies = [printed[k] for k in same]
        copies.sort(key=lambda c: (c[0].published is None, c[0].published or "", c[0].id))
        dated = [c[0] for c in copies if c[0].published]
        # Who printed it first is known only when two dates say one came before the other.
        first = dated[0].id if len(dated) >= 2 and dated[0].published < dated[1].published else None
        shortest = min(copies, key=lambda c: len(c[1].text))[1]
        speaker = next((c[1].speaker for c in copies if c[1].speaker), None)
        travelled.append(
            TravelledQuote(
                shortest.text,
                speaker,
                tuple(
                    Printing(
                        c[0].id, c[0].title, c[0].outlet, c[0].published, c[1].speaker, c[1].start
                    )
                    for c in copies
                ),
                first,
            )
        )
    return tuple(travelled)
