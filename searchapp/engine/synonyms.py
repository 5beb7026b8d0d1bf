"""A synonyms file, applied at query time: each group's words and phrases find each other.

The format, one group per line, its entries separated by commas; `#` starts a comment:

    # mobile phones
    cellphone, cell phone, mobile phone
    UN, United Nations

A query that holds an entry as whole words (outside quotes, any case) searches the group
instead: `mobile phone prices` runs as
`((mobile AND phone) OR cellphone OR "cell phone") prices`: the words as typed keep their
meaning, and the group's other multi-word entries are phrases. None is shipped: compounds
(compounds.py) are learned from the corpus, and no hand list was measured better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import SearchappError
from .analysis import WORD_PATTERN, fold_typography, fold_word, is_stop_word

MAX_GROUPS = 10_000
MAX_ENTRY_WORDS = 5

_QUOTED = re.compile(r'("[^"]*")')


class SynonymsError(SearchappError, ValueError):
    """The synonyms file cannot be read at all (missing, not UTF-8, too large)."""


@dataclass(frozen=True)
class Synonyms:
    """Entry (folded words) -> its group's entries; `problems` are the lines skipped."""

    groups: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def rewrite(self, text: str, match: str = "all") -> str:
        """The query with each entry found outside quotes replaced by its OR-ed group.

        The words as typed keep their meaning (all of them, or any, as `match` says);
        the group's other multi-word entries are phrases.
        """
        if not self.groups:
            return text
        parts = _QUOTED.split(fold_typography(text))
        joiner = " OR " if match == "any" else " AND "
        return "".join(p if p.startswith('"') else self._rewrite_part(p, joiner) for p in parts)

    def _rewrite_part(self, text: str, joiner: str) -> str:
        words = list(WORD_PATTERN.finditer(text))
        out, last, i = [], 0, 0
        while i < len(words):
            for size in range(min(MAX_ENTRY_WORDS, len(words) - i), 0, -1):
                run = words[i : i + size]
                key = tuple(fold_word(w.group()) for w in run)
                # Only a run of plain words: "title:un" or "un*" keep their own meaning.
                if key in self.groups and _plain(text, run):
                    out.append(text[last : run[0].start()])
                    typed = _as_typed(key, joiner)
                    others = [_as_query(e) for e in self.groups[key] if e != key]
                    out.append("(" + " OR ".join([typed, *others]) + ")")
                    last, i = run[-1].end(), i + size
                    break
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)


def _plain(text: str, run: list[re.Match]) -> bool:
    before = text[run[0].start() - 1 : run[0].start()]
    after = text[run[-1].end() : run[-1].end() + 1]
    between = text[run[0].start() : run[-1].end()]
    return before not in (":", "-") and after not in ("*", "?", "~", ":") and ":" not in between


def _as_typed(entry: tuple[str, ...], joiner: str) -> str:
    """The words as typed; a phrase if one is a stop word, which alone would be dropped."""
    if len(entry) == 1:
        return entry[0]
    if any(is_stop_word(word) for word in entry):  # "e mail": not just "mail"
        return _as_query(entry)
    return "(" + joiner.join(entry) + ")"


def _as_query(entry: tuple[str, ...]) -> str:
    return entry[0] if len(entry) == 1 else '"' + " ".join(entry) + '"'


def parse_synonyms(text: str) -> Synonyms:
    """Read the format above; a line with fewer than two entries is reported and skipped."""
    groups: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        entries = []
        for raw in line.split(","):
            words = tuple(fold_word(w) for w in WORD_PATTERN.findall(raw))
            if words and len(words) <= MAX_ENTRY_WORDS and words not in entries:
                entries.append(words)
        if len(entries) < 2:
            problems.append(f"line {number}: needs two or more entries separated by commas")
            continue
        if len(groups) >= MAX_GROUPS:
            problems.append(f"line {number}: more than {MAX_GROUPS} groups; the rest are ignored")
            break
        for entry in entries:  # an entry on two lines belongs to both groups
            merged = list(groups.get(entry, ()))
            groups[entry] = tuple(merged + [e for e in entries if e not in merged])
    return Synonyms(groups, tuple(problems))


def load_synonyms(path: Path) -> Synonyms:
    """Read a synonyms file; SynonymsError when it cannot be read at all."""
    try:
        if path.stat().st_size > 10_000_000:
            raise SynonymsError(f"{path}: larger than 10 MB")
        return parse_synonyms(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SynonymsError(f"{path}: {error}") from None
