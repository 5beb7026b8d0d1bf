"""Titles, outlets, authors and dates: one row per pattern, look-alikes that must not change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from searchapp.ingest.corpusmeta import harmonise
from searchapp.ingest.dates import html_date, parse_written_date, text_date, url_date
from searchapp.ingest.htmlpage import extract_html
from searchapp.ingest.names import split_byline
from searchapp.ingest.outlets import agency_name, one_spelling, outlet_key, wire_credit
from searchapp.ingest.pipeline import Source, build_article, validate_sidecar
from searchapp.ingest.titles import choose_headline, repeated_affixes, strip_site
from searchapp.model import Article

TOMORROW_PLUS = (datetime.now(UTC).date() + timedelta(days=3)).strftime("%B %d, %Y")

# --- titles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "outlet", "url", "people", "headline", "site"),
    [
        # "Headline | Site", the site known from its name meta tag
        ("Obama admits gun laws frustrate him | BBC News", "BBC News", None, (),
         "Obama admits gun laws frustrate him", "BBC News"),
        # "Headline - Site", the site known only from the URL's host (initials and last word)
        ("United States to Lift Sudan Sanctions - The New York Times", None,
         "https://www.nytimes.com/2017/01/13/sudan.html", (),
         "United States to Lift Sudan Sanctions", "The New York Times"),
        ("So Many Ways to Play - WSJ", None, "https://www.wsj.com/articles/x", (),
         "So Many Ways to Play", "WSJ"),
        # "Site > Section > Headline" and "Site: Headline"
        ("Computerworld > Security > Patch Tuesday fixes 12 flaws", "Computerworld", None, (),
         "Security > Patch Tuesday fixes 12 flaws", "Computerworld"),
        ("The Space Review: Seeking a bigger role for a big rocket", None,
         "https://www.thespacereview.com/article/1", (), "Seeking a bigger role for a big rocket",
         "The Space Review"),
        # "Headline | Author | Section | Site": the writer and the section go with the site
        ("Whales strand in Otago | Eleanor Roy | Environment | The Guardian", "the Guardian", None,
         ("Eleanor Roy",), "Whales strand in Otago", "The Guardian"),
        # look-alikes: a headline that really holds a dash, a pipe or a colon keeps it
        ("Spider-Man - the musical opens on Broadway", "Playbill", "https://playbill.com/a", (),
         "Spider-Man - the musical opens on Broadway", None),
        ("Vote 2024 | What the polls say", "Herald", "https://herald.example/a", (),
         "Vote 2024 | What the polls say", None),
        ("Review: A console that keeps up with gaming PCs", "Engadget", None, (),
         "Review: A console that keeps up with gaming PCs", None),
        # "- review" before "| Film | Site" is the headline's, not a section
        ("Dune - review | Film | The Guardian", "The Guardian", None, (), "Dune - review",
         "The Guardian"),
    ],
)  # fmt: skip
def test_strip_site(title, outlet, url, people, headline, site):
    assert strip_site(title, outlet, url, people) == (headline, site)


@pytest.mark.parametrize(
    ("h1s", "marked", "chosen"),
    [
        # the h1 a reader sees, reworded from og:title
        (["The seven secrets hotel owners hide"], ["Seven secrets hotel owners hide"],
         "The seven secrets hotel owners hide"),
        # a logo h1 and a section h1 are not headlines
        (["Engadget", "Xbox One X review: fast"], ["Xbox One X review: fast"],
         "Xbox One X review: fast"),
        (["Allergies Health Center"], ["Babies who eat peanuts early may avoid allergy"], None),
        # a blog's name in the h1 is the short part of its <title>, not the headline
        (["Silicon Exposed"], ["Silicon Exposed: Open Verilog flow for GreenPak4 devices"], None),
    ],
)  # fmt: skip
def test_choose_headline(h1s, marked, chosen):
    assert choose_headline(h1s, marked, "Engadget") == chosen


def test_repeated_affixes_are_corpus_evidence():
    titles = [f"Story number {n} | Gazette Sport" for n in range(5)] + ["Lone story - Other"]
    assert repeated_affixes(titles) == {"Gazette Sport"}
    assert repeated_affixes(titles[:2]) == set()  # two pages are not evidence


def page(head: str, body: str = "") -> str:
    text = "<p>" + "The council met on Monday and agreed the budget after a long debate. " * 6
    return f"<html><head>{head}</head><body>{body}<article>{text}</p></article></body></html>"


@pytest.mark.parametrize(
    ("head", "body", "title", "outlet"),
    [
        # og:site_name that is a URL gives way to the title's site part
        ('<title>Budget agreed | TMZ.com</title><meta property="og:site_name" '
         'content="http://www.tmz.com">', "<h1>Budget agreed</h1>", "Budget agreed", "TMZ.com"),
        # a lower-case handle gives way to the publisher's proper name
        ('<title>Budget agreed</title><meta property="og:site_name" content="detroitnews">'
         '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
         '{"@type": "Organization", "name": "The Detroit News"}}</script>', "",
         "Budget agreed", "The Detroit News"),
        # a tagline after the name is cut
        ('<title>Budget agreed - Aktuálně.cz</title><meta property="og:site_name" '
         'content="Aktuálně.cz - Víte, co se právě děje">', "<h1>Budget agreed</h1>",
         "Budget agreed", "Aktuálně.cz"),
        # no site meta: the part of <title> beside the page's h1
        ("<title>Budget agreed - Gazette of Nowhere</title>", "<h1>Budget agreed</h1>",
         "Budget agreed", "Gazette of Nowhere"),
        # JSON-LD wrapped in CDATA is still read
        ('<title>x</title><script type="application/ld+json"><![CDATA[{"@type": "Article", '
         '"headline": "Budget agreed", "publisher": {"name": "GitLab"}}]]></script>', "",
         "Budget agreed", "GitLab"),
    ],
)  # fmt: skip
def test_html_titles_and_outlets(head, body, title, outlet):
    meta = extract_html(page(head, body))
    assert (meta.title, meta.outlet) == (title, outlet)


# --- outlets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spellings", "same"),
    [
        (["AP", "The Associated Press", "Associated Press", "associated press"], True),
        (["the Guardian", "The Guardian", "Guardian"], True),
        (["Salon", "Salon.com"], True),
        (["The Times", "The New York Times"], False),  # look-alike: two outlets
        (["Reuters", "Reuters Health Design"], False),
    ],
)
def test_outlet_keys(spellings, same):
    assert (len({outlet_key(s) for s in spellings}) == 1) is same


def test_one_spelling_per_outlet_is_the_most_used():
    chosen = one_spelling(
        ["the Guardian", "The Guardian", "The Guardian", "AP", "Associated Press"]
    )
    assert chosen[outlet_key("guardian")] == "The Guardian"
    assert chosen[outlet_key("AP")] == "Associated Press"


@pytest.mark.parametrize(
    ("first", "last", "outlet"),
    [
        ("(CNN) — North Korea's leader met the Russian minister on Saturday.", "", "CNN"),
        ("HONOLULU (AP) — The volcano erupted again overnight.", "", "Associated Press"),
        ("WASHINGTON, July 12 (Reuters) - The Senate voted on Friday.", "", "Reuters"),
        ("The Senate voted on Friday.", "Reporting by Jane Doe — Reuters", "Reuters"),
        # look-alikes: a parenthesis inside the text, a quote signed with a dash
        ("The group (which met in Paris) - said little.", "", None),
        ("He said it would pass.", "“We will win.” — Jane Doe", None),
    ],
)
def test_wire_credits(first, last, outlet):
    assert wire_credit(first, last) == outlet


@pytest.mark.parametrize(
    ("credit", "agency"),
    [("By Associated Press", "Associated Press"), ("AP", "Associated Press"),
     ("Agence France-Presse", "AFP"), ("Associated Press Writer", "Associated Press"),
     ("Press Gazette", None), ("Apple", None)],
)  # fmt: skip
def test_agency_names(credit, agency):
    assert agency_name(credit) == agency


# --- authors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "outlet", "names"),
    [
        ("By MATTHEW LEE, Associated Press Writer", None, ["Matthew Lee"]),
        ("By Ann Lee and Bo Chan, CNN", "CNN", ["Ann Lee", "Bo Chan"]),
        ("By Associated Press", None, []),  # an agency credit: the outlet, not an author
        ("SARAH LYALL", None, ["Sarah Lyall"]),
        ("By John Smith, Special to The Times", "The Times", ["John Smith"]),
        ("By Jane Doe, Los Angeles", None, ["Jane Doe"]),  # a place after the comma
        ("Jeff FoustMonday, November 18, 2019", None, ["Jeff Foust"]),
        ("Sarah Gooding March 9, 2017", None, ["Sarah Gooding"]),
        ("Martin Untersinger (avec Damien Leloup et Morgane Tual)", None,
         ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]),
        ("Ben Silverman Games Editor", None, []),  # a role glued on: no clean name to keep
        ("Follow @erinmcunningham", None, []),
        ("https://www.nytimes.com/by/jeffrey-gettleman", None, []),
        ("Friday", None, []), ("Design", None, []), ("Staff", None, []),
        ("Our Foreign Staff", None, []), ("devindra", None, []), ("KWCHCIK", None, []),
        ("Mac & i", "Mac & i", []),  # the outlet as its own creator
        # look-alikes that are people: named Friday, April, or May
        ("By Joe Friday", None, ["Joe Friday"]), ("Friday Okonkwo", None, ["Friday Okonkwo"]),
        ("April Ryan", None, ["April Ryan"]), ("By Theresa May", None, ["Theresa May"]),
        ("By John C. Welch", None, ["John C. Welch"]),
    ],
)  # fmt: skip
def test_bylines_give_people(byline, outlet, names):
    assert split_byline(byline, outlet) == names


def text_article(text: str, **sidecar):
    return build_article(Source(id="x", path="x.txt", kind="text", text=text, raw_hash="h",
                                sidecar=sidecar))  # fmt: skip


BODY = "The volcano erupted again overnight, sending ash over the island's eastern towns."


def test_agency_byline_in_a_text_becomes_the_outlet():
    article = text_article(f"Volcano erupts again\n\nBy Associated Press\n\n{BODY}\n\n{BODY}")
    assert article.authors == () and article.outlet == "Associated Press"


def test_byline_in_capitals_in_a_text():
    article = text_article(f"Volcano erupts again\n\nBy MATTHEW LEE, Associated Press Writer\n\n"
                           f"{BODY}")  # fmt: skip
    assert article.authors == ("Matthew Lee",)


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("Published 12 July 2025", "2025-07-12"),
        ("July 12, 2025 12:11 AM", "2025-07-12"),  # a time without a zone: the date only
        ("July 12, 2025 12:11 AM EDT", "2025-07-12T00:11:00-04:00"),
        ("12.07.2025", "2025-07-12"),  # dots: day first
        ("13/07/2025", "2025-07-13"),
        ("07/12/2025", None),  # July 12 or 7 December: ambiguous, so none
        ("26-FEB-1987 15:01:01.79", "1987-02-26"),  # wire copy
        ("Dec. 11, 2007", "2007-12-11"),
        ("Friday, 3rd of March 2023", "2023-03-03"),
        ("March 3, 1850", None),  # before 1900
        (TOMORROW_PLUS, None),  # in the future
        ("12 July 2025 and 14 July 2025", None),  # two dates: which?
        ("May 2025", None),  # no day
    ],
)
def test_written_dates(written, iso):
    assert parse_written_date(written) == iso


@pytest.mark.parametrize(
    ("text", "url", "iso"),
    [
        ("Headline\nBy Ann Lee\nPublished: December 11, 2007\n\nThe story.", None, "2007-12-11"),
        ("Headline\nPublished 1 May 2020 | Updated 3 May 2020\n\nThe story.", None, "2020-05-01"),
        ("Headline\nUpdated 3 May 2020\n\nThe story.", None, "2020-05-03"),  # only an update
        ("WASHINGTON, Dec 11, 2007 (Reuters) - The Senate voted on Tuesday to approve the plan "
         "that would cost more than many had expected, sources said.", None, "2007-12-11"),
        # a date inside a long paragraph is what the story is about
        ("Headline\n\nOn March 3, 2003 the war began, and weeks later the capital fell to the "
         "advancing troops after days of heavy fighting in the suburbs.", None, None),
        ("Headline\n12 July 2025\n14 July 2025\n\nThe story.", None, None),  # disagree: none
        ("Headline\n\nThe story.", "https://x.example/2007/12/11/story", "2007-12-11"),
        ("Headline\n\nThe story.", None, None),  # nothing: never the file's date
    ],
)  # fmt: skip
def test_text_dates(text, url, iso):
    assert text_date(text, url) == iso


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("https://x.example/2007/12/11/story", "2007-12-11"),
        ("https://x.example/news/20071211/a.html", "2007-12-11"),
        ("https://x.example/2007-12-11-story", "2007-12-11"),
        ("https://x.example/2007/13/11/story", None),
        ("https://x.example/article/1284029577", None),  # an id is not a date
    ],
)
def test_url_dates(url, iso):
    assert url_date(url) == iso


@pytest.mark.parametrize(
    ("head", "iso"),
    [
        ('<meta property="article:published_time" content="2019-11-19T06:56:43-05:00">',
         "2019-11-19T06:56:43-05:00"),
        # two publication dates: the earlier is the original
        ('<meta name="datepublished" content="2015-03-12T13:11:07Z">'
         '<meta name="datepublished" content="2015-03-11T19:46:14Z">', "2015-03-11T19:46:14+00:00"),
        ('<meta property="article:published_time" content="0001-01-01T00:00:00Z">', None),
    ],
)  # fmt: skip
def test_html_markup_dates(head, iso):
    html = page(head)
    assert html_date(html, extract_html(html).published) == iso


def test_byline_date_beats_the_markup():
    html = page('<meta property="article:published_time" content="2015-03-12T13:11:07Z">',
                '<p class="byline">By Jane Doe March 11, 2015 3:46 PM</p>')  # fmt: skip
    assert html_date(html, extract_html(html).published) == "2015-03-11"


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("2024-02-10T09:30:00+00:00", "2024-02-10T09:30:00+00:00"),
        ("11 December 2007", "2007-12-11"),  # written out, unambiguous: taken
        ("10/02/2024", None),  # ambiguous: left out with a warning
        ("2999-01-01", None),  # future
    ],
)
def test_sidecar_dates(value, kept):
    fields, problems = validate_sidecar({"published": value})
    assert fields.get("published") == kept
    assert bool(problems) is (kept is None)


def test_no_date_is_never_the_build_date():
    article = text_article(f"Volcano erupts again\n\n{BODY}")
    assert article.published is None
    assert date.today().isoformat() not in repr(article)


# --- corpus-level evidence ------------------------------------------------------------------


def article(n: int, title: str, outlet: str | None, url: str | None, path: str = "") -> Article:
    return Article(id=str(n), title=title, text="b", source_path=path or f"{n}.html",
                   content_hash="h", outlet=outlet, url=url)  # fmt: skip


def test_harmonise_uses_what_many_pages_say():
    articles = [
        article(1, "Rates rise | Gazette Sport", "The Gazette", "https://www.gazette.example/1"),
        article(2, "Team wins | Gazette Sport", "the Gazette", "https://gazette.example/2"),
        article(3, "Coach quits | Gazette Sport", "The Gazette", "https://gazette.example/3"),
        article(4, "Ferry late | Gazette Sport", None, "https://gazette.example/4"),
        article(5, "Review: Dune", "The Gazette", "https://gazette.example/5"),
        article(6, "Review: Alien", "The Gazette", "https://gazette.example/6"),
        article(7, "Review: Heat", "The Gazette", "https://gazette.example/7"),
        # a text file's headline stays its first line
        article(8, "Notes | Gazette Sport", "The Gazette", None, path="8.txt"),
        article(9, "Wire story", "AP", "https://gazette.example/9"),
    ]
    out = {a.id: a for a in harmonise(articles)}
    assert out["4"].outlet == "The Gazette"  # the host's name, from its other pages
    assert out["2"].outlet == "The Gazette"  # one spelling
    assert out["9"].outlet == "Associated Press"  # an agency keeps its own name
    assert [out[i].title for i in "1234"] == ["Rates rise", "Team wins", "Coach quits",
                                               "Ferry late"]  # fmt: skip
    assert out["5"].title == "Review: Dune"  # a label with a colon is the story's
    assert out["8"].title == "Notes | Gazette Sport"
