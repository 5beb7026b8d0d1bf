"""Snippets: sentence-bounded, at most three, hits marked, everything else escaped."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchapp.build import rebuild_index
from searchapp.engine import highlight_article
from searchapp.engine.highlight import (
    _SENTENCE_END,
    MAX_SNIPPET_CHARS,
    make_snippets,
    mark,
    plain_snippet,
    sentences_holding,
    spans_within,
)
from searchapp.engine.search import SearchRequest, search
from searchapp.model import Article
from tests.conftest import make_corpus


def spans(text: str, word: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(re.escape(word), text)]


def test_mark_escapes_everything_but_its_own_tags():
    text = "Tom & Jerry <script>alert(1)</script> met Lavrov."
    html = mark(text, spans(text, "Lavrov"))
    assert html == (
        "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; met <mark>Lavrov</mark>."
    )


def test_a_hit_inside_markup_is_marked_and_escaped():
    text = "He wrote <b>Lavrov</b> in bold."
    html = mark(text, spans(text, "<b>Lavrov</b>"))
    assert html == "He wrote <mark>&lt;b&gt;Lavrov&lt;/b&gt;</mark> in bold."


def test_snippets_are_whole_sentences_holding_hits():
    text = "Rain fell on Monday. The ferry left late. Nobody minded. The ferry came back."
    snippets = make_snippets(text, spans(text, "ferry"))
    assert snippets == [
        "The <mark>ferry</mark> left late.",
        "The <mark>ferry</mark> came back.",
    ]


def test_at_most_three_snippets_preferring_sentences_with_more_distinct_hits():
    sentences = [f"Sentence {i} mentions the ferry." for i in range(6)]
    sentences[4] = "Sentence 4 mentions the ferry and the storm."
    text = " ".join(sentences)
    hits = sorted(spans(text, "ferry") + spans(text, "storm"))
    snippets = make_snippets(text, hits)
    assert len(snippets) == 3
    assert "Sentence 4 mentions the <mark>ferry</mark> and the <mark>storm</mark>." in snippets
    # Shown in document order.
    numbers = [int(re.search(r"Sentence (\d)", s).group(1)) for s in snippets]
    assert numbers == sorted(numbers)


def test_a_long_sentence_is_cut_around_its_hit_at_word_boundaries():
    text = " ".join(["word"] * 200) + " ferry " + " ".join(["tail"] * 200) + "."
    (snippet,) = make_snippets(text, spans(text, "ferry"))
    assert "<mark>ferry</mark>" in snippet
    assert snippet.startswith("… word") and snippet.endswith("tail …")
    assert len(snippet) <= MAX_SNIPPET_CHARS + len("<mark></mark>… … ")


def test_plain_snippet_is_escaped_and_cut_at_a_space():
    assert plain_snippet("<i>short</i>") == "&lt;i&gt;short&lt;/i&gt;"
    long = "alpha " * 100
    cut = plain_snippet(long)
    assert cut.endswith(" …") and len(cut) <= MAX_SNIPPET_CHARS + 2
    assert "alph …" not in cut


# --- through search() --------------------------------------------------------------------

HOSTILE = (
    "Foreign Minister Sergei Lavrov arrived on Tuesday <script>alert(1)</script> "
    "for talks about grain & fertiliser exports.\n\n"
    'Officials said <img src=x onerror="alert(2)"> Lavrov would stay two days.'
)


@pytest.fixture
def live(tmp_path, open_live):
    long_body = "\n\n".join(
        f"Paragraph {i} of the inquiry report covers procurement item {i} in detail, "
        f"with figures for the year and comments from the committee."
        for i in range(600)
    )
    tail = "\n\nThe inquiry finally named the supplier Zelenograd Metals in its closing remarks."
    assert len(long_body) > 40_000
    corpus = make_corpus(
        tmp_path,
        {
            "hostile": HOSTILE,
            "long": long_body + tail,
            "long.json": {"title": "Inquiry report"},
            "titled": "Farmers in the valley reported a calm season with steady prices for "
            "feed and fuel.\n\nMarkets were quiet all month.",
            "titled.json": {"title": "Helicopter lands in valley"},
        },
    )
    rebuild_index(corpus, tmp_path / "index")
    return open_live(tmp_path / "index")


@pytest.mark.parametrize("q", ["lavrov", "<b>lavrov</b>", "<script>lavrov", '"Sergei Lavrov"'])
def test_snippets_are_inert_html(live, q):
    page = search(live, SearchRequest(q=q))
    assert [hit.id for hit in page.hits] == ["hostile"]
    snippets = page.hits[0].snippets
    assert snippets
    for snippet in snippets:
        assert re.sub(r"</?mark>", "", snippet).count("<") == 0, snippet
        assert "<mark>Lavrov</mark>" in snippet
    joined = re.sub(r"</?mark>", "", " ".join(snippets))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in joined
    assert "grain &amp; fertiliser" in joined


def test_highlight_article_is_inert_html(live):
    from searchapp.engine.articles import get_article

    blocks, count = highlight_article(get_article(live, "hostile"), "<b>lavrov</b>")
    html = "".join(block.html for block in blocks)
    assert count == 2
    assert re.sub(r"<mark[^>]*>|</mark>", "", html).count("<") == 0


def test_snippets_come_from_beyond_the_first_32k_characters(live):
    page = search(live, SearchRequest(q="Zelenograd"))
    assert [hit.id for hit in page.hits] == ["long"]
    (snippet,) = page.hits[0].snippets
    assert "<mark>Zelenograd</mark>" in snippet
    assert snippet.startswith("The inquiry finally named")


def test_title_only_match_shows_the_lead(live):
    page = search(live, SearchRequest(q="helicopter"))
    assert [hit.id for hit in page.hits] == ["titled"]
    assert page.hits[0].snippets == (
        "Farmers in the valley reported a calm season with steady prices for feed and fuel.",
    )


def test_three_snippets_at_most_from_a_long_article(live):
    page = search(live, SearchRequest(q="procurement"))
    assert page.hits and len(page.hits[0].snippets) == 3


QUOTED = (
    'The minister spoke of support. "We give our unconditional support to the talks," '
    'Lavrov said. "The support is firm," he added. Support was not in doubt.'
)


@pytest.mark.parametrize(
    ("q", "marked"),
    [
        # A quote: phrase marks the quotation holding it, whole, and nothing else.
        ('quote:"unconditional support"', ["We give our unconditional support to the talks"]),
        ("quote:support", ["We give our unconditional support to the talks",
                           "The support is firm"]),
        ("quote:firm*", ["The support is firm"]),
        ('quote:"support is firm"', ["The support is firm"]),
        ('quote:"minister spoke"', []),  # words outside every quotation
        # A plain word is marked wherever it is, inside quotations too.
        ("firm", ["firm"]),
        # Both: the quotation whole, the other words elsewhere, no mark inside another.
        ('minister quote:"unconditional support"',
         ["minister", "We give our unconditional support to the talks"]),
    ],
)  # fmt: skip
def test_quote_queries_mark_whole_quotations(q, marked):
    article = Article(id="q", title="Talks", text=QUOTED, source_path="q.txt", content_hash="")
    blocks, count = highlight_article(article, q)
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", blocks[0].html) == marked and count == len(marked)


def every_sentence(text: str) -> list[tuple[int, int]]:
    """Every sentence of a text, whitespace trimmed: how snippets cut text before
    sentences_holding() (the reference it must agree with)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


@given(
    st.lists(
        st.sampled_from(["ferry", "Harbour", "vote", "a", ".", "!", "?", "”", " ", "  ", "\n"]),
        max_size=60,
    ),
    st.integers(0, 2**32),
)
def test_sentences_holding_cuts_as_cutting_every_sentence_does(pieces, seed):
    """The sentences a snippet is chosen from, found from the hits alone, are exactly
    every sentence filtered by spans_within(): the same spans, the same hits."""
    text = "".join(pieces)
    words = [m.span() for m in re.finditer(r"\w+", text)]
    hits = random.Random(seed).sample(words, k=len(words) // 2)
    sentences = every_sentence(text)
    expected = [
        (span, inside)
        for span, inside in zip(sentences, spans_within(hits, sentences), strict=True)
        if inside
    ]
    assert sentences_holding(text, hits) == expected
