"""Headlines without the site's name: pick the marked-up headline, strip site and section
parts from a <title>. Pure.

"Headline | Site", "Site > Section > Headline", "Site - Headline", "Headline - Site",
"Headline | Author | Section | Site". A part is the site's when it names the outlet, the
URL's host, or is what is left of the <title> once the page's own headline is taken out;
a headline that really holds a dash or a pipe ("Spider-Man - the musical") keeps it,
since neither side names the site.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from .outlets import outlet_key

# Separators between a headline and the site's parts: spaced bars, dashes, arrows, colons.
_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|>|/)\s+|\s*\|\s*|\s+:\s+|:\s+(?=[A-Z])")
# A section label: a few words, no sentence punctuation or figures ("Environment", "Film").
_SECTION = re.compile(r"^[^\W\d][\w&' -]{0,30}$")


def split_parts(title: str) -> list[tuple[str, str]]:
    """[(separator before, part)] of a <title>, separators as written; the first is ""."""
    parts: list[tuple[str, str]] = []
    last = 0
    before = ""
    for match in _SEPARATOR.finditer(title):
        parts.append((before, title[last : match.start()].strip()))
        before, last = match.group(), match.end()
    parts.append((before, title[last:].strip()))
    return [(sep, text) for sep, text in parts if text] or [("", title.strip())]


def host_labels(url: str | None) -> list[str]:
    """The names in a URL's host that can be a site's ("nytimes" of www.nytimes.com)."""
    host = urlsplit(url or "").hostname or ""
    skip = {"www", "com", "org", "net", "co", "uk", "news", "blog", "blogs", "amp", "m"}
    return [label for label in host.split(".") if len(label) >= 2 and label not in skip]


def names_site(part: str, outlet: str | None, url: str | None, known: Iterable[str] = ()) -> bool:
    """True when a title part is the site's name: the outlet, the host, a known site part."""
    key = outlet_key(part)
    if not key:
        return False
    for name in [outlet or "", *known]:
        other = outlet_key(name)
        if other and (key == other or (len(key) >= 4 and (key in other or other in key))):
            return True
    words = [w for w in re.findall(r"[^\W_]+", part.casefold()) if w != "the"]
    initials = "".join(w[0] for w in words)
    shortened = "".join(w[0] for w in words[:-1]) + (words[-1] if words else "")
    for label in host_labels(url):
        # "nytimes" for The New York Times, "wsj" for The Wall Street Journal
        if label == key or (len(label) >= 4 and (label in key or key in label)):
            return True
        if len(words) >= 2 and label in (initials, shortened):
            return True
    return False


def strip_site(
    title: str,
    outlet: str | None = None,
    url: str | None = None,
    people: Sequence[str] = (),
    known: Iterable[str] = (),
) -> tuple[str, str | None]:
    """The headline of a <title> and the site part taken off it (None when none was).

    Site parts come off either end; a section or a writer's name between the site part and
    the headline goes with it ("Headline | Author | Section | Site").
    """
    known = list(known)
    parts = split_parts(title)
    if len(parts) == 1:
        return title.strip(), None
    people_keys = {outlet_key(p) for p in people if p}
    site: str | None = None
    cut = ""  # the separator before the last part cut from the end
    while len(parts) > 1:
        (sep, end), start = parts[-1], parts[0][1]
        if names_site(end, outlet, url, known) or outlet_key(end) in people_keys:
            site = site or (end if outlet_key(end) not in people_keys else None)
            parts, cut = parts[:-1], sep.strip()
        elif names_site(start, outlet, url, known):
            site = site or start
            parts = [("", parts[1][1]), *parts[2:]]
        elif cut and sep.strip() == cut and _SECTION.match(end) and len(end.split()) <= 3:
            # "Headline | Section | Site"; "Headline - review | Site" keeps its "- review"
            parts = parts[:-1]  # the section between headline and site part
        else:
            break
    return join_parts(parts), site


def join_parts(parts: list[tuple[str, str]]) -> str:
    """The title again from split_parts() output (with some parts left out)."""
    return "".join(sep + part for sep, part in parts).strip()


def choose_headline(
    h1s: Sequence[str], marked: Sequence[str], outlet: str | None = None
) -> str | None:
    """The page's <h1> that agrees with the titles it marks up (og:title, JSON-LD, <title>).

    A reader writes down the headline shown; a page's h1 can also be its logo or a section
    ("Engadget", "Allergies Health Center"), so an h1 counts only when at least half of its
    words are in the marked-up titles.
    """
    reference = Counter(w for text in marked for w in set(_words(text)))
    # a part of a title beside a longer one is the site's name ("Silicon Exposed: Open
    # Verilog flow for ..."), however well its words match
    site_parts = {outlet_key(part) for text in marked for part in _shorter_parts(text)}
    best, best_share = None, 0.0
    for h1 in h1s:
        words = _words(h1)
        if len(words) < 2 or (outlet and outlet_key(h1) == outlet_key(outlet)):
            continue
        if outlet_key(h1) in site_parts:
            continue
        share = sum(1 for w in words if reference[w]) / len(words)
        if share > best_share:
            best, best_share = h1, share
    return best if best_share >= 0.5 else None


def _shorter_parts(title: str) -> list[str]:
    """Parts of a title that stand beside a longer headline: a blog's or a site's name.

    A part counts when the rest of the title is a headline-length run of at least five
    words; "Budget agreed - Gazette of Nowhere" has no such part, since either side may be
    the story.
    """
    parts = [part for _, part in split_parts(title)]
    if len(parts) < 2:
        return []
    longest = max(parts, key=lambda part: len(part.split()))
    if len(longest.split()) < 5:
        return []
    return [part for part in parts if part is not longest]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold().replace("’", "'"))


# --- corpus-level evidence ------------------------------------------------------------------


def repeated_affixes(titles: Iterable[str], min_pages: int = 3, min_share: float = 0.3) -> set[str]:
    """Title parts that start or end many titles of one site: the site's, not a story's.

    `titles` are the titles of one outlet's (or host's) pages. A part counts when it is at
    the same end of at least `min_pages` titles and `min_share` of them.
    """
    titles = list(titles)
    ends: Counter[str] = Counter()
    for title in titles:
        parts = split_parts(title)
        if len(parts) > 1:
            ends.update({parts[0][1], parts[-1][1]})
    need = max(min_pages, min_share * len(titles))
    return {part for part, count in ends.items() if count >= need}
