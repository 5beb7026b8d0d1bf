"""Every query form a user can type, on a tiny corpus, and bad syntax that must not raise."""

from __future__ import annotations

import pytest

from searchapp.build import rebuild_index
from searchapp.engine.live_index import LiveIndex
from searchapp.engine.query import operators_as_words, parse_user_query, repeat_weight
from searchapp.engine.schema import build_schema
from searchapp.engine.search import SearchRequest, search
from tests.conftest import make_corpus

ARTICLES = {
    "grain": "Ministers from Turkey and Ukraine agreed a grain corridor through the Black Sea "
    "on Tuesday, officials in Ankara said after long talks.\n\n"
    "The shipping lanes will reopen for cargo vessels within weeks, the port authority added.",
    "grain.json": {
        "title": "Grain corridor deal",
        "authors": ["Anna Smith"],
        "outlet": "Daily Wire",
    },
    "summit": "Leaders gathered in Geneva for a summit about climate finance and carbon markets, "
    "with delegates arguing late into the night.\n\n"
    "Observers said the Black Sea question was raised only briefly at the closing dinner.",
    "summit.json": {
        "title": "Geneva climate summit",
        "authors": ["Boris Jones"],
        "outlet": "Herald",
    },
    "harvest": "Farmers reported a record harvest of wheat and barley this autumn despite a dry "
    "spring across the southern provinces.\n\n"
    "Storage prices rose as silos filled faster than traders expected.",
    "harvest.json": {
        "title": "Record wheat harvest",
        "authors": ["Carla Diaz"],
        "outlet": "Herald",
    },
}


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> LiveIndex:
    root = tmp_path_factory.mktemp("query")
    corpus = make_corpus(root, ARTICLES)
    rebuild_index(corpus, root / "index")
    live = LiveIndex(root / "index")
    yield live
    live.close()


def ids(live: LiveIndex, q: str, **kw) -> set[str]:
    return {hit.id for hit in search(live, SearchRequest(q=q, **kw)).hits}


# (query, ids it must find) — one row per query form.
FORMS = [
    ("grain", {"grain"}),  # a word
    ("wheat barley", {"harvest"}),  # all words
    ('"Black Sea"', {"grain", "summit"}),  # phrase, straight quotes
    ("\u201cBlack Sea\u201d", {"grain", "summit"}),  # phrase, curly quotes
    ('"Sea Black"', set()),  # word order matters inside a phrase
    ("grain AND Ankara", {"grain"}),
    ("wheat OR Geneva", {"harvest", "summit"}),
    ('"Black Sea" NOT Geneva', {"grain"}),
    ('"Black Sea" -Geneva', {"grain"}),
    ("title:climate", {"summit"}),
    ("title:Ankara", set()),  # Ankara is only in a body
    ("author:Smith", {"grain"}),
    ("outlet:Herald", {"summit", "harvest"}),
    ("harv*", {"harvest"}),  # prefix
    ("Genava~", {"summit"}),  # fuzzy: one letter wrong
    ("barly~1", {"harvest"}),
    ("wh?at", {"harvest"}),  # ? inside a word is a wildcard
    ("wheat?", {"harvest"}),  # ? ending a word is a question mark
    ("which farmers grew wheat?", {"harvest"}),
    ("the grain of the Black Sea", {"grain"}),  # stop words are not required anywhere
]


@pytest.mark.parametrize(("q", "expected"), FORMS)
def test_query_forms(live, q, expected):
    page = search(live, SearchRequest(q=q))
    assert {hit.id for hit in page.hits} == expected
    assert page.total == len(expected)


BAD_SYNTAX = [
    '"Black Sea',  # unbalanced quote
    "(grain OR wheat",  # unbalanced paren
    "grain)",
    "AND",  # lone operator
    "grain OR",
    "OR grain",
    "grain AND OR wheat",
    "title:",  # field with nothing after it
    "NOT",
    '"',
    "((",
    "*",
    "~",
]


@pytest.mark.parametrize("q", BAD_SYNTAX)
def test_bad_syntax_never_raises_and_explains(live, q):
    page = search(live, SearchRequest(q=q))
    assert page.notice, f"no notice for {q!r}"


def test_bad_syntax_still_searches_the_words(live):
    page = search(live, SearchRequest(q='"Black Sea'))
    assert {hit.id for hit in page.hits} == {"grain", "summit"}
    assert "quote" in page.notice
    page = search(live, SearchRequest(q="(wheat OR"))
    assert [hit.id for hit in page.hits] == ["harvest"]


def test_unknown_field_is_searched_as_a_word_with_a_notice(live):
    page = search(live, SearchRequest(q="colour:wheat"))
    assert [hit.id for hit in page.hits] == ["harvest"]
    assert "colour:" in page.notice


def test_a_time_is_not_a_field():
    parsed = parse_user_query("talks at 9:30", build_schema())
    assert parsed.notice is None


def test_hyphenated_word_is_not_an_exclusion():
    parsed = parse_user_query("Kim Jong-un", build_schema())
    assert parsed.notice is None
    assert "NOT" not in str(parsed.query).upper().replace("ANDNOT", "")
    assert "jong" in str(parsed.query) and "un" in str(parsed.query)


def test_a_leading_wildcard_is_refused_with_a_notice():
    parsed = parse_user_query("*ain grain", build_schema())
    assert parsed.notice and "*ain" in parsed.notice
    assert "grain" in str(parsed.query)


def test_fuzzy_distance_is_capped():
    parsed = parse_user_query("grain~9", build_schema())
    assert "~9" not in parsed.text and "~2" in parsed.text


@pytest.mark.parametrize(
    "typed, searched",
    [
        # All capitals: AND / OR / NOT are words (stop words here), not operators.
        ("USE OF COMPUTERS AND DESIGN NOT FILTERS", "USE OF COMPUTERS and DESIGN not FILTERS"),
        ("NOTES ON ORBITS", "NOTES ON ORBITS"),  # only whole words change
        # A lower-case letter anywhere: the capitals are operators, as typed.
        ("wheat AND barley", "wheat AND barley"),
        ("Wheat NOT barley", "Wheat NOT barley"),
        ("2024 OR 2025", "2024 OR 2025"),  # no letters to tell: left as typed
    ],
)
def test_operators_in_an_all_capitals_query_are_words(typed, searched):
    assert operators_as_words(typed) == searched


def test_an_all_capitals_query_with_not_still_finds_the_word_after_it(live):
    # Read as an operator, NOT would exclude the one article holding "barley".
    assert ids(live, "WHEAT NOT BARLEY") == {"harvest"}
    assert ids(live, "wheat NOT barley") == set()


def test_a_repeated_word_weighs_more_each_time_it_is_given_but_less_than_n_times():
    parsed = parse_user_query("grain wheat grain Grain", build_schema(), "any")
    boosts = {leaf.text: leaf.boost for leaf in parsed.query.leaves()}
    assert boosts["wheat"] == 1.0
    assert 2.0 < boosts["grain"] < 3.0  # saturated, as Okapi BM25 (k3)
    assert repeat_weight(1) == 1.0 and repeat_weight(2) < repeat_weight(4) < 4


def test_a_quoted_phrase_keeps_its_stop_words(tmp_path, open_live):
    corpus = make_corpus(
        tmp_path,
        {
            "band": "The Who played Tommy at the festival.\n\nFans sang along all night.",
            "question": "Who played at the festival? Nobody knew.\n\nThe organisers stayed quiet.",
            "hamlet": "To be or not to be, said the actor, and the hall fell silent.",
            "other": "Whether to be there or not was the question for the actor.",
        },
    )
    rebuild_index(corpus, tmp_path / "index")
    live = open_live(tmp_path / "index")
    assert ids(live, '"The Who" played') == {"band"}
    assert ids(live, "the who played") == {"band", "question"}  # unquoted: "who played"
    assert ids(live, '"to be or not to be"') == {"hamlet"}
    assert ids(live, '"the"') == {"band", "question", "hamlet", "other"}


def test_rewrite_leaves_reaches_both_parts_and_leaves_exclusions_when_asked():
    from whoosh import query as wq

    from searchapp.engine.query import rewrite_leaves

    def upper(node):
        return wq.Term(node.fieldname, node.text.upper()) if isinstance(node, wq.Term) else node

    maybe = rewrite_leaves(wq.AndMaybe(wq.Term("text", "a"), wq.Term("text", "b")), upper, False)
    assert (maybe.a.text, maybe.b.text) == ("A", "B")  # the parts Whoosh matches with
    assert [t.text for t in maybe.subqueries] == ["A", "B"]
    kept = rewrite_leaves(wq.AndNot(wq.Term("text", "a"), wq.Term("text", "b")), upper, False)
    assert (kept.a.text, kept.b.text) == ("A", "b")
    widened = rewrite_leaves(wq.Not(wq.Term("text", "b")), upper, True)
    assert widened.query.text == "B"
