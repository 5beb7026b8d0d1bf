"""A query in every language the index stems: each word also searches its stem in those.

The index stems each article's words in its own language (analysis.in_language), so a
German article holds "fahr" for "Fähre" and "Fähren", where English stemming would give
"fahr" and "fahren". The query parser stems as English; this adds, beside each word's
English stem, its stem in each other language of the index, at the same weight. An
all-English index (every BEIR collection) gets its query back unchanged.
"""

from __future__ import annotations

from whoosh import query as wq

from .analysis import (
    DEFAULT_LANGUAGE,
    WORD_PATTERN,
    analyse_word,
    fold_typography,
    fold_word,
    is_stop_word,
)
from .query import rewrite_leaves
from .schema import SEARCH_FIELD

# Words of a query looked at: the bounds in query.py keep a query far below this anyway.
MAX_WORDS = 300


def other_stems(text: str, languages: frozenset[str]) -> dict[str, dict[str, str]]:
    """English stem -> {language: its stem there} for the text's words, where they differ."""
    others = languages - {DEFAULT_LANGUAGE}
    found: dict[str, dict[str, str]] = {}
    for word in WORD_PATTERN.findall(fold_typography(text))[:MAX_WORDS]:
        if is_stop_word(fold_word(word)):
            continue
        english = analyse_word(word)
        for language in others:
            stem = analyse_word(word, language)
            if stem != english:
                found.setdefault(english, {})[language] = stem
    return found


def in_languages(q: wq.Query, text: str, languages: frozenset[str]) -> wq.Query:
    """`q` with each text-field word OR-ed with its stems in the other `languages`.

    A phrase gets one phrase per language, each word stemmed in it: a German phrase is
    found in a German article. Words under NOT are widened too, so -Fähren excludes the
    German article that holds it.
    """
    stems = other_stems(text, languages)
    if not stems:
        return q
    spoken = sorted({language for by_language in stems.values() for language in by_language})

    def widen(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term and node.fieldname == SEARCH_FIELD and node.text in stems:
            alternatives = dict.fromkeys(stems[node.text].values())
            terms = [wq.Term(SEARCH_FIELD, s, boost=node.boost) for s in alternatives]
            return wq.Or([node, *terms])
        if isinstance(node, wq.Phrase) and node.fieldname == SEARCH_FIELD:
            phrases = [node]
            for language in spoken:
                words = [stems.get(w, {}).get(language, w) for w in node.words]
                if words != list(node.words):
                    phrases.append(wq.Phrase(SEARCH_FIELD, words, slop=node.slop, boost=node.boost))
            return wq.Or(phrases) if len(phrases) > 1 else node
        return node

    return rewrite_leaves(q, widen, exclusions=True)
