"""searchapp.ingest.consensus: the extraction the others agree with most."""

from __future__ import annotations

import pytest

from searchapp.ingest.consensus import dice, most_agreed
from searchapp.ingest.dedup import shingles

STORY = (
    "The minister said the talks had gone well and would resume next week in Geneva. "
    "Officials on both sides described the mood as cautious but constructive overall. "
    "A draft text is expected to be circulated among the members before the weekend."
)
FIRST_PARAGRAPH = STORY.split(". ")[0] + "."
BLOGROLL = "Home World Business Tech Sport Weather Video Our friends Their blog Archive 2012"


@pytest.mark.parametrize(
    ("texts", "chosen"),
    [
        # the other two agree on the whole story: the one that kept a blogroll loses
        ([BLOGROLL, STORY, STORY + " Share this."], 1),
        # one stopped after the first paragraph: the fuller story is closest to both
        ([FIRST_PARAGRAPH, STORY, STORY], 1),
        # all three the same: the first, the extractor trusted most
        ([STORY, STORY, STORY], 0),
        # nobody agrees with anybody: the first again
        ([BLOGROLL, FIRST_PARAGRAPH.upper()[::-1], "Nothing alike here at all today"], 0),
        # an empty extraction agrees with nothing
        (["", STORY, STORY], 1),
    ],
)
def test_most_agreed(texts, chosen):
    assert most_agreed([shingles(t) for t in texts]) == chosen


def agreement(a: str, b: str) -> float:
    return dice(shingles(a), shingles(b))


def test_agreement_is_one_for_the_same_words_and_zero_for_none_shared():
    assert agreement(STORY, STORY.upper()) == 1.0
    assert agreement(STORY, BLOGROLL) == 0.0
    assert 0.0 < agreement(STORY, FIRST_PARAGRAPH) < 1.0
