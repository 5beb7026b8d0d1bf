"""Stories and copies in a real browser: grouped results, the story page, copies folded."""

from __future__ import annotations

import re

import pytest

from ..conftest import make_corpus

pytestmark = pytest.mark.browser


@pytest.fixture(params=["js", "nojs"])
def any_page(request, new_page):
    return new_page(color_scheme="light", java_script_enabled=request.param == "js")


def test_group_results_by_story_and_open_the_story(any_page):
    page = any_page
    page.goto("/search?q=Lavrov")
    assert page.locator("ol.hits > li").count() == 5
    page.get_by_role("link", name="one per story").click()
    page.wait_for_url(re.compile(r"group=story"))
    assert page.locator("ol.hits > li").count() == 1
    page.get_by_role("link", name="4 more articles in this story").click()
    page.wait_for_url(re.compile(r"/stories/0$"))
    assert page.locator("[data-story-article]").count() == 5
    travelled = page.locator("[data-travelled] > li")
    assert travelled.count() == 2
    assert "We exchanged views" in travelled.first.inner_text()
    # A travelled quote links to an outlet that printed it; that article links back.
    travelled.first.get_by_role("link", name="CNN").click()
    page.wait_for_url(re.compile(r"/articles/000_"))
    line = page.locator("[data-story-link]")
    assert re.sub(r"\s+", " ", line.inner_text()) == "Also covered by 38 North and 3 others"
    line.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/stories/0$"))


def test_story_page_shows_what_each_article_adds(page):
    page.goto("/stories/0")
    cnn = page.locator("[data-story-article]").filter(has_text="CNN")
    assert "Robert Kelly" in cnn.inner_text()
    sentences = cnn.locator("details")
    sentences.locator("summary").click()
    assert sentences.locator("li").count() >= 1


WIRE = "\n\n".join(
    f"Paragraph {i}: the harbour authority said the ferry Amsel ran aground near Tromso "
    f"on Tuesday night with {i + 40} passengers aboard, and tugs reached it by dawn."
    for i in range(6)
)


@pytest.fixture(scope="module")
def copies_server(start_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("copies-browser")
    corpus = make_corpus(
        root,
        {
            "wire": WIRE,
            "wire.json": {"outlet": "Wire", "published": "2025-03-04"},
            "paper": "Subscribe for 1 euro!\n\n" + WIRE,
            "paper.json": {"outlet": "Paper", "published": "2025-03-05"},
            "blog": "\n\n".join(WIRE.split("\n\n")[::-1]),
            "blog.json": {"outlet": "Blog", "published": "2025-03-06"},
        },
    )
    return start_server(corpus, root / "index")


def test_copies_fold_into_one_result(new_page, copies_server):
    page = new_page(base_url=copies_server.url)
    page.goto("/search?q=ferry")
    assert page.locator("ol.hits > li").count() == 1
    copies = page.locator("[data-copies]")
    assert copies.locator("summary").inner_text() == "2 more copies"
    copies.locator("summary").click()
    links = copies.get_by_role("link")
    assert links.count() == 2
    outlets = set(links.all_inner_texts())
    assert outlets < {"Wire", "Paper", "Blog"}
    links.first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    page.goto("/search?q=ferry")
    page.get_by_role("link", name="every copy").click()
    page.wait_for_url(re.compile(r"collapse=false"))
    assert page.locator("ol.hits > li").count() == 3
