"""The timeline: interval by span, even periods, bars; and its counts against the API's."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.timeline import Bucket, bars, histogram, label, parse_day, pick_interval

from .conftest import make_corpus

D = date.fromisoformat


@pytest.mark.parametrize(
    ("span", "interval"),
    [
        (0, "day"),
        (62, "day"),  # two months of days is ~60 bars
        (63, "week"),
        (732, "week"),  # two years of weeks is ~105 bars
        (733, "month"),
        (20 * 366, "month"),
        (20 * 366 + 1, "year"),
    ],
)
def test_interval_follows_the_span(span, interval):
    assert pick_interval(span) == interval


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2025-07-12", D("2025-07-12")),
        ("2025-07-12T23:30:00+02:00", D("2025-07-12")),  # the day as published, not UTC
        ("2025-07", None),
        ("", None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_parse_day(value, day):
    assert parse_day(value) == day


def test_days_fill_the_gaps():
    hist = histogram({D("2025-07-01"): 2, D("2025-07-04"): 1, None: 5})
    assert hist.interval == "day"
    assert [(b.start.day, b.count) for b in hist.buckets] == [(1, 2), (2, 0), (3, 0), (4, 1)]
    assert hist.undated == 5 and hist.dated == 3 and hist.peak == 2


def test_weeks_start_on_monday_and_end_on_sunday():
    hist = histogram({D("2025-01-01"): 1, D("2025-01-05"): 1, D("2025-05-01"): 3})
    assert hist.interval == "week"
    first = hist.buckets[0]
    assert (first.start, first.end, first.count) == (D("2024-12-30"), D("2025-01-05"), 2)
    assert all((b.end - b.start).days == 6 for b in hist.buckets)
    assert hist.buckets[-1].start == D("2025-04-28") and hist.buckets[-1].count == 3
    assert hist.dated == 5


def test_months_cross_the_year():
    hist = histogram({D("2024-11-15"): 1, D("2027-02-01"): 1})
    assert hist.interval == "month"
    assert len(hist.buckets) == 28
    december = hist.buckets[1]
    assert (december.start, december.end) == (D("2024-12-01"), D("2024-12-31"))
    assert hist.buckets[-1].end == D("2027-02-28")


def test_years_for_a_long_archive():
    hist = histogram({D("1990-03-01"): 4, D("2025-03-01"): 1})
    assert hist.interval == "year" and len(hist.buckets) == 36
    assert hist.buckets[0] == Bucket(D("1990-01-01"), D("1990-12-31"), 4)


def test_no_dates_is_an_empty_histogram():
    hist = histogram({None: 3})
    assert hist.buckets == () and hist.undated == 3 and bars(hist) == []


@pytest.mark.parametrize("first", ["1900-01-01", "9998-01-01", "9999-10-01", "9999-12-01"])
def test_the_far_future_does_not_overflow(first):
    hist = histogram({D("9999-12-31"): 1, D(first): 1})
    assert hist.buckets[-1].end == date.max and hist.dated == 2


def test_bars_scale_to_the_peak_and_skip_empty_periods():
    hist = histogram(Counter({D("2025-07-01"): 100, D("2025-07-02"): 1, D("2025-07-04"): 50}))
    drawn = bars(hist, width=400, height=100)
    assert [b.bucket.start.day for b in drawn] == [1, 2, 4]
    tallest, tiny, half = drawn
    assert (tallest.y, tallest.height) == (0, 100)
    assert tiny.height == 2  # still visible beside the peak
    assert half.height == 50 and half.x == 300 and half.width == 99


def test_labels():
    week = Bucket(D("2025-07-07"), D("2025-07-13"), 1)
    assert label(week, "week") == "week of 2025-07-07"
    assert label(Bucket(D("2025-07-01"), D("2025-07-31"), 1), "month") == "July 2025"
    assert label(Bucket(D("2025-01-01"), D("2025-12-31"), 1), "year") == "2025"
    assert label(Bucket(D("2025-07-12"), D("2025-07-12"), 1), "day") == "2025-07-12"


# The engine and the pages: a dated corpus over three months, two outlets, one undated.
def dated_corpus() -> dict:
    articles = {}
    for n in range(40):
        day = date(2025, 1, 6) + timedelta(days=(n * 37) % 90)  # spread over ~13 weeks
        outlet = "Coast News" if n % 3 else "Port Daily"
        articles[f"a{n:02d}"] = f"Harbour item {n}\n\nThe harbour story number {n}.\n"
        articles[f"a{n:02d}.json"] = {
            "title": f"Harbour item {n}",
            "outlet": outlet,
            "published": day.isoformat() + ("T09:30:00+01:00" if n % 2 else ""),
        }
    articles["undated"] = "Harbour history\n\nThe harbour has a long history.\n"
    return articles


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("timeline")
    rebuild_index(make_corpus(root, dated_corpus()), root / "index")
    app = create_app({"INDEX_DIR": str(root / "index"), "TESTING": True})
    yield app.test_client()
    app.extensions["searchapp.live"].close()


def regroup(days: list[str], interval: str) -> Counter:
    """Counts per period start, computed here from each match's own date."""
    from searchapp.timeline import period_start

    return Counter(period_start(D(day[:10]), interval).isoformat() for day in days)


@pytest.mark.parametrize("query", ["q=harbour", "q=harbour&outlet=Port+Daily", "q="])
def test_api_histogram_counts_every_match_by_its_date(client, query):
    body = client.get(f"/api/search?{query}").get_json()
    hist = body["date_histogram"]
    exported = client.get(f"/search.jsonl?{query}").get_data(as_text=True).splitlines()
    published = [json.loads(line)["published"] for line in exported]
    dated = [p for p in published if p]
    assert hist["undated"] == len(published) - len(dated)
    assert sum(b["count"] for b in hist["buckets"]) == len(dated) == body["total"] - hist["undated"]
    assert {b["from"]: b["count"] for b in hist["buckets"] if b["count"]} == regroup(
        dated, hist["interval"]
    )
    starts = [D(b["from"]) for b in hist["buckets"]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)  # even, no gaps


def test_ninety_days_are_weeks(client):
    hist = client.get("/api/search?q=harbour").get_json()["date_histogram"]
    assert hist["interval"] == "week" and hist["undated"] == 1
    assert all(D(b["from"]).weekday() == 0 for b in hist["buckets"])


class Chart(HTMLParser):
    """The bars (data-start, data-count, link) and the table rows of the page's timeline."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[dict] = []
        self.links: list[str] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href = attrs.get("href")
        if tag == "rect" and "data-count" in attrs:
            self.bars.append({**attrs, "href": self._href})


def chart(html: str) -> Chart:
    parser = Chart()
    parser.feed(html)
    return parser


def test_page_bars_are_the_api_counts_and_link_to_their_dates(client):
    api = client.get("/api/search?q=harbour&outlet=Coast+News").get_json()["date_histogram"]
    html = client.get("/search?q=harbour&outlet=Coast+News").get_data(as_text=True)
    drawn = chart(html).bars
    nonzero = [b for b in api["buckets"] if b["count"]]
    assert [(b["data-start"], int(b["data-count"])) for b in drawn] == [
        (b["from"], b["count"]) for b in nonzero
    ]
    first = nonzero[0]
    expected = f"/search?q=harbour&outlet=Coast+News&from={first['from']}&to={first['to']}"
    assert drawn[0]["href"] == expected
    narrowed = client.get(expected.replace("/search", "/api/search")).get_json()
    assert narrowed["total"] == first["count"]
    assert "Coverage by week:" in html and "from Coast News" in html
    assert "(1 undated not shown)" not in html  # the undated one has no outlet


def test_a_narrowed_range_zooms_in_and_offers_all_dates_again(client):
    html = client.get("/search?q=harbour&from=2025-01-06&to=2025-01-19").get_data(as_text=True)
    assert "Coverage by day:" in html
    assert 'href="/search?q=harbour">Show all dates</a>' in html


def test_text_alternative_lists_the_same_counts(client):
    html = client.get("/search?q=harbour").get_data(as_text=True)
    table = html.split("<table>")[1].split("</table>")[0]
    api = client.get("/api/search?q=harbour").get_json()["date_histogram"]
    rows = re.findall(r"<td><a [^>]*>week of ([\d-]+)</a></td><td>(\d+)</td>", table)
    assert rows == [(b["from"], str(b["count"])) for b in api["buckets"] if b["count"]]
    assert 'aria-hidden="true"' in html.split("<svg")[1].split(">")[0]  # the table speaks


def test_no_dated_match_draws_no_timeline(client):
    html = client.get("/search?q=history").get_data(as_text=True)
    assert "data-timeline" not in html
    assert client.get("/api/search?q=history").get_json()["date_histogram"]["buckets"] == []


def test_pages_say_when_the_index_was_built(client):
    for path in ("/", "/search?q=harbour"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r"ndex built \d{4}-\d\d-\d\d \d\d:\d\d UTC", html), path
