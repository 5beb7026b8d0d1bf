"""Publication dates, never guessed: from a page's markup (htmldate), a text's head, a URL.

Pure: strings in, an ISO 8601 date (or date-time with offset, when the source gives one) or
None out. A wrong date is worse than none, so a date is refused when it lies in the future
or before 1900, and left out when the evidence disagrees with itself. The file's mtime and the
build time are never used.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta

EARLIEST = date(1900, 1, 1)
# htmldate logs every page it finds no date on; that is no news to a build.
logging.getLogger("htmldate").setLevel(logging.ERROR)


def plausible(day: date, today: date | None = None) -> bool:
    """Not before 1900 and not in the future (a day's grace for time zones)."""
    today = today or datetime.now(UTC).date()
    return EARLIEST <= day <= today + timedelta(days=1)


def html_date(html: str, markup: str | None = None, url: str | None = None) -> str | None:
    """The original publication date of an HTML page.

    `markup` is what our own reading of the page found: the date its byline shows, else its
    publication meta tags and JSON-LD. It is taken when plausible; htmldate (meta tags,
    JSON-LD, the URL and the visible text, asking for the original date) fills in when the
    page has none. Measured on the judged sample (bench/metadata.py), htmldate alone took
    four pages' printed or update dates instead (07/30 from a URL, a US 05/08 read as 5
    August, an "Updated" line), which the byline date or the markup got right.
    """
    if markup:
        try:
            if plausible(date.fromisoformat(markup[:10])):
                return markup
        except ValueError:
            pass
    import htmldate  # on first use: 0.2 s of every command's start-up, for HTML only

    try:
        found = htmldate.find_date(
            html,
            original_date=True,
            extensive_search=True,
            outputformat="%Y-%m-%d",
            url=url,
            min_date=EARLIEST.isoformat(),
        )
    except Exception:  # noqa: BLE001 - a third-party parser on hostile input: no date
        found = None
    if not found or not plausible(date.fromisoformat(found)):
        return None
    return found


# --- written dates -------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_ZONES = {"gmt": "+00:00", "utc": "+00:00", "z": "+00:00", "bst": "+01:00", "cet": "+01:00",
          "cest": "+02:00", "est": "-05:00", "edt": "-04:00", "cst": "-06:00", "cdt": "-05:00",
          "mst": "-07:00", "mdt": "-06:00", "pst": "-08:00", "pdt": "-07:00"}  # fmt: skip
_TIME = (
    r"(?:\s*(?:,|at|-|–|\|)?\s*(?P<hour>[0-2]?\d)[:.](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<zone>" + "|".join(_ZONES) + r"|[+-]\d{2}:?\d{2})?\b)?"
)
# Each shape of a written date; numeric ones only where the order is not in doubt.
_SHAPES = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b{_TIME}", re.IGNORECASE),  # July 12, 2025
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b{_TIME}", re.IGNORECASE),  # 12 July
    re.compile(rf"\b{_DAY}-{_MONTH}-{_YEAR}\b{_TIME}", re.IGNORECASE),  # 26-FEB-1987 (wire)
    re.compile(
        r"\b(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
        r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?(?:\.\d+)?"
        r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?)?",
        re.IGNORECASE,
    ),
    # 12.07.2025 is day first wherever dots are written
    re.compile(rf"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.{_YEAR}\b{_TIME}", re.IGNORECASE),
    # 07/12/2025 is read either way: only taken when one number is over 12
    re.compile(rf"\b(?P<first>[0-3]?\d)/(?P<second_>[0-3]?\d)/{_YEAR}\b{_TIME}", re.IGNORECASE),
]


def parse_written_date(text: str) -> str | None:
    """The one date written in a short string ("Published 12 July 2025"), or None.

    None too when the string holds two different dates, or one whose order is in doubt.
    """
    found = {value for value, _, _ in _dates_in(text)}
    return found.pop() if len(found) == 1 else None


def _dates_in(text: str) -> list[tuple[str, int, int]]:
    """Every date written in the text, with where it starts and ends; ambiguous ones left out."""
    out: list[tuple[str, int, int]] = []
    taken: list[range] = []
    for shape in _SHAPES:
        for match in shape.finditer(text):
            if any(match.start() in span for span in taken):
                continue  # "2025-07-12" is not also "07-12" of another shape
            value = _value(match)
            if value is not None:
                out.append((value, match.start(), match.end()))
                taken.append(range(match.start(), match.end()))
    return sorted(out, key=lambda item: item[1])


def _value(match: re.Match) -> str | None:
    parts = match.groupdict()
    try:
        year = int(parts["year"])
        if "first" in parts and parts["first"] is not None:
            a, b = int(parts["first"]), int(parts["second_"])
            if a > 12 >= b:
                day, month = a, b
            elif b > 12 >= a:
                day, month = b, a
            elif a == b:
                day = month = a
            else:
                return None  # 07/12/2025: July 12 or 7 December
        else:
            raw = parts["month"]
            month = int(raw) if raw.isdigit() else _MONTHS[raw.lower().rstrip(".")]
            day = int(parts["day"])
        day_ = date(year, month, day)
    except (ValueError, KeyError):
        return None
    if not plausible(day_):
        return None
    return _with_time(day_, parts)


def _with_time(day: date, parts: dict) -> str:
    """The date, or the date-time with offset when a time and a zone are written."""
    zone = (parts.get("zone") or "").lower()
    if parts.get("hour") is None or not zone:
        return day.isoformat()  # a time without a zone cannot be placed: the date only
    hour = int(parts["hour"])
    ampm = (parts.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    offset = _ZONES.get(zone) or f"{zone[:3]}:{zone[-2:]}"
    try:
        stamp = datetime.fromisoformat(
            f"{day.isoformat()}T{hour:02d}:{parts['minute']}:{parts.get('second') or '00'}{offset}"
        )
    except ValueError:
        return day.isoformat()
    return stamp.isoformat(timespec="seconds")


# --- dates in a text file ------------------------------------------------------------------

# Only the head of a text is read: the headline, the byline and the dateline sit there, and
# a date further down is what the story is about.
HEAD_LINES = 12
# A byline or a date line is short; a sentence with a date in it is news, not a date line.
SHORT_LINE = 15
_UPDATED = re.compile(r"\b(?:updated|modified|last edited|edited|amended)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"\b(?:published|posted|first published|date|dated)\b", re.IGNORECASE)
# "WASHINGTON, July 12 (Reuters) -", "LONDON (AP) —": a place in capitals, then the date
_DATELINE = re.compile(r"^[A-Z][A-Z .'’/-]{2,40},?\s")
# "Feb. 23, 2015 -- Life-threatening peanut allergies...": a paragraph opening on its date
_LEADING_DATE = re.compile(r"^[\w .,]{6,30}?\d{4}\s*(?:--|—|–|-)\s")


def text_date(text: str, url: str | None = None, updates: bool = True) -> str | None:
    """The publication date written near a text's headline or byline, else in its URL.

    A line is read for dates when it is short (a byline, a date line) or starts with a
    dateline; a long paragraph's dates are events, not the publication. "Updated ..." is
    taken only when nothing else is there; two different dates leave the date empty.
    """
    published: list[str] = []
    updated: list[str] = []
    for line in _head(text):
        words = len(line.split())
        if words > SHORT_LINE and not (_DATELINE.match(line) or _LEADING_DATE.match(line)):
            continue
        scope = line if words <= SHORT_LINE else line[:80]
        previous_end = 0
        for value, start, end in _dates_in(scope):
            # the words since the previous date say what this one is: "| Updated 3 May"
            label = scope[max(previous_end, start - 40) : start]
            is_update = _UPDATED.search(label) and not _PUBLISHED.search(label)
            (updated if is_update else published).append(value)
            previous_end = end
    for found in (published, updated) if updates else (published,):
        days = {value[:10] for value in found}
        if len(days) == 1:
            return max(found, key=len)  # the date-time, when one of them has the time
        if len(days) > 1:
            return None  # two dates near the headline: which one is the publication?
    return url_date(url)


def shown_date(texts: list[str]) -> str | None:
    """The publication date written in a page's byline or date line, as a reader sees it;
    "Updated ..." alone is not taken (the first publication is wanted)."""
    return text_date("\n".join(texts), updates=False)


def _head(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[:HEAD_LINES]


_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d{2})[/-](?P<month>[01]?\d)[/-](?P<day>[0-3]?\d)(?=[/._-]|$)"
    r"|/(?P<year2>(?:19|20)\d{2})(?P<month2>[01]\d)(?P<day2>[0-3]\d)(?=[/._-])"
)


def url_date(url: str | None) -> str | None:
    """The date in a URL's path (/2025/07/12/, /2025-07-12-, /20250712/), or None."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    parts = match.groupdict()
    try:
        day = date(
            int(parts["year"] or parts["year2"]),
            int(parts["month"] or parts["month2"]),
            int(parts["day"] or parts["day2"]),
        )
    except ValueError:
        return None
    return day.isoformat() if plausible(day) else None
