"""Search-as-you-type: completions beside the earlier words come first."""

from __future__ import annotations

from searchapp.build import rebuild_index
from searchapp.engine.completion import complete
from tests.conftest import make_corpus

# "british" is in five articles, "brown" in two, both beside "Gordon".
ARTICLES = {
    **{
        f"british{i}": f"The British fleet sailed at dawn, day {i}.\n\nPorts closed."
        for i in range(4)
    },
    "gordon1": "Gordon Brown spoke in Kirkcaldy.\n\nHe praised the British nurses.",
    "gordon2": "Gordon Brown wrote a book.\n\nReviews were kind.",
}


def test_completions_beside_the_earlier_words_come_first(tmp_path, open_live):
    rebuild_index(make_corpus(tmp_path, ARTICLES), tmp_path / "index")
    live = open_live(tmp_path / "index")
    assert complete(live, "br")[:2] == ("british", "brown")  # alone: the most common first
    assert complete(live, "gordon br")[:2] == ("gordon brown", "gordon british")
    assert complete(live, "Gordon the br")[:1] == ("Gordon the brown",)  # stop words skipped
    assert complete(live, "zebra br")[:2] == ("zebra british", "zebra brown")  # unknown: by count
