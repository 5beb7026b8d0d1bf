"""The text analyzer: the same words as Whoosh's filter chain, weighted sections, positions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

from searchapp.engine.analysis import (
    SECTION_BREAK,
    SECTION_GAP,
    STOP_WORDS,
    WORD_PATTERN,
    analyse_word,
    fold_word,
    is_stop_word,
    text_analyzer,
    weighted_text_analyzer,
)

# The chain TextAnalyzer stands in for, built from Whoosh's own parts.
CHAIN = (
    RegexTokenizer(WORD_PATTERN)
    | LowercaseFilter()
    | CharsetFilter(accent_map)
    | StopFilter(stoplist=STOP_WORDS)
    | StemFilter(lang="en", cachesize=0)
)

SAMPLES = [
    "The Running of the Bulls in Pamplona, Spain's Festival",
    "Zelenskyy met Lavrov: “It’s unacceptable,” said the U.S. envoy at 9:30 a.m.",
    "Café crème, naïve façade, Ærøskøbing, straße, ĳssel",
    "Kim Jong-un's 2,000 troops; AMP-activated kinases; x y z",
    "a I an the of US IT May Will Can",
    "",
]


def tokens(analyzer, text: str, **kwargs) -> list[tuple]:
    return [(t.text, t.pos, t.stopped) for t in analyzer(text, positions=True, **kwargs)]


@pytest.mark.parametrize("text", SAMPLES)
def test_a_query_has_the_same_words_as_the_whoosh_chain(text):
    ours = [t.text for t in text_analyzer()(text, mode="query")]
    assert ours == [t.text for t in CHAIN(text)]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_index_keeps_every_word_in_place(text):
    # Stop words too, unstemmed, so a quoted phrase can ask for them ("The Who").
    ours = tokens(text_analyzer(), text, mode="index")
    words = WORD_PATTERN.findall(text)
    assert [w for w, _, _ in ours] == [analyse_word(w) for w in words]
    assert [p for _, p, _ in ours] == list(range(len(words)))
    assert not any(stopped for _, _, stopped in ours)  # Whoosh would not index a stopped token


def test_a_phrase_keeps_its_stop_words_in_place():
    ours = tokens(text_analyzer(), "To be or not to be", mode="query", removestops=False)
    assert [(w, p) for w, p, _ in ours] == [
        (w, i) for i, w in enumerate("to be or not to be".split())
    ]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_analyses_like_the_chain(text):
    ours = [t.text for t in text_analyzer()(text, mode="query")]
    assert ours == [t.text for t in CHAIN(text)]
    kept = [w for w in WORD_PATTERN.findall(text) if not is_stop_word(fold_word(w))]
    assert ours == [analyse_word(w) for w in kept]


def test_unstemmed_words_for_the_spelling_list():
    words = [t.text for t in text_analyzer()("Running ferries", no_morph=True)]
    assert words == ["running", "ferries"]


def test_a_prefix_is_folded_as_one_word():
    assert [t.text for t in text_analyzer()("Lavr", tokenize=False)] == ["lavr"]


def test_sections_weigh_their_words_and_keep_phrases_apart():
    analyzer = weighted_text_analyzer((3.0, 1.0))
    text = "Dockers strike" + SECTION_BREAK + "Talks of the day"
    found = [(t.text, t.pos, t.boost) for t in analyzer(text, positions=True, mode="index")]
    assert [(w, b) for w, _, b in found] == [
        ("docker", 3.0),
        ("strike", 3.0),
        ("talk", 1.0),
        ("of", 1.0),
        ("the", 1.0),
        ("day", 1.0),
    ]
    positions = [p for _, p, _ in found]
    assert positions[1] == positions[0] + 1 and positions[5] == positions[2] + 3
    assert positions[2] - positions[1] > SECTION_GAP


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_analysis_keeps_a_words_first_letter(text):
    # search.match_spans relies on it to skip stemming words that cannot match.
    for word in WORD_PATTERN.findall(text):
        assert analyse_word(word)[:1] == fold_word(word[:1])[:1]
