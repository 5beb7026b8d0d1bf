"""Words joined or split: `email` also finds "e-mail" and "e mail", `cell phone` "cellphone".

Learned from the index, not from a list: a query word also searches its split form when
the corpus prints that form as a phrase often enough, and two adjacent query words also
search their joined form when the corpus holds it. The result is a set of synonym groups
for this one query (synonyms.Synonyms), rewritten into it the same way.
"""

from __future__ import annotations

from whoosh import query as wq

from .analysis import WORD_PATTERN, analyse_word, fold_typography, fold_word, is_stop_word
from .schema import SEARCH_FIELD, SPELLING_FIELD
from .synonyms import Synonyms

MIN_COMPOUND = 5  # letters: "into" is not "in to"
# A split form in fewer articles than this share of the compound's is a coincidence or a
# word broken at a line end ("crys- talline", "relation- ship" in MED's abstracts), not a
# spelling of it: at 1% such splits took MED's nDCG@10 from 0.698 to 0.650.
MIN_SHARE = 0.1
MAX_WORDS = 12  # the query words looked at; a pasted essay must stay fast


def _is_part(reader, word: str) -> bool:
    """A word a compound may split into: in the index, and not a stop word ("in", "to")."""
    if len(word) >= 2 and is_stop_word(word):
        return False
    return (SEARCH_FIELD, analyse_word(word)) in reader


def _df(reader, word: str) -> int:
    return reader.doc_frequency(SEARCH_FIELD, analyse_word(word))


def _phrase_df(searcher, parts: tuple[str, str]) -> int:
    phrase = wq.Phrase(SEARCH_FIELD, [analyse_word(p) for p in parts])
    return sum(1 for _ in phrase.docs(searcher))


def compound_groups(searcher, text: str) -> Synonyms:
    """The joined and split forms the corpus uses for this query's plain words."""
    reader = searcher.reader()
    words = [fold_word(w) for w in WORD_PATTERN.findall(fold_typography(text))][:MAX_WORDS]
    groups: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for word in dict.fromkeys(words):
        if len(word) < MIN_COMPOUND or word.isdigit():
            continue
        df = _df(reader, word)
        for cut in range(1, len(word) - 1):
            parts = (word[:cut], word[cut:])
            # Each part a word in its own right, at least as common as the compound: a
            # fragment ("tuber culosis") is rare, and its idf made the phrase outscore
            # the word itself.
            if not all(_is_part(reader, p) and _df(reader, p) >= df for p in parts):
                continue
            if _phrase_df(searcher, parts) > MIN_SHARE * df:
                groups[(word,)] = groups.get((word,), ((word,),)) + (parts,)
    for first, second in zip(words, words[1:], strict=False):
        joined = first + second
        if not (_is_part(reader, first) and _is_part(reader, second)) or joined.isdigit():
            continue
        # The joined word as printed, not by its stem: "russia" + "s" is not "russias".
        if (SPELLING_FIELD, joined) in reader:
            groups[(first, second)] = ((first, second), (joined,))
    return Synonyms(groups)
