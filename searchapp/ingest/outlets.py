"""Outlet names: one key per outlet, news agencies by their own name, wire credits. Pure.

"AP", "The Associated Press" and "Associated Press" are one outlet; so are "the Guardian" and
"The Guardian". `outlet_key` says when two spellings are one outlet, and the build keeps the
spelling most of the corpus uses (see `one_spelling`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# News agencies, by the spellings their credits use; the value is the name shown.
_AGENCIES = {
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "upi": "UPI",
    "united press international": "UPI",
    "dpa": "dpa",
    "deutsche presse-agentur": "dpa",
    "efe": "EFE",
    "ansa": "ANSA",
    "pa": "PA Media",
    "press association": "PA Media",
    "pa media": "PA Media",
    "xinhua": "Xinhua",
    "kyodo": "Kyodo News",
    "kyodo news": "Kyodo News",
    "yonhap": "Yonhap",
    "tass": "TASS",
    "ria novosti": "RIA Novosti",
    "bloomberg": "Bloomberg",
    "cnn": "CNN",
}
# "Associated Press Writer", "AP Photo": the agency's name with a role after it
_AGENCY_ROLE = re.compile(r"\s+(?:writers?|reporters?|correspondents?|staff|news|photo)$", re.I)


def agency_name(text: str) -> str | None:
    """The agency's name when the text is only an agency credit ("By The AP"), else None."""
    key = " ".join(text.casefold().replace("by ", " ", 1).split()).strip(" .()")
    key = _AGENCY_ROLE.sub("", key)
    return _AGENCIES.get(key)


def outlet_key(name: str | None) -> str:
    """A key equal for every spelling of one outlet: case, "The", spaces, ".com" aside."""
    if not name:
        return ""
    agency = agency_name(name)
    if agency:
        name = agency
    key = name.casefold().strip()
    key = re.sub(r"^the\s+", "", key)
    key = re.sub(r"\.(?:com|co\.uk|org|net|fr|de|cz|es|it)$", "", key)
    return re.sub(r"[\W_]+", "", key)


def one_spelling(outlets: Iterable[str | None]) -> dict[str, str]:
    """key -> the spelling the corpus uses most for that outlet (ties: the longer spelling,
    which keeps "The" and accents), agencies by their own name."""
    counts: Counter[str] = Counter(o for o in outlets if o)
    best: dict[str, str] = {}
    for spelling, count in counts.items():
        key = outlet_key(spelling)
        shown = agency_name(spelling) or spelling
        current = best.get(key)
        if current is None or (count, len(shown)) > (counts.get(current, 0), len(current)):
            best[key] = shown
    return best


# Wire credits at the start or end of a story's text: "(CNN) —", "HONOLULU (AP) —",
# "WASHINGTON, July 12 (Reuters) -", "— Reuters", "(AFP)".
_OPENING_CREDIT = re.compile(
    r"^(?:[A-ZÀ-Ý][A-ZÀ-Ý.'’/ -]{1,40}(?:,\s*[\w. ]{3,20})?\s+)?"
    r"\((?P<outlet>[A-Z][\w .&-]{0,30})\)\s*[—–-]"
)
_CLOSING_CREDIT = re.compile(r"(?:^|\s)[—–-]\s*(?P<outlet>[A-Z][\w .&-]{1,30}?)\s*\.?$")


def wire_credit(first: str, last: str = "") -> str | None:
    """The outlet a dateline or a closing credit names, when it is a known agency or the
    opening "(Name) —" form; a closing "— Name" counts only for agencies (it is often a quote)."""
    if m := _OPENING_CREDIT.match(first.strip()):
        name = m["outlet"].strip()
        return agency_name(name) or name
    if last and (m := _CLOSING_CREDIT.search(last.strip())):
        return agency_name(m["outlet"].strip())
    return None
