"""Stories: grouping articles about one event, and what each article adds."""

from __future__ import annotations

import math
import random
from collections import Counter
from itertools import combinations

import pytest

from searchapp.ingest import stories
from searchapp.ingest.load import read_sources
from searchapp.ingest.pipeline import build_article
from searchapp.ingest.profile import profile_of
from searchapp.ingest.stories import (
    DATE_WINDOW_DAYS,
    MAX_UNDATED_FEATURE,
    StoryArticle,
    StoryProfile,
    contributions,
    group_stories,
    story_profile,
    travelled_quotes,
)
from searchapp.model import Article

from .conftest import SHIPPED_CORPUS


def _shipped() -> list[Article]:
    sources, _ = read_sources(SHIPPED_CORPUS)
    return [a for a in map(build_article, sources) if isinstance(a, Article)]


def test_the_five_shipped_articles_are_one_story():
    articles = _shipped()
    stories = group_stories([profile_of(a).story for a in articles])
    assert stories == [sorted(a.id for a in articles)]


def _profile(article_id: str, title: str, day: str | None):
    return story_profile(article_id, title, "", day, {"wonsan": [1, []]}, ())


def test_dates_too_far_apart_split_a_story():
    same = "Ferry sinks off Wonsan harbour"
    profiles = [
        _profile("a", same, "2025-07-01"),
        _profile("b", same, "2025-07-02"),
        _profile("c", same, "2025-09-30"),
        _profile("d", "Markets close higher on bank shares", "2025-07-01"),
    ]
    assert group_stories(profiles) == [["a", "b"]]


def test_undated_articles_group_by_content_alone():
    same = "Ferry sinks off Wonsan harbour"
    profiles = [_profile("a", same, None), _profile("b", same, "2025-07-02")]
    assert group_stories(profiles) == [["a", "b"]]


def _member(article_id, outlet, published, body, names=()):
    return StoryArticle(article_id, f"Title {article_id}", outlet, published, body, names)


QUOTE = "We exchanged views on the situation surrounding the Ukrainian crisis"


@pytest.mark.parametrize("undated_share", [0.0, 0.3, 1.0])
def test_candidate_pairs_are_every_pair_the_rules_allow(undated_share):
    """The array pair counting against its definition, pair by pair: two articles share
    a feature held by 2..cap articles, and are dated within the window, or one is undated
    and the feature is rare enough."""
    rng = random.Random(11)
    words = [f"w{i}" for i in range(60)]
    profiles = [
        StoryProfile(
            f"a{i}",
            None if rng.random() < undated_share else f"2024-03-{rng.randint(1, 20):02d}",
            tuple(dict.fromkeys(rng.choice(words) for _ in range(rng.randint(0, 8)))),
            tuple(sorted({rng.choice(words[:20]) for _ in range(rng.randint(0, 3))})),
            (),
        )
        for i in range(150)
    ]
    features = [stories._features(p, {}) for p in profiles]
    df = Counter(f for fs in features for f in fs)
    weight = {f: math.log(1 + len(profiles) / n) for f, n in df.items()}
    days = [stories._day(p.day) for p in profiles]
    cap = 100  # MAX_FEATURE_ARTICLES: 5% of 150 articles is less
    expected = {}
    for a, b in combinations(range(len(profiles)), 2):
        close = days[a] and days[b] and abs((days[a] - days[b]).days) <= DATE_WINDOW_DAYS
        shared = [
            f
            for f in features[a] & features[b]
            if 1 < df[f] <= cap and (close or (not (days[a] and days[b])
                                              and df[f] <= MAX_UNDATED_FEATURE))
        ]  # fmt: skip
        if shared:
            expected[a, b] = (sum(weight[f] ** 2 for f in shared), len(shared))
    first, second, dot, count = stories._shared_features(features, weight, df, days)
    found = {
        (a, b): (d, c)
        for a, b, d, c in zip(first.tolist(), second.tolist(), dot.tolist(), count.tolist(),
                              strict=True)
    }  # fmt: skip
    assert found.keys() == expected.keys() and len(found) > 100
    for pair, (d, c) in expected.items():
        assert found[pair][1] == c and found[pair][0] == pytest.approx(d)


def test_travelled_quote_names_who_printed_it_first():
    members = [
        _member("late", "Blog", "2025-07-14", f'"{QUOTE} today," Lavrov said.'),
        _member("early", "Wire", "2025-07-12", f'"{QUOTE}," Lavrov said at a press conference.'),
        _member("other", "Site", None, '"Something else entirely was said here," Kim said.'),
    ]
    (travelled,) = travelled_quotes(members)
    assert travelled.text == QUOTE and travelled.speaker == "Lavrov"
    assert [p.article_id for p in travelled.printings] == ["early", "late"]
    assert travelled.first == "early"


def test_no_first_without_two_dates():
    members = [
        _member("a", "Wire", None, f'"{QUOTE}," Lavrov said.'),
        _member("b", "Blog", "2025-07-14", f'"{QUOTE}," Lavrov said.'),
    ]
    assert travelled_quotes(members)[0].first is None


def test_contributions_are_what_no_other_article_has():
    shared = "Lavrov arrived in Wonsan on Friday for a three day visit to the resort."
    members = [
        _member("a", "Wire", None, shared + " Kelly said the risk to Seoul is rising fast now.",
                ("Robert Kelly", "Sergey Lavrov")),
        _member("b", "Blog", None, shared, ("Foreign Minister Sergei Lavrov",)),
    ]  # fmt: skip
    a, b = contributions(members, {"sergey": "sergei"})
    assert a.sentences == ("Kelly said the risk to Seoul is rising fast now.",)
    assert a.names == ("Robert Kelly",)  # Lavrov, however spelled, is in both
    assert b.sentences == () and b.names == ()
