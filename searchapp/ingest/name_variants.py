"""Spellings of one name that a corpus uses, learned from the corpus itself (pure).

Each article contributes the capitalised words it uses inside sentences (a word that only
starts sentences is no evidence of a name) and the capitalised words beside them. Two
spellings are variants of one name when

- they share a transliteration key (Sergey/Sergei, Zelensky/Zelenskyy/Zelenskiy) or are
  one edit apart after it (Gaddafi/Qaddafi), and they share a neighbouring name word
  ("Lavrov" after both Sergey and Sergei) but rarely appear in the same article (an outlet
  keeps to its own spelling; "Germany" and "Germans" share neighbours and articles); or
- one is a rare typo of a frequent spelling (Lvrov/Lavrov): one edit apart, the typo seen at
  most twice and the spelling at least five times as often, in an article that also uses
  the right spelling or in a story (other outlets' copies of the same event) that does.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s*$")
MIN_LETTERS = 4  # "Kim"/"Kin", "Iran"/"Iraq": too short to tell a variant from a name
TYPO_MAX_COUNT = 2
TYPO_RATIO = 5
NAME_SHARE = 0.9  # of a word's uses, those capitalised inside a sentence, for a name
MAX_SHARED_ARTICLES = 0.1  # share of the rarer spelling's articles that also hold the other


@dataclass
class NameStats:
    """Corpus-wide counts of capitalised words, added to one article at a time."""

    counts: Counter = field(default_factory=Counter)  # word -> times seen inside a sentence
    articles: dict = field(default_factory=lambda: defaultdict(set))  # word -> article numbers
    neighbours: dict = field(default_factory=lambda: defaultdict(set))  # word -> name words beside

    lower: Counter = field(default_factory=Counter)  # word -> times seen in lower case

    def add(self, number: int, names: dict[str, list]) -> None:
        """Add one article's names: {word: [count, [neighbour, ...], lower]} (article_names)."""
        for word, (count, beside, *lower) in names.items():
            self.counts[word] += count
            self.lower[word] += lower[0] if lower else 0
            self.articles[word].add(number)
            self.neighbours[word].update(beside)


def _name_shaped(word: str) -> bool:
    """A word, not a code or an acronym: no digits, no capital after the first letter."""
    return not any(c.isdigit() for c in word) and not word[1:2].isupper()


def article_names(text: str) -> dict[str, list]:
    """{lowercased word: [times capitalised inside a sentence, [capitalised neighbours],
    times written in lower case]} for the name-shaped words the article capitalises."""
    found: dict[str, list] = {}
    for paragraph in text.split("\n"):
        run: list[str] = []
        for match in _WORD.finditer(paragraph):
            word = match.group(0).rstrip("'\u2019-")
            if word.endswith(("'s", "\u2019s")):
                word = word[:-2]
            start = match.start()
            capital = word[:1].isupper() and not word.isupper() or len(word) > 1 and word.isupper()
            inside = start > 0 and not _SENTENCE_END.search(paragraph[:start])
            adjacent = run and paragraph[match.start() - 1 : match.start()] in (" ", "-")
            if not capital:
                run = []
                continue
            if not adjacent:
                run = []
            run.append(word.lower())
            if inside and len(word) >= MIN_LETTERS and _name_shaped(word):
                entry = found.setdefault(word.lower(), [0, [], 0])
                entry[0] += 1
            if len(run) > 1:
                a, b = run[-2], run[-1]
                if a in found and b not in found[a][1]:
                    found[a][1].append(b)
                if b in found and a not in found[b][1]:
                    found[b][1].append(a)
    if found:
        lower = Counter(w for w in _WORD.findall(text) if w.islower() and w in found)
        for word, entry in found.items():
            entry[2] = lower[word]
    return found


# Words of a title or description before a name ("Russian Foreign Minister ...").
TITLE_WORDS = set(
    "foreign minister president prime leader secretary general chief senator mr mrs ms dr "
    "professor russian russia north south korean american us ukrainian chinese former "
    "deputy state".split()
)
HEADLINE_SHARE = 0.6
# Capitalised words that open a sentence-internal run without being part of a name.
_RUN_STARTERS = {"the", "a", "an", "in", "on", "at", "of", "and", "but", "for", "as", "by"}


def people(text: str) -> tuple[str, ...]:
    """Runs of two or more capitalised words used inside sentences ("Choe Son Hui"),
    without the titles before a name ("Foreign Minister Sergey Lavrov" -> "Sergey Lavrov")."""
    found: dict[str, None] = {}
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if sum(w[:1].isupper() for w in words) > HEADLINE_SHARE * len(words):
            continue  # a headline or subheading in Title Case: every word is capitalised
        for match in re.finditer(r"(?:[A-Z][\w'\u2019-]+[ ]){1,5}[A-Z][\w\u2019'-]+", paragraph):
            words = [w for w in match.group(0).split() if w.lower() not in _RUN_STARTERS]
            words = [w[:-2] if w.endswith(("'s", "\u2019s")) else w for w in words]
            start = match.start()
            if start == 0 or _SENTENCE_END.search(paragraph[:start]):
                words = words[1:]  # its first word is capitalised for the sentence
            while len(words) > 2 and words[0].lower() in TITLE_WORDS:
                words.pop(0)
            if len(words) >= 2:
                found[" ".join(words)] = None
    return tuple(found)


def translit_key(word: str) -> str:
    """A spelling key that transliterations of one name share (Sergey, Sergei -> sergi)."""
    folded = unicodedata.normalize("NFKD", word.lower())
    key = "".join(c for c in folded if not unicodedata.combining(c))
    for old, new in (("ph", "f"), ("kh", "h"), ("q", "k"), ("ck", "k"), ("y", "i"), ("ei", "i")):
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)  # Gaddafi -> gadafi, Zelenskii -> zelenski
    return key


def learn_variants(
    stats: NameStats, story_of: dict[int, int] | None = None
) -> dict[str, tuple[str, ...]]:
    """{spelling: its variant spellings}, both ways, for the words that have any.

    `story_of` (article number -> story number, for the articles in a story) lets a typo
    count as a variant when the right spelling is in another article of its story.
    """
    story_of = story_of or {}
    # A name is written with a capital nearly always ("Accounts" heads a table; "accounts"
    # fills the text); on Reuters, 444 pairs were "variants" before this rule, mostly words.
    words = [
        w
        for w, n in stats.counts.items()
        if len(w) >= MIN_LETTERS and n >= NAME_SHARE * (n + stats.lower[w])
    ]
    by_key: dict[str, list[str]] = defaultdict(list)
    for word in words:
        by_key[translit_key(word)].append(word)
    # One deletion from each key finds the keys one edit apart without comparing all pairs.
    by_deletion: dict[str, set[str]] = defaultdict(set)
    for key in by_key:
        by_deletion[key].add(key)
        for i in range(len(key)):
            by_deletion[key[:i] + key[i + 1 :]].add(key)
    links: dict[str, set[str]] = defaultdict(set)
    for keys in by_deletion.values():
        spellings = sorted({w for k in keys for w in by_key[k]})
        for i, a in enumerate(spellings):
            for b in spellings[i + 1 :]:
                if _are_variants(stats, a, b, story_of):
                    links[a].add(b)
                    links[b].add(a)
    return {word: tuple(sorted(others)) for word, others in sorted(links.items())}


def _are_variants(stats: NameStats, a: str, b: str, story_of: dict[int, int]) -> bool:
    if a.rstrip("s") == b.rstrip("s") or a == b:
        return False  # a plural or possessive, not another spelling
    key_a, key_b = translit_key(a), translit_key(b)
    if _edits(key_a, key_b) > 1 and _edits(a, b) > 1:
        return False
    shared = stats.articles[a] & stats.articles[b]
    rare, common = sorted((a, b), key=lambda w: stats.counts[w])
    if (
        _edits(a, b) <= 1
        and _differ_inside(a, b)
        and stats.counts[rare] <= TYPO_MAX_COUNT
        and stats.counts[common] >= TYPO_RATIO * stats.counts[rare]
        and (shared or _share_a_story(stats, rare, common, story_of))
    ):
        return True  # a typo beside the right spelling, in its article or its story
    near_key = key_a == key_b or min(len(key_a), len(key_b)) >= 6 and _confusable(key_a, key_b)
    fewer = min(len(stats.articles[a]), len(stats.articles[b]))
    return (
        near_key
        and bool(stats.neighbours[a] & stats.neighbours[b])
        and len(shared) <= MAX_SHARED_ARTICLES * fewer
    )


def _share_a_story(stats: NameStats, rare: str, common: str, story_of: dict[int, int]) -> bool:
    """Whether an article holding `rare` is in a story with an article holding `common`."""
    stories = {story_of[n] for n in stats.articles[rare] if n in story_of}
    return bool(stories) and any(story_of.get(n) in stories for n in stats.articles[common])


# Letters that transliterations swap for one another (Qaddafi/Gaddafi, Mikhail/Michail ...).
_CONFUSABLE = {frozenset(pair) for pair in ("gk", "ie", "ou", "ae", "sz", "vw", "td", "hk")}


def _confusable(a: str, b: str) -> bool:
    """Same length, one letter apart, and that letter one transliterations swap."""
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(differ) == 1 and frozenset(differ[0]) in _CONFUSABLE


def _differ_inside(a: str, b: str) -> bool:
    """Whether the spellings differ inside the word: not in the first letter (Austin/Tustin)
    nor only in the last (Asia/Asian, Arabia/Arabic: suffixes more often than typos)."""
    common = len(os.path.commonprefix([a, b]))
    return 0 < common < min(len(a), len(b)) - 1


def _edits(a: str, b: str) -> int:
    """Levenshtein distance, counted no further than 2."""
    return Levenshtein.distance(a, b, score_cutoff=2)


def variants_of(words: Iterable[str], table: dict[str, tuple[str, ...]]) -> dict[str, tuple]:
    """The variants the table knows for each of these lowercased words."""
    return {w: table[w] for w in words if w in table}
