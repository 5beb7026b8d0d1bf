"""Quoted statements and who made them, read off an article's text (pure).

Handles the attributions news copy uses most: `"…," Lavrov said`, `"…," said Lavrov`,
`Lavrov told reporters, "…"`, `according to TASS, "…"`, and a quote that carries on the
last speaker's words (`"…," he said. "…"`). A quote with no name nearby keeps speaker None:
a pronoun is not resolved, since guessing wrongly would put words in someone's mouth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Straight and curly double quotes; single quotes are apostrophes far more often.
_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'
_QUOTE = re.compile(rf"[{_MARKS}]([^{_MARKS}\n]{{2,1000}}?)[{_MARKS}]")
_NAME_WORD = r"(?:[A-Z][\w'\u2019-]*)"
# A name: up to four capitalised words ("Sergey Lavrov", "Kim Jong Un", "TASS").
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}"
_VERB = (
    r"(?:said|says|added|adds|noted|notes|told|tells|wrote|writes|stated|declared|"
    r"warned|explained|insisted|argued|asked|replied|recalled|was quoted as saying)"
)
# Right after the quote: `, Lavrov said` / `, said Lavrov` / `Kelly told CNN`.
_AFTER_NAME_VERB = re.compile(rf"^[ \t,]*(?P<name>{_NAME})[ \t]+{_VERB}\b")
_AFTER_VERB_NAME = re.compile(rf"^[ \t,]*{_VERB}[ \t]+(?P<name>{_NAME})")
# Right before the quote: `Lavrov told Russian reporters, ` / `according to TASS, `.
_BEFORE = re.compile(
    rf"(?:(?P<name>{_NAME})[ \t]+{_VERB}(?:[ \t]+[\w'\u2019]+){{0,3}}"
    rf"|[Aa]ccording to (?P<source>{_NAME}))"
    r"\s*[,:]?\s*$"
)
# Titles and words that start a capitalised run without being the speaker's name.
_NOT_NAMES = {
    "The", "A", "An", "He", "She", "They", "It", "We", "I", "But", "And", "In", "As",
    "Foreign", "Minister", "President", "Prime", "Russian", "North", "Korean", "Mr", "Mrs",
    "Ms", "Dr", "Professor", "Leader", "Secretary", "General", "Chief", "Senator",
}  # fmt: skip
MIN_WORDS = 2  # one quoted word ("Nazis") is a scare quote, not a statement
STATEMENT_WORDS = 5  # quotes this long are statements worth tracing across outlets
MAX_QUOTES = 50  # per article: a transcript would otherwise fill the index field


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None
    start: int  # character offsets of the quoted words in the text
    end: int


def _clean_name(name: str) -> str | None:
    words = [w.strip(".'\u2019") for w in name.split()]
    while words and words[0] in _NOT_NAMES:
        words.pop(0)
    if words and words[-1].endswith(("'s", "\u2019s")):
        return None  # "CNN's Brian Abel" names the interviewer's outlet, not a speaker
    return " ".join(words) or None


def _full_name(name: str, text: str) -> str:
    """`Lavrov` -> `Sergey Lavrov` when the article names him in full."""
    if " " in name:
        return name
    longer = re.findall(rf"\b((?:{_NAME_WORD}[ \t]+){{1,2}}{re.escape(name)})\b", text)
    fulls = [_clean_name(found) for found in longer]
    fulls = [f for f in fulls if f and f != name]
    return max(fulls, key=fulls.count) if fulls else name


def extract_quotes(text: str) -> tuple[Quote, ...]:
    """The quotations of two or more words in `text`, with speakers where the text says."""
    found: list[Quote] = []
    last_speaker: str | None = None
    last_end = -1
    for match in _QUOTE.finditer(text):
        words = match.group(1).strip(" ,.")
        if len(words.split()) < MIN_WORDS:
            continue
        after = text[match.end() : match.end() + 80]
        before = text[max(0, match.start() - 100) : match.start()]
        name = None
        for pattern, window in ((_AFTER_NAME_VERB, after), (_AFTER_VERB_NAME, after)):
            hit = pattern.match(window)
            if hit:
                name = _clean_name(hit.group("name"))
                break
        if name is None:
            hit = _BEFORE.search(before)
            if hit:
                name = _clean_name(hit.group("name") or hit.group("source"))
        if name is None and last_speaker and _continues(text[last_end : match.start()]):
            name = last_speaker
        speaker = _full_name(name, text) if name else None
        found.append(Quote(words, speaker, match.start(1), match.end(1)))
        last_speaker, last_end = speaker, match.end()
        if len(found) == MAX_QUOTES:
            break
    return tuple(found)


def _continues(between: str) -> bool:
    """Whether the text between two quotes is just one short attribution sentence."""
    return "\n" not in between and len(between) < 120


def is_statement(quote: Quote) -> bool:
    """Long enough to be a statement someone made, not a quoted phrase."""
    return len(quote.text.split()) >= STATEMENT_WORDS
