"""search(): matching, ranking, paging, facets, filters, sorting, spelling, related."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest

from searchapp.build import rebuild_index
from searchapp.engine import ArticleNotFoundError, get_article, highlight_article, related
from searchapp.engine.analysis import analyse_word
from searchapp.engine.search import InvalidRequestError, SearchRequest, search
from tests.conftest import make_corpus

CNN = "000_0094f72c2f52c878"
UNWAVERING = "001_6241d4b8cf09680f"
JONG_UN_HYPHEN = "002_6788b64cebcbb2f1"

# Distinct filler so no two articles share a line (shared lines are stripped as template).
WORDS = (
    "harbour lantern orchard meadow copper violin glacier quarry saddle thimble walnut "
    "beacon canyon dune ember falcon garnet hazel ivory juniper kettle lagoon marble nectar"
).split()


def prose(*sentences: str) -> str:
    return "\n\n".join(sentences)


def build(tmp_path, open_live, articles):
    corpus = make_corpus(tmp_path, articles)
    summary = rebuild_index(corpus, tmp_path / "index")
    return open_live(tmp_path / "index"), summary


def ids(page) -> list[str]:
    return [hit.id for hit in page.hits]


def marked(page) -> list[str]:
    snippets = [s for hit in page.hits for s in hit.snippets]
    return [m for s in snippets for m in re.findall(r"<mark[^>]*>(.*?)</mark>", s)]


# --- typography -----------------------------------------------------------------------


def test_curly_and_straight_apostrophes_search_the_same(shipped):
    curly = search(shipped, SearchRequest(q="Russia\u2019s Lavrov", per_page=100))
    straight = search(shipped, SearchRequest(q="Russia's Lavrov", per_page=100))
    assert curly.total == straight.total == 5
    assert ids(curly) == ids(straight)


@pytest.mark.parametrize("q", ['"Kim Jong-un"', '"Kim Jong Un"', "\u201cKim Jong\u2011un\u201d"])
def test_hyphenated_and_spaced_names_match_each_other(shipped, q):
    found = ids(search(shipped, SearchRequest(q=q, per_page=100)))
    # 002 prints "Kim Jong-un", 000 prints "Kim Jong Un": either spelling finds both.
    assert JONG_UN_HYPHEN in found and CNN in found


def test_accents_are_folded(tmp_path, open_live):
    live, _ = build(
        tmp_path,
        open_live,
        {
            "zurich": "The conference in Zürich drew bankers from every café and boardroom in "
            "the city to hear the minister speak about rates.",
            "other": "Nothing about Swiss cities appears in this short report on shipping "
            "container rates and the harbour strike.",
        },
    )
    assert ids(search(live, SearchRequest(q="zurich"))) == ["zurich"]
    assert ids(search(live, SearchRequest(q="Zurich cafe"))) == ["zurich"]
    assert ids(search(live, SearchRequest(q="Zürich café"))) == ["zurich"]


def test_highlights_show_the_words_as_printed_not_their_stems(tmp_path, open_live):
    live, _ = build(
        tmp_path,
        open_live,
        {
            "a": "The government supports the reforms, and Russia\u2019s envoy said "
            "that supporting them was wise after months of negotiations.",
        },
    )
    page = search(live, SearchRequest(q="support russia's"))
    assert sorted(set(marked(page))) == ["Russia", "supporting", "supports"]
    assert "\u2019s" in page.hits[0].snippets[0]  # the text keeps its own typography


def test_highlight_article_marks_surface_forms(shipped):
    article = get_article(shipped, CNN)
    blocks, count = highlight_article(article, "supporting Lavrov")
    html = "".join(block.html for block in blocks)
    words = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert count == len(words) > 0
    assert {"supports", "Lavrov"} <= set(words)
    # Every mark is a word as the article prints it, and a form of a query word.
    wanted = {analyse_word("supporting"), analyse_word("Lavrov")}
    assert all(word in article.text and analyse_word(word) in wanted for word in words)


@pytest.mark.parametrize(
    ("q", "wanted", "unwanted"),
    [
        ("Lavrov -Pyongyang", {"Lavrov"}, {"Pyongyang"}),  # excluded words are not marked
        ("Lavrov NOT Wonsan", {"Lavrov"}, {"Wonsan"}),
        ("Lavr*", {"Lavrov"}, set()),  # prefixes expand to the article's words
        ("Lavrow~", {"Lavrov"}, set()),  # so do fuzzy terms
        ('"Kim Jong Un"', {"Kim", "Jong"}, set()),
        ("author:Ripley", set(), {"Ripley"}),  # a byline match marks nothing in the body
    ],
)
def test_highlight_article_marks_what_was_asked_for(shipped, q, wanted, unwanted):
    blocks, count = highlight_article(get_article(shipped, CNN), q)
    html = "".join(block.html for block in blocks)
    words = set(re.findall(r"<mark[^>]*>(.*?)</mark>", html))
    assert wanted <= words and not (unwanted & words)
    assert (count > 0) == bool(wanted)


# --- matching -------------------------------------------------------------------------

MATCHING = {
    "both": "The ferry crossed the strait before the storm reached the northern coast "
    "of the island on Friday.",
    "ferry": "A ferry operator raised ticket prices for the summer season, citing the cost "
    "of diesel and crew wages.",
    "storm": "A storm knocked out power to thousands of homes overnight, according to the "
    "regional utility company.",
}


def test_all_words_first(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, MATCHING)
    page = search(live, SearchRequest(q="ferry storm"))
    assert ids(page) == ["both"] and page.total == 1 and page.notice is None


def test_any_word_fallback_with_notice(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, MATCHING)
    page = search(live, SearchRequest(q="ferry volcano"))
    assert set(ids(page)) == {"both", "ferry"}
    assert page.notice and "any of them" in page.notice


def test_stop_words_do_not_force_the_any_word_fallback(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, MATCHING)
    page = search(live, SearchRequest(q="the ferry and the storm"))
    assert ids(page) == ["both"] and page.notice is None and page.suggestion is None


def test_only_stop_words_says_so(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, MATCHING)
    page = search(live, SearchRequest(q="the of"))
    assert page.total == 0 and "common words" in page.notice and page.suggestion is None


def test_no_fallback_when_nothing_matches_at_all(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, MATCHING)
    page = search(live, SearchRequest(q="volcano glacier"))
    assert page.total == 0 and page.hits == ()


def test_match_any_is_or(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, MATCHING)
    page = search(live, SearchRequest(q="ferry storm", match="any"))
    assert set(ids(page)) == {"both", "ferry", "storm"}
    assert ids(page)[0] == "both"  # holding both words ranks first
    assert page.notice is None


# --- ranking and paging ---------------------------------------------------------------


def test_title_match_outranks_body_only_match(tmp_path, open_live):
    body = "Officials met on Monday to discuss budgets, staffing and the {} schedule for next year."
    live, _ = build(
        tmp_path,
        open_live,
        {
            "a_body": body.format("tunnel") + " The tunnel works were approved.",
            "a_body.json": {"title": "Council meets on budgets"},
            "b_title": body.format("bridge") + " Nothing else was decided.",
            "b_title.json": {"title": "Tunnel plans approved"},
        },
    )
    assert ids(search(live, SearchRequest(q="tunnel"))) == ["b_title", "a_body"]


def test_a_phrase_does_not_run_from_the_title_into_the_body(tmp_path, open_live):
    live, _ = build(
        tmp_path,
        open_live,
        {
            "a.txt": "Talks resumed on Monday between the two sides.",
            "a.json": {"title": "Dockers strike"},
            "b.txt": "The dockers strike talks resumed on Monday.",
            "b.json": {"title": "Port news"},
        },
    )
    assert ids(search(live, SearchRequest(q='"strike talks"'))) == ["b"]
    assert sorted(ids(search(live, SearchRequest(q="strike talks")))) == ["a", "b"]


def test_a_word_in_the_body_is_counted_once_when_the_lead_repeats_it(tmp_path, open_live):
    # The lead is shown apart but is the body's first paragraph; counted twice, its two
    # mentions would weigh 2 x 1.5 + 2 x 1 = 5 and outrank the headline's 3.
    live, _ = build(
        tmp_path,
        open_live,
        {
            "lead.txt": "Harbour pilots struck at dawn in the harbour.\n\nShips waited offshore.",
            "lead.json": {"title": "Port stands still"},
            "title.txt": "Work stopped at dawn.\n\nShips waited offshore.",
            "title.json": {"title": "Harbour pilots stop work"},
        },
    )
    assert ids(search(live, SearchRequest(q="harbour")))[0] == "title"


@pytest.mark.parametrize(
    ("q", "expected"),
    [("barly~", {"grain"}), ("harvets~", {"grain"}), ("author:riply~", {"grain"})],
)
def test_fuzzy_words_compare_the_word_as_typed(tmp_path, open_live, q, expected):
    # Porter2 stems "barly" to "bar" and "barley" to "barley": comparing stems would miss.
    live, _ = build(
        tmp_path,
        open_live,
        {
            "grain.txt": "The barley harvest was late this year.",
            "grain.json": {"title": "Farm report", "authors": ["Ann Ripley"]},
            "bar.txt": "A new bar opened by the harbour.",
            "bar.json": {"title": "Nightlife"},
        },
    )
    assert set(ids(search(live, SearchRequest(q=q)))) == expected


def _ferries(n_dated: int, n_undated: int) -> dict:
    """Articles that all score the same for "ferry": one mention, same length."""
    articles: dict = {}
    for i in range(n_dated + n_undated):
        name = f"art{i:02d}"
        articles[name] = f"The ferry {WORDS[i]} sailed at dawn."
        meta = {"title": f"Report {WORDS[i]}"}
        if i < n_dated:
            meta["published"] = f"2024-0{1 + i % 3}-1{i % 10}"
        articles[name + ".json"] = meta
    return articles


def test_ties_break_by_date_then_id_and_pages_are_stable(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, _ferries(8, 4))
    everything = search(live, SearchRequest(q="ferry", per_page=12))
    assert everything.total == 12 and len(everything.hits) == 12
    scores = {hit.score for hit in everything.hits}
    assert len(scores) == 1, "the corpus should tie; fix the test data"
    dates = [hit.published for hit in everything.hits if hit.published]
    assert dates == sorted(dates, reverse=True)
    undated = [hit.id for hit in everything.hits if not hit.published]
    assert undated == sorted(undated) and ids(everything)[-4:] == undated
    first = search(live, SearchRequest(q="ferry", per_page=5, page=1))
    second = search(live, SearchRequest(q="ferry", per_page=5, page=2))
    paged = ids(first) + ids(second)
    assert paged == ids(everything)[:10]
    assert len(set(paged)) == 10
    assert first.total == second.total == 12 and first.pages == 3


def test_total_is_exact_beyond_the_page(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, _ferries(0, 23))
    page = search(live, SearchRequest(q="ferry", per_page=3))
    assert page.total == 23 and len(page.hits) == 3


def test_page_past_the_end_is_empty_not_an_error(tmp_path, open_live):
    live, _ = build(tmp_path, open_live, _ferries(0, 3))
    page = search(live, SearchRequest(q="ferry", per_page=2, page=5))
    assert page.hits == () and page.total == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("page", 0),
        ("per_page", 0),
        ("per_page", 101),
        ("sort", "random"),
        ("match", "some"),
        ("year", "24"),
        ("q", "word " * 1001),
        ("page", 5000),
    ],
)
def test_out_of_range_parameters_are_refused(shipped, field, value):
    with pytest.raises(InvalidRequestError) as info:
        search(shipped, SearchRequest(**{field: value}))
    assert info.value.param == field


# --- facets, filters, sorting ---------------------------------------------------------

FACETED = {
    "a1": "The harbour authority approved a new lighthouse for the eastern pier this week.",
    "a1.json": {
        "title": "Lighthouse approved",
        "outlet": "Coast Times",
        "authors": ["Ann Lee"],
        "published": "2023-05-01",
    },
    "a2": "Fishermen welcomed the lighthouse plan but asked for a larger breakwater as well.",
    "a2.json": {
        "title": "Fishermen react",
        "outlet": "Coast Times",
        "authors": ["Ann Lee", "Bo Chan"],
        "published": "2024-02-10T09:30:00+00:00",
    },
    "a3": "A lighthouse keeper retired after forty years of service on the rocky island.",
    "a3.json": {
        "title": "Keeper retires",
        "outlet": "Island Post",
        "authors": ["Bo Chan"],
        "published": "2024-11-20",
    },
    "a4": "Tourists climbed the old lighthouse steps during the autumn festival weekend.",
    "a4.json": {"title": "Festival weekend", "outlet": "Island Post"},
}


@pytest.fixture
def faceted(tmp_path, open_live):
    live, summary = build(tmp_path, open_live, FACETED)
    assert summary.skipped == ()
    return live


def _facet(page, name) -> dict[str, int]:
    return {row.value: row.count for row in page.facets[name]}


def test_facet_counts(faceted):
    page = search(faceted, SearchRequest(q="lighthouse"))
    assert page.total == 4
    assert _facet(page, "outlet") == {"Coast Times": 2, "Island Post": 2}
    assert _facet(page, "author") == {"Ann Lee": 2, "Bo Chan": 2}
    assert _facet(page, "year") == {"2024": 2, "2023": 1}
    assert [row.value for row in page.facets["year"]] == ["2024", "2023"]


def test_facets_count_the_filtered_results(faceted):
    page = search(faceted, SearchRequest(q="lighthouse", outlet="Island Post"))
    assert _facet(page, "outlet") == {"Island Post": 2}
    assert _facet(page, "author") == {"Bo Chan": 1}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"outlet": "Coast Times"}, {"a1", "a2"}),
        ({"outlet": "Coast"}, set()),  # exact value, not a word match
        ({"author": "Bo Chan"}, {"a2", "a3"}),
        ({"year": "2024"}, {"a2", "a3"}),
        ({"date_from": date(2024, 1, 1)}, {"a2", "a3"}),
        ({"date_to": date(2024, 2, 10)}, {"a1", "a2"}),  # the end day is included
        ({"date_from": date(2024, 2, 11), "date_to": date(2024, 11, 20)}, {"a3"}),
        ({"outlet": "Island Post", "year": "2024"}, {"a3"}),
    ],
)
def test_filters(faceted, filters, expected):
    page = search(faceted, SearchRequest(q="lighthouse", **filters))
    assert set(ids(page)) == expected and page.total == len(expected)


def test_filters_apply_when_browsing_without_a_query(faceted):
    assert set(ids(search(faceted, SearchRequest(outlet="Island Post")))) == {"a3", "a4"}


def test_sort_by_date_newest_first_undated_last(faceted):
    page = search(faceted, SearchRequest(q="lighthouse", sort="date"))
    assert ids(page) == ["a3", "a2", "a1", "a4"]


def test_browsing_lists_everything_newest_first(faceted):
    page = search(faceted, SearchRequest())
    assert ids(page) == ["a3", "a2", "a1", "a4"] and page.total == 4


# --- did-you-mean, related, articles ----------------------------------------------------


def test_did_you_mean_is_offered_not_applied(shipped):
    page = search(shipped, SearchRequest(q="Lavorv"))
    assert page.total == 0 and page.hits == ()
    assert page.suggestion and "lavrov" in page.suggestion.lower()
    assert search(shipped, SearchRequest(q=page.suggestion)).total == 5


def test_stop_words_are_not_corrected(shipped):
    page = search(shipped, SearchRequest(q="the Lavorv"))
    assert page.suggestion == "the lavrov"


def test_no_suggestion_when_the_words_are_known(shipped):
    assert search(shipped, SearchRequest(q="Lavrov Wonsan")).suggestion is None


def test_related_excludes_the_article_itself(shipped):
    hits = related(shipped, CNN)
    assert hits and CNN not in [hit.id for hit in hits]
    assert len({hit.id for hit in hits}) == len(hits)


def test_unknown_article(shipped):
    with pytest.raises(ArticleNotFoundError):
        get_article(shipped, "no-such-article")
    with pytest.raises(ArticleNotFoundError):
        related(shipped, "no-such-article")


# --- the shipped corpus, checked as a person would -------------------------------------


@pytest.mark.parametrize("phrase", ["Cable News Network", "First Warning Neighborhood Weather"])
def test_stripped_boilerplate_is_not_searchable(shipped, phrase):
    page = search(shipped, SearchRequest(q=f'"{phrase}"'))
    assert page.total == 0, [hit.id for hit in page.hits]


def test_a_title_phrase_puts_its_article_first(shipped):
    page = search(shipped, SearchRequest(q='"Offers Unwavering Support"'))
    assert ids(page)[0] == UNWAVERING


def test_lavrov_is_in_every_article(shipped):
    page = search(shipped, SearchRequest(q="Lavrov", per_page=100))
    assert page.total == 5 and len(set(ids(page))) == 5
    assert all("<mark>" in hit.snippets[0] for hit in page.hits)


def test_words_that_are_names_are_not_stop_words(tmp_path, open_live):
    # "US" folds to "us", a stop word in Whoosh's list; a news search must still find it.
    corpus = make_corpus(
        tmp_path,
        {
            "us": "Sanctions news\n\nThe US imposed new sanctions on Moscow this week.",
            "eu": "Sanctions news\n\nThe EU imposed new sanctions on Moscow this week.",
        },
    )
    rebuild_index(corpus, tmp_path / "index")
    page = search(open_live(tmp_path / "index"), SearchRequest(q="US sanctions"))
    assert [hit.id for hit in page.hits] == ["us"]


def test_highlight_article_keeps_paragraphs_and_headings_and_numbers_marks(shipped):
    blocks, count = highlight_article(get_article(shipped, CNN), "Lavrov")
    assert [b.html for b in blocks if b.kind == "heading"] == ["Integrated into Russia\u2019s war"]
    assert len(blocks) > 20 and all("\n\n" not in b.html for b in blocks)
    ids = re.findall(r'<mark id="hit-(\d+)">', "".join(b.html for b in blocks))
    assert [int(i) for i in ids] == list(range(1, count + 1))


@pytest.mark.parametrize("q", ["-Ripley", "NOT Ripley", 'the -"Will Ripley"'])
def test_exclusion_alone_means_everything_but(shipped, q):
    # All five articles mention Lavrov; only the CNN one is by Will Ripley.
    page = search(shipped, SearchRequest(q=q))
    assert page.total == 4
    assert CNN not in ids(page)
    assert page.notice is None


def test_a_search_whose_generation_was_pruned_runs_again_on_the_live_one(
    tmp_path, open_live, monkeypatch
):
    from searchapp.engine import IndexUnavailableError

    # The module, not engine.search (the function the engine's surface exports).
    search_module = importlib.import_module("searchapp.engine.search")

    live, _ = build(tmp_path, open_live, _ferries(0, 3))
    real, calls = search_module._search, []

    def pruned_once(live_, request, synonyms, started):
        calls.append(request)
        if len(calls) == 1:  # two publishes pruned the generation this search started on
            raise IndexUnavailableError("gone", "gen-pruned")
        return real(live_, request, synonyms, started)

    monkeypatch.setattr(search_module, "_search", pruned_once)
    assert search(live, SearchRequest(q="ferry")).total == 3 and len(calls) == 2

    # Damage in the live generation itself is not retried.
    def damaged(live_, request, synonyms, started):
        raise IndexUnavailableError("damaged", live.generation().name)

    monkeypatch.setattr(search_module, "_search", damaged)
    with pytest.raises(IndexUnavailableError):
        search(live, SearchRequest(q="tram"))
