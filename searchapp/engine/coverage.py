"""A story's coverage read from the live index: its articles and what each one adds."""

from __future__ import annotations

from dataclasses import dataclass

from ..ingest.name_variants import people
from ..ingest.stories import (
    STORY_TEXT_CHARS,
    Contribution,
    StoryArticle,
    TravelledQuote,
    contributions,
    travelled_quotes,
)
from ..model import SearchappError
from .live_index import LiveIndex, again_if_moved

NAMED_OUTLETS = 2  # "Also covered by CNN, 38 North and 3 others"


class StoryNotFoundError(SearchappError, KeyError):
    """No story with that number in the live index."""


@dataclass(frozen=True)
class Story:
    id: int
    articles: tuple[StoryArticle, ...]  # by date (undated last), then outlet
    contributions: tuple[Contribution, ...]  # in the order of `articles`
    travelled: tuple[TravelledQuote, ...]
    copies: tuple[tuple[str, ...], ...]  # groups of copies among its articles


@dataclass(frozen=True)
class StoryLink:
    """The line an article page shows: which story it is in and who else covered it."""

    id: int
    outlets: tuple[str, ...]  # the first few other outlets, by name
    others: int  # the other articles not counted in `outlets`


def story_article(
    article_id: str, title: str, outlet: str | None, published: str | None, body: str
) -> StoryArticle:
    """One article of a story, with the people it names (from its first STORY_TEXT_CHARS)."""
    body = body[:STORY_TEXT_CHARS]
    return StoryArticle(article_id, title, outlet or None, published, body, people(body))


def _member(fields: dict) -> StoryArticle:
    return story_article(
        fields["id"],
        fields.get("title", ""),
        fields.get("outlet"),
        fields.get("published_text"),
        fields.get("body") or "",
    )


def assemble_story(
    story_id: int,
    members: list[StoryArticle],
    copies: tuple[tuple[str, ...], ...],
    variants: dict[str, tuple[str, ...]],
) -> Story:
    """The story page's data from its articles (pure: both engines end here)."""
    members = sorted(
        members, key=lambda m: (m.published is None, m.published or "", m.outlet or "", m.id)
    )
    canonical = {w: min((w, *o)) for w, o in variants.items()}
    travelled = travelled_quotes(members)
    return Story(
        story_id,
        tuple(members),
        contributions(members, canonical, travelled),
        travelled,
        copies,
    )


def link_of(story_id: int, others: list[tuple[str, str | None]]) -> StoryLink:
    """The article page's story line, from the story's other (id, outlet) pairs in order."""
    outlets: list[str] = []
    for _, outlet in others:
        if outlet and outlet not in outlets:
            outlets.append(outlet)
    named = tuple(outlets[:NAMED_OUTLETS])
    return StoryLink(story_id, named, len(others) - len(named))


def get_story(live: LiveIndex, story_id: int) -> Story:
    """Story number `story_id`; StoryNotFoundError when there is none."""

    def attempt() -> Story:
        with live.searcher() as (gen, searcher):
            if not 0 <= story_id < len(gen.groups.stories):
                raise StoryNotFoundError(story_id)
            key = ("story", gen.name, story_id)  # one generation's stories never change
            cached = live.results.get(key)
            if cached is not None:
                return cached
            ids = gen.groups.stories[story_id]
            members = [_member(searcher.stored_fields(gen.docnums[i])) for i in ids]
            copies = _copies_within(gen, ids)
        story = assemble_story(story_id, members, copies, gen.groups.variants)
        live.results.put(key, story, cost=sum(len(m.body) for m in members))
        return story

    return again_if_moved(live, attempt)


def _copies_within(gen, ids: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The story's own members of each copy group it touches, sorted, as the cluster
    lists them (a copy outside the story is not the story's)."""
    members = set(ids)
    numbers = {gen.copy_group[gen.docnums[i]] for i in ids} - {-1}
    within = (tuple(sorted(members.intersection(gen.groups.copies[n]))) for n in numbers)
    return tuple(sorted(group for group in within if len(group) > 1))


def story_link(live: LiveIndex, article_id: str) -> StoryLink | None:
    """The article's story and the outlets that also covered it, or None."""

    def attempt() -> StoryLink | None:
        with live.searcher() as (gen, searcher):
            number = gen.story_of(article_id)
            if number is None:
                return None
            others = [i for i in gen.groups.stories[number] if i != article_id]
            return link_of(
                number,
                [(i, searcher.stored_fields(gen.docnums[i]).get("outlet")) for i in others],
            )

    return again_if_moved(live, attempt)
