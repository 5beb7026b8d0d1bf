"""Stories: grouping articles about one event, and what each article adds."""

from __future__ import annotations

from searchapp.ingest.load import read_sources
from searchapp.ingest.pipeline import build_article
from searchapp.ingest.profile import profile_of
from searchapp.ingest.stories import (
    StoryArticle,
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
