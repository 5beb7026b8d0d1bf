"""Coverage over time: match counts per day, week, month or year, and the bars that draw them.

Pure: day counts in, frozen dataclasses out (no Whoosh, no Flask). The engine counts the
matches per publication day; this module picks the interval from the span, fills the empty
periods (so the time axis is even), and lays out the SVG bars the results page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# The interval is the finest that keeps the chart readable: at most ~60 daily bars, ~105
# weekly bars (two years), 240 monthly bars (twenty years); beyond that, years.
DAY_SPAN = 62
WEEK_SPAN = 2 * 366
MONTH_SPAN = 20 * 366

CHART_WIDTH = 600  # SVG user units; the page stretches the picture to the column width
CHART_HEIGHT = 100


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # the last day inside the period
    count: int


@dataclass(frozen=True)
class DateHistogram:
    interval: str  # "day", "week" (Monday to Sunday), "month" or "year"
    buckets: tuple[Bucket, ...]  # every period from the first match to the last, even empty
    undated: int  # matches without a usable publication date (not in any bucket)

    @property
    def dated(self) -> int:
        return sum(b.count for b in self.buckets)

    @property
    def peak(self) -> int:
        return max((b.count for b in self.buckets), default=0)


@dataclass(frozen=True)
class Bar:
    bucket: Bucket
    x: float
    y: float
    width: float
    height: float


def parse_day(value: str | None) -> date | None:
    """The date of an ISO 8601 date or date-time ("2025-07-12T09:00+02:00" -> 2025-07-12)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def histogram(day_counts: Mapping[date | None, int]) -> DateHistogram:
    """Counts per period for counts per day (the None key counts the undated matches)."""
    undated = day_counts.get(None, 0)
    days = {day: n for day, n in day_counts.items() if day is not None and n}
    if not days:
        return DateHistogram("day", (), undated)
    first, last = min(days), max(days)
    interval = pick_interval((last - first).days)
    counts: dict[date, int] = {}
    for day, n in days.items():
        start = period_start(day, interval)
        counts[start] = counts.get(start, 0) + n
    buckets = []
    start = period_start(first, interval)
    while start <= last:
        end = period_end(start, interval)
        buckets.append(Bucket(start, end, counts.get(start, 0)))
        if end == date.max:
            break
        start = end + timedelta(days=1)
    return DateHistogram(interval, tuple(buckets), undated)


def pick_interval(span_days: int) -> str:
    if span_days <= DAY_SPAN:
        return "day"
    if span_days <= WEEK_SPAN:
        return "week"
    if span_days <= MONTH_SPAN:
        return "month"
    return "year"


def period_start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if interval == "month":
        return day.replace(day=1)
    if interval == "year":
        return day.replace(month=1, day=1)
    return day


def period_end(start: date, interval: str) -> date:
    """The last day of the period that begins on `start`."""
    if interval == "week":
        return start + timedelta(days=6) if start <= date.max - timedelta(days=6) else date.max
    if interval == "month":
        if start.year == date.max.year and start.month == 12:
            return date.max  # the month after would be in year 10000
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - timedelta(days=1)
    if interval == "year":
        return start.replace(month=12, day=31)
    return start


def bars(hist: DateHistogram, width: float = CHART_WIDTH, height: float = CHART_HEIGHT):
    """One bar per non-empty period, in SVG user units (y grows downwards)."""
    if not hist.buckets:
        return []
    slot = width / len(hist.buckets)
    gap = 1 if slot > 4 else 0  # a hairline between bars while they are wide enough
    out = []
    for i, bucket in enumerate(hist.buckets):
        if not bucket.count:
            continue
        # At least 2 units tall, so a single article still shows beside a peak of hundreds.
        tall = max(2.0, height * bucket.count / hist.peak)
        out.append(Bar(bucket, round(i * slot, 2), round(height - tall, 2), slot - gap, tall))
    return out


def label(bucket: Bucket, interval: str) -> str:
    """How a period is named to a reader: "2025-07-12", "week of 2025-07-07", "July 2025"."""
    if interval == "week":
        return f"week of {bucket.start.isoformat()}"
    if interval == "month":
        return bucket.start.strftime("%B %Y")
    if interval == "year":
        return str(bucket.start.year)
    return bucket.start.isoformat()
