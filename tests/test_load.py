"""Loading the corpus: bad files are skipped with their path and reason, the rest indexed."""

from __future__ import annotations

import pytest

from searchapp.build import rebuild_index
from searchapp.engine.articles import get_article
from searchapp.engine.search import SearchRequest, search
from searchapp.ingest.load import LoadError, article_files, decode, read_corpus
from searchapp.model import SkippedFile
from tests.conftest import make_corpus

GOOD = "The harbour master reported that the new breakwater held firm during the storm."
LATIN1 = "Le café de la gare à Zürich était fermé pour la journée entière à cause de la grève."


@pytest.fixture
def messy(tmp_path):
    return make_corpus(
        tmp_path,
        {
            "good": GOOD,
            "binary.txt": b"GIF89a\x00\x01\x00\x00\xff\xff\x00\x00 some text after",
            "empty.txt": b"",
            "blank.txt": b"  \n\n\t ",
            "latin1.txt": LATIN1.encode("latin-1"),
            "nohtml.html": "<html><head><title>Untitled</ti",
            "brokenhtml.html": "<html><body><div><p>The ferry company announced new summer "
            "timetables for every island route on <b>Monday, with more sailings at dawn "
            "and later returns in the evening for day visitors.<p>Tickets go on sale in May.",
            "badsidecar": "The orchard cooperative reported a record apple harvest this autumn.",
            "badsidecar.json": b'{"title": "Apples", ',
            "wrongshape": "The tram line extension to the hospital opens to passengers in June.",
            "wrongshape.json": {"authors": 5},
            "baddate": "Volunteers repainted the lighthouse on the northern cape at the weekend.",
            "baddate.json": {"published": "last Tuesday"},
            "notes.md": "not an article file at all",
        },
    )


def skipped_reasons(summary) -> dict[str, str]:
    return {item.path.rsplit("/", 1)[-1]: item.reason for item in summary.skipped}


def test_bad_files_are_skipped_with_path_and_reason(messy, tmp_path, open_live):
    summary = rebuild_index(messy, tmp_path / "index")
    reasons = skipped_reasons(summary)
    assert "NUL" in reasons["binary.txt"]
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.txt"]
    assert "badsidecar.json" in reasons["badsidecar.txt"]
    # a malformed sidecar field costs that field only: the article is indexed, with a warning
    assert "wrongshape.txt" not in reasons and "baddate.txt" not in reasons
    warnings = {w.path: w.message for w in summary.warnings}
    assert "'authors'" in warnings["wrongshape.txt"]
    assert "'published'" in warnings["baddate.txt"] and "last Tuesday" in warnings["baddate.txt"]
    assert "nohtml.html" in reasons
    for item in summary.skipped:  # absolute, or relative to the corpus
        assert (messy / item.path).is_file(), item.path
    live = open_live(tmp_path / "index")
    assert [hit.id for hit in search(live, SearchRequest(q="breakwater")).hits] == ["good"]
    assert [hit.id for hit in search(live, SearchRequest(q="timetables")).hits] == ["brokenhtml"]
    assert [hit.id for hit in search(live, SearchRequest(q="lighthouse")).hits] == ["baddate"]
    indexed = {hit.id for hit in search(live, SearchRequest(per_page=100)).hits}
    assert indexed | {name.split(".")[0] for name in reasons} == {
        "good", "binary", "empty", "blank", "latin1", "nohtml", "brokenhtml",
        "badsidecar", "wrongshape", "baddate",
    }  # fmt: skip
    assert indexed.isdisjoint(name.split(".")[0] for name in reasons)
    assert summary.indexed == len(indexed)


def test_latin1_text_is_decoded_right_or_rejected_never_mangled(messy, tmp_path, open_live):
    summary = rebuild_index(messy, tmp_path / "index")
    reasons = skipped_reasons(summary)
    live = open_live(tmp_path / "index")
    if "latin1.txt" in reasons:
        assert "UTF-8" in reasons["latin1.txt"]
        assert search(live, SearchRequest(q="gare")).total == 0
    else:
        assert get_article(live, "latin1").text == LATIN1
        assert [hit.id for hit in search(live, SearchRequest(q="cafe Zurich")).hits] == ["latin1"]


def test_skipped_paths_point_at_the_files(messy):
    skipped = [item for item in read_corpus(messy) if isinstance(item, SkippedFile)]
    assert len(skipped) >= 5
    for item in skipped:
        assert (messy / item.path).is_file() and item.reason, item


def test_only_article_suffixes_are_read(messy):
    names = {path.name for path in article_files(messy)}
    assert "notes.md" not in names and "badsidecar.json" not in names
    assert {"good.txt", "nohtml.html"} <= names


def test_duplicate_ids_keep_the_first(tmp_path):
    corpus = make_corpus(tmp_path, {"same.html": "<p>" + GOOD + "</p>", "same.txt": GOOD})
    items = list(read_corpus(corpus))
    assert [type(item).__name__ for item in items] == ["Source", "SkippedFile"]
    assert "duplicate" in items[1].reason


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"plain ascii", "plain ascii"),
        ("Zürich café".encode(), "Zürich café"),
        ("\ufeffwith a BOM".encode(), "with a BOM"),
    ],
)
def test_decode_utf8(data, text):
    assert decode(data) == text


@pytest.mark.parametrize("data", [b"", b"   \n", b"abc\x00def"])
def test_decode_refuses_empty_and_binary(data):
    with pytest.raises(LoadError):
        decode(data)


def test_decode_never_returns_mojibake():
    data = LATIN1.encode("cp1252")
    try:
        text = decode(data)
    except LoadError:
        return
    assert text == LATIN1
