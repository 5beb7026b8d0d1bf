"""The synonyms file: its format, bad lines, and groups applied at query time."""

from __future__ import annotations

import pytest

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.engine.synonyms import SynonymsError, load_synonyms, parse_synonyms
from tests.conftest import make_corpus

FILE = """\
# phones
cellphone, cell phone, mobile phone
UN, United Nations  # a comment after a group
lonely
"""


@pytest.mark.parametrize(
    "typed, searched",
    [
        ("cellphone prices", '(cellphone OR "cell phone" OR "mobile phone") prices'),
        ("Mobile Phone", '((mobile AND phone) OR cellphone OR "cell phone")'),  # any case
        ('"mobile phone" ban', '"mobile phone" ban'),  # quoted: as typed
        ("title:cellphone", "title:cellphone"),  # a field's word: as typed
        ("cellphone*", "cellphone*"),  # a prefix: as typed
        ("UN vote", '(un OR "united nations") vote'),
        ("unite", "unite"),  # whole words only
    ],
)
def test_entries_become_their_groups(typed, searched):
    assert parse_synonyms(FILE).rewrite(typed) == searched


def test_the_typed_words_keep_the_any_word_meaning():
    rewritten = parse_synonyms(FILE).rewrite("mobile phone", match="any")
    assert rewritten == '((mobile OR phone) OR cellphone OR "cell phone")'


def test_a_line_with_one_entry_is_reported_and_skipped():
    synonyms = parse_synonyms(FILE)
    assert synonyms.problems == ("line 4: needs two or more entries separated by commas",)
    assert ("lonely",) not in synonyms.groups


def test_an_entry_on_two_lines_joins_both_groups():
    synonyms = parse_synonyms("car, automobile\ncar, motorcar\n")
    assert synonyms.groups[("car",)] == (("car",), ("automobile",), ("motorcar",))
    assert synonyms.groups[("automobile",)] == (("car",), ("automobile",))


def test_an_unreadable_file_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "synonyms.txt"
    bad.write_bytes(b"caf\xe9, coffee\n")
    with pytest.raises(SynonymsError, match="synonyms.txt"):
        load_synonyms(bad)
    with pytest.raises(SynonymsError, match="missing.txt"):
        load_synonyms(tmp_path / "missing.txt")


def test_the_api_applies_the_file(tmp_path):
    corpus = make_corpus(
        tmp_path,
        {
            "cell": "Cell phone sales rose in May.\n\nShops were full.",
            "mobile": "Mobile phone bans in schools spread.\n\nTeachers agreed.",
            "other": "Phone boxes vanished from towns.\n\nFew missed them.",
        },
    )
    rebuild_index(corpus, tmp_path / "index")
    (tmp_path / "synonyms.txt").write_text(FILE, encoding="utf-8")
    app = create_app(
        {"INDEX_DIR": str(tmp_path / "index"), "SYNONYMS_FILE": str(tmp_path / "synonyms.txt")}
    )
    with app.test_client() as client:
        body = client.get("/api/search?q=cellphone").get_json()
        assert {r["id"] for r in body["results"]} == {"cell", "mobile"}
    app.extensions["searchapp.live"].close()
