"""The timeline in a real browser: drawn, same counts as the API, clickable without JS."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from ..conftest import make_corpus
from ..test_timeline import dated_corpus
from .test_look import contrast, rgb

pytestmark = pytest.mark.browser

SEARCH = "/search?q=harbour"


@pytest.fixture(scope="module")
def dated_url(start_server, tmp_path_factory) -> str:
    """A server over 41 articles spread over three months (the shipped five have no dates)."""
    root = tmp_path_factory.mktemp("dated")
    return start_server(make_corpus(root, dated_corpus()), root / "index").url


@pytest.fixture(scope="module")
def histogram(dated_url) -> dict:
    with urllib.request.urlopen(dated_url + "/api/search?q=harbour", timeout=10) as response:
        return json.load(response)["date_histogram"]


def test_bars_are_drawn_with_the_api_counts(new_page, dated_url, histogram, screenshot):
    page = new_page(base_url=dated_url, color_scheme="light")
    page.goto(SEARCH)
    chart = page.locator("svg[data-timeline]")
    box = chart.bounding_box()
    assert box["width"] > 400 and box["height"] > 40
    bars = page.locator("rect.timeline__bar")
    counts = [b["count"] for b in histogram["buckets"] if b["count"]]
    assert [int(c) for c in bars.evaluate_all("els => els.map(e => e.dataset.count)")] == counts
    heights = bars.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    tallest = max(range(len(counts)), key=counts.__getitem__)
    assert all(h >= 1 for h in heights) and max(heights) == heights[tallest]
    assert max(heights) == pytest.approx(box["height"], abs=2)  # the peak fills the chart
    screenshot(page, "timeline")


def test_a_bar_filters_its_dates_without_javascript(new_page, dated_url, histogram):
    page = new_page(base_url=dated_url, color_scheme="light", java_script_enabled=False)
    page.goto(SEARCH)
    first = next(b for b in histogram["buckets"] if b["count"])
    page.locator("rect.timeline__bar").first.click()
    page.wait_for_url(re.compile(rf"from={first['from']}&to={first['to']}"))
    summary = page.locator(".summary").inner_text()
    assert summary.startswith(f"{first['count']} article")
    assert page.locator("ol.hits > li").count() == first["count"]
    page.get_by_role("link", name="Show all dates").click()
    page.wait_for_url(re.compile(r"q=harbour$"))


def test_the_table_is_the_keyboard_way_in(new_page, dated_url, histogram):
    page = new_page(base_url=dated_url, color_scheme="light")
    page.goto(SEARCH)
    page.get_by_text("The counts as a table").click()
    links = page.locator(".timeline__table a")
    assert links.count() == len([b for b in histogram["buckets"] if b["count"]])
    links.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"from="))


def test_dark_mode_bars_follow_the_scheme(new_page, dated_url, screenshot):
    fills = {}
    for scheme in ("light", "dark"):
        page = new_page(base_url=dated_url, color_scheme=scheme)
        page.goto(SEARCH)
        bar, background = page.evaluate(
            """[getComputedStyle(document.querySelector('rect.timeline__bar')).fill,
                getComputedStyle(document.body).backgroundColor]"""
        )
        fills[scheme] = rgb(bar)
        assert contrast(rgb(bar), rgb(background)) >= 3, scheme  # WCAG 1.4.11 for graphics
        if scheme == "dark":
            screenshot(page, "timeline-dark")
    assert fills["light"] != fills["dark"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(new_page, dated_url, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = new_page(base_url=dated_url, color_scheme=scheme)
    page.goto(SEARCH)
    page.get_by_text("The counts as a table").click()  # check the opened table too
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
