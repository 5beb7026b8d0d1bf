"""Text analysis shared by indexing and querying, so both fold text the same way."""

from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS as STOP_WORDS_DEFAULT
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Tokenizer,
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


# Joins the sections of a weighted text (title, lead, ...): an ASCII control character
# that cleaned article text never holds (schema.to_document replaces any).
SECTION_BREAK = "\x1e"
# Positions skipped between sections, so a quoted phrase never runs from a title into a body.
SECTION_GAP = 100


class WeightedSectionsTokenizer(Tokenizer):
    """Words of sections joined by SECTION_BREAK; each word weighs its section's weight.

    Whoosh adds a word's token boosts up into its posting weight, so a field indexed this
    way holds BM25F's weighted term count: title mentions times the title weight, plus body
    mentions, and so on. One field then scores a word once, with one saturation and one
    length norm over the whole article (ranking.py). Query text has no breaks, and Whoosh
    ignores token boosts at query time. Each token carries its section number for
    SectionGapFilter.
    """

    def __init__(self, weights: tuple[float, ...]):
        self.weights = weights
        self.words = RegexTokenizer(WORD_PATTERN)

    def __call__(self, value, positions=False, chars=False, start_pos=0, start_char=0,
                 mode="", **kwargs):
        pos, char = start_pos, start_char
        for index, section in enumerate(value.split(SECTION_BREAK)):
            weight = self.weights[min(index, len(self.weights) - 1)]
            for token in self.words(section, positions=positions, chars=chars,
                                    start_pos=pos, start_char=char, mode=mode, **kwargs):
                token.section = index
                if mode == "index":
                    token.boost = weight
                if positions:
                    pos = token.pos + 1
                yield token
            char += len(section) + len(SECTION_BREAK)


class SectionGapFilter(Filter):
    """Opens a SECTION_GAP between sections' positions.

    It runs after the StopFilter, which renumbers positions to close the holes left by
    stop words (so "Prince of Wales" matches the phrase "prince wales") and would close
    a gap made earlier too.
    """

    def __call__(self, tokens):
        for token in tokens:
            if token.positions:
                token.pos += getattr(token, "section", 0) * SECTION_GAP
            yield token


def _folded_words(tokenizer: Tokenizer) -> Analyzer:
    """Words, case- and accent-folded, stop words dropped, stemmed.

    The stemmer is Snowball's English ("Porter2"), which fixes many of the original Porter's
    over-stemmings; on SciFact it scored 0.004 nDCG@10 higher (bench/RANKING.md).
    """
    return (
        tokenizer
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS)
        | StemFilter(lang="en", cachesize=50000)
    )


def text_analyzer() -> Analyzer:
    """Plain text: the words of any string, folded and stemmed."""
    return _folded_words(RegexTokenizer(WORD_PATTERN))


def weighted_text_analyzer(weights: tuple[float, ...]) -> Analyzer:
    """Weighted sections (WeightedSectionsTokenizer), folded and stemmed like text_analyzer()."""
    return _folded_words(WeightedSectionsTokenizer(weights)) | SectionGapFilter()


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
