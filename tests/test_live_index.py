"""reader: a generation's facet columns and stats come from index columns."""

from __future__ import annotations

import json

import pytest

from searchapp.build import rebuild_index
from searchapp.engine import live_index
from searchapp.engine.live_index import IndexUnavailableError
from searchapp.engine.search import SearchRequest, search
from searchapp.store import current_generation
from tests.conftest import make_corpus


def test_facets_from_columns_match_the_stored_documents(tmp_path, open_live):
    corpus = make_corpus(
        tmp_path,
        {
            "a1": "The ferry sailed at dawn from the harbour.",
            "a1.json": {
                "outlet": "Gazette",
                "authors": ["Ann Lee", "Bo Li"],
                "published": "2024-03-01",
            },
            "a2": "A lantern was lit in the orchard at dusk.",
            "a2.json": {"outlet": "Herald", "published": "2023-12-31T22:00:00+01:00"},
            "a3": "Copper prices rose as the quarry closed for winter.",
        },
    )
    rebuild_index(corpus, tmp_path / "index")
    (corpus / "a2.txt").unlink()  # an incremental build leaves a deleted document behind
    rebuild_index(corpus, tmp_path / "index", incremental=True)
    gen = open_live(tmp_path / "index").generation()
    with gen.index.reader() as r:
        assert r.has_deletions()
        live = dict(r.iter_docs())  # docnum -> stored fields, deleted documents left out
        for docnum in range(r.doc_count_all()):
            fields = live.get(docnum, {})
            names = tuple(a for a in (fields.get("authors") or "").split("\n") if a)
            assert gen.facets.outlet[docnum] == (fields.get("outlet") or None)
            assert gen.facets.authors[docnum] == names
            assert gen.facets.year[docnum] == ((fields.get("published_text") or "")[:4] or None)
    assert gen.facets.outlet.count("Gazette") == 1 and gen.facets.outlet.count("Herald") == 0
    assert gen.stats.articles == 2 and gen.stats.first_date == gen.stats.last_date == "2024-03-01"


def test_an_index_built_by_another_version_is_unavailable_with_a_hint(tmp_path, open_live):
    corpus = make_corpus(tmp_path, {"a": "Ferry news\n\nThe ferry sailed at dawn."})
    rebuild_index(corpus, tmp_path / "ix")
    info_path = tmp_path / "ix" / current_generation(tmp_path / "ix") / "build.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    info_path.write_text(json.dumps({**info, "schema": 1}), encoding="utf-8")
    with pytest.raises(IndexUnavailableError, match="another version.*rebuild-index"):
        open_live(tmp_path / "ix").generation()


def test_a_search_retries_when_its_generation_is_pruned_before_it_opens(
    tmp_path, open_live, monkeypatch
):
    corpus = make_corpus(tmp_path, {"a": "Ferry news\n\nThe ferry sailed at dawn."})
    index = tmp_path / "ix"
    rebuild_index(corpus, index)
    old = current_generation(index)
    rebuild_index(corpus, index)
    real_open = live_index._open_generation
    opened: list[str] = []

    def open_after_a_race(index_dir, name):
        opened.append(name)
        if len(opened) == 1:  # as if two rebuilds pruned the generation it read first
            raise IndexUnavailableError("Index 'MAIN' does not exist", old)
        return real_open(index_dir, name)

    monkeypatch.setattr(live_index, "_open_generation", open_after_a_race)
    assert search(open_live(index), SearchRequest(q="ferry")).total == 1
    assert len(opened) == 2
