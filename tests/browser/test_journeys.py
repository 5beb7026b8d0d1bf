"""What a reader does, in a real browser, with and without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(params=["js", "nojs"])
def any_page(request, new_page):
    """Each journey runs twice: with JavaScript and with it turned off."""
    return new_page(color_scheme="light", java_script_enabled=request.param == "js")


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


def hit_ids(page) -> list[str]:
    hrefs = page.locator("ol.hits > li h2 a").evaluate_all("els => els.map(a => a.pathname)")
    return [href.rsplit("/", 1)[1] for href in hrefs]


def facets_shown(page) -> dict[str, dict[str, int]]:
    """{facet heading: {value: count}} as printed in the filters column (active ones too)."""
    shown: dict[str, dict[str, int]] = {}
    for section in page.locator(".facets .facet").all():
        name = section.locator("h3").inner_text().strip().lower()
        values = {}
        for item in section.locator("li:not(:has(.facet-clear))").all():
            count = re.match(r"\d+", item.locator(".count").inner_text()).group()
            values[item.locator(".facet-value").inner_text().strip()] = int(count)
        shown[name] = values
    return shown


def api_facets(api, path: str, active: dict[str, str] | None = None) -> dict:
    """The API's facets for the same search, minus the active values (the page shows those
    as a remove link), empty groups and a language facet of one value (no choice), so they
    compare with facets_shown()."""
    active = active or {}
    out = {}
    for name, values in api(path)["facets"].items():
        kept = {v["value"]: v["count"] for v in values if v["value"] != active.get(name)}
        least = 2 if name == "language" else 1
        if len(kept) >= least or name in active:
            out[name] = kept
    return out


def summary_total(page) -> int:
    return int(re.match(r"(\d+) articles?", page.locator(".summary").inner_text()).group(1))


def test_type_a_query_and_press_enter(any_page):
    page = any_page
    page.goto("/")
    box = page.get_by_label("Search articles")
    box.fill("Lavrov")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Lavrov$"))
    assert "Lavrov" in page.locator("h1").inner_text()
    assert summary_total(page) == 5
    assert page.locator("ol.hits > li").count() == 5
    # The header box on the results page keeps the query for editing.
    assert page.locator("#q").input_value() == "Lavrov"


def test_hits_are_highlighted(any_page):
    page = any_page
    page.goto("/search?q=Lavrov")
    for hit in page.locator("ol.hits > li").all():
        marks = hit.locator(".snippet mark")
        assert marks.count() >= 1
        assert {m.lower() for m in marks.all_inner_texts()} == {"lavrov"}
    mark = page.locator(".snippet mark").first
    mark_bg = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    page_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert mark_bg != page_bg, "highlighted words must stand out"


def test_facet_filters_results_and_counts(any_page, api):
    page = any_page
    page.goto("/search?q=Lavrov")
    before = facets_shown(page)
    assert before == api_facets(api, "/api/search?q=Lavrov")
    assert before["outlet"] == {"38 North": 1, "CNN": 1}
    assert summary_total(page) == 5

    page.locator(".facets").get_by_role("link", name="38 North").click()
    page.wait_for_url(re.compile(r"outlet=38\+North"))
    assert summary_total(page) == 1
    assert page.locator("ol.hits .outlet").all_inner_texts() == ["38 North"]
    after = facets_shown(page)
    assert after != before
    assert after == api_facets(api, "/api/search?q=Lavrov&outlet=38+North", {"outlet": "38 North"})
    assert "author" not in after, "38 North's article has no author, so no author facet"

    # The active filter shows as a remove link that brings every result back.
    page.locator(".facet-clear").click()
    page.wait_for_url(re.compile(r"/search\?q=Lavrov$"))
    assert summary_total(page) == 5

    page.locator(".facets").get_by_role("link", name="Will Ripley").click()
    page.wait_for_url(re.compile(r"author=Will\+Ripley"))
    assert query_of(page)["author"] == ["Will Ripley"]
    assert page.locator("ol.hits .outlet").all_inner_texts() == ["CNN"]


def test_page_forward_and_back(any_page, api):
    page = any_page
    page.goto("/search?q=Lavrov&per_page=2")
    pages = [
        [r["id"] for r in api(f"/api/search?q=Lavrov&per_page=2&page={n}")["results"]]
        for n in (1, 2, 3)
    ]
    nav = page.get_by_role("navigation", name="Pages")
    assert "Page 1 of 3" in nav.inner_text()
    assert nav.locator("[rel=prev]").count() == 0
    assert hit_ids(page) == pages[0]

    nav.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert hit_ids(page) == pages[1]
    assert page.locator("ol.hits").get_attribute("start") == "3"

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=3"))
    assert hit_ids(page) == pages[2]
    nav = page.get_by_role("navigation", name="Pages")
    assert "Page 3 of 3" in nav.inner_text()
    assert nav.locator("[rel=next]").count() == 0

    nav.get_by_role("link", name="Previous").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert hit_ids(page) == pages[1]
    page.go_back()
    page.wait_for_url(re.compile(r"page=3"))
    assert hit_ids(page) == pages[2]


def test_sort_by_date(any_page, api):
    page = any_page
    page.goto("/search?q=Korea")
    sort = page.get_by_role("navigation", name="Sort and match")
    assert sort.locator("[aria-current]").first.inner_text() == "relevance"
    sort.get_by_role("link", name="newest").click()
    page.wait_for_url(re.compile(r"sort=date"))
    sort = page.get_by_role("navigation", name="Sort and match")
    assert sort.locator("[aria-current]").first.inner_text() == "newest"
    assert hit_ids(page) == [r["id"] for r in api("/api/search?q=Korea&sort=date")["results"]]
    sort.get_by_role("link", name="relevance").click()
    page.wait_for_url(re.compile(r"/search\?q=Korea$"))


def test_did_you_mean(any_page):
    page = any_page
    page.goto("/search?q=Lavorv")
    assert page.get_by_role("heading", name="No articles found").is_visible()
    suggestion = page.locator("[data-suggestion]")
    assert suggestion.inner_text() == "lavrov"
    suggestion.click()
    page.wait_for_url(re.compile(r"q=lavrov"))
    assert summary_total(page) == 5
    assert page.locator(".suggestion").count() == 0


def test_no_results_page(any_page):
    page = any_page
    response = page.goto("/search?q=xyzzyplugh")
    assert response.status == 200
    assert summary_total(page) == 0
    empty = page.locator(".empty")
    assert empty.get_by_role("heading", name="No articles found").is_visible()
    assert empty.get_by_role("link", name="match any word").is_visible()
    assert page.locator("ol.hits").count() == 0


@pytest.mark.parametrize("path", ["/articles/no-such-article", "/no/such/page"])
def test_not_found_page(any_page, path):
    page = any_page
    response = page.goto(path)
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not Found"
    page.get_by_role("link", name="Search the archive").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_label("Search articles").is_visible()


def test_article_opens_on_its_first_hit(page):
    page.goto("/search?q=Lavrov")
    first = page.locator("ol.hits > li h2 a").nth(1)
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/articles/.+\?q=Lavrov"))
    assert page.locator("h1").inner_text() == title
    marks = page.locator("[data-article-body] mark")
    assert marks.count() >= 3
    assert f"{marks.count()} matches" in page.locator(".hits-nav").inner_text()
    # Script lands on the first hit: marked current, focused, in view.
    current = page.locator("mark.is-current")
    current.wait_for()
    assert current.get_attribute("id") == "hit-1"
    assert page.evaluate("document.activeElement.id") == "hit-1"
    assert current.is_visible() and _in_viewport(page, "#hit-1")

    page.keyboard.press("n")
    assert page.locator("mark.is-current").get_attribute("id") == "hit-2"
    page.keyboard.press("n")
    assert page.locator("mark.is-current").get_attribute("id") == "hit-3"
    assert _in_viewport(page, "#hit-3")
    page.keyboard.press("p")
    assert page.locator("mark.is-current").get_attribute("id") == "hit-2"
    assert page.locator("mark.is-current").count() == 1
    assert page.errors == []


def test_article_first_hit_without_javascript(nojs_page):
    page = nojs_page
    page.goto("/articles/000_0094f72c2f52c878?q=Lavrov")
    page.get_by_role("link", name=re.compile("Jump to the first of 7 matches")).click()
    page.wait_for_url(re.compile(r"#hit-1$"))
    assert _in_viewport(page, "#hit-1")
    assert page.locator("#hit-7").inner_text() == "Lavrov"


def test_article_related_coverage(any_page):
    page = any_page
    page.goto("/articles/000_0094f72c2f52c878?q=Lavrov")
    related = page.get_by_role("complementary", name="Related coverage")
    links = related.get_by_role("link")
    assert links.count() >= 1
    target_title = links.first.inner_text()
    links.first.click()
    page.wait_for_url(re.compile(r"/articles/(?!000_)"))
    assert page.locator("h1").inner_text() == target_title
    # The way back to the results is there too.
    page.get_by_role("link", name=re.compile("All articles")).click()
    page.wait_for_url(re.compile(r"/search"))


def test_article_lists_the_stripped_boilerplate(any_page):
    page = any_page
    page.goto("/articles/000_0094f72c2f52c878")
    details = page.locator("details.stripped")
    assert details.locator("table").is_hidden()
    details.locator("summary").click()
    assert details.locator("table").is_visible()
    assert details.locator("tbody tr").count() >= 1


def test_no_index_page(any_page, start_server, tmp_path_factory):
    """A server whose index has gone: every page says how to build one, with a 503."""
    page = any_page
    root = tmp_path_factory.mktemp("no-index")
    (root / "corpus").mkdir()
    running = start_server(root / "corpus", root / "index")
    (running.index_dir / "CURRENT").unlink()  # as if no index had ever been published
    for path in ("/", "/search?q=Lavrov", "/articles/000_0094f72c2f52c878"):
        response = page.goto(running.url + path)
        assert response.status == 503
        assert page.locator("h1").inner_text() == "No search index yet"
        assert "searchapp rebuild-index" in page.locator("main").inner_text()


def _in_viewport(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= -1 && r.bottom <= window.innerHeight + 1; }"
    )


def test_search_as_you_type_offers_completions(page):
    page.goto("/")
    box = page.get_by_label("Search articles")
    box.fill("north ko")  # fires one input event, as the last keystroke of typing would
    options = page.locator("datalist option")
    options.first.wait_for(state="attached", timeout=5000)
    values = options.evaluate_all("els => els.map(o => o.value)")
    assert values[0] == "north korea"
    assert all(value.startswith("north ko") for value in values)


def test_without_javascript_the_box_has_no_completion_list(nojs_page):
    nojs_page.goto("/")
    box = nojs_page.get_by_label("Search articles")
    assert box.get_attribute("list") is None
    box.fill("north korea")
    box.press("Enter")
    nojs_page.wait_for_url(re.compile(r"/search\?q=north\+korea"))
