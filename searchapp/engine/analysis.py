"""Text analysis shared by indexing and querying, so both fold text the same way."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import STOP_WORDS as STOP_WORDS_DEFAULT
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.lang import has_stemmer, languages, stemmer_for_language
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

# Snowball's English stemmer ("Porter2"), which fixes many of the original Porter's
# over-stemmings; on SciFact it scored 0.004 nDCG@10 higher (bench/RANKING.md).
_STEMMER = stemmer_for_language("en")
# An article in one of these languages is stemmed in it, so "Fähre" and "Fähren" are one
# word in a German article; every other article (none detected, or no Snowball stemmer)
# is stemmed as English, as all were before languages were detected.
STEMMED_LANGUAGES = frozenset(code for code in languages if has_stemmer(code))
DEFAULT_LANGUAGE = "en"
# Starts a field value with the language its words are stemmed in: "\x1dde\x1d" + text.
# Whoosh hands an analyzer the value only, so the language travels inside it.
LANGUAGE_MARK = "\x1d"


def stemming_language(code: str | None) -> str:
    """The language an article's words are stemmed in: its own if Snowball has it."""
    return code if code in STEMMED_LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(STEMMED_LANGUAGES))
def _stemmer(language: str):
    return _STEMMER if language == DEFAULT_LANGUAGE else stemmer_for_language(language)


@lru_cache(maxsize=200_000)
def _stem(folded: str, language: str = DEFAULT_LANGUAGE) -> str:
    return _stemmer(language)(folded)


def in_language(text: str, language: str | None) -> str:
    """A text-field value whose words TextAnalyzer stems in `language` (English as is)."""
    code = stemming_language(language)
    if code == DEFAULT_LANGUAGE:
        return text
    return f"{LANGUAGE_MARK}{code}{LANGUAGE_MARK}{text}"


def _split_language(value: str) -> tuple[str, str, int]:
    """(language, text, length of the mark) of a value in_language() may have marked."""
    if value.startswith(LANGUAGE_MARK):
        end = value.find(LANGUAGE_MARK, 1)
        if end > 0 and value[1:end] in STEMMED_LANGUAGES:
            return value[1:end], value[end + 1 :], end + 1
    return DEFAULT_LANGUAGE, value, 0


def fold_word(word: str) -> str:
    """A word lowercased and accent-folded: how stop words and the spelling list see it."""
    return word.lower().translate(accent_map)


def is_stop_word(folded: str) -> bool:
    """Whoosh's StopFilter rule: one-letter words and the stop list are not indexed."""
    return len(folded) < 2 or folded in STOP_WORDS


@lru_cache(maxsize=200_000)  # snippets look up every distinct word of every hit's body
def analyse_word(word: str, language: str = DEFAULT_LANGUAGE) -> str:
    """One word as the index holds it in an article of that language (a stop word comes
    back folded but unstemmed)."""
    folded = fold_word(word)
    return folded if is_stop_word(folded) else _stem(folded, stemming_language(language))


class TextAnalyzer(Analyzer):
    """Words, lowercased, accent-folded, stemmed (analyse_word); stop words kept unstemmed.

    What RegexTokenizer | LowercaseFilter | CharsetFilter | StemFilter give, positions
    included, in one loop: the chain's per-token generator hops were a fifth of indexing
    time. Stop words are indexed; a query drops them as StopFilter would, except inside a
    phrase. Whoosh passes no_morph=True for the unstemmed spelling words. A value that
    in_language() marked is stemmed in that language.

    With `weights`, the text is sections joined by SECTION_BREAK and each word's boost is
    its section's weight. Whoosh adds a word's boosts up into its posting weight, so the
    field holds BM25F's weighted term count: title mentions times the title weight, plus
    body mentions, and so on; BM25 then scores the word once, with one saturation and one
    length norm over the whole article (ranking.py). Sections are SECTION_GAP positions
    apart. Query text has no breaks, and Whoosh ignores boosts at query time.
    """

    def __init__(self, weights: tuple[float, ...] = (1.0,)):
        self.weights = weights

    def has_morph(self) -> bool:
        return True  # stems: Whoosh keeps the unstemmed words in a separate spelling field

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        no_morph=False,
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        # Stop words are indexed, in place, so a quoted phrase can ask for them ("The Who",
        # "to be or not to be"); a query drops them unless it is a phrase (removestops=False).
        querying = mode == "query"
        language, value, mark = _split_language(value) if tokenize else (DEFAULT_LANGUAGE, value, 0)
        sections = value.split(SECTION_BREAK) if tokenize else [value]
        pos, char = start_pos, start_char + mark
        for index, section in enumerate(sections):
            token.boost = self.weights[min(index, len(self.weights) - 1)]
            words = WORD_PATTERN.finditer(section) if tokenize else [_Whole(section)]
            for match in words:
                word = match.group()
                folded = fold_word(word)
                stopped = is_stop_word(folded)
                if stopped and removestops and querying:
                    continue  # an unquoted "the" is not searched
                token.text = folded if stopped or no_morph else _stem(folded, language)
                if keeporiginal:
                    token.original = word
                if positions:
                    token.pos = pos
                    pos += 1
                if chars:
                    token.startchar = char + match.start()
                    token.endchar = char + match.end()
                yield token
            pos += SECTION_GAP
            char += len(section) + len(SECTION_BREAK)


class _Whole:
    """A match-like view of a whole string (tokenize=False: a prefix or wildcard's text)."""

    def __init__(self, text: str):
        self.text = text

    def group(self) -> str:
        return self.text

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.text)


def text_analyzer() -> Analyzer:
    """Plain text: the words of any string, folded and stemmed."""
    return TextAnalyzer()


def weighted_text_analyzer(weights: tuple[float, ...]) -> Analyzer:
    """Weighted sections joined by SECTION_BREAK, folded and stemmed like text_analyzer()."""
    return TextAnalyzer(weights)


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
