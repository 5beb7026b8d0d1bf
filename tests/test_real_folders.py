"""Real corpus folders: nested ids, small faults that cost little, fallbacks, inspect."""

from __future__ import annotations

import html
import json
import os
import re
import time

import pytest
from click.testing import CliRunner

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.cli import main
from searchapp.engine.articles import get_article
from searchapp.engine.search import SearchRequest, search
from searchapp.ingest.inspect import inspect_article
from searchapp.ingest.load import article_id, read_corpus
from searchapp.ingest.pipeline import FALLBACK_NOTE, Source, build_article, validate_sidecar
from searchapp.model import Article, SkippedFile
from tests.conftest import make_corpus

BUSINESS = (
    "Copper prices climb on Chinese demand\n\n"
    "Copper rose to a three-month high on Tuesday as factories in China bought more metal "
    "than traders had expected, and warehouse stocks in London fell again."
)
SPORT = (
    "Harriers win the county cup final\n\n"
    "The Harriers beat their neighbours three goals to one in front of a record crowd, "
    "with two late goals from the young striker settling the final."
)


def titles(live, q: str = "") -> dict[str, str]:
    return {hit.id: hit.title for hit in search(live, SearchRequest(q=q, per_page=100)).hits}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("001.txt", "001"),  # a flat corpus keeps the stem, as before
        ("business/001.txt", "business/001"),
        ("a/b/c.html", "a/b/c"),
        ("news.2024/x.htm", "news.2024/x"),  # a dot in a folder name is not an extension
        ("v1.2.txt", "v1.2"),  # only the last suffix goes
    ],
)
def test_article_id_is_the_relative_path_without_extension(path, expected):
    assert article_id(path) == expected


def test_two_001_files_in_different_folders_are_two_articles(tmp_path, open_live):
    corpus = make_corpus(tmp_path, {"business/001": BUSINESS, "sport/001": SPORT})
    summary = rebuild_index(corpus, tmp_path / "ix")
    assert (summary.indexed, summary.skipped) == (2, ())
    live = open_live(tmp_path / "ix")
    assert titles(live, "copper") == {"business/001": "Copper prices climb on Chinese demand"}
    assert titles(live, "harriers") == {"sport/001": "Harriers win the county cup final"}
    assert get_article(live, "sport/001").source_path == "sport/001.txt"


def test_same_article_saved_twice_is_a_duplicate_naming_both_paths(tmp_path):
    corpus = make_corpus(
        tmp_path, {"sport/a.html": f"<p>{SPORT}</p>", "sport/a.txt": SPORT, "a.txt": BUSINESS}
    )
    items = list(read_corpus(corpus))
    kinds = {getattr(i, "id", None) or i.path: type(i).__name__ for i in items}
    assert kinds == {"a": "Source", "sport/a": "Source", str(corpus / "sport/a.txt"): "SkippedFile"}
    reason = next(i.reason for i in items if isinstance(i, SkippedFile))
    assert "sport/a.html" in reason and "sport/a.txt" in reason


def test_nested_ids_in_urls_pages_and_api(tmp_path):
    tricky = '<b>&"quoted"'
    corpus = make_corpus(tmp_path, {"business/001": BUSINESS, f"odd {tricky}/x": SPORT})
    rebuild_index(corpus, tmp_path / "ix")
    app = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True})
    try:
        client = app.test_client()
        page = client.get("/articles/business/001")
        assert page.status_code == 200 and b"Copper prices climb" in page.data
        api = client.get("/api/articles/business/001")
        assert api.status_code == 200 and api.get_json()["id"] == "business/001"
        assert client.get("/api/articles/business/001/related").status_code == 200
        assert client.get("/articles/business/002").status_code == 404
        results = client.get("/search?q=harriers").get_data(as_text=True)
        assert tricky not in results  # the id is shown and linked escaped
        [link] = re.findall(r'href="(/articles/odd[^"]*)"', results)
        assert "<" not in link and '"' not in link and link.endswith("/x?q=harriers")
        odd = client.get(html.unescape(link))
        assert odd.status_code == 200 and b"Harriers win" in odd.data
    finally:
        app.extensions["searchapp.live"].close()


def test_incremental_rebuild_keeps_nested_ids_apart(tmp_path, open_live):
    corpus = make_corpus(tmp_path, {"business/001": BUSINESS, "sport/001": SPORT})
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in corpus.rglob("*.txt"):
        os.utime(path, ns=(hour_ago, hour_ago))
    rebuild_index(corpus, tmp_path / "ix")
    (corpus / "sport/001.txt").unlink()
    summary = rebuild_index(corpus, tmp_path / "ix", incremental=True)
    assert (summary.indexed, summary.updated, summary.deleted) == (1, 0, 1)
    assert set(titles(open_live(tmp_path / "ix"))) == {"business/001"}


# --- a bad sidecar field costs that field only --------------------------------------------


@pytest.mark.parametrize(
    ("sidecar", "kept", "warned"),
    [
        ({"published": "not a date", "title": "T"}, {"title": "T"}, ["'published'"]),
        (
            {"authors": [1, "Ann Lee"], "url": "https://e.org/a"},
            {"url": "https://e.org/a"},
            ["'authors'"],
        ),
        ({"title": 3, "outlet": ["x"]}, {}, ["'title'", "'outlet'"]),
        ({"title": "Fine", "outlet": "Gazette"}, {"title": "Fine", "outlet": "Gazette"}, []),
    ],
)
def test_bad_sidecar_fields_are_left_out_one_by_one(sidecar, kept, warned):
    fields, problems = validate_sidecar(sidecar)
    assert fields == kept
    assert len(problems) == len(warned)
    for problem, name in zip(problems, warned, strict=True):
        assert name in problem


def test_article_with_a_bad_sidecar_field_is_indexed_with_a_warning(tmp_path, open_live):
    corpus = make_corpus(
        tmp_path,
        {"a": BUSINESS, "a.json": {"published": {"year": 2007}, "outlet": "Metal Weekly"}},
    )
    summary = rebuild_index(corpus, tmp_path / "ix")
    assert summary.indexed == 1 and summary.skipped == ()
    [warning] = summary.warnings
    assert warning.path == "a.txt" and "a.json" in warning.message
    assert "'published'" in warning.message
    assert get_article(open_live(tmp_path / "ix"), "a").outlet == "Metal Weekly"


def test_sidecar_that_is_not_json_still_skips(tmp_path):
    corpus = make_corpus(tmp_path, {"a": BUSINESS, "a.json": "{not json"})
    [item] = list(read_corpus(corpus))
    assert isinstance(item, SkippedFile) and "a.json" in item.reason


# --- fallback extraction, repeated blocks -------------------------------------------------

PROSE = (
    "The regional water board said on Monday that the reservoir was at its lowest level "
    "in twenty years, and asked households to water gardens only after dark. "
)
# The story sits in an <aside> (a theme that marks up its column so): the extractor drops
# asides as page furniture and finds no article.
FALLBACK_PAGE = (
    "<html><body><aside>"
    + "".join(f"<p>{PROSE} Point {i} of the plan.</p>" for i in range(4))
    + "</aside></body></html>"
)


def page(text: str, kind: str = "html") -> Source:
    return Source(
        id="p", path=f"p.{'html' if kind == 'html' else 'txt'}", kind=kind, text=text, raw_hash="h"
    )


def test_page_with_only_a_fallback_extraction_is_indexed_and_flagged(tmp_path):
    article = build_article(page(FALLBACK_PAGE))
    assert isinstance(article, Article), article
    assert article.extraction == "fallback" and FALLBACK_NOTE in article.notes
    assert "lowest level in twenty years" in article.text
    corpus = make_corpus(tmp_path, {"p.html": FALLBACK_PAGE})
    summary = rebuild_index(corpus, tmp_path / "ix")
    assert summary.fallbacks == 1 and "1 from a fallback extraction" in summary.line()
    assert "extraction: fallback" in inspect_article(corpus, "p")


@pytest.mark.parametrize(
    "html",
    [
        # notices only: the named patterns remove them in the fallback too
        "<html><body><aside><p>Subscribe to our newsletter today!</p>"
        "<p>We use cookies. Accept cookies to continue.</p></aside></body></html>",
        # one short line of prose is not an article
        "<html><body><aside><p>The water board met on Monday to talk about the reservoir.</p>"
        "</aside></body></html>",
    ],
)
def test_pages_without_prose_are_still_skipped(html):
    assert isinstance(build_article(page(html)), SkippedFile)


@pytest.mark.parametrize(
    ("paragraphs", "kept"),
    [
        # the whole body printed three times: once is kept
        ([PROSE, "Second paragraph of the story, with more to say about it."] * 3, 2),
        # short lines may repeat on purpose and stay
        (
            [
                PROSE,
                "Will it rain?",
                PROSE.replace("Monday", "Friday"),
                "Will it rain?",
                PROSE[:90] + ".",
            ],
            5,
        ),
        # a long paragraph that differs by one word is not a repeat
        ([PROSE, PROSE.replace("Monday", "Tuesday")], 2),
    ],
)
def test_blocks_repeated_verbatim_are_kept_once(paragraphs, kept):
    text = "Reservoir at its lowest in twenty years\n\n" + "\n\n".join(paragraphs)
    article = build_article(page(text, kind="text"))
    assert len(article.text.split("\n\n")) == kept
    assert sum(b.rule == "repeated" for b in article.removed) == len(paragraphs) - kept


# --- inspect works on every file ----------------------------------------------------------


def test_inspect_shows_why_a_file_was_skipped_and_what_was_removed(tmp_path):
    menu = "<html><body><ul><li><a href='/a'>Home</a></li></ul><p>Subscribe now!</p></body></html>"
    corpus = make_corpus(
        tmp_path,
        {"menu.html": menu, "b/dup.html": f"<p>{SPORT}</p>", "b/dup.txt": SPORT, "bin": b"\0\1"},
    )
    report = inspect_article(corpus, "menu")
    assert "skipped:   no article text left" in report and "removed blocks" in report
    dup = inspect_article(corpus, "b/dup.txt")  # by path: the skipped duplicate itself
    assert "duplicate article id 'b/dup'" in dup and "Harriers win" in dup
    assert "binary" in inspect_article(corpus, "bin.txt")
    with pytest.raises(LookupError):
        inspect_article(corpus, "nothing/here")


def test_inspect_command_takes_a_nested_id(tmp_path):
    corpus = make_corpus(tmp_path, {"business/001": BUSINESS})
    result = CliRunner().invoke(main, ["inspect", "business/001", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "id:        business/001" in result.output


def test_sidecar_warnings_are_printed_by_the_build_command(tmp_path):
    corpus = make_corpus(tmp_path, {"a": BUSINESS, "a.json": json.loads('{"published": 5}')})
    result = CliRunner().invoke(
        main, ["rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 0, result.output
    assert "warning a.txt: sidecar a.json: field 'published' ignored" in result.output


# --- not every file in a corpus folder is an article --------------------------------------


def test_searchappignore_and_exclude_leave_files_out(tmp_path, open_live):
    corpus = make_corpus(
        tmp_path,
        {
            "business/001": BUSINESS,
            "drafts/001": SPORT,
            "sport/001": SPORT,
            "sport/keep": SPORT.replace("Harriers", "Rovers"),
            "data/prices.csv.txt": "1,2,3",
        },
    )
    (corpus / ".searchappignore").write_text("# not articles\ndrafts/\n*.csv.txt\n")
    summary = rebuild_index(corpus, tmp_path / "ix", exclude=["sport/*", "!sport/keep.txt"])
    assert summary.skipped == ()
    assert set(titles(open_live(tmp_path / "ix"))) == {"business/001", "sport/keep"}
    # an incremental build with fewer exclusions takes the files in
    summary = rebuild_index(corpus, tmp_path / "ix", incremental=True)
    assert summary.indexed == 3


def test_exclude_option_of_the_command(tmp_path):
    corpus = make_corpus(tmp_path, {"business/001": BUSINESS, "sport/001": SPORT})
    result = CliRunner().invoke(
        main,
        ["rebuild-index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"),
         "--exclude", "sport/", "--exclude", "nothing-matches"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 articles indexed" in result.output


TABLE = "\n".join(f"{2000 + y}  {y * 13.5:.2f}  {y * 7 + 3}  {y * 2.25:.2f}" for y in range(20))


@pytest.mark.parametrize(
    ("name", "text", "warned"),
    [
        ("README.txt", BUSINESS, "project file"),
        ("notes/LICENSE.txt", BUSINESS, "project file"),
        ("prices.txt", "Prices by year\n\n" + TABLE, "mostly numbers"),
        # look-alikes that are articles: a story about a readme, a story with a results table
        ("readme-story.txt", BUSINESS, None),
        ("results.txt", SPORT + "\n\n" + TABLE, None),
        ("short.txt", "Harriers win\n\nThe Harriers won the cup final on Saturday night.", None),
    ],
)
def test_files_that_look_like_no_article_are_indexed_with_a_warning(name, text, warned):
    article = build_article(Source(id="x", path=name, kind="text", text=text, raw_hash="h"))
    assert isinstance(article, Article)
    notes = [n for n in article.notes if n.startswith("looks like no article")]
    assert (warned in notes[0]) if warned else not notes, notes


# --- the home page describes the corpus it has --------------------------------------------


def test_home_page_examples_and_dated_span_come_from_the_corpus(tmp_path):
    corpus = make_corpus(
        tmp_path,
        {
            "a": "Harriers sign Tom Okafor from Rovers\n\n" + SPORT.split("\n\n")[1],
            "a.json": {"published": "2004-03-01"},
            "b": "Tom Okafor scores twice as Harriers go top\n\n" + SPORT.split("\n\n")[1],
            "b.json": {"published": "2008-11-20T10:00:00+00:00"},
            "c": BUSINESS,
        },
    )
    rebuild_index(corpus, tmp_path / "ix")
    app = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True})
    try:
        home = app.test_client().get("/").get_data(as_text=True)
    finally:
        app.extensions["searchapp.live"].close()
    assert "2 of 3 dated, 2004–2008" in home
    assert re.search(r'<a href="/search\?q=Tom(\+|%20)Okafor">Tom Okafor</a>', home)
    assert "Lavrov" not in home  # nothing written for the shipped corpus


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        # a name shared by headlines, even inside a Title Case one
        (["Kim Jong Un visits Moscow", "Kim Jong Un Meets Putin In Vladivostok", "Rain"],
         ["Kim Jong Un"]),
        # a possessive ends a name
        (["North Korea’s leader speaks", "North Korea’s army parades", "x"], ["North Korea"]),
        # no shared names: the most shared words
        (["copper prices climb", "copper prices fall again"], ["copper", "prices"]),
        ([], []),
    ],
)  # fmt: skip
def test_example_queries(titles, expected):
    from searchapp.ingest.examples import example_queries

    assert example_queries(titles)[: len(expected)] == expected
