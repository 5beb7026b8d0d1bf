"""Text analysis shared by indexing and querying, so both fold text the same way."""

from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS as STOP_WORDS_DEFAULT
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

# Typography that people type one way and publishers print another. Folding it
# before tokenizing makes "Russia’s" == "Russia's" and "Jong‐un" == "Jong-un".
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote / apostrophe
        "\u02bc": "'",  # modifier letter apostrophe
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",
        "\u2212": "-",  # minus sign
        "\u00ad": None,  # soft hyphen: invisible, must not split a word
        "\u200b": None,  # zero-width space
    }
)

# Words are runs of letters/digits; apostrophes and hyphens split them, so
# "Jong-un" and "Jong Un" both index as "jong", "un".
WORD_PATTERN = re.compile(r"\w+", re.UNICODE)


# Whoosh's stop list, less the words that news readers search for as names: "US", "IT",
# "May" (the month, the surname), "Will" and "Can".
STOP_WORDS = frozenset(STOP_WORDS_DEFAULT - {"us", "it", "may", "will", "can"})


def fold_typography(text: str) -> str:
    """Map curly quotes, dashes and invisible characters to their plain forms."""
    return text.translate(_TYPOGRAPHY)


def text_analyzer() -> Analyzer:
    """Words, case- and accent-folded, stop words dropped, Porter-stemmed."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS)
        | StemFilter(cachesize=50000)
    )


def name_analyzer() -> Analyzer:
    """Names (authors, outlets): folded but not stemmed, so 'Ripley' stays 'ripley'.

    Stop words go here too: a plain query searches these fields alongside the text
    fields, and a kept "the" had to appear in a byline or outlet name, so "the war in
    Ukraine" found no article with all its words. Initials (minsize=1) stay.
    """
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
    )
