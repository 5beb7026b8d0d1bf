"""Writers' names from byline strings: people only, tidied, one spelling. Pure.

A byline holds more than names: "By MATTHEW LEE, Associated Press Writer", "By A and B, CNN",
"Sarah Gooding March 9, 2017", "Follow @erinmcunningham". What is kept is a person's name in
normal case; roles, outlets, dates, places and handles are cut, and an agency credit with no
person ("By Associated Press") is the outlet's, not an author.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .outlets import agency_name, outlet_key

_BY = re.compile(
    r"^\s*(?:(?:written|posted|reported|words|text)\s+)?(?:by|par|por|von|di|door)\b\s*:?\s*", re.I
)
# Between names: commas, "and" in a few languages, "with" ("Martin Untersinger (avec ...)").
_SPLIT = re.compile(
    r"\s*(?:[,;|&/()]|\s(?:and|und|et|y|with|avec|mit|con|en)\s|\s[-–—•·]\s)\s*", re.IGNORECASE
)
_CONNECTOR = re.compile(r"^(?:and|und|et|y|with|avec|mit|con|en)\s+", re.IGNORECASE)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# A date or time glued after a name ("Jeff FoustMonday, November 18", "Sarah Gooding March 9")
# ends the name. Months are only cut when a figure follows, so "April Ryan" stays a name.
# A weekday ends a name only before a date ("Joe Friday" is a name, "Joe Smith Friday, 3 May"
# is not); glued to the name ("FoustMonday") it must be written with its capital.
_GLUED = "|".join(w.capitalize() for w in f"{_WEEKDAYS}|{_MONTHS}".split("|"))
_TAIL = re.compile(
    rf"(?:(?<=[a-z])(?=(?-i:{_GLUED})\b)"
    rf"|\s+(?=(?:{_WEEKDAYS}),?\s+(?:\d|(?:{_MONTHS})\b|the\b))"
    rf"|\s+(?=(?:{_MONTHS})\.?\s+\d)|\s*(?=\d)|\s+(?:on|at|updated|published)\s.*$)",
    re.IGNORECASE,
)
# Without "and" between them, the parts after a comma are a role, a place or an outlet
# ("By Jane Doe, Los Angeles", "By MATTHEW LEE, Associated Press Writer"), not more people.
_CONJUNCTION = re.compile(r"\s(?:and|und|et|y|with|avec|mit|con|en)\s|&", re.IGNORECASE)
# Words that make a byline part a role, a section or a label rather than a person.
_NOT_NAME_WORDS = {
    "staff", "writer", "writers", "reporter", "reporters", "editor", "editors", "editorial",
    "correspondent", "contributor", "contributing", "columnist", "author", "authors", "about",
    "team", "desk", "news", "service", "services", "wire", "press", "view", "opinion", "follow",
    "more", "posts", "comments", "commented", "said", "says", "sources", "multiple",
    "guest", "admin", "administrator", "unknown", "anonymous", "user", "username", "design",
    "photos", "photo", "video", "special", "health", "sport", "sports", "business", "politics",
    "technology", "tech", "world", "national", "local", "international", "games", "senior",
    "chief", "associate", "deputy", "managing", "executive", "producer", "journaliste",
    "redaktion", "rédaction", "staffers", "newsroom", "bureau", "agency", "agencies",
}  # fmt: skip
_NOT_NAMES = set(_WEEKDAYS.split("|")) | set(_MONTHS.split("|")) - {"may", "june", "april"}
_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "del", "al", "bin", "la", "le",
              "ibn", "ter", "ten", "dos", "das", "y", "e"}  # fmt: skip


def person_names(raw: Iterable[str], outlet: str | None = None) -> list[str]:
    """The people named in byline strings, in order, each once."""
    seen: dict[str, str] = {}
    for value in raw:
        for name in split_byline(value, outlet):
            seen.setdefault(_dedupe_key(name), name)
    return list(seen.values())


def is_credit(value: str) -> bool:
    """True for a byline that credits no person: an agency, "Staff", "Our Foreign Staff"."""
    value = _BY.sub("", " ".join(value.split()))
    if agency_name(value):
        return True
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", value)}
    return bool(words & {"staff", "desk", "reporters", "wire", "services", "team", "newsroom"})


def split_byline(value: str, outlet: str | None = None) -> list[str]:
    """The people in one byline string ("By A and B, CNN" -> ["A", "B"])."""
    value = " ".join((value or "").split())
    if not value or re.match(r"^(?:https?:|www\.)", value, re.IGNORECASE):
        return []  # article:author is often a profile URL
    if outlet and outlet_key(value) == outlet_key(outlet):
        return []  # "Mac & i" as the creator of a Mac & i page
    value = _TAIL.split(_BY.sub("", value), maxsplit=1)[0]
    if not _CONJUNCTION.search(value):
        value = value.split(",")[0]
    names = []
    for part in _SPLIT.split(value):
        part = _TAIL.split(part, maxsplit=1)[0]
        part = _BY.sub("", part).strip(" .:-–—•·'\"")
        part = _CONNECTOR.sub("", part)  # "(avec Damien Leloup": the split left "avec" on
        part = re.sub(r"\s+\(.*$|\s*@\S*$", "", part)  # "(rhymes with sketch)", "@handle"
        if is_person(part, outlet):
            names.append(normal_case(part))
    return names


def is_person(name: str, outlet: str | None = None) -> bool:
    """A plausible person's name: two to five capitalised words, or one in a byline of few."""
    words = name.split()
    if not words or len(words) > 5 or len(name) > 60:
        return False
    if re.search(r"[\d@:#/=]|\w\.(?:com|org|net|co|uk|de|fr)\b", name, re.IGNORECASE):
        return False
    lowered = {w.casefold().strip(".,'’") for w in words}
    if lowered & _NOT_NAME_WORDS or (len(words) == 1 and lowered & _NOT_NAMES):
        return False
    if agency_name(name):
        return False  # an agency is an outlet, not a writer
    if outlet and _same_as_outlet(name, outlet):
        return False
    # every word starts with a capital (particles aside); a handle like "devindra" does not
    if not all(w[0].isupper() or w.casefold() in _PARTICLES or not w[0].isalpha() for w in words):
        return False
    return not (len(words) == 1 and name.isupper())  # "MS", "RDN", a login like "KWCHCIK"


def _same_as_outlet(name: str, outlet: str) -> bool:
    key, site = outlet_key(name), outlet_key(outlet)
    if not key or not site:
        return False
    if key == site or (len(key) >= 4 and (key in site or site in key)):
        return True
    # "Telegraph View" on a Telegraph page: a word of the outlet's own name
    site_words = {w.casefold() for w in re.findall(r"\w{4,}", outlet)} - {"news", "times", "daily"}
    return bool(site_words & {w.casefold() for w in name.split()})


def normal_case(name: str) -> str:
    """A name written in capitals in normal case: "SARAH LYALL" -> "Sarah Lyall"."""
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), name.lower())


def _dedupe_key(name: str) -> str:
    return re.sub(r"\W+", "", name.casefold())
