"""Boilerplate stripping: one row per rule and tricky case, then the five seed articles."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from searchapp.ingest.clean import (
    PIPELINE_VERSION,
    RULES,
    RULES_DIGEST,
    Rule,
    clean_article,
    derive_title,
    find_site_template_lines,
    find_template_lines,
    line_key,
    rules_digest,
    strip_boilerplate,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

PROSE = "The minister said the talks had gone well and would resume next week in Geneva."
PROSE2 = "Officials on both sides described the mood as cautious but constructive overall."


def _seed(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


# (before, rule expected to remove `line`, line) — the line sits between two prose paragraphs
# unless the row says otherwise, so edge rules are tested at the edges.
REMOVED_ROWS = [
    # wire footers
    (
        f"{PROSE}\n\n© 2024 Example Media Group\n\n{PROSE2}",
        "copyright",
        "© 2024 Example Media Group",
    ),
    (
        f"{PROSE}\n\nCopyright 2023 The Daily Planet. All rights reserved.\n\n{PROSE2}",
        "copyright",
        "Copyright 2023 The Daily Planet. All rights reserved.",
    ),
    # "All rights reserved" alone, without a © sign
    (
        f"{PROSE}\n\nAcme News Ltd. All Rights Reserved.\n\n{PROSE2}",
        "copyright",
        "Acme News Ltd. All Rights Reserved.",
    ),
    (f"{PROSE}\n\nThe-AP-Wire\n\n{PROSE2}", "wire_tag", "The-AP-Wire"),
    # photo credits: agency slashes, labels, parenthesised
    (
        f"{PROSE}\n\nChip Somodevilla/Getty Images\n\n{PROSE2}",
        "photo_credit",
        "Chip Somodevilla/Getty Images",
    ),
    (
        f"{PROSE}\n\nAP Photo/Evan Vucci, File\n\n{PROSE2}",
        "photo_credit",
        "AP Photo/Evan Vucci, File",
    ),
    (
        f"{PROSE}\n\nPhoto: Jane Smith for The Herald\n\n{PROSE2}",
        "photo_credit",
        "Photo: Jane Smith for The Herald",
    ),
    (
        f"{PROSE}\n\nA crowd gathers outside parliament. (Photo by John Doe/Reuters)\n\n{PROSE2}",
        "photo_credit",
        "A crowd gathers outside parliament. (Photo by John Doe/Reuters)",
    ),
    (f"{PROSE}\n\nImage credit: NASA\n\n{PROSE2}", "photo_credit", "Image credit: NASA"),
    # republication notices
    (
        f"{PROSE}\n\nThis story was originally published by ProPublica.\n\n{PROSE2}",
        "republished",
        "This story was originally published by ProPublica.",
    ),
    # prompts to the reader
    (f"{PROSE}\n\nAdvertisement\n\n{PROSE2}", "advertisement", "Advertisement"),
    (
        f"{PROSE}\n\nSign up for our daily briefing and get the news in your inbox.\n\n{PROSE2}",
        "newsletter",
        "Sign up for our daily briefing and get the news in your inbox.",
    ),
    (
        f"{PROSE}\n\nWe use cookies to improve your experience. Accept all\n\n{PROSE2}",
        "cookies",
        "We use cookies to improve your experience. Accept all",
    ),
    (f"{PROSE}\n\nShare this article\n\n{PROSE2}", "share", "Share this article"),
    (
        f"{PROSE}\n\nRead more: Talks stall over border dispute\n\n{PROSE2}",
        "read_more",
        "Read more: Talks stall over border dispute",
    ),
    (
        f"{PROSE}\n\nClick here to watch the full interview\n\n{PROSE2}",
        "read_more",
        "Click here to watch the full interview",
    ),
    # a line of symbols only (section dividers)
    (f"{PROSE}\n\n* * *\n\n{PROSE2}", "symbols_only", "* * *"),
    # byline with a date after a bar; the date is not a name
    (
        f"Talks Resume in Geneva\n\nBy Ann Lee | March 3, 2024\n\n{PROSE}",
        "byline",
        "By Ann Lee | March 3, 2024",
    ),
    # widget labels at the edges, peeled past each other
    (f"Menu\n\nSearch\n\nTalks Resume in Geneva\n\n{PROSE}", "edge_ui", "Menu"),
    (f"{PROSE}\n\n{PROSE2}\n\nBack to top\n\nClose", "edge_ui", "Back to top"),
    (
        f"{PROSE}\n\nClick to share on Twitter (Opens in new window)\n\n{PROSE2}",
        "share",
        "Click to share on Twitter (Opens in new window)",
    ),
    # a row of social network names, whatever the site calls its share bar
    (
        f"{PROSE}\n\nWhatsapp Facebook Pint Baixar\n\n{PROSE2}",
        "share",
        "Whatsapp Facebook Pint Baixar",
    ),
    # named furniture in other languages
    (f"{PROSE}\n\nMehr zum Thema\n\n{PROSE2}", "related", "Mehr zum Thema"),
    (f"{PROSE}\n\nLe puede interesar:\n\n{PROSE2}", "related", "Le puede interesar:"),
    (f"{PROSE}\n\nCzytaj też\n\n{PROSE2}", "related", "Czytaj też"),
    (f"{PROSE}\n\nÀ lire aussi\n\n{PROSE2}", "related", "À lire aussi"),
    (
        f"{PROSE}\n\nFoto: dpa/Michael Kappeler\n\n{PROSE2}",
        "photo_credit",
        "Foto: dpa/Michael Kappeler",
    ),
    (f"{PROSE}\n\nFotografía: EFE\n\n{PROSE2}", "photo_credit", "Fotografía: EFE"),
    (
        f"{PROSE}\n\n© Spiegel Online. Alle Rechte vorbehalten\n\n{PROSE2}",
        "copyright",
        "© Spiegel Online. Alle Rechte vorbehalten",
    ),
    (
        f"{PROSE}\n\nLe Monde. Tous droits réservés.\n\n{PROSE2}",
        "copyright",
        "Le Monde. Tous droits réservés.",
    ),
    (f"{PROSE}\n\nTeilen\n\n{PROSE2}", "share", "Teilen"),
    (f"{PROSE}\n\nPartager sur Facebook\n\n{PROSE2}", "share", "Partager sur Facebook"),
    (f"{PROSE}\n\nCompartir\n\n{PROSE2}", "share", "Compartir"),
    (f"{PROSE}\n\nKommentare (12)\n\n{PROSE2}", "comments", "Kommentare (12)"),
    (f"{PROSE}\n\nAnzeige\n\n{PROSE2}", "advertisement", "Anzeige"),
    (
        f"{PROSE}\n\nTags: Geneva, talks, diplomacy\n\n{PROSE2}",
        "tags",
        "Tags: Geneva, talks, diplomacy",
    ),
    (f"{PROSE}\n\nÜber den Autor\n\n{PROSE2}", "author_bio", "Über den Autor"),
    # the wire feed's footer, in its own word order
    (
        f"{PROSE}\n\nThe post Talks Resume in Geneva appeared first on Daily News.\n\n{PROSE2}",
        "republished",
        "The post Talks Resume in Geneva appeared first on Daily News.",
    ),
    # the headline printed again in the body, with different case and spacing
    (
        f"Talks Resume in Geneva\n\n{PROSE}\n\nTALKS  resume in Geneva\n\n{PROSE2}",
        "headline_echo",
        "TALKS resume in Geneva",
    ),
    # a page that prints its body twice: the second copy goes (spacing and case aside)
    (
        f"{PROSE}\n\n{PROSE2}\n\n{PROSE}\n\n{PROSE2.upper()}",
        "repeated",
        PROSE2.upper(),
    ),
]


@pytest.mark.parametrize(("before", "rule", "line"), REMOVED_ROWS)
def test_rule_removes(before: str, rule: str, line: str) -> None:
    result = clean_article(before)
    assert (line, rule) in [(r.text, r.rule) for r in result.removed]
    assert line not in result.text
    assert PROSE in result.text


# (before, line that must stay) — look-alikes of furniture that are content.
KEPT_ROWS = [
    # a short heading mid-article is not a widget label
    (f"{PROSE}\n\nWhat Comes Next\n\n{PROSE2}", "What Comes Next"),
    # a short title-like line at the start followed by prose is the headline, not a logo
    (f"Deeper than Arms\n\n{PROSE}", None),
    # prose that mentions copyright or cookies is reporting, not a footer
    (
        (
            f"{PROSE}\n\nThe court ruled that the band's copyright claim over the song, filed "
            "in 2019 by its former manager, had been brought too late and must be dismissed."
        ),
        "copyright claim",
    ),
    (
        f"{PROSE}\n\nThe firm said its newsletter, Vision, will be published every three weeks.",
        "newsletter, Vision",
    ),
    # a sentence starting with "By" is not a byline
    (
        f"Budget Plan\n\nBy Tuesday, Ministers And Officials had agreed the plan.\n\n{PROSE}",
        "By Tuesday",
    ),
    # a fraction-like figure is not a photo credit
    (f"{PROSE}\n\nShipping dates 2/26 2/27\n\n{PROSE2}", "2/26 2/27"),
    # bullets at the end edge are content, however short
    (f"{PROSE}\n\nNotes\n- Ibid\n- Smith", "- Ibid\n- Smith"),
    # one doubled heading is an accident of scraping, not a teaser block
    (f"{PROSE}\n\nWhat Comes Next\nWhat Comes Next\n\n{PROSE2}", PROSE2),
    # sentences that open like a label are sentences: evidence outweighs the first words
    (
        f"{PROSE}\n\nRelated research from the academy found that the talks had been "
        f"useful for both of the delegations.\n\n{PROSE2}",
        "Related research from the academy",
    ),
    (
        f"{PROSE}\n\nRead more about the plan in the report that the ministry published "
        f"on its website this morning.\n\n{PROSE2}",
        "Read more about the plan",
    ),
    (
        f"{PROSE}\n\nShare prices in Geneva rose by two per cent after the news of the talks "
        f"was announced.\n\n{PROSE2}",
        "Share prices in Geneva",
    ),
    # a quote that the article repeats stays twice
    (f"“We will not back down,” she said.\n\n{PROSE}\n\n“We will not back down,” she said.", None),
]


@pytest.mark.parametrize(("before", "kept"), KEPT_ROWS)
def test_content_is_kept(before: str, kept: str | None) -> None:
    result = clean_article(before)
    text = result.text if result.title is None else f"{result.title}\n\n{result.text}"
    if kept is not None:
        assert kept in text
    # nothing at all was removed: every input word survives
    assert sorted(text.split()) == sorted(before.split())


# A rendered page: a menu above the article, teasers and readers' comments below it.
MENU = "\n".join(["Home", "World", "Business", "Tech", "Sport", "Weather", "Video"])
PAGE = f"""{MENU}
Talks Resume in Geneva
{PROSE}
{PROSE2}
What Comes Next
The two delegations will meet again on Friday to settle the remaining points of the text.
Most Read
Storm Hits the Coast
Residents were told to stay indoors as the storm moved north along the coast and
Markets Rally Again
Shares rose for a third day as investors bet that rates would fall before the end
Team Wins the Cup
The home side won the final in extra time after a tense match that went down to
34 Comments
anna says:
November 19, 2019 at 6:34 am
I think this is a good step for both sides and hope it lasts for a long time.
bob says:
November 19, 2019 at 6:44 am
Nothing will change, as usual, and the talks will end without any agreement again.
Terms of Use
Privacy Policy
Contact Us
About Us
Careers"""


def test_page_furniture_around_the_article() -> None:
    result = clean_article(PAGE)
    assert result.title == "Talks Resume in Geneva"
    assert _paragraphs(result.text) == [
        PROSE,
        PROSE2,
        "What Comes Next",
        "The two delegations will meet again on Friday to settle the remaining points of the text.",
    ]
    rules = {r.text: r.rule for r in result.removed}
    assert rules["Home"] == "edge_ui"
    assert rules["Storm Hits the Coast"] == "teaser_run"
    assert rules["34 Comments"] == "comments"
    assert rules["anna says:"] == "comments"
    assert rules["Careers"] == "comments"  # everything after the comments begin


def test_menu_lines_far_from_the_text_are_outside_main() -> None:
    # Long menu entries (not widget-sized) below the article are cut by the region rule.
    footer = "\n".join(f"Our Guide to Section Number {n} of This Site" for n in range(6))
    last = "The delegations will meet again in Geneva on Thursday, the ministry said."
    result = clean_article(f"{PROSE}\n{PROSE2}\n{footer}\n{last}")
    assert _paragraphs(result.text) == [PROSE, PROSE2]
    assert {r.rule for r in result.removed} == {"outside_main"}
    assert len(result.removed) == 7


@pytest.mark.parametrize(
    "signature",
    [
        # a thread with no heading, told by the buttons under every comment
        "{name}\n| November 9, 2012 12:{m:02d} AM\n| Reply",
        # TypePad's "Posted by:" over each commenter's name
        "Posted by:\n{name} |\nNovember 01, 2012 at 03:{m:02d} PM",
    ],
)
def test_comment_threads_without_a_heading(signature: str) -> None:
    thread = "\n".join(
        signature.format(name=name, m=m) + f"\nI agree with {name.lower()}'s point."
        for m, name in enumerate(["Matt", "Bart", "Adam", "Dana"])
    )
    result = clean_article(f"{STORY}\n{thread}")
    assert _paragraphs(result.text) == BODY
    assert {r.text: r.rule for r in result.removed}["I agree with adam's point."] == "comments"


def test_live_blog_time_stamps_are_not_comments() -> None:
    entries = "\n".join(f"10:{m:02d} am\n{PROSE[:-1]}, entry {m}." for m in range(0, 50, 10))
    assert clean_article(entries).removed == ()


def test_typed_copy_is_not_trimmed_like_a_page() -> None:
    # A wire results table: rows of figures and short labels, with one sentence.
    table = "Shr 39 cts vs 50 cts\n    Net 1,545,160 vs 2,188,933\n    Revs 25.2 mln vs 19.5 mln"
    text = f"{table}\n    Year\n    Shr 1.53 dlrs vs 1.21 dlrs\n    NOTE: Results are restated."
    result = clean_article(text)
    assert "Year" in result.text and "Net 1,545,160 vs 2,188,933" in result.text
    assert result.removed == ()


def test_a_blog_with_counted_archive_lists_is_trimmed_like_a_page() -> None:
    # "July (40)" and "2012 (135)" are links with counts, not a table of figures: a page
    # whose sidebar is mostly such lines is still a web page, and its sidebar goes.
    archive = "\n".join(("July (40)", "June (1)", "April (7)", "March (29)"))
    tags = "\n".join(
        f"{t} ({n})" for t, n in (("creative ads", 48), ("ideation", 10), ("2012", 135))
    )
    text = (
        f"A Dance Around the Globe\n\n{PROSE}\n\n{PROSE2}\n\n{PROSE}\n\nArchive\n{archive}\n{tags}"
    )
    result = clean_article(text)
    assert _paragraphs(result.text) == [PROSE, PROSE2]  # the repeat of PROSE is kept once
    assert "July (40)" not in result.text and "creative ads (48)" not in result.text


def test_a_short_post_under_its_headline_outweighs_a_longer_sidebar_blurb() -> None:
    post = "Sam Falconer makes lovely illustrations of famous actors and scientists. Go see them."
    blurb = (
        "Hello stranger, you can also like my page here or add me to your circles: the "
        "curious brain has its own channel that you can follow."
    )
    page = (
        "Sam Falconer » The Curious Brain\nSam Falconer\nillustrations — 15:25\n"
        f"{post}\n0 Comments\nLeave a comment\nName (required)\nWebsite\n{blurb}\n"
        "Curious about me?\nads\nimages\nvideos"
    )
    result = clean_article(page)
    assert post in result.text
    assert "Hello stranger" not in result.text


def test_chinese_and_japanese_count_a_word_per_two_characters() -> None:
    from searchapp.ingest.textshape import is_prose, word_count

    chinese = "一波波接續性低溫寒流報到，已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣。"
    japanese = "東京では新しい美術館が今週末に開館し、多くの人々が訪れると見られている。"
    assert word_count(chinese) == 17 and is_prose(chinese)  # runs of 12 and 21 characters
    assert word_count(japanese) == 18 and is_prose(japanese)
    assert word_count("旅遊") == 1 and not is_prose("旅遊")  # a menu label
    assert word_count("Tokyo 東京 e-mail") == 3


def test_unpunctuated_chinese_lines_are_not_a_run_of_teasers() -> None:
    # A script without capitals gives no headline evidence by its first letter: lines of
    # the same length in a row are the post, not headlines each with a cut summary.
    lines = [
        "一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣",
        "玉峰道路一路上雲氣山嵐滯留山頭 順路下切蜿蜒道路後不久即抵達來到玉峰國小",
        "美樹美如其名偌大楓香樹早已呈現金黃 泛紅色彩也是愛攝人仕所喜愛造訪之地",
        "第二次造訪美樹發現到營區變了 印象中以前生冷招牌換成了原木招牌可謂匠心獨運",
        "燻黑原木加上金黃色醒目字體 加上了貓頭鷹原木創作也充分發揮了裝飾藝術功力",
        "營區內除了露營、民宿、餐飲、賞楓項目多了許多原木飾品更有畫龍點睛加乘效果",
    ]
    result = clean_article("\n\n".join(lines), extracted=True)
    assert _paragraphs(result.text) == lines
    assert result.removed == ()


def test_a_chinese_article_is_kept_between_its_menus() -> None:
    body = [
        "一波波接續性低溫寒流報到，已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣。",
        "玉峰道路一路上雲氣山嵐滯留山頭，順路下切蜿蜒道路後不久即抵達來到玉峰國小。",
        "營區內除了露營、民宿、餐飲、賞楓項目，多了許多原木飾品，更有畫龍點睛加乘效果。",
    ]
    menu = "首頁\n相簿\n部落格\n留言"
    result = clean_article(f"{menu}\n\n" + "\n\n".join(body) + f"\n\n{menu}")
    assert _paragraphs(result.text) == body


def test_every_rule_has_a_row() -> None:
    tested = {rule for _, rule, _ in REMOVED_ROWS}
    tested |= {"template", "teaser_run", "comments", "outside_main", "after_article_end"}
    assert {r.name for r in RULES} <= tested


def test_pipeline_version_moves_with_the_rule_table() -> None:
    """A changed rule without a new PIPELINE_VERSION would leave stale cleanings indexed."""
    assert rules_digest() == RULES_DIGEST, (
        f"RULES changed: bump PIPELINE_VERSION (now {PIPELINE_VERSION!r}) and set "
        f"RULES_DIGEST = {rules_digest()!r} in searchapp/ingest/clean.py"
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda rules: rules[1:],  # a rule dropped
        lambda rules: [rules[1], rules[0], *rules[2:]],  # two rules swapped
        lambda rules: [*rules[:2], Rule("copyright", RULES[4].test), *rules[3:]],  # a new test
        lambda rules: [*rules[:-1], Rule(rules[-1].name, rules[-1].test, "anywhere")],
    ],
    ids=["dropped", "reordered", "other-pattern", "other-place"],
)
def test_the_digest_sees_a_changed_table(change) -> None:
    assert rules_digest(change(list(RULES))) != rules_digest()


def test_template_lines_from_corpus_evidence() -> None:
    docs = [
        f"Home News Sport\n\n{PROSE}\n\nStory {i} tells of events on day {i}." for i in range(5)
    ]
    template = find_template_lines(docs, min_docs=3)
    assert template == frozenset({"home news sport", line_key(PROSE)})
    result = clean_article(docs[0], template_lines=frozenset({"home news sport"}))
    assert [(r.text, r.rule) for r in result.removed] == [("Home News Sport", "template")]


@pytest.mark.parametrize(
    ("count", "min_docs", "min_share", "found"),
    [
        (3, 3, 0.02, True),  # exactly min_docs
        (2, 3, 0.02, False),  # one short of min_docs
        (3, 3, 0.5, False),  # the share of a ten-document corpus wins over min_docs
        (5, 3, 0.5, True),
    ],
)
def test_find_template_lines_thresholds(
    count: int, min_docs: int, min_share: float, found: bool
) -> None:
    docs = ["Subscribe now\n" + PROSE] * count + [PROSE2] * (10 - count)
    template = find_template_lines(docs, min_docs=min_docs, min_share=min_share)
    assert ("subscribe now" in template) is found


def test_long_lines_are_never_template() -> None:
    long_line = " ".join(["word"] * 30)
    assert find_template_lines([long_line] * 5) == frozenset()


@pytest.mark.parametrize(
    ("line", "key"),
    [("  Sign   UP\tnow ", "sign up now"), ("STRASSE", "strasse"), ("Straße", "strasse")],
)
def test_line_key(line: str, key: str) -> None:
    assert line_key(line) == key


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Kim met Lavrov. They talked.", "Kim met Lavrov"),
        # cut at twelve words on a word boundary, trailing comma dropped
        (
            "One two three four five six seven eight nine ten eleven, twelve thirteen.",
            "One two three four five six seven eight nine ten eleven, twelve…",
        ),
        (
            "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu, nu xi.",
            "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu…",
        ),
        ("\n\nU.S. talks resume. More later.", "U.S. talks resume"),
    ],
)
def test_derive_title(text: str, title: str) -> None:
    assert derive_title(text) == title


def test_teaser_run_removed_whole() -> None:
    teasers = "".join(
        f"Teaser Headline Number {n}\nTeaser Headline Number {n}\n\n"
        f"Summary {n} of another story that the site wants you to read next.\n\n"
        for n in range(3)
    )
    result = clean_article(f"Main Story\n\n{PROSE}\n\nEditor’s Note\n\n{PROSE2}\n\n{teasers}")
    assert result.text == f"{PROSE}\n\nEditor’s Note\n\n{PROSE2}"
    assert {r.rule for r in result.removed} == {"teaser_run"}
    assert len(result.removed) == 9


# --- hard-wrapped wire copy ---------------------------------------------------------------

WRAPPED = """\
Showers continued throughout the week in
the Bahia cocoa zone, alleviating the drought since early
January and improving prospects for the coming temporao,
although normal humidity levels have not been restored,
Comissaria Smith said in its weekly review.
    The dry period means the temporao will be late this year.
    Arrivals for the week ended February 22 were 155,221 bags
of 60 kilos making a cumulative total for the season of 5.93
mln against 5.81 at the same stage last year. Again it seems
that cocoa delivered earlier on consignment was included in the
arrivals figures.
"""


def test_hard_wrapped_lines_join_into_paragraphs() -> None:
    result = clean_article(WRAPPED)
    assert _paragraphs(result.text) == [
        (
            "Showers continued throughout the week in the Bahia cocoa zone, alleviating the "
            "drought since early January and improving prospects for the coming temporao, "
            "although normal humidity levels have not been restored, Comissaria Smith said in "
            "its weekly review."
        ),
        "The dry period means the temporao will be late this year.",
        (
            "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos making a "
            "cumulative total for the season of 5.93 mln against 5.81 at the same stage last "
            "year. Again it seems that cocoa delivered earlier on consignment was included in "
            "the arrivals figures."
        ),
    ]
    assert result.removed == () and result.title is None


def test_hard_wrap_detection_is_not_reuters_only() -> None:
    # Blank-line paragraphs wrapped at 50 columns, no indentation.
    para = (
        "The council voted on Tuesday to extend the night bus service to the outer "
        "suburbs, after a campaign by residents who said they had been left stranded "
        "for years when the last train had gone."
    )
    wrapped = "\n\n".join(textwrap.fill(p, 50) for p in (para, para.replace("council", "board")))
    assert max(map(len, wrapped.splitlines())) <= 50
    assert _paragraphs(strip_boilerplate(wrapped)) == [para, para.replace("council", "board")]


def test_unwrapped_short_lines_stay_apart() -> None:
    # Lines of a list: similar lengths, but each one finished, so nothing is joined.
    text = "\n".join(f"- Item {n} is done." for n in range(8))
    assert strip_boilerplate(text).splitlines() == text.splitlines()


# --- the five seed articles ---------------------------------------------------------------


def _seed_paragraphs(prefix: str) -> list[str]:
    return [" ".join(s.split()) for s in _seed(prefix).splitlines() if s.strip()]


def test_seed_000_cnn() -> None:
    result = clean_article(_seed("000"))
    assert result.title is not None and result.title.startswith(
        "North Korea’s Kim Jong Un restates"
    )
    assert result.authors == (
        "Will Ripley",
        "Lex Harvey",
        "Chris Lau",
        "Lucas Lilieholm",
        "Laura Sharman",
    )
    assert result.outlet == "CNN"
    assert {(r.rule, r.text[:20]) for r in result.removed} == {
        ("photo_credit", "Mauro Pimentel/AFP/G"),
        ("byline", "By Will Ripley, Lex "),
        ("wire_tag", "The-CNN-Wire"),
        ("copyright", "™ & © 2025 Cable New"),
        ("edge_ui", "First Warning Neighb"),
        ("edge_ui", "Close"),
    }
    for gone in (
        "Getty Images",
        "By Will Ripley",
        "CNN-Wire",
        "Cable News Network",
        "All rights reserved",
        "First Warning",
        "Close",
    ):
        assert gone not in result.text
    paragraphs = _paragraphs(result.text)
    # every body paragraph, from the dateline to the last, in order
    lines = _seed_paragraphs("000")
    assert paragraphs == lines[3:-4]
    assert paragraphs[0].startswith("(CNN) — North Korean leader")
    assert "Integrated into Russia’s war" in paragraphs
    assert result.headings == ("Integrated into Russia’s war",)
    assert result.lead == paragraphs[0]


def test_seed_001_teasers_and_echo() -> None:
    source = _seed("001")
    result = clean_article(source)
    headline = "North Korea’s Kim Jong Un Offers Unwavering Support to Russia Amid Ukraine Conflict"
    assert result.title == headline
    assert headline not in result.text  # the echo in the body is gone too
    assert "Logo" not in result.text
    assert result.lead.startswith("In a pivotal meeting in Wonsan")
    # the Editor's Note heading and paragraph stay, then the text ends
    paragraphs = _paragraphs(result.text)
    assert paragraphs[-2] == "Editor’s Note"
    assert paragraphs[-1].startswith("The recent reaffirmation of support")
    assert "Editor’s Note" in result.headings
    # every teaser headline and summary is gone, the first one included
    for teaser in (
        "Russia and North Korea Deepen Alliance",
        "Over the past year, Russia",
        "Macron Calls on EU",
        "French President Emmanuel Macron",
    ):
        assert teaser not in result.text
    assert sum(r.rule == "teaser_run" for r in result.removed) == 54
    # the bullet list stays, one item per line
    assert "• Will increased North Korean involvement" in result.text
    assert "?\n• How will the US" in result.text


def test_seed_002_keeps_everything() -> None:
    result = clean_article(_seed("002"))
    assert result.removed == () and result.title is None
    assert _paragraphs(result.text.replace("\n- ", "\n\n- ")) == _seed_paragraphs("002")
    assert "At a Glance" in result.headings


def test_seed_003_repeated_quote_kept_twice() -> None:
    result = clean_article(_seed("003"))
    assert result.removed == ()
    quote = "we once again expressed our sincere gratitude for the contribution of Korean"
    assert result.text.count(quote) == 2
    assert _paragraphs(result.text) == _seed_paragraphs("003")


def test_seed_004_notes_kept_and_outlet() -> None:
    result = clean_article(_seed("004"))
    assert result.outlet == "38 North"
    assert [r.rule for r in result.removed] == ["republished"]
    assert "first appeared on 38 North" not in result.text
    assert "\n\nNotes\n\n- Daniel Sneider, email exchange with author." in result.text
    assert result.text.endswith("- Ibid.")
    assert "Notes" in result.headings and "Deeper than Arms" in result.headings
    assert _paragraphs(result.text.replace("\n- ", "\n\n- ")) == _seed_paragraphs("004")[:-1]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_strip_boilerplate_matches_clean_article(prefix: str) -> None:
    text = _seed(prefix)
    assert strip_boilerplate(text) == clean_article(text).text
    assert "\n\n\n" not in strip_boilerplate(text)


def test_extracted_text_keeps_its_edges():
    # The HTML extractor already chose the article: a short first heading and a closing
    # one-word line are content there, while raw scraped text loses them as widget labels.
    text = f"Background\n\n{PROSE}\n\n{PROSE2}\n\nUpdated"
    extracted = clean_article(text, extracted=True)
    assert extracted.title is None
    assert extracted.text.startswith("Background") and extracted.text.endswith("Updated")
    raw = clean_article(text)
    assert "Updated" not in raw.text


def test_extracted_text_keeps_what_follows_a_marker_line():
    # In a page's extracted article a "Response" heading is a section of a technical post,
    # not a comment thread: the extractor has found the end. Raw page text is cut there,
    # and so is a recall-mode extraction, which asks for the cut with find_end.
    section = "Response objects carry the status, the headers and a body stream to read once."
    text = "\n\n".join([*BODY, "Response", section])
    assert clean_article(text, extracted=True).text.endswith(section)
    for cleaned in (clean_article(text), clean_article(text, extracted=True, find_end=True)):
        assert section not in cleaned.text
        assert {r.text: r.rule for r in cleaned.removed}[section] == "after_article_end"


def test_extracted_text_still_loses_named_furniture():
    text = f"{PROSE}\n\nSign up for our newsletter to get the latest news.\n\n{PROSE2}"
    assert "newsletter" not in clean_article(text, extracted=True).text


# --- article bounds: where the story ends, where it starts ---------------------------------

BODY = [
    "The minister said the talks had gone well and would resume next week in Geneva.",
    "Officials on both sides described the mood as cautious but constructive overall.",
    "The two delegations spent most of the day on the question of the border crossings.",
    "A draft text is expected to be circulated among the members before the weekend.",
    "Observers said the agreement could still fail if the ceasefire does not hold.",
    "The next round is due to begin on Monday, when the foreign ministers will join.",
]
STORY = "\n".join(BODY)


def _kept_and_rules(text: str) -> tuple[list[str], dict[str, str]]:
    result = clean_article(text)
    return _paragraphs(result.text), {r.text: r.rule for r in result.removed}


# (the tail after the story, a line of it that must go, the rule that takes that line)
TAIL_ROWS = [
    # a tail of teasers with summaries, under a "more on this" label
    (
        "More on this topic\nStorm Hits the Coast\nResidents were told to stay indoors as the "
        "storm moved north along the coast.\nMarkets Rally Again\nShares rose for a third day "
        "as investors bet that rates would fall.",
        "Residents were told to stay indoors as the storm moved north along the coast.",
        "after_article_end",
    ),
    # an author bio: prose, but about the writer
    (
        "About the author\nAnn Lee is a correspondent who has covered European diplomacy "
        "for twenty years from Brussels and Geneva.",
        "Ann Lee is a correspondent who has covered European diplomacy for twenty years from "
        "Brussels and Geneva.",
        "after_article_end",
    ),
    # an author box headed by the author's name
    (
        "About Michael Brenner\nMichael Brenner is the author of a marketing blog and "
        "directs integrated marketing at a software company.",
        "Michael Brenner is the author of a marketing blog and directs integrated marketing "
        "at a software company.",
        "after_article_end",
    ),
    # a blog post's footer: where it was filed, then the next post's teaser
    (
        "Posted in Diplomacy, Europe\nNext post\nThe ministers will meet again in the spring "
        "to sign the agreement, officials said today.",
        "The ministers will meet again in the spring to sign the agreement, officials said today.",
        "after_article_end",
    ),
    # a comment form
    (
        "Leave a Reply\nYour email address will not be published. Required fields are marked "
        "with a star.\nComment\nName\nEmail\nWebsite\nPost Comment",
        "Your email address will not be published. Required fields are marked with a star.",
        "after_article_end",
    ),
    # the same in German, French and Spanish
    (
        "Mehr zum Thema\nDie Gespräche in Genf sollen nach Angaben der Delegationen in der "
        "kommenden Woche fortgesetzt werden.",
        "Die Gespräche in Genf sollen nach Angaben der Delegationen in der kommenden Woche "
        "fortgesetzt werden.",
        "after_article_end",
    ),
    (
        "Sur le même sujet\nLes négociations entre les deux pays doivent reprendre la semaine "
        "prochaine à Genève, selon les diplomates.",
        "Les négociations entre les deux pays doivent reprendre la semaine prochaine à Genève, "
        "selon les diplomates.",
        "after_article_end",
    ),
    (
        "Deja un comentario\nTu dirección de correo electrónico no será publicada y los campos "
        "obligatorios están marcados.",
        "Tu dirección de correo electrónico no será publicada y los campos obligatorios están "
        "marcados.",
        "after_article_end",
    ),
]


@pytest.mark.parametrize(("tail", "line", "rule"), TAIL_ROWS)
def test_prose_after_the_end_marker_is_not_the_story(tail: str, line: str, rule: str) -> None:
    kept, rules = _kept_and_rules(f"Talks Resume in Geneva\n{STORY}\n{tail}")
    assert kept == BODY
    assert rules[line] == rule


@pytest.mark.parametrize("heading", ["About the study", "About Designer", "About Us"])
def test_a_subheading_opening_with_about_ends_nothing(heading: str) -> None:
    # Only "About" and a person's name (two or three capitalised words) heads an author box.
    more = [
        "The study followed four hundred families over ten years in three of the cities.",
        "Its authors said the results were clearer than they had expected at the start.",
    ]
    kept, _ = _kept_and_rules("Talks Resume in Geneva\n" + "\n".join([*BODY, heading, *more]))
    assert kept == [*BODY, heading, *more]


def test_end_marker_above_the_story_ends_nothing() -> None:
    # "3 Comments" and a share row under the headline come before any prose.
    kept, _ = _kept_and_rules(f"Talks Resume in Geneva\n3 Comments\nShare\n{STORY}")
    assert kept == BODY


def test_lead_after_a_byline_and_a_date_line_stays() -> None:
    lead = (
        "Negotiators from both countries met for the first time in a year on Tuesday, "
        "raising hopes of an end to the long dispute over the border."
    )
    page = (
        f"Home\nWorld\nBusiness\nTalks Resume in Geneva\n{lead}\nBy Ann Lee\n"
        f"March 3, 2024 10:45 am\nPhoto: Reuters\n{STORY}\nMore on this topic\nTerms of Use"
    )
    kept, rules = _kept_and_rules(page)
    assert kept == [lead, "March 3, 2024 10:45 am", *BODY] or kept == [lead, *BODY]
    assert rules["By Ann Lee"] == "byline"


def test_short_structured_lines_inside_the_story_stay() -> None:
    steps = ["Step 1", "Mix the flour and the sugar", "Step 2", "Bake for 20 minutes"]
    page = "\n".join([*BODY[:3], *steps, *BODY[3:]])
    kept, _ = _kept_and_rules(f"Recipe of the Week\n{page}")
    assert kept == [*BODY[:3], *steps, *BODY[3:]]


def test_site_template_lines_on_a_large_mixed_corpus() -> None:
    # Three pages of one site share a footer; 200 other pages make it 1.5% of the corpus,
    # under the corpus-wide share, but it is that site's template.
    footer = "Read the Island Post every morning"
    site = [("islandpost", f"{PROSE}\n{footer}\nStory {i} of the day.") for i in range(3)]
    others = [(f"site{i}", f"{PROSE2} Item {i}.") for i in range(200)]
    texts = [text for _, text in site + others]
    assert line_key(footer) not in find_template_lines(texts)
    assert line_key(footer) in find_site_template_lines(site + others)
    # two pages of a site are not yet evidence; nor is a line on 3 of 40 pages of one site
    assert line_key(footer) not in find_site_template_lines(site[:2] + others)
    big_site = site + [("islandpost", f"{PROSE2} Other story {i}.") for i in range(37)]
    assert line_key(footer) not in find_site_template_lines(big_site)
