"""BM25's document lengths, read as one block, are those Whoosh gives one document at a time."""

from __future__ import annotations

from searchapp.engine.whoosh_private import document_lengths
from tests.conftest import open_built

ARTICLES = {
    f"a{i}": f"Story {i} about {'wheat ' * (i * 7 % 40)}harvests.\n\nMore words here."
    for i in range(30)
}


def test_every_field_and_document_of_every_segment(tmp_path, open_live):
    open_built(tmp_path, ARTICLES).close()
    live = open_live(tmp_path / "index")
    with live.searcher() as (_, searcher):
        for segment, _ in searcher.leaf_searchers():
            reader = segment.reader()
            for fieldname in ("text", "title", "authors", "outlet", "spell_text", "url"):
                expected = [
                    reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())
                ]
                assert document_lengths(reader, fieldname, 1) == expected, fieldname
            assert len(set(document_lengths(reader, "text", 1))) > 10
