"""Where the article ends: the first end-of-article marker after most of its prose. Pure.

The best-scoring run of prose (clean._main_region) runs on into what follows a story,
because teasers, author bios and comment threads are prose too. Sites mark that tail with
a heading or a form: "34 Comments", "Leave a reply", "More on this topic", "Mehr zum
Thema", a share row, a tag list, a copyright line. Such a marker ends the article once
enough of the article's prose lies before it; a marker near the top (a "3 comments" link
under the headline, a share row above the first paragraph) does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import markers

# Markers that only ever open the tail: readers' comments and the author's bio.
STRONG = (markers.COMMENTS, markers.AUTHOR_BIO)
# Markers that also turn up inside or above a story: lists of links, shares, tags, ©.
WEAK = (markers.RELATED, markers.TAGS, markers.COPYRIGHT, markers.SHARE, markers.POST_FOOTER)

# Prose words that must come before any marker for it to end an article: below that, a
# marker is page header ("0 comments" above a short post).
MIN_WORDS_BEFORE = 60
# Share of the run's prose that must come before a marker: a weak marker ends the article
# only after most of it, a strong one after a third (a long comment thread can outweigh
# the story in the run, so "most" would miss it). 0.35 beat 0.2 and 0.5 on Dragnet (0.801
# vs 0.798 and 0.801) and tied on the other two sets; a weak share of 0.65 gained 0.006
# on the benchmark but lost 0.002 on Dragnet.
WEAK_SHARE = 0.5
STRONG_SHARE = 0.35
MAX_MARKER_WORDS = 12

_STRONG = [re.compile(p, re.IGNORECASE) for p in STRONG]
_WEAK = [re.compile(p, re.IGNORECASE) for p in WEAK]


def marker_strength(block: str, words: int) -> str | None:
    """ "strong", "weak" or None: how surely this short block opens the tail."""
    if words > MAX_MARKER_WORDS:
        return None
    if any(p.search(block) for p in _STRONG):
        return "strong"
    if any(p.search(block) for p in _WEAK):
        return "weak"
    return None


def article_end(
    prose_words: Sequence[int],
    strength: Sequence[str | None],
    span: tuple[int, int],
    comments_from: int | None = None,
) -> int | None:
    """Index of the block that ends the article (the marker), or None when none does.

    `prose_words[i]` is block i's prose weight (0 for non-prose), `strength[i]` its marker
    strength, `span` the run of prose found, `comments_from` where comments begin.
    """
    start, stop = span
    total = sum(prose_words[start : stop + 1])
    before = 0
    for i in range(start, len(prose_words)):
        kind = "strong" if i == comments_from else strength[i]
        if kind is not None and before >= MIN_WORDS_BEFORE:
            share = STRONG_SHARE if kind == "strong" else WEAK_SHARE
            if before >= share * total:
                return i
        before += prose_words[i]
    return None


# A line that separates a lead from the body without ending the article: a date, a time,
# "Updated 3 hours ago", "Skip to content". Such a line costs the run nothing.
_MONTH = (
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|okt"
    r"|dez|janv|févr|mars|avr|juin|juil|août|sept|déc|ene|abr|ago|dic|gen|mag|giu|lug|set|ott"
    r"|fev|out|dez|mrt|mei|okt|sty|lut|kwi|maj|cze|lip|sie|wrz|paź|lis|gru"
)
_DATE_LINE = re.compile(
    rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b(?:{_MONTH})[a-zé]*\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+(?:{_MONTH})[a-zéä]*\b"
    r"|\b\d{1,2}:\d{2}\b|\b(?:updated|published|posted|aktualisiert|veröffentlicht|publié"
    r"|mis à jour|publicado|actualizado|pubblicato|aggiornato|atualizado|gepubliceerd"
    r"|bijgewerkt|opublikowano|aktualizacja)\b",
    re.IGNORECASE,
)
_SKIP = re.compile(
    r"^(?:skip to (?:main )?content|zum inhalt springen|aller au contenu"
    r"|saltar al contenido|vai al contenuto|ir para o conteúdo|naar de inhoud|przejdź do treści)",
    re.IGNORECASE,
)


def lead_separator(block: str, words: int) -> bool:
    """A date, time or skip-link line: between a lead and the body, it splits nothing."""
    return words <= 12 and bool(_DATE_LINE.search(block) or _SKIP.match(block))
