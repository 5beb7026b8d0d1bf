"""axe-core on the main pages in both colour schemes, and keyboard-only use."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

ARTICLE = "/articles/000_0094f72c2f52c878?q=Lavrov"
AXE_PAGES = {
    "home": "/",
    "results": "/search?q=Lavrov",
    "article": ARTICLE,
    "story": "/stories/0",
    "grouped-results": "/search?q=Lavrov&group=story",
    "no-results": "/search?q=Lavorv",
    "not-found": "/articles/nope",
}


@pytest.fixture(scope="session")
def axe():
    # axe-playwright-python ships axe.min.js and injects it with page.evaluate, which the
    # page's Content-Security-Policy (script-src 'self') does not block.
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_serious_violations(new_page, axe, name):
    """Both colour schemes on one loaded page (the scheme is a media feature: switching
    it restyles the page without loading it again)."""
    page = new_page(color_scheme="light")
    page.goto(AXE_PAGES[name])
    serious = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark"
        )
        serious += [
            f"{scheme}: {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in axe.run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert not serious, "\n".join(serious)


def test_axe_on_a_phone(new_page, axe):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme="dark")
    page.goto("/search?q=Lavrov")
    violations = axe.run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []


def focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement, s = getComputedStyle(el),
                     r = el.getBoundingClientRect();
          return {tag: el.tagName, id: el.id, text: el.innerText, cls: el.className,
                  outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
                  visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0}; }"""
    )


def test_skip_link_then_search_box_come_first(page):
    page.goto("/search?q=Lavrov")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content" and first["visible"]
    assert first["outline"] != "none" and first["outlineWidth"] >= 2, "focus must be visible"
    page.keyboard.press("Tab")
    second = focused(page)
    assert (second["tag"], second["id"]) == ("INPUT", "q")
    assert second["outline"] != "none" and second["outlineWidth"] >= 2


def test_skip_link_lands_in_main(page):
    page.goto("/search?q=Lavrov")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The first stop inside the content is a sort control, then the results.
    assert focused(page)["tag"] == "A"


def test_every_link_shows_focus(page):
    """Tab through the whole results page: each stop has a visible outline."""
    page.goto("/search?q=Lavrov")
    stops = page.locator("a[href], input, button").count()
    for _ in range(stops):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["outline"] != "none" and now["outlineWidth"] >= 2, now


def test_home_page_focuses_the_search_box(page):
    page.goto("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Wonsan")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Wonsan"))


def test_results_are_a_list_with_headings(page):
    page.goto("/search?q=Lavrov")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Results for")
    results = page.locator("main ol.hits")
    assert results.evaluate("el => el.tagName") == "OL"
    items = results.get_by_role("listitem")
    assert items.count() == 5
    for item in items.all():
        heading = item.get_by_role("heading", level=2)
        assert heading.count() == 1
        assert heading.get_by_role("link").count() == 1
    assert page.get_by_role("search").count() == 1
    assert page.get_by_role("navigation", name="Sort and match").is_visible()
    assert page.get_by_role("complementary", name="Filters").is_visible()


def test_slash_focuses_search_without_typing_it(page):
    page.goto("/search?q=Lavrov")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    assert page.locator("#q").input_value() == "Lavrov"
    # Typing replaces the selected query.
    page.keyboard.type("Wonsan")
    assert page.locator("#q").input_value() == "Wonsan"
    # Letters typed in the box are text, not shortcuts.
    page.keyboard.type(" jk")
    assert page.locator("#q").input_value() == "Wonsan jk"
    assert page.locator(".is-current").count() == 0
    assert page.errors == []


def test_j_and_k_move_between_results(page):
    page.goto("/search?q=Lavrov")
    links = page.locator("ol.hits > li h2 a")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.href") == links.nth(0).evaluate("a => a.href")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("li.hit.is-current").count() == 1
    assert page.evaluate("document.activeElement.href") == links.nth(2).evaluate("a => a.href")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.href") == links.nth(1).evaluate("a => a.href")
    for _ in range(10):  # stops at the ends
        page.keyboard.press("k")
    assert page.evaluate("document.activeElement.href") == links.nth(0).evaluate("a => a.href")
    # Enter opens the result the keys landed on.
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.errors == []


def test_j_continues_from_a_result_focused_with_tab(page):
    page.goto("/search?q=Lavrov")
    links = page.locator("ol.hits > li h2 a")
    links.nth(2).focus()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.href") == links.nth(3).evaluate("a => a.href")


def test_n_and_p_keep_the_place_in_the_url(page):
    page.goto(ARTICLE)
    page.locator("mark.is-current").wait_for()
    page.keyboard.press("n")
    page.keyboard.press("n")
    assert page.url.endswith("#hit-3")
    assert page.locator("[data-hit-position]").inner_text() == "Match 3 of 7"
    page.reload()
    page.locator("mark.is-current").wait_for()
    assert page.locator("mark.is-current").get_attribute("id") == "hit-3"
    page.keyboard.press("p")
    assert page.locator("mark.is-current").get_attribute("id") == "hit-2"
    assert page.errors == []
